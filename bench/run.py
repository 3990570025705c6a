#!/usr/bin/env python3
"""Runs every benchmark binary (build/bench/bench_*), phone keys from Python (bench/phone_python.py,
name `phone_python`; skipped without python-phonenumbers) and the routing-quality workload
(bench/workload, name `workload`), and prints the tables bench/README.md reports, headed by the
machine they ran on. Usage: bench/run.py [--build build] [names...]"""
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
    ap.add_argument("names", nargs="*", help="bench_* binaries, or `workload`, to run (default: all)")
    args = ap.parse_args()
    binaries = sorted(glob.glob(os.path.join(args.build, "bench", "bench_*")))
    binaries = [b for b in binaries if os.access(b, os.X_OK) and not b.endswith(".py")]
    workload = not args.names or "workload" in args.names
    phone_python = not args.names or "phone_python" in args.names
    if args.names:
        binaries = [b for b in binaries if os.path.basename(b) in args.names]
    if not binaries and not workload and not phone_python:
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
    if phone_python:  # phone keys from Python against python-phonenumbers
        print("\n## phone_python", flush=True)
        env = dict(os.environ, PYTHONPATH=os.path.join(os.path.abspath(args.build), "python"))
        here = os.path.dirname(os.path.abspath(__file__))
        proc = subprocess.run([sys.executable, os.path.join(here, "phone_python.py")],
                              capture_output=True, text=True, env=env)
        print(proc.stdout, end="", flush=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        out += ["## phone_python", proc.stdout]
    if workload:   # routing quality and speed on the generated 20,000-mail workload
        print("\n## workload", flush=True)
        env = dict(os.environ, PYTHONPATH=os.path.join(os.path.abspath(args.build), "python"))
        here = os.path.dirname(os.path.abspath(__file__))
        proc = subprocess.run([sys.executable, os.path.join(here, "workload", "evaluate.py"),
                               "--seed", "1", "--mails", "20000"], capture_output=True, text=True, env=env)
        print(proc.stdout, end="", flush=True)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        out += ["## workload", proc.stdout]
    path = os.path.join(args.build, "bench-results.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print(f"\n(results also in {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
