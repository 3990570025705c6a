"""HD Ticket named by autoincrement, as Helpdesk named tickets up to 1.24 (v1.25 moved to a
'.####' series on a text column): this site patched to the older scheme and back.

patch() does what Frappe does when a DocType is created with autoname 'autoincrement' (a
bigint name column and a MariaDB sequence) and restore() what Helpdesk's own
set_hd_ticket_naming_series patch does the other way. Existing tickets keep their names
("0001" is 1 while patched). DDL: both commit.
"""
from __future__ import annotations

TABLE = "`tabHD Ticket`"


def name_type(frappe) -> str:
    return frappe.db.sql(
        "select DATA_TYPE from information_schema.COLUMNS where TABLE_SCHEMA = database() "
        "and TABLE_NAME = 'tabHD Ticket' and COLUMN_NAME = 'name'")[0][0].lower()


def patch(frappe) -> dict[int, str]:
    """Returns the original text names of the existing tickets, for restore()."""
    frappe.db.rollback()
    if name_type(frappe) != "varchar":
        raise RuntimeError("HD Ticket is already named by autoincrement: run restore() first")
    names = frappe.db.sql_list(f"select name from {TABLE}")
    if any(not n.isdigit() for n in names):
        raise RuntimeError(f"HD Ticket names that are not numbers: {names[:5]}")
    original = {int(n): n for n in names}
    frappe.db.sql_ddl(f"alter table {TABLE} modify name bigint not null")
    frappe.db.create_sequence("HD Ticket", check_not_exists=True, start_value=max(original, default=0) + 1)
    frappe.db.set_value("DocType", "HD Ticket", {"autoname": "autoincrement", "naming_rule": "Autoincrement"})
    frappe.db.commit()
    frappe.clear_cache(doctype="HD Ticket")
    return original


def restore(frappe, original: dict[int, str] | None = None) -> None:
    frappe.db.rollback()
    if name_type(frappe) != "varchar":
        frappe.db.sql_ddl(f"alter table {TABLE} modify name varchar(140) not null")
    for number, text in (original or {}).items():
        frappe.db.sql(f"update {TABLE} set name = %s where name = %s", (text, str(number)))
    frappe.db.sql_ddl("drop sequence if exists `HD Ticket_id_seq`")
    frappe.db.set_value("DocType", "HD Ticket", {"autoname": ".####", "naming_rule": "Expression"})
    frappe.db.commit()
    frappe.clear_cache(doctype="HD Ticket")
