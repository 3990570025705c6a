import frappe
from frappe.model.document import Document


class Customer(Document):
	# ERPNext names a customer by customer_name and appends " - 1", " - 2" when it is taken.
	def autoname(self):
		base = (self.customer_name or "").strip()
		name, n = base, 0
		while frappe.db.exists("Customer", name):
			n += 1
			name = f"{base} - {n}"
		self.name = name
