#!/usr/bin/env python3
"""MariaDbStore attached to a real Frappe site's database (``frappe=True``).

Checks, on a site of its own with Helpdesk, CRM and Telephony:

1. every document the store writes — directly and through the Router and the CallLogger —
   is one Frappe loads and saves (``frappe.get_doc(...).save()`` runs Frappe's validation);
2. Frappe's naming series continue without collision after the store's inserts (CRM Lead's
   ``CRM-LEAD-.YYYY.-``, HD Ticket's ``.####``), and the store's continue after Frappe's;
3. the store never alters the site's tables: an unknown field is an error, not a column;
4. custom fields the site adds are read from its meta (tabCustom Field).

Run it with the bench's Python from the repository root after ``make build``::

    source $FRAPPE_BENCH/frappe-env.sh
    PYTHONPATH=build/python $FRAPPE_BENCH/env/bin/python tests/frappe/mariadb_site_check.py

It never touches another site: its own, SWITCHBOARD_MARIADB_SITE [mariadb.localhost], is
created the first time (about two minutes) with the MariaDB root account setup-site made
(MARIADB_ROOT_PASSWORD [root], MARIADB_SOCKET [/run/mysqld/mysqld.sock]). Exit status 0 when
every check passes; the failures are printed otherwise.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import subprocess
import sys
import time

BENCH = os.environ.get("FRAPPE_BENCH", os.path.expanduser("~/frappe-bench"))
SITES = os.path.join(BENCH, "sites")
SITE = os.environ.get("SWITCHBOARD_MARIADB_SITE", "mariadb.localhost")
ROOT_PW = os.environ.get("MARIADB_ROOT_PASSWORD", "root")
SOCK = os.environ.get("MARIADB_SOCKET", "/run/mysqld/mysqld.sock")
APPS = ["telephony", "helpdesk", "crm"]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAILURES: list[str] = []


def check(ok: bool, what: str) -> None:
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


# ---- the site ----------------------------------------------------------------------------------

def create_site() -> None:
    """new-site (not made the bench's default) and the apps, installed as setup-site does it."""
    db_name = "_" + "".join(c if c.isalnum() else "_" for c in SITE)[:60]
    print(f"creating {SITE} (database {db_name}); its log: {BENCH}/logs/{SITE}-new-site.log", flush=True)
    with open(os.path.join(BENCH, "logs", f"{SITE}-new-site.log"), "w") as log:
        subprocess.run([sys.executable, "-W", "ignore", "-m", "frappe.utils.bench_helper", "frappe",
                        "new-site", SITE, "--db-name", db_name, "--db-socket", SOCK,
                        "--db-root-username", "root", "--db-root-password", ROOT_PW,
                        "--admin-password", "admin", "--force"],
                       cwd=SITES, check=True, stdout=log, stderr=subprocess.STDOUT)
    code = r"""
import sys, frappe, frappe.installer, frappe.permissions
frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
frappe.clear_cache()
frappe.setup_module_map()
local = set(frappe.get_all_apps())
resolve = frappe.installer.parse_app_name
# Frappe 15.56 asks GitHub who publishes a required app; here the bench has them all.
frappe.installer.parse_app_name = lambda name: name if name in local else resolve(name)
def only_existing(fn):
    def wrapper(doctype, *args, **kwargs):
        if frappe.db.exists("DocType", doctype):
            return fn(doctype, *args, **kwargs)
    return wrapper
for name in ("add_permission", "update_permission_property"):
    setattr(frappe.permissions, name, only_existing(getattr(frappe.permissions, name)))
for app in sys.argv[2:]:
    if app not in frappe.get_installed_apps():
        frappe.installer.install_app(app, force=True)
        frappe.db.commit()
frappe.destroy()
"""
    with open(os.path.join(BENCH, "logs", f"{SITE}-install-apps.log"), "w") as log:
        subprocess.run([sys.executable, "-W", "ignore", "-c", code, SITE, *APPS], cwd=SITES,
                       check=True, stdout=log, stderr=subprocess.STDOUT)


def connect():
    import frappe

    os.chdir(SITES)
    frappe.init(site=SITE, sites_path=".", force=True)
    frappe.connect()
    frappe.set_user("Administrator")
    frappe.flags.in_test = True  # mail is queued, never sent
    return frappe


def site_ready() -> bool:
    if not os.path.exists(os.path.join(SITES, SITE, "site_config.json")):
        return False
    try:
        frappe = connect()
        ok = set(APPS) <= set(frappe.get_installed_apps())
        frappe.destroy()
        return ok
    except Exception:
        return False


def store_url(frappe) -> str:
    """The site's own database and account; the password travels in MARIADB_PASSWORD."""
    conf = frappe.conf
    os.environ["MARIADB_PASSWORD"] = conf.db_password
    user = conf.get("db_user") or conf.db_name
    if conf.get("db_socket"):
        return f"mariadb://{user}@localhost/{conf.db_name}?socket={conf.db_socket}&frappe=1"
    return f"mariadb://{user}@{conf.get('db_host') or 'localhost'}:{conf.get('db_port') or 3306}/{conf.db_name}?frappe=1"


# ---- what the services need ----------------------------------------------------------------------

FIELDTYPES = {"int": "Int", "real": "Float", "date": "Date", "datetime": "Datetime"}


def add_library_fields(frappe, sb) -> None:
    """The fields switchboard's schema adds to Frappe's doctypes (phone keys, the seed's
    fields), as Custom Fields, the way the Frappe app installs them."""
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    schema = sb.MemoryStore()
    wanted = {}
    for doctype in schema.doctypes():
        if not frappe.db.exists("DocType", doctype) or frappe.get_meta(doctype).issingle:
            continue
        meta = frappe.get_meta(doctype)
        for f in schema.doctype(doctype)["fields"]:
            name = f["name"]
            if name in frappe.model.default_fields or name in frappe.model.child_table_fields or \
                    meta.has_field(name) or name.startswith("_"):
                continue
            fieldtype = FIELDTYPES.get(f["type"]) or ("Data" if f.get("indexed") or f.get("unique") else "Small Text")
            wanted.setdefault(doctype, []).append(
                {"fieldname": name, "label": name.replace("_", " ").title(), "fieldtype": fieldtype,
                 "search_index": 1 if f.get("indexed") and fieldtype == "Data" else 0,
                 "unique": 1 if f.get("unique") else 0, "read_only": 1})
    if wanted:
        create_custom_fields(wanted, update=True)
    # "RingCentral" among CRM Call Log's telephony media, as the Frappe app adds it.
    from frappe.custom.doctype.property_setter.property_setter import make_property_setter

    options = frappe.get_meta("CRM Call Log").get_field("telephony_medium").options or ""
    if "RingCentral" not in options.split("\n"):
        make_property_setter("CRM Call Log", "telephony_medium", "options",
                             options + "\nRingCentral", "Text", validate_fields_for_doctype=False)
    # The account the sample mails arrive on (a Link from Communication and HD Ticket).
    if not frappe.db.exists("Email Account", "Support"):
        frappe.get_doc({"doctype": "Email Account", "email_account_name": "Support",
                        "email_id": "support@cozycornerpatios.com", "enable_incoming": 0,
                        "enable_outgoing": 0}).insert(ignore_permissions=True)
    frappe.db.commit()


# ---- the checks ----------------------------------------------------------------------------------

def names(frappe, doctype) -> set[str]:
    return {str(n) for n in frappe.get_all(doctype, pluck="name")}


def table_layout(frappe, doctypes) -> str:
    h = hashlib.sha256()
    for doctype in sorted(doctypes):
        for row in frappe.db.sql(f"SHOW CREATE TABLE `tab{doctype}`"):
            h.update(row[1].encode())
    return h.hexdigest()


def main() -> int:
    if not site_ready():
        create_site()
    frappe = connect()
    import switchboard as sb

    add_library_fields(frappe, sb)
    url = store_url(frappe)
    store = sb.MariaDbStore(url)
    print(f"store on {sb.describe_database(url)}: {len(store.doctypes())} doctypes", flush=True)
    check(store.time_zone == frappe.utils.get_system_timezone(),
          "the store writes datetimes in the site's time zone (System Settings)")
    check("password" not in sb.describe_database(url) and frappe.conf.db_password not in
          sb.describe_database(url.replace("@", f":{frappe.conf.db_password}@", 1)),
          "the password never shows in the store's description of its database")

    watched = ["CRM Lead", "CRM Deal", "HD Ticket", "Contact", "Contact Email", "Contact Phone",
               "Dynamic Link", "Communication", "CRM Call Log", "Error Log"]
    watched = [d for d in watched if d in store.doctypes()]
    # A clean slate on this check's own site, so every run routes the sample mails afresh.
    for doctype in watched + ["Communication Link", "HD Ticket Comment", "CRM Status Change Log"]:
        if frappe.db.exists("DocType", doctype):
            frappe.db.delete(doctype)
    frappe.db.commit()
    before = {d: names(frappe, d) for d in watched}
    layout = table_layout(frappe, watched)

    # Written directly: each doctype with the fields the services fill.
    year = time.strftime("%Y")
    lead = store.insert("CRM Lead", {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
                                     "mobile_no": "+1 650 555 0100"})
    check(lead.startswith(f"CRM-LEAD-{year}-"), f"CRM Lead named by Frappe's naming series: {lead}")
    deal = store.insert("CRM Deal", {"organization": "", "lead": lead, "email": "ann@example.com"})
    contact = store.insert("Contact", {
        "first_name": "Ann", "last_name": "Lee", "full_name": "Ann Lee",
        "email_ids": [{"email_id": "ann@example.com", "is_primary": 1}],
        "phone_nos": [{"phone": "+16505550100", "is_primary_mobile_no": 1}]})
    ticket = store.insert("HD Ticket", {"subject": "Where is my order?", "raised_by": "ann@example.com",
                                        "contact": contact})
    check(ticket.isdigit(), f"HD Ticket named by its .#### series: {ticket}")

    # Written by the services.
    router = sb.Router(store)
    routed = []
    for path in sorted(glob.glob(os.path.join(REPO, "tests", "data", "routing", "mailbox", "*.eml"))):
        with open(path, "rb") as f:
            routed.append(router.route(sb.InboundEmail.from_rfc822(f.read(), "Support")))
    errors = [r for r in routed if r.reason == "error"]
    check(not errors, f"the Router routed {len(routed)} sample mails on the site"
          + (f" (errors: {[r.error for r in errors][:2]})" if errors else ""))
    logger = sb.CallLogger(store, company_numbers=["+15559876543"], helpdesk_call_logs=False)
    for fixture in ("call_log_simple.json", "telephony_seq1.json", "telephony_seq4.json", "seed_curl.json"):
        with open(os.path.join(REPO, "tests", "data", "telephony", fixture)) as f:
            logger.ingest(sb.parse_call_event(f.read()))

    # 1. Frappe loads and saves every one of them.
    frappe.db.rollback()  # a fresh snapshot: see what the store committed
    written = {d: sorted(names(frappe, d) - before[d]) for d in watched}
    total = sum(len(v) for v in written.values())
    failed = []
    for doctype, new in written.items():
        if frappe.get_meta(doctype).istable:
            continue  # saved with their parents
        for name in new:
            try:
                doc = frappe.get_doc(doctype, name)
                doc.flags.ignore_permissions = True
                doc.save()
            except Exception as exc:  # noqa: BLE001 - reported below
                failed.append(f"{doctype} {name}: {type(exc).__name__}: {exc}")
    frappe.db.commit()
    check(total > 20 and not failed, f"Frappe loads and saves all {total} documents the store wrote "
          f"({', '.join(f'{len(v)} {d}' for d, v in written.items() if v)})"
          + ("".join("\n        " + f for f in failed[:30])))

    # 2. Naming series continue on both sides.
    frappe_lead = frappe.get_doc({"doctype": "CRM Lead", "first_name": "Frappe", "status": "New"})
    frappe_lead.insert(ignore_permissions=True)
    frappe_ticket = frappe.get_doc({"doctype": "HD Ticket", "subject": "from Frappe",
                                    "raised_by": "frappe@example.com"})
    frappe_ticket.insert(ignore_permissions=True)
    frappe.db.commit()
    last_leads = sorted(n for n in names(frappe, "CRM Lead") if n.startswith(f"CRM-LEAD-{year}-"))
    check(frappe_lead.name == last_leads[-1] and frappe_lead.name not in before["CRM Lead"],
          f"Frappe's next CRM Lead continues the series: {frappe_lead.name}")
    check(int(frappe_ticket.name) > max(int(n) for n in written["HD Ticket"]),
          f"Frappe's next HD Ticket continues after the store's: {frappe_ticket.name}")
    again = store.insert("CRM Lead", {"first_name": "After"})
    check(again > frappe_lead.name, f"the store continues after Frappe's: {again}")
    again_ticket = store.insert("HD Ticket", {"subject": "after Frappe", "raised_by": "x@example.com"})
    check(int(again_ticket) == int(frappe_ticket.name) + 1, f"HD Ticket too: {again_ticket}")

    # 3. Tables unchanged; an unknown field is refused.
    try:
        store.insert("CRM Lead", {"first_name": "X", "custom_not_on_this_site": 1})
        check(False, "an unknown field is refused")
    except sb.ValidationError as exc:
        check("Custom Field" in str(exc), f"an unknown field is refused: {exc}")
    frappe.db.rollback()
    check(table_layout(frappe, watched) == layout, "the site's tables are exactly as before")

    # 4. A custom field added on the site is part of the store's schema when it opens.
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

    create_custom_fields({"CRM Lead": [{"fieldname": "custom_sb_probe", "label": "SB Probe",
                                        "fieldtype": "Int"}]}, update=True)
    frappe.db.commit()
    fresh = sb.MariaDbStore(url)
    probe = {f["name"]: f for f in fresh.doctype("CRM Lead")["fields"]}.get("custom_sb_probe")
    check(probe is not None and probe["type"] == "int",
          "a Custom Field added on the site is in the schema of a store opened afterwards")
    name = fresh.insert("CRM Lead", {"first_name": "Probe", "custom_sb_probe": "7"})
    frappe.db.rollback()
    check(frappe.db.get_value("CRM Lead", name, "custom_sb_probe") == 7,
          "and typed as the site says (\"7\" stored as the Int 7)")
    frappe.destroy()
    print(f"\n{len(FAILURES)} failed" if FAILURES else "\nall checks passed", flush=True)
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
