"""The app's doc events on the real site, in the order Frappe runs them: mail received the way
Frappe's email receiving stores it, phone numbers saved on tickets and leads, deals set to
Won, conversations moved, calls posted to the webhook's queue, order history synced. Each test
is rolled back; Error Log rows (MyISAM) are removed after it."""
from __future__ import annotations

import json
import os

import pytest

import erp
from conftest import ROOT
from switchboard.frappe import FrappeStore

SHOP = dict(support_aliases="support@example-shop.com", sales_aliases="sales@example-shop.com",
            info_aliases="info@example-shop.com", company_domains="example-shop.com")


@pytest.fixture
def shop(site, settings):
    """Switchboard Settings for example-shop.com and its Support and Sales Email Accounts (no
    Append To: switchboard files the mail)."""
    settings(**SHOP)
    accounts = {}
    for name in ("Support", "Sales"):
        accounts[name] = site.get_doc({
            "doctype": "Email Account", "email_account_name": name,
            "email_id": f"{name.lower()}@example-shop.com", "enable_incoming": 0,
            "enable_outgoing": 0, "awaiting_password": 0, "password": "unused",
            "no_smtp_authentication": 1}).insert()
    return accounts


def receive(site, account, raw: str):
    """What EmailAccount.receive() does with each fetched message (less the commit)."""
    from frappe.email.receive import InboundMail

    return InboundMail(raw.encode(), account).process()


def mail(*, sender="Jane Doe <jane@customer.com>", to="support@example-shop.com",
         subject="Broken zipper", message_id="m1@customer.com", in_reply_to=None, body="Hello"):
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
               f"Message-ID: <{message_id}>", "Date: Mon, 5 Jan 2026 10:00:00 +0000"]
    if in_reply_to:
        headers += [f"In-Reply-To: <{in_reply_to}>", f"References: <{in_reply_to}>"]
    return "\r\n".join(headers + ["Content-Type: text/plain; charset=utf-8", "", body, ""])


# -- email ------------------------------------------------------------------------------------
def test_received_mail_is_filed_on_a_new_ticket_and_the_reply_follows_it(site, shop):
    first = receive(site, shop["Support"], mail())
    assert first.reference_doctype == "HD Ticket"
    ticket = site.get_doc("HD Ticket", first.reference_name)
    assert (ticket.raised_by, ticket.subject, ticket.email_account) == ("jane@customer.com", "Broken zipper", "Support")
    assert ticket.contact and site.db.get_value("Contact", ticket.contact, "email_id") == "jane@customer.com"
    # Helpdesk sees the mail as the ticket's: its own hook ran (first message stamped).
    assert site.db.count("Communication", {"reference_doctype": "HD Ticket", "reference_name": ticket.name}) == 1
    # The customer replies: Frappe threads it (in_reply_to = the first Communication) and
    # switchboard agrees.
    reply = receive(site, shop["Support"], mail(subject="Re: Broken zipper", message_id="m2@customer.com",
                                                in_reply_to="m1@customer.com"))
    assert reply.in_reply_to == first.name
    assert (reply.reference_doctype, reply.reference_name) == ("HD Ticket", ticket.name)
    assert site.db.count("HD Ticket", {"raised_by": "jane@customer.com"}) == 1
    # Written to the sales address alone, which the thread never had, the conversation is
    # handed to sales: Frappe threads it onto the ticket, switchboard gives it a lead.
    handed = receive(site, shop["Sales"], mail(to="sales@example-shop.com", subject="Re: Broken zipper",
                                               message_id="m3@customer.com", in_reply_to="m2@customer.com"))
    assert handed.reference_doctype == "CRM Lead"
    assert site.db.get_value("CRM Lead", handed.reference_name, "email") == "jane@customer.com"


def test_new_senders_to_sales_become_leads_and_internal_mail_stays_unfiled(site, shop):
    sale = receive(site, shop["Sales"], mail(sender="Sam Buyer <sam@buyer.org>", to="sales@example-shop.com",
                                             subject="Bulk order", message_id="s1@buyer.org"))
    assert sale.reference_doctype == "CRM Lead"
    lead = site.get_doc("CRM Lead", sale.reference_name)
    assert (lead.email, lead.first_name, lead.status) == ("sam@buyer.org", "Sam", "New")
    internal = receive(site, shop["Support"], mail(sender="Ops <ops@example-shop.com>", message_id="i1@example-shop.com"))
    assert not internal.reference_name
    assert site.db.count("HD Ticket", {"raised_by": "ops@example-shop.com"}) == 0


def test_routing_failures_leave_the_mail_unfiled_and_the_site_as_it_was(site, shop, settings):
    # A ticket the rules make with a priority the site lacks fails Frappe's link validation:
    # the router rolls its work back and logs; the mail is stored, unfiled, as the original
    # script did.
    settings(routing_rules='{"ticket_priority": "No Such Priority"}')
    shop["Support"].db_set("create_contact", 0)  # Frappe's own contacts for mail participants
    before = {dt: site.db.count(dt) for dt in ("HD Ticket", "Contact", "CRM Lead", "Contact Email")}
    comm = receive(site, shop["Support"], mail(sender="Kim <kim@customer.com>", message_id="k1@customer.com"))
    assert not comm.reference_name and site.db.exists("Communication", comm.name)
    assert {dt: site.db.count(dt) for dt in before} == before
    errors = site.get_all("Error Log", filters={"method": "Route: Critical Error"}, pluck="error")
    assert any("No Such Priority" in e for e in errors)


# -- phones -----------------------------------------------------------------------------------
def call_log(site, call_id, ticket):
    return site.get_doc({"doctype": "Helpdesk Call Log", "call_id": call_id, "type": "Incoming",
                         "status": "Completed", "from_number": "+15550104444", "ticket": ticket}).insert().name


def test_a_ticket_that_gets_a_number_takes_over_the_call_logs_of_newer_tickets(site, settings):
    settings(region="US")
    email_ticket = site.get_doc({"doctype": "HD Ticket", "subject": "By email", "raised_by": "pat@customer.com"}).insert()
    call_ticket = site.get_doc({"doctype": "HD Ticket", "subject": "By phone",
                                "custom_contact_mobile": "+1 555 010 4444"}).insert()
    logs = [call_log(site, f"c{i}", call_ticket.name) for i in range(2)]
    # The agent adds the number to the email ticket (the older one): the call ticket's logs
    # move to it and the call ticket is closed as merged.
    email_ticket.reload()
    email_ticket.custom_contact_mobile = "(555) 010-4444"
    email_ticket.save()
    assert {site.db.get_value("Helpdesk Call Log", n, "ticket") for n in logs} == {str(email_ticket.name)}
    # ... and so do their entries in Helpdesk's call list (TP Call Log links).
    assert {r.link_name for r in site.get_all("Dynamic Link", filters={"parenttype": "TP Call Log", "parent": ["in", logs], "link_doctype": "HD Ticket"}, fields=["link_name"])} == {str(email_ticket.name)}
    merged = site.get_doc("HD Ticket", call_ticket.name)
    assert (merged.is_merged, merged.merged_with, merged.status) == (1, str(email_ticket.name), "Closed")
    assert email_ticket.custom_contact_mobile_key == "+15550104444"
    # A new ticket with the number is merged into the oldest at once.
    newer = site.get_doc({"doctype": "HD Ticket", "subject": "Again", "custom_contact_mobile": "555.010.4444"}).insert()
    log = call_log(site, "c9", newer.name)
    newer.reload()
    newer.custom_contact_number = "555-010-1234"  # another field: no merge runs again
    newer.save()
    assert site.db.get_value("HD Ticket", newer.name, "merged_with") == str(email_ticket.name)
    assert site.db.get_value("Helpdesk Call Log", log, "ticket") == str(newer.name)  # logged after the merge
    assert site.db.count("Switchboard Merge Log", {"target_name": str(email_ticket.name)}) == 2


def test_numbers_saved_in_forms_are_keyed_as_the_librarys_stores_key_them(site, settings):
    """A US site whose customers also write British and German numbers nationally: the keys a
    form save stores are the library's (its fallback regions, "00" written for "+"), so the
    lead found by a caller's number and the tickets merged by it are the same as in the
    library's own stores."""
    import switchboard as sb

    settings(region="US", fallback_regions="GB\nDE")
    lead = site.get_doc({"doctype": "CRM Lead", "first_name": "Olivia", "mobile_no": "020 7946 0312 #12",
                         "phone": "0049 30 5551234"}).insert()
    assert (lead.custom_mobile_no_key, lead.custom_mobile_no_ext) == ("+442079460312", "12")
    assert lead.custom_phone_key == "+49305551234"
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "Call me", "raised_by": "olivia@customer.com",
                           "custom_contact_mobile": "030 5551234"}).insert()
    assert ticket.custom_contact_mobile_key == "+49305551234"
    site_ = sb.SiteConfig(region="US", fallback_regions=["GB", "DE"])
    assert ticket.custom_contact_mobile_key == sb.phone_key("030 5551234", site_)


def test_a_lead_that_gets_a_number_takes_over_the_call_logs_of_newer_leads(site):
    old = site.get_doc({"doctype": "CRM Lead", "first_name": "Old", "email": "old@customer.com"}).insert()
    caller = site.get_doc({"doctype": "CRM Lead", "first_name": "Caller", "mobile_no": "+1 555 010 5555"}).insert()
    log = site.get_doc({"doctype": "CRM Call Log", "id": "crm-c1", "type": "Incoming", "status": "Completed",
                        "from": "+15550105555", "to": "+15550100999", "reference_doctype": "CRM Lead",
                        "reference_docname": caller.name,
                        "links": [{"link_doctype": "CRM Lead", "link_name": caller.name}]}).insert()
    old.reload()
    old.mobile_no = "555-010-5555"
    old.save()
    log.reload()
    assert log.reference_docname == old.name and [l.link_name for l in log.links] == [old.name]
    assert site.db.get_value("CRM Lead", caller.name, "custom_merged_into") == old.name


def test_a_junk_lead_that_gets_a_number_merges_into_the_open_lead_holding_it(site):
    # Junk is of type Lost in CRM Lead Status: the older Junk lead never absorbs an open one.
    junk = site.get_doc({"doctype": "CRM Lead", "first_name": "Spam", "email": "spam@customer.com",
                         "status": "Junk", "lost_reason": "Other", "lost_notes": "spam"}).insert()
    real = site.get_doc({"doctype": "CRM Lead", "first_name": "Real", "mobile_no": "+1 555 010 5566"}).insert()
    junk.reload()
    junk.mobile_no = "555-010-5566"
    junk.save()
    assert site.db.get_value("CRM Lead", junk.name, "custom_merged_into") == real.name
    assert not site.db.get_value("CRM Lead", real.name, "custom_merged_into")


# -- deals ------------------------------------------------------------------------------------
def test_a_deal_is_won_only_with_a_sales_order(site):
    import frappe

    deal = site.get_doc({"doctype": "CRM Deal", "status": "Qualification"}).insert()
    deal.reload()
    deal.status = "Won"
    with pytest.raises(frappe.ValidationError, match="Please add at least one Sales Order before marking the deal as Won."):
        deal.save()
    deal.reload()  # a failed save leaves the document stale, as in Frappe's form
    deal.status = "Won"
    deal.append("custom_sales_orders", {"sales_order": "SAL-ORD-2026-00001"})
    deal.save()
    assert site.db.get_value("CRM Deal", deal.name, "status") == "Won"


# -- conversations ----------------------------------------------------------------------------
def test_lead_to_ticket_keeps_mail_attachments_and_contact(site):
    from switchboard_frappe import api

    lead = site.get_doc({"doctype": "CRM Lead", "first_name": "Ann", "last_name": "Lee",
                         "email": "ann@customer.com", "mobile_no": "+1 555 010 6666"}).insert()
    comm = site.get_doc({"doctype": "Communication", "communication_type": "Communication",
                         "communication_medium": "Email", "sent_or_received": "Received",
                         "sender": "ann@customer.com", "subject": "Photos of the damage",
                         "content": "See attached", "reference_doctype": "CRM Lead",
                         "reference_name": lead.name, "message_id": "photos@customer.com"}).insert()
    file = site.get_doc({"doctype": "File", "file_name": "damage.txt", "content": b"torn seam",
                         "attached_to_doctype": "Communication", "attached_to_name": comm.name,
                         "is_private": 1}).insert()
    result = api.transfer_lead_to_ticket(lead.name)
    ticket = site.get_doc("HD Ticket", result["ticket_name"])
    assert result["transferred_count"] == 1 and not site.db.exists("CRM Lead", lead.name)
    copies = site.get_all("Communication", filters={"reference_doctype": "HD Ticket", "reference_name": ticket.name},
                          fields=["name", "subject", "message_id", "sent_or_received"])
    assert [(c.subject, c.message_id, c.sent_or_received) for c in copies] == [
        ("Photos of the damage", "photos@customer.com", "Received")]
    files = site.get_all("File", filters={"attached_to_doctype": "Communication", "attached_to_name": copies[0].name},
                         fields=["file_url", "content_hash"])
    assert [(f.file_url, f.content_hash) for f in files] == [(file.file_url, file.content_hash)]
    assert site.get_doc("File", {"file_url": file.file_url, "attached_to_name": copies[0].name}).get_content() == "torn seam"
    assert os.path.exists(site.get_site_path("private", "files", os.path.basename(file.file_url)))
    contact = site.get_doc("Contact", ticket.contact)
    assert contact.email_id == "ann@customer.com" and contact.mobile_no.replace(" ", "") == "+15550106666"
    assert ticket.custom_contact_mobile == "+1 555 010 6666"


# -- calls ------------------------------------------------------------------------------------
def test_a_queued_call_lands_on_the_ticket_the_lead_and_the_contact(site, settings):
    from switchboard_frappe import jobs

    settings(company_numbers="+15550100999")
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "Call me", "custom_contact_mobile": "+1 555 010 7777"}).insert()
    lead = site.get_doc({"doctype": "CRM Lead", "first_name": "Vic", "mobile_no": "(555) 010-7777"}).insert()
    with open(os.path.join(ROOT, "tests", "data", "telephony", "seed_curl.json")) as f:
        payload = {**json.load(f), "from_number": "+15550107777", "to_number": "+15550100999"}
    queued = site.get_doc({"doctype": "RingCentral CRM Payload", "payload": json.dumps(payload)}).insert()
    result = jobs.process_payload(queued.name)
    assert site.db.get_value("RingCentral CRM Payload", queued.name, "processing_status") == "Processed", result
    hd = site.get_doc("Helpdesk Call Log", "test-123")
    assert (hd.ticket, hd.type, hd.status, hd.duration) == (str(ticket.name), "Incoming", "Completed", 120)
    crm = site.get_doc("CRM Call Log", "test-123")
    assert (crm.reference_doctype, crm.reference_docname, crm.telephony_medium) == ("CRM Lead", lead.name, "RingCentral")
    assert crm.custom_from_key == "+15550107777" and crm.custom_result == "Call connected"
    assert {(l.link_doctype, l.link_name) for l in crm.links} >= {("CRM Lead", lead.name)}
    assert crm.creation == crm.modified  # stored with its links in one insert, never saved again
    # Helpdesk's own call list (the Telephony app's TP Call Log) shows it on the ticket.
    tp = site.get_doc("TP Call Log", "test-123")
    assert (tp.type, tp.status, tp.telephony_medium) == ("Incoming", "Completed", "RingCentral")
    assert {(l.link_doctype, l.link_name) for l in tp.links} >= {("HD Ticket", str(ticket.name))}
    # The same call again changes nothing.
    again = site.get_doc({"doctype": "RingCentral CRM Payload", "payload": json.dumps(payload)}).insert()
    jobs.process_payload(again.name)
    assert site.db.count("Helpdesk Call Log", {"call_id": "test-123"}) == 1
    assert site.db.count("CRM Call Log", {"id": "test-123"}) == 1
    assert site.db.count("TP Call Log", {"id": "test-123"}) == 1


def test_tickets_and_call_logs_carry_the_sites_local_time_not_the_servers(site, shop, settings):
    """Frappe writes datetimes in its System Settings time zone, rarely the server process's TZ;
    what the library writes itself (a ticket's opening date and time, a call's start) is in
    the same zone."""
    import datetime

    from switchboard_frappe import jobs

    zone = site.utils.get_system_timezone()
    site_now = site.utils.now_datetime()
    assert abs((site_now - datetime.datetime.now()).total_seconds()) > 3600, (
        f"the site's time zone ({zone}) must be hours away from this process's TZ for the test to mean anything")

    def near_now(value) -> bool:
        return abs((site.utils.get_datetime(value) - site_now).total_seconds()) < 120

    store = FrappeStore(site, ignore_permissions=True)
    assert store.time_zone == zone and near_now(store.now())
    first = receive(site, shop["Support"], mail())
    ticket = site.get_doc("HD Ticket", first.reference_name)
    opened = datetime.datetime.combine(site.utils.getdate(ticket.opening_date), datetime.time()) + \
        site.utils.to_timedelta(ticket.opening_time)
    assert near_now(opened), (ticket.opening_date, ticket.opening_time, site_now)

    settings(company_numbers="+15550100999")
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(os.path.join(ROOT, "tests", "data", "telephony", "seed_curl.json")) as f:
        payload = {**json.load(f), "call_id": "tz-1", "start_time": started,
                   "from_number": "+15550107777", "to_number": "+15550100999"}
    queued = site.get_doc({"doctype": "RingCentral CRM Payload", "payload": json.dumps(payload)}).insert()
    jobs.process_payload(queued.name)
    for doctype in ("Helpdesk Call Log", "CRM Call Log"):
        start = site.db.get_value(doctype, "tz-1", "start_time")
        assert near_now(start), (doctype, start, started, site_now)


def test_a_call_logs_mirror_is_saved_only_when_the_call_log_changed(site):
    from switchboard_frappe import telephony

    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "Mirror me"}).insert()
    log = site.get_doc({"doctype": "Helpdesk Call Log", "call_id": "mirror-1", "type": "Incoming",
                        "status": "Ringing", "from_number": "+15550104444", "ticket": ticket.name,
                        "start_time": "2026-01-06 10:30:00", "duration": 0}).insert()
    tp = site.get_doc("TP Call Log", log.name)  # written by the log's after_insert
    assert (tp.status, tp.get("from"), tp.start_time.isoformat(" ")) == ("Ringing", "+15550104444", "2026-01-06 10:30:00")
    assert {(l.link_doctype, l.link_name) for l in tp.links} == {("HD Ticket", str(ticket.name))}
    # The webhook's reply mirrors the same log again: nothing to write.
    assert telephony.mirror(log.name) == tp.name
    assert site.db.get_value("TP Call Log", tp.name, "modified") == tp.modified
    # A later event of the call changes the log: the mirror follows.
    site.db.set_value("Helpdesk Call Log", log.name, {"status": "Completed", "duration": 60,
                                                      "end_time": "2026-01-06 10:31:00"})
    telephony.mirror(log.name)
    tp.reload()
    assert (tp.status, tp.duration, tp.end_time.isoformat(" ")) == ("Completed", 60, "2026-01-06 10:31:00")
    assert tp.modified > tp.creation


# -- orders -----------------------------------------------------------------------------------
def test_order_history_sync_replaces_rows_with_production_status(site):
    from switchboard_frappe import api

    erp.customer(site, "Jane Doe")
    so = erp.sales_order(site, "Jane Doe", [("CUSHION-A", 2, 40.0), ("CUSHION-B", 1, 55.0)])
    erp.work_order(site, so, 0, "DONE", ingredients="Ready", qa="Passed", ops="Shipped")
    erp.work_order(site, so, 1, "BLOCKED FACTORY")
    cancelled = erp.sales_order(site, "Jane Doe", [("CUSHION-C", 1, 10.0)])
    cancelled.cancel()
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "Where is my order"}).insert()
    for _ in range(2):  # a second sync replaces the rows instead of appending
        result = api.sync_order_history("HD Ticket", ticket.name, "  jane DOE ")
    assert result["success"] and result["items"] == 2 and result["orders"] == 1
    rows = site.get_all("Order History", filters={"parent": ticket.name, "parentfield": "custom_order_history"},
                        fields=["sales_order", "item_code", "qty", "pro_status", "custom_ingredients_status",
                                "qa_status", "ops_status", "aggregate_production_status"], order_by="idx")
    assert [(r.sales_order, r.item_code, r.qty, r.pro_status, r.ops_status, r.aggregate_production_status)
            for r in rows] == [(so.name, "CUSHION-A", 2.0, "DONE", "Shipped", "BLOCKED FACTORY"),
                               (so.name, "CUSHION-B", 1.0, "BLOCKED FACTORY", "N/A", "BLOCKED FACTORY")]
    assert site.get_doc("HD Ticket", ticket.name).custom_order_history[0].custom_ingredients_status == "Ready"


# -- failures ---------------------------------------------------------------------------------
TOUCHED = ("HD Ticket", "CRM Lead", "Contact", "Contact Email", "Contact Phone", "Communication",
           "Communication Link", "File", "Comment", "Dynamic Link", "Helpdesk Call Log", "CRM Call Log",
           "Order History", "Switchboard Merge Log", "RingCentral CRM Payload")


def state(site):
    return {dt: site.get_all(dt, fields=["*"], order_by="name") for dt in TOUCHED}


def test_a_failure_at_any_write_leaves_the_site_as_it_was(site, shop):
    """Each multi-write operation through a store that fails its k-th write: nothing of it
    stays (Error Log aside)."""
    import switchboard as sb

    lead = site.get_doc({"doctype": "CRM Lead", "first_name": "Fay", "email": "fay@customer.com",
                         "mobile_no": "+1 555 010 8888"}).insert()
    site.get_doc({"doctype": "Communication", "communication_type": "Communication",
                  "communication_medium": "Email", "sent_or_received": "Received", "subject": "Hi",
                  "sender": "fay@customer.com", "reference_doctype": "CRM Lead",
                  "reference_name": lead.name, "message_id": "fay1@customer.com"}).insert()
    email = sb.InboundEmail(message_id="new@customer.com", sender="new@customer.com",
                            sender_full_name="New Customer", to="support@example-shop.com",
                            subject="Help", email_account="Support", content="Hi")
    with open(os.path.join(ROOT, "tests", "data", "telephony", "seed_curl.json"), "rb") as f:
        call = sb.parse_call_event(f.read())
    operations = {
        "transfer": lambda s: sb.transfer_lead_to_ticket(s, lead.name),
        "route": lambda s: sb.Router(s, sb.RoutingRules(support_aliases=["support@example-shop.com"],
                                                        error_log="none")).route(email),
        "ingest": lambda s: sb.CallLogger(s, create_tickets=True).ingest(call),
    }
    for label, operation in operations.items():
        counting = sb.FaultyStore(FrappeStore())
        site.db.savepoint("count_writes")
        operation(counting)
        site.db.rollback(save_point="count_writes")
        assert counting.writes >= 2, label
        for k in range(1, counting.writes + 1):
            before = state(site)
            faulty = sb.FaultyStore(FrappeStore(), fail_write=k)
            try:
                result = operation(faulty)
            except sb.StoreError as e:
                assert e.code == "injected_fault"
            else:  # the router reports instead of raising
                assert result.action == "skip" and result.reason == "error", (label, k)
            assert state(site) == before, f"{label}: a fault at write {k} left changes behind"


def test_a_failing_hook_leaves_the_save_and_nothing_else(site, shop, monkeypatch):
    """A merge or a routing that fails half-way (here: the store fails its second write) is
    rolled back whole; the user's save and the received mail go on."""
    import switchboard as sb
    from switchboard_frappe import handlers

    older = site.get_doc({"doctype": "HD Ticket", "subject": "older"}).insert()
    newer = site.get_doc({"doctype": "HD Ticket", "subject": "newer", "custom_contact_mobile": "+1 555 010 3131"}).insert()
    log = call_log(site, "f1", newer.name)
    before = state(site)
    monkeypatch.setattr(handlers, "system_store",
                        lambda: sb.FaultyStore(FrappeStore(ignore_permissions=True), fail_write=2))
    older.reload()
    older.custom_contact_mobile = "555 010 3131"
    older.save()  # the save itself succeeds
    assert site.db.get_value("HD Ticket", older.name, "custom_contact_mobile") == "555 010 3131"
    assert site.db.get_value("Helpdesk Call Log", log, "ticket") == str(newer.name)
    assert not site.db.get_value("HD Ticket", newer.name, "is_merged")
    assert site.db.count("Switchboard Merge Log", {"target_name": str(older.name)}) == 0
    assert site.db.exists("Error Log", {"method": ["like", "switchboard: merge by phone failed%"]})
    after = state(site)
    changed = {dt for dt in TOUCHED if after[dt] != before[dt]}
    assert changed == {"HD Ticket"}  # only the agent's own edit (and its keys)
    mail_ = receive(site, shop["Support"], mail(sender="Lou <lou@customer.com>", message_id="lou1@customer.com"))
    assert not mail_.reference_name and site.db.count("HD Ticket", {"raised_by": "lou@customer.com"}) == 0
