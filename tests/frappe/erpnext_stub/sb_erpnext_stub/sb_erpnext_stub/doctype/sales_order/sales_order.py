from frappe.model.document import Document


class SalesOrder(Document):
	pass
