"""The Store contract as a pytest suite: every backend must pass it.

Use it for your own backend by importing the tests into a test module and providing a
``make_store`` fixture that returns a store each call::

    from switchboard.testing.store_contract import *  # noqa: F401,F403

    @pytest.fixture
    def make_store():
        return lambda: MyStore()

Where backends legitimately differ — Frappe names documents by its own rules, validates links
and mandatory fields, reads null as '' in filters, keeps Error Log rows through a rollback —
the suite asks the ``store_traits`` fixture (``StoreTraits()``: the embedded stores'
behaviour) and tests exactly what the backend declares. Override it next to ``make_store``;
a backend that needs custom fields declared before they are written (Frappe) creates
``CUSTOM_FIELDS`` first. The tests only ever look at documents they wrote, so a store that
already holds data (a Frappe site) passes too, as long as each test is rolled back or runs
on a store of its own.

The same cases run in C++ (tests/cpp/store/store_contract.h) on the built-in backends.
"""
from __future__ import annotations

import dataclasses
import datetime
import re
import threading

import pytest

import switchboard as sb

__all__ = [name for name in dir() if name.startswith("test_")]  # filled at the end


@dataclasses.dataclass(frozen=True)
class StoreTraits:
    """What a backend does where backends legitimately differ. The defaults are the embedded
    stores' (memory, SQLite, Python)."""

    #: each make_store() is empty (series counters start at 1)
    fresh: bool = True
    #: insert() keeps a supplied name (Frappe ignores it and names by its own rules)
    keeps_supplied_names: bool = True
    #: insert() keeps a supplied creation (Frappe stamps its own)
    keeps_supplied_creation: bool = True
    #: "=" on text is exact; False where the collation folds case (MariaDB)
    case_sensitive_equality: bool = True
    #: names and unique values are one identity whatever their case or accents, and text
    #: sorts under the collation (utf8mb4_unicode_ci: MariaDbStore, Frappe on MariaDB)
    collated_names: bool = False
    #: Frappe's filters: "= None" and "is not set" match null and '', 0 is "not set", and
    #: comparisons read null as ''
    frappe_nulls: bool = False
    #: a custom field must exist (as a Custom Field) before it is written
    custom_fields_need_declaring: bool = False
    #: Link / Dynamic Link targets must exist
    validates_links: bool = False
    #: mandatory fields (CRM Call Log's type, status, from, to) are enforced
    requires_mandatory: bool = False
    #: a store may only be used from the thread that created it
    thread_bound: bool = False
    #: HD Ticket names: "series" ("0001", "0002") or "autoincrement" ("1", "2": integers)
    ticket_names: str = "series"
    #: library doctypes the backend does not have (reads are empty, writes NotFound)
    missing_doctypes: frozenset = frozenset()
    #: doctypes whose rows a rollback does not undo (Frappe's MyISAM Error Log)
    non_transactional: frozenset = frozenset()


@pytest.fixture
def store_traits() -> StoreTraits:
    return StoreTraits()


#: The custom fields the suite writes, with Frappe fieldtypes, for backends that need them
#: declared first (custom_fields_need_declaring).
CUSTOM_FIELDS = {
    "HD Ticket": {"custom_region": "Data", "custom_score": "Int", "custom_ratio": "Float",
                  "custom_new_field": "Data"},
    "CRM Lead": {"custom_x": "Int"},
}


def snapshot(store: sb.Store, skip=frozenset()) -> dict:
    """Every document of every doctype, ordered by name: equal exactly when the data is."""
    return {dt: store.find(dt, order_by="name") for dt in store.doctypes() if dt not in skip}


def seed_leads(store: sb.Store) -> dict[str, str]:
    """Three leads; returns {"L1": name, "L2": name, "L3": name}."""
    return {
        "L1": store.insert("CRM Lead", {"first_name": "Ann", "email": "ann@example.com",
                                        "annual_revenue": 10.5, "no_of_employees": "11-50"}),
        "L2": store.insert("CRM Lead", {"first_name": "bob", "email": "",
                                        "annual_revenue": 200, "status": "Contacted"}),
        "L3": store.insert("CRM Lead", {"first_name": "Ćeline", "annual_revenue": 30,
                                        "converted": 1}),
    }


def names(store: sb.Store, doctype: str, filters, among=None) -> set[str]:
    found = {d["name"] for d in store.find(doctype, filters, fields=["name"])}
    return found if among is None else found & set(among)


def this_year() -> str:
    return str(datetime.date.today().year)


def _number(name: str) -> int:
    return int(re.search(r"(\d+)$", name).group(1))


def _call_log(call_id=None, **extra) -> dict:
    doc = {"type": "Incoming", "status": "Completed", "from": "+15550100", "to": "+15550199", **extra}
    if call_id is not None:
        doc["id"] = call_id
    return doc


def test_naming_follows_frappe(make_store, store_traits):
    t, s, year = store_traits, make_store(), this_year()
    a, b = s.insert("CRM Lead", {"first_name": "Ann"}), s.insert("CRM Lead", {"first_name": "Bob"})
    assert re.fullmatch(rf"CRM-LEAD-{year}-\d{{5}}", a) and _number(b) == _number(a) + 1
    deal = s.insert("CRM Deal", {"next_step": "call"})
    assert re.fullmatch(rf"CRM-DEAL-{year}-\d{{5}}", deal)
    t1, t2 = s.insert("HD Ticket", {"subject": "Help"}), s.insert("HD Ticket", {"subject": "Again"})
    if t.ticket_names == "series":
        assert re.fullmatch(r"\d{4,}", t1) and _number(t2) == _number(t1) + 1
    else:  # autoincrement: integers, handed out by a sequence (a rollback leaves gaps)
        assert t1.isdigit() and t2.isdigit() and int(t2) > int(t1) and not t1.startswith("0")
    if t.fresh:
        assert (a, deal) == (f"CRM-LEAD-{year}-00001", f"CRM-DEAL-{year}-00001")
        assert t1 == ("0001" if t.ticket_names == "series" else "1")
    comm = s.insert("Communication", {"subject": "Hi"})
    assert len(comm) == 10 and set(comm) <= set("0123456789abcdefghijklmnopqrstuv")
    assert s.insert("CRM Call Log", _call_log("rc-123")) == "rc-123"
    assert len(s.insert("CRM Call Log", _call_log())) == 12
    jane = {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"}
    assert s.insert("Contact", dict(jane)) == "Jane Doe"
    assert s.insert("Contact", dict(jane)) == "Jane Doe-1"
    assert s.insert("Customer", {"customer_name": "Acme"}) == "Acme"
    assert s.insert("Customer", {"customer_name": "Acme"}) == "Acme - 1"
    single = "CRM RingCentral Settings"
    if single in t.missing_doctypes:
        with pytest.raises(sb.NotFound) as err:
            s.insert(single, {"client_id": "x"})
        assert err.value.code == "unknown_doctype" and s.get(single, single) is None
    else:
        assert s.insert(single, {"client_id": "x"}) == single
    named = s.insert("CRM Lead", {"name": "LEAD-X", "first_name": "X"})
    if t.keeps_supplied_names:
        assert named == "LEAD-X"
        with pytest.raises(sb.StoreError) as err:
            s.insert("CRM Lead", {"name": "LEAD-X"})
        assert err.value.code == "duplicate"
    else:  # named by the series, as if no name were given
        assert re.fullmatch(rf"CRM-LEAD-{year}-\d{{5}}", named)
    with pytest.raises(sb.StoreError) as err:  # a name taken by a field-named doctype
        s.insert("CRM Lead Status", {"lead_status": "New"})
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


def test_values_are_coerced_to_field_types(make_store, store_traits):
    s = make_store()
    name = s.insert("CRM Lead", {"first_name": 42, "converted": "1", "annual_revenue": "12.5",
                                 "creation": datetime.datetime(2025, 5, 6, 7, 8, 9, 10)})
    lead = s.get("CRM Lead", name)
    assert lead["first_name"] == "42" and lead["converted"] == 1
    assert lead["annual_revenue"] == 12.5
    if store_traits.keeps_supplied_creation:
        assert lead["creation"] == "2025-05-06 07:08:09.000010"
    else:
        assert lead["creation"] != "2025-05-06 07:08:09.000010"
    with pytest.raises(sb.ValidationError):
        s.insert("CRM Lead", {"converted": "yes"})
    with pytest.raises(ValueError):  # ValidationError is a ValueError too
        s.insert("CRM Lead", {"bad field": 1})
    with pytest.raises(sb.ValidationError):
        s.insert("CRM Lead", {"first_name": object()})
    assert names(s, "CRM Lead", {"converted": "1"}, among=[name]) == {name}


def test_custom_fields_are_kept(make_store, store_traits):
    s = make_store()
    a = s.insert("HD Ticket", {"subject": "A", "custom_region": "EU", "custom_score": 7,
                               "custom_ratio": 0.5})
    b = s.insert("HD Ticket", {"subject": "B"})
    t = s.get("HD Ticket", a)
    assert (t["custom_region"], t["custom_score"], t["custom_ratio"]) == ("EU", 7, 0.5)
    assert "custom_region" not in s.get("HD Ticket", b)
    assert names(s, "HD Ticket", {"custom_region": "EU"}, among=[a, b]) == {a}
    assert s.find("HD Ticket", {"custom_never_written": "x"}) == []
    row = s.find("HD Ticket", {"name": a}, fields=["custom_score", "nothing"])
    assert row == [{"custom_score": 7, "nothing": None}]
    s.update("HD Ticket", b, {"custom_region": "US"})
    assert s.get("HD Ticket", b)["custom_region"] == "US"
    s.update("HD Ticket", b, {"custom_region": None})
    assert "custom_region" not in s.get("HD Ticket", b)
    if store_traits.custom_fields_need_declaring:  # never silently dropped
        with pytest.raises(sb.ValidationError):
            s.insert("HD Ticket", {"subject": "C", "custom_never_declared": 1})
        with pytest.raises(sb.ValidationError):
            s.update("HD Ticket", b, {"custom_never_declared": 1})


def test_every_filter_operator(make_store, store_traits):
    t, s = store_traits, make_store()
    L = seed_leads(s)
    leads = set(L.values())
    n = lambda f: {k for k, v in L.items() if v in names(s, "CRM Lead", f, among=leads)}  # noqa: E731
    assert n({"first_name": "Ann"}) == {"L1"}
    assert n({"first_name": "ann"}) == (set() if t.case_sensitive_equality else {"L1"})
    # `= None` is "is null"; on Frappe it is ifnull(field, '') = '' (null or empty).
    assert n({"email": None}) == ({"L2", "L3"} if t.frappe_nulls else {"L3"})
    assert n({"email": ["!=", "ann@example.com"]}) == {"L2", "L3"}
    assert n({"email": ["!=", ""]}) == {"L1"}
    assert n({"annual_revenue": ["<", 30]}) == {"L1"}
    assert n({"annual_revenue": ["<=", 30]}) == {"L1", "L3"}
    assert n({"annual_revenue": [">", 30]}) == {"L2"}
    assert n({"annual_revenue": [">=", "30"]}) == {"L2", "L3"}
    assert n({"email": ["<", "b"]}) == ({"L1", "L2", "L3"} if t.frappe_nulls else {"L1", "L2"})
    assert n({"status": ["in", ["New", "Lost"]]}) == {"L1", "L3"}
    assert n({"status": ["in", []]}) == set()
    assert n({"email": ["not in", ["ann@example.com"]]}) == {"L2", "L3"}
    assert n({"email": ["not in", [""]]}) == {"L1"}
    assert n({"first_name": ["like", "a%"]}) == {"L1"}
    assert n({"first_name": ["like", "_eline"]}) == {"L3"}
    assert n({"email": ["not like", "%example%"]}) == {"L2", "L3"}
    assert n({"email": ["is", "set"]}) == {"L1"}
    assert n({"email": ["is", "not set"]}) == {"L2", "L3"}
    # Frappe's `is set` is ifnull(field, '') != '': false for 0.
    assert n({"converted": ["is", "set"]}) == ({"L3"} if t.frappe_nulls else {"L1", "L2", "L3"})
    assert n({"annual_revenue": ["between", [10.5, 30]]}) == {"L1", "L3"}
    assert n([["converted", "=", 0], ["annual_revenue", ">", 100]]) == {"L2"}
    assert n([["CRM Lead", "converted", "=", 1]]) == {"L3"}
    assert n({"name": ["in", [*L.values(), *(f"L{i}" for i in range(200))]]}) == {"L1", "L2", "L3"}
    mine = {"name": ["in", list(leads)]}
    assert s.count("CRM Lead", {**mine, "converted": 0}) == 2 and s.count("CRM Lead", mine) == 3
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
    L = seed_leads(s)
    mine = {"name": ["in", list(L.values())]}
    label = {v: k for k, v in L.items()}
    rows = s.find("CRM Lead", mine, fields=["name", "annual_revenue"], order_by="annual_revenue desc")
    assert [label[r["name"]] for r in rows] == ["L2", "L3", "L1"]
    assert set(rows[0]) == {"name", "annual_revenue"}
    rows = s.find("CRM Lead", mine, fields=["name"], order_by="email asc, name desc")
    assert [label[r["name"]] for r in rows] == ["L3", "L2", "L1"]
    rows = s.find("CRM Lead", mine, fields=["name"], order_by="name", limit=2, offset=1)
    assert [label[r["name"]] for r in rows] == ["L2", "L3"]
    assert s.find("CRM Lead", limit=0) == []
    assert label[s.find_one("CRM Lead", mine, order_by="name desc")["name"]] == "L3"
    assert s.find_one("CRM Lead", {"name": "none"}) is None
    with pytest.raises(sb.ValidationError):
        s.find("CRM Lead", order_by="name sideways")


def test_update_and_update_where(make_store):
    s = make_store()
    L = seed_leads(s)
    mine = {"name": ["in", list(L.values())]}
    s.freeze_time(1893456000)
    s.update("CRM Lead", L["L1"], {"status": "Nurture"})
    l1 = s.get("CRM Lead", L["L1"])
    assert l1["status"] == "Nurture" and l1["modified"] == s.now() != l1["creation"]
    s.freeze_time(1924992000)
    s.update("CRM Lead", L["L1"], {"status": "New"}, update_modified=False)
    assert s.get("CRM Lead", L["L1"])["modified"] == l1["modified"]
    with pytest.raises(sb.NotFound):
        s.update("CRM Lead", "missing", {"status": "New"})
    with pytest.raises(sb.ValidationError):
        s.update("CRM Lead", L["L1"], {"name": "L9"})
    assert s.update_where("CRM Lead", {**mine, "converted": 0}, {"source": "Web"}) == 2
    assert s.count("CRM Lead", {**mine, "source": "Web"}) == 2
    assert s.get("CRM Lead", L["L3"])["source"] is None


def test_child_rows_and_cascading_remove(make_store):
    s = make_store()
    s.insert("Customer", {"customer_name": "Acme"})
    c = s.insert("Contact", {"first_name": "Jane", "full_name": "Jane",
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
    lead = s.insert("CRM Lead", {"first_name": "Caller"})
    log = s.insert("CRM Call Log", _call_log(
        "call-1", links=[{"link_doctype": "CRM Lead", "link_name": lead}]))
    s.remove("Contact", c)
    assert not s.exists("Contact", c)
    assert s.count("Contact Email", {"parent": c}) == 0
    assert s.count("Dynamic Link", {"parenttype": "Contact", "parent": c}) == 0
    assert s.count("Dynamic Link", {"parenttype": "CRM Call Log", "parent": log}) == 1
    with pytest.raises(sb.NotFound):
        s.remove("Contact", c)


def test_transactions_nest_and_roll_back_exactly(make_store, store_traits):
    s = make_store()
    L = seed_leads(s)
    skip = store_traits.non_transactional
    before = snapshot(s, skip)
    with pytest.raises(RuntimeError):
        with s.transaction():
            s.insert("CRM Lead", {"first_name": "Temp"})
            s.update("CRM Lead", L["L1"], {"status": "Junk"})
            s.remove("CRM Lead", L["L2"])
            s.insert("HD Ticket", {"subject": "x", "custom_new_field": "y"})
            assert s.transaction_depth == 1
            raise RuntimeError("boom")
    assert snapshot(s, skip) == before and s.transaction_depth == 0
    with s.transaction():
        s.insert("CRM Lead", {"first_name": "outer"})
        with pytest.raises(KeyError):
            with s.transaction():
                s.insert("CRM Lead", {"first_name": "inner"})
                raise KeyError("inner only")
        with s.transaction():
            s.insert("CRM Lead", {"first_name": "inner2"})
    firsts = {d["first_name"] for d in s.find("CRM Lead", {"first_name": ["in", ["outer", "inner", "inner2"]]},
                                              fields=["first_name"])}
    assert firsts == {"outer", "inner2"}
    # The series number a rolled-back insert took is handed out again.
    s.begin()
    taken = s.insert("CRM Lead", {"first_name": "taken"})
    s.rollback()
    assert s.insert("CRM Lead", {"first_name": "again"}) == taken
    with pytest.raises(sb.StoreError) as err:
        s.commit()
    assert err.value.code == "transaction"


def test_unique_fields_and_duplicate_names(make_store, store_traits):
    s = make_store()
    before = s.count("Helpdesk Call Log")
    s.insert("Helpdesk Call Log", {"call_id": "c1"})
    with pytest.raises(sb.StoreError) as err:
        s.insert("Helpdesk Call Log", {"name": "other", "call_id": "c1"})
    assert err.value.code == "duplicate"
    s.insert("Helpdesk Call Log", {"call_id": ""})
    s.insert("Helpdesk Call Log", {"call_id": ""})
    x1 = s.insert("Helpdesk Call Log", {"name": "x1"})
    assert (x1 == "x1") == store_traits.keeps_supplied_names
    with pytest.raises(sb.StoreError) as err:
        s.update("Helpdesk Call Log", x1, {"call_id": "c1"})
    assert err.value.code == "duplicate"
    assert s.count("Helpdesk Call Log") == before + 4


def test_names_and_text_order_follow_the_backends_collation(make_store, store_traits, request):
    """Names and unique values are one identity whatever their case, accents or trailing
    spaces on MariaDB (utf8mb4_unicode_ci) — for MariaDbStore as for Frappe on MariaDB — and
    text sorts and compares (<, >, between) under the collation there. A backend says so with
    ``StoreTraits(collated_names=True)`` or a ``collated_names`` fixture returning True.
    Filters with "=" are exact unless the backend folds case (``case_sensitive_equality``)."""
    try:
        collated = request.getfixturevalue("collated_names")
    except pytest.FixtureLookupError:
        collated = False
    t, s = store_traits, make_store()
    collated = collated or t.collated_names
    ann = s.insert("CRM Lead", {"name": "Ann", "first_name": "B"})
    l2 = s.insert("CRM Lead", {"name": "L2", "first_name": "a"})
    s.insert("Helpdesk Call Log", {"call_id": "C1-collation"})
    jane = s.insert("Contact", {"first_name": "Jane", "last_name": "Doe", "full_name": "Jane Doe"})
    folded = ann.swapcase()
    assert names(s, "CRM Lead", {"name": folded}) == (set() if t.case_sensitive_equality else {ann})
    order = [r["name"] for r in s.find("CRM Lead", {"name": ["in", [ann, l2]]}, fields=["name"],
                                       order_by="first_name asc")]
    below_a = names(s, "CRM Lead", {"first_name": ["<", "a"]}, among={ann, l2})
    lower_jane = {"first_name": "jane", "last_name": "doe", "full_name": "jane doe"}
    if collated:
        assert s.exists("CRM Lead", folded)
        if t.keeps_supplied_names:
            assert s.exists("CRM Lead", "ÁNN")
            with pytest.raises(sb.StoreError):
                s.insert("CRM Lead", {"name": "ann"})
        with pytest.raises(sb.StoreError):
            s.insert("Helpdesk Call Log", {"call_id": "c1-collation"})
        assert s.insert("Contact", lower_jane) == f"{jane.lower()}-1"
        assert order == [l2, ann] and below_a == set()
    else:
        assert not s.exists("CRM Lead", folded)
        if t.keeps_supplied_names:
            assert s.insert("CRM Lead", {"name": "ann"}) == "ann"
        s.insert("Helpdesk Call Log", {"call_id": "c1-collation"})
        assert s.insert("Contact", lower_jane) == "jane doe"
        assert order == [ann, l2] and below_a == {ann}


def _multi_write(s: sb.Store, L: dict) -> None:
    with s.transaction():
        lead = s.insert("CRM Lead", {"first_name": "Ann", "custom_x": 1})
        s.insert("Contact", {"first_name": "Ann", "full_name": "Ann",
                             "email_ids": [{"email_id": "ann@x.com"}], "phone_nos": [{"phone": "555"}]})
        s.update("CRM Lead", L["L1"], {"status": "Junk"})
        s.update_where("CRM Lead", {"name": ["in", list(L.values())], "converted": 0}, {"source": "Import"})
        s.remove("CRM Lead", L["L3"])
        s.insert("Communication", {"subject": "x", "reference_doctype": "CRM Lead", "reference_name": lead})


def test_a_fault_at_every_write_leaves_the_store_unchanged(make_store, store_traits):
    skip = store_traits.non_transactional
    counting = sb.FaultyStore(make_store())
    _multi_write(counting, seed_leads(counting.inner))
    total = counting.writes
    assert total >= 8
    for k in range(1, total + 1):
        inner = make_store()
        L = seed_leads(inner)
        before = snapshot(inner, skip)
        with pytest.raises(sb.StoreError) as err:
            _multi_write(sb.FaultyStore(inner, fail_write=k), L)
        assert err.value.code == "injected_fault"
        assert snapshot(inner, skip) == before, f"fault at write {k} left changes behind"
    inner = make_store()
    L = seed_leads(inner)
    before = snapshot(inner, skip)
    with pytest.raises(sb.StoreError):
        _multi_write(sb.FaultyStore(inner, fail_commit=1), L)
    assert snapshot(inner, skip) == before


def test_threads_are_serialized(make_store, store_traits):
    s = make_store()
    errors = []
    mine = []

    def work():
        try:
            for _ in range(25):
                with s.transaction():
                    mine.append(s.insert("HD Ticket", {"subject": "T"}))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if store_traits.thread_bound:  # each thread is refused, clearly, and nothing is written
        assert len(errors) == 4 and mine == []
        assert all(isinstance(e, sb.StoreError) and "thread" in str(e) for e in errors)
        return
    assert errors == []
    assert len(set(mine)) == 100
    if store_traits.fresh and store_traits.ticket_names == "series":
        assert sorted(mine) == [f"{i:04d}" for i in range(1, 101)]


def test_links_and_mandatory_fields(make_store, store_traits):
    t, s = store_traits, make_store()
    dangling = {"subject": "x", "reference_doctype": "HD Ticket", "reference_name": "no-such-ticket"}
    if t.validates_links:
        with pytest.raises(sb.ValidationError):
            s.insert("Communication", dangling)
    else:
        assert s.get("Communication", s.insert("Communication", dangling))["reference_name"] == "no-such-ticket"
    if t.requires_mandatory:
        with pytest.raises(sb.ValidationError):
            s.insert("CRM Call Log", {"id": "no-numbers"})
        assert not s.exists("CRM Call Log", "no-numbers")
    else:
        assert s.insert("CRM Call Log", {"id": "no-numbers"}) == "no-numbers"


def test_error_log_and_rollback(make_store, store_traits):
    s = make_store()
    with pytest.raises(RuntimeError):
        with s.transaction():
            name = s.insert("Error Log", {"method": "store contract", "error": "kept?"})
            raise RuntimeError("roll back")
    assert s.exists("Error Log", name) == ("Error Log" in store_traits.non_transactional)
    if s.exists("Error Log", name):
        s.remove("Error Log", name)


def test_integer_and_text_names(make_store, store_traits):
    """Tickets named by a series or by an integer sequence work the same through the library."""
    s = make_store()
    ticket = s.insert("HD Ticket", {"subject": "numbered"})
    assert isinstance(ticket, str) and ticket.isdigit()
    assert s.get("HD Ticket", ticket)["name"] == ticket
    assert [r["name"] for r in s.find("HD Ticket", {"name": ticket}, fields=["name"])] == [ticket]
    log = s.insert("Helpdesk Call Log", {"call_id": "int-name", "ticket": ticket})
    assert s.find_one("Helpdesk Call Log", {"ticket": ticket})["name"] == log
    s.update("HD Ticket", ticket, {"subject": "renamed"})
    assert s.get("HD Ticket", ticket)["subject"] == "renamed"
    other = s.insert("HD Ticket", {"subject": "merged", "merged_with": ticket, "is_merged": 1})
    assert s.get("HD Ticket", other)["merged_with"] == ticket
    if store_traits.ticket_names == "autoincrement":
        assert not ticket.startswith("0") and int(other) > int(ticket)


__all__ = [name for name in dict(globals()) if name.startswith("test_")] + [
    "StoreTraits", "store_traits", "CUSTOM_FIELDS", "snapshot", "seed_leads"]
