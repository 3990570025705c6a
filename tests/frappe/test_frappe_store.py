"""FrappeStore's own mapping onto the site, beyond the store contract: custom_ twins, child
tables under their site names, permissions as the session user, Frappe's errors."""
from __future__ import annotations

import pytest

import switchboard as sb
from switchboard.frappe import FrappeStore


def test_library_fields_map_to_their_custom_twins(site):
    store = FrappeStore()
    ticket = store.insert("HD Ticket", {"subject": "twin", "contact_mobile": "(555) 010-1212"})
    assert site.db.get_value("HD Ticket", ticket, "custom_contact_mobile") == "(555) 010-1212"
    doc = store.get("HD Ticket", ticket)
    assert doc["contact_mobile"] == "(555) 010-1212" and "custom_contact_mobile" not in doc
    assert doc["custom_contact_mobile_key"] == "+15550101212"  # derived by the library
    assert store.find_one("HD Ticket", {"contact_mobile": "(555) 010-1212"}, fields=["name"])["name"] == ticket
    store.update("HD Ticket", ticket, {"contact_mobile": "+44 20 7946 0958"})
    assert site.db.get_value("HD Ticket", ticket, "custom_contact_mobile_key") == "+442079460958"


def test_child_tables_keep_the_library_names(site):
    store = FrappeStore()
    deal = store.insert("CRM Deal", {"next_step": "x", "sales_orders": [{"sales_order": "SO-1"}]})
    rows = site.get_all("CRM Deal Sales Orders", filters={"parent": deal}, fields=["parentfield", "sales_order"])
    assert [(r.parentfield, r.sales_order) for r in rows] == [("custom_sales_orders", "SO-1")]
    found = store.find("CRM Deal Sales Orders", {"parent": deal, "parentfield": "sales_orders"})
    assert [(r["parentfield"], r["sales_order"]) for r in found] == [("sales_orders", "SO-1")]
    won = store.find_one("CRM Deal Status", {"type": "Won"})["name"]
    sb.validate_deal(store, {"name": deal, "status": won})  # reads the stored rows: passes
    with pytest.raises(sb.ValidationError):
        sb.validate_deal(store, {"name": deal, "status": won, "sales_orders": []})


def test_a_document_with_rows_is_one_orm_insert(site):
    """A Contact and its email rows are inserted together: no save of the parent per row
    (each would run the Contact's hooks again and move its `modified`)."""
    store = FrappeStore()
    assert store.capabilities & sb.Capability.INSERT_WITH_ROWS
    contact = store.insert("Contact", {"first_name": "Rows", "email_ids": [
        {"email_id": "rows@x.example", "is_primary": 1}, {"email_id": "rows@home.example"}]})
    doc = site.get_doc("Contact", contact)
    assert [(r.email_id, r.is_primary, r.idx) for r in doc.email_ids] == [
        ("rows@x.example", 1, 1), ("rows@home.example", 0, 2)]
    assert doc.email_id == "rows@x.example"  # Frappe's own hooks saw the rows at insert
    assert doc.creation == doc.modified


def test_what_the_site_lacks(site, monkeypatch):
    store = FrappeStore()
    with pytest.raises(sb.ValidationError, match="has no field 'custom_nowhere'"):
        store.insert("CRM Lead", {"first_name": "x", "custom_nowhere": 1})
    # A site whose app is older than the library: one of the library's doctypes is missing.
    get_meta = site.get_meta

    def older_site(doctype, *args, **kwargs):
        if doctype == "Switchboard Job":
            raise site.DoesNotExistError(f"DocType {doctype} not found")
        return get_meta(doctype, *args, **kwargs)
    monkeypatch.setattr(site, "get_meta", older_site)
    store = FrappeStore()
    assert store.find("Switchboard Job") == [] and store.count("Switchboard Job") == 0
    with pytest.raises(sb.NotFound) as err:
        store.update("Switchboard Job", "x", {"state": "Done"})
    assert err.value.code == "unknown_doctype"


def test_frappe_errors_become_switchboard_errors(site):
    store = FrappeStore()
    with pytest.raises(sb.StoreError) as err:
        store.insert("HD Ticket Status", {"label_agent": "Open", "category": "Open"})
    assert err.value.code == "duplicate"
    with pytest.raises(sb.ValidationError, match="Could not find"):
        store.insert("CRM Lead", {"first_name": "x", "status": "No Such Status"})
    with pytest.raises(sb.ValidationError, match="from"):
        store.insert("CRM Call Log", {"id": "incomplete", "type": "Incoming", "status": "Completed"})
    assert not site.local.message_log  # the library decides what the user is told


def make_user(site, email, roles, user_type="System User"):
    site.get_doc({"doctype": "User", "email": email, "first_name": "T", "user_type": user_type,
                  "send_welcome_email": 0, "roles": [{"role": r} for r in roles]}).insert()
    if "Agent" in roles:
        site.get_doc({"doctype": "HD Agent", "user": email, "agent_name": "T"}).insert()


def test_permissions_are_the_session_users(site):
    lead = FrappeStore().insert("CRM Lead", {"first_name": "Private"})
    ticket = FrappeStore().insert("HD Ticket", {"subject": "agents only", "raised_by": "someone@x.org"})
    make_user(site, "agent@perm.test", ["Agent"])
    site.set_user("agent@perm.test")
    as_agent = FrappeStore()
    assert as_agent.get("HD Ticket", ticket)["subject"] == "agents only"
    with pytest.raises(sb.AuthError):  # a Helpdesk agent has no CRM rights
        as_agent.insert("CRM Lead", {"first_name": "Nope"})
    with pytest.raises(sb.AuthError):
        as_agent.get("CRM Lead", lead)
    with pytest.raises(sb.AuthError):
        as_agent.update("CRM Lead", lead, {"first_name": "Changed"})
    # The same agent's store acting for the system may (hooks and webhooks do that).
    assert FrappeStore(ignore_permissions=True).get("CRM Lead", lead)["first_name"] == "Private"
    # Error Log rows are written whoever causes them.
    assert as_agent.insert("Error Log", {"method": "perm test", "error": "x"})
    site.set_user("Administrator")
    make_user(site, "customer@perm.test", [], user_type="Website User")
    site.set_user("customer@perm.test")
    as_customer = FrappeStore()
    assert as_customer.get("HD Ticket", ticket) is None  # not theirs: Helpdesk hides it
    own = as_customer.insert("HD Ticket", {"subject": "mine"})  # the portal lets them open one
    assert as_customer.get("HD Ticket", own)["raised_by"] == "customer@perm.test"
    assert ticket not in {r["name"] for r in as_customer.find("HD Ticket", fields=["name"])}


def test_a_store_belongs_to_its_thread(site):
    import threading

    store, errors = FrappeStore(), []
    t = threading.Thread(target=lambda: errors.append(_try(lambda: store.find("HD Ticket"))))
    t.start()
    t.join()
    assert isinstance(errors[0], sb.StoreError) and "thread" in str(errors[0])


def _try(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return e


def test_the_site_config_is_read_from_switchboard_settings(site, settings):
    settings(region="GB", fallback_regions="ie", company_domains="shop.example\nmail.shop.example",
             support_aliases="help@shop.example, care@shop.example", company_numbers="+44 20 7946 0000")
    store = FrappeStore()
    assert (store.site.region, store.site.fallback_regions) == ("GB", ["IE"])
    assert store.site.support_aliases == ["help@shop.example", "care@shop.example"]
    assert store.site.company_numbers == ["+44 20 7946 0000"]
    assert "Open" in store.site.open_ticket_statuses  # the defaults the Single starts with
    lead = store.insert("CRM Lead", {"first_name": "Brit", "mobile_no": "020 7946 0958"})
    assert store.get("CRM Lead", lead)["custom_mobile_no_key"] == "+442079460958"
    import frappe

    with pytest.raises(frappe.ValidationError, match="not a mail address"):
        settings(support_aliases="helpdesk")


def test_a_deadlock_is_not_retried_inside_the_request(site, monkeypatch):
    # InnoDB ends the request's whole transaction on a deadlock: rerunning only the library's
    # part (its transactions are savepoints in the request's) would commit it without the
    # request's earlier writes. A lock-wait timeout undoes one statement and may be retried.
    store = FrappeStore(ignore_permissions=True)
    calls = []

    def fails_with(error):
        def sql(*args, **kwargs):
            calls.append(error)
            raise error("simulated")
        return sql

    store.count("HD Ticket")  # the doctype's columns are read and kept
    monkeypatch.setattr(site.db, "sql", fails_with(site.QueryDeadlockError))
    with pytest.raises(sb.StoreError, match="request must run again") as err:
        store.count("HD Ticket")
    assert err.value.code == "backend"  # not "busy": nothing reruns it
    monkeypatch.setattr(site.db, "sql", fails_with(site.QueryTimeoutError))
    with pytest.raises(sb.StoreError) as err:
        store.count("HD Ticket")
    assert err.value.code == "busy"
    assert len(calls) == 2
