import pickle

import pytest

import switchboard as sb


def test_hierarchy_and_builtin_bases():
    for cls in (sb.ValidationError, sb.NotFound, sb.StoreError, sb.NotSupported, sb.ParseError,
                sb.HttpError, sb.AuthError):
        assert issubclass(cls, sb.Error)
    assert issubclass(sb.ValidationError, ValueError)
    assert issubclass(sb.NotFound, LookupError)
    assert issubclass(sb.NotSupported, NotImplementedError)
    assert issubclass(sb.ParseError, ValueError)


def test_codes_come_from_cpp():
    s = sb.MemoryStore()
    with pytest.raises(sb.NotFound) as err:
        s.update("CRM Lead", "missing", {"status": "New"})
    assert err.value.code == "not_found"
    with pytest.raises(sb.ValidationError) as err:
        s.find("CRM Lead", order_by="x y z")
    assert err.value.code == "invalid_argument"
    with pytest.raises(sb.StoreError) as err:
        s.rollback()
    assert err.value.code == "transaction"


def test_errors_can_be_raised_with_a_code_and_pickled():
    e = sb.StoreError("taken", code="duplicate")
    assert e.code == "duplicate" and str(e) == "taken"
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is sb.StoreError and back.code == "duplicate"
    assert sb.NotFound("x").code == "not_found"
    assert sb.ParseError("x").position is None


def test_bad_arguments_are_clear():
    s = sb.MemoryStore()
    with pytest.raises(sb.ValidationError, match="cannot store a bytes"):
        s.insert("CRM Lead", {"first_name": b"raw"})
    with pytest.raises(sb.ValidationError, match=r"must be \[operator, value\]"):
        s.find("CRM Lead", {"status": ["in"]})
    with pytest.raises(sb.ValidationError, match="64 bits"):
        s.insert("CRM Lead", {"converted": 2**70})
    with pytest.raises(TypeError):
        s.insert("CRM Lead", ["not", "a", "dict"])
    with pytest.raises(sb.ValidationError, match="holds a dict"):
        s.update("CRM Lead", "x", {"nested": {"a": 1}})
