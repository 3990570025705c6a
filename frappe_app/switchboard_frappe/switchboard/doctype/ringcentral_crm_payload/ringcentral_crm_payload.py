from frappe.model.document import Document


class RingcentralCrmPayload(Document):
	pass
