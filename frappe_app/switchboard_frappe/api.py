"""Whitelisted endpoints: /api/method/switchboard_frappe.api.<name>.

Every method but `webhook` refuses guests and website users and checks `frappe.has_permission` on the records it
reads and writes before the library runs, and the library then works as the session user
(`FrappeStore()`), so Frappe's permission rules apply to everything it touches. The webhook
is the phone system's: it accepts guests and requires its token instead.
"""
from __future__ import annotations

import json

import frappe
from frappe import _
from werkzeug.wrappers import Response

import switchboard as sb
from switchboard.frappe import FrappeStore

from . import handlers, settings, telephony

RECORD_DOCTYPES = ("HD Ticket", "CRM Lead", "CRM Deal")


def _require_user() -> settings.Site:
    """A logged-in desk user: guests and website users (portal customers) are refused."""
    if frappe.session.user == "Guest":
        raise frappe.PermissionError(_("Log in to use switchboard"))
    if frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User":
        raise frappe.PermissionError(_("Not permitted"))
    site = settings.load()
    return site


def _require(doctype: str, ptype: str, name: str | None = None) -> None:
    if not frappe.has_permission(doctype, ptype, doc=name):
        label = f"{doctype} {name}" if name else doctype
        raise frappe.PermissionError(_("Not permitted to {0} {1}").format(_(ptype), label))


def _require_exists(doctype: str, name: str) -> None:
    if not name or not frappe.db.exists(doctype, name):
        raise frappe.DoesNotExistError(_("{0} {1} not found").format(_(doctype), name))


def _name(value) -> str:
    """Record names as text: sites naming tickets by autoincrement hand out integers."""
    return "" if value is None else str(value)


def _ids(communication_ids) -> list[str] | None:
    if communication_ids in (None, "", "null"):
        return None
    ids = frappe.parse_json(communication_ids) if isinstance(communication_ids, str) else communication_ids
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        frappe.throw(_("communication_ids must be a list of Communication names"))
    return ids


def _as_frappe_error(e: sb.Error):
    """A library error as the Frappe exception that gives the right HTTP status."""
    if isinstance(e, sb.AuthError):
        return frappe.PermissionError(str(e))
    if isinstance(e, sb.NotFound):
        return frappe.DoesNotExistError(str(e))
    return frappe.ValidationError(str(e))


def _run(fn):
    try:
        return fn()
    except sb.Error as e:
        raise _as_frappe_error(e) from e


# -- the phone system's webhook ------------------------------------------------------------------
@frappe.whitelist(allow_guest=True, methods=["POST"])
def webhook():
    """RingCentral's subscription webhook and the Pabbly relay. Token and secret checks, the
    Validation-Token handshake, de-duplication and the replies are WebhookHandler's. Without a
    token or secret configured it answers 503 (and writes an Error Log) unless Switchboard
    Settings accept unauthenticated webhooks. Once a delivery is authenticated the library
    acts for the system: it writes call logs on records no guest could see."""
    site = settings.load(secrets=True)
    if not site.webhook_configured and not site.accept_unauthenticated_webhooks:
        frappe.log_error(
            title="switchboard: webhook refused",
            message="A webhook delivery was refused: Switchboard Settings have no Webhook "
                    "Verification Token or Relay Secret (or tick Accept Unauthenticated Webhooks).")
        body = json.dumps({"success": False, "message": "webhook not configured"})
        return Response(body, status=503, content_type="application/json")
    logger = sb.CallLogger(handlers.system_store(), region=site.region,
                           company_numbers=site.company_numbers,
                           create_tickets=site.create_tickets_from_calls)
    handler = sb.WebhookHandler(logger, verification_token=site.webhook_token,
                                relay_secret=site.relay_secret)
    status, headers, body = handler.handle(dict(frappe.request.headers), frappe.request.get_data())
    if status == 200:
        telephony.mirror_reply(body)
    return Response(body, status=status, headers=headers)


# -- records -------------------------------------------------------------------------------------
@frappe.whitelist(methods=["POST"])
def sync_order_history(doctype: str, name: str, customer_name: str) -> dict:
    """Rebuilds the record's Order History rows from the customer's Sales Orders and their
    Work Orders. Needs write on the record and read on Sales Order."""
    site, name = _require_user(), _name(name)
    if doctype not in RECORD_DOCTYPES:
        frappe.throw(_("Order history is kept on {0}").format(", ".join(RECORD_DOCTYPES)))
    _require_exists(doctype, name)
    _require(doctype, "write", name)
    if frappe.db.exists("DocType", "Sales Order"):
        _require("Sales Order", "read")
    return _run(lambda: sb.sync_order_history(FrappeStore(frappe), doctype, name, customer_name,
                                              ops_status_field=site.ops_status_field))


@frappe.whitelist(methods=["POST"])
def transfer_lead_to_ticket(lead: str, communication_ids=None, delete_source: int = 1) -> dict:
    """Moves a CRM Lead's emails (all, or the given Communications) to a new HD Ticket. Needs
    read (and delete, when the lead goes) on the lead and create on HD Ticket."""
    return _transfer(sb.transfer_lead_to_ticket, "CRM Lead", lead, "HD Ticket", communication_ids, delete_source)


@frappe.whitelist(methods=["POST"])
def transfer_ticket_to_lead(ticket: str, communication_ids=None, delete_source: int = 1) -> dict:
    """Moves an HD Ticket's emails to a new CRM Lead. Needs read (and delete) on the ticket and
    create on CRM Lead."""
    return _transfer(sb.transfer_ticket_to_lead, "HD Ticket", ticket, "CRM Lead", communication_ids, delete_source)


def _transfer(move, source_doctype: str, source, target_doctype: str, communication_ids, delete_source) -> dict:
    """Checks the user's rights on both sides, then runs `move` on the site's store."""
    site, source = _require_user(), _name(source)
    _require_exists(source_doctype, source)
    _require(source_doctype, "read", source)
    if int(delete_source):
        _require(source_doctype, "delete", source)
    _require(target_doctype, "create")
    ids = _ids(communication_ids)
    return _run(lambda: move(FrappeStore(frappe), source, ids, delete_source=bool(int(delete_source)),
                             internal_domains=site.internal_domains or None, region=site.region))


@frappe.whitelist(methods=["POST"])
def merge_call_logs(doctype: str, name: str) -> dict:
    """The manual merge: the other records holding this record's numbers are merged into it.
    Needs write on the record; the merge then acts for the system (it closes duplicates the
    user may not see), as the automatic merge on save does."""
    site, name = _require_user(), _name(name)
    if doctype not in ("HD Ticket", "CRM Lead"):
        frappe.throw(_("Only HD Tickets and CRM Leads are merged by phone"))
    _require_exists(doctype, name)
    _require(doctype, "write", name)
    return _run(lambda: handlers.merger(site).merge_call_logs(doctype, name).to_dict())


@frappe.whitelist(methods=["GET", "POST"])
def find_duplicates(doctype: str, phone: str) -> list[str]:
    """Records holding a phone number, oldest first, among those the user may read."""
    site = _require_user()
    if doctype not in ("HD Ticket", "CRM Lead"):
        frappe.throw(_("Only HD Tickets and CRM Leads are merged by phone"))
    _require(doctype, "read")
    names = _run(lambda: handlers.merger(site).find_duplicates(doctype, phone))
    return [n for n in names if frappe.has_permission(doctype, "read", doc=n)]


@frappe.whitelist(methods=["POST"])
def bulk_merge(doctype: str, dry_run: int = 1) -> dict:
    """Merges every group of records sharing a number into its oldest open record (else its
    oldest). System Manager only: it touches every record of the doctype."""
    site = _require_user()
    frappe.only_for("System Manager")
    if doctype not in ("HD Ticket", "CRM Lead"):
        frappe.throw(_("Only HD Tickets and CRM Leads are merged by phone"))
    return _run(lambda: handlers.merger(site).bulk_merge(doctype, dry_run=bool(int(dry_run))).to_dict())


@frappe.whitelist(methods=["POST"])
def rekey_phone_keys(now: int = 0) -> dict:
    """Recomputes the stored phone keys of every keyed doctype (System Manager only): queued
    on the long queue, or with `now`=1 run in this request, committing page by page, and
    answered with what was read and rewritten per doctype."""
    from . import jobs

    _require_user()
    frappe.only_for("System Manager")
    if int(now):
        return {"queued": False, "doctypes": _run(lambda: jobs.rekey_phone_keys(force=True))}
    return {"queued": _run(lambda: jobs.queue_rekey(force=True)), "doctypes": {}}


@frappe.whitelist(methods=["GET", "POST"])
def click_to_call(phone_number: str) -> dict:
    """RingCentral app, web and tel: links for a number, in the site's region. Reads nothing;
    any desk user may ask."""
    site = _require_user()
    return _run(lambda: sb.click_to_call(phone_number, region=site.region))


@frappe.whitelist(methods=["POST"])
def log_outgoing_call(phone_number: str, contact: str | None = None,
                      ticket: str | None = None) -> dict:
    """The click-to-call log: an Outgoing, Initiated Helpdesk Call Log to the number, linked to
    the contact and ticket. Needs create on Helpdesk Call Log and read on the records given."""
    site, ticket = _require_user(), _name(ticket) or None
    _require("Helpdesk Call Log", "create")
    for doctype, name in (("Contact", contact), ("HD Ticket", ticket)):
        if name:
            _require_exists(doctype, name)
            _require(doctype, "read", name)
    logger = sb.CallLogger(FrappeStore(frappe), region=site.region,
                           company_numbers=site.company_numbers)
    name = _run(lambda: logger.create_manual_call_log(phone_number, contact or "", ticket or ""))
    return {"success": True, "call_log": name}
