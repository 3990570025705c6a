"""Calls in Helpdesk's own call list: every Helpdesk Call Log is mirrored into the Telephony
app's TP Call Log (same id), linked to its ticket and contact, which is what the Helpdesk
agent UI shows on a ticket. The Helpdesk Call Log stays the record switchboard keeps (upsert
keys, telephony state, transcript); the mirror follows it after each ingest. Merges need no
help: they re-point Dynamic Link rows, the mirror's links included."""
from __future__ import annotations

import datetime
import json

import frappe
from frappe.utils import cstr, flt, get_datetime

TP = "TP Call Log"
FIELDS = {"type": "type", "status": "status", "from_number": "from", "to_number": "to",
          "duration": "duration", "start_time": "start_time", "end_time": "end_time",
          "recording_url": "recording_url"}
LINKED = ("HD Ticket", "Contact")  # the links the mirror keeps in step with the call log


def mirror(call_log: str, log=None) -> str | None:
    """Creates or updates the TP Call Log of a Helpdesk Call Log; returns its name. `log`: the
    call log's values when the caller holds them (its after_insert), else they are read. A
    mirror that already shows the call is not saved again (a webhook reply mirrors the log its
    insert has just mirrored)."""
    if not call_log or not frappe.db.exists("DocType", TP, cache=True):
        return None
    if log is None:
        # Plain SQL: frappe.db.get_value parses every field name with sqlparse (~10 ms a call).
        rows = frappe.db.sql(f"select name, ticket, contact, {', '.join(f'`{f}`' for f in FIELDS)} "
                             "from `tabHelpdesk Call Log` where name = %s", call_log, as_dict=True)
        if not rows:
            return None
        log = rows[0]
    values = {tp: log.get(ours) for ours, tp in FIELDS.items()}
    values["from"] = values["from"] or "Unknown"
    values["to"] = values["to"] or "Unknown"
    if values["recording_url"] and len(values["recording_url"]) > 140:  # TP's is a Data field
        values["recording_url"] = None
    wanted = {(dt, str(name)) for dt, name in zip(LINKED, (log.get("ticket"), log.get("contact"))) if name}
    name = str(log.get("name"))
    if frappe.db.sql("select name from `tabTP Call Log` where name = %s", name):
        doc = frappe.get_doc(TP, name)
        shown = {(r.link_doctype, r.link_name) for r in doc.links if r.link_doctype in LINKED}
        if shown == wanted and all(_same(doc.get(f), v) for f, v in values.items()):
            return doc.name
        doc.update(values)
    else:
        doc = frappe.get_doc({"doctype": TP, "id": name, "telephony_medium": "RingCentral",
                              "medium": "switchboard", **values})
    doc.links = [row for row in doc.links if (row.link_doctype, row.link_name) in wanted
                 or row.link_doctype not in LINKED]
    for dt, link in sorted(wanted - {(r.link_doctype, r.link_name) for r in doc.links}):
        doc.append("links", {"link_doctype": dt, "link_name": link})
    doc.flags.ignore_permissions = True
    doc.save() if not doc.is_new() else doc.insert()
    return doc.name


def _same(stored, value) -> bool:
    """Whether a TP Call Log field holds `value` (dates and numbers compared as such)."""
    if isinstance(stored, datetime.datetime) or isinstance(value, datetime.datetime):
        return bool(stored) == bool(value) and (not stored or get_datetime(stored) == get_datetime(value))
    if isinstance(stored, (int, float)) or isinstance(value, (int, float)):
        return flt(stored) == flt(value)
    return cstr(stored) == cstr(value)


def mirror_reply(body: bytes) -> None:
    """Mirrors the call log a webhook reply names ({"call_log_name": ...})."""
    try:
        name = json.loads(body or b"{}").get("call_log_name")
    except ValueError:
        return
    if name:
        mirror(name)


def after_insert(doc, method=None) -> None:
    mirror(doc.name, doc)


def on_trash(doc, method=None) -> None:
    if frappe.db.exists(TP, doc.name):
        frappe.delete_doc(TP, doc.name, ignore_permissions=True, force=True)
