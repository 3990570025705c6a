from frappe.model.document import Document


class RingCentralCRMPayload(Document):
	pass
