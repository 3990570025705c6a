from frappe.model.document import Document


class SwitchboardRouteLog(Document):
	pass
