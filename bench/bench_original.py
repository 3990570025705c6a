"""The library's router against the original scripts' routing logic, on the same mails, in one
run. The original logic is tests/frappe/seed_baseline.py (the "Communication Before Save"
server script written against frappe.*), run unchanged on top of a small frappe shim over
Python's sqlite3 (below: get_value, exists, sql, get_doc().insert, log_error) against a SQLite
file with the library's schema (tables "tab<DocType>", as on a Frappe site). Both sides write
into a fresh file each.

    PYTHONPATH=build/python python3 bench/bench_original.py [MAILS] [DIR]

Prints a markdown table (wall rates and CPU time of this process per mail): mails/s of the original logic (one commit per mail, as the hook
committed with each Communication, and one commit per 500 mails, its most favourable case),
of Router.route() one mail at a time and of Router.route_many() (256 mails per transaction in
the binding), and the ratios against the original in the same run.
"""
from __future__ import annotations

import datetime
import itertools
import os
import secrets
import sqlite3
import sys
import tempfile
import time
import types

import switchboard as sb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOMAIN = "example-shop.com"  # the domain seed_baseline.py's lists use


# ---- a minimal frappe over sqlite3 --------------------------------------------------------------

class _Db:
    """frappe.db: the calls seed_baseline.py makes, as SQL on the site's tables."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    @staticmethod
    def _where(filters: dict):
        clauses, params = [], []
        for field, value in filters.items():
            if isinstance(value, (list, tuple)) and value and value[0] == "in":
                clauses.append(f'"{field}" in ({",".join("?" * len(value[1]))})')
                params.extend(value[1])
            else:
                clauses.append(f'"{field}" = ?')
                params.append(value)
        return " and ".join(clauses) or "1", params

    def get_value(self, doctype, filters, fieldname="name", order_by=None):
        where, params = self._where(filters)
        order = f" order by {order_by}" if order_by else ""
        row = self.conn.execute(f'select "{fieldname}" from "tab{doctype}" where {where}{order} limit 1',
                                params).fetchone()
        return row[0] if row else None

    def exists(self, doctype, filters):
        return self.get_value(doctype, filters, "name")

    def sql(self, query, params=()):
        return self.conn.execute(query.replace("%s", "?"), params).fetchall()


CHILD_TABLES = {("Contact", "email_ids"): "Contact Email"}


class _Doc(dict):
    """frappe.get_doc({...}): insert() writes the row (and its child rows) and sets name."""

    def __init__(self, frappe_mod, fields):
        super().__init__(fields)
        self._frappe = frappe_mod

    @property
    def name(self):
        return self.get("name")

    def insert(self, ignore_permissions=False):
        self["name"] = self._frappe._new_name(self["doctype"])
        self._frappe._insert(self["doctype"], {k: v for k, v in self.items()
                                               if k != "doctype" and not isinstance(v, list)})
        for field, rows in self.items():
            if isinstance(rows, list):
                child = CHILD_TABLES[(self["doctype"], field)]
                for i, row in enumerate(rows, 1):
                    self._frappe._insert(child, {**row, "name": secrets.token_hex(5), "parent": self["name"],
                                                 "parenttype": self["doctype"], "parentfield": field, "idx": i})
        return self


def make_frappe(conn: sqlite3.Connection) -> types.ModuleType:
    frappe = types.ModuleType("frappe")
    frappe.db = _Db(conn)
    counters = {}

    def now():
        return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")

    def _new_name(doctype):
        if doctype == "HD Ticket":  # Helpdesk: autoincrement
            counters[doctype] = counters.get(doctype, 0) + 1
            return str(counters[doctype])
        if doctype == "CRM Lead":  # CRM: naming series
            counters[doctype] = counters.get(doctype, 0) + 1
            return f"CRM-LEAD-{datetime.date.today().year}-{counters[doctype]:05d}"
        return secrets.token_hex(5)  # Frappe's hash names

    def _insert(doctype, fields):
        stamp = now()
        row = {"creation": stamp, "modified": stamp, "owner": "Administrator",
               "modified_by": "Administrator", **fields}
        cols = ",".join(f'"{c}"' for c in row)
        conn.execute(f'insert into "tab{doctype}" ({cols}) values ({",".join("?" * len(row))})',
                     [v if v is None or isinstance(v, (int, float, str)) else str(v) for v in row.values()])

    def log_error(message, title):
        _insert("Error Log", {"name": secrets.token_hex(5), "method": title, "error": message})

    frappe._new_name = _new_name
    frappe._insert = _insert
    frappe.get_doc = lambda fields: _Doc(frappe, fields)
    frappe.log_error = log_error
    return frappe


# ---- the mails --------------------------------------------------------------------------------

def generate(n: int) -> list[dict]:
    """bench_routing.cpp's mix on one domain: new support requests, replies, repeat mails,
    sales and info inquiries, mail to other addresses, out-of-office replies, newsletters,
    blocked and internal senders, re-deliveries."""
    mails, roots = [], []
    customers = prospects = 0
    for i in range(n):
        slot = i % 20
        m = {"message_id": f"m{i}@mail.example.com", "sender_full_name": "", "in_reply_to": "",
             "references": [], "headers": {}, "content": f"Hello, this is mail number {i}."}
        if slot < 7 or not roots:
            customers += 1
            m.update(sender=f"customer{customers}@example.com", to=f"support@{DOMAIN}",
                     subject=f"Order question {i}", sender_full_name=f"Customer {customers}")
            roots.append(i)
        elif slot < 11:
            r = mails[roots[(i * 7919) % len(roots)]]
            m.update(sender=r["sender"], to=f"support@{DOMAIN}", subject="Re: " + r["subject"])
            if slot % 2:
                m["in_reply_to"] = r["message_id"]
            else:
                m["references"] = [r["message_id"], f"agent{i}@{DOMAIN}"]
        elif slot < 13:
            m.update(sender=mails[roots[(i * 104729) % len(roots)]]["sender"], to=f"support@{DOMAIN}",
                     subject="Another thing")
        elif slot < 15:
            if slot == 13:
                prospects += 1
            who = prospects if slot == 13 else max(1, prospects - 3)
            m.update(sender=f"prospect{who}@example.org",
                     to=f"sales@{DOMAIN}" if slot == 13 else f"info@{DOMAIN}", subject="Quote request")
        elif slot == 15:
            m.update(sender=f"visitor{i}@example.net", to=f"hello@{DOMAIN}", subject="Hi")
        elif slot == 16:
            r = mails[roots[(i * 31) % len(roots)]]
            m.update(sender=r["sender"], to=f"support@{DOMAIN}", subject="Automatic reply: Order question",
                     in_reply_to=r["message_id"], headers={"Auto-Submitted": "auto-replied"})
        elif slot == 17:
            m.update(sender="news@trade.example" if i % 2 else "no-reply@tracking.example",
                     to=f"support@{DOMAIN}", subject="News")
            if i % 2:
                m["headers"] = {"List-Id": "<weekly.trade.example>"}
        elif slot == 18:
            m.update(sender="admin@example.com" if i % 2 else f"sam@{DOMAIN}", to=f"support@{DOMAIN}",
                     subject="x")
        else:
            m = dict(mails[i // 2])
        mails.append(m)
    return mails


def new_file(directory: str, name: str) -> str:
    path = os.path.join(directory, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    store = sb.SqliteStore(path)
    store.site = sb.SiteConfig(company_domains=[DOMAIN], support_aliases=[f"support@{DOMAIN}"],
                               sales_aliases=[f"sales@{DOMAIN}"], info_aliases=[f"info@{DOMAIN}"])
    store.save_site()
    del store
    return path


# ---- the runs ---------------------------------------------------------------------------------

def run_original(path: str, mails: list[dict], commit_every: int) -> tuple[float, dict]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode=wal")
    conn.execute("pragma synchronous=normal")
    sys.modules["frappe"] = make_frappe(conn)
    sys.path.insert(0, os.path.join(ROOT, "tests", "frappe"))
    import importlib
    import seed_baseline
    seed_baseline = importlib.reload(seed_baseline)
    frappe = sys.modules["frappe"]
    outcome = {}
    t0, c0 = time.perf_counter(), time.process_time()
    conn.execute("begin")
    for n, m in enumerate(mails, 1):
        doc = types.SimpleNamespace(name=None, sent_or_received="Received", sender=m["sender"],
                                    sender_full_name=m["sender_full_name"], subject=m["subject"],
                                    recipients=m["to"], in_reply_to=m["in_reply_to"], email_account="Support",
                                    reference_doctype=None, reference_name=None)
        seed_baseline.route(doc)
        # Frappe then saves the Communication the hook was called for.
        frappe._insert("Communication", {
            "name": secrets.token_hex(5), "communication_type": "Communication",
            "communication_medium": "Email", "sent_or_received": "Received", "subject": m["subject"],
            "content": m["content"], "sender": m["sender"], "recipients": m["to"],
            "message_id": m["message_id"], "in_reply_to": m["in_reply_to"],
            "reference_doctype": doc.reference_doctype, "reference_name": doc.reference_name,
            "email_account": "Support"})
        key = doc.reference_doctype or "none"
        outcome[key] = outcome.get(key, 0) + 1
        if n % commit_every == 0:
            conn.execute("commit")
            conn.execute("begin")
    conn.execute("commit")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    conn.close()
    return elapsed, cpu, outcome


def inbound(m: dict) -> sb.InboundEmail:
    return sb.InboundEmail(message_id=m["message_id"], sender=m["sender"], sender_full_name=m["sender_full_name"],
                           to=[m["to"]], subject=m["subject"], in_reply_to=m["in_reply_to"],
                           references=m["references"], headers=m["headers"], email_account="Support",
                           content=m["content"], text_content=m["content"])


def run_library(path: str, emails: list, batch: bool) -> tuple[float, dict]:
    router = sb.Router(sb.SqliteStore(path))
    t0, c0 = time.perf_counter(), time.process_time()
    results = router.route_many(emails) if batch else [router.route(e) for e in emails]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    outcome = {}
    for r in results:
        outcome[r.doctype or "none"] = outcome.get(r.doctype or "none", 0) + 1
    return elapsed, cpu, outcome


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    directory = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="bench-original-")
    mails = generate(n)
    emails = [inbound(m) for m in mails]
    orig1, corig1, o1 = run_original(new_file(directory, "original-1.sqlite"), mails, 1)
    orig500, corig500, _ = run_original(new_file(directory, "original-500.sqlite"), mails, 500)
    one, cone, lib1 = run_library(new_file(directory, "route.sqlite"), emails, batch=False)
    many, cmany, libm = run_library(new_file(directory, "route-many.sqlite"), emails, batch=True)
    rows = [("original logic (frappe shim over sqlite3), one commit per mail", orig1, corig1),
            ("original logic, one commit per 500 mails", orig500, corig500),
            ("Router.route(), one transaction per mail", one, cone),
            ("Router.route_many(), 256 mails per transaction", many, cmany)]
    print(f"| {n} mails, load {os.getloadavg()[0]:.1f} | mails/s | rate / original (1 commit per mail) "
          f"| rate / original (500 per commit) | CPU µs per mail | CPU rate / original's (1 / 500 per commit) |"
          f"\n|---|---|---|---|---|---|")
    for what, t, c in rows:
        print(f"| {what} | {n / t:.0f} | {orig1 / t:.1f} | {orig500 / t:.1f} | {c * 1e6 / n:.0f} "
              f"| {corig1 / c:.1f} / {corig500 / c:.1f} |")
    print(f"\nRecords by doctype: original {dict(sorted(o1.items()))}; route() {dict(sorted(lib1.items()))}; "
          f"route_many() {dict(sorted(libm.items()))}")
    if lib1 != libm:
        print("route_many() decided differently from route()!")
        sys.exit(1)


if __name__ == "__main__":
    main()
