"""doc_events handlers (see hooks.py).

Each runs inside the save that triggered it and never commits: what switchboard writes
commits or rolls back with that save. They act for the system (``FrappeStore(
ignore_permissions=True)``): routing files mail that Frappe's email receiving stored, and
merging moves call logs after a save the user was allowed to make; neither may fail because
the user cannot see the other records involved.
"""
from __future__ import annotations

import frappe
from frappe import _

import switchboard as sb
from switchboard.frappe import FrappeStore

from . import email_account, phones, settings


def system_store() -> FrappeStore:
    return FrappeStore(frappe, ignore_permissions=True)


def merger(site: settings.Site) -> sb.PhoneMerger:
    """A PhoneMerger acting for the system, with the site's region and closed statuses."""
    return sb.PhoneMerger(system_store(), region=site.region,
                          closed_statuses=site.closed_statuses() or None)


# -- email routing -----------------------------------------------------------------------------
def _filed_on_closed_ticket(doc, site: settings.Site) -> bool:
    """Whether Frappe filed this reply on a closed HD Ticket because it answers one of its mails."""
    if doc.reference_doctype != "HD Ticket" or not doc.in_reply_to:
        return False
    status = frappe.db.get_value("HD Ticket", doc.reference_name, "status")
    return bool(status) and status in {*site.closed_statuses(), "Resolved", "Closed"}


# How the router found a thread by the mail's headers (RouteResult.match; a forward's record
# may have been found otherwise, its reason says forwarded).
_THREAD_MATCHES = frozenset({"in_reply_to", "references", "forwarded"})


def _followed_thread(result) -> bool:
    return result.match in _THREAD_MATCHES or result.reason == "forwarded"


def _answered(doc):
    """The Communication `doc` answers (Frappe's `in_reply_to`): its reference and Message-ID,
    read once per mail; None when it answers none."""
    if "switchboard_answered" not in doc.flags:
        doc.flags.switchboard_answered = frappe.db.get_value(
            "Communication", doc.in_reply_to, ["reference_doctype", "reference_name", "message_id"],
            as_dict=True) if doc.in_reply_to else None
    return doc.flags.switchboard_answered


def _filed_by_thread(doc) -> bool:
    """Whether Frappe (or Helpdesk) filed this mail on its record because it answers one of
    the record's mails (not by an Email Account's Append To)."""
    if doc.reference_doctype not in ("HD Ticket", "CRM Lead") or not doc.in_reply_to:
        return False
    parent = _answered(doc)
    return bool(parent) and (parent.reference_doctype, str(parent.reference_name)) == \
        (doc.reference_doctype, str(doc.reference_name))


def route_communication(doc, method=None) -> None:
    """Files a received email on its HD Ticket or CRM Lead, creating one when the rules say so.

    Runs after Frappe inserted the Communication (the router updates that row), before
    Helpdesk's own ``on_communication_update`` would reopen a ticket. Mail an Email Account
    filed by Append To and mail switchboard wrote itself are left alone. Mail Frappe filed on
    a ticket or lead by its thread is routed too, and the router's decision stands where it
    followed the thread itself: a forward to another team gets that team's record, a reply to
    a closed ticket the site's closed-ticket policy (a linked follow-up, or reopening); where
    the router could not see the thread, Frappe's filing stands. Routing never blocks the
    mail: failures are a `skip` with reason `error` in Error Log."""
    if (doc.flags.get("switchboard_routed") or doc.sent_or_received != "Received"
            or doc.communication_type != "Communication" or doc.communication_medium != "Email"
            or not doc.email_account):
        return
    site = settings.load()
    if not site.route_incoming_email:
        return
    on_closed = bool(doc.reference_name) and _filed_on_closed_ticket(doc, site)
    if doc.reference_name and not on_closed and not _filed_by_thread(doc):
        return
    doc.flags.switchboard_routed = True
    email = _inbound_email(doc)
    frappe.db.savepoint("sb_route")
    try:
        result = sb.Router(system_store(), site.routing_rules()).route(email)
    except Exception:  # noqa: BLE001 - never block the mail (the router itself never raises)
        frappe.db.rollback(save_point="sb_route")
        frappe.log_error(title="Route: Critical Error", message=frappe.get_traceback(),
                         reference_doctype="Communication", reference_name=doc.name)
        return
    if doc.reference_name and not on_closed and not _followed_thread(result):
        frappe.db.rollback(save_point="sb_route")  # Frappe's thread, which the router did not see
        return
    frappe.db.release_savepoint("sb_route")
    if result.doctype and result.name:
        doc.reference_doctype, doc.reference_name = result.doctype, result.name


def _inbound_email(doc) -> sb.InboundEmail:
    """The mail `doc` stores, for the router: the whole message while Frappe's email receiving
    stores it (its headers tell automated mail, threads and the alias it came in on), else what
    the Communication kept."""
    email = None
    raw = email_account.received_mail(doc)
    if raw is not None:
        try:
            email = sb.InboundEmail.from_rfc822(raw, doc.email_account or "")
            email.message_id = doc.message_id or email.message_id
            # The author as written: Frappe's sender is the Reply-To whenever there is one, which
            # made a shop's notification answered at its support@ a customer's ticket; the
            # routing rules' `reply_to` decides (a web form's Reply-To is taken). Like Frappe,
            # X-Original-From (set by mailing lists) before From.
            original = email.header("X-Original-From")
            if original:
                email.sender, email.sender_full_name = original, ""
            elif not email.sender and doc.sender:
                email.sender, email.sender_full_name = doc.sender, doc.sender_full_name or ""
        except Exception:  # noqa: BLE001 - a message GMime cannot read is routed by its fields
            email = None
    if email is None:
        # Frappe stores the Communication it answers; the router wants its Message-ID.
        answered = _answered(doc)
        in_reply_to = (answered.message_id or "") if answered else ""
        email = sb.InboundEmail(
            message_id=doc.message_id or "", sender=doc.sender or "",
            sender_full_name=doc.sender_full_name or "", to=doc.recipients or "", cc=doc.cc or "",
            subject=doc.subject or "", in_reply_to=in_reply_to,
            email_account=doc.email_account or "", content=doc.text_content or doc.content or "")
    email.sent_or_received = "Received"
    email.communication = doc.name
    return email


def set_reply_account(doc, method=None) -> None:
    """An agent's email on an HD Ticket or CRM Lead goes out from the record's reply alias.

    Frappe sends a Communication through its ``email_account`` (``get_outgoing_email_account``);
    when the sending code named none, this picks the enabled outgoing Email Account whose
    address is ``sb.reply_from_address`` of the record: the alias the customer wrote to
    (custom_reply_email_alias), else its brand's or the site's default. An account chosen by
    the sender (Helpdesk's "from" picker) is left alone; no matching account changes nothing."""
    if (doc.sent_or_received != "Sent" or doc.communication_medium != "Email"
            or doc.reference_doctype not in ("HD Ticket", "CRM Lead") or not doc.reference_name
            or doc.email_account):
        return
    try:
        alias = sb.reply_from_address(system_store(), doc.reference_doctype, str(doc.reference_name))
    except sb.NotFound:
        return
    if not alias:
        return
    account = frappe.db.get_value("Email Account", {"email_id": alias, "enable_outgoing": 1}, "name")
    if account:
        doc.email_account = account


# -- phones ------------------------------------------------------------------------------------
def set_phone_keys(doc, method=None) -> None:
    phones.set_phone_keys(doc)


def _merge_on_change(doc, doctype: str, sources: tuple[str, ...]) -> None:
    """When a record gets a number, the oldest open record holding it (else the oldest) keeps
    the call logs: the others, this one included when it is not that record, are merged
    into it. A failed merge is
    logged and leaves everything as it was; the save goes on."""
    if doc.flags.get("switchboard_merging"):
        return
    fields = [phones.site_field(doctype, f) for f in sources]
    changed = [doc.get(f) for f in fields if doc.get(f) and doc.has_value_changed(f)]
    if not changed:
        return
    site = settings.load()
    if not site.merge_on_phone_change:
        return
    doc.flags.switchboard_merging = True
    frappe.db.savepoint("sb_merge")
    try:
        merger_ = merger(site)
        target = str(doc.name)
        for raw in changed:
            duplicates = merger_.find_duplicates(doctype, raw)
            if duplicates and duplicates[0] != target:
                target = duplicates[0]
                break
        merger_.on_phone_changed(doctype, target)
    except Exception:  # noqa: BLE001 - the user's save goes on; the merge left nothing behind
        frappe.db.rollback(save_point="sb_merge")
        frappe.log_error(title=f"switchboard: merge by phone failed ({doctype} {doc.name})",
                         message=frappe.get_traceback(), reference_doctype=doctype,
                         reference_name=str(doc.name))
    else:
        frappe.db.release_savepoint("sb_merge")
    finally:
        doc.flags.switchboard_merging = False


def lead_updated(doc, method=None) -> None:
    _merge_on_change(doc, "CRM Lead", ("mobile_no", "phone"))


def ticket_updated(doc, method=None) -> None:
    _merge_on_change(doc, "HD Ticket", ("contact_mobile",))


# -- deals -------------------------------------------------------------------------------------
def validate_deal(doc, method=None) -> None:
    """A deal whose status is of type Won needs at least one Sales Order."""
    site = settings.load()
    if not site.require_sales_order_on_won or not doc.status:
        return
    rows = doc.get(phones.site_field("CRM Deal", "sales_orders")) or []
    deal = {"name": str(doc.name or ""), "status": doc.status,
            "sales_orders": [{"sales_order": r.sales_order} for r in rows if r.sales_order]}
    try:
        sb.validate_deal(system_store(), deal)
    except sb.ValidationError as e:
        frappe.throw(_(str(e)), title=_("Sales Order required"))
