#!/usr/bin/env python3
"""Prints the shell steps README.md marks with `<!-- newcomer: NAME -->` (the fenced block
right after the marker), so that tests run exactly what the README tells a person to run.

Usage: scripts/readme-steps.py NAME [--skip-make]   (--skip-make drops the `make ...` lines)
"""
import os
import re
import sys

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def steps(name: str, skip_make: bool = False) -> str:
    text = open(README, encoding="utf-8").read()
    m = re.search(r"<!-- newcomer: " + re.escape(name) + r" -->\s*```(?:sh|bash)?\n(.*?)```",
                  text, re.S)
    if not m:
        raise SystemExit(f"readme-steps: README.md has no block marked 'newcomer: {name}'")
    lines = m.group(1).splitlines()
    if skip_make:
        lines = [line for line in lines if not line.lstrip().startswith("make ")]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    sys.stdout.write(steps(sys.argv[1], "--skip-make" in sys.argv[2:]))
