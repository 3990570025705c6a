from frappe.model.document import Document


class WorkOrder(Document):
	pass
