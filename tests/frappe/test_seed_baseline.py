"""The original logic kept as bench_frappe.py's baseline does what the original documentation
says, on this site: so the speed comparison is against working code."""
from __future__ import annotations

import seed_baseline
from test_flows import mail, receive, shop  # noqa: F401


def test_the_original_routing_files_support_mail_on_a_ticket(site, shop, settings):  # noqa: F811
    from frappe.core.doctype.communication.communication import Communication

    settings(route_incoming_email=0)
    original = Communication.__dict__["before_save"]

    def before_save(self):
        original(self)
        seed_baseline.route(self)

    Communication.before_save = before_save
    try:
        comm = receive(site, shop["Support"], mail())
        again = receive(site, shop["Support"], mail(message_id="m3@customer.com", subject="More"))
        sale = receive(site, shop["Sales"], mail(sender="sam@buyer.org", to="sales@example-shop.com",
                                                 message_id="s1@buyer.org"))
    finally:
        Communication.before_save = original
    assert comm.reference_doctype == "HD Ticket" and again.reference_name == comm.reference_name
    assert site.db.get_value("HD Ticket", comm.reference_name, "raised_by") == "jane@customer.com"
    assert sale.reference_doctype == "CRM Lead"
    # Every step logged, as frappe.log_error(message, title) files it: the title as the error.
    assert site.db.count("Error Log", {"error": ["like", "Route: %"]}) >= 8


def test_the_original_webhook_logs_a_call_once(site):
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "x", "custom_contact_mobile": "15550109999"}).insert()
    payload = {"call_id": "seed-1", "direction": "Inbound", "from_number": "+1 555 010 9999",
               "to_number": "+15550100999", "duration": 30, "result": "Call connected",
               "start_time": "2026-01-06T10:30:00Z", "recording": {"id": "r1"}}
    name = seed_baseline.ingest(payload)
    assert seed_baseline.ingest(payload) is None
    log = site.get_doc("Helpdesk Call Log", name)
    assert (log.ticket, log.status, log.recording_url) == (
        str(ticket.name), "Completed",
        "https://platform.ringcentral.com/restapi/v1.0/account/~/recording/r1/content")
