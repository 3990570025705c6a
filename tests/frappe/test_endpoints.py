"""Every endpoint through Frappe's request handling, as a System Manager, a Helpdesk agent, a
website user (a customer of the portal) and a guest: who may do what, and what it did."""
from __future__ import annotations

import json
import os

import pytest

import erp
from conftest import ROOT
from switchboard.frappe import FrappeStore
from web import GUEST, World, call, request

pytestmark = pytest.mark.commits
DATA = os.path.join(ROOT, "tests", "data", "telephony")
WEBHOOK = "/api/method/switchboard_frappe.api.webhook"


@pytest.fixture(scope="module")
def world(site):
    frappe = site
    frappe.db.rollback()
    w = World(frappe)
    w.user("sysadmin", ["System Manager"])
    w.user("manager", ["System Manager", "Agent Manager", "Sales Manager"])
    w.user("agent", ["Agent"])
    w.user("customer", [], user_type="Website User")
    store = FrappeStore(ignore_permissions=True)
    w.ticket = store.insert("HD Ticket", {"subject": "[sbtest] patio cushions",
                                          "raised_by": "jane@example.com",
                                          "contact_mobile": "(555) 010-2000"})
    w.lead = store.insert("CRM Lead", {"first_name": "Lee", "last_name": "Sales",
                                       "email": "lee@example.com", "mobile_no": "+1 555 010 3000"})
    w.lead_mail = store.insert("Communication", {
        "subject": "Quote please", "communication_medium": "Email", "sent_or_received": "Received",
        "sender": "lee@example.com", "content": "Hello", "reference_doctype": "CRM Lead",
        "reference_name": w.lead, "message_id": "quote-1@example.com"})
    erp.customer(frappe, "Jane Doe")
    so = erp.sales_order(frappe, "Jane Doe", [("CUSHION-A", 2, 40.0)])
    erp.work_order(frappe, so, 0, "WIP")
    settings = frappe.get_single("Switchboard Settings")
    w.saved = {k: settings.get(k) for k in ("accept_unauthenticated_webhooks", "company_numbers")}
    w.saved_secrets = {k: settings.get_password(k, raise_exception=False) for k in ("webhook_token", "relay_secret")}
    settings.update({"webhook_token": "rc-token", "relay_secret": "", "company_numbers": "+15550100999",
                     "accept_unauthenticated_webhooks": 0})
    settings.save()
    frappe.db.commit()
    yield w
    frappe.db.rollback()
    settings = frappe.get_single("Switchboard Settings")
    settings.update({**w.saved, **{k: v or "" for k, v in w.saved_secrets.items()}})
    settings.save()
    frappe.db.commit()
    w.cleanup()


def calls(w):
    """Each endpoint but the webhook, with arguments that work for a permitted user."""
    return {
        "sync_order_history": dict(doctype="HD Ticket", name=w.ticket, customer_name="Jane Doe"),
        "transfer_ticket_to_lead": dict(ticket=w.ticket, communication_ids="[]", delete_source=0),
        "transfer_lead_to_ticket": dict(lead=w.lead, communication_ids="[]", delete_source=0),
        "merge_call_logs": dict(doctype="HD Ticket", name=w.ticket),
        "find_duplicates": dict(doctype="HD Ticket", phone="555 010 2000"),
        "bulk_merge": dict(doctype="HD Ticket", dry_run=1),
        "click_to_call": dict(phone_number="(555) 010-2000"),
        "log_outgoing_call": dict(phone_number="(555) 010-2000", ticket=w.ticket),
        "rekey_phone_keys": dict(now=0),
    }


# What each kind of user gets: 200, or 403 (refused before the library ran).
EXPECTED = {
    # Helpdesk's own rule: only agents (and Administrator) may see tickets, whatever else
    # the user may do.
    "sysadmin": {"sync_order_history": 403, "transfer_ticket_to_lead": 403,
                 "transfer_lead_to_ticket": 200, "merge_call_logs": 403, "find_duplicates": 200,
                 "bulk_merge": 200, "click_to_call": 200, "log_outgoing_call": 403,
                 "rekey_phone_keys": 200},
    "manager": {m: 200 for m in ("sync_order_history", "transfer_ticket_to_lead",
                                 "transfer_lead_to_ticket", "merge_call_logs", "find_duplicates",
                                 "bulk_merge", "click_to_call", "log_outgoing_call",
                                 "rekey_phone_keys")},
    # A Helpdesk agent works on tickets; CRM Leads and bulk merges are not theirs.
    "agent": {"sync_order_history": 200, "transfer_ticket_to_lead": 403,
              "transfer_lead_to_ticket": 403, "merge_call_logs": 200, "find_duplicates": 200,
              "bulk_merge": 403, "click_to_call": 200, "log_outgoing_call": 200,
              "rekey_phone_keys": 403},
    # A portal customer may not see other people's tickets, nor any desk tool.
    "customer": {m: 403 for m in ("sync_order_history", "transfer_ticket_to_lead",
                                  "transfer_lead_to_ticket", "merge_call_logs", "find_duplicates",
                                  "bulk_merge", "click_to_call", "log_outgoing_call",
                                  "rekey_phone_keys")},
}


@pytest.mark.parametrize("who", ["sysadmin", "manager", "agent", "customer"])
def test_permission_matrix(world, who):
    user = world.users[who]
    replies = {m: call(user, m, **args) for m, args in calls(world).items()}
    got = {m: r.status for m, r in replies.items()}
    assert got == EXPECTED[who], {m: r.body[:300] for m, r in replies.items() if r.status != EXPECTED[who][m]}


def test_guests_are_refused_everywhere_but_the_webhook(world):
    for method, args in calls(world).items():
        reply = call(GUEST, method, **args)
        assert reply.status == 403, (method, reply.status, reply.body[:200])


def test_what_a_permitted_call_did(world, site):
    manager, agent = world.users["manager"], world.users["agent"]
    reply = call(agent, "sync_order_history", doctype="HD Ticket", name=world.ticket,
                 customer_name="jane doe")
    assert reply.status == 200 and reply.message["success"] and reply.message["items"] == 1
    rows = site.get_all("Order History", filters={"parent": world.ticket}, fields=["item_code", "ops_status", "aggregate_production_status"])
    assert [(r.item_code, r.aggregate_production_status) for r in rows] == [("CUSHION-A", "WIP")]
    reply = call(manager, "transfer_lead_to_ticket", lead=world.lead,
                 communication_ids=json.dumps([world.lead_mail]), delete_source=0)
    assert reply.status == 200 and reply.message["transferred_count"] == 1
    new_ticket = reply.message["ticket_name"]
    assert site.db.get_value("HD Ticket", new_ticket, "raised_by") == "lee@example.com"
    assert site.get_all("Communication", filters={"reference_doctype": "HD Ticket",
                                                  "reference_name": new_ticket}, pluck="subject") == ["Quote please"]
    reply = call(agent, "log_outgoing_call", phone_number="(555) 010-2000", ticket=world.ticket)
    log = site.get_doc("Helpdesk Call Log", reply.message["call_log"])
    assert (log.type, log.status, log.ticket, log.from_number) == ("Outgoing", "Initiated", world.ticket, "+15550100999")
    assert log.owner == agent.email  # written as the agent, with the agent's permissions
    links = call(agent, "click_to_call", http="GET", phone_number="(555) 010-2000").message
    assert links["tel"] == "tel:+15550102000"
    # A website user's own ticket: writable by them, but Sales Orders are not theirs to read.
    customer = world.users["customer"]
    own = FrappeStore(ignore_permissions=True).insert("HD Ticket", {"subject": "[sbtest] mine",
                                                                    "raised_by": customer.email})
    site.db.commit()
    assert call(customer, "sync_order_history", doctype="HD Ticket", name=own,
                customer_name="Jane Doe").status == 403


def test_errors_are_http_statuses(world):
    manager = world.users["manager"]
    assert call(manager, "sync_order_history", doctype="HD Ticket", name="no-such-ticket",
                customer_name="x").status == 404
    assert call(manager, "sync_order_history", doctype="ToDo", name="x", customer_name="x").status == 417
    assert call(manager, "click_to_call", phone_number="not a number").status == 417
    assert call(manager, "sync_order_history", http="GET", doctype="HD Ticket", name=world.ticket,
                customer_name="Jane Doe").status in (403, 405)  # POST only


def seed_payload(**changes) -> bytes:
    """The original system's curl example, from the world's ticket's number by default."""
    with open(os.path.join(DATA, "seed_curl.json")) as f:
        payload = json.load(f)
    payload.update({"from_number": "+1 555 010 2000", **changes})
    return json.dumps(payload).encode()


def test_webhook_refuses_without_a_configured_token(world, site):
    settings = site.get_single("Switchboard Settings")
    settings.webhook_token = ""
    settings.save()
    site.db.commit()
    try:
        before = site.db.count("Error Log", {"method": "switchboard: webhook refused"})
        reply = request("POST", WEBHOOK, body=seed_payload(), headers={"Content-Type": "application/json"})
        assert reply.status == 503 and reply.json == {"success": False, "message": "webhook not configured"}
        assert site.db.count("Error Log", {"method": "switchboard: webhook refused"}) == before + 1
        assert site.db.count("Helpdesk Call Log", {"call_id": "test-123"}) == 0
        settings = site.get_single("Switchboard Settings")
        settings.accept_unauthenticated_webhooks = 1
        settings.save()
        site.db.commit()
        reply = request("POST", WEBHOOK, body=seed_payload(), headers={"Content-Type": "application/json"})
        assert reply.status == 200 and reply.json["success"]
    finally:
        site.db.rollback()
        settings = site.get_single("Switchboard Settings")
        settings.update({"webhook_token": "rc-token", "accept_unauthenticated_webhooks": 0})
        settings.save()
        site.db.delete("Helpdesk Call Log", {"call_id": "test-123"})
        site.db.delete("CRM Call Log", {"id": "test-123"})
        site.db.delete("TP Call Log", {"id": "test-123"})
        site.db.delete("RingCentral CRM Payload", {})
        site.db.commit()


def test_webhook_checks_its_token_and_logs_the_call_once(world, site):
    body = seed_payload()
    json_headers = {"Content-Type": "application/json"}
    assert request("POST", WEBHOOK, body=body, headers=json_headers).status == 401
    assert request("POST", WEBHOOK, body=body, headers={**json_headers, "Verification-Token": "nope"}).status == 401
    assert site.db.count("Helpdesk Call Log", {"call_id": "test-123"}) == 0
    assert site.db.count("RingCentral CRM Payload") == 0
    # RingCentral's subscription handshake: the header echoed, nothing stored.
    reply = request("POST", WEBHOOK, body=b"", headers={"Validation-Token": "handshake-1"})
    assert reply.status == 200 and reply.headers.get("Validation-Token") == "handshake-1"
    ok = {**json_headers, "Verification-Token": "rc-token"}
    reply = request("POST", WEBHOOK, body=body, headers=ok)
    assert reply.status == 200 and reply.json["success"], reply.body
    assert request("POST", WEBHOOK, world.users["agent"], body=body, headers=ok).status == 200
    logs = site.get_all("Helpdesk Call Log", filters={"call_id": "test-123"}, fields=["name", "ticket", "owner"])
    assert len(logs) == 1 and logs[0].ticket == world.ticket
    assert request("GET", WEBHOOK, body=b"", headers=ok).status in (403, 405)


def test_rekey_now_brings_the_stored_phone_keys_up_to_date(world, site):
    site.db.set_value("HD Ticket", world.ticket, {"custom_contact_mobile_key": None,
                                                  "custom_phone_key_version": 0}, update_modified=False)
    site.db.set_single_value("Switchboard Settings", "phone_keys_signature", "v1 US", update_modified=False)
    site.db.commit()
    reply = call(world.users["sysadmin"], "rekey_phone_keys", now=1)
    assert reply.status == 200 and reply.message["queued"] is False, reply.body[:300]
    assert reply.message["doctypes"]["HD Ticket"]["updated"] >= 1
    site.db.rollback()  # read what the request committed
    assert site.db.get_value("HD Ticket", world.ticket, "custom_contact_mobile_key") == "+15550102000"
    assert site.db.get_single_value("Switchboard Settings", "phone_keys_signature").startswith("v")
    from switchboard_frappe import phones
    assert phones.keys_are_current()
