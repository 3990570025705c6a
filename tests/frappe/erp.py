"""ERPNext records for the order-history tests, on the test-only sb_erpnext_stub doctypes
(Customer, Item, Sales Order, Sales Order Item, Work Order with ERPNext's field names and
naming series), inserted and submitted through the ORM as ERPNext's forms would."""
from __future__ import annotations


def customer(frappe, name: str) -> str:
    return frappe.get_doc({"doctype": "Customer", "customer_name": name}).insert().name


def item(frappe, code: str, name: str | None = None) -> str:
    if not frappe.db.exists("Item", code):
        frappe.get_doc({"doctype": "Item", "item_code": code, "item_name": name or code}).insert()
    return code


def sales_order(frappe, customer_name: str, items: list[tuple[str, float, float]], *,
                date: str = "2026-01-10", status: str = "To Deliver and Bill", submit: bool = True,
                **fields):
    so = frappe.get_doc({
        "doctype": "Sales Order", "customer": customer_name, "transaction_date": date,
        "status": status, "delivery_status": "Not Delivered",
        "net_total": sum(q * r for _, q, r in items),
        "items": [{"item_code": item(frappe, code), "item_name": code.title(), "qty": qty,
                   "rate": rate, "amount": qty * rate} for code, qty, rate in items],
        **fields,
    }).insert()
    if submit:
        so.submit()
    return so


def work_order(frappe, so, row: int, production: str, *, ingredients: str = "", qa: str = "",
               ops: str = "", submit: bool = True) -> str:
    line = so.items[row]
    wo = frappe.get_doc({
        "doctype": "Work Order", "production_item": line.item_code, "qty": line.qty,
        "sales_order": so.name, "sales_order_item": line.name, "status": "In Process",
        "custom_production_status": production, "custom_ingredients_status": ingredients,
        "custom_qa_status": qa, "custom_ops_status": ops,
    }).insert()
    if submit:
        wo.submit()
    return wo.name
