from frappe.model.document import Document


class CRMRingCentralSettings(Document):
	pass
