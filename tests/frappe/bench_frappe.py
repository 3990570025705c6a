"""Route and ingest per second on the real site: switchboard against the original logic
(seed_baseline.py) on the same site, the same data shapes, in alternating rounds.

    python bench_frappe.py [--mails 60] [--calls 150] [--rounds 3] [--profile DIR]

Route: each mail goes through Frappe's email receiving (InboundMail.process(): the
Communication insert, its hooks, reload and save) and is filed by either the app's
Communication hook (switchboard's Router on FrappeStore) or the original "Communication Before
Save" script. Ingest: each webhook body becomes call logs through either CallLogger on
FrappeStore or the original Pabbly webhook. Each measurement runs in a transaction of its own
from the same data and is rolled back (Error Log rows, kept by MyISAM, are deleted), rounds
alternate the variants, and nothing commits: the figures compare the work, not fsyncs. Prints
a markdown table. With --profile DIR, each variant's timed work is profiled (cProfile) into
DIR/<operation>-<variant>.prof, summed over its rounds (read with `python -m pstats`).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import sys
import time

from conftest import connect

import seed_baseline

SHOP = dict(support_aliases="support@example-shop.com", sales_aliases="sales@example-shop.com",
            info_aliases="info@example-shop.com", company_domains="example-shop.com",
            company_numbers="+15550100999", route_incoming_email=1, routing_log="outcome",
            region="US")


def raw_mail(sender, to, subject, message_id, in_reply_to=None) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Message-ID: <{message_id}>",
               "Date: Mon, 5 Jan 2026 10:00:00 +0000"]
    if in_reply_to:
        headers += [f"In-Reply-To: <{in_reply_to}>", f"References: <{in_reply_to}>"]
    return "\r\n".join(headers + ["Content-Type: text/plain; charset=utf-8", "", "Hello", ""]).encode()


def mail_round(tag: str, n: int) -> list[tuple[str, bytes]]:
    """n mails: 40% new customers to support, 20% the same customers again, 20% their replies
    sent to the sales address, 20% new prospects to sales."""
    out = []
    quarter = max(1, n // 5)
    customers = [f"Customer {tag} {i} <c{tag}x{i}@cust.org>" for i in range(2 * quarter)]
    for i, c in enumerate(customers):
        out.append(("Support", raw_mail(c, "support@example-shop.com", f"Help {i}", f"{tag}-n{i}@cust.org")))
    for i, c in enumerate(customers[:quarter]):
        out.append(("Support", raw_mail(c, "support@example-shop.com", f"Again {i}", f"{tag}-a{i}@cust.org")))
    for i, c in enumerate(customers[quarter:2 * quarter]):
        out.append(("Sales", raw_mail(c, "sales@example-shop.com", f"Re: Help {i}", f"{tag}-r{i}@cust.org",
                                      in_reply_to=f"{tag}-n{quarter + i}@cust.org")))
    for i in range(n - len(out)):
        out.append(("Sales", raw_mail(f"Prospect {tag} {i} <p{tag}x{i}@buyer.org>", "sales@example-shop.com",
                                      f"Quote {i}", f"{tag}-s{i}@buyer.org")))
    return out


PROFILES: dict[str, cProfile.Profile] = {}


def profiled(key: str, fn, *args):
    """fn(*args) under the profile `key` when --profile is on."""
    prof = PROFILES.get(key)
    if prof is None:
        return fn(*args)
    prof.enable()
    try:
        return fn(*args)
    finally:
        prof.disable()


def timed(fn, spent: list):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t0)
    return wrapper


def route_round(frappe, accounts, mails, variant: str) -> tuple[float, float]:
    """(seconds for the whole receive of every mail, seconds inside the routing step)."""
    from frappe.core.doctype.communication.communication import Communication
    from frappe.email.receive import InboundMail
    from switchboard_frappe import handlers

    settings = frappe.get_doc("Switchboard Settings")
    settings.route_incoming_email = 1 if variant == "switchboard" else 0
    settings.save()
    original_hook, original_save = handlers.route_communication, Communication.__dict__["before_save"]
    spent: list[float] = []
    seed_route = timed(seed_baseline.route, spent)

    def seed_before_save(self):
        original_save(self)
        seed_route(self)

    if variant == "seed":
        Communication.before_save = seed_before_save
    else:  # frappe.get_attr finds the hook on the module each time
        handlers.route_communication = timed(original_hook, spent)
    try:
        t0 = time.perf_counter()
        for account, raw in mails:
            profiled(f"route-{variant}", InboundMail(raw, accounts[account]).process)
        return time.perf_counter() - t0, sum(spent)
    finally:
        Communication.before_save = original_save
        handlers.route_communication = original_hook


def call_round(frappe, tag: str, n: int) -> tuple[list[bytes], list[str]]:
    """Setup (untimed): tickets and leads with numbers; n webhook bodies: 60% from ticket
    numbers, 20% from unknown numbers, 20% redeliveries."""
    tickets = max(1, n // 4)
    numbers = [f"+1555{int(tag):03d}{i:04d}" for i in range(tickets)]
    for i, number in enumerate(numbers):
        frappe.get_doc({"doctype": "HD Ticket", "subject": f"Calls {tag} {i}",
                        "custom_contact_mobile": number}).insert()
        if i % 4 == 0:
            frappe.get_doc({"doctype": "CRM Lead", "first_name": f"Caller {tag} {i}", "mobile_no": number}).insert()
    bodies = []
    fresh = n - n // 5
    for i in range(fresh):
        caller = numbers[i % tickets] if i % 4 != 3 else f"+1555{int(tag):03d}9{i:03d}"
        bodies.append(json.dumps({
            "call_id": f"b{tag}-{i}", "direction": "Inbound", "from_number": caller,
            "from_name": f"Caller {i}", "to_number": "+15550100999",
            "start_time": "2026-01-06T10:30:00Z", "duration": 60 + i, "result": "Call connected",
            "recording": {"id": f"rec-{tag}-{i}"}}).encode())
    bodies += bodies[: n - fresh]
    return bodies, numbers


def ingest_round(frappe, bodies, variant: str) -> float:
    import switchboard as sb
    from switchboard.frappe import FrappeStore

    if variant == "seed":
        payloads = [json.loads(b) for b in bodies]
        t0 = time.perf_counter()
        for p in payloads:
            profiled("ingest-seed", seed_baseline.ingest, p)
        return time.perf_counter() - t0
    logger = sb.CallLogger(FrappeStore(ignore_permissions=True), region="US",
                           company_numbers=["+15550100999"],
                           crm_call_logs=variant == "switchboard")
    t0 = time.perf_counter()
    key = "ingest-" + variant.replace(", ", "-").replace(" ", "_")
    for b in bodies:
        profiled(key, lambda: logger.ingest(sb.parse_call_event(b)))
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mails", type=int, default=60)
    ap.add_argument("--calls", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", metavar="DIR", help="cProfile each variant's timed work into DIR")
    args = ap.parse_args()
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        for key in ("route-switchboard", "route-seed", "ingest-switchboard",
                    "ingest-switchboard-Helpdesk_log_only", "ingest-seed"):
            PROFILES[key] = cProfile.Profile()
    frappe = connect()
    started = frappe.utils.now()
    import switchboard as sb

    frappe.db.rollback()
    try:
        route = {"switchboard": [], "seed": []}
        step = {"switchboard": [], "seed": []}
        ingest = {"switchboard": [], "switchboard, Helpdesk log only": [], "seed": []}
        tag = 100

        def setup():
            settings = frappe.get_doc("Switchboard Settings")
            settings.update(SHOP)
            settings.save()
            return {name: frappe.get_doc({
                "doctype": "Email Account", "email_account_name": name,
                "email_id": f"{name.lower()}@example-shop.com", "enable_incoming": 0,
                "enable_outgoing": 0, "awaiting_password": 0, "password": "unused",
                "no_smtp_authentication": 1}).insert() for name in ("Support", "Sales")}

        def fresh(fn):
            """Each measurement in a transaction of its own, from the same data: rolled back."""
            try:
                return fn(setup())
            finally:
                frappe.db.rollback()
                frappe.db.delete("Error Log", {"creation": [">=", started]})
                frappe.clear_document_cache("Switchboard Settings", "Switchboard Settings")
                frappe.db.value_cache.pop("Switchboard Settings", None)

        for r in range(args.rounds):
            for variant in (("switchboard", "seed") if r % 2 == 0 else ("seed", "switchboard")):
                tag += 1
                mails = mail_round(str(tag), args.mails)
                whole, routing = fresh(lambda accounts: route_round(frappe, accounts, mails, variant))
                route[variant].append(len(mails) / whole)
                step[variant].append(len(mails) / routing)
            for variant in (list(ingest) if r % 2 == 0 else list(ingest)[::-1]):
                tag += 1

                def one(_accounts):
                    bodies, _ = call_round(frappe, str(tag), args.calls)
                    return len(bodies) / ingest_round(frappe, bodies, variant)
                ingest[variant].append(fresh(one))
            print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
        groups = {"mails received and filed (whole receive)": route,
                  "routing step alone (inside receive)": step, "call payloads ingested": ingest}
        print(f"| operation | variant | per second, median of {args.rounds} | runs | against the original |")
        print("|---|---|---|---|---|")
        for label, runs in groups.items():
            base = statistics.median(runs["seed"])
            for variant, values in runs.items():
                value = statistics.median(values)
                name = "original logic" if variant == "seed" else variant
                print(f"| {label} | {name} | {value:.0f} | {', '.join(f'{x:.0f}' for x in values)} "
                      f"| {value / base:.2f}x |")
    finally:
        for key, prof in PROFILES.items():
            prof.dump_stats(os.path.join(args.profile, f"{key}.prof"))
        frappe.db.rollback()
        frappe.db.delete("Error Log", {"creation": [">=", started]})
        frappe.db.commit()
        frappe.clear_cache()
        frappe.destroy()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
