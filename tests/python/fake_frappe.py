"""A stand-in for the `frappe` module, just wide enough for switchboard.frappe.FrappeStore.

Its "database" is a switchboard MemoryStore, so documents are named, defaulted and filtered
the way the embedded stores (and Frappe) do it; what this exercises is FrappeStore's
mapping onto Frappe's API: get_all / db.get_value / get_doc().insert() / parent.append() +
save() / db.set_value / delete_doc / savepoints."""
from __future__ import annotations

import switchboard as sb


class DoesNotExistError(Exception):
    pass


class _Meta:
    def __init__(self, info: dict):
        self.istable = bool(info["is_child"])
        self.issingle = info["naming"] == "single"
        self.tables = info["tables"]


class _Row:
    def __init__(self, values: dict):
        self.__dict__.update(values)
        self.name = values.get("name")


class _Doc:
    def __init__(self, frappe: "FakeFrappe", doctype: str, values: dict):
        self._frappe = frappe
        self.doctype = doctype
        self._values = dict(values)
        self._pending: list[tuple[str, _Row]] = []
        self.name = values.get("name")
        self.calls = frappe.calls

    def insert(self, ignore_permissions: bool = False):
        self.calls.append(("insert", self.doctype))
        self.name = self._frappe.db.store.insert(self.doctype, self._values)
        return self

    def append(self, field: str, values: dict) -> _Row:
        row = _Row(dict(values))
        self._pending.append((field, row))
        return row

    def save(self, ignore_permissions: bool = False):
        self.calls.append(("save", self.doctype))
        store = self._frappe.db.store
        tables = self._frappe.get_meta(self.doctype).tables
        for field, row in self._pending:
            values = {k: v for k, v in row.__dict__.items() if k != "name" or v}
            row.name = store.insert(tables[field], {**values, "parent": self.name,
                                                    "parenttype": self.doctype,
                                                    "parentfield": field})
        self._pending.clear()
        return self


class _DB:
    def __init__(self, store: sb.Store, calls: list):
        self.store = store
        self.calls = calls
        self.savepoints: list[str] = []

    def get_value(self, doctype, name, fields, as_dict=False):
        assert fields == "*" and as_dict
        return self.store.get(doctype, name)

    def get_singles_dict(self, doctype):
        return self.store.get(doctype, doctype) or {}

    def exists(self, doctype, name):
        return name if self.store.exists(doctype, name) else None

    def set_value(self, doctype, name, values, update_modified=True):
        self.calls.append(("set_value", doctype))
        if not self.store.exists(doctype, name) and doctype == name:
            self.store.insert(doctype, {**values, "name": name})
            return
        self.store.update(doctype, name, values, update_modified=update_modified)

    def count(self, doctype, filters):
        return self.store.count(doctype, filters)

    def delete(self, doctype, filters):
        self.store.remove_where(doctype, filters)

    def savepoint(self, name):
        self.savepoints.append(name)
        self.store.begin()

    def release_savepoint(self, name):
        assert self.savepoints.pop() == name, "savepoints released out of order"
        self.store.commit()

    def rollback(self, save_point=None):
        assert save_point is not None, "switchboard must never roll back the whole request"
        assert self.savepoints.pop() == save_point
        self.store.rollback()

    def commit(self):  # pragma: no cover - must never be called
        raise AssertionError("switchboard must never commit inside Frappe")


class FakeFrappe:
    DoesNotExistError = DoesNotExistError

    def __init__(self):
        self.calls: list = []
        self.db = _DB(sb.MemoryStore(), self.calls)

    def get_meta(self, doctype):
        return _Meta(self.db.store.doctype(doctype))

    def get_all(self, doctype, filters=None, fields=None, order_by=None, limit_start=0,
                limit_page_length=0, pluck=None):
        rows = self.db.store.find(doctype, filters, fields=None if fields == ["*"] else fields,
                                  order_by=order_by, offset=limit_start,
                                  limit=limit_page_length or None)
        return [r[pluck] for r in rows] if pluck else rows

    def get_doc(self, doctype, name=None):
        if isinstance(doctype, dict):
            values = dict(doctype)
            return _Doc(self, values.pop("doctype"), values)
        values = self.db.store.get(doctype, name)
        if values is None:
            raise DoesNotExistError(f"{doctype} {name} not found")
        return _Doc(self, doctype, values)

    def delete_doc(self, doctype, name, force=False, ignore_permissions=False):
        self.calls.append(("delete_doc", doctype))
        self.db.store.remove(doctype, name)
