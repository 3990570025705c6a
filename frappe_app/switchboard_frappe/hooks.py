app_name = "switchboard_frappe"
app_title = "Switchboard"
app_publisher = "switchboard"
app_description = "Email routing, phone merging, call logging, transfers and order history for Frappe CRM and Helpdesk"
app_email = "switchboard@localhost"
app_license = "mit"

# Helpdesk (which brings Telephony) and Frappe CRM: their doctypes are what switchboard serves.
required_apps = ["frappe/helpdesk", "frappe/crm"]

after_install = "switchboard_frappe.install.after_install"
after_migrate = "switchboard_frappe.install.after_migrate"
before_uninstall = "switchboard_frappe.install.before_uninstall"
after_uninstall = "switchboard_frappe.install.after_uninstall"

# Frappe's email receiving keeps a mail's headers for the router while it stores the mail
# (adds to Helpdesk's Email Account class, see email_account.py).
override_doctype_class = {"Email Account": "switchboard_frappe.email_account.EmailAccount"}

doc_events = {
	# A received mail is filed on its HD Ticket or CRM Lead once it is stored (the router
	# updates the row Frappe's email receiving just inserted).
	# An agent's reply goes out from the alias the customer wrote to.
	"Communication": {
		"before_insert": "switchboard_frappe.handlers.set_reply_account",
		"after_insert": "switchboard_frappe.handlers.route_communication",
	},
	# Phone keys for saves made by forms and other apps; merges after the row is written.
	"CRM Lead": {
		"validate": "switchboard_frappe.handlers.set_phone_keys",
		"on_update": "switchboard_frappe.handlers.lead_updated",
	},
	"HD Ticket": {
		"validate": "switchboard_frappe.handlers.set_phone_keys",
		"on_update": "switchboard_frappe.handlers.ticket_updated",
	},
	"CRM Deal": {
		"validate": [
			"switchboard_frappe.handlers.set_phone_keys",
			"switchboard_frappe.handlers.validate_deal",
		],
	},
	"CRM Call Log": {"validate": "switchboard_frappe.handlers.set_phone_keys"},
	# Helpdesk's ticket page lists the Telephony app's TP Call Log: each call is mirrored there.
	"Helpdesk Call Log": {
		"after_insert": "switchboard_frappe.telephony.after_insert",
		"on_trash": "switchboard_frappe.telephony.on_trash",
	},
	"Contact": {"validate": "switchboard_frappe.handlers.set_phone_keys"},
}

scheduler_events = {
	# RingCentral without a relay (nothing runs until CRM RingCentral Settings is signed in):
	# the job queue every minute, the call-log sync every five minutes, the subscription hourly.
	"cron": {
		"* * * * *": ["switchboard_frappe.jobs.ringcentral_jobs"],
		"*/5 * * * *": ["switchboard_frappe.jobs.ringcentral_sync"],
	},
	"hourly": [
		# Webhook bodies whose processing failed are tried again.
		"switchboard_frappe.jobs.retry_failed_payloads",
		"switchboard_frappe.jobs.ringcentral_subscription",
	],
	# Stored phone keys recomputed when they were computed with another key version or other
	# phone regions than the site's now (a no-op check otherwise; also queued by migrate).
	"hourly_long": ["switchboard_frappe.jobs.rekey_phone_keys"],
}
