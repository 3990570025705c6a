"""The router from Python, on every store backend (memory, SQLite, a pure-Python store and
fault-injecting wrappers): rules, decisions, writes, the Frappe hook shape, the GIL, and the
frontdesk route command."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import switchboard as sb
from site_fixture import SITE_JSON, with_site

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "routing")
MAILBOX = os.path.join(DATA, "mailbox")


def expected():
    rows = []
    with open(os.path.join(DATA, "expected.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append(line.rstrip("\n").split("\t"))
    return rows


def mail(mid, sender, to, subject="Hello", **kw):
    return sb.InboundEmail(message_id=mid, sender=sender, to=to, subject=subject, email_account="Support",
                           content="the body, never logged", **kw)


# ---- rules -----------------------------------------------------------------------------------

def test_rules_defaults_keywords_and_json():
    r = sb.RoutingRules()
    assert r.support_aliases is None and r.internal_domains is None  # the store's site decides
    assert (r.error_log, r.route_log) == ("errors", "outcome")
    assert r.closed_ticket == "follow_up" and r.reply_window_days == 7 and r.subject_max_length == 140
    k = sb.RoutingRules(closed_ticket="reopen", loop_allow=["@partner.example"], reply_window_days=0)
    assert (k.closed_ticket, k.loop_allow, k.reply_window_days) == ("reopen", ["@partner.example"], 0)
    assert sb.RoutingRules.from_json(k.to_json()).to_dict() == k.to_dict()
    assert sb.RoutingRules.from_json('{"sales_aliases": ["deals@shop.example"]}').sales_aliases == ["deals@shop.example"]
    with pytest.raises(sb.ValidationError, match="unknown routing rule 'closed'"):
        sb.RoutingRules(closed="reopen")
    with pytest.raises(sb.ValidationError):
        sb.RoutingRules(closed_ticket="sometimes")
    with pytest.raises(ValueError):  # sb.ValidationError is a ValueError
        sb.RoutingRules(reply_window_days="7")
    assert sb.RoutingRules(sales_aliases=None).sales_aliases is None
    assert sb.RoutingRules(sales_aliases=[]).sales_aliases == []
    k.sender_recency_link = "bogus"
    with pytest.raises(sb.ValidationError):
        sb.Router(sb.MemoryStore(), k)


# ---- routing on every backend ----------------------------------------------------------------

def test_sample_mailbox_on_every_backend(make_store):
    store = make_store()
    router = sb.Router(store)
    for name, action, doctype, reason in expected():
        with open(os.path.join(MAILBOX, name), "rb") as f:
            r = router.route(sb.InboundEmail.from_rfc822(f.read(), email_account="Inbox"))
        assert (name, r.action, r.doctype, r.reason) == (name, action, doctype, reason)
    inner = store.inner if isinstance(store, sb.FaultyStore) else store
    assert inner.count("HD Ticket") == 9
    assert inner.count("CRM Lead") == 6
    for row in inner.find("Error Log", fields=["error"]):
        assert "photos you asked" not in row["error"] and "möchten" not in row["error"]


def test_plan_writes_nothing_and_route_writes_everything(make_store):
    store = make_store()
    router = sb.Router(store)
    m = mail("<p1@x.com>", '"Doe, Jane" <Jane.Doe@X.com>', ["support+orders@zipcushions.com"], "Zipper")
    before = {d: store.find(d) for d in ("HD Ticket", "Contact", "Communication", "Error Log")}
    planned = router.plan(m)
    assert {d: store.find(d) for d in before} == before
    assert (planned.action, planned.reason, planned.name) == ("create_ticket", "support_alias", "")
    assert (planned.alias, planned.alias_tag, planned.sender_name) == ("support@zipcushions.com", "orders", "Jane Doe")
    r = router.route(m)
    assert r.action == "create_ticket" and r.name and r.contact == "Jane Doe"
    ticket = store.get("HD Ticket", r.name)
    assert ticket["raised_by"] == "jane.doe@x.com" and ticket["via_customer_portal"] == 0
    assert not ticket["description"]
    comm = store.get("Communication", r.communication)
    assert comm["message_id"] == "p1@x.com"
    assert (comm["reference_doctype"], comm["reference_name"]) == ("HD Ticket", r.name)
    assert store.find("Contact Email", {"parent": r.contact}, fields=["email_id"]) == [{"email_id": "jane.doe@x.com"}]
    d = r.to_dict()
    assert d["log"][0] == ["Route: Start", "[START] jane.doe@x.com | Zipper"]
    assert r.log_category == "Route: Support Created" == d["log_category"]
    assert repr(r) == f"<RouteResult create_ticket HD Ticket {r.name} (support_alias)>"


def test_reply_threads_to_the_newest_communication_with_the_id(make_store):
    store = make_store()
    router = sb.Router(store)
    lead = store.insert("CRM Lead", {"first_name": "Ann", "email": "ann@x.com"})
    ticket = store.insert("HD Ticket", {"subject": "x", "raised_by": "ann@x.com"})
    store.insert("Communication", {"message_id": "shared@x", "reference_doctype": "CRM Lead", "reference_name": lead,
                                   "creation": "2025-03-01 10:00:00.000000", "sent_or_received": "Sent"})
    copy = store.insert("Communication", {"message_id": "shared@x", "reference_doctype": "HD Ticket",
                                          "reference_name": ticket, "creation": "2025-03-02 10:00:00.000000",
                                          "sent_or_received": "Sent"})
    r = router.route(mail("r1@x.com", "ann@x.com", ["hello@zipcushions.com"], "Re: x", in_reply_to="<shared@x>"))
    assert (r.action, r.name, r.in_reply_to) == ("link_ticket", ticket, copy)
    assert store.get("Communication", r.communication)["in_reply_to"] == copy


def test_a_failing_store_gives_skip_error_and_leaves_nothing():
    inner = with_site(sb.MemoryStore())
    faulty = sb.FaultyStore(inner)
    router = sb.Router(faulty)
    m = mail("f1@x.com", "ann@x.com", ["support@zipcushions.com"])
    router.plan(m)
    faulty.arm()
    router.route(m)
    total = faulty.writes
    assert total >= 5
    for k in range(1, total + 1):
        inner = with_site(sb.MemoryStore())
        faulty = sb.FaultyStore(inner, fail_write=k)
        r = sb.Router(faulty).route(m)
        assert (r.action, r.reason, r.log_category) == ("skip", "error", "Route: Critical Error")
        assert inner.count("HD Ticket") == inner.count("Contact") == inner.count("Communication") == 0
        logs = inner.find("Error Log", fields=["method", "error"])
        assert [l["method"] for l in logs] == ["Route: Critical Error"]
        assert "Sender: ann@x.com" in logs[0]["error"] and "never logged" not in logs[0]["error"]


def test_a_python_store_that_raises_is_contained():
    import sys as _sys
    _sys.path.insert(0, os.path.dirname(__file__))
    from dict_store import DictBackend

    class Broken(DictBackend):
        def insert(self, doctype, doc):
            if doctype == "HD Ticket":
                raise RuntimeError("database on fire")
            return super().insert(doctype, doc)

    store = with_site(sb.Store(Broken(), seed_defaults=True))
    r = sb.Router(store).route(mail("b1@x.com", "ann@x.com", ["support@zipcushions.com"]))
    assert r.reason == "error" and "database on fire" in r.error
    assert store.count("Contact") == 0 and store.count("Communication") == 0


def test_frappe_before_save_hook_shape():
    """What a Frappe hook does: build the mail from the Communication being saved (plus the
    raw headers Frappe does not keep), route it, and file the Communication on the result."""
    store = with_site(sb.MemoryStore())
    router = sb.Router(store)
    doc = {"name": "comm-0001", "sender": "kim@example.com", "sender_full_name": "Kim Lee",
           "recipients": "sales@zipcushions.com", "subject": "Quote", "sent_or_received": "Received",
           "email_account": "Sales", "message_id": "k1@example.com", "content": "<p>hi</p>"}
    email = sb.InboundEmail(message_id=doc["message_id"], sender=doc["sender"],
                            sender_full_name=doc["sender_full_name"], to=doc["recipients"],
                            subject=doc["subject"], sent_or_received=doc["sent_or_received"],
                            email_account=doc["email_account"], content=doc["content"],
                            communication=doc["name"])
    r = router.route(email)
    assert (r.action, r.communication) == ("create_lead", "comm-0001")
    doc["reference_doctype"], doc["reference_name"] = r.doctype, r.name
    assert store.count("Communication") == 0  # the hook's own document is the Communication
    # The next save of the same document is already routed.
    email.reference_doctype, email.reference_name = r.doctype, r.name
    assert router.plan(email).reason == "already_routed"


def test_route_many_and_policies():
    store = with_site(sb.MemoryStore())
    router = sb.Router(store, sb.RoutingRules(support_alias_existing_ticket="always_new", error_log="none"))
    results = router.route_many([mail(f"n{i}@x.com", "ann@x.com", ["support@zipcushions.com"]) for i in range(3)])
    assert [r.action for r in results] == ["create_ticket"] * 3
    assert store.count("Error Log") == 0
    assert router.rules.support_alias_existing_ticket == "always_new"
    assert router.store is store


# ---- the GIL ---------------------------------------------------------------------------------

GIL_SCRIPT = textwrap.dedent("""
    import sys, threading, time
    import switchboard as sb
    sys.path.insert(0, {tests!r})
    from dict_store import DictStore
    from site_fixture import with_site
    store = with_site({factory})
    router = sb.Router(store)
    raw = open({eml!r}, "rb").read()
    email = sb.InboundEmail.from_rfc822(raw, email_account="Inbox")
    inside = threading.Event()

    def holder():
        with store.transaction():
            inside.set()
            time.sleep(0.3)          # Python code needing the GIL while main waits on the store
            store.insert("CRM Lead", {{"first_name": "held"}})

    t = threading.Thread(target=holder)
    t.start()
    inside.wait()
    result = {call}
    t.join()
    print("ok", result)
""")


@pytest.mark.parametrize("factory", ["sb.SqliteStore()", "sb.MemoryStore()", "DictStore()"])
@pytest.mark.parametrize("call", ["router.route(email).action", "router.plan(email).action",
                                  "len(router.route_many([email]))"])
def test_routing_releases_the_gil(call, factory):
    code = GIL_SCRIPT.format(tests=os.path.dirname(__file__), factory=factory, call=call,
                             eml=os.path.join(MAILBOX, "01-gmail-new-support-request.eml"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30,
                          env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


# ---- frontdesk route -------------------------------------------------------------------------

def run(bin_, *args):
    return subprocess.run([bin_, *args], capture_output=True, text=True, timeout=120)


def new_db(bin_, path):
    assert run(bin_, "init", "--db", str(path)).returncode == 0
    return str(path)


def test_frontdesk_route_a_folder_prints_each_mail_and_a_summary(frontdesk_bin, tmp_path):
    db = new_db(frontdesk_bin, tmp_path / "r.sqlite")
    out = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", MAILBOX)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for (name, action, doctype, reason), line in zip(expected(), lines):
        assert line.split()[:2] == [name, action]
        assert doctype in line and reason in line
    assert "routed 26 mails: 6 create_lead, 9 create_ticket, 3 link_ticket, 8 skip" in out.stdout
    assert "by reason: " in out.stdout and "1 duplicate" in out.stdout
    store = sb.SqliteStore(db)
    assert store.count("HD Ticket") == 9
    again = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "--quiet", "route", MAILBOX)
    assert again.returncode == 0 and again.stdout == "" and again.stderr == ""  # --quiet
    assert sb.SqliteStore(db).count("HD Ticket") == 9  # all duplicates or skips the second time


def test_frontdesk_route_mbox_jsonl_dry_run_and_errors(frontdesk_bin, tmp_path):
    db = new_db(frontdesk_bin, tmp_path / "r.sqlite")
    mbox = tmp_path / "inbox.mbox"
    with open(mbox, "wb") as f:
        for name in ("01-gmail-new-support-request.eml", "05-sales-inquiry-encoded-words.eml"):
            f.write(b"From x@y Mon Mar  3 15:13:52 2025\n" + open(os.path.join(MAILBOX, name), "rb").read() + b"\n")
    jsonl = tmp_path / "mails.jsonl"
    jsonl.write_text(json.dumps({"message_id": "j1@x.com", "sender": "bob@y.com", "to": ["sales@zipcushions.com"],
                                 "subject": "Quote"}) + "\n\n" + "{broken\n")
    dry = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", "--dry-run", str(mbox))
    assert dry.returncode == 0, dry.stderr
    assert "inbox.mbox#1" in dry.stdout and "inbox.mbox#2" in dry.stdout and "nothing written" in dry.stdout
    assert sb.SqliteStore(db).count("HD Ticket") == 0
    quarantine = tmp_path / "q"
    out = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", "--json", "--quarantine", str(quarantine), str(mbox), str(jsonl))
    assert out.returncode == 1  # the broken JSON line is a failure
    results = json.loads(out.stdout)["mails"]
    assert [r["action"] for r in results] == ["create_ticket", "create_lead", "create_lead", "unreadable"]
    assert results[2]["source"] == "mails.jsonl:1" and results[3]["source"] == "mails.jsonl:3"
    assert sorted(os.listdir(quarantine)) == ["mails.jsonl:3.eml", "mails.jsonl:3.reason"]
    assert run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", str(tmp_path / "missing")).returncode == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", str(empty)).returncode == 3
    assert run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route").returncode == 2


def test_frontdesk_route_with_rules_file(frontdesk_bin, tmp_path):
    db = new_db(frontdesk_bin, tmp_path / "r.sqlite")
    rules = tmp_path / "rules.json"
    form = os.path.join(MAILBOX, "14-web-form-reply-to.eml")
    rules.write_text(json.dumps({"reply_to": "use_from"}))  # the original scripts: system mail
    out = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", "--rules", str(rules), "--dry-run", form)
    assert out.returncode == 0, out.stderr
    assert "automated_sender" in out.stdout and "create_lead" not in out.stdout
    out = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", form)  # the default: web_forms
    assert out.returncode == 0, out.stderr
    assert "create_lead" in out.stdout
    rules.write_text(json.dumps({"reply_to": "whoever"}))
    bad = run(frontdesk_bin, "--db", db, "--site", SITE_JSON, "route", "--rules", str(rules), MAILBOX)
    assert bad.returncode == 3 and "reply_to" in bad.stderr


def test_demo_shows_where_each_mail_went_and_why(frontdesk_bin, tmp_path):
    out = run(frontdesk_bin, "--db", str(tmp_path / "demo.sqlite"), "demo")
    assert out.returncode == 0, out.stderr
    assert "== email routing" in out.stdout
    for fragment in ("create_ticket HD Ticket", "(reason in_reply_to)", "skip (reason duplicate)",
                     "(reason out_of_office, matched by in_reply_to)", "(reason forwarded)",
                     "(reason bounce, matched by original_message_id)", "tag returns",
                     "skip (reason blocked)", "(reason sender_open_ticket)", "(reason new_customer)"):
        assert fragment in out.stdout
