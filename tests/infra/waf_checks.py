"""The web ACL stacks (infra/sam/waf.yaml and the CDK app's PrenotaWaf) held to infra/waf.json,
and infra/waf.json itself to the route table."""

import json
import re

from template_common import problem, resources_of

REQUIRED_MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LOWEST_RATE_LIMIT = 10


def path_regex(path):
    """A route's path as its rule's expression: the path literally, each {param} one segment
    (the same as pathRegex in infra/cdk/lib/specs.ts)."""
    def literal(text):
        return re.sub(r"([.*+?^${}()|\[\]\\])", r"\\\1", text)

    parts = re.split(r"(\{[^}]+\})", path)
    return "^" + "".join("[^/]+" if re.fullmatch(r"\{[^}]+\}", part) else literal(part) for part in parts) + "$"


def route_statement(route):
    method, path = route.split(" ", 1)
    return {"AndStatement": {"Statements": [
        {"ByteMatchStatement": {
            "FieldToMatch": {"Method": {}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": method,
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }},
        {"RegexMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "RegexString": path_regex(path),
            "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
        }},
    ]}}


def visibility(metric):
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": metric}


def expected_rules(waf):
    """{rule name: rule} as infra/waf.json describes them."""
    rules = {}
    for rule in waf["rateRules"]:
        statements = [route_statement(route) for route in rule["routes"]]
        rules[rule["name"]] = {
            "Name": rule["name"],
            "Priority": rule["priority"],
            "Action": {"Block": {"CustomResponse": {
                "ResponseCode": waf["blockedStatus"],
                "CustomResponseBodyKey": rule["response"],
                "ResponseHeaders": [{"Name": "Retry-After", "Value": str(waf["evaluationWindowSec"])}],
            }}},
            "Statement": {"RateBasedStatement": {
                "Limit": {"Ref": rule["limit"]},
                "EvaluationWindowSec": waf["evaluationWindowSec"],
                "AggregateKeyType": "IP",
                "ScopeDownStatement": statements[0] if len(statements) == 1 else {"OrStatement": {"Statements": statements}},
            }},
            "VisibilityConfig": visibility(rule["name"]),
        }
    for group in waf["managedRuleGroups"]:
        statement = {"VendorName": "AWS", "Name": group["name"]}
        if group.get("countRules"):
            statement["RuleActionOverrides"] = [{"Name": name, "ActionToUse": {"Count": {}}}
                                                for name in group["countRules"]]
        rules[group["name"]] = {
            "Name": group["name"],
            "Priority": group["priority"],
            "OverrideAction": {"None": {}},
            "Statement": {"ManagedRuleGroupStatement": statement},
            "VisibilityConfig": visibility(group["name"]),
        }
    return rules


def check_waf_spec(waf, routes):
    """infra/waf.json itself: its routes are the route table's, every write route is rate
    limited, each managed group the issue asks for is there, each answer is the API's problem."""
    where = "infra/waf.json"
    table = {f"{method} {path}" for method, path, _ in routes}
    limited = set()
    for rule in waf["rateRules"]:
        for route in rule["routes"]:
            if route not in table:
                problem(where, f"rule {rule['name']}: route {route!r} is not in the route table")
            limited.add(route)
        if rule["limit"] not in waf["parameters"] or rule["response"] not in waf["responses"]:
            problem(where, f"rule {rule['name']}: unknown parameter {rule['limit']} or response {rule['response']}")
    for method, path, _ in sorted(routes):
        if method in WRITE_METHODS and f"{method} {path}" not in limited:
            problem(where, f"write route {(method, path)} is under no rate rule")
    names = {group["name"] for group in waf["managedRuleGroups"]}
    for missing in sorted(REQUIRED_MANAGED_GROUPS - names):
        problem(where, f"managed rule group {missing} is missing")
    priorities = [r["priority"] for r in waf["rateRules"]] + [g["priority"] for g in waf["managedRuleGroups"]]
    if len(priorities) != len(set(priorities)):
        problem(where, f"rule priorities {priorities} are not unique")
    for name, parameter in waf["parameters"].items():
        if parameter["default"] < LOWEST_RATE_LIMIT:
            problem(where, f"parameter {name}: WAF's lowest rate limit is {LOWEST_RATE_LIMIT}")
    for key, response in waf["responses"].items():
        if response["contentType"] != "APPLICATION_JSON":
            continue
        body = response["json"]
        expected = {"type": "urn:prenota:problem:too_many_requests", "title": "Too Many Requests",
                    "status": waf["blockedStatus"], "code": "too_many_requests"}
        if {k: body.get(k) for k in expected} != expected or not body.get("detail"):
            problem(where, f"response {key} is not the API's too_many_requests problem: {body}")
    if waf["logging"]["keep"] != "BLOCK" or "UriPath" not in waf["logging"]["redacted"]:
        problem(where, "logging must keep blocked requests only and redact the URI path (booking codes)")
    if {"SingleHeader": {"Name": "authorization"}} not in waf["logging"]["redacted"]:
        problem(where, "logging must redact the authorization header (the staff's ID tokens)")



def check_waf_template(template, waf, where):
    acls = resources_of(template, "AWS::WAFv2::WebACL")
    if len(acls) != 1:
        problem(where, f"{len(acls)} web ACLs; one expected")
        return
    acl_id, acl = next(iter(acls.items()))
    properties = acl["Properties"]
    fixed = {
        "Name": {"Ref": "AWS::StackName"},
        "Description": waf["aclDescription"],
        "Scope": waf["scope"],
        "DefaultAction": {"Allow": {}},
        "VisibilityConfig": visibility(waf["metricName"]),
    }
    for key, value in fixed.items():
        if properties.get(key) != value:
            problem(where, f"web ACL {key} is {properties.get(key)}, not {value}")
    bodies = properties.get("CustomResponseBodies", {})
    if set(bodies) != set(waf["responses"]):
        problem(where, f"custom response bodies {sorted(bodies)} differ from infra/waf.json {sorted(waf['responses'])}")
    for key, response in waf["responses"].items():
        body = bodies.get(key, {})
        content = body.get("Content", "")
        if response["contentType"] == "APPLICATION_JSON":
            try:
                same = json.loads(content) == response["json"]
            except ValueError:
                same = False
        else:
            same = content == response["text"]
        if body.get("ContentType") != response["contentType"] or not same:
            problem(where, f"custom response body {key} differs from infra/waf.json")
    found = {rule.get("Name"): rule for rule in properties.get("Rules", [])}
    wanted = expected_rules(waf)
    for name in sorted(set(found) | set(wanted)):
        if name not in found:
            problem(where, f"WAF rule {name} of infra/waf.json is missing")
        elif name not in wanted:
            problem(where, f"WAF rule {name} is not in infra/waf.json")
        elif found[name] != wanted[name]:
            problem(where, f"WAF rule {name} differs from infra/waf.json: {json.dumps(found[name])}")
    parameters = {k: v for k, v in template.get("Parameters", {}).items() if k != "BootstrapVersion"}
    expected_parameters = {
        name: {"Type": "Number", "Default": p["default"], "MinValue": LOWEST_RATE_LIMIT, "Description": p["description"]}
        for name, p in waf["parameters"].items()
    }
    if parameters != expected_parameters:
        problem(where, f"parameters {parameters} differ from infra/waf.json")
    outputs = template.get("Outputs", {})
    if outputs.get("WebAclArn", {}).get("Value") != {"Fn::GetAtt": [acl_id, "Arn"]}:
        problem(where, "no output WebAclArn with the web ACL's ARN")
    check_waf_logging(template, acl_id, waf, where)


def check_waf_logging(template, acl_id, waf, where):
    configs = list(resources_of(template, "AWS::WAFv2::LoggingConfiguration").values())
    groups = resources_of(template, "AWS::Logs::LogGroup")
    if len(configs) != 1 or len(groups) != 1:
        problem(where, f"{len(configs)} logging configurations and {len(groups)} log groups; one of each expected")
        return
    config = configs[0]["Properties"]
    group_id, group = next(iter(groups.items()))
    if config.get("ResourceArn") != {"Fn::GetAtt": [acl_id, "Arn"]}:
        problem(where, "the logging configuration is not the web ACL's")
    destinations = json.dumps(config.get("LogDestinationConfigs"))
    if f'{{"Ref": "{group_id}"}}' not in destinations and f"${{{group_id}}}" not in destinations:
        problem(where, f"the logs do not go to {group_id} by its name (its Arn attribute ends in :*, which WAF refuses)")
    name = group["Properties"].get("LogGroupName")
    text = name.get("Fn::Sub", "") if isinstance(name, dict) and "Fn::Sub" in name else (
        name["Fn::Join"][1][0] if isinstance(name, dict) and "Fn::Join" in name else name)
    if not isinstance(text, str) or not text.startswith("aws-waf-logs-"):
        problem(where, f"log group name {name} does not start with aws-waf-logs- (WAF refuses it)")
    if group["Properties"].get("RetentionInDays") != waf["logging"]["retentionDays"]:
        problem(where, f"WAF logs kept {group['Properties'].get('RetentionInDays')} days, not {waf['logging']['retentionDays']}")
    wanted_filter = {"DefaultBehavior": "DROP", "Filters": [{
        "Behavior": "KEEP", "Requirement": "MEETS_ANY",
        "Conditions": [{"ActionCondition": {"Action": waf["logging"]["keep"]}}],
    }]}
    if config.get("LoggingFilter") != wanted_filter:
        problem(where, f"the logging filter {config.get('LoggingFilter')} keeps more than {waf['logging']['keep']}")
    if config.get("RedactedFields") != [{field: {}} if isinstance(field, str) else field for field in waf["logging"]["redacted"]]:
        problem(where, f"redacted fields {config.get('RedactedFields')} differ from infra/waf.json")
