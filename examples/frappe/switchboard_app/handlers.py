"""doc_events handlers (see hooks.py). Each builds its switchboard objects on a FrappeStore of the
current site, whose facts (phone region, company domains and aliases, statuses, company numbers)
are the site's "Switchboard Settings"; none commits (Frappe commits the request)."""
from __future__ import annotations

import frappe

import switchboard as sb
from switchboard.frappe import FrappeStore


def _store() -> FrappeStore:
    return FrappeStore(frappe)


def route_communication(doc, method=None) -> None:
    """Files a received mail on its ticket or lead (creating one when the rules say so).
    Frappe's `in_reply_to` is a Communication link, not a Message-ID, so replies are found by
    the sender's recent open ticket here; build the email with InboundEmail.from_rfc822() when
    the raw mail is at hand, and In-Reply-To/References thread it exactly."""
    if doc.sent_or_received != "Received" or doc.reference_name:
        return
    email = sb.InboundEmail(
        message_id=doc.message_id or "", sender=doc.sender or "",
        sender_full_name=doc.sender_full_name or "", to=doc.recipients or "", cc=doc.cc or "",
        subject=doc.subject or "",
        sent_or_received=doc.sent_or_received, email_account=doc.email_account or "",
        content=doc.content or "", communication=doc.name or "")
    result = sb.Router(_store()).route(email)  # decisions go to the Switchboard Route Log
    if result.doctype and result.name:
        doc.reference_doctype, doc.reference_name = result.doctype, result.name


def _phone_changed(doc, doctype: str, fields: tuple[str, ...]) -> None:
    if any(doc.has_value_changed(f) for f in fields):
        sb.PhoneMerger(_store()).on_phone_changed(doctype, doc.name)


def lead_updated(doc, method=None) -> None:
    _phone_changed(doc, "CRM Lead", ("mobile_no", "phone"))


def ticket_updated(doc, method=None) -> None:
    _phone_changed(doc, "HD Ticket", ("contact_mobile",))


def validate_deal(doc, method=None) -> None:
    try:
        sb.validate_deal(_store(), doc.as_dict())
    except sb.ValidationError as e:
        frappe.throw(str(e))


def process_payload(name: str) -> None:
    """Background job: a queued RingCentral CRM Payload into call logs."""
    sb.process_crm_payload(sb.CallLogger(_store()), name)


def enqueue_payload(doc, method=None) -> None:
    if doc.processing_status in (None, "", "Pending"):
        frappe.enqueue("switchboard_app.handlers.process_payload", name=doc.name,
                       enqueue_after_commit=True)
