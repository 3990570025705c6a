"""Install, migrate and uninstall: the Custom Fields and indexes switchboard needs, and their
removal, so that `uninstall-app` leaves the site as it was before `install-app`."""
from __future__ import annotations

import json
import os

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from .custom_fields import CUSTOM_FIELDS, INDEXES, MODULE, RECORDS, SELECT_OPTIONS, index_name

OWN_SINGLE = "Switchboard Settings"


def after_install() -> None:
    ensure_schema()
    _queue_rekey()


def after_migrate() -> None:
    ensure_schema()
    _queue_rekey()
    from .email_account import WHOLE_MAIL_WARNING, class_in_use, receives_whole_mail

    if not receives_whole_mail():  # shown by `bench migrate`; Switchboard Settings says it too
        print("switchboard: " + WHOLE_MAIL_WARNING.format(class_in_use()))


def _queue_rekey() -> None:
    """Records saved before the app have no phone keys, and an upgrade may key numbers
    differently: the keys are brought up to date in the background."""
    from . import jobs

    try:
        queued = jobs.queue_rekey()
    except Exception as e:  # noqa: BLE001 - no Redis: the hourly job does it later
        print(f"switchboard: stored phone keys are not current; not queued now ({e}), "
              "the hourly job will recompute them")
        return
    if queued:
        print("switchboard: stored phone keys are recomputed in the background (long queue)")


def ensure_schema() -> None:
    """Creates or updates every Custom Field and index (idempotent; DDL commits)."""
    fields = {
        doctype: [{k: v for k, v in {**df, "module": MODULE}.items() if v is not None} for df in dfs]
        for doctype, dfs in CUSTOM_FIELDS.items()
        if frappe.db.exists("DocType", doctype)
    }
    create_custom_fields(fields, update=True)
    for doctype, fieldname, option in SELECT_OPTIONS:
        if not frappe.db.exists("DocType", doctype):
            continue
        options = (frappe.get_meta(doctype).get_field(fieldname).options or "").split("\n")
        if option in options:
            continue
        # A Property Setter (what Customize Form makes), marked as ours for uninstall.
        frappe.get_doc({
            "doctype": "Property Setter", "doctype_or_field": "DocField", "doc_type": doctype,
            "field_name": fieldname, "property": "options", "property_type": "Text",
            "value": "\n".join([*options, option]), "module": MODULE, "is_system_generated": 1,
        }).insert(ignore_permissions=True)
        frappe.clear_cache(doctype=doctype)
    for doctype, name, values in RECORDS:
        if frappe.db.exists("DocType", doctype) and not frappe.db.exists(doctype, name):
            frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
    for doctype, columns in INDEXES:
        if frappe.db.exists("DocType", doctype) and not _has_index(doctype, index_name(columns)):
            frappe.db.add_index(doctype, list(columns), index_name(columns))


def before_uninstall() -> None:
    """Drops what install made outside the app's own doctypes (Frappe drops those): our
    indexes, the Custom Fields with their columns, our Select options, the records we added
    that nothing links to, the TP Call Log mirrors of our call logs, the settings' values and
    secrets."""
    for doctype, columns in INDEXES:
        if frappe.db.table_exists(doctype) and _has_index(doctype, index_name(columns)):
            frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP INDEX `{index_name(columns)}`")
    for doctype, dfs in CUSTOM_FIELDS.items():
        existing = set(frappe.db.get_table_columns(doctype)) if frappe.db.table_exists(doctype) else set()
        for df in dfs:
            name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
            if name:
                frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True,
                                  delete_permanently=True)
            if df["fieldname"] in existing and df["fieldtype"] != "Table":
                frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP COLUMN `{df['fieldname']}`")
        frappe.clear_cache(doctype=doctype)
    for doctype, fieldname, _option in SELECT_OPTIONS:
        frappe.db.delete("Property Setter", {"doc_type": doctype, "field_name": fieldname,
                                             "property": "options", "module": MODULE})
        frappe.clear_cache(doctype=doctype)
    for doctype, name, _values in RECORDS:
        if frappe.db.exists(doctype, name):
            try:
                frappe.delete_doc(doctype, name, ignore_permissions=True,  # refused while linked
                                  delete_permanently=True)
            except frappe.LinkExistsError:
                pass
    if frappe.db.table_exists("TP Call Log"):  # the mirrors of our call logs go with them
        mirrors = frappe.get_all("TP Call Log", filters={"medium": "switchboard"}, pluck="name")
        if mirrors:
            frappe.db.delete("Dynamic Link", {"parenttype": "TP Call Log", "parent": ["in", mirrors]})
            frappe.db.delete("TP Call Log", {"name": ["in", mirrors]})
    frappe.db.delete("Singles", {"doctype": OWN_SINGLE})
    frappe.db.delete("__Auth", {"doctype": OWN_SINGLE})
    frappe.db.delete("Version", {"ref_doctype": ["in", own_doctypes()]})
    frappe.db.delete("Deleted Document", {"deleted_doctype": ["in", own_doctypes()]})


def after_uninstall() -> None:
    """Frappe keeps a Deleted Document copy of every DocType and Module Def it removed with the
    app: ours are dropped too, so nothing of the app is left."""
    frappe.db.delete("Deleted Document", {"deleted_doctype": "DocType", "deleted_name": ["in", own_doctypes()]})
    frappe.db.delete("Deleted Document", {"deleted_doctype": "Module Def", "deleted_name": MODULE})
    frappe.db.commit()


def own_doctypes() -> list[str]:
    """The app's DocTypes, from its files (they are gone from the database after uninstall)."""
    folder = os.path.join(os.path.dirname(__file__), frappe.scrub(MODULE), "doctype")
    names = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry, entry + ".json")
        if os.path.exists(path):
            with open(path) as f:
                names.append(json.load(f)["name"])
    return names


def _has_index(doctype: str, name: str) -> bool:
    return bool(frappe.db.sql(f"SHOW INDEX FROM `tab{doctype}` WHERE Key_name = %s", (name,)))
