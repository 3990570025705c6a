"""switchboard on Frappe itself: a Store whose documents live in the Frappe site.

Inside a Frappe app (doc hooks, whitelisted methods, background jobs)::

    import switchboard as sb
    from switchboard.frappe import FrappeStore

    store = FrappeStore()                      # uses the `frappe` module of the request
    sb.PhoneMerger(store).on_phone_changed("CRM Lead", doc.name)

Reads go through ``frappe.get_all`` / ``frappe.db`` (no permission checks: the library acts
for the system, as the seed's server scripts do). New documents go through the ORM
(``frappe.get_doc(...).insert()``), so Frappe names them and runs their hooks; child rows are
appended to their parent and the parent saved. Updates are ``frappe.db.set_value`` (no hooks,
no validation — bookkeeping, as Frappe recommends inside hooks) and never stamp ``modified``
on their own: switchboard passes ``modified`` when an update should bump it. Transactions are
savepoints (``frappe.db.savepoint`` / ``release_savepoint`` / ``rollback(save_point=...)``);
the library never calls ``frappe.db.commit()`` — the request or job commits.

Known differences from the embedded stores, all Frappe's own semantics: ``{"field": None}``
matches null *and* ''; ``like`` follows the database collation (MariaDB folds case beyond
ASCII).
"""
from __future__ import annotations

import datetime
import decimal
import importlib
import secrets
import string
from typing import Any, Iterable, Optional

from . import _core
from ._errors import NotFound

__all__ = ["FrappeBackend", "FrappeStore"]

_SAVEPOINT_ALPHABET = string.ascii_lowercase


def _plain(value: Any) -> Any:
    """Frappe values as switchboard values (datetimes as Frappe's text form)."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):  # Frappe returns Time fields as timedelta
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _row(values: dict) -> dict:
    return {k: _plain(v) for k, v in values.items() if not isinstance(v, list)}


class FrappeBackend(_core.StoreBackend):
    """The StoreBackend of a Frappe site: Frappe's document API and database."""

    def __init__(self, frappe_module: Any = None, ignore_permissions: bool = True) -> None:
        _core.StoreBackend.__init__(self)
        self.frappe = frappe_module if frappe_module is not None else importlib.import_module("frappe")
        self.ignore_permissions = ignore_permissions
        self._savepoints: list[str] = []

    # -- helpers -------------------------------------------------------------------------
    def _meta(self, doctype: str):
        return self.frappe.get_meta(doctype)

    def _is_single(self, doctype: str) -> bool:
        return bool(getattr(self._meta(doctype), "issingle", False))

    def _is_child(self, doctype: str) -> bool:
        return bool(getattr(self._meta(doctype), "istable", False))

    @staticmethod
    def _filters(filters: Iterable) -> Optional[list]:
        """Frappe filter triples, or None when a filter can never match (Frappe turns
        ``in []`` into ``in ('')``, which would match empty values)."""
        out = []
        for field, op, value in filters:
            if op == "in" and not value:
                return None
            if op == "not in" and not value:
                continue
            if op == "=" and value is None:
                op, value = "is", "not set"
            elif op == "!=" and value is None:
                op, value = "is", "set"
            out.append([field, op, value])
        return out

    def _exists(self, doctype: str, name: str) -> bool:
        if self._is_single(doctype):
            return name == doctype
        return bool(self.frappe.db.exists(doctype, name))

    # -- the StoreBackend interface ---------------------------------------------------------------------
    def capabilities(self) -> int:
        return 1 | 4 | 8  # savepoints, self-managed (Frappe names and defaults), native count

    def get(self, doctype: str, name: str) -> Optional[dict]:
        if self._is_single(doctype):
            if name != doctype:
                return None
            values = self.frappe.db.get_singles_dict(doctype)
            return {**_row(dict(values)), "name": doctype}
        row = self.frappe.db.get_value(doctype, name, "*", as_dict=True)
        return _row(dict(row)) if row else None

    def find(self, doctype, filters, fields, order_by, limit, offset) -> list:
        frappe_filters = self._filters(filters)
        if frappe_filters is None or limit == 0:
            return []
        if self._is_single(doctype):
            row = self.get(doctype, doctype)
            return [row] if row else []
        rows = self.frappe.get_all(
            doctype,
            filters=frappe_filters,
            fields=list(fields) if fields else ["*"],
            order_by=order_by or None,
            limit_start=offset or 0,
            limit_page_length=limit or 0,
        )
        return [_row(dict(r)) for r in rows]

    def count(self, doctype, filters) -> int:
        frappe_filters = self._filters(filters)
        if frappe_filters is None:
            return 0
        return int(self.frappe.db.count(doctype, frappe_filters))

    def insert(self, doctype: str, doc: dict) -> str:
        if self._is_single(doctype):
            self.frappe.db.set_value(doctype, doctype, doc, update_modified=False)
            return doctype
        if self._is_child(doctype):
            # Child rows belong to their parent: append and save it, so the parent's own
            # hooks (Contact deriving email_id from email_ids, ...) see the new row.
            fields = {k: v for k, v in doc.items() if k not in ("parent", "parenttype", "parentfield")}
            parent = self.frappe.get_doc(doc["parenttype"], doc["parent"])
            row = parent.append(doc["parentfield"], fields)
            parent.save(ignore_permissions=self.ignore_permissions)
            return row.name
        new = self.frappe.get_doc({"doctype": doctype, **doc})
        new.insert(ignore_permissions=self.ignore_permissions)
        return new.name

    def update(self, doctype: str, name: str, changes: dict) -> None:
        if not self._exists(doctype, name):
            raise NotFound(f"{doctype} {name!r} not found")
        self.frappe.db.set_value(doctype, name, changes, update_modified=False)

    def update_where(self, doctype, filters, changes) -> int:
        names = self.find(doctype, filters, ["name"], "", None, 0)
        for row in names:
            self.frappe.db.set_value(doctype, row["name"], changes, update_modified=False)
        return len(names)

    def remove(self, doctype: str, name: str) -> None:
        if not self._exists(doctype, name):
            raise NotFound(f"{doctype} {name!r} not found")
        if self._is_child(doctype):
            self.frappe.db.delete(doctype, {"name": name})
        else:
            self.frappe.delete_doc(doctype, name, force=True,
                                   ignore_permissions=self.ignore_permissions)

    def begin(self) -> None:
        name = "sb_" + "".join(secrets.choice(_SAVEPOINT_ALPHABET) for _ in range(10))
        self.frappe.db.savepoint(name)
        self._savepoints.append(name)

    def commit(self) -> None:
        self.frappe.db.release_savepoint(self._savepoints.pop())

    def rollback(self) -> None:
        self.frappe.db.rollback(save_point=self._savepoints.pop())


class FrappeStore(_core.Store):
    """A switchboard Store on the current Frappe site (FrappeBackend). One per request or job."""

    def __init__(self, frappe_module: Any = None, ignore_permissions: bool = True) -> None:
        self.frappe_backend = FrappeBackend(frappe_module, ignore_permissions)
        _core.Store.__init__(self, self.frappe_backend)

    @property
    def frappe(self) -> Any:
        return self.frappe_backend.frappe
