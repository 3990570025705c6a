"""Whitelisted endpoints (see hooks.py for their URLs)."""
from __future__ import annotations

import frappe

import switchboard as sb
from switchboard.frappe import FrappeStore


def _settings() -> dict:
    return frappe.db.get_singles_dict("CRM RingCentral Settings") or {}


@frappe.whitelist(allow_guest=True, methods=["POST"])
def ringcentral_webhook():
    """The webhook RingCentral (or the Pabbly relay) posts to. The Validation-Token handshake,
    the shared secret, de-duplication and the replies are WebhookHandler's."""
    from werkzeug.wrappers import Response

    settings = _settings()
    store = FrappeStore(frappe)
    # The company's numbers: the site's (Switchboard Settings), else CRM RingCentral Settings'.
    company = [n.strip() for n in (settings.get("company_phone_number") or "").split(",") if n.strip()]
    logger = sb.CallLogger(store, company_numbers=None if store.site.company_numbers else company,
                           create_tickets=bool(frappe.conf.get("switchboard_tickets_from_calls")))
    # The relay secret is a site_config value (no Settings field for it in the seed).
    handler = sb.WebhookHandler(logger,
                                verification_token=settings.get("verification_token") or "",
                                relay_secret=frappe.conf.get("switchboard_relay_secret") or "")
    status, headers, body = handler.handle(dict(frappe.request.headers), frappe.request.get_data())
    return Response(body, status=status, headers=headers)


@frappe.whitelist()
def sync_order_history(doctype: str, name: str, customer_name: str) -> dict:
    return sb.sync_order_history(FrappeStore(frappe), doctype, name, customer_name)


@frappe.whitelist()
def transfer_lead_to_ticket(lead: str, communication_ids=None) -> dict:
    ids = frappe.parse_json(communication_ids) if isinstance(communication_ids, str) else communication_ids
    return sb.transfer_lead_to_ticket(FrappeStore(frappe), lead, ids or None)


@frappe.whitelist()
def transfer_ticket_to_lead(ticket: str, communication_ids=None) -> dict:
    ids = frappe.parse_json(communication_ids) if isinstance(communication_ids, str) else communication_ids
    return sb.transfer_ticket_to_lead(FrappeStore(frappe), ticket, ids or None)


@frappe.whitelist()
def click_to_call(phone_number: str) -> dict:
    return sb.click_to_call(phone_number, FrappeStore(frappe).site)
