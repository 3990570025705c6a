"""switchboard_frappe installs with install-app and uninstall-app leaves the site as it was.

Frappe's own install_app / remove_app, run in this process (site_admin.py: offline, required
apps resolve to the ones in apps.txt). The app stays installed afterwards for the other tests.
"""
from __future__ import annotations

import pytest

import site_admin
import switchboard as sb
from switchboard.frappe import FrappeStore

APP = "switchboard_frappe"
# Tables whose rows record activity rather than configuration.
ACTIVITY = {"tabError Log", "tabScheduled Job Log", "tabActivity Log", "tabAccess Log",
            "tabSessions", "__global_search", "tabRoute History", "tabVersion",
            "tabCommunication", "tabComment", "tabNotification Log"}


def site_state(frappe) -> dict:
    """Every table with its columns, indexes and row count, and the configuration rows an app
    install touches."""
    state = {}
    for (table,) in frappe.db.sql("show tables"):
        columns = frappe.db.sql(f"show columns from `{table}`")
        indexes = sorted({(r[2], r[4]) for r in frappe.db.sql(f"show index from `{table}`")})
        rows = None if table in ACTIVITY else frappe.db.sql(f"select count(*) from `{table}`")[0][0]
        state[table] = (tuple(c[:2] for c in columns), tuple(indexes), rows)
    state["singles"] = frappe.db.sql_list("select distinct doctype from tabSingles order by doctype")
    state["auth"] = frappe.db.sql_list("select distinct doctype from __Auth order by doctype")
    state["jobs"] = frappe.db.sql_list("select method from `tabScheduled Job Type` order by method")
    state["sequences"] = frappe.db.sql_list(
        "select table_name from information_schema.tables where table_schema = database() "
        "and table_type = 'SEQUENCE' order by table_name")
    return state


def diff(a: dict, b: dict) -> list[str]:
    return [f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def check_installed(frappe) -> None:
    from switchboard_frappe.custom_fields import CUSTOM_FIELDS, INDEXES, index_name

    assert APP in frappe.get_installed_apps()
    for doctype in ("Switchboard Settings", "Helpdesk Call Log", "RingCentral CRM Payload",
                    "Order History", "CRM Deal Sales Orders", "Switchboard Merge Log",
                    "Switchboard Route Log", "Switchboard Job", "CRM RingCentral Settings"):
        assert frappe.db.exists("DocType", doctype), doctype
    for doctype, dfs in CUSTOM_FIELDS.items():
        columns = set(frappe.db.get_table_columns(doctype))
        for df in dfs:
            assert frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": df["fieldname"]})
            assert df["fieldtype"] == "Table" or df["fieldname"] in columns
    for doctype, fields in INDEXES:
        assert frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", index_name(fields))
    settings = frappe.get_single("Switchboard Settings")
    assert settings.region == "US" and settings.route_incoming_email == 1
    # Every field the library reads or writes exists on the site, under its name or custom_ twin.
    store = FrappeStore(frappe)
    for doctype in store.doctypes():
        site = store.frappe_backend._site(doctype)
        if doctype == "Series":  # Frappe keeps naming series in a table, not a DocType
            continue
        # ERPNext's doctypes come from ERPNext (here its test stand-in); every other one from
        # Frappe, the apps or this app: the library writes none the site lacks.
        assert site is not None, f"{doctype} is not installed on the site"
        info = store.doctype(doctype)
        missing = [f["name"] for f in info["fields"] if site.site(f["name"]) is None]
        missing += [t for t in info["tables"] if site.site_table(t) is None]
        assert missing == [], f"{doctype} lacks {missing}"


@pytest.mark.commits
def test_install_and_uninstall_leave_the_site_clean(site):
    frappe = site
    try:
        check_installed(frappe)
        # Scheduled Job Types as a migrate leaves them, so that only the app's own come and go.
        from frappe.core.doctype.scheduled_job_type.scheduled_job_type import sync_jobs
        sync_jobs()
        frappe.db.commit()
        site_admin.uninstall(frappe, APP)
        assert APP not in frappe.get_installed_apps()
        before = site_state(frappe)
        site_admin.install(frappe, APP)
        check_installed(frappe)
        # Data in the app's doctypes and custom fields goes with it.
        store = FrappeStore(frappe, ignore_permissions=True)
        ticket = store.insert("HD Ticket", {"subject": "to be uninstalled", "contact_mobile": "+1 555 010 7788"})
        store.insert("Helpdesk Call Log", {"call_id": "uninstall-1", "ticket": ticket})
        assert frappe.db.exists("TP Call Log", "uninstall-1")  # its mirror in Helpdesk's list
        settings = frappe.get_single("Switchboard Settings")
        settings.webhook_token = "secret"
        settings.save()
        frappe.db.commit()
        site_admin.uninstall(frappe, APP)
        frappe.delete_doc("HD Ticket", ticket, force=True, delete_permanently=True)
        frappe.db.commit()
        assert diff(before, site_state(frappe)) == []
    finally:
        site_admin.install(frappe, APP)
    check_installed(frappe)
    assert sb.PHONE_KEY_VERSION >= 1
