"""The deal rule, production status and order history through the Python API, on every backend."""
import pytest

import switchboard as sb
from test_conversations import assert_releases_gil

MESSAGE = "Please add at least one Sales Order before marking the deal as Won."


def shop(store):
    """John Doe with two live orders (one with work orders) and a cancelled one."""
    names = [store.insert("Customer", {"customer_name": c})
             for c in ("John Doe", " john doe ", "John", "John Smith")]
    so_a = store.insert("Sales Order", {
        "customer": "John Doe", "transaction_date": "2026-01-10", "docstatus": 1,
        "status": "To Deliver", "delivery_date": "2026-02-01", "net_total": 300.0,
        "items": [{"item_code": "CUSH-1", "item_name": "Seat", "qty": 2, "rate": 50, "amount": 100},
                  {"item_code": "CUSH-2", "item_name": "Back", "qty": 1, "rate": 200}]})
    items = [r["name"] for r in store.find("Sales Order Item", {"parent": so_a}, order_by="idx")]
    store.insert("Work Order", {"sales_order": so_a, "sales_order_item": items[0], "docstatus": 1,
                                "production_item": "CUSH-1", "custom_production_status": "DONE",
                                "custom_ingredients_status": "Available", "custom_qa_status": "Passed",
                                "custom_ops_status": "Scheduled"})
    store.insert("Work Order", {"sales_order": so_a, "sales_order_item": items[1], "docstatus": 1,
                                "production_item": "CUSH-2", "custom_production_status": "Blocked_Factory"})
    # names[1] is "john doe", or "john doe - 1" where names ignore case (MariaDB, as in Frappe)
    so_b = store.insert("Sales Order", {"customer": names[1], "transaction_date": "2026-02-01",
                                        "docstatus": 1, "items": [{"item_code": "MAT", "qty": 1, "rate": 9}]})
    store.insert("Sales Order", {"customer": "John Doe", "transaction_date": "2026-03-01", "docstatus": 2,
                                 "items": [{"item_code": "X", "qty": 1}]})
    store.insert("Sales Order", {"customer": "John Smith", "transaction_date": "2026-03-01", "docstatus": 1,
                                 "items": [{"item_code": "Y", "qty": 1}]})
    return so_a, so_b, items


def second_john(store):
    """The name the second John Doe got (see shop)."""
    return store.find_one("Customer", {"customer_name": " john doe "})["name"]


def rows(store, doctype, name):
    return store.find("Order History", {"parent": name, "parenttype": doctype,
                                        "parentfield": "custom_order_history"}, order_by="idx")


@pytest.mark.parametrize("statuses,expected", [
    ([], "N/A"), ([None], "N/A"), ([None, "", "  "], "N/A"),
    (["done", " COMPLETED "], "DONE"), (["DONE", "new", "wip"], "NEW"), (["In Progress", "done"], "WIP"),
    (["QA REWORK", "blocked_ops", "DONE"], "BLOCKED OPS"), (["blocked ops", "Blocked_Factory"], "BLOCKED FACTORY"),
    (["qa rework", "BLOCKED FACTORY", "cancelled"], "CANCELLED"), ([None, "Queued"], "Queued"),
    (["DONE", "Queued"], "Queued"),
])
def test_aggregate_production_status(statuses, expected):
    assert sb.aggregate_production_status(statuses) == expected


def test_validate_deal(make_store):
    s = make_store()
    deal = s.insert("CRM Deal", {"organization": "Acme"})
    with pytest.raises(sb.ValidationError) as e:
        sb.validate_deal(s, {"name": deal, "status": "Won"})
    assert str(e.value) == MESSAGE == sb.DEAL_NEEDS_SALES_ORDER
    with pytest.raises(sb.ValidationError):
        sb.validate_deal(s, {"name": deal, "status": "Won", "sales_orders": []})
    sb.validate_deal(s, {"name": deal, "status": "Won", "sales_orders": [{"sales_order": "SO-1"}]})
    sb.validate_deal(s, {"name": deal, "status": "Negotiation"})
    sb.validate_deal(s, {"status": "Lost"})
    # Several Sales Orders, stored with the deal, persist and satisfy the rule.
    deal2 = s.insert("CRM Deal", {"organization": "Acme", "sales_orders": [
        {"sales_order": "SO-1"}, {"sales_order": "SO-2"}]})
    s.update("CRM Deal", deal2, {"status": "Won"})
    sb.validate_deal(s, s.get("CRM Deal", deal2))
    assert [r["sales_order"] for r in s.find("CRM Deal Sales Orders", {"parent": deal2}, order_by="idx")] == \
        ["SO-1", "SO-2"]


def test_match_customers(make_store):
    s = make_store()
    shop(s)
    assert sb.match_customers(s, " JOHN DOE ") == ["John Doe", second_john(s)]
    assert sb.match_customers(s, "john") == ["John"]
    assert sb.match_customers(s, "Smith") == []


def test_sync_order_history(make_store):
    s = make_store()
    so_a, so_b, items = shop(s)
    ticket = s.insert("HD Ticket", {"subject": "Where is my order?"})
    r = sb.sync_order_history(s, "HD Ticket", ticket, "John Doe")
    assert r == {"success": True, "message": "Successfully synced 3 items from 2 orders", "items": 3,
                 "orders": 2, "customers": ["John Doe", second_john(s)]}
    history = rows(s, "HD Ticket", ticket)
    assert [h["sales_order"] for h in history] == [so_b, so_a, so_a]
    seat = history[1]
    assert seat["sales_order_item"] == items[0]
    assert (seat["item_code"], seat["item_name"], seat["qty"], seat["rate"], seat["amount"]) == \
        ("CUSH-1", "Seat", 2.0, 50.0, 100.0)
    assert (seat["order_date"], seat["delivery_date"], seat["order_status"]) == \
        ("2026-01-10", "2026-02-01", "To Deliver")
    assert seat["delivery_status"] == "Not Delivered"
    assert (seat["ops_status"], seat["custom_ingredients_status"], seat["pro_status"], seat["qa_status"]) == \
        ("Scheduled", "Available", "DONE", "Passed")
    assert seat["aggregate_production_status"] == "BLOCKED FACTORY"
    assert history[2]["pro_status"] == "BLOCKED FACTORY"
    assert history[0]["aggregate_production_status"] == "N/A" and history[0]["pro_status"] is None
    # Re-sync: the same number of rows, for a ticket, a lead and a deal alike.
    assert len(rows(s, "HD Ticket", ticket)) == 3
    sb.sync_order_history(s, "HD Ticket", ticket, "john doe")
    assert len(rows(s, "HD Ticket", ticket)) == 3
    lead = s.insert("CRM Lead", {"first_name": "John"})
    deal = s.insert("CRM Deal", {"organization": "Doe"})
    for doctype, name in (("CRM Lead", lead), ("CRM Deal", deal)):
        for _ in range(2):
            assert sb.sync_order_history(s, doctype, name, "John Doe")["items"] == 3
        assert len(rows(s, doctype, name)) == 3
    assert s.count("Order History") == 9


def test_sync_order_history_options_and_errors(make_store):
    s = make_store()
    so_a, _, _ = shop(s)
    ticket = s.insert("HD Ticket", {"subject": "x"})
    s.update_where("Work Order", {"sales_order": so_a}, {"custom_site_ops": "Packed"})
    sb.sync_order_history(s, "HD Ticket", ticket, "John Doe", ops_status_field="custom_site_ops")
    assert rows(s, "HD Ticket", ticket)[1]["ops_status"] == "Packed"
    assert sb.sync_order_history(s, "HD Ticket", ticket, "Nobody") == {
        "success": False, "message": "No customers found", "items": 0, "orders": 0, "customers": []}
    assert len(rows(s, "HD Ticket", ticket)) == 3  # untouched
    with pytest.raises(sb.ValidationError):
        sb.sync_order_history(s, "Contact", "x", "John Doe")
    with pytest.raises(sb.ValidationError):
        sb.sync_order_history(s, "HD Ticket", ticket, "")
    with pytest.raises(sb.NotFound):
        sb.sync_order_history(s, "HD Ticket", "9999", "John Doe")


def test_sync_fault_at_every_write():
    from dict_store import DictStore
    for base in (sb.MemoryStore(), DictStore()):
        shop(base)
        lead = base.insert("CRM Lead", {"first_name": "John"})
        sb.sync_order_history(base, "CRM Lead", lead, "John Doe")
        faulty = sb.FaultyStore(base)
        with pytest.raises(RuntimeError):
            with faulty.transaction():
                sb.sync_order_history(faulty, "CRM Lead", lead, "John Doe")
                total = faulty.writes
                raise RuntimeError("undo")
        assert total == 4
        before = {d: base.find(d, order_by="name") for d in base.doctypes()}
        for k in range(1, total + 1):
            faulty.arm(fail_write=k)
            with pytest.raises(sb.StoreError):
                sb.sync_order_history(faulty, "CRM Lead", lead, "John Doe")
            assert {d: base.find(d, order_by="name") for d in base.doctypes()} == before


GIL_SETUP = ("from test_orders import shop; shop(store); "
             "ticket = store.insert('HD Ticket', {'subject': 'x'}); "
             "deal = store.insert('CRM Deal', {'organization': 'x'})")
GIL_CALLS = {
    "sync_order_history": "sb.sync_order_history(store, 'HD Ticket', ticket, 'John Doe')['items']",
    "match_customers": "sb.match_customers(store, 'John Doe')",
    "validate_deal": "sb.validate_deal(store, {'name': deal, 'status': 'Lost'})",
}


@pytest.mark.parametrize("factory", ["sb.SqliteStore()", "DictStore()"])
@pytest.mark.parametrize("call", sorted(GIL_CALLS))
def test_order_calls_release_the_gil(call, factory):
    assert_releases_gil(factory, GIL_SETUP, GIL_CALLS[call])
