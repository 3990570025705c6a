"""Frappe hooks: merge these entries into your app's hooks.py."""
app_name = "switchboard_app"
app_title = "switchboard"
app_publisher = "switchboard"
app_description = "Front-desk routing, phone matching and call logging for Frappe CRM and Helpdesk"
app_license = "MIT"

doc_events = {
    # Replaces the seed's "Communication Before Save" server script.
    "Communication": {"before_save": "switchboard_app.handlers.route_communication"},
    # Replaces "Lead Auto-Merge by Phone Number" and "Automatic Ticket Phone Merging"; on_update
    # runs after the row is written, inside the same transaction as the save.
    "CRM Lead": {"on_update": "switchboard_app.handlers.lead_updated"},
    "HD Ticket": {"on_update": "switchboard_app.handlers.ticket_updated"},
    # Replaces crm_deal.validate_sales_orders_on_won.
    "CRM Deal": {"validate": "switchboard_app.handlers.validate_deal"},
    # Queued webhook payloads are processed the seed's graceful way.
    "RingCentral CRM Payload": {"after_insert": "switchboard_app.handlers.enqueue_payload"},
}

# Endpoints (all in switchboard_app.api, whitelisted):
#   /api/method/switchboard_app.api.ringcentral_webhook      RingCentral / Pabbly webhook
#   /api/method/switchboard_app.api.sync_order_history       the order-history button
#   /api/method/switchboard_app.api.transfer_lead_to_ticket  the CRM "move to Helpdesk" action
#   /api/method/switchboard_app.api.transfer_ticket_to_lead  and back
#   /api/method/switchboard_app.api.click_to_call            RingCentral links for a number
