from frappe.model.document import Document


class OrderHistory(Document):
	pass
