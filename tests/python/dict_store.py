"""A pure-Python StoreBackend: plain dicts, snapshot-based nested transactions, and its own
implementation of Frappe's filter semantics. It exists to prove that a backend written in
Python (as the Frappe backend is) passes the same contract as the C++ ones."""
from __future__ import annotations

import copy
import re
from typing import Any

import switchboard as sb


def _rank(v: Any) -> int:
    if v is None:
        return 0
    return 1 if isinstance(v, (int, float)) else 2


def _compare(a: Any, b: Any) -> int:
    """SQLite's ordering: null < numbers < text (bytewise)."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 2:
        a, b = a.encode(), b.encode()
    return (a > b) - (a < b)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _like(text: str, pattern: str) -> bool:
    rx = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    # SQLite folds ASCII letters only.
    fold = lambda s: "".join(c.lower() if c.isascii() else c for c in s)  # noqa: E731
    return re.fullmatch(fold(rx), fold(text), re.DOTALL) is not None


def _matches(doc: dict, field: str, op: str, value: Any) -> bool:
    v = doc.get(field)
    ifnull = "" if v is None else v
    if op == "=":
        return v is None if value is None else v is not None and _compare(v, value) == 0
    if op == "!=":
        return v is not None if value is None else _compare(ifnull, value) != 0
    if op in ("<", "<=", ">", ">="):
        if v is None:
            return False
        c = _compare(v, value)
        return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
    if op == "in":
        return v is not None and any(_compare(v, x) == 0 for x in value)
    if op == "not in":
        return all(_compare(ifnull, x) != 0 for x in value)
    if op == "like":
        return v is not None and _like(_text(v), value)
    if op == "not like":
        return not _like(_text(ifnull), value)
    if op == "is":
        is_set = v is not None and v != ""
        return is_set if value == "set" else not is_set
    if op == "between":
        return v is not None and _compare(v, value[0]) >= 0 and _compare(v, value[1]) <= 0
    raise sb.ValidationError(f"unknown operator {op}")


class DictBackend(sb.StoreBackend):
    def __init__(self) -> None:
        sb.StoreBackend.__init__(self)
        self.data: dict[str, dict[str, dict]] = {}
        self.stack: list[dict] = []
        self.schema = None

    def open(self, schema):
        self.schema = schema

    def _table(self, doctype: str) -> dict[str, dict]:
        return self.data.setdefault(doctype, {})

    def _check_unique(self, doctype: str, doc: dict) -> None:
        for f in self.schema.doctype(doctype)["fields"]:
            value = doc.get(f["name"])
            if f["unique"] and value not in (None, ""):
                for other in self._table(doctype).values():
                    if other["name"] != doc["name"] and other.get(f["name"]) == value:
                        raise sb.StoreError(f"{f['name']} {value!r} is taken", code="duplicate")

    def get(self, doctype, name):
        doc = self._table(doctype).get(name)
        return dict(doc) if doc else None

    def find(self, doctype, filters, fields, order_by, limit, offset):
        rows = [d for d in self._table(doctype).values()
                if all(_matches(d, f, op, v) for f, op, v in filters)]
        for term in reversed([t.split() for t in order_by.split(",") if t.strip()]):
            desc = len(term) > 1 and term[1] == "desc"
            key = __import__("functools").cmp_to_key(lambda a, b, t=term[0]: _compare(a.get(t), b.get(t)))
            rows.sort(key=key, reverse=desc)
        rows = rows[offset:] if limit is None else rows[offset:offset + limit]
        if fields:
            return [{f: r.get(f) for f in fields} for r in rows]
        return [dict(r) for r in rows]

    def insert(self, doctype, doc):
        table = self._table(doctype)
        if doc["name"] in table:
            raise sb.StoreError(f"{doctype} {doc['name']} exists", code="duplicate")
        self._check_unique(doctype, doc)
        table[doc["name"]] = dict(doc)
        return doc["name"]

    def update(self, doctype, name, changes):
        table = self._table(doctype)
        if name not in table:
            raise sb.NotFound(f"{doctype} {name} not found")
        after = {**table[name], **changes}
        self._check_unique(doctype, after)
        table[name] = after

    def update_where(self, doctype, filters, changes):
        hits = self.find(doctype, filters, ["name"], "", None, 0)
        for h in hits:  # check every row first: all or nothing
            self._check_unique(doctype, {**self._table(doctype)[h["name"]], **changes})
        for h in hits:
            self.update(doctype, h["name"], changes)
        return len(hits)

    def remove(self, doctype, name):
        if self._table(doctype).pop(name, None) is None:
            raise sb.NotFound(f"{doctype} {name} not found")

    def begin(self):
        self.stack.append(copy.deepcopy(self.data))

    def commit(self):
        self.stack.pop()

    def rollback(self):
        self.data = self.stack.pop()

    def capabilities(self):
        return int(sb.Capability.SAVEPOINTS)


def DictStore() -> sb.Store:
    """A store on a fresh DictBackend, with Frappe's default records."""
    return sb.Store(DictBackend(), seed_defaults=True)


class CountingDecorator(sb.ForwardingBackend):
    """Counts reads and forwards everything: the store behaves exactly like the inner one."""

    def __init__(self, inner):
        sb.ForwardingBackend.__init__(self, inner)
        self.reads = 0

    def get(self, doctype, name):
        self.reads += 1
        return super().get(doctype, name)

    def find(self, doctype, filters, fields, order_by, limit, offset):
        self.reads += 1
        return super().find(doctype, filters, fields, order_by, limit, offset)
