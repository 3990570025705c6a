"""The workload generator and the evaluator of bench/workload: the generator is deterministic
and its ground truth consistent; the evaluator's figures are exact for a perfect routing and
for a deliberately wrong one; the library itself runs through it on a small workload."""
import json
import math
import os
import sys

import pytest

import switchboard as sb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "workload"))

import evaluate as E  # noqa: E402
import generate as G  # noqa: E402
import score as S  # noqa: E402


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("workload"))
    G.main(["--seed", "7", "--mails", "500", "--out", out])
    return out


def files(path):
    return {n: open(os.path.join(path, n), "rb").read() for n in sorted(os.listdir(path))}


# ---- the generator ---------------------------------------------------------------------------

def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    G.main(["--seed", "7", "--mails", "500", "--out", str(tmp_path / "again")])
    assert files(small) == files(str(tmp_path / "again"))
    G.main(["--seed", "8", "--mails", "500", "--out", str(tmp_path / "other")])
    assert files(str(tmp_path / "other"))["mail.mbox"] != files(small)["mail.mbox"]


def test_ground_truth_is_consistent(small):
    wl = E.Workload(small)
    m = wl.manifest
    truth = wl.truth["mails"]
    assert m["mails"] == len(truth) == 500 and m["records"] == 500 and m["calls"] == 125
    mails = sb.parse_mbox(wl.mbox)
    assert len(mails) == 500
    for t, e in zip(truth, mails):
        # a mail without Message-ID gets the synthetic one (a hash of its bytes)
        assert t["message_id"] == e.message_id or (not t["message_id"] and e.message_id.startswith("sb-"))
    # the timeline routes every mail once, in order, and calls every line once
    assert [e["mail"] for e in wl.timeline if e["type"] == "mail"] == list(range(500))
    assert [e["line"] for e in wl.timeline if e["type"] == "call"] == list(range(len(wl.call_lines)))
    assert all(a["at"] <= b["at"] for a, b in zip(wl.timeline, wl.timeline[1:]))
    # a reply belongs to a thread that started before it (preloaded, or an earlier new mail)
    preloaded = {r["thread"] for r in wl.records if r.get("thread")}
    started = set(preloaded)
    kinds = set()
    for t in truth:
        kinds.add((t["expect"], t["kind"]))
        if t["kind"] == "new":
            started.add(t["thread"])
        elif t["kind"] == "reply":
            assert t["thread"] in started, t
        elif t["kind"] == "redelivery":
            assert t["of"] < t["mail"] and truth[t["of"]]["message_id"] == t["message_id"]
    assert kinds == {("new", "new"), ("thread", "reply"), ("none", "automated"), ("none", "staff"),
                     ("none", "redelivery")}
    variants = {t["variant"] for t in truth}
    for v in ("in_reply_to", "no_headers", "references_only", "cc_other_team", "after_resolved",
              "after_closed", "no_headers_subject", "headers", "bounce", "redelivery"):
        assert v in variants, v
    # duplicate groups: records of one customer and one doctype, each with a phone number
    records = {r["ref"]: r for r in wl.records}
    for g in wl.truth["groups"]:
        assert len(g["members"]) >= 2
        for ref in g["members"]:
            r = records[ref]
            assert (r["doctype"], r["customer"]) == (g["doctype"], g["customer"])
            assert r["fields"].get("contact_mobile") or r["fields"].get("mobile_no") or r["fields"].get("phone")
    # every call line parses
    for line in wl.call_lines:
        sb.parse_call_event(line)


# ---- the scoring, against routings whose figures are known ------------------------------------

class Oracle:
    """Routes by the ground truth: every figure must come out perfect."""

    def __init__(self, store, book):
        self.book = book

    def route(self, email, i):
        t = self.book.truth[i]
        if t["kind"] == "redelivery":
            return S.Outcome("skip", reason="duplicate")
        if t["expect"] == "none":
            return S.Outcome("skip", reason="auto_reply", kind="auto_reply" if t["kind"] == "automated" else "human")
        action = "ticket" if t["doctype"] == "HD Ticket" else "lead"
        if t["expect"] == "new":
            return S.Outcome("create_" + action, t["doctype"], f"O{i}")
        doctype, name = self.book.records[t["thread"]][0]
        return S.Outcome("link_" + ("ticket" if doctype == "HD Ticket" else "lead"), doctype, name)

    def ingest(self, body):
        return {}


class Saboteur(Oracle):
    """Wrong on purpose, in countable ways."""

    def __init__(self, store, book):
        super().__init__(store, book)
        self.replies = self.news = 0
        self.victim = None

    def route(self, email, i):
        t = self.book.truth[i]
        if t["kind"] == "redelivery":
            return S.Outcome("link_ticket", "HD Ticket", "somewhere")          # written again
        if t["kind"] == "automated":
            return S.Outcome("create_ticket", "HD Ticket", f"A{i}", kind="human")
        if t["kind"] == "reply":
            self.replies += 1
            if self.replies % 4 == 0:
                return S.Outcome("create_ticket", "HD Ticket", f"S{i}")         # a split
            if self.replies % 10 == 1:
                return S.Outcome("create_lead", "CRM Lead", f"F{i}", reason="forwarded")
        if t["kind"] == "new":
            self.news += 1
            if self.news % 3 == 0 and self.victim:
                return S.Outcome("link_ticket", "HD Ticket", self.victim)     # a false link
            out = super().route(email, i)
            if t["doctype"] == "HD Ticket":
                self.victim = self.victim or out.name
            return out
        return super().route(email, i)


def test_a_perfect_routing_scores_perfectly(small):
    r = E.evaluate(small, routing_factory=Oracle)["mail"]
    truth = E.Workload(small).truth["mails"]
    count = lambda kind: sum(1 for t in truth if t["kind"] == kind)  # noqa: E731
    assert r["mails"] == 500
    assert r["replies"] == count("reply") and r["replies_on_thread"] == r["replies"]
    assert r["replies_on_thread_pct"] == 100.0
    assert r["automated"] == count("automated") > 0
    assert (r["automated_created_record"], r["automated_taken_for_human"]) == (0, 0)
    assert (r["false_forwards"], r["false_new_records"]) == (0, 0)
    assert r["new_created"] == r["new_mails"] == count("new") and r["new_linked_existing"] == 0
    assert r["forwards_detected"] == r["forwards"]
    assert r["redeliveries_unchanged"] == r["redeliveries"] == count("redelivery")


def test_a_wrong_routing_is_counted_exactly(small):
    r = E.evaluate(small, routing_factory=Saboteur)["mail"]
    truth = E.Workload(small).truth["mails"]
    replies = [t for t in truth if t["kind"] == "reply"]
    n = len(replies)
    splits = n // 4                                             # every 4th reply
    forwards = sum(1 for k in range(1, n + 1) if k % 10 == 1 and k % 4 != 0)
    automated = sum(1 for t in truth if t["kind"] == "automated")
    news = [t for t in truth if t["kind"] == "new"]
    # the first new ticket becomes the victim; from then on every 3rd new mail links to it
    first_ticket = next(k for k, t in enumerate(news, 1) if t["doctype"] == "HD Ticket")
    linked = sum(1 for k in range(1, len(news) + 1) if k % 3 == 0 and k > first_ticket)
    assert r["replies"] == n
    assert r["replies_on_thread"] == n - splits - forwards
    assert r["replies_on_thread_pct"] == round(100.0 * (n - splits - forwards) / n, 2)
    assert r["false_forwards"] == forwards
    assert r["automated_created_record"] == r["automated_taken_for_human"] == automated
    assert r["false_new_records"] == splits + forwards + automated
    assert r["new_linked_existing"] == linked and r["new_created"] == len(news) - linked
    assert r["redeliveries_unchanged"] == 0
    assert r["by_kind"]["redelivery"] == {"written": r["redeliveries"]}


def test_replies_follow_follow_ups_and_splits():
    truth = [{"expect": "new", "kind": "new", "variant": "new", "thread": "T1", "customer": "A", "doctype": "HD Ticket"}]
    truth += [{"expect": "thread", "kind": "reply", "variant": "x", "thread": "T1", "customer": "A",
               "doctype": "HD Ticket"} for _ in range(5)]
    book = S.ThreadBook(truth)
    assert book.judge(0, S.Outcome("create_ticket", "HD Ticket", "1")) == "created"
    assert book.judge(1, S.Outcome("link_ticket", "HD Ticket", "1")) == "on_thread"
    assert book.judge(2, S.Outcome("create_ticket", "HD Ticket", "2", follow_up_of="1")) == "follow_up"
    assert book.agent_target("T1") == ("HD Ticket", "2")
    assert book.judge(3, S.Outcome("link_ticket", "HD Ticket", "1")) == "on_thread"   # the old one counts
    assert book.judge(4, S.Outcome("create_ticket", "HD Ticket", "3")) == "new_record"
    assert book.agent_target("T1") == ("HD Ticket", "3")                               # agents answer there
    assert book.judge(5, S.Outcome("link_ticket", "HD Ticket", "3")) == "on_split_record"
    t = S.tally(book)
    assert (t["replies"], t["replies_on_thread"], t["false_new_records"], t["replies_on_split_record"]) == (5, 3, 1, 1)


def test_brand_scoring():
    truth = [{"expect": "new", "kind": "new", "variant": "new", "thread": "T1", "customer": "A", "doctype": "HD Ticket"},
             {"expect": "new", "kind": "new", "variant": "new", "thread": "T2", "customer": "A", "doctype": "HD Ticket"},
             {"expect": "thread", "kind": "reply", "variant": "x", "thread": "T1", "customer": "A", "doctype": "HD Ticket"}]
    book = S.ThreadBook(truth)
    book.judge(0, S.Outcome("create_ticket", "HD Ticket", "1"))
    book.judge(1, S.Outcome("link_ticket", "HD Ticket", "1", reason="support_alias_open_ticket"))  # crosses
    book.judge(2, S.Outcome("link_ticket", "HD Ticket", "1", reason="in_reply_to"))  # headers: allowed
    r = S.score_brands(book, ["Acme", "Bolt", "Bolt"], {("HD Ticket", "1"): "Acme"})
    assert r["cross_brand_links"] == 1
    assert (r["threads"], r["outgoing_right"]) == (2, 1)   # T2 ended on Acme's ticket


def test_the_library_with_brands_configured(small):
    flat, branded = E.evaluate(small, brands=False), E.evaluate(small)
    assert branded["site_brands"] and not flat["site_brands"]
    # brands keep customers' mail on their brand's records (only records from before reply
    # aliases, preloaded without one, are shared)
    assert branded["brands"]["cross_brand_links"] <= flat["brands"]["cross_brand_links"]
    assert 0 < branded["brands"]["outgoing_right"] <= branded["brands"]["threads"]


def test_duplicate_groups_and_false_merges():
    T, L = "HD Ticket", "CRM Lead"
    groups = [{"doctype": T, "customer": "A", "members": ["r1", "r2"]},
              {"doctype": T, "customer": "B", "members": ["r3", "r4", "r5"]},
              {"doctype": L, "customer": "C", "members": ["r6", "r7"]}]
    name_of = {f"r{k}": (T if k <= 5 else L, str(k)) for k in range(1, 8)}
    customer_of = {name_of[f"r{k}"]: c for k, c in ((1, "A"), (2, "A"), (3, "B"), (4, "B"), (5, "B"), (6, "C"), (7, "C"))}
    customer_of[(L, "9")] = "D"
    customer_of[(T, "8")] = "E"
    every = list(name_of.values()) + [(L, "9"), (T, "8")]
    before = {(T, "1"): "Closed", (T, "2"): "Open", (T, "3"): "Closed", (T, "4"): "Closed", (T, "5"): "Closed",
              (L, "6"): "New", (L, "7"): "Junk", (L, "9"): "Unqualified"}
    perfect = {k: k for k in every}
    perfect.update({(T, "1"): (T, "2"), (T, "4"): (T, "3"), (T, "5"): (T, "3"), (L, "7"): (L, "6")})
    after = dict(before)
    r = S.score_groups(groups, name_of, perfect, customer_of, before, after)
    assert r["tickets"] == {"groups": 2, "consolidated": 2, "consolidated_pct": 100.0, "groups_with_open": 1,
                            "open_survivor": 1, "merged_records": 3, "false_merges": 0}
    assert r["leads"]["consolidated"] == 1 and r["leads"]["false_merges"] == 0
    # A lead of a Lost status (Junk) merged into the open one: the group kept an open lead.
    assert (r["leads"]["groups_with_open"], r["leads"]["open_survivor"]) == (1, 1)
    wrong = {k: k for k in every}
    wrong.update({(T, "2"): (T, "1"),           # into the closed one, which stays closed
                  (T, "4"): (T, "3"),           # r5 left out: not consolidated
                  (L, "6"): (L, "9"), (L, "7"): (L, "9"),   # into another customer's lead
                  (T, "8"): (T, "3")})          # another customer's ticket into B's
    r = S.score_groups(groups, name_of, wrong, customer_of, before, after)
    assert (r["tickets"]["consolidated"], r["tickets"]["open_survivor"], r["tickets"]["false_merges"]) == (1, 0, 1)
    assert (r["leads"]["consolidated"], r["leads"]["false_merges"], r["leads"]["merged_records"]) == (1, 2, 2)
    assert r["leads"]["open_survivor"] == 0  # ended in an Unqualified lead


def test_call_scoring():
    calls = [{"call": "c1", "customer": "A", "kind": "known"}, {"call": "c2", "customer": "A", "kind": "known"},
             {"call": "c3", "customer": "B", "kind": "known"}, {"call": "c4", "customer": "Z", "kind": "other"}]
    customer_of = {("HD Ticket", "1"): "A", ("Contact", "Ann"): "A", ("CRM Lead", "L1"): "C"}
    links = {"c1": [("HD Ticket", "1"), ("Contact", "Ann")], "c3": [("CRM Lead", "L1")], "c4": [("HD Ticket", "1")]}
    r = S.score_calls(calls, links, customer_of)
    assert r == {"calls": 4, "known_callers": 3, "linked_to_caller": 1, "linked_to_caller_pct": 33.33,
                 "linked_to_someone_else": 2}
    # c2 comes from a number none of A's records carries: a call nobody could link but by a guess
    r = S.score_calls(calls, links, customer_of, on_record={"c1", "c3", "c4"})
    assert (r["known_on_record"], r["linked_on_record"], r["linked_on_record_pct"]) == (2, 1, 50.0)


# ---- the library through the evaluator ----------------------------------------------------------

def test_the_library_on_a_small_workload(small, capsys):
    assert E.main([small, "--json", os.path.join(small, "figures.json")]) == 0
    out = capsys.readouterr().out
    assert "customer replies on their thread's record" in out and "| route()" in out
    r = json.load(open(os.path.join(small, "figures.json")))
    m = r["mail"]
    assert m["mails"] == sum(sum(v.values()) for v in m["by_kind"].values()) == 500
    assert 0 < m["replies_on_thread"] <= m["replies"] and 0 <= m["replies_on_thread_pct"] <= 100
    assert m["false_new_records"] >= m["automated_created_record"]
    # auto-replies, out-of-office notices and bounces, with headers or without, never get a
    # record (system senders outside the router's system_prefixes still may)
    for variant, verdicts in m["by_variant"].items():
        if variant.startswith("automated/") and variant != "automated/system_sender":
            assert "created" not in verdicts, variant
    assert m["redeliveries_unchanged"] == m["redeliveries"]
    g = r["merge"]
    assert g["tickets"]["groups"] + g["leads"]["groups"] == len(E.Workload(small).truth["groups"])
    assert 0 <= g["leads"]["consolidated"] <= g["leads"]["groups"]
    c = r["calls"]
    assert 0 < c["linked_to_caller"] <= c["known_callers"] <= c["calls"]
    assert 0 < c["linked_on_record"] <= c["known_on_record"] <= c["known_callers"]
    assert r["speed"]["route_mails_per_s"] > 0 and r["rules"]["closed_ticket"] == "follow_up"
    assert not math.isnan(r["speed"]["route_s"])


def test_rules_are_passed_through(small):
    r = E.evaluate(small, rules_json='{"closed_ticket": "reopen"}')
    assert r["rules"]["closed_ticket"] == "reopen"
    # reopening closed tickets puts every reply after a closure on its thread's record
    assert r["mail"]["by_variant"].get("reply/after_closed", {}).get("new_record", 0) == 0


def test_stored_fields_keep_what_a_communication_keeps():
    e = sb.InboundEmail.from_rfc822(
        b"From: Kim <kim@customer.com>\r\nTo: support@shop.example\r\nCc: Pat <pat@shop.example>\r\n"
        b"Delivered-To: support@shop.example\r\nAuto-Submitted: auto-replied\r\nSubject: Away\r\n"
        b"Message-ID: <m2@customer.com>\r\nReferences: <m0@shop.example> <m1@shop.example>\r\n\r\nBack soon\r\n",
        "Support")
    kept = E.stored_fields(e)
    assert (kept.message_id, kept.sender, kept.subject, kept.email_account) == \
        (e.message_id, e.sender, "Away", "Support")
    assert kept.to == e.to and kept.cc == e.cc and kept.content == e.content
    assert kept.in_reply_to == "m1@shop.example" and kept.references == []  # Helpdesk's fallback
    assert kept.headers == [] and kept.delivered_to == []


def test_a_workload_routed_from_stored_fields_says_so(small):
    r = E.evaluate(small, fields_only=True)
    assert r["fields_only"] is True and r["mail"]["mails"] == 500
    assert "routed from the fields a Communication keeps" in E.markdown(r)


def test_a_workload_routed_into_a_given_store_on_a_given_clock(small):
    store, times = sb.MemoryStore(), []

    def clock(at):
        times.append(at)
        store.freeze_time(at)

    r = E.evaluate(E.Workload(small), store=store, clock=clock, per_mail=True)
    assert times[-1] is None and len(times) > 500  # every event, then back to the system clock
    assert r["speed"]["floor_s"] == 0  # the floor is a SQLite figure
    assert len(r["per_mail"]) == 500
    assert sum(1 for m in r["per_mail"] if m["verdict"] == "on_thread") == r["mail"]["by_kind"]["reply"]["on_thread"]
    assert store.count("HD Ticket") > 0
