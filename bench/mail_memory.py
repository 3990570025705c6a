#!/usr/bin/env python3
"""Peak memory of reading and routing one huge mail (bench/README.md, docs/security.md).

    PYTHONPATH=build/python python3 bench/mail_memory.py [MB] [--route DB]

Builds a mail of MB megabytes (default 100: a 60 MB text/plain body and a 40 MB base64
attachment; kept in the temporary folder), reads it, measures the process's peak resident memory before, then after
InboundEmail.from_rfc822 and (with --route) after Router.route into a fresh SqliteStore.
Each run is its own process, so peaks do not mix."""
import argparse
import base64
import os
import resource
import sys
import tempfile
import time


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(megabytes: int, path: str) -> None:
    """Writes the mail to `path` piece by piece (so the measuring process starts clean)."""
    text = megabytes * 6 // 10 << 20
    attachment = megabytes * 4 // 10 << 20
    line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
    with open(path, "wb") as f:
        f.write(b"From: Ann <ann@customer.com>\r\nTo: support@example.com\r\nSubject: huge\r\n"
                b"Message-ID: <huge@customer.com>\r\nMIME-Version: 1.0\r\n"
                b"Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
                b"Content-Type: text/plain; charset=utf-8\r\n\r\n")
        for _ in range(text // len(line)):
            f.write(line)
        f.write(b"\r\n--BB\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Transfer-Encoding: base64\r\n"
                b"Content-Disposition: attachment; filename=big.bin\r\n\r\n")
        for _ in range(attachment // (1 << 20)):
            f.write(base64.encodebytes(os.urandom(3 << 18)))
        f.write(b"\r\n--BB--\r\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("megabytes", nargs="?", type=int, default=100)
    ap.add_argument("--route", action="store_true", help="also route it into a fresh SqliteStore")
    args = ap.parse_args()
    import switchboard as sb

    path = os.path.join(tempfile.gettempdir(), f"switchboard-bench-mail-{args.megabytes}.eml")
    if not os.path.exists(path):
        build(args.megabytes, path)
    with open(path, "rb") as f:
        raw = f.read()
    base = peak_mib()
    t = time.perf_counter()
    mail = sb.InboundEmail.from_rfc822(raw, "Support")
    parsed = peak_mib()
    print(f"mail: {len(raw) / 2**20:.0f} MiB; peak before parsing {base:.0f} MiB, after "
          f"from_rfc822 {parsed:.0f} MiB (+{parsed - base:.0f}) in {time.perf_counter() - t:.1f} s; "
          f"text kept {len(mail.text_content) / 2**20:.1f} MiB; omitted: "
          f"{getattr(mail, 'omitted', '(no limits)') or '-'}")
    if args.route:
        with tempfile.TemporaryDirectory() as d:
            store = sb.SqliteStore(os.path.join(d, "s.sqlite"))
            r = sb.Router(store).route(mail)
            size = os.path.getsize(os.path.join(d, "s.sqlite")) + sum(
                os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith("-wal"))
            routed = peak_mib()
            print(f"route: {r.action} ({r.reason}); peak after route {routed:.0f} MiB "
                  f"(+{routed - base:.0f}); database and WAL {size / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
