"""Calls in Helpdesk's own call list: every Helpdesk Call Log is mirrored into the Telephony
app's TP Call Log (same id), linked to its ticket and contact, which is what the Helpdesk
agent UI shows on a ticket. The Helpdesk Call Log stays the record switchboard keeps (upsert
keys, telephony state, transcript); the mirror follows it after each ingest. Merges need no
help: they re-point Dynamic Link rows, the mirror's links included."""
from __future__ import annotations

import json

import frappe

TP = "TP Call Log"
FIELDS = {"type": "type", "status": "status", "from_number": "from", "to_number": "to",
          "duration": "duration", "start_time": "start_time", "end_time": "end_time",
          "recording_url": "recording_url"}


def mirror(call_log: str) -> str | None:
    """Creates or updates the TP Call Log of a Helpdesk Call Log; returns its name."""
    if not call_log or not frappe.db.exists("DocType", TP):
        return None
    log = frappe.db.get_value("Helpdesk Call Log", call_log, ["name", "ticket", "contact", *FIELDS],
                              as_dict=True)
    if not log:
        return None
    values = {tp: log.get(ours) for ours, tp in FIELDS.items()}
    values["from"] = values["from"] or "Unknown"
    values["to"] = values["to"] or "Unknown"
    if values["recording_url"] and len(values["recording_url"]) > 140:  # TP's is a Data field
        values["recording_url"] = None
    links = [("HD Ticket", log.ticket), ("Contact", log.contact)]
    if frappe.db.exists(TP, log.name):
        doc = frappe.get_doc(TP, log.name)
        doc.update(values)
    else:
        doc = frappe.get_doc({"doctype": TP, "id": log.name, "telephony_medium": "RingCentral",
                              "medium": "switchboard", **values})
    wanted = {(dt, str(name)) for dt, name in links if name}
    doc.links = [row for row in doc.links if (row.link_doctype, row.link_name) in wanted
                 or row.link_doctype not in ("HD Ticket", "Contact")]
    for dt, name in sorted(wanted - {(r.link_doctype, r.link_name) for r in doc.links}):
        doc.append("links", {"link_doctype": dt, "link_name": name})
    doc.flags.ignore_permissions = True
    doc.save() if not doc.is_new() else doc.insert()
    return doc.name


def mirror_reply(body: bytes) -> None:
    """Mirrors the call log a webhook reply names ({"call_log_name": ...})."""
    try:
        name = json.loads(body or b"{}").get("call_log_name")
    except ValueError:
        return
    if name:
        mirror(name)


def after_insert(doc, method=None) -> None:
    mirror(doc.name)


def on_trash(doc, method=None) -> None:
    if frappe.db.exists(TP, doc.name):
        frappe.delete_doc(TP, doc.name, ignore_permissions=True, force=True)
