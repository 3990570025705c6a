from frappe.model.document import Document


class SwitchboardMergeLog(Document):
	pass
