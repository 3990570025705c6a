from frappe.model.document import Document


class SwitchboardJob(Document):
	pass
