"""The Store contract as a pytest suite: every backend must pass it.

Use it for your own backend (a Frappe store, say) by importing the tests into a test module
and providing a ``make_store`` fixture that returns a fresh, empty store each call::

    from switchboard.testing.store_contract import *  # noqa: F401,F403

    @pytest.fixture
    def make_store():
        return lambda: MyStore()

The same cases run in C++ (tests/cpp/store/store_contract.h) on the built-in backends.
"""
from __future__ import annotations

import datetime
import threading

import pytest

import switchboard as sb

__all__ = [name for name in dir() if name.startswith("test_")]  # filled at the end


def snapshot(store: sb.Store) -> dict:
    """Every document of every doctype, ordered by name: equal exactly when the data is."""
    return {dt: store.find(dt, order_by="name") for dt in store.doctypes()}


def seed_leads(store: sb.Store) -> None:
    store.insert("CRM Lead", {"name": "L1", "first_name": "Ann", "email": "ann@example.com",
                              "annual_revenue": 10.5, "no_of_employees": "11-50"})
    store.insert("CRM Lead", {"name": "L2", "first_name": "bob", "email": "",
                              "annual_revenue": 200, "status": "Contacted"})
    store.insert("CRM Lead", {"name": "L3", "first_name": "Ćeline", "annual_revenue": 30,
                              "converted": 1})


def names(store: sb.Store, doctype: str, filters) -> set[str]:
    return {d["name"] for d in store.find(doctype, filters, fields=["name"])}


def this_year() -> str:
    return str(datetime.date.today().year)


def test_naming_follows_frappe(make_store):
    s = make_store()
    year = this_year()
    assert s.insert("CRM Lead", {"first_name": "Ann"}) == f"CRM-LEAD-{year}-00001"
    assert s.insert("CRM Lead", {"first_name": "Bob"}) == f"CRM-LEAD-{year}-00002"
    assert s.insert("CRM Deal", {"organization": "Acme"}) == f"CRM-DEAL-{year}-00001"
    assert s.insert("HD Ticket", {"subject": "Help"}) == "0001"
    assert s.insert("HD Ticket", {"subject": "Again"}) == "0002"
    comm = s.insert("Communication", {"subject": "Hi"})
    assert len(comm) == 10 and set(comm) <= set("0123456789abcdefghijklmnopqrstuv")
    assert s.insert("CRM Call Log", {"id": "rc-123", "type": "Incoming"}) == "rc-123"
    assert len(s.insert("CRM Call Log", {"type": "Outgoing"})) == 12
    assert s.insert("Contact", {"full_name": "Jane Doe"}) == "Jane Doe"
    assert s.insert("Contact", {"full_name": "Jane Doe"}) == "Jane Doe-1"
    assert s.insert("Customer", {"customer_name": "Acme"}) == "Acme"
    assert s.insert("Customer", {"customer_name": "Acme"}) == "Acme - 1"
    assert s.insert("CRM RingCentral Settings", {"client_id": "x"}) == "CRM RingCentral Settings"
    assert s.insert("CRM Lead", {"name": "LEAD-X"}) == "LEAD-X"
    with pytest.raises(sb.StoreError) as err:
        s.insert("CRM Lead", {"name": "LEAD-X"})
    assert err.value.code == "duplicate"


def test_insert_fills_standard_columns_and_defaults(make_store):
    s = make_store()
    s.freeze_time(datetime.datetime(2026, 1, 1, 9, 30))
    name = s.insert("CRM Lead", {"first_name": "Ann", "mobile_no": "+1 555"})
    lead = s.get("CRM Lead", name)
    assert lead["first_name"] == "Ann"
    assert lead["status"] == "New"
    assert lead["converted"] == 0 and lead["annual_revenue"] == 0.0
    assert lead["owner"] == "Administrator" and lead["docstatus"] == 0
    assert lead["creation"] == lead["modified"]
    if not s.capabilities & sb.Capability.SELF_MANAGED:  # else the backend stamps it (Frappe)
        assert lead["creation"] == "2026-01-01 09:30:00.000000" == s.now()
    assert "last_name" in lead and lead["last_name"] is None
    assert s.get("CRM Lead", "nope") is None
    assert not s.exists("CRM Lead", "nope") and s.exists("CRM Lead", name)
    with pytest.raises(sb.NotFound) as err:
        s.get("No Such Doctype", "x")
    assert err.value.code == "unknown_doctype"
    assert isinstance(err.value, LookupError)
    assert s.get("CRM Deal Status", "Won")["type"] == "Won"
    assert s.count("HD Ticket Status") == 4


def test_values_are_coerced_to_field_types(make_store):
    s = make_store()
    name = s.insert("CRM Lead", {"first_name": 42, "converted": "1", "annual_revenue": "12.5",
                                 "creation": datetime.datetime(2025, 5, 6, 7, 8, 9, 10)})
    lead = s.get("CRM Lead", name)
    assert lead["first_name"] == "42" and lead["converted"] == 1
    assert lead["annual_revenue"] == 12.5
    assert lead["creation"] == "2025-05-06 07:08:09.000010"
    with pytest.raises(sb.ValidationError):
        s.insert("CRM Lead", {"converted": "yes"})
    with pytest.raises(ValueError):  # ValidationError is a ValueError too
        s.insert("CRM Lead", {"bad field": 1})
    with pytest.raises(sb.ValidationError):
        s.insert("CRM Lead", {"first_name": object()})
    assert len(s.find("CRM Lead", {"converted": "1"})) == 1


def test_custom_fields_are_kept(make_store):
    s = make_store()
    a = s.insert("HD Ticket", {"subject": "A", "custom_region": "EU", "custom_score": 7,
                               "custom_ratio": 0.5})
    b = s.insert("HD Ticket", {"subject": "B"})
    t = s.get("HD Ticket", a)
    assert (t["custom_region"], t["custom_score"], t["custom_ratio"]) == ("EU", 7, 0.5)
    assert "custom_region" not in s.get("HD Ticket", b)
    assert names(s, "HD Ticket", {"custom_region": "EU"}) == {a}
    assert s.find("HD Ticket", {"custom_never_written": "x"}) == []
    row = s.find("HD Ticket", {"name": a}, fields=["custom_score", "nothing"])
    assert row == [{"custom_score": 7, "nothing": None}]
    s.update("HD Ticket", b, {"custom_region": "US"})
    assert s.get("HD Ticket", b)["custom_region"] == "US"
    s.update("HD Ticket", b, {"custom_region": None})
    assert "custom_region" not in s.get("HD Ticket", b)


def test_every_filter_operator(make_store):
    s = make_store()
    seed_leads(s)
    n = lambda f: names(s, "CRM Lead", f)  # noqa: E731
    assert n({"first_name": "Ann"}) == {"L1"}
    assert n({"first_name": "ann"}) == set()
    # `= None` is "is null"; on Frappe it is Frappe's ifnull(field, '') = '' (null or empty).
    exact_null = not s.capabilities & sb.Capability.SELF_MANAGED
    assert n({"email": None}) == ({"L3"} if exact_null else {"L2", "L3"})
    assert n({"email": ["!=", "ann@example.com"]}) == {"L2", "L3"}
    assert n({"email": ["!=", ""]}) == {"L1"}
    assert n({"annual_revenue": ["<", 30]}) == {"L1"}
    assert n({"annual_revenue": ["<=", 30]}) == {"L1", "L3"}
    assert n({"annual_revenue": [">", 30]}) == {"L2"}
    assert n({"annual_revenue": [">=", "30"]}) == {"L2", "L3"}
    assert n({"email": ["<", "b"]}) == {"L1", "L2"}
    assert n({"status": ["in", ["New", "Lost"]]}) == {"L1", "L3"}
    assert n({"status": ["in", []]}) == set()
    assert n({"email": ["not in", ["ann@example.com"]]}) == {"L2", "L3"}
    assert n({"email": ["not in", [""]]}) == {"L1"}
    assert n({"first_name": ["like", "a%"]}) == {"L1"}
    assert n({"first_name": ["like", "_eline"]}) == {"L3"}
    assert n({"email": ["not like", "%example%"]}) == {"L2", "L3"}
    assert n({"email": ["is", "set"]}) == {"L1"}
    assert n({"email": ["is", "not set"]}) == {"L2", "L3"}
    assert n({"converted": ["is", "set"]}) == {"L1", "L2", "L3"}
    assert n({"annual_revenue": ["between", [10.5, 30]]}) == {"L1", "L3"}
    assert n([["converted", "=", 0], ["annual_revenue", ">", 100]]) == {"L2"}
    assert n([["CRM Lead", "converted", "=", 1]]) == {"L3"}
    assert n({"name": ["in", [f"L{i}" for i in range(200)]]}) == {"L1", "L2", "L3"}
    assert s.count("CRM Lead", {"converted": 0}) == 2 and s.count("CRM Lead") == 3
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", {"status": ["in", [None]]})
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", {"email": ["regexp", "x"]})
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", {"x; drop": 1})
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", {"status": ["New", "Lost"]})


def test_fields_order_by_limit_offset(make_store):
    s = make_store()
    seed_leads(s)
    rows = s.find("CRM Lead", fields=["name", "annual_revenue"], order_by="annual_revenue desc")
    assert [r["name"] for r in rows] == ["L2", "L3", "L1"] and set(rows[0]) == {"name", "annual_revenue"}
    rows = s.find("CRM Lead", fields=["name"], order_by="email asc, name desc")
    assert [r["name"] for r in rows] == ["L3", "L2", "L1"]
    rows = s.find("CRM Lead", fields=["name"], order_by="name", limit=2, offset=1)
    assert [r["name"] for r in rows] == ["L2", "L3"]
    assert s.find("CRM Lead", limit=0) == []
    assert s.find_one("CRM Lead", order_by="name desc")["name"] == "L3"
    assert s.find_one("CRM Lead", {"name": "none"}) is None
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", order_by="name sideways")


def test_update_and_update_where(make_store):
    s = make_store()
    seed_leads(s)
    s.freeze_time(1893456000)
    s.update("CRM Lead", "L1", {"status": "Nurture"})
    l1 = s.get("CRM Lead", "L1")
    assert l1["status"] == "Nurture" and l1["modified"] == s.now() != l1["creation"]
    s.freeze_time(1924992000)
    s.update("CRM Lead", "L1", {"status": "New"}, update_modified=False)
    assert s.get("CRM Lead", "L1")["modified"] == l1["modified"]
    with pytest.raises(sb.NotFound):
        s.update("CRM Lead", "missing", {"status": "New"})
    with pytest.raises(sb.ValidationError):
        s.update("CRM Lead", "L1", {"name": "L9"})
    assert s.update_where("CRM Lead", {"converted": 0}, {"source": "Web"}) == 2
    assert s.count("CRM Lead", {"source": "Web"}) == 2
    assert s.get("CRM Lead", "L3")["source"] is None


def test_child_rows_and_cascading_remove(make_store):
    s = make_store()
    c = s.insert("Contact", {"full_name": "Jane",
                             "email_ids": [{"email_id": "jane@x.com", "is_primary": 1},
                                           {"email_id": "j@y.com"}],
                             "phone_nos": [{"phone": "+15551234567"}],
                             "links": [{"link_doctype": "Customer", "link_name": "Acme"}]})
    emails = s.find("Contact Email", {"parent": c}, order_by="idx")
    assert [(e["idx"], e["parenttype"], e["parentfield"]) for e in emails] == [
        (1, "Contact", "email_ids"), (2, "Contact", "email_ids")]
    with pytest.raises(sb.ValidationError):
        s.insert("Contact Email", {"email_id": "x@x.com"})
    with pytest.raises(sb.ValidationError):
        s.insert("Contact", {"full_name": "Bad", "nonsense": [{"email_id": "a@b"}]})
    assert s.count("Contact", {"full_name": "Bad"}) == 0
    s.insert("CRM Call Log", {"id": "call-1",
                              "links": [{"link_doctype": "CRM Lead", "link_name": "L1"}]})
    s.remove("Contact", c)
    assert not s.exists("Contact", c)
    assert s.count("Contact Email", {"parent": c}) == 0
    assert s.count("Dynamic Link", {"parenttype": "Contact"}) == 0
    assert s.count("Dynamic Link", {"parenttype": "CRM Call Log"}) == 1
    with pytest.raises(sb.NotFound):
        s.remove("Contact", c)


def test_transactions_nest_and_roll_back_exactly(make_store):
    s = make_store()
    seed_leads(s)
    before = snapshot(s)
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.insert("CRM Lead", {"first_name": "Temp"})
            s.update("CRM Lead", "L1", {"status": "Junk"})
            s.remove("CRM Lead", "L2")
            s.insert("HD Ticket", {"subject": "x", "custom_new_field": "y"})
            assert s.transaction_depth == 1
            raise RuntimeError("boom")
    assert snapshot(s) == before and s.transaction_depth == 0
    with s.transaction():
        s.insert("CRM Lead", {"name": "outer"})
        with pytest.raises(KeyError):
            with s.transaction():
                s.insert("CRM Lead", {"name": "inner"})
                raise KeyError("inner only")
        with s.transaction():
            s.insert("CRM Lead", {"name": "inner2"})
    assert s.exists("CRM Lead", "outer") and s.exists("CRM Lead", "inner2")
    assert not s.exists("CRM Lead", "inner")
    assert s.insert("CRM Lead", {"first_name": "Next"}) == f"CRM-LEAD-{this_year()}-00001"
    with pytest.raises(sb.StoreError) as err:
        s.commit()
    assert err.value.code == "transaction"


def test_unique_fields_and_duplicate_names(make_store):
    s = make_store()
    s.insert("Helpdesk Call Log", {"call_id": "c1"})
    with pytest.raises(sb.StoreError) as err:
        s.insert("Helpdesk Call Log", {"name": "other", "call_id": "c1"})
    assert err.value.code == "duplicate"
    s.insert("Helpdesk Call Log", {"call_id": ""})
    s.insert("Helpdesk Call Log", {"call_id": ""})
    s.insert("Helpdesk Call Log", {"name": "x1"})
    with pytest.raises(sb.StoreError):
        s.update("Helpdesk Call Log", "x1", {"call_id": "c1"})
    assert s.count("Helpdesk Call Log") == 4


def test_names_and_text_order_follow_the_backends_collation(make_store, request):
    """Filters are exact on every backend. On MariaDB (utf8mb4_unicode_ci), as in Frappe on
    MariaDB, names and unique values are one identity whatever their case, accents or trailing
    spaces, and text sorts and compares (<, >, between) under the collation. A backend says it
    collates names with a ``collated_names`` fixture returning True."""
    try:
        collated = request.getfixturevalue("collated_names")
    except pytest.FixtureLookupError:
        collated = False
    s = make_store()
    s.insert("CRM Lead", {"name": "Ann", "first_name": "B"})
    s.insert("CRM Lead", {"name": "L2", "first_name": "a"})
    s.insert("Helpdesk Call Log", {"call_id": "C1"})
    s.insert("Contact", {"full_name": "Jane Doe"})
    assert s.find("CRM Lead", {"name": "ann"}) == []
    order = [r["name"] for r in s.find("CRM Lead", fields=["name"], order_by="first_name asc")]
    if collated:
        assert s.exists("CRM Lead", "ann") and s.exists("CRM Lead", "ÁNN")
        with pytest.raises(sb.StoreError):
            s.insert("CRM Lead", {"name": "ann"})
        with pytest.raises(sb.StoreError):
            s.insert("Helpdesk Call Log", {"call_id": "c1"})
        assert s.insert("Contact", {"full_name": "jane doe"}) == "jane doe-1"
        assert order == ["L2", "Ann"] and names(s, "CRM Lead", {"first_name": ["<", "a"]}) == set()
    else:
        assert not s.exists("CRM Lead", "ann")
        assert s.insert("CRM Lead", {"name": "ann"}) == "ann"
        s.insert("Helpdesk Call Log", {"call_id": "c1"})
        assert s.insert("Contact", {"full_name": "jane doe"}) == "jane doe"
        assert order == ["Ann", "L2"] and names(s, "CRM Lead", {"first_name": ["<", "a"]}) == {"Ann"}


def _multi_write(s: sb.Store) -> None:
    with s.transaction():
        lead = s.insert("CRM Lead", {"first_name": "Ann", "custom_x": 1})
        s.insert("Contact", {"full_name": "Ann", "email_ids": [{"email_id": "ann@x.com"}],
                             "phone_nos": [{"phone": "555"}]})
        s.update("CRM Lead", "L1", {"status": "Junk"})
        s.update_where("CRM Lead", {"converted": 0}, {"source": "Import"})
        s.remove("CRM Lead", "L3")
        s.insert("Communication", {"subject": "x", "reference_name": lead})


def test_a_fault_at_every_write_leaves_the_store_unchanged(make_store):
    counting = sb.FaultyStore(make_store())
    seed_leads(counting.inner)
    _multi_write(counting)
    total = counting.writes
    assert total >= 8
    for k in range(1, total + 1):
        inner = make_store()
        seed_leads(inner)
        before = snapshot(inner)
        with pytest.raises(sb.StoreError) as err:
            _multi_write(sb.FaultyStore(inner, fail_write=k))
        assert err.value.code == "injected_fault"
        assert snapshot(inner) == before, f"fault at write {k} left changes behind"
    inner = make_store()
    seed_leads(inner)
    before = snapshot(inner)
    with pytest.raises(sb.StoreError):
        _multi_write(sb.FaultyStore(inner, fail_commit=1))
    assert snapshot(inner) == before


def test_threads_are_serialized(make_store):
    s = make_store()
    errors = []

    def work():
        try:
            for _ in range(25):
                with s.transaction():
                    s.insert("HD Ticket", {"subject": "T"})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    tickets = [d["name"] for d in s.find("HD Ticket", fields=["name"], order_by="name")]
    assert tickets == [f"{i:04d}" for i in range(1, 101)]


__all__ = [name for name in dict(globals()) if name.startswith("test_")]
