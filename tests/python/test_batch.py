"""The batch paths from Python: Router.route_many and CallLogger.ingest_many decide and write
exactly as route() / ingest() one at a time, a failing item rolls back alone; frontdesk
route/calls --batch and the call-ticket flags."""
import json
import os
import subprocess

import pytest

import switchboard as sb
from conftest import ROOT
from site_fixture import SITE_JSON, with_site
from test_routing import MAILBOX, expected, mail

TELEPHONY = os.path.join(ROOT, "tests", "data", "telephony")
SUPPORT, SALES = "support@zipcushions.com", "sales@zipcushions.com"


def fixture(name):
    with open(os.path.join(TELEPHONY, name)) as f:
        return f.read()


def mixed():
    """New requests, replies to mails earlier in the list, a re-delivery, a flood that crosses
    the loop breaker's threshold, a reply to a closed ticket and a reply to its follow-up."""
    m = [mail("a1@x.com", "Ann <ann@x.com>", [SUPPORT], "Broken zipper"),
         mail("a2@x.com", "ann@x.com", [SUPPORT], "Re: Broken zipper", in_reply_to="<a1@x.com>"),
         mail("a1@x.com", "Ann <ann@x.com>", [SUPPORT], "Broken zipper"),
         mail("b1@y.com", "bob@y.com", [SALES], "Quote"),
         mail("b2@y.com", "bob@y.com", [SUPPORT], "Re: Quote", references=["b1@y.com"])]
    m += [mail(f"f{i}@flood.example", "robot@flood.example", [SUPPORT], f"Alert {i}")
          for i in range(6)]
    m += [mail("c1@z.com", "cat@z.com", [SUPPORT], "Re: Old problem", in_reply_to="closed-final@ours"),
          mail("c2@z.com", "cat@z.com", [SUPPORT], "Re: Old problem", references=["closed-final@ours", "c1@z.com"]),
          mail("n1@news.example", "no-reply@news.example", [SUPPORT], "News")]
    return m


def seeded(store):
    t = store.insert("HD Ticket", {"subject": "Old problem", "raised_by": "cat@z.com", "status": "Closed",
                                   "modified": "2025-01-01 10:00:00", "creation": "2025-01-01 10:00:00"})
    store.insert("Communication", {"message_id": "closed-final@ours", "reference_doctype": "HD Ticket",
                                   "reference_name": t, "sent_or_received": "Sent"})
    return store


def decision(store, r):
    def mid(name):
        return store.get("Communication", name)["message_id"] if name else ""
    return (r.action, r.reason, r.doctype, r.name, r.match, r.policy, r.follow_up_of,
            mid(r.communication), mid(r.in_reply_to))


def test_route_many_decides_as_route_one_at_a_time():
    rules = sb.RoutingRules(loop_threshold=3, error_log="all", support_alias_existing_ticket="always_new")
    one, many = seeded(with_site(sb.MemoryStore())), seeded(with_site(sb.MemoryStore()))
    single, batched = sb.Router(one, rules), sb.Router(many, rules)
    want = [decision(one, single.route(m)) for m in mixed()]
    got = [decision(many, r) for r in batched.route_many(mixed())]
    assert got == want
    reasons = [d[1] for d in got]
    assert got[12][:4] == ("link_ticket", "references", "HD Ticket", got[11][3])  # the follow-up
    assert "loop" in reasons and "duplicate" in reasons and reasons.count("follow_up") == 1
    for doctype in ("HD Ticket", "CRM Lead", "Contact", "Communication", "Error Log", "Switchboard Route Log"):
        assert many.count(doctype) == one.count(doctype), doctype


def test_route_many_sample_mailbox_on_every_backend(make_store):
    store = make_store()
    mails = []
    for name, *_ in expected():
        with open(os.path.join(MAILBOX, name), "rb") as f:
            mails.append(sb.InboundEmail.from_rfc822(f.read(), email_account="Inbox"))
    results = sb.Router(store).route_many(mails)
    got = [(name, r.action, r.doctype, r.reason) for (name, *_), r in zip(expected(), results)]
    assert got == [tuple(row) for row in expected()]
    inner = store.inner if isinstance(store, sb.FaultyStore) else store
    assert inner.count("HD Ticket") == 9 and inner.count("CRM Lead") == 6


class Poisoned(sb.ForwardingBackend):
    """Fails every insert into `doctype` of a row naming `needle`: an item that fails each time
    it is written (a FaultyStore fault happens once)."""

    def __init__(self, inner, doctype, needle):
        sb.ForwardingBackend.__init__(self, inner)
        self.doctype, self.needle = doctype, needle

    def insert(self, doctype, doc):
        if doctype == self.doctype and any(self.needle in str(v) for v in doc.values()):
            raise sb.StoreError("injected: poisoned " + doctype, code="injected_fault")
        return sb.ForwardingBackend.insert(self, doctype, doc)


@pytest.mark.parametrize("doctype", ["Contact", "HD Ticket", "Communication"])
def test_route_many_a_failing_mail_rolls_back_alone(doctype):
    mails = [mail("p1@x.com", "pat@x.com", [SUPPORT], "One"), mail("q1@x.com", "quinn@x.com", [SUPPORT], "Two"),
             mail("s1@x.com", "sue@x.com", [SALES], "Three")]
    inner = with_site(sb.MemoryStore())
    results = sb.Router(sb.Store(Poisoned(inner, doctype, "quinn@x.com"), seed_defaults=False)).route_many(mails)
    assert [(r.action, r.reason) for r in results] == [
        ("create_ticket", "support_alias"), ("skip", "error"), ("create_lead", "sales_alias")]
    assert "injected" in results[1].error
    assert inner.count("HD Ticket", {"raised_by": "quinn@x.com"}) == 0
    assert inner.count("Contact", {"email_id": "quinn@x.com"}) == 0
    assert [row["method"] for row in inner.find("Error Log", fields=["method"])] == ["Route: Critical Error"]
    assert inner.count("HD Ticket") == 1 and inner.count("CRM Lead") == 1


def test_route_many_a_fault_that_does_not_come_back_costs_nothing():
    # The batch runs first without a savepoint per mail; a failure undoes that pass and the
    # batch runs again with one each, so a one-off fault leaves every mail routed.
    mails = [mail("p1@x.com", "pat@x.com", [SUPPORT], "One"), mail("q1@x.com", "quinn@x.com", [SUPPORT], "Two"),
             mail("s1@x.com", "sue@x.com", [SALES], "Three")]
    inner = with_site(sb.MemoryStore())
    results = sb.Router(sb.FaultyStore(inner, fail_write=5)).route_many(mails)
    assert [r.action for r in results] == ["create_ticket", "create_ticket", "create_lead"]
    assert inner.count("Error Log") == 0 and inner.count("HD Ticket") == 2


def call_events():
    bodies = [fixture(n) for n in ("seed_curl.json", "call_log_simple.json", "telephony_seq2.json",
                                   "telephony_seq1.json", "seed_curl.json")]
    bodies += [json.dumps({"call_id": "m1", "direction": "Inbound", "from_number": "+16505550101",
                           "result": "Missed"}),
               json.dumps({"call_id": "m2", "direction": "Inbound", "from_number": "+16505550101",
                           "result": "Call connected", "duration": 20})]
    return bodies


def test_ingest_many_matches_ingest_one_at_a_time():
    opts = dict(company_numbers=["+15559876543"], create_tickets=True)
    one, many = sb.MemoryStore(), sb.MemoryStore()
    single, batched = sb.CallLogger(one, **opts), sb.CallLogger(many, **opts)
    want = [single.ingest(b) for b in call_events()]
    events = [sb.parse_call_event(b) if i % 2 else b for i, b in enumerate(call_events())]  # both shapes
    got = batched.ingest_many(events + ['{"call_id": "x", "duration": 1e400}'])

    def same(store, r):  # call logs without a call id have hash names: compare their call
        out = dict(r)
        for key, doctype in (("call_log", "Helpdesk Call Log"), ("crm_call_log", "CRM Call Log")):
            row = store.get(doctype, r[key]) if r[key] else None
            out[key] = (row.get("call_id") or row.get("id") or row.get("telephony_session_id")) if row else ""
        return out
    assert [same(many, r) for r in got[:-1]] == [same(one, r) for r in want]
    assert got[-1]["action"] == "failed" and got[-1]["reason"] == "parse" and got[-1]["error"]
    for doctype in ("Helpdesk Call Log", "CRM Call Log", "HD Ticket", "Contact"):
        assert many.count(doctype) == one.count(doctype), doctype
    assert batched.ingest_many([]) == []


@pytest.mark.parametrize("doctype", ["HD Ticket", "Helpdesk Call Log", "CRM Call Log"])
def test_ingest_many_a_failing_event_rolls_back_alone(doctype):
    events = [json.dumps({"call_id": f"k{i}", "direction": "Inbound", "from_number": f"+1650555010{i}",
                          "result": "Call connected", "duration": 5}) for i in range(3)]
    inner = sb.MemoryStore()
    store = sb.Store(Poisoned(inner, doctype, "5550101"), seed_defaults=False)
    got = sb.CallLogger(store, create_tickets=True).ingest_many(events)
    assert [r["action"] for r in got] == ["created", "failed", "created"]
    assert got[1]["reason"] == "injected_fault"
    assert {r["call_id"] for r in inner.find("Helpdesk Call Log", fields=["call_id"])} == {"k0", "k2"}


def test_ringcentral_jobs_take_the_call_ticket_options():
    store = sb.MemoryStore()
    client = sb.RingCentralClient(store, client_id="x", client_secret="y", server="http://127.0.0.1:9",
                                  allowed_origins=["http://127.0.0.1:9"])
    jobs = sb.RingCentralJobs(store, client, create_tickets=True, tickets_for_unanswered=True)
    r = jobs.logger.ingest(json.dumps({"call_id": "m9", "direction": "Inbound", "from_number": "+16505550109",
                                       "result": "Missed"}))
    assert r["ticket_created"]


# ---- frontdesk -------------------------------------------------------------------------------

def run(bin_, *args):
    return subprocess.run([bin_, *args], capture_output=True, text=True, timeout=120)


def test_frontdesk_route_batch_sizes_give_the_same_decisions(frontdesk_bin, tmp_path):
    outs = []
    for batch in ("1", "4", "500"):
        db = str(tmp_path / f"r{batch}.sqlite")
        assert run(frontdesk_bin, "init", "--db", db).returncode == 0
        out = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", "--batch", batch, "--json", MAILBOX)
        assert out.returncode == 0, out.stderr
        mails = json.loads(out.stdout)["mails"]
        outs.append([(m["source"], m["action"], m["reason"], m["doctype"], m["name"]) for m in mails])
        assert sb.SqliteStore(db).count("HD Ticket") == 9
    assert outs[0] == outs[1] == outs[2]
    assert run(frontdesk_bin, "route", "--batch", "0", MAILBOX).returncode != 0


def test_frontdesk_calls_ticket_flags(frontdesk_bin, tmp_path):
    missed = json.dumps({"call_id": "m1", "direction": "Inbound", "from_number": "+16505550101",
                         "to_number": "+15559876543", "result": "Missed"})
    outbound = json.dumps({"call_id": "o1", "direction": "Outbound", "from_number": "+15559876543",
                           "to_number": "+16505550102", "result": "Call connected", "duration": 30})
    path = tmp_path / "calls.jsonl"
    path.write_text(missed + "\n" + outbound + "\n")
    counts = {}
    for flags in ((), ("--tickets-for-unanswered",), ("--tickets-for-unanswered", "--tickets-for-outbound")):
        db = str(tmp_path / f"c{len(flags)}.sqlite")
        assert run(frontdesk_bin, "init", "--db", db).returncode == 0
        out = run(frontdesk_bin, "--db", db, "calls", str(path), "--company-number", "+15559876543",
                  "--create-tickets", "--batch", "1", *flags)
        assert out.returncode == 0, out.stderr
        counts[flags] = sb.SqliteStore(db).count("HD Ticket")
    assert list(counts.values()) == [0, 1, 2]


def test_ingest_many_on_every_backend(make_store):
    store = make_store()
    ticket = store.insert("HD Ticket", {"subject": "patio", "contact_mobile": "(555) 123-4567"})
    logger = sb.CallLogger(store, company_numbers=["+15559876543"])
    got = logger.ingest_many([fixture("seed_curl.json"), fixture("seed_curl.json"), fixture("call_log_simple.json")])
    assert [r["action"] for r in got] == ["created", "duplicate", "created"]
    assert got[0]["ticket"] == ticket
    inner = store.inner if isinstance(store, sb.FaultyStore) else store
    assert inner.count("Helpdesk Call Log") == 2 and inner.count("CRM Call Log") == 2
