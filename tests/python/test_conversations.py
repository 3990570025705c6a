"""Communications and lead <-> ticket transfers through the Python API, on every backend."""
import subprocess
import sys
import textwrap

import pytest

import switchboard as sb
from site_fixture import site, with_site

FROZEN = 1767225600  # 2026-01-01


def thread(store, doctype, record, n, attach_every=2, customer="jane@example.com"):
    """n emails on a record, replying to each other; every attach_every-th has two files."""
    names = []
    for i in range(n):
        received = i % 2 == 0
        created = f"2025-12-01 10:00:00.{i:06d}"
        doc = {
            "subject": "Order status" if i == 0 else f"Re: Order status {i}",
            "content": f"<p>mail {i}</p>", "text_content": f"mail {i}",
            "sender": f"Jane Doe <{customer}>" if received else "Sales <sales@zipcushions.com>",
            "sender_full_name": "Jane Doe" if received else "Sales",
            "recipients": "sales@zipcushions.com" if received else customer,
            "cc": "boss@zipcushions.com", "bcc": "archive@zipcushions.com",
            "message_id": f"msg-{i}@mail.example.com", "email_account": "Sales",
            "communication_medium": "Email", "sent_or_received": "Received" if received else "Sent",
            "communication_date": created, "creation": created,
            "reference_doctype": doctype, "reference_name": record, "status": "Open",
            "custom_channel": "web",
        }
        if names:
            doc["in_reply_to"] = names[-1]
        name = store.insert("Communication", doc)
        names.append(name)
        if attach_every and i % attach_every == 0:
            for f in range(2):
                store.insert("File", {"file_name": f"scan-{i}-{f}.pdf",
                                      "file_url": f"/private/files/scan-{i}-{f}.pdf",
                                      "content_hash": f"h{i}{f}", "attached_to_doctype": "Communication",
                                      "attached_to_name": name})
    return names


def lead_with_thread(store, n, attach_every=2):
    lead = store.insert("CRM Lead", {"first_name": "Jane", "last_name": "Doe",
                                     "email": "Jane@Example.com", "mobile_no": "(555) 123-4567"})
    return lead, thread(store, "CRM Lead", lead, n, attach_every)


def ticket_with_thread(store, n, attach_every=2):
    contact = store.insert("Contact", {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe",
                                       "email_id": "jane@example.com",
                                       "email_ids": [{"email_id": "jane@example.com", "is_primary": 1}]})
    ticket = store.insert("HD Ticket", {"subject": "Cushion covers faded", "raised_by": "jane@example.com",
                                        "contact": contact, "contact_number": "+1 555 123 4567"})
    return ticket, thread(store, "HD Ticket", ticket, n, attach_every)


def owner_of(store, message_id):
    rows = store.find("Communication", {"message_id": message_id}, fields=["name"],
                      order_by="creation desc, name desc", limit=1)
    return rows[0]["name"] if rows else None


def snapshot(store):
    return {d: store.find(d, order_by="name") for d in store.doctypes()}


def test_list_communications(make_store):
    s = make_store()
    lead, comms = lead_with_thread(s, 3, 0)
    s.insert("Communication", {"subject": "call", "communication_medium": "Phone",
                               "reference_doctype": "CRM Lead", "reference_name": lead})
    listed = sb.list_communications(s, "CRM Lead", lead)
    assert [c["name"] for c in listed] == comms
    assert {"name", "subject", "sender", "recipients", "creation", "content",
            "text_content"} <= set(listed[0])
    assert listed[0]["content"] == "<p>mail 0</p>"
    assert sb.list_communications(s, "CRM Lead", "nope") == []


def test_copy_communication_keeps_everything(make_store):
    s = make_store()
    s.freeze_time(FROZEN)
    lead, comms = lead_with_thread(s, 1, 1)
    s.update("Communication", comms[0], {"creation": s.now()}, update_modified=False)
    target = s.insert("CRM Lead", {"first_name": "Other"})
    copy = sb.copy_communication(s, comms[0], "CRM Lead", target)
    a, b = s.get("Communication", comms[0]), s.get("Communication", copy)
    skip = {"name", "creation", "modified", "reference_name", "status", "reference_owner"}
    assert {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}
    assert b["custom_channel"] == "web" and b["sent_or_received"] == "Received"
    assert b["status"] == "Linked" and b["reference_name"] == target
    assert b["creation"] > a["creation"]
    files = s.find("File", {"attached_to_name": copy}, order_by="file_name")
    assert [f["file_url"] for f in files] == ["/private/files/scan-0-0.pdf", "/private/files/scan-0-1.pdf"]
    assert owner_of(s, "msg-0@mail.example.com") == copy
    with pytest.raises(sb.NotFound):
        sb.copy_communication(s, "nope", "CRM Lead", target)


def test_transfer_lead_to_ticket(make_store):
    s = make_store()
    s.freeze_time(FROZEN)
    lead, comms = lead_with_thread(s, 4)
    r = sb.transfer_lead_to_ticket(s, lead)
    assert isinstance(r, dict)
    assert r["success"] is True and r["transferred_count"] == 4 and r["source_deleted"] is True
    ticket = s.get("HD Ticket", r["ticket_name"])
    assert ticket["subject"] == "Re: Order status 3"
    assert ticket["raised_by"] == "jane@example.com"
    assert ticket["contact"] == r["contact"] == "Jane Doe"
    assert ticket["contact_number"] == "(555) 123-4567"
    assert s.get("CRM Lead", lead) is None
    copies = s.find("Communication", {"reference_doctype": "HD Ticket", "reference_name": r["ticket_name"]},
                    order_by="creation")
    assert [c["message_id"] for c in copies] == [f"msg-{i}@mail.example.com" for i in range(4)]
    assert list(r["copies"]) == comms and list(r["copies"].values()) == [c["name"] for c in copies]
    assert [c["in_reply_to"] for c in copies[1:]] == [c["name"] for c in copies[:-1]]
    assert s.count("Communication") == 4 and s.count("File") == 4
    assert all(owner_of(s, c["message_id"]) == c["name"] for c in copies)
    notes = s.find("Comment", {"reference_doctype": "HD Ticket", "reference_name": r["ticket_name"]})
    assert len(notes) == 1 and notes[0]["comment_type"] == "Comment" and lead in notes[0]["content"]


def test_transfer_selected_and_keep_source(make_store):
    s = make_store()
    s.freeze_time(FROZEN)
    lead, comms = lead_with_thread(s, 4, 1)
    r = sb.transfer_lead_to_ticket(s, lead, communication_ids=[comms[2], comms[0]], delete_source=False)
    assert r["transferred_count"] == 2 and r["source_deleted"] is False
    assert s.get("HD Ticket", r["ticket_name"])["subject"] == "Re: Order status 2"
    assert len(sb.list_communications(s, "CRM Lead", lead)) == 4
    assert owner_of(s, "msg-0@mail.example.com") == r["copies"][comms[0]]
    assert owner_of(s, "msg-1@mail.example.com") == comms[1]
    assert len(s.find("Comment", {"reference_name": lead})) == 1


def test_transfer_ticket_to_lead(make_store):
    s = make_store()
    ticket, comms = ticket_with_thread(s, 3)
    r = sb.transfer_ticket_to_lead(s, ticket)
    assert set(r) >= {"success", "lead_name", "transferred_count"}
    assert r["success"] and r["transferred_count"] == 3
    lead = s.get("CRM Lead", r["lead_name"])
    assert (lead["first_name"], lead["last_name"]) == ("Jane", "Doe")
    assert lead["email"] == "jane@example.com" and lead["mobile_no"] == "+1 555 123 4567"
    assert lead["status"] == "New" and lead["source"] == "Support Transfer"
    assert s.get("HD Ticket", ticket) is None
    assert len(sb.list_communications(s, "CRM Lead", r["lead_name"])) == 3


def test_transfer_errors_write_nothing(make_store):
    s = make_store()
    lead, comms = lead_with_thread(s, 2)
    ticket, other = ticket_with_thread(s, 1)
    before = snapshot(s)
    with pytest.raises(sb.NotFound):
        sb.transfer_lead_to_ticket(s, "CRM-LEAD-NOPE")
    with pytest.raises(sb.NotFound):
        sb.transfer_lead_to_ticket(s, lead, communication_ids=["nope"])
    with pytest.raises(sb.ValidationError):
        sb.transfer_lead_to_ticket(s, lead, communication_ids=[comms[0], other[0]])
    assert snapshot(s) == before


@pytest.mark.parametrize("direction", ["lead", "ticket"])
@pytest.mark.parametrize("inner", ["memory", "python"])
def test_transfer_fault_at_every_write(direction, inner):
    from dict_store import DictStore
    base = with_site(sb.MemoryStore() if inner == "memory" else DictStore())
    base.freeze_time(FROZEN)
    record, comms = (lead_with_thread if direction == "lead" else ticket_with_thread)(base, 3)
    fn = sb.transfer_lead_to_ticket if direction == "lead" else sb.transfer_ticket_to_lead
    faulty = sb.FaultyStore(base)
    with pytest.raises(RuntimeError):
        with faulty.transaction():
            fn(faulty, record)
            total = faulty.writes
            raise RuntimeError("undo")
    assert total > 10
    before = snapshot(base)
    for k in range(1, total + 1):
        faulty.arm(fail_write=k)
        with pytest.raises(sb.StoreError):
            fn(faulty, record)
        assert snapshot(base) == before, k
    faulty.arm()
    assert fn(faulty, record)["transferred_count"] == 3


@pytest.mark.parametrize("name,first,last", [
    ("John Doe", "John", "Doe"), ("Doe, John", "John", "Doe"), ("John Michael Doe", "John Michael", "Doe"),
    ("Madonna", "Madonna", ""), ("", "", ""), ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
    ("  Mr.  John   Doe Jr. ", "John", "Doe Jr."),
])
def test_split_name(name, first, last):
    assert sb.split_name(name) == (first, last)


def test_extract_customer_email():
    internal = site().all_internal_domains()
    assert sb.extract_customer_email(["sales@zipcushions.com", "Jane <JANE@x.org>"], internal) == "jane@x.org"
    assert sb.extract_customer_email(["a@corp.io"], internal_domains=["corp.io"]) == ""
    # No library default: without domains, every address is a customer's.
    assert sb.extract_customer_email(["sales@zipcushions.com"]) == "sales@zipcushions.com"
    assert not hasattr(sb, "DEFAULT_INTERNAL_DOMAINS")


def test_internal_domains_and_region_are_options():
    s = sb.MemoryStore()  # a site of its own: region US, no domains
    kai = s.insert("Contact", {"full_name": "Kai", "phone_nos": [{"phone": "+44 20 7946 0958"}]})
    lead = s.insert("CRM Lead", {"first_name": "Kai", "email": "kai@partner.io", "mobile_no": "020 7946 0958"})
    thread(s, "CRM Lead", lead, 2, 0, customer="kai.private@mail.com")
    r = sb.transfer_lead_to_ticket(s, lead, internal_domains=["partner.io", "zipcushions.com"], region="GB")
    assert r["customer_email"] == "kai.private@mail.com"
    # Read in GB, the national number finds the Contact stored with the international one.
    assert r["contact"] == kai
    # Read as the US site reads it, it is no number: a new Contact, without a phone row.
    lead2 = s.insert("CRM Lead", {"first_name": "Kim", "email": "kim@x.org", "mobile_no": "020 7946 0958"})
    r2 = sb.transfer_lead_to_ticket(s, lead2)
    assert r2["contact"] != kai and s.find("Contact Phone", {"parent": r2["contact"]}) == []


def test_the_store_site_gives_internal_domains_and_region():
    s = with_site(sb.MemoryStore(), region="GB")
    lead = s.insert("CRM Lead", {"first_name": "Kai", "email": "kai@zipcushions.com", "mobile_no": "020 7946 0958"})
    thread(s, "CRM Lead", lead, 2, 0, customer="kai.private@mail.com")
    r = sb.transfer_lead_to_ticket(s, lead)  # no options: the site's domains and region
    assert r["customer_email"] == "kai.private@mail.com"
    phones = s.find("Contact Phone", {"parent": r["contact"]}, fields=["custom_phone_key"])
    assert phones == [{"custom_phone_key": "+442079460958"}]


# Runs `call` while another thread holds a store transaction and needs the GIL to finish it:
# the call returns only if the binding released the GIL before waiting on the store. In a
# subprocess with a timeout, so a binding that holds the GIL fails instead of hanging.
GIL_SCRIPT = textwrap.dedent("""
    import sys, threading, time
    import switchboard as sb
    sys.path.insert(0, {tests!r})
    from dict_store import DictStore
    store = {factory}
    {setup}
    inside = threading.Event()

    def holder():
        with store.transaction():
            store.insert("CRM Lead", {{"first_name": "held"}})
            inside.set()
            time.sleep(0.3)            # Python code that needs the GIL while main waits
    t = threading.Thread(target=holder)
    t.start()
    inside.wait()
    result = {call}                    # blocks on the store mutex until holder commits
    t.join()
    print("ok", result)
""")


def assert_releases_gil(factory, setup, call):
    import os
    code = GIL_SCRIPT.format(tests=os.path.dirname(__file__), factory=factory, setup=setup, call=call)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


GIL_SETUP = ("from test_conversations import lead_with_thread; lead, comms = lead_with_thread(store, 2); "
             "ticket = store.insert('HD Ticket', {'subject': 'x'})")
GIL_CALLS = {
    "list_communications": "len(sb.list_communications(store, 'CRM Lead', lead))",
    "copy_communication": "sb.copy_communication(store, comms[0], 'HD Ticket', ticket)",
    "transfer_lead_to_ticket": "sb.transfer_lead_to_ticket(store, lead)['success']",
    "transfer_ticket_to_lead": "sb.transfer_ticket_to_lead(store, ticket)['success']",
}


@pytest.mark.parametrize("factory", ["sb.SqliteStore()", "DictStore()"])
@pytest.mark.parametrize("call", sorted(GIL_CALLS))
def test_conversation_calls_release_the_gil(call, factory):
    assert_releases_gil(factory, GIL_SETUP, GIL_CALLS[call])
