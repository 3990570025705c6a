"""Record names may be integers in Python (Frappe names autoincrement doctypes, such as HD
Ticket on Helpdesk up to 1.24, by integers): every API taking a record's name takes one, and
the library holds it as its decimal text."""
import switchboard as sb
from dict_store import DictBackend


class IntegerNames(DictBackend):
    """A Python backend handing out integer names, as Frappe does for autoincrement doctypes."""

    def __init__(self):
        super().__init__()
        self.next = 0

    def insert(self, doctype, doc):
        if doctype != "HD Ticket":
            return super().insert(doctype, doc)
        self.next += 1
        super().insert(doctype, {**doc, "name": str(self.next)})
        return self.next

    def get(self, doctype, name):
        row = super().get(doctype, name)
        if row and doctype == "HD Ticket":
            row = {**row, "name": int(row["name"])}
        return row


def test_integer_names_everywhere():
    store = sb.Store(IntegerNames(), seed_defaults=True)
    first = store.insert("HD Ticket", {"subject": "a", "contact_mobile": "+1 555 010 4040"})
    assert first == "1" and store.get("HD Ticket", 1)["name"] == "1"
    second = store.insert("HD Ticket", {"subject": "b", "contact_mobile": "(555) 010-4040"})
    assert store.exists("HD Ticket", 2) and not store.exists("HD Ticket", 3)
    store.update("HD Ticket", 2, {"subject": "B"})
    log = store.insert("Helpdesk Call Log", {"call_id": "x", "ticket": second})
    report = sb.PhoneMerger(store).on_phone_changed("HD Ticket", 1)
    assert report.sources == ["2"] and store.get("Helpdesk Call Log", log)["ticket"] == "1"
    assert sb.resolve_survivor(store, "HD Ticket", 2) == "1"
    assert sb.PhoneMerger(store).merge_call_logs("HD Ticket", 1).skipped
    assert sb.list_communications(store, "HD Ticket", 1) == []
    logger = sb.CallLogger(store, company_numbers=["+15550100999"])
    manual = logger.create_manual_call_log("(555) 010-4040", ticket_name=1)
    assert store.get("Helpdesk Call Log", manual)["ticket"] == "1"
    result = sb.transfer_ticket_to_lead(store, 1, [])
    assert result["success"] and not store.exists("HD Ticket", 1)
    store.remove("HD Ticket", 2)
    assert store.insert("CRM Lead", {"name": 77, "first_name": "n"}) == "77"
