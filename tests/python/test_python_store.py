"""A Store implemented in Python: the trampoline, lifetime, and errors crossing both ways."""
import gc
import threading
import weakref

import pytest

import switchboard as sb
from dict_store import DictStore


def test_cpp_keeps_a_python_store_alive():
    inner = DictStore()
    inner.insert("CRM Lead", {"name": "L1", "first_name": "Ann"})
    ref = weakref.ref(inner)
    wrapper = sb.FaultyStore(inner)  # C++ now co-owns the Python object
    del inner
    gc.collect()
    assert ref() is not None
    # Still a working Python backend, not a "pure virtual function" error.
    assert wrapper.get("CRM Lead", "L1")["first_name"] == "Ann"
    assert wrapper.inner is ref()
    del wrapper
    gc.collect()
    assert ref() is None


def test_python_exceptions_become_store_errors_with_context():
    class Broken(DictStore):
        def do_get(self, doctype, name):
            raise KeyError("disk on fire")

    with pytest.raises(sb.StoreError) as err:
        Broken().get("CRM Lead", "x")
    assert err.value.code == "backend"
    assert "do_get() raised KeyError" in str(err.value) and "disk on fire" in str(err.value)


def test_switchboard_exceptions_keep_their_class_and_code():
    class Picky(DictStore):
        def do_update(self, doctype, name, changes):
            raise sb.ValidationError("no updates on Fridays", code="validation")

    s = Picky()
    name = s.insert("CRM Lead", {"first_name": "A"})
    with pytest.raises(sb.ValidationError, match="Fridays"):
        s.update("CRM Lead", name, {"status": "Junk"})


def test_missing_methods_and_bad_results_are_clear():
    class Half(sb.Store):
        def __init__(self):
            sb.Store.__init__(self)

    with pytest.raises(sb.NotSupported, match="Half does not implement do_get"):
        Half().get("CRM Lead", "x")

    class Wrong(DictStore):
        def do_find(self, *args):
            return [42]

    with pytest.raises(sb.ValidationError, match="do_find\\(\\) row must be a dict"):
        Wrong().find("CRM Lead")


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
