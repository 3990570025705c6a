#!/usr/bin/env python3
"""phone keys from Python: `sb.phone_key` per call and `sb.phone_keys` per list, against
python-phonenumbers (parse, is_possible_number_with_reason, format_number E164: the same
question) on the same inputs, in the same run. Prints a markdown table.

    PYTHONPATH=build/python python3 bench/phone_python.py [--rounds 5]

Inputs, read at a US site (region "US"), from the workload's numbers (bench/workload/world.py:
customers in the US, CA, GB, DE, FR and AU), 20,000 per set:
- "caller IDs": 20,000 calls from 2,000 customers, numbers in E.164 as the phone network shows
  them (a customer calls again and again);
- "typed, each once": 20,000 different spellings as people type them (North American shapes,
  +cc, 00/011 prefixes, national numbers, extensions), each seen once: every key is computed
  afresh (each round appends spaces, so even the per-thread cache misses);
- "common shapes": 20,000 North American numbers in the ten common shapes."""
from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "workload"))

try:  # the baseline: pip install phonenumbers==8.12.57 (the metadata of Debian's libphonenumber)
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, ValidationResult
except ImportError:
    print("phone_python: skipped (no python-phonenumbers: pip install phonenumbers==8.12.57)")
    sys.exit(0)

import switchboard as sb  # noqa: E402
import world as W  # noqa: E402


def pn_key(raw: str, region: str = "US"):
    try:
        n = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(n) != ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(n, PhoneNumberFormat.E164)


def spelled(rng: random.Random, count: int, customers: int) -> list:
    pool = W.NumberPool(rng)
    countries = [c for c, w in W.COUNTRIES for _ in range(w)]
    numbers = [pool.new(rng.choice(countries)) for _ in range(customers)]
    out = []
    for _ in range(count):
        n = rng.choice(numbers)
        if rng.random() < 0.1:
            n = n.with_ext(str(rng.randrange(10, 999)))
        out.append(W.spell(rng, n)[0])
    return out


def common_shapes(rng: random.Random, count: int) -> list:
    shapes = ["+1 ({a}) {b}-{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "{a}.{b}.{c}", "{a}{b}{c}",
              "+1{a}{b}{c}", "1-{a}-{b}-{c}", "1 {a} {b} {c}", "{a}/{b}-{c}", "+1 {a} {b} {c}"]
    out = []
    for i in range(count):
        a, b, c = rng.randrange(200, 1000), rng.randrange(200, 1000), rng.randrange(10000)
        out.append(shapes[i % 10].format(a=a, b=b, c=f"{c:04d}"))
    return out


def best(fn, inputs, rounds: int) -> float:
    """Best of `rounds`: seconds per item."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(inputs)
        times.append(time.perf_counter() - t0)
    return min(times) / len(inputs)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; phonenumbers {phonenumbers.__version__}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--count", type=int, default=20000)
    a = ap.parse_args(argv)
    rng = random.Random(1)
    pool = W.NumberPool(rng)
    countries = [c for c, w in W.COUNTRIES for _ in range(w)]
    callers = [pool.new(rng.choice(countries)).e164 for _ in range(a.count // 10)]
    sets = {"caller IDs": [rng.choice(callers) for _ in range(a.count)],
            "typed, each once": list(dict.fromkeys(spelled(rng, a.count * 3, a.count // 4)))[:a.count],
            "common shapes": common_shapes(rng, a.count)}
    site = sb.SiteConfig(region="US")
    key, keys = sb.phone_key, sb.phone_keys

    def ours(xs):
        for x in xs:
            key(x)

    def ours_site(xs):
        for x in xs:
            key(x, site)

    def theirs(xs):
        for x in xs:
            pn_key(x)

    print(f"Machine: {machine()}\n")
    print("| inputs | python-phonenumbers µs/call | sb.phone_key µs/call | speed-up | "
          "sb.phone_key(raw, site) µs/call | sb.phone_keys(list) µs/item | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for name, inputs in sets.items():
        agree = sum(1 for x in inputs if key(x) == pn_key(x))
        if agree != len(inputs):
            print(f"disagreement with python-phonenumbers on {len(inputs) - agree} inputs", file=sys.stderr)
            return 1
        t_pn = best(theirs, inputs, a.rounds)
        if name == "typed, each once":  # every round new strings (trailing spaces), so no cache helps
            variant = lambda k: [x + " " * k for x in inputs]  # noqa: E731
            t_sb = min(best(ours, variant(1 + k), 1) for k in range(a.rounds))
            t_site = min(best(ours_site, variant(1 + a.rounds + k), 1) for k in range(a.rounds))
            t_list = min(best(keys, variant(1 + 2 * a.rounds + k), 1) for k in range(a.rounds))
        else:
            t_sb = best(ours, inputs, a.rounds)
            t_site = best(ours_site, inputs, a.rounds)
            t_list = best(keys, inputs, a.rounds)
        print(f"| {name} ({len(inputs):,}) | {t_pn * 1e6:.2f} | {t_sb * 1e6:.2f} | {t_pn / t_sb:.1f}x | "
              f"{t_site * 1e6:.2f} | {t_list * 1e6:.2f} | {t_pn / t_list:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
