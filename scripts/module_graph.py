#!/usr/bin/env python3
"""Checks two rules of ARCHITECTURE.md over crates/*/src:

1. No import circle inside a crate: module A naming `crate::b` (in a `use` or a path) and b,
   directly or through others, naming `crate::a`. Doc comments do not count. A module's
   children count as the module itself (`crate::store::postgres` is `store`).
2. A `match` on the connection variant (`DbConn::Postgresql` / `DbConn::Sqlite`) appears only
   in a crate's `store` module (or `store/` folder) and in the db crate.

Prints the cycles and misplaced matches found and ends with `N passed, N failed`.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "crates")
failed = 0
passed = 0


def top_module(src_dir, path):
    rel = os.path.relpath(path, src_dir)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def code_lines(text):
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        yield line.split("//")[0]


for crate in sorted(os.listdir(ROOT)):
    src = os.path.join(ROOT, crate, "src")
    if not os.path.isdir(src):
        continue
    edges = {}
    misplaced = []
    for dirpath, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(dirpath, name)
            module = top_module(src, path)
            if module in ("lib", "main"):
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
            code = "\n".join(code_lines(text))
            targets = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", code))
            # `use crate::{a, b::c}` groups
            for group in re.findall(r"\bcrate::\{([^}]*)\}", code):
                targets.update(re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", group))
            targets.discard(module)
            edges.setdefault(module, set()).update(t for t in targets if t not in ("self",))
            if crate != "db" and module != "store" and re.search(r"DbConn::(Postgresql|Sqlite)\b", code):
                misplaced.append(os.path.relpath(path, ROOT))
    # cycles by DFS
    cycles = set()

    def visit(node, stack):
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if nxt in stack:
                cyc = stack[stack.index(nxt):] + [nxt]
                cycles.add(" → ".join(cyc))
            elif len(stack) < 12:
                visit(nxt, stack + [nxt])

    for start in sorted(edges):
        visit(start, [start])
    if cycles:
        failed += 1
        print(f"FAIL: {crate}: import circles:")
        for c in sorted(cycles)[:20]:
            print(f"    {c}")
    else:
        passed += 1
        print(f"ok: {crate}: no import circle ({len(edges)} modules)")
    if misplaced:
        failed += 1
        print(f"FAIL: {crate}: connection-variant matches outside store: {', '.join(misplaced)}")
    else:
        passed += 1
        print(f"ok: {crate}: connection-variant matches only in store")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
