#!/usr/bin/env python3
"""Runs every benchmark binary (build/bench/bench_*), phone keys from Python (bench/phone_python.py,
name `phone_python`; skipped without python-phonenumbers), the pages a routed mail writes
(bench/wal_pages.py, name `wal_pages`) and the routing-quality workload (bench/workload, name
`workload`), and prints the tables bench/README.md reports, headed by the
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


# Python benchmarks, run with the freshly built module: name -> script and arguments.
# phone_python: phone keys against python-phonenumbers (skipped without it); wal_pages: the
# pages one routed mail writes; workload: routing quality and speed on 20,000 generated mails.
PYTHON_BENCHES = {
    "phone_python": ["phone_python.py"],
    "wal_pages": ["wal_pages.py"],
    "workload": ["workload/evaluate.py", "--seed", "1", "--mails", "20000"],
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("names", nargs="*", help="bench_* binaries or Python benchmarks (phone_python, wal_pages, workload) to run (default: all)")
    args = ap.parse_args()
    binaries = sorted(glob.glob(os.path.join(args.build, "bench", "bench_*")))
    binaries = [b for b in binaries if os.access(b, os.X_OK) and not b.endswith(".py")]
    here = os.path.dirname(os.path.abspath(__file__))
    scripts = {name: argv for name, argv in PYTHON_BENCHES.items()
               if not args.names or name in args.names}
    if args.names:
        binaries = [b for b in binaries if os.path.basename(b) in args.names]
    if not binaries and not scripts:
        print("no benchmark binaries found; run `make bench`", file=sys.stderr)
        return 1
    out = [f"Machine: {machine()}", ""]
    print(out[0], flush=True)
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.abspath(args.build), "python"))
    # (name, command, whether it takes a scratch directory as its last argument)
    runs = [(os.path.basename(b), [b], True) for b in binaries]
    runs += [(name, [sys.executable, os.path.join(here, argv[0]), *argv[1:]], False)
             for name, argv in scripts.items()]
    for name, cmd, takes_dir in runs:
        with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as tmp:
            print(f"\n## {name}", flush=True)
            proc = subprocess.run(cmd + [tmp] if takes_dir else cmd, capture_output=True,
                                  text=True, env=env)
            print(proc.stdout, end="", flush=True)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
            out += [f"## {name}", proc.stdout]
    path = os.path.join(args.build, "bench-results.md")
    with open(path, "w") as f:
        f.write("\n".join(out))
    print(f"\n(results also in {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
