from frappe.model.document import Document


class Item(Document):
	pass
