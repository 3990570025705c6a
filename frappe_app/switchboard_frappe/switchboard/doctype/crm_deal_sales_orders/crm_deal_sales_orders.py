from frappe.model.document import Document


class CrmDealSalesOrders(Document):
	pass
