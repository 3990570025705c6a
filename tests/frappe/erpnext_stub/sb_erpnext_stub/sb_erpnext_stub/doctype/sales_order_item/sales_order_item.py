from frappe.model.document import Document


class SalesOrderItem(Document):
	pass
