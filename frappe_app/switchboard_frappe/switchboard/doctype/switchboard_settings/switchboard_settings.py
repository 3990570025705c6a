import json
import re

import frappe
from frappe import _
from frappe.model.document import Document

import switchboard as sb

# Lists, one entry per line (as the library reads them); commas are accepted and split.
LIST_FIELDS = ("fallback_regions", "company_domains", "internal_domains", "company_numbers",
               "open_ticket_statuses", "closed_ticket_statuses", "closed_lead_statuses",
               "support_aliases", "sales_aliases", "info_aliases")


class SwitchboardSettings(Document):
	def validate(self):
		from switchboard_frappe.phones import SIGNATURE_FIELD, STATUS_FIELD
		from switchboard_frappe.settings import lines, rules_json

		# Written by the rekey job alone: a form opened before it ran does not take them back.
		for fieldname in (SIGNATURE_FIELD, STATUS_FIELD):
			self.set(fieldname, frappe.db.get_single_value(self.doctype, fieldname))

		for fieldname in LIST_FIELDS:
			if self.get(fieldname):
				self.set(fieldname, "\n".join(lines(self.get(fieldname))))
		self.region = (self.region or "US").strip().upper()
		if not re.fullmatch(r"[A-Z]{2}", self.region):
			frappe.throw(_("Phone Region must be a two-letter country code such as US, GB or IN"))
		if self.fallback_regions:
			self.fallback_regions = "\n".join(r.upper() for r in lines(self.fallback_regions))
		brands = []
		if (self.brands or "").strip():
			try:
				brands = json.loads(self.brands)
			except ValueError as e:
				frappe.throw(_("Brands must be a JSON list of brands: {0}").format(e))
			if not isinstance(brands, list) or not all(isinstance(b, dict) for b in brands):
				frappe.throw(_("Brands must be a JSON list of objects"))
		try:  # what every FrappeStore reads as the site's SiteConfig
			sb.SiteConfig(region=self.region, brands=brands,
			              **{f: lines(self.get(f)) for f in LIST_FIELDS if self.get(f)})
		except (ValueError, TypeError, sb.Error) as e:
			frappe.throw(_("Switchboard Settings: {0}").format(e))
		for brand in brands:
			for number in brand.get("company_numbers") or []:
				if sb.phone_key(number, self.region) is None:
					frappe.throw(_("Company number {0} is not a phone number").format(number))
		for number in lines(self.company_numbers):
			if sb.phone_key(number, self.region) is None:
				frappe.throw(_("Company number {0} is not a phone number").format(number))
		try:
			sb.RoutingRules.from_json(rules_json(self)).validate()
		except (ValueError, sb.Error) as e:
			frappe.throw(_("Routing rules: {0}").format(e))
		if self.route_incoming_email:
			from switchboard_frappe import email_account

			if not email_account.receives_whole_mail():
				frappe.msgprint(_(email_account.WHOLE_MAIL_WARNING).format(email_account.class_in_use()),
				                indicator="orange",
				                title=_("Received mail is routed without its headers"))

	def on_update(self):
		# get_single_value(cache=True) keeps values per connection: this request reads the new ones.
		frappe.db.value_cache.pop(self.doctype, None)
		if self.has_value_changed("region") or self.has_value_changed("fallback_regions"):
			from switchboard_frappe import jobs

			try:  # numbers are read another way now: the stored keys are recomputed
				jobs.queue_rekey()
			except Exception:  # no Redis: the hourly job recomputes them
				frappe.log_error(title="switchboard: phone keys rekey not queued")
