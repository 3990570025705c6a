#!/usr/bin/env python3
"""Which database pages one routed mail makes SQLite write, and to which table or index each belongs.

A transaction in WAL mode writes every page it changed once, so its cost grows with the
number of b-trees (tables and indexes) it touches. This reads the frames a transaction
appended to the -wal file and names each page's b-tree with SQLite's dbstat table: for the
floor of `bench_routing` (one transaction inserting a Communication) and for route() of each
kind of mail, after WARM mails have filled the store.

Usage: PYTHONPATH=build/python python3 bench/wal_pages.py [--warm 2000] [--dir DIR] [--detail]
"""
import argparse
import os
import sqlite3
import struct
import sys
import tempfile

import switchboard as sb

DOMAIN = "cozycornerpatios.com"


class Wal:
    """The frames a transaction appends to a database's -wal file."""

    def __init__(self, path: str):
        self.db = path
        self.path = path + "-wal"

    def mark(self) -> None:
        """Copies the WAL into the database and empties it: the next transaction's frames
        start the file."""
        con = sqlite3.connect(self.db)
        try:
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            con.close()
        if busy or os.path.getsize(self.path) != 0:
            raise RuntimeError("could not empty the WAL: another connection is reading")

    def since_mark(self) -> list[int]:
        """The page number of each frame written since mark()."""
        with open(self.path, "rb") as f:
            data = f.read()
        if len(data) < 32:
            return []
        page_size = struct.unpack(">I", data[8:12])[0]
        salt = data[16:24]
        frames, offset = [], 32
        while offset + 24 + page_size <= len(data) and data[offset + 8:offset + 16] == salt:
            frames.append(struct.unpack(">I", data[offset:offset + 4])[0])
            offset += 24 + page_size
        return frames


def mail(i: int, sender: str, to: str, subject: str, in_reply_to: str = "") -> "sb.InboundEmail":
    e = sb.InboundEmail()
    e.message_id = f"m{i}@mail.example.com"
    e.sender = sender
    e.to = [to]
    e.subject = subject
    e.email_account = "Support"
    e.content = f"Hello, this is mail number {i}. Please help with my order."
    e.text_content = e.content
    if in_reply_to:
        e.in_reply_to = in_reply_to
    return e


def open_store(path: str):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    store = sb.SqliteStore(path)
    site = sb.SiteConfig()
    site.company_domains = [DOMAIN]
    site.support_aliases = [f"support@{DOMAIN}"]
    site.sales_aliases = [f"sales@{DOMAIN}"]
    sb.save_site_config(store, site)
    return store


def btree_of_pages(path: str) -> dict[int, str] | None:
    """Page number -> the table or index it belongs to; None without SQLite's dbstat table."""
    con = sqlite3.connect(path)
    try:
        return {page: name for name, page in con.execute("SELECT name, pageno FROM dbstat")}
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()


def measure(path: str, warm: int) -> list[tuple[str, str, list[int], list[str] | None]]:
    """Routes `warm` mails into a fresh store at `path`, then runs each measured transaction:
    (label, action, the page of each frame it wrote, the tables and indexes of those pages or
    None without dbstat). Page 1 counts among the pages, not the tables: it holds the file
    header too, which a transaction rewrites whenever the file grows."""
    store = open_store(path)
    router = sb.Router(store)
    for i in range(warm):  # customers with tickets and threads, prospects with leads
        if i % 4 == 3:
            router.route(mail(i, f"prospect{i}@example.org", f"sales@{DOMAIN}", "Quote request"))
        elif i % 4 == 2:
            router.route(mail(i, f"customer{i - 2}@example.com", f"support@{DOMAIN}",
                              f"Re: Order question {i - 2}", in_reply_to=f"m{i - 2}@mail.example.com"))
        else:
            router.route(mail(i, f"customer{i}@example.com", f"support@{DOMAIN}", f"Order question {i}"))

    n = warm + 10

    def floor():
        with store.transaction():
            store.insert("Communication", {
                "communication_type": "Communication", "communication_medium": "Email",
                "sent_or_received": "Received", "message_id": f"m{n}@mail.example.com",
                "sender": "someone@example.com", "subject": "Order question",
                "content": "Hello", "reference_doctype": "HD Ticket", "reference_name": "1"})
        return "insert"

    new_request = mail(n + 1, "newcustomer@example.com", f"support@{DOMAIN}", "Order question")
    cases = [
        ("floor: one transaction inserting a Communication", floor),
        ("route(): new support request (contact, ticket)", lambda: router.route(new_request).action),
        ("route(): reply by In-Reply-To", lambda: router.route(
            mail(n + 2, "customer0@example.com", f"support@{DOMAIN}", "Re: Order question 0",
                 in_reply_to="m0@mail.example.com")).action),
        ("route(): sales inquiry from a new prospect (lead)", lambda: router.route(
            mail(n + 3, "newprospect@example.org", f"sales@{DOMAIN}", "Quote request")).action),
        ("route(): redelivery (already routed)", lambda: router.route(new_request).action),
    ]
    wal = Wal(path)
    measured = []
    for label, run in cases:
        wal.mark()
        action = run()
        measured.append((label, action, wal.since_mark()))
    names = btree_of_pages(path)
    return [(label, action, pages,
             None if names is None else sorted({names.get(p, f"page {p}") for p in pages if p != 1}))
            for label, action, pages in measured]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warm", type=int, default=2000, help="mails routed before measuring")
    ap.add_argument("--dir", help="directory for the SQLite file (default: a temporary one)")
    ap.add_argument("--detail", action="store_true", help="list the b-tree of every page")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="switchboard-wal-pages-") as tmp:
        rows = measure(os.path.join(args.dir or tmp, "wal-pages.sqlite"), args.warm)
    print(f"Pages written by one transaction, after {args.warm} routed mails "
          f"(SQLite {sqlite3.sqlite_version}, route_log and error_log at their defaults):\n")
    print("| transaction | action | pages written | tables and indexes written |")
    print("|---|---|---|---|")
    for label, action, pages, trees in rows:
        if trees is None:
            written = "(SQLite without dbstat)"
        else:
            written = f"{len(trees)}" + (": " + ", ".join(trees) if args.detail else "")
        print(f"| {label} | {action} | {len(pages)} | {written} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
