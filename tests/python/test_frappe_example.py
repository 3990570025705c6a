"""examples/frappe: the hooks and endpoints of the Frappe example app, run against the stand-in
`frappe` module (fake_frappe.py), so the example in the repository is code that works."""
import importlib
import json
import os
import sys
import types

import pytest

import switchboard as sb
from conftest import ROOT
from fake_frappe import FakeFrappe
from site_fixture import site

DATA = os.path.join(ROOT, "tests", "data", "telephony")


class FrappeError(Exception):
    pass


class Doc:
    """Just enough of frappe.model.document.Document for the handlers."""

    def __init__(self, values: dict, changed=()):
        self.__dict__.update(values)
        self._changed = set(changed)

    def has_value_changed(self, field):
        return field in self._changed

    def as_dict(self):
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}


class Response:
    def __init__(self, body, status, headers):
        self.body, self.status, self.headers = body, status, headers


@pytest.fixture
def app(monkeypatch):
    """(fake frappe module, its store, the example's handlers and api modules)."""
    fake = FakeFrappe()
    fake.db.store.save_site(site())  # the site's Switchboard Settings, edited in the desk
    module = types.ModuleType("frappe")
    for attr in ("get_all", "get_doc", "get_meta", "delete_doc", "db", "DoesNotExistError"):
        setattr(module, attr, getattr(fake, attr))
    module.calls = fake.calls
    module.conf = {"switchboard_relay_secret": "s3cret"}
    module.enqueued = []
    module.whitelist = lambda **kw: (lambda f: f)
    module.parse_json = json.loads
    # frappe.enqueue's own options are not passed on to the job.
    module.enqueue = lambda method, queue="default", enqueue_after_commit=False, **kw: \
        module.enqueued.append((method, kw))

    def throw(message):
        raise FrappeError(message)

    module.throw = throw
    werkzeug = types.ModuleType("werkzeug")
    werkzeug.wrappers = types.ModuleType("werkzeug.wrappers")
    werkzeug.wrappers.Response = Response
    monkeypatch.setitem(sys.modules, "frappe", module)
    monkeypatch.setitem(sys.modules, "werkzeug", werkzeug)
    monkeypatch.setitem(sys.modules, "werkzeug.wrappers", werkzeug.wrappers)
    monkeypatch.syspath_prepend(os.path.join(ROOT, "examples", "frappe"))
    for name in ("switchboard_app", "switchboard_app.handlers", "switchboard_app.api", "switchboard_app.hooks"):
        sys.modules.pop(name, None)
    handlers = importlib.import_module("switchboard_app.handlers")
    api = importlib.import_module("switchboard_app.api")
    yield module, fake.db.store, handlers, api
    for name in ("switchboard_app", "switchboard_app.handlers", "switchboard_app.api", "switchboard_app.hooks"):
        sys.modules.pop(name, None)


def test_hooks_name_functions_that_exist(app):
    hooks = importlib.import_module("switchboard_app.hooks")
    for doctype, events in hooks.doc_events.items():
        for path in events.values():
            module, _, func = path.rpartition(".")
            assert callable(getattr(importlib.import_module(module), func)), (doctype, path)


def test_lead_hook_moves_the_call_logs_to_the_lead_that_got_the_number(app):
    _, store, handlers, _ = app
    old = store.insert("CRM Lead", {"first_name": "Jane"})
    new = store.insert("CRM Lead", {"first_name": "Caller", "mobile_no": "+1 (555) 123-4567"})
    log = store.insert("CRM Call Log", {"id": "rc-1", "reference_doctype": "CRM Lead",
                                        "reference_docname": new,
                                        "links": [{"link_doctype": "CRM Lead", "link_name": new}]})
    store.update("CRM Lead", old, {"mobile_no": "555.123.4567"})  # what the form save wrote
    handlers.lead_updated(Doc(store.get("CRM Lead", old)))         # nothing changed: no merge
    assert store.get("CRM Call Log", log)["reference_docname"] == new
    handlers.lead_updated(Doc(store.get("CRM Lead", old), changed={"mobile_no"}))
    assert store.get("CRM Call Log", log)["reference_docname"] == old
    assert [r["link_name"] for r in store.find("Dynamic Link", {"parent": log})] == [old]


def test_deal_hook_refuses_won_without_a_sales_order(app):
    _, store, handlers, _ = app
    won = store.find_one("CRM Deal Status", {"type": "Won"})["name"]
    deal = store.insert("CRM Deal", {"status": "Qualification"})
    handlers.validate_deal(Doc({**store.get("CRM Deal", deal), "sales_orders": []}))
    with pytest.raises(FrappeError, match="Sales Order"):
        handlers.validate_deal(Doc({**store.get("CRM Deal", deal), "status": won, "sales_orders": []}))


def test_communication_hook_files_a_new_mail_on_a_new_ticket(app):
    _, store, handlers, _ = app
    doc = Doc({"name": None, "sent_or_received": "Received", "reference_name": None,
               "message_id": "<m1@example.com>", "sender": "jane@example.com",
               "sender_full_name": "Jane Doe", "recipients": "support@zipcushions.com", "cc": None,
               "subject": "Broken zipper", "email_account": "Support", "content": "Hello"})
    handlers.route_communication(doc)
    assert doc.reference_doctype == "HD Ticket"
    assert store.get("HD Ticket", doc.reference_name)["raised_by"] == "jane@example.com"
    sent = Doc({"sent_or_received": "Sent", "reference_name": None})
    handlers.route_communication(sent)
    assert not hasattr(sent, "reference_doctype")


def test_webhook_endpoint_logs_the_seed_call_once_and_checks_the_secret(app):
    frappe, store, _, api = app
    ticket = store.insert("HD Ticket", {"subject": "patio", "contact_mobile": "(555) 123-4567"})
    with open(os.path.join(DATA, "seed_curl.json"), "rb") as f:
        body = f.read()

    def post(headers):
        frappe.request = types.SimpleNamespace(headers=headers, get_data=lambda: body)
        return api.ringcentral_webhook()

    assert post({}).status == 401 and store.count("Helpdesk Call Log") == 0
    reply = post({"X-Webhook-Secret": "s3cret"})
    assert reply.status == 200 and json.loads(reply.body)["success"]
    [log] = store.find("Helpdesk Call Log")
    assert log["ticket"] == ticket
    post({"X-Webhook-Secret": "s3cret"})
    assert store.count("Helpdesk Call Log") == 1


def test_payload_jobs_and_endpoints(app):
    frappe, store, handlers, api = app
    with open(os.path.join(DATA, "seed_curl.json")) as f:
        payload = store.insert("RingCentral CRM Payload", {"payload": f.read()})
    handlers.enqueue_payload(Doc(store.get("RingCentral CRM Payload", payload)))
    [(method, kwargs)] = frappe.enqueued
    module, _, func = method.rpartition(".")
    getattr(importlib.import_module(module), func)(**kwargs)
    assert store.get("RingCentral CRM Payload", payload)["processing_status"] == "Processed"
    assert api.click_to_call("(555) 123-4567")["tel"] == "tel:+15551234567"
    lead = store.insert("CRM Lead", {"first_name": "Ann", "email": "ann@example.com"})
    result = api.transfer_lead_to_ticket(lead, "[]")
    assert result["success"] and store.get("CRM Lead", lead) is None
    ticket = result["ticket_name"]
    assert api.sync_order_history("HD Ticket", ticket, "Nobody")["success"] is False
