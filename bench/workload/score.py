"""Scoring a routed workload against its ground truth. Pure bookkeeping, no library calls:
evaluate.py feeds it what the library did, and the tests feed it perfect and wrong routings.

A thread's records are the record its first mail landed on (or the preloaded one), plus every
follow-up record linked to one of them. A customer reply is right when it lands on one of
them, or creates a follow-up linked to one of them. A new request is right when it gets a new
record of its kind; a sales request may also land on the customer's own existing lead."""
from __future__ import annotations

import collections
import dataclasses

CREATE = ("create_ticket", "create_lead")
LINK = ("link_ticket", "link_lead")
OPEN_STATUSES = ("Open", "Replied", "Paused", "Waiting for Customer", "On Hold")
# The generator's lead statuses of type Lost in Frappe CRM: a lead so marked is over.
LOST_LEAD_STATUSES = ("Unqualified", "Junk")


@dataclasses.dataclass
class Outcome:
    """What the router did with one mail."""
    action: str                  # create_ticket | link_ticket | create_lead | link_lead | skip
    doctype: str = ""
    name: str = ""
    reason: str = ""
    kind: str = "human"          # the router's classification (human, auto_reply, ...)
    follow_up_of: str = ""       # for a created record: the record it is linked to as follow-up

    @property
    def created(self) -> bool:
        return self.action in CREATE


class ThreadBook:
    """Where each thread's conversation lives while the mails are routed in order, and the
    verdict on each mail. `agent_target` tells where an agent answers next."""

    def __init__(self, truth_mails: list, preloaded: dict | None = None, customers: dict | None = None):
        self.truth = truth_mails
        self.known_customers = customers or {}   # (doctype, name) -> customer, preloaded records
        self.records = {}            # thread -> [(doctype, name)], oldest first
        self.current = {}            # thread -> (doctype, name) where the agent answers
        self.customer_of = {}        # (doctype, name) -> customer, for records created by mail
        self.split = {}              # thread -> names of unlinked records its replies created
        self.redirected = set()      # threads whose first mail was linked to an existing record
        self.verdicts = [None] * len(truth_mails)
        self.outcomes = [None] * len(truth_mails)
        for thread, (doctype, name) in (preloaded or {}).items():
            self.records[thread] = [(doctype, name)]
            self.current[thread] = (doctype, name)

    def agent_target(self, thread: str):
        return self.current.get(thread)

    def _on_thread(self, thread, name) -> bool:
        return any(n == name for _, n in self.records.get(thread, ()))

    def judge(self, i: int, o: Outcome) -> str:
        t = self.truth[i]
        thread, expect = t.get("thread"), t["expect"]
        self.outcomes[i] = o
        if o.created and o.name and t.get("customer"):
            self.customer_of.setdefault((o.doctype, o.name), t["customer"])
        if t["kind"] == "redelivery":
            # Right when it changes nothing: skipped as a duplicate, or skipped again for the
            # reason its first copy was (internal, automated...).
            v = ("duplicate" if o.action == "skip" and o.reason == "duplicate" else
                 "created" if o.created else "written" if o.action in LINK else "skipped_again")
        elif expect == "none":
            v = "created" if o.created else "no_record"
        elif expect == "new":
            if o.created:
                v = "created" if o.doctype == t["doctype"] else "created_wrong_doctype"
            elif o.action in LINK and o.doctype == t["doctype"] == "CRM Lead" and \
                    self.known_customers.get((o.doctype, o.name), self.customer_of.get((o.doctype, o.name))) == t.get("customer"):
                v = "own_lead"   # a sales request on the customer's existing lead is where it belongs
            elif o.action in LINK:
                v = "linked_existing"
                self.redirected.add(thread)
            else:
                v = "skipped"
            if o.action != "skip" and o.name:
                self.records[thread] = [(o.doctype, o.name)]
                self.current[thread] = (o.doctype, o.name)
        else:   # a reply in a thread
            known = bool(self.records.get(thread))
            if o.created and o.follow_up_of and self._on_thread(thread, o.follow_up_of):
                v = "follow_up"
                self.records[thread].append((o.doctype, o.name))
                self.current[thread] = (o.doctype, o.name)
            elif o.action in LINK and self._on_thread(thread, o.name):
                v = "on_thread"
                self.current[thread] = (o.doctype, o.name)
            elif o.reason == "forwarded":
                v = "forwarded"
                if o.created:
                    self.current[thread] = (o.doctype, o.name)
            elif o.created:
                v = "new_record"
                self.split.setdefault(thread, set()).add(o.name)
                if known:
                    self.current[thread] = (o.doctype, o.name)   # the agent answers there
                else:
                    self.records[thread] = [(o.doctype, o.name)]
                    self.current[thread] = (o.doctype, o.name)
            elif o.action in LINK:
                # where an earlier reply of this thread split off to, or somewhere else
                v = "on_split_record" if o.name in self.split.get(thread, ()) else "other_record"
            else:
                v = "skipped"
            if not known and v != "new_record":
                v = "no_thread_record:" + v
        self.verdicts[i] = v
        return v


def pct(n, d) -> float:
    return round(100.0 * n / d, 2) if d else 0.0


def tally(book: ThreadBook) -> dict:
    """The mail figures of a routed workload."""
    truth, verdicts, outcomes = book.truth, book.verdicts, book.outcomes
    by = collections.defaultdict(collections.Counter)     # (expect/kind) -> verdict counts
    variants = collections.defaultdict(collections.Counter)
    for t, v, o in zip(truth, verdicts, outcomes):
        if v is None:
            continue
        group = t["kind"]
        by[group][v] += 1
        variants[(group, t["variant"])][v] += 1
    replies = by["reply"]
    n_replies = sum(replies.values())
    on_thread = replies["on_thread"] + replies["follow_up"]
    automated = by["automated"]
    n_automated = sum(automated.values())
    taken_human = sum(1 for t, o in zip(truth, outcomes)
                      if o is not None and t["kind"] == "automated" and o.kind == "human")
    false_new = sum(1 for t, v, o in zip(truth, verdicts, outcomes)
                    if o is not None and o.created and t["expect"] != "new" and v != "follow_up")
    human_taken = sum(1 for t, o in zip(truth, outcomes)
                      if o is not None and t["kind"] in ("reply", "new") and o.kind != "human")
    false_forwards = sum(1 for t, o in zip(truth, outcomes)
                         if o is not None and t["expect"] == "thread" and o.reason == "forwarded")
    redirected = [v for t, v in zip(truth, verdicts)
                  if v is not None and t["kind"] == "reply" and t.get("thread") in book.redirected]
    news = by["new"]
    n_new = sum(news.values())
    forwards = variants[("new", "forward_to_other_team")]
    redeliveries = by["redelivery"]
    return {
        "mails": sum(1 for v in verdicts if v is not None),
        "replies": n_replies,
        "replies_on_thread": on_thread,
        "replies_on_thread_pct": pct(on_thread, n_replies),
        "replies_on_split_record": replies["on_split_record"],
        "replies_in_redirected_threads": len(redirected),
        "replies_in_redirected_threads_on_thread": sum(1 for v in redirected if v in ("on_thread", "follow_up")),
        "automated": n_automated,
        "automated_created_record": automated["created"],
        "automated_taken_for_human": taken_human,
        "human_taken_for_automated": human_taken,
        "false_forwards": false_forwards,
        "false_new_records": false_new,
        "new_mails": n_new,
        "new_created": news["created"] + news["own_lead"],
        "new_created_pct": pct(news["created"] + news["own_lead"], n_new),
        "new_on_own_lead": news["own_lead"],
        "new_linked_existing": news["linked_existing"],
        "new_wrong_doctype": news["created_wrong_doctype"],
        "new_skipped": news["skipped"],
        "forwards": sum(forwards.values()),
        "forwards_detected": forwards["created"] + forwards["own_lead"],
        "staff": sum(by["staff"].values()),
        "staff_created_record": by["staff"]["created"],
        "redeliveries": sum(redeliveries.values()),
        "redeliveries_unchanged": redeliveries["duplicate"] + redeliveries["skipped_again"],
        "by_kind": {k: dict(c) for k, c in sorted(by.items())},
        "by_variant": {f"{k}/{var}": dict(c) for (k, var), c in sorted(variants.items())},
    }


def score_groups(groups: list, name_of: dict, survivor_of: dict, customer_of: dict,
                 status_before: dict, status_after: dict) -> dict:
    """Duplicate groups after merging. Records are (doctype, name) keys. `name_of`: ref -> key;
    `survivor_of`: key -> the key it ends in (itself when not merged), for every record;
    `customer_of`: key -> customer, where known; statuses by key, before and after merging."""
    out = {}
    for doctype, label in (("HD Ticket", "tickets"), ("CRM Lead", "leads")):
        mine = [g for g in groups if g["doctype"] == doctype]
        consolidated = open_kept = with_open = 0
        for g in mine:
            keys = [name_of[m] for m in g["members"] if m in name_of]
            survivors = {survivor_of.get(k, k) for k in keys}
            if doctype == "HD Ticket":
                def is_open(status):
                    return status in OPEN_STATUSES
            else:
                def is_open(status):
                    return status is not None and status not in LOST_LEAD_STATUSES
            has_open = any(is_open(status_before.get(k)) for k in keys)
            with_open += has_open
            if len(survivors) == 1:
                consolidated += 1
                if has_open and is_open(status_after.get(next(iter(survivors)))):
                    open_kept += 1
        merged = [k for k, s in survivor_of.items() if k[0] == doctype and s != k]
        false = [k for k in merged
                 if customer_of.get(k) and customer_of.get(survivor_of[k])
                 and customer_of[k] != customer_of[survivor_of[k]]]
        out[label] = {"groups": len(mine), "consolidated": consolidated,
                      "consolidated_pct": pct(consolidated, len(mine)),
                      "groups_with_open": with_open, "open_survivor": open_kept,
                      "merged_records": len(merged), "false_merges": len(false)}
    return out


HEADER_REASONS = ("in_reply_to", "references", "follow_up", "bounce", "auto_reply", "out_of_office",
                  "mailing_list", "forwarded", "subject")


def score_brands(book: ThreadBook, mail_brand: list, record_brand: dict) -> dict:
    """Brands kept apart, and agents answering from the right brand. `mail_brand[i]`: the brand
    whose alias mail i was written to ("" for none); `record_brand[(doctype, name)]`: the brand
    of the address the library says agents answer the record from.

    - cross_brand_links: human mails linked, without a header or subject thread, to a record
      answering for another brand than the one the mail was written to;
    - outgoing_right: threads whose record at the end answers from the thread's brand (the
      brand its first mail was written to)."""
    cross = 0
    first_brand = {}
    for i, t in enumerate(book.truth):
        o = book.outcomes[i]
        thread = t.get("thread")
        if thread and thread not in first_brand and mail_brand[i]:
            first_brand[thread] = mail_brand[i]
        if o is None or o.action not in LINK or o.kind != "human" or not mail_brand[i]:
            continue
        if o.reason in HEADER_REASONS:
            continue
        got = record_brand.get((o.doctype, o.name), "")
        if got and got != mail_brand[i]:
            cross += 1
    threads = right = 0
    for thread, record in book.current.items():
        want = first_brand.get(thread)
        if not want or record not in record_brand:
            continue
        threads += 1
        right += record_brand[record] == want
    return {"cross_brand_links": cross, "threads": threads, "outgoing_right": right,
            "outgoing_right_pct": pct(right, threads)}


def score_calls(call_truth: list, links: dict, customer_of: dict, on_record=None) -> dict:
    """`links`: call id -> the (doctype, name) keys (ticket, lead, contact) its logs point to;
    `customer_of`: key -> customer; `on_record`: the ids of the calls from a number one of
    the caller's records carried before the calls (the others come from a number the site
    has never seen, and only a guess could link them)."""
    known = [c for c in call_truth if c["kind"] == "known"]
    right = wrong = right_on_record = 0
    for c in known:
        owners = {customer_of.get(n) for n in links.get(c["call"], ()) if customer_of.get(n)}
        if c["customer"] in owners:
            right += 1
            right_on_record += on_record is not None and c["call"] in on_record
    for c in call_truth:
        owners = {customer_of.get(n) for n in links.get(c["call"], ()) if customer_of.get(n)}
        if owners - {c["customer"]}:
            wrong += 1
    out = {"calls": len(call_truth), "known_callers": len(known), "linked_to_caller": right,
           "linked_to_caller_pct": pct(right, len(known)), "linked_to_someone_else": wrong}
    if on_record is not None:
        n = sum(1 for c in known if c["call"] in on_record)
        out.update({"known_on_record": n, "linked_on_record": right_on_record,
                    "linked_on_record_pct": pct(right_on_record, n)})
    return out
