#!/usr/bin/env python3
"""Fails when the modules of a crate import each other in a loop.

For every crate of the workspace (a folder with Cargo.toml and src/), each .rs file under src/ is
a module; its edges are the modules it names through `crate::…` and `super::…` paths (in `use`
lines and in code), resolved to the longest path that is a module, and names the crate root or a
`mod.rs` re-exports (`pub use x::{A, B}`) resolved to the module that defines them. A module naming
its own ancestor or descendant is containment, not an edge. Test modules (`tests.rs`, `golden.rs`,
`testing.rs`) are left out: they exist to look at everything. Prints the module graph with
`--graph`.

Usage: tests/lib/module_cycles.py [--graph] [ROOT]
"""

import re
import sys
from pathlib import Path

TEST_MODULES = {"tests", "golden", "testing"}
COMMENT = re.compile(r"//[^\n]*")
USE = re.compile(r"\buse\s+((?:crate|super|self)::[^;]*);", re.S)
PATH = re.compile(r"\b((?:crate|super)(?:::\w+)+)")


def module_of(src: Path, file: Path) -> tuple:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts in (["lib"], ["main"]):
        return ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def expand(tree: str) -> list:
    """`a::{b, c::{d}}` → [a::b, a::c::d] (whitespace already removed)."""
    if "{" not in tree:
        return [tree]
    head, _, rest = tree.partition("{")
    inner = rest[: rest.rfind("}")]
    items, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    return [path for item in items if item for path in expand(head + item)]


def absolute(path: str, here: tuple) -> tuple:
    segments = path.split("::")
    if segments[0] == "crate":
        base, segments = [], segments[1:]
    else:
        base = list(here)
        while segments and segments[0] in ("super", "self"):
            if segments.pop(0) == "super" and base:
                base.pop()
    return tuple(base + [s.split(" as ")[0] for s in segments if s != "*"])


def crate_graph(src: Path) -> dict:
    files = {module_of(src, f): f for f in src.rglob("*.rs")}
    texts = {m: COMMENT.sub("", f.read_text()) for m, f in files.items()}
    reexports = {}
    for module, text in texts.items():
        for statement in re.findall(r"\bpub\s+use\s+([^;]*);", text):
            for path in expand(re.sub(r"\s+", "", statement)):
                target = absolute(path if path.startswith(("crate", "super", "self")) else f"self::{path}", module)
                reexports[module + target[-1:]] = target
    def resolve(path: tuple) -> tuple:
        for _ in range(8):
            if path in reexports and reexports[path] != path:
                path = reexports[path]
                continue
            break
        while path and path not in files:
            path = path[:-1]
        return path
    graph = {}
    for module, text in texts.items():
        if TEST_MODULES & set(module):
            continue
        paths = [p for s in USE.findall(text) for p in expand(re.sub(r"\s+", "", s))]
        paths += PATH.findall(USE.sub("", text))
        edges = set()
        for path in paths:
            target = resolve(absolute(path, module))
            related = target[: len(module)] == module or module[: len(target)] == target
            if not related and not TEST_MODULES & set(target):
                edges.add(target)
        graph[module] = edges
    return graph


def cycle(graph: dict):
    state, stack = {}, []
    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None
    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def name(module: tuple) -> str:
    return "::".join(module) or "crate"


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--graph"]
    root = Path(args[0] if args else ".").resolve()
    failed = False
    for manifest in sorted(root.glob("**/Cargo.toml")):
        src = manifest.parent / "src"
        if "node_modules" in manifest.parts or "target" in manifest.parts or not src.is_dir():
            continue
        graph = crate_graph(src)
        if "--graph" in sys.argv:
            print(f"{manifest.parent.relative_to(root) or '.'}:")
            for module in sorted(graph):
                print(f"  {name(module)} → {', '.join(sorted(map(name, graph[module]))) or '-'}")
        found = cycle(graph)
        if found:
            failed = True
            print(f"{manifest.parent.relative_to(root)}: import cycle {' → '.join(map(name, found))}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
