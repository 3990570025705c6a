#!/usr/bin/env python3
"""Fails when an #include runs up (or sideways across) the library's layers.

The layers and what each may use come from the build (src/CMakeLists.txt writes layers.json:
area -> {tier: n, depends: [areas below it], headers: [public headers it owns]}). An area may
depend only on areas of a lower tier (never on one of its own tier: no sideways edges). A file
in src/AREA/ may include its own area's files, and the public headers (include/switchboard/X.h)
and internal headers (src/OTHER/x.h) of the areas below it, transitively. A public header may
include only public headers of its own area and the areas below. Includes in <...> are
third-party and not checked.

    check_layers.py --layers build/layers.json --root .      check the project
    check_layers.py --self-test                              prove it catches an upward include
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def closure(layers: dict) -> dict:
    """area -> every area it may use (itself included)."""
    out = {}

    def below(area, seen):
        for dep in layers[area]["depends"]:
            if dep not in seen:
                seen.add(dep)
                below(dep, seen)
        return seen

    for area in layers:
        out[area] = below(area, {area})
    return out


def check(root: str, layers: dict) -> list[str]:
    allowed = closure(layers)
    header_area = {h: a for a, spec in layers.items() for h in spec["headers"]}
    problems = []
    for area, spec in layers.items():
        for dep in spec["depends"]:
            if "tier" in spec and layers[dep].get("tier", -1) >= spec["tier"]:
                problems.append(f"src/{area}/CMakeLists.txt: {area} (tier {spec['tier']}) depends on "
                                f"{dep} (tier {layers[dep].get('tier')}): a layer uses only lower tiers")

    def area_of_include(path: str, own_dir: str):
        if path.startswith("switchboard/"):
            name = path[len("switchboard/"):]
            return header_area.get(name, "?public:" + name)
        first = path.split("/")[0]
        if "/" in path and first in layers:
            return first
        return None  # a file of the including folder itself

    def scan(path: str, area: str, label: str):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for lineno, inc in ((text[: m.start()].count("\n") + 1, m.group(1))
                            for m in INCLUDE.finditer(text)):
            target = area_of_include(inc, os.path.dirname(path))
            if target is None:
                continue
            if target.startswith("?public:"):
                problems.append(f"{label}:{lineno}: includes {inc}, which no layer owns "
                                "(list it in an area's HEADERS)")
            elif target not in allowed[area]:
                problems.append(f"{label}:{lineno}: {area} includes {inc} of {target}, "
                                f"which is not below it ({area} may use: "
                                f"{', '.join(sorted(allowed[area] - {area})) or 'nothing'})")

    src = os.path.join(root, "src")
    for area in layers:
        folder = os.path.join(src, area)
        if not os.path.isdir(folder):
            problems.append(f"src/{area}/ is missing")
            continue
        for dirpath, _, files in os.walk(folder):
            for name in sorted(files):
                if name.endswith((".cpp", ".h", ".hpp", ".cc")):
                    full = os.path.join(dirpath, name)
                    scan(full, area, os.path.relpath(full, root))
    for dirpath, _, files in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        top = rel.split(os.sep)[0]
        if rel != "." and top not in layers and any(f.endswith((".cpp", ".h")) for f in files):
            problems.append(f"src/{rel}/ holds code but is no layer of the build")
    include_dir = os.path.join(root, "include", "switchboard")
    for name in sorted(os.listdir(include_dir)):
        if not name.endswith(".h"):
            continue
        area = header_area.get(name)
        if area is None:
            problems.append(f"include/switchboard/{name}: no layer owns this public header")
            continue
        scan(os.path.join(include_dir, name), area, f"include/switchboard/{name}")
    return problems


def self_test() -> int:
    """A two-layer tree where the lower layer includes the upper one: must be caught."""
    layers = {"low": {"tier": 0, "depends": [], "headers": ["low.h"]},
              "high": {"tier": 1, "depends": ["low"], "headers": ["high.h"]}}
    with tempfile.TemporaryDirectory() as root:
        files = {
            "include/switchboard/low.h": "#pragma once\n",
            "include/switchboard/high.h": '#pragma once\n#include "switchboard/low.h"\n',
            "src/low/low.cpp": '#include "switchboard/low.h"\n',
            "src/high/high.cpp": '#include "switchboard/high.h"\n#include "low/x.h"\n',
            "src/low/x.h": "#pragma once\n",
        }
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        clean = check(root, layers)
        if clean:
            print("self-test: a correct tree was flagged:", *clean, sep="\n  ")
            return 1
        cases = {
            "src/low/bad.cpp": '#include "switchboard/high.h"\n',   # public header above
            "src/low/bad2.cpp": '#include "high/internal.h"\n',     # internal header above
        }
        for rel, text in cases.items():
            path = os.path.join(root, rel)
            with open(path, "w") as f:
                f.write(text)
            caught = check(root, layers)
            os.remove(path)
            if not any(rel in p for p in caught):
                print(f"self-test: the upward include in {rel} was NOT caught")
                return 1
        sideways = {**layers, "peer": {"tier": 1, "depends": ["high"], "headers": []}}
        os.makedirs(os.path.join(root, "src/peer"))
        if not any("peer (tier 1) depends on high" in p for p in check(root, sideways)):
            print("self-test: a dependency on a layer of the same tier was NOT caught")
            return 1
        with open(os.path.join(root, "include/switchboard/low.h"), "a") as f:
            f.write('#include "switchboard/high.h"\n')             # a public header reaching up
        if not any("low.h" in p for p in check(root, layers)):
            print("self-test: the upward include in a public header was NOT caught")
            return 1
    print("self-test: upward includes and sideways dependencies are caught")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers")
    ap.add_argument("--root")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()
    with open(args.layers) as f:
        layers = json.load(f)
    problems = check(args.root, layers)
    for p in problems:
        print(p)
    if not problems:
        print(f"layers: every include runs down ({len(layers)} layers)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
