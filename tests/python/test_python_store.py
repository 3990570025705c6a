"""Backends implemented in Python: the trampoline, lifetime, errors crossing both ways, and
the guard that keeps Store's own methods Store's."""
import gc
import threading
import weakref

import pytest

import switchboard as sb
from dict_store import CountingDecorator, DictBackend, DictStore


def test_cpp_keeps_a_python_backend_alive():
    backend = DictBackend()
    store = sb.Store(backend)
    store.insert("CRM Lead", {"name": "L1", "first_name": "Ann"})
    ref = weakref.ref(backend)
    del backend
    gc.collect()
    assert ref() is not None  # the C++ Store co-owns the Python object
    # Still a working Python backend, not a "pure virtual function" error.
    assert store.get("CRM Lead", "L1")["first_name"] == "Ann"
    assert store.backend is ref()
    wrapper = sb.FaultyStore(store)
    assert wrapper.inner is store
    del store, wrapper
    gc.collect()
    assert ref() is None


def test_python_exceptions_become_store_errors_with_context():
    class Broken(DictBackend):
        def get(self, doctype, name):
            raise KeyError("disk on fire")

    with pytest.raises(sb.StoreError) as err:
        sb.Store(Broken()).get("CRM Lead", "x")
    assert err.value.code == "backend"
    assert "get() raised KeyError" in str(err.value) and "disk on fire" in str(err.value)


def test_switchboard_exceptions_keep_their_class_and_code():
    class Picky(DictBackend):
        def update(self, doctype, name, changes):
            raise sb.ValidationError("no updates on Fridays", code="validation")

    s = sb.Store(Picky())
    name = s.insert("CRM Lead", {"first_name": "A"})
    with pytest.raises(sb.ValidationError, match="Fridays"):
        s.update("CRM Lead", name, {"status": "Junk"})


def test_missing_methods_and_bad_results_are_clear():
    class Half(sb.StoreBackend):
        pass

    with pytest.raises(sb.NotSupported, match="Half does not implement get"):
        sb.Store(Half()).get("CRM Lead", "x")

    class Wrong(DictBackend):
        def find(self, *args):
            return [42]

    with pytest.raises(sb.ValidationError, match="find\\(\\) row must be a dict"):
        sb.Store(Wrong()).find("CRM Lead")


def test_the_trampoline_takes_the_gil_on_a_cpp_thread():
    s = DictStore()
    s.insert("CRM Lead", {"name": "L1", "first_name": "Ann"})
    got = sb._core._get_from_cpp_thread(s, "CRM Lead", "L1")
    assert got["first_name"] == "Ann"


def test_python_store_used_from_several_threads():
    s = DictStore()
    errors = []

    def work(i):
        try:
            for j in range(20):
                s.insert("CRM Lead", {"name": f"T{i}-{j}"})
        except Exception as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and s.count("CRM Lead") == 80


def test_a_store_subclass_that_overrides_a_method_is_refused_clearly():
    class Sneaky(sb.Store):
        def get(self, doctype, name):
            return None

    with pytest.raises(TypeError, match="StoreBackend"):
        Sneaky(DictBackend())

    class OldStyle(sb.Store):
        def __init__(self):
            sb.Store.__init__(self, DictBackend())

        def do_get(self, doctype, name):
            return None

    with pytest.raises(TypeError, match="overrides Store.do_get"):
        OldStyle()


def test_a_store_subclass_that_adds_behaviour_is_fine():
    class Named(sb.Store):
        def __init__(self):
            sb.Store.__init__(self, DictBackend(), seed_defaults=True)
            self.label = "mine"

        def leads(self):
            return self.count("CRM Lead")

    s = Named()
    s.insert("CRM Lead", {"first_name": "Ann"})
    assert s.leads() == 1 and s.label == "mine"


def test_optional_methods_written_in_python_are_used():
    calls = []

    class Counting(DictBackend):
        def count(self, doctype, filters):
            calls.append(doctype)
            return len(self.find(doctype, filters, ["name"], "", None, 0))

    s = sb.Store(Counting())
    assert s.capabilities & sb.Capability.COUNT
    s.insert("CRM Lead", {"first_name": "Ann"})
    assert s.count("CRM Lead") == 1 and calls == ["CRM Lead"]


def test_a_python_decorator_behaves_like_the_inner_store(tmp_path):
    inner = sb.SqliteStore(str(tmp_path / "inner.sqlite"))
    decorator = CountingDecorator(inner)
    outer = sb.Store(decorator)
    year = __import__("datetime").date.today().year
    # Naming happens once: the series of the inner store, not a second one on top.
    assert outer.insert("HD Ticket", {"subject": "a"}) == "0001"
    assert inner.insert("HD Ticket", {"subject": "b"}) == "0002"
    assert outer.insert("HD Ticket", {"subject": "c"}) == "0003"
    assert outer.insert("CRM Lead", {"first_name": "Ann"}) == f"CRM-LEAD-{year}-00001"
    assert outer.get("HD Ticket", "0002")["subject"] == "b"
    assert decorator.reads >= 1
    with outer.transaction():
        outer.insert("CRM Lead", {"first_name": "Bob"})
        with pytest.raises(RuntimeError):
            with outer.transaction():
                outer.insert("CRM Lead", {"first_name": "Gone"})
                raise RuntimeError("undo")
    assert [d["first_name"] for d in inner.find("CRM Lead", order_by="name")] == ["Ann", "Bob"]


def test_a_self_managed_backend_stores_a_document_with_its_rows_in_one_call(tmp_path):
    """insert_with_rows: a Contact and its email rows reach the backend as one call (on Frappe,
    one ORM insert instead of an insert and one save of the parent per row)."""
    inner = sb.SqliteStore(str(tmp_path / "inner.sqlite"))
    calls = []

    class OneCall(CountingDecorator):
        def capabilities(self):  # names and stamps as the inner store does, like Frappe
            return int(sb.Capability.SELF_MANAGED | sb.Capability.SAVEPOINTS)

        def insert(self, doctype, doc):
            calls.append(("insert", doctype))
            return super().insert(doctype, doc)

        def insert_with_rows(self, doctype, doc, tables):
            calls.append(("insert_with_rows", doctype, [(f, d, len(rows)) for f, d, rows in tables]))
            for _field, _child, rows in tables:
                for row in rows:
                    assert not {"name", "parent"} & set(row)  # the backend names and links them
            return self.inner.insert(doctype, {**doc, **{f: rows for f, _d, rows in tables}})

    outer = sb.Store(OneCall(inner))
    assert outer.capabilities & sb.Capability.INSERT_WITH_ROWS
    name = outer.insert("Contact", {"first_name": "Ann", "email_ids": [
        {"email_id": "ann@x.com", "is_primary": 1}, {"email_id": "ann@home.example"}]})
    assert calls == [("insert_with_rows", "Contact", [("email_ids", "Contact Email", 2)])]
    rows = inner.find("Contact Email", [["parent", "=", name]], order_by="idx")
    assert [(r["email_id"], r["idx"], r["parenttype"], r["parentfield"]) for r in rows] == [
        ("ann@x.com", 1, "Contact", "email_ids"), ("ann@home.example", 2, "Contact", "email_ids")]
    # The router creates a sender's Contact with its email row the same way.
    calls.clear()
    rules = sb.RoutingRules(support_aliases=["support@ours.example"])
    r = sb.Router(outer, rules).route(sb.InboundEmail(message_id="m1@x.com", sender="bob@y.com",
                                                      to=["support@ours.example"], subject="Hi",
                                                      email_account="Support", content="text"))
    assert r.action == "create_ticket"
    assert ("insert_with_rows", "Contact", [("email_ids", "Contact Email", 1)]) in calls
    assert not [c for c in calls if c[:2] == ("insert", "Contact Email")]
    # A backend without the method gets the parent and then each row.
    plain = sb.Store(CountingDecorator(sb.MemoryStore()))
    assert not plain.capabilities & sb.Capability.INSERT_WITH_ROWS
    n = plain.insert("Contact", {"first_name": "Cy", "email_ids": [{"email_id": "cy@x.com"}]})
    assert plain.find("Contact Email", [["parent", "=", n]], ["email_id"]) == [{"email_id": "cy@x.com"}]


def test_a_stores_time_zone_is_the_zone_of_what_it_writes():
    store = sb.MemoryStore()
    store.freeze_time(1736193600)  # 2025-01-06 20:00:00 UTC
    assert store.time_zone == ""
    store.time_zone = "Asia/Kolkata"
    assert (store.time_zone, store.now()) == ("Asia/Kolkata", "2025-01-07 01:30:00.000000")
    with pytest.raises(sb.ValidationError, match="unknown time zone"):
        store.time_zone = "Atlantis/Capital"
    assert store.time_zone == "Asia/Kolkata"
    ticket = store.insert("HD Ticket", {"subject": "x"})
    assert store.get("HD Ticket", ticket)["creation"] == "2025-01-07 01:30:00.000000"
    # A decorator writes in its inner store's zone, and leaves it as it was.
    outer = sb.Store(CountingDecorator(store))
    outer.freeze_time(1736193600)
    assert (store.time_zone, outer.time_zone, outer.now()) == ("Asia/Kolkata",) * 2 + ("2025-01-07 01:30:00.000000",)


@pytest.mark.parametrize("operation", ["update_where", "remove_where"])
def test_a_write_of_several_rows_that_fails_half_way_leaves_none_inside_a_transaction(operation):
    # A backend may write the rows of update_where / remove_where one by one (Frappe's does). A
    # caller that catches the error and commits its transaction must find none of them changed.
    class FailsOnSecondRow(DictBackend):
        rows_written = 0

        def _count_row(self, doctype):
            if doctype == "Comment":
                self.rows_written += 1
                if self.rows_written == 2:
                    raise RuntimeError("backend failed on the second row")

        def update(self, doctype, name, changes):
            self._count_row(doctype)
            return super().update(doctype, name, changes)

        def remove(self, doctype, name):
            self._count_row(doctype)
            return super().remove(doctype, name)

        def update_where(self, doctype, filters, changes):
            rows = self.find(doctype, filters, ["name"], "", None, 0)
            for row in rows:
                self.update(doctype, row["name"], changes)
            return len(rows)

    backend = FailsOnSecondRow()
    s = sb.Store(backend)
    for i in range(3):
        s.insert("Comment", {"name": f"C{i}", "comment_type": "Info", "content": "same"})
    backend.rows_written = 0
    with s.transaction():
        with pytest.raises(sb.StoreError, match="second row"):
            if operation == "update_where":
                s.update_where("Comment", {"content": "same"}, {"comment_type": "Edit"})
            else:
                s.remove_where("Comment", {"content": "same"})
        s.insert("Comment", {"name": "after", "comment_type": "Info", "content": "other"})
    rows = s.find("Comment", fields=["name", "comment_type"], order_by="name")
    assert [(r["name"], r["comment_type"]) for r in rows] == [
        ("C0", "Info"), ("C1", "Info"), ("C2", "Info"), ("after", "Info")]
