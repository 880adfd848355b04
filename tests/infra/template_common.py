"""What check_templates.py and its check modules share: the list of problems found, reading a
template, and finding resources and the logical ids a value names."""

import re
import sys
from pathlib import Path

from cfnlint.decode import decode

ROOT = Path(__file__).resolve().parents[2]

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def load(path):
    template, matches = decode(str(path))
    if matches:
        sys.exit(f"{path}: cannot be read: {matches}")
    return template


def as_list(value):
    return value if isinstance(value, list) else [value]


def tags_of(properties):
    tags = properties.get("Tags", {})
    if isinstance(tags, dict):
        return tags
    return {tag.get("Key"): tag.get("Value") for tag in tags}


def logical_id(reference):
    """The logical id named by a Ref or a GetAtt (`X.Arn` or [X, Arn])."""
    if isinstance(reference, dict):
        if "Ref" in reference:
            return reference["Ref"]
        if "Fn::GetAtt" in reference:
            target = reference["Fn::GetAtt"]
            return target[0] if isinstance(target, list) else target.split(".")[0]
    return None


def references(value):
    """Every logical id a value names: Ref, GetAtt, and ${Id} or ${Id.Attr} inside Fn::Sub."""
    found = set()
    if isinstance(value, dict):
        if "Ref" in value:
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else target.split(".")[0])
        if "Fn::Sub" in value:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
        for inner in value.values():
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def resources_of(template, kind):
    return {lid: r for lid, r in template.get("Resources", {}).items() if r.get("Type") == kind}


def only(template, kind, where):
    found = resources_of(template, kind)
    if len(found) != 1:
        problem(where, f"{len(found)} {kind}; one expected")
        return None, {}
    lid, resource = next(iter(found.items()))
    return lid, resource.get("Properties", {})
