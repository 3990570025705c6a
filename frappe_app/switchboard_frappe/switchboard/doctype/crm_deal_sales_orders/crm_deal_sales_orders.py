from frappe.model.document import Document


class CRMDealSalesOrders(Document):
	pass
