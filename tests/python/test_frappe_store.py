"""FrappeStore, the backend a Frappe app uses, on a stand-in `frappe` module.

The whole Store contract runs on it (see conftest's backends: it is one of them), and the
cases below check the Frappe-specific mapping."""
import pytest

import switchboard as sb
from fake_frappe import FakeFrappe
from switchboard.frappe import FrappeStore


def test_child_rows_are_appended_to_their_parent_and_the_parent_saved():
    fake = FakeFrappe()
    store = FrappeStore(fake)
    name = store.insert("Contact", {"full_name": "Jane", "email_ids": [{"email_id": "j@x.com"}]})
    assert ("insert", "Contact") in fake.calls and ("save", "Contact") in fake.calls
    rows = store.find("Contact Email", {"parent": name})
    assert [r["email_id"] for r in rows] == ["j@x.com"]


def test_updates_use_set_value_and_never_commit():
    fake = FakeFrappe()
    store = FrappeStore(fake)
    name = store.insert("CRM Lead", {"first_name": "Ann"})
    with store.transaction():
        store.update("CRM Lead", name, {"status": "Contacted"})
    assert ("set_value", "CRM Lead") in fake.calls
    assert store.get("CRM Lead", name)["status"] == "Contacted"
    assert fake.db.savepoints == []


def test_single_doctypes():
    store = FrappeStore(FakeFrappe())
    store.update_where("CRM RingCentral Settings", {}, {"client_id": "x"})  # nothing yet
    store.insert("CRM RingCentral Settings", {"client_id": "abc"})
    assert store.get("CRM RingCentral Settings", "CRM RingCentral Settings")["client_id"] == "abc"
    store.update("CRM RingCentral Settings", "CRM RingCentral Settings", {"client_id": "def"})
    assert store.find_one("CRM RingCentral Settings")["client_id"] == "def"


def test_empty_in_lists_never_match():
    store = FrappeStore(FakeFrappe())
    store.insert("CRM Lead", {"first_name": "Ann", "email": ""})
    assert store.find("CRM Lead", {"email": ["in", []]}) == []
    assert store.count("CRM Lead", {"email": ["in", []]}) == 0
    assert len(store.find("CRM Lead", {"email": ["not in", []]})) == 1


def test_missing_documents_are_not_found():
    store = FrappeStore(FakeFrappe())
    with pytest.raises(sb.NotFound):
        store.update("CRM Lead", "nope", {"status": "New"})
    with pytest.raises(sb.NotFound):
        store.remove("CRM Lead", "nope")
