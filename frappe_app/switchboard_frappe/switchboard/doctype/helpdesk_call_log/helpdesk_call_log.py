import frappe
from frappe.model.document import Document


class HelpdeskCallLog(Document):
	def autoname(self):
		# The provider's call id when there is one (the upsert key); calls known only by their
		# telephony session get a hash until the call-log record brings the id.
		self.name = self.call_id or frappe.generate_hash(length=12)

	def validate(self):
		from switchboard_frappe.phones import set_phone_keys

		set_phone_keys(self)
