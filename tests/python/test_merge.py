"""Duplicate leads and tickets from Python, on every backend (memory, SQLite, a pure-Python
store and fault-injecting wrappers): stored keys, the seed's workflows, bulk merges, faults at
every write, idempotency and the GIL."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import switchboard as sb


def snapshot(store):
    return {d: store.find(d, order_by="name") for d in store.doctypes()}


def lead_call(store, call_id, lead, number="+15551234567"):
    return store.insert("CRM Call Log", {
        "id": call_id, "type": "Incoming", "from": number, "reference_doctype": "CRM Lead",
        "reference_docname": lead, "links": [{"link_doctype": "CRM Lead", "link_name": lead}]})


def names(store, doctype, field, value):
    return [d["name"] for d in store.find(doctype, {field: value}, fields=["name"], order_by="name")]


def test_keys_are_stored_on_every_write(make_store):
    store = make_store()
    lead = store.insert("CRM Lead", {"mobile_no": "+1 (555) 123-4567", "phone": "555 987 6543 x 12"})
    doc = store.get("CRM Lead", lead)
    assert doc["custom_mobile_no_key"] == "+15551234567"
    assert (doc["custom_phone_key"], doc["custom_phone_ext"]) == ("+15559876543", "12")
    assert doc[sb.PHONE_KEY_VERSION_FIELD] == sb.PHONE_KEY_VERSION
    contact = store.insert("Contact", {"full_name": "Ann", "phone_nos": [{"phone": "555-123-4567"}, {"phone": "123"}]})
    rows = store.find("Contact Phone", {"parent": contact}, order_by="idx")
    assert [r["custom_phone_key"] for r in rows] == ["+15551234567", None]
    ticket = store.insert("HD Ticket", {"subject": "x", "contact_mobile": "5551234567"})
    call = store.insert("Helpdesk Call Log", {"call_id": "c1", "from_number": "+1 555 123 4567"})
    assert store.get("Helpdesk Call Log", call)["custom_from_number_key"] == "+15551234567"
    store.update("CRM Lead", lead, {"mobile_no": "+44 7700 900123"})
    assert store.get("CRM Lead", lead)["custom_mobile_no_key"] == "+447700900123"
    assert store.get("CRM Lead", lead)["custom_phone_ext"] == "12"
    store.update("CRM Lead", lead, {"custom_phone_key": "+19999999999"})  # forged: recomputed
    assert store.get("CRM Lead", lead)["custom_phone_key"] == "+15559876543"
    # One of the lead's two numbers changes for many rows: each row keeps its other key.
    other = store.insert("CRM Lead", {"mobile_no": "555 000 0000", "phone": "555 222 3333"})
    assert store.update_where("CRM Lead", {"name": ["in", [lead, other]]}, {"mobile_no": "5551112222"}) == 2
    assert store.get("CRM Lead", lead)["custom_phone_key"] == "+15559876543"
    assert store.get("CRM Lead", other)["custom_phone_key"] == "+15552223333"
    assert store.get("CRM Lead", other)["custom_mobile_no_key"] == "+15551112222"
    store.update_where("HD Ticket", {"name": ticket}, {"contact_mobile": "garbage"})
    assert store.get("HD Ticket", ticket)["custom_contact_mobile_key"] is None
    store.update_where("Contact Phone", {"parent": contact}, {"is_primary_phone": 1})
    assert store.find("Contact Phone", {"custom_phone_key": "+15551234567"}, fields=["name"])


def test_seed_workflow_for_leads(make_store):
    store = make_store()
    old = store.insert("CRM Lead", {"first_name": "Jane", "email": "jane@example.com"})
    new = store.insert("CRM Lead", {"first_name": "Caller", "mobile_no": "+1 (555) 123-4567"})
    calls = [lead_call(store, "rc-1", new), lead_call(store, "rc-2", new)]
    store.update("CRM Lead", old, {"mobile_no": "555.123.4567"})
    merger = sb.PhoneMerger(store)
    dry = merger.on_phone_changed("CRM Lead", old, dry_run=True)
    assert dry.dry_run and dry.sources == [new]
    assert names(store, "CRM Call Log", "reference_docname", new) == sorted(calls)  # untouched
    report = merger.on_phone_changed("CRM Lead", old)
    assert report.to_dict() == {**dry.to_dict(), "dry_run": False}
    assert report.sources == [new] and report.merged
    assert report.steps[0].moved["CRM Call Log.reference_docname"] == sorted(calls)
    assert names(store, "CRM Call Log", "reference_docname", old) == sorted(calls)
    assert len(names(store, "Dynamic Link", "link_name", old)) == 2
    assert names(store, "Dynamic Link", "link_name", new) == []
    assert store.get("CRM Lead", new)["custom_merged_into"] == old
    assert sb.resolve_survivor(store, "CRM Lead", new) == old
    [log] = store.find(sb.MERGE_LOG_DOCTYPE)
    assert (log["source_name"], log["target_name"], log["phone_key"]) == (new, old, "+15551234567")
    assert json.loads(log["moved"])["CRM Call Log.reference_docname"] == sorted(calls)
    json.dumps(report.to_dict())  # JSON-ready for a whitelisted method
    after = snapshot(store)
    again = merger.on_phone_changed("CRM Lead", old)
    assert not again.merged and again.skipped == "no_duplicates"
    assert snapshot(store) == after


def test_seed_workflow_for_tickets(make_store):
    store = make_store()
    email_ticket = store.insert("HD Ticket", {"subject": "Where is my order?", "raised_by": "jane@example.com"})
    call_ticket = store.insert("HD Ticket", {"subject": "Call", "contact_mobile": "+1 555-123-4567"})
    calls = [store.insert("Helpdesk Call Log", {"call_id": f"c{i}", "ticket": call_ticket}) for i in range(3)]
    store.update("HD Ticket", email_ticket, {"contact_mobile": "5551234567"})
    merger = sb.PhoneMerger(store)
    report = merger.on_phone_changed("HD Ticket", email_ticket)
    assert report.steps[0].moved == {"Helpdesk Call Log.ticket": sorted(calls)}
    assert names(store, "Helpdesk Call Log", "ticket", email_ticket) == sorted(calls)
    merged = store.get("HD Ticket", call_ticket)
    assert (merged["is_merged"], merged["merged_with"], merged["status"]) == (1, email_ticket, "Closed")
    after = snapshot(store)
    assert merger.merge_call_logs("HD Ticket", email_ticket).skipped == "no_duplicates"
    assert snapshot(store) == after


def test_bulk_merge_into_the_oldest(make_store):
    store = make_store()
    store.freeze_time(1767225600)  # equal creation: the name decides, as documented
    jane = [store.insert("HD Ticket", {"subject": "Jane", "contact_mobile": p})
            for p in ["555.123.4567", "+1 (555) 123-4567", "15551234567"]]
    bob = [store.insert("HD Ticket", {"subject": "Bob", "contact_mobile": p})
           for p in ["+44 20 7946 0958", "011 44 20 7946 0958"]]
    store.insert("HD Ticket", {"subject": "garbage", "contact_mobile": "123"})
    store.insert("HD Ticket", {"subject": "garbage", "contact_mobile": "123"})
    for t in jane + bob:
        store.insert("Helpdesk Call Log", {"call_id": f"call-{t}", "ticket": t})
    merger = sb.PhoneMerger(store)
    ticks = []
    dry = merger.bulk_merge("HD Ticket", dry_run=True)
    before = snapshot(store)
    report = merger.bulk_merge("HD Ticket", progress=lambda done, total: ticks.append((done, total)))
    assert ticks == [(2, 2)]
    assert [(m.target, m.sources) for m in report.merges] == [(jane[0], jane[1:]), (bob[0], bob[1:])]
    assert (report.records_merged, report.rows_moved, report.scanned) == (3, 3, 5)
    dry_dict = dry.to_dict()
    dry_dict["dry_run"] = False
    for m in dry_dict["merges"]:
        m["dry_run"] = False
    assert report.to_dict() == dry_dict
    assert snapshot(store) != before
    assert len(names(store, "Helpdesk Call Log", "ticket", jane[0])) == 3
    after = snapshot(store)
    assert merger.bulk_merge("HD Ticket").merges == []
    assert snapshot(store) == after


def test_options_cap_scope_and_extra_rules(make_store):
    store = make_store()
    desk = [store.insert("HD Ticket", {"subject": "x", "contact_mobile": "+1 650 253 0000"}) for _ in range(4)]
    closed = store.insert("HD Ticket", {"subject": "c", "contact_mobile": "555 000 1111", "status": "Closed"})
    open_ = store.insert("HD Ticket", {"subject": "o", "contact_mobile": "5550001111"})
    store.insert("Comment", {"reference_doctype": "HD Ticket", "reference_name": closed, "content": "n",
                             "comment_email": closed})
    report = sb.PhoneMerger(store, shared_cap=3).bulk_merge("HD Ticket", dry_run=True)
    assert [(s.key, s.count, s.reason) for s in report.shared] == [("+16502530000", 4, "shared_cap")]
    assert [(m.target, m.survivor_reason) for m in report.merges] == [(open_, "oldest_open")]
    assert sb.PhoneMerger(store, include_closed=False).find_duplicates("HD Ticket", "555-000-1111") == [open_]
    assert sb.PhoneMerger(store).find_duplicates("HD Ticket", "555-000-1111") == [closed, open_]
    wide = sb.PhoneMerger(store, extra_relink_rules=[("Comment", "comment_email")])
    result = wide.merge_call_logs("HD Ticket", open_)
    assert (result.sources, result.survivor_reason) == ([closed], "named")
    assert result.to_dict()["survivor_reason"] == "named"
    assert result.steps[0].moved["Comment.comment_email"] == names(store, "Comment", "comment_email", open_)
    assert sb.PhoneMerger(store, shared_cap=3).shared_cap == 3
    with pytest.raises(sb.ValidationError):
        wide.merge("HD Ticket", desk[0], [desk[0]])  # never into itself
    with pytest.raises(sb.ValidationError):
        sb.PhoneMerger(store, batch_size=-1)
    with pytest.raises(sb.ValidationError):
        sb.PhoneMerger(store, max_customers_per_number=0)
    with pytest.raises(sb.ValidationError):
        sb.PhoneMerger(store, region="XX")


def _seed(store):
    a = store.insert("CRM Lead", {"name": "LA", "mobile_no": "555 123 4567"})
    b = store.insert("CRM Lead", {"name": "LB", "phone": "+1 555 123 4567", "email": "b@example.com"})
    lead_call(store, "r1", b)
    store.insert("File", {"attached_to_doctype": "CRM Lead", "attached_to_name": b, "file_name": "1.pdf"})
    store.insert("File", {"attached_to_doctype": "CRM Lead", "attached_to_name": b, "file_name": "2.pdf"})
    return a


@pytest.mark.parametrize("operation", ["on_phone_changed", "merge", "bulk_merge"])
def test_a_fault_at_any_write_changes_nothing(make_store, operation):
    def run(merger):
        if operation == "on_phone_changed":
            return merger.on_phone_changed("CRM Lead", "LA").merged
        if operation == "merge":
            return merger.merge("CRM Lead", "LA", ["LB"]).merged
        return merger.bulk_merge("CRM Lead").records_merged == 1

    inner = make_store()
    _seed(inner)
    counter = sb.FaultyStore(inner)
    assert run(sb.PhoneMerger(counter))
    total = counter.writes
    assert total >= 4
    for k in range(1, total + 1):
        inner = make_store()
        _seed(inner)
        before = snapshot(inner)
        with pytest.raises(sb.StoreError):
            run(sb.PhoneMerger(sb.FaultyStore(inner, fail_write=k)))
        assert snapshot(inner) == before, f"fault at write {k}"


def test_rekey_and_progress_errors_roll_back(make_store):
    store = make_store()
    merger = sb.PhoneMerger(store)
    lead = store.insert("CRM Lead", {"mobile_no": "98455 52671"})
    assert merger.rekey("CRM Lead").updated == 0
    site = store.site
    site.region = "IN"  # the site moves to India: its keys are read there from now on
    store.site = site
    if hasattr(store, "frappe"):  # the stand-in's database is a store deriving keys itself
        store.frappe.db.store.site = site
    report = merger.rekey("CRM Lead")
    assert (report.scanned, report.updated) == (1, 1)
    assert store.get("CRM Lead", lead)["custom_mobile_no_key"] == "+919845552671"
    site.region = "US"
    store.site = site
    if hasattr(store, "frappe"):
        store.frappe.db.store.site = site
    merger.rekey("CRM Lead")
    for number in ["555 123 4567", "5551234567", "555 777 8888", "5557778888"]:
        store.insert("HD Ticket", {"subject": number, "contact_mobile": number})
    calls = []

    def stop_at_second(done, total):
        calls.append((done, total))
        if len(calls) == 2:
            raise KeyboardInterrupt("stop")

    with pytest.raises(KeyboardInterrupt):
        sb.PhoneMerger(store, batch_size=1).bulk_merge("HD Ticket", progress=stop_at_second)
    # The first batch was committed; the second, interrupted, was rolled back whole.
    assert calls == [(1, 2), (2, 2)]
    assert len([t for t in store.find("HD Ticket") if t["is_merged"]]) == 1
    assert store.count(sb.MERGE_LOG_DOCTYPE) == 1
    assert sb.PhoneMerger(store).bulk_merge("HD Ticket").records_merged == 1  # the rest, later


SCRIPT = textwrap.dedent("""
    import threading, time
    import switchboard as sb
    store = sb.SqliteStore()
    store.insert("HD Ticket", {"subject": "a", "contact_mobile": "555 123 4567"})
    store.insert("HD Ticket", {"subject": "b", "contact_mobile": "5551234567"})
    merger = sb.PhoneMerger(store)
    inside = threading.Event()

    def holder():
        with store.transaction():
            inside.set()
            time.sleep(0.3)            # Python code that needs the GIL while main waits
            store.insert("Comment", {"content": "x"})

    t = threading.Thread(target=holder)
    t.start()
    inside.wait()
    result = merger.bulk_merge("HD Ticket", progress=lambda d, n: None)  # waits for the holder
    t.join()
    print("ok", result.records_merged)
""")


def test_merger_calls_release_the_gil():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=30, env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok 1"


# ---- consolidation: closed records, the open survivor, company and shared numbers ----------

def tickets_at(store, rows):
    """Inserts HD Tickets one minute apart (creation orders them); returns their names."""
    out = []
    for i, fields in enumerate(rows):
        store.freeze_time(1767225600 + 60 * i)
        out.append(store.insert("HD Ticket", {"subject": f"t{i}", **fields}))
    store.freeze_time(None)
    return out


def test_closed_tickets_join_their_group_and_the_oldest_open_one_survives(make_store):
    store = make_store()
    old, open_, done = tickets_at(store, [
        {"contact_mobile": "555 123 4567", "status": "Closed"},
        {"contact_mobile": "(555) 123-4567", "status": "Open"},
        {"contact_mobile": "+1 555 123 4567", "status": "Resolved"}])
    store.insert("Helpdesk Call Log", {"call_id": "c-old", "ticket": old})
    report = sb.PhoneMerger(store).bulk_merge("HD Ticket")
    assert [m.target for m in report.merges] == [open_]
    assert sorted(report.merges[0].sources) == sorted([old, done])
    assert store.get("HD Ticket", open_)["status"] == "Open"  # the survivor keeps its status
    for name in (old, done):
        doc = store.get("HD Ticket", name)
        assert (doc["is_merged"], doc["merged_with"], doc["status"]) == (1, open_, "Closed")
    assert names(store, "Helpdesk Call Log", "ticket", open_) == names(store, "Helpdesk Call Log", "call_id", "c-old")


def test_include_closed_never_closes_an_open_ticket(make_store):
    # With include_closed, the oldest (closed) ticket used to survive and the open one merged
    # into it was closed.
    store = make_store()
    closed, open_ = tickets_at(store, [{"contact_mobile": "555 222 3333", "status": "Closed"},
                                       {"contact_mobile": "5552223333", "status": "Replied"}])
    merger = sb.PhoneMerger(store, include_closed=True)
    assert merger.bulk_merge("HD Ticket").merges[0].target == open_
    assert store.get("HD Ticket", open_)["status"] == "Replied"
    assert store.get("HD Ticket", closed)["merged_with"] == open_
    # The hook on a closed ticket: it merges into the open duplicate, not the other way round.
    a, b = tickets_at(store, [{"contact_mobile": "555 444 5555", "status": "Open"},
                              {"contact_mobile": "555-444-5555", "status": "Closed"}])
    result = merger.on_phone_changed("HD Ticket", b)
    assert (result.target, result.sources) == (a, [b])
    assert store.get("HD Ticket", a)["status"] == "Open"


def test_company_numbers_never_merge(make_store):
    # An agent typed the company's own number (the site's company_numbers) into two customers'
    # tickets: the same key, two different customers.
    store = make_store()
    a, b = tickets_at(store, [{"contact_mobile": "+1 555 987 6543", "status": "Open"},
                              {"contact_mobile": "(555) 987-6543", "status": "Open"}])
    merger = sb.PhoneMerger(store)
    assert merger.bulk_merge("HD Ticket").merges == []
    assert merger.on_phone_changed("HD Ticket", b).sources == []
    assert store.count("HD Ticket", {"is_merged": 1}) == 0


def test_a_number_of_several_customers_never_merges(make_store):
    # A family phone, a front desk under the cap: tickets of different customers.
    store = make_store()
    tickets_at(store, [
        {"contact_mobile": "555 666 7777", "raised_by": "ann@example.com", "status": "Open"},
        {"contact_mobile": "555.666.7777", "raised_by": "bob@example.com", "status": "Open"},
        {"contact_mobile": "5556667777", "status": "Open"}])
    assert sb.PhoneMerger(store).bulk_merge("HD Ticket").merges == []
    assert store.count("HD Ticket", {"is_merged": 1}) == 0


def test_a_number_with_and_without_its_extension_merges(make_store):
    store = make_store()
    a, b = tickets_at(store, [{"contact_mobile": "555 888 9999 x 22", "status": "Open"},
                              {"contact_mobile": "555 888 9999", "status": "Open"}])
    assert [(m.target, m.sources) for m in sb.PhoneMerger(store).bulk_merge("HD Ticket").merges] == [(a, [b])]
