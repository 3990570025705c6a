#!/usr/bin/env python3
"""Routes a generated workload through switchboard and scores it against the ground truth.

    python3 bench/workload/evaluate.py /tmp/wl                # a folder made by generate.py
    python3 bench/workload/evaluate.py --seed 1 --mails 20000 # generate into a temp folder first
    python3 bench/workload/evaluate.py /tmp/wl --rules '{"closed_ticket": "reopen"}' --json out.json

What it does, with the library's defaults unless --rules says otherwise:
 1. a fresh SqliteStore whose site lists the workload's brands (SiteConfig.brands: each
    brand's domain, support/sales/info aliases and company numbers; --flat: the same as one
    flat list each, the site of a company that has not told the library about its brands);
 2. the records of records.jsonl are loaded (Contacts, HD Tickets, CRM Leads, Communications),
    each at its own time (the store's clock is frozen at every event's time throughout);
 3. the timeline is replayed in order: each mail through Router.route(), each call event
    through CallLogger.ingest(), agents' answers as sent Communications on the record where
    the conversation is (a ticket waiting for the customer becomes Replied), and closures;
 4. PhoneMerger.bulk_merge() for HD Ticket and CRM Lead;
 5. the figures: replies on their thread's record, automated mail that created a record, false
    forwards, false new records, duplicate groups consolidated, false merges, calls linked to
    the caller, and throughput."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import score as S  # noqa: E402

import switchboard as sb  # noqa: E402

TICKET, LEAD = "HD Ticket", "CRM Lead"


# ---- the workload on disk --------------------------------------------------------------------

class Workload:
    def __init__(self, path: str):
        self.path = path
        with open(os.path.join(path, "manifest.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        with open(os.path.join(path, "truth.json"), encoding="utf-8") as f:
            self.truth = json.load(f)
        self.records = _jsonl(os.path.join(path, "records.jsonl"))
        self.timeline = _jsonl(os.path.join(path, "timeline.jsonl"))
        with open(os.path.join(path, "calls.jsonl"), encoding="utf-8") as f:
            self.call_lines = f.read().splitlines()
        with open(os.path.join(path, "mail.mbox"), "rb") as f:
            self.mbox = f.read()


def _jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def site_lists(manifest: dict) -> dict:
    brands = manifest["brands"]
    return {
        "company_domains": [b["domain"] for b in brands],
        "support_aliases": [a for b in brands for a in b["support"]],
        "sales_aliases": [a for b in brands for a in b["sales"]],
        "info_aliases": [a for b in brands for a in b["info"]],
        "company_numbers": [n for b in brands for n in b["numbers"]],
    }


def site_brands(manifest: dict) -> list:
    """The workload's brands as SiteConfig.brands."""
    return [{"name": b["name"], "domains": [b["domain"]], "support_aliases": b["support"],
             "sales_aliases": b["sales"], "info_aliases": b["info"], "company_numbers": b["numbers"]}
            for b in manifest["brands"]]


def configure(store, manifest: dict, rules_json: str = "", brands: bool = True) -> "sb.RoutingRules":
    """The site's facts on the store, and the routing rules: library defaults, with the brands'
    aliases and domains wherever RoutingRules still carries its own copy of them. With
    `brands`, the site lists its brands (SiteConfig.brands) instead of one flat list of
    aliases, domains and numbers, and the rules override nothing."""
    lists = site_lists(manifest)
    if brands:
        store.site = sb.SiteConfig(region=manifest.get("region", "US"),
                                   fallback_regions=manifest.get("fallback_regions", []),
                                   brands=site_brands(manifest))
        store.save_site()
        return sb.RoutingRules.from_json(rules_json) if rules_json else sb.RoutingRules()
    store.site = sb.SiteConfig(region=manifest.get("region", "US"),
                               fallback_regions=manifest.get("fallback_regions", []), **lists)
    store.save_site()
    rules = sb.RoutingRules.from_json(rules_json) if rules_json else sb.RoutingRules()
    for field, value in (("support_aliases", lists["support_aliases"]),
                         ("sales_aliases", lists["sales_aliases"]),
                         ("info_aliases", lists["info_aliases"]),
                         ("internal_domains", lists["company_domains"])):
        if hasattr(rules, field) and not (rules_json and field in json.loads(rules_json)):
            setattr(rules, field, value)
    return rules


# ---- loading what the site holds -------------------------------------------------------------

def preload(store, records: list, clock=None):
    """Inserts the records at their own times (`clock(at)` sets the time: by default the
    store's freeze_time). Returns (ref -> (doctype, name), (doctype, name) -> customer,
    thread -> (doctype, name))."""
    clock = clock or store.freeze_time
    name_of, customer_of, threads = {}, {}, {}
    with store.transaction():
        for item in records:
            clock(item["at"])
            doctype, fields = item["doctype"], dict(item["fields"])
            if doctype == "Contact":
                fields["email_ids"] = [{"email_id": e, "is_primary": 1 if k == 0 else 0}
                                       for k, e in enumerate(item["emails"])]
                fields["phone_nos"] = [{"phone": p, "is_primary_mobile_no": 1} for p in item["phones"]]
            elif item.get("contact"):
                fields["contact"] = name_of[item["contact"]][1]
            if doctype == TICKET:
                now = store.now()
                fields.setdefault("opening_date", now[:10])
                fields.setdefault("opening_time", now[11:19])
            name = store.insert(doctype, fields)
            key = (doctype, name)
            name_of[item["ref"]] = key
            customer_of[key] = item["customer"]
            for c in item.get("communications", ()):
                clock(c["at"])
                store.insert("Communication", {
                    "communication_type": "Communication", "communication_medium": "Email",
                    "sent_or_received": c["sent_or_received"], "sender": c["sender"],
                    "sender_full_name": c.get("sender_full_name", ""), "recipients": c["recipients"],
                    "subject": c["subject"], "content": c["content"], "message_id": c["message_id"],
                    "reference_doctype": doctype, "reference_name": name,
                    "communication_date": store.now()})
            if "closed_at" in item:
                clock(item["closed_at"])
                store.update(doctype, name, {"resolution_date": store.now()})
            if fields.get("status") and doctype != "Contact":
                # as the workload says, whatever a site's own hooks made of it on insert
                # (Helpdesk opens every new ticket)
                store.update(doctype, name, {"status": fields["status"]})
            if item.get("thread"):
                threads[item["thread"]] = key
    return name_of, customer_of, threads


def calls_on_record(store, records: list, call_truth: list) -> set:
    """The ids of the calls whose number (keyed on the site) one of the caller's preloaded
    records carries, with or without an extension."""
    keys = {}
    for item in records:
        f = item["fields"]
        texts = item.get("phones", []) if item["doctype"] == "Contact" else \
            [f.get(k) for k in ("contact_mobile", "mobile_no", "phone")]
        for t in texts:
            k = sb.phone_key(t, store.site) if t else None
            if k:
                keys.setdefault(item["customer"], set()).add(k)
    out = set()
    for c in call_truth:
        k = sb.phone_key(c["number"], store.site) if c.get("number") else None
        if k and k in keys.get(c["customer"], ()):
            out.add(c["call"])
    return out


# ---- the library as the workload sees it -------------------------------------------------------

def follow_up_of(store, result) -> str:
    """The record a newly created record is linked to as a follow-up of a closed one, if the
    library links them: a `follow_up_of` on the result, else a field of the new record whose
    name says follow-up. Empty when it does not."""
    value = getattr(result, "follow_up_of", "")
    if value or result.action not in S.CREATE or not result.name:
        return value or ""
    doc = store.get(result.doctype, result.name) or {}
    for field, v in doc.items():
        if "follow_up" in field and isinstance(v, str) and v:
            return v
    return ""


def stored_fields(email):
    """The mail as a Frappe Communication keeps it (sender, To, Cc, subject, body, Message-ID and
    the mail it answers; Helpdesk takes the last References id when In-Reply-To is missing;
    the sender is the Reply-To whenever there is one, with From's name): what a Communication
    hook sees of a mail it did not receive itself."""
    answers = email.in_reply_to or (email.references[-1] if email.references else "")
    reply_to = sb.parse_address_list(email.reply_to) if email.reply_to else []
    return sb.InboundEmail(
        message_id=email.message_id, sender=reply_to[0][1] if reply_to else email.sender,
        sender_full_name=email.sender_full_name,
        to=", ".join(email.to), cc=", ".join(email.cc), subject=email.subject, in_reply_to=answers,
        email_account=email.email_account, content=email.content)


class LibraryRouting:
    """Router + CallLogger with the library's defaults on one store; with `fields_only`, each
    mail is routed from stored_fields(mail)."""

    def __init__(self, store, rules, company_numbers, fields_only: bool = False):
        self.store = store
        self.router = sb.Router(store, rules)
        self.logger = sb.CallLogger(store, company_numbers=company_numbers)
        self.fields_only = fields_only

    def route(self, email, i: int) -> S.Outcome:
        r = self.router.route(stored_fields(email) if self.fields_only else email)
        return S.Outcome(r.action, r.doctype, r.name, r.reason, r.kind, follow_up_of(self.store, r))

    def ingest(self, body: str) -> dict:
        return self.logger.ingest(body)


# ---- the replay ------------------------------------------------------------------------------

def replay(store, wl: Workload, routing, book: S.ThreadBook, progress=None, clock=None) -> dict:
    """Plays the timeline (`clock(at)` sets the time, as for preload). Returns timings and
    per-call links."""
    clock = clock or store.freeze_time
    mails = sb.parse_mbox(wl.mbox)
    if len(mails) != len(wl.truth["mails"]):
        raise RuntimeError(f"mail.mbox holds {len(mails)} mails, truth.json {len(wl.truth['mails'])}")
    route_s = ingest_s = 0.0
    links, tickets_by_calls = {}, []
    call_truth = {c["call"]: c for c in wl.truth["calls"]}
    done = 0
    for ev in wl.timeline:
        clock(ev["at"])
        kind = ev["type"]
        if kind == "mail":
            i = ev["mail"]
            email = mails[i]
            email.email_account = ev["account"]
            t0 = time.perf_counter()
            outcome = routing.route(email, i)
            route_s += time.perf_counter() - t0
            book.judge(i, outcome)
            done += 1
            if progress and done % 1000 == 0:
                progress(done, len(mails))
        elif kind == "call":
            t0 = time.perf_counter()
            try:
                r = routing.ingest(wl.call_lines[ev["line"]])
            except sb.Error as e:   # a bad event is the library's to report, not ours to stop on
                r = {"action": "error", "reason": str(e)}
            ingest_s += time.perf_counter() - t0
            got = links.setdefault(ev["call"], [])
            for field, doctype in (("ticket", TICKET), ("lead", LEAD), ("contact", "Contact")):
                if r.get(field):
                    got.append((doctype, r[field]))
            if r.get("ticket_created"):
                tickets_by_calls.append(call_truth.get(ev["call"], {"call": ev["call"]}))
        elif kind == "agent_reply":
            target = book.agent_target(ev["thread"])
            if target:
                agent_answer(store, target, ev)
        elif kind == "status":
            target = book.agent_target(ev["thread"])
            if target and target[0] == TICKET and store.get(TICKET, target[1]):
                store.update(TICKET, target[1], {"status": ev["status"], "resolution_date": store.now()})
    return {"route_s": route_s, "ingest_s": ingest_s, "links": links,
            "tickets_by_calls": tickets_by_calls, "mails": len(mails)}


def agent_answer(store, target, ev):
    doctype, name = target
    with store.transaction():
        store.insert("Communication", {
            "communication_type": "Communication", "communication_medium": "Email",
            "sent_or_received": "Sent", "sender": ev["sender"], "recipients": ev["recipient"],
            "subject": ev["subject"], "content": "(agent's answer)", "message_id": ev["message_id"],
            "reference_doctype": doctype, "reference_name": name, "communication_date": store.now()})
        if doctype == TICKET:
            doc = store.get(TICKET, name)
            if doc and doc.get("status") == "Open":
                store.update(TICKET, name, {"status": "Replied"})


def floor(mbox: bytes, db: str) -> float:
    """Seconds for the least any router must do per mail, on the same mails: one store
    transaction inserting the mail's Communication and nothing else, on a fresh SQLite file."""
    store = sb.SqliteStore(db)
    mails = sb.parse_mbox(mbox)
    t0 = time.perf_counter()
    for e in mails:
        with store.transaction():
            store.insert("Communication", {
                "communication_type": "Communication", "sent_or_received": "Received",
                "sender": e.sender, "recipients": ", ".join(e.to), "subject": e.subject,
                "content": e.content, "message_id": e.message_id or e.synthetic_message_id,
                "email_account": "Support", "communication_date": store.now()})
    return time.perf_counter() - t0


def statuses(store, doctype) -> dict:
    return {(doctype, row["name"]): row.get("status") for row in store.find(doctype, fields=["name", "status"])}


def survivors(store, doctype) -> dict:
    pointer = "merged_with" if doctype == TICKET else "custom_merged_into"
    out = {}
    for row in store.find(doctype, fields=["name", pointer]):
        name = row["name"]
        out[(doctype, name)] = (doctype, sb.resolve_survivor(store, doctype, name) if row.get(pointer) else name)
    return out


def merge(store) -> dict:
    merger = sb.PhoneMerger(store)
    t0 = time.perf_counter()
    tickets = merger.bulk_merge(TICKET)
    t1 = time.perf_counter()
    leads = merger.bulk_merge(LEAD)
    t2 = time.perf_counter()
    return {"tickets_s": t1 - t0, "leads_s": t2 - t1, "ticket_records_merged": tickets.records_merged,
            "lead_records_merged": leads.records_merged}


def brand_figures(store, wl: Workload, book: S.ThreadBook) -> dict:
    """The brand each mail was written to and the brand each record's outgoing address
    (sb.reply_from_address) belongs to, scored by S.score_brands."""
    brand_of_domain = {b["domain"].lower(): b["name"] for b in wl.manifest["brands"]}

    def brand(address: str) -> str:
        return brand_of_domain.get(address.rpartition("@")[2].strip().lower().rstrip(">"), "")

    mail_brand = []
    for e in sb.parse_mbox(wl.mbox):
        found = ""
        for field in (e.to, e.cc, e.delivered_to):
            for entry in field:
                for _, address in sb.parse_address_list(entry):
                    found = found or brand(address)
        mail_brand.append(found)
    record_brand = {}
    for record in set(book.current.values()) | {(o.doctype, o.name) for o in book.outcomes
                                                if o is not None and o.name}:
        if store.get(*record) is not None:
            record_brand[record] = brand(sb.reply_from_address(store, *record))
    return S.score_brands(book, mail_brand, record_brand)


def empty_reference_call_logs(store) -> int:
    rows = store.find("CRM Call Log", fields=["name", "reference_doctype", "reference_docname"])
    return sum(1 for r in rows if r.get("reference_doctype") and not r.get("reference_docname"))


# ---- one evaluation --------------------------------------------------------------------------

def evaluate(path: str, db: str = "", rules_json: str = "", progress=None, routing_factory=None,
             brands: bool = True, fields_only: bool = False, store=None, clock=None,
             per_mail: bool = False) -> dict:
    """Routes the workload in `path` (or a Workload) and returns the figures. `routing_factory(store, book)`
    replaces the library's Router and CallLogger (the tests plug perfect and wrong routings
    in); it must return an object with route(email, i) -> Outcome and ingest(body) -> dict.
    `fields_only`: the library routes each mail from what a Communication keeps of it.
    `store`: route into this store (a Frappe site's, say) instead of a new SQLite file; the
    floor, a SQLite figure, is then not measured. `clock(at)` sets the time of each event
    (at None: back to the system clock); by default the store's freeze_time. `per_mail`: the
    result also lists each mail's verdict and outcome ("per_mail")."""
    wl = path if isinstance(path, Workload) else Workload(path)
    tmp = None
    if store is None:
        if not db:
            tmp = tempfile.TemporaryDirectory(prefix="switchboard-workload-")
            db = os.path.join(tmp.name, "workload.sqlite")
        for path_ in (db, db + ".floor"):
            if os.path.exists(path_):
                raise FileExistsError(f"{path_} exists: the workload is routed into a new file")
        store = sb.SqliteStore(db)
    rules = configure(store, wl.manifest, rules_json, brands)
    t0 = time.perf_counter()
    clock = clock or store.freeze_time
    name_of, customer_of, threads = preload(store, wl.records, clock)
    preload_s = time.perf_counter() - t0
    book = S.ThreadBook(wl.truth["mails"], threads, dict(customer_of))
    numbers = store.site.all_company_numbers() if hasattr(store.site, "all_company_numbers") \
        else site_lists(wl.manifest)["company_numbers"]
    routing = routing_factory(store, book) if routing_factory else LibraryRouting(store, rules, numbers, fields_only)
    t0 = time.perf_counter()
    played = replay(store, wl, routing, book, progress, clock)
    replay_s = time.perf_counter() - t0
    customer_of.update(book.customer_of)
    brand_scores = brand_figures(store, wl, book) if hasattr(sb, "reply_from_address") else {}
    before = {**statuses(store, TICKET), **statuses(store, LEAD)}
    merged = merge(store)
    after = {**statuses(store, TICKET), **statuses(store, LEAD)}
    survivor_of = {**survivors(store, TICKET), **survivors(store, LEAD)}
    clock(None)
    floor_s = floor(wl.mbox, db + ".floor") if db else 0.0
    result = {
        "workload": {k: wl.manifest[k] for k in ("seed", "mails", "records", "contacts", "calls")},
        "rules": json.loads(rules.to_json()),
        "site_brands": brands,
        "fields_only": fields_only,
        "mail": S.tally(book),
        "brands": brand_scores,
        "merge": S.score_groups(wl.truth["groups"], name_of, survivor_of, customer_of, before, after),
        "calls": {**S.score_calls(wl.truth["calls"], played["links"], customer_of,
                                  calls_on_record(store, wl.records, wl.truth["calls"])),
                  "tickets_created": len(played["tickets_by_calls"]),
                  "tickets_created_unanswered_or_outbound": sum(
                      1 for c in played["tickets_by_calls"] if not c.get("answered", True) or not c.get("inbound", True)),
                  "lead_logs_without_lead": empty_reference_call_logs(store)},
        "speed": {"preload_s": round(preload_s, 2), "replay_s": round(replay_s, 2),
                  "route_s": round(played["route_s"], 3),
                  "route_mails_per_s": round(played["mails"] / played["route_s"]) if played["route_s"] else 0,
                  "floor_s": round(floor_s, 3),
                  "floor_mails_per_s": round(played["mails"] / floor_s) if floor_s else 0,
                  "route_vs_floor": round(played["route_s"] / floor_s, 2) if floor_s else 0,
                  "ingest_s": round(played["ingest_s"], 3),
                  "ingest_events_per_s": round(len(wl.call_lines) / played["ingest_s"]) if played["ingest_s"] else 0,
                  "merge_tickets_s": round(merged["tickets_s"], 3), "merge_leads_s": round(merged["leads_s"], 3)},
    }
    if per_mail:
        result["per_mail"] = [
            {"verdict": v, **({"action": o.action, "doctype": o.doctype, "reason": o.reason, "kind": o.kind}
                              if o is not None else {})}
            for v, o in zip(book.verdicts, book.outcomes)]
    del store
    if tmp:
        tmp.cleanup()
    return result


def markdown(r: dict) -> str:
    m, g, c, s = r["mail"], r["merge"], r["calls"], r["speed"]
    w = r["workload"]
    rows = [
        ("customer replies on their thread's record (or a linked follow-up)",
         f"{m['replies_on_thread']} / {m['replies']}", f"{m['replies_on_thread_pct']}%"),
        ("  replies on a record an earlier reply of the thread split off to", str(m["replies_on_split_record"]), ""),
        ("  replies in threads whose first mail was linked to an existing record",
         f"{m['replies_in_redirected_threads_on_thread']} on it / {m['replies_in_redirected_threads']}", ""),
        ("automated mails that created a record", f"{m['automated_created_record']} / {m['automated']}", ""),
        ("automated mails taken for human mail", f"{m['automated_taken_for_human']} / {m['automated']}", ""),
        ("customers' mails taken for automated mail", str(m["human_taken_for_automated"]), ""),
        ("false forwards (a reply taken for a forward to another team)", str(m["false_forwards"]), ""),
        ("false new records (replies, automated, staff or redelivered mail)", str(m["false_new_records"]), ""),
        ("new requests that got a new record of the right kind (or, for sales, the customer's lead)",
         f"{m['new_created']} / {m['new_mails']}", f"{m['new_created_pct']}%"),
        ("new requests linked to an existing record", str(m["new_linked_existing"]), ""),
        ("forwards to another team that got their own record (or the customer's lead)",
         f"{m['forwards_detected']} / {m['forwards']}", ""),
        ("redeliveries that changed nothing", f"{m['redeliveries_unchanged']} / {m['redeliveries']}", ""),
        ("duplicate ticket groups consolidated", f"{g['tickets']['consolidated']} / {g['tickets']['groups']}",
         f"{g['tickets']['consolidated_pct']}%"),
        ("  of which with an open ticket kept open", f"{g['tickets']['open_survivor']} / {g['tickets']['groups_with_open']}", ""),
        ("duplicate lead groups consolidated", f"{g['leads']['consolidated']} / {g['leads']['groups']}",
         f"{g['leads']['consolidated_pct']}%"),
        ("  of which with an open lead kept open (none of type Lost: Unqualified, Junk)",
         f"{g['leads']['open_survivor']} / {g['leads']['groups_with_open']}", ""),
        ("false merges (records merged into another customer's)",
         str(g["tickets"]["false_merges"] + g["leads"]["false_merges"]), ""),
        ("mails linked without a thread to a record of another brand",
         str(r["brands"].get("cross_brand_links", "-")), ""),
        ("threads whose record answers from the thread's brand (reply_from_address)",
         f"{r['brands'].get('outgoing_right', '-')} / {r['brands'].get('threads', '-')}",
         f"{r['brands'].get('outgoing_right_pct', '-')}%"),
        ("calls of known customers linked to them", f"{c['linked_to_caller']} / {c['known_callers']}",
         f"{c['linked_to_caller_pct']}%"),
        *([("  of them from a number one of their records carries", f"{c['linked_on_record']} / {c['known_on_record']}",
            f"{c['linked_on_record_pct']}%")] if "known_on_record" in c else []),
        ("calls linked to another customer's record", str(c["linked_to_someone_else"]), ""),
        ("tickets created by calls (unanswered or outbound)",
         f"{c['tickets_created']} ({c['tickets_created_unanswered_or_outbound']})", ""),
        ("CRM Call Logs with reference_doctype but no reference_docname", str(c["lead_logs_without_lead"]), ""),
    ]
    out = [f"Workload: seed {w['seed']}, {w['mails']} mails, {w['records']} records "
           f"({w['contacts']} contacts), {w['calls']} call events."
           + (" Each mail routed from the fields a Communication keeps." if r.get("fields_only") else ""), "",
           "| measure | count | share |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c_} |" for a, b, c_ in rows]
    if "route_s" not in s:  # a run that measured no rates (a Frappe site's: its clock is frozen)
        s = {"route_mails_per_s": "-", "route_s": "-", "floor_mails_per_s": "-", "floor_s": "-",
             "route_vs_floor": "-", "ingest_events_per_s": "-", "ingest_s": "-", "merge_tickets_s": "-",
             "merge_leads_s": "-", "preload_s": "-", "replay_s": s.get("wall_s", "-")}
    out += ["", "| speed | |", "|---|---|",
            f"| route(), one transaction per mail | {s['route_mails_per_s']} mails/s ({s['route_s']} s) |",
            f"| floor: one transaction inserting only the Communication, same mails | "
            f"{s['floor_mails_per_s']} mails/s ({s['floor_s']} s) |",
            f"| route() time / floor time | {s['route_vs_floor']} |",
            f"| CallLogger.ingest() | {s['ingest_events_per_s']} events/s ({s['ingest_s']} s) |",
            f"| bulk_merge HD Ticket / CRM Lead | {s['merge_tickets_s']} s / {s['merge_leads_s']} s |",
            f"| preload / whole replay | {s['preload_s']} s / {s['replay_s']} s |"]
    out += ["", "Replies by variant (verdicts):", ""]
    for k, v in r["mail"]["by_variant"].items():
        out.append(f"- {k}: " + ", ".join(f"{a} {b}" for a, b in sorted(v.items())))
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workload", nargs="?", help="folder written by generate.py")
    ap.add_argument("--seed", type=int, default=1, help="generate a workload with this seed first")
    ap.add_argument("--mails", type=int, default=20000)
    ap.add_argument("--db", default="", help="SQLite file to route into (default: a temporary one)")
    ap.add_argument("--rules", default="", help="RoutingRules as JSON (default: the library's)")
    ap.add_argument("--json", default="", help="also write the figures as JSON here")
    ap.add_argument("--flat", action="store_true",
                    help="configure the brands' domains, aliases and numbers as the site's flat lists "
                         "instead of its brands (SiteConfig.brands)")
    ap.add_argument("--fields-only", action="store_true",
                    help="route each mail from the fields a Frappe Communication keeps of it, not "
                         "the whole message (what a Communication hook sees without the raw mail)")
    a = ap.parse_args(argv)
    tmp = None
    path = a.workload
    if not path:
        import generate
        tmp = tempfile.TemporaryDirectory(prefix="switchboard-wl-")
        path = tmp.name
        generate.main(["--seed", str(a.seed), "--mails", str(a.mails), "--out", path])

    def progress(done, total):
        print(f"\r  routed {done}/{total}", end="", file=sys.stderr, flush=True)

    r = evaluate(path, a.db, a.rules, progress if sys.stderr.isatty() else None, brands=not a.flat,
                 fields_only=a.fields_only)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(markdown(r))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(r, f, indent=1)
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
