#!/usr/bin/env python3
"""Runs every benchmark binary (build/bench/bench_*) and prints the tables bench/README.md
reports, headed by the machine they ran on. Usage: bench/run.py [--build build] [names...]"""
import argparse
import glob
import os
import platform
import subprocess
import sys
import tempfile


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    cxx = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout.splitlines()
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"{cxx[0] if cxx else 'unknown compiler'}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("names", nargs="*", help="bench_* binaries to run (default: all)")
    args = ap.parse_args()
    binaries = sorted(glob.glob(os.path.join(args.build, "bench", "bench_*")))
    binaries = [b for b in binaries if os.access(b, os.X_OK) and not b.endswith(".py")]
    if args.names:
        binaries = [b for b in binaries if os.path.basename(b) in args.names]
    if not binaries:
        print("no benchmark binaries found; run `make bench`", file=sys.stderr)
        return 1
    out = [f"Machine: {machine()}", ""]
    print(out[0], flush=True)
    for b in binaries:
        with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as tmp:
            print(f"\n## {os.path.basename(b)}", flush=True)
            proc = subprocess.run([b, tmp], capture_output=True, text=True)
            print(proc.stdout, end="", flush=True)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            out += [f"## {os.path.basename(b)}", proc.stdout]
    path = os.path.join(args.build, "bench-results.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print(f"\n(results also in {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
