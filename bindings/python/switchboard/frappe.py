"""switchboard on Frappe itself: a Store whose documents live in the current Frappe site.

Inside a Frappe app (doc hooks, whitelisted methods, background jobs)::

    import switchboard as sb
    from switchboard.frappe import FrappeStore

    store = FrappeStore()                        # as the session user
    sb.PhoneMerger(store).on_phone_changed("CRM Lead", doc.name)

What FrappeStore does, and where Frappe's own semantics are the contract:

- **Documents go through the ORM.** New documents are ``frappe.get_doc(...).insert()``: Frappe
  names them (a supplied ``name`` is ignored, as Frappe ignores it; HD Ticket names are
  ``"0001"`` or, on sites still naming tickets by autoincrement, integers given back as text),
  stamps ``creation``, fills defaults, validates mandatory fields and links (a missing link
  target is a ``ValidationError``) and runs every app's hooks. A child row is appended to its
  parent and the parent saved, so the parent's own logic sees it (Contact derives ``email_id``
  from its rows). Updates are ``frappe.db.set_value`` (no hooks: bookkeeping, as Frappe
  recommends inside hooks) and write exactly the fields given.
- **Permissions are the calling user's** (``FrappeStore()``): reads go through
  ``frappe.get_list``, writes through ``insert``/``save``/``delete_doc`` with permission checks,
  and updates check ``frappe.has_permission(doctype, "write", name)``. A refusal is an
  ``AuthError``. ``FrappeStore(ignore_permissions=True)`` acts for the system — for hooks
  that do bookkeeping after a save the user was allowed to make, webhooks after their token
  was checked, and jobs. Error Log and Switchboard Merge Log rows are always written as the
  system: they record what happened, whoever caused it.
- **Transactions are savepoints** (``frappe.db.savepoint`` / ``release_savepoint`` /
  ``rollback(save_point=...)``); FrappeStore never commits or rolls back the request's
  transaction: the request, job or test does. Error Log is a MyISAM table in Frappe: its rows
  survive a rollback, by design.
- **Field names.** A library field the site's doctype lacks maps to its ``custom_`` twin
  (``contact_mobile`` on HD Ticket is ``custom_contact_mobile``; ``sales_orders`` on CRM Deal is
  ``custom_sales_orders``), so a site keeps Frappe's custom-field naming and a site whose apps
  have the plain field uses it. Writing a field the site has under neither name is a
  ``ValidationError`` (Frappe would drop it silently); reading one gives null, and a filter on
  it matches as a filter on null does. A doctype the site does not have reads as empty;
  writing to it is ``NotFound`` (code ``unknown_doctype``).
- **Filters are Frappe's**: ``{"field": None}`` and ``is not set`` match null *and* ''
  (and 0 for numbers: Frappe's ``is set`` is false for 0); ``!=``/``not in``/comparisons read
  null as ''; equality and ``like`` follow the database collation (MariaDB's is
  case-insensitive).
- **The site's time zone.** Frappe writes datetimes in the time zone of its System Settings,
  which is rarely the server process's (``TZ``); the store's ``time_zone`` is set to it, so
  what the library stamps (a ticket's opening date and time, a call log's start) and the
  windows it compares (a reply within days of a closure) are the site's local time.
- **One thread.** ``frappe.local`` belongs to the thread (request) that created the store; a
  call from another thread is a ``StoreError``.
"""
from __future__ import annotations

import datetime
import decimal
import importlib
import re
import secrets
import string
import threading
from typing import Any, Callable, Iterable, Optional

from . import _core
from ._errors import AuthError, NotFound, StoreError, ValidationError

__all__ = ["FrappeBackend", "FrappeStore"]

_SAVEPOINT_ALPHABET = string.ascii_lowercase
# Columns every Frappe table has; never mapped to custom_ twins.
_STANDARD = frozenset({"name", "creation", "modified", "modified_by", "owner", "docstatus", "idx",
                       "parent", "parenttype", "parentfield", "_assign", "_user_tags",
                       "_comments", "_liked_by", "_seen"})
# Written as the system whoever calls: they record what happened.
SYSTEM_DOCTYPES = frozenset({"Error Log", "Switchboard Merge Log"})
_ORDER = re.compile(r"^\s*(?:`?tab[^`]*`?\.)?`?([A-Za-z0-9_]+)`?(?:\s+(asc|desc))?\s*$", re.I)

CAP_SAVEPOINTS, CAP_SELF_MANAGED, CAP_COUNT = 1, 4, 8


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


def _null_matches(op: str, value: Any) -> bool:
    """Whether a filter on a column the site lacks (always null) matches, read as Frappe reads
    null: '' for text comparisons."""
    if op == "is":
        return value == "not set"
    if op in ("=", "like"):
        return value in (None, "") or (op == "like" and str(value).strip("%") == "")
    if op in ("!=", "not like"):
        return not _null_matches("=" if op == "!=" else "like", value)
    if op == "in":
        return any(v in (None, "") for v in value)
    if op == "not in":
        return not any(v in (None, "") for v in value)
    return False  # comparisons and between never match a missing value


class _SiteDoctype:
    """What the site has for one doctype: columns, child tables, and the library's names."""

    def __init__(self, frappe: Any, doctype: str, library_fields: set[str],
                 library_tables: set[str]) -> None:
        meta = frappe.get_meta(doctype)
        self.name = doctype
        self.single = bool(meta.issingle)
        self.child = bool(meta.istable)
        self.autoincrement = (meta.autoname or "") == "autoincrement"
        self.tables = {df.fieldname: df.options for df in meta.get_table_fields()}
        if self.single:
            self.columns = {df.fieldname for df in meta.fields} | {"name"}
        else:
            self.columns = set(frappe.db.get_table_columns(doctype))
        self.types = {df.fieldname: df.fieldtype for df in meta.fields}
        self.types.update({"docstatus": "Int", "idx": "Int"})
        self.to_site: dict[str, str] = {}
        self.from_site: dict[str, str] = {}
        for field in library_fields | library_tables:
            if field in _STANDARD or field in self.columns or field in self.tables:
                continue
            twin = "custom_" + field
            if twin in self.columns or twin in self.tables:
                self.to_site[field] = twin
                self.from_site[twin] = field

    def site(self, field: str) -> Optional[str]:
        """The site's column for a library field, or None when the site has none."""
        field = self.to_site.get(field, field)
        return field if field in self.columns or field in _STANDARD else None

    def site_table(self, field: str) -> Optional[str]:
        field = self.to_site.get(field, field)
        return field if field in self.tables else None

    def library_row(self, row: dict) -> dict:
        out = {}
        for key, value in row.items():
            if value is None or isinstance(value, list):
                continue  # unset: the facade fills in the library's fields
            out[self.from_site.get(key, key)] = _plain(value)
        if "name" in out and not isinstance(out["name"], str):
            out["name"] = str(out["name"])  # autoincrement names are integers
        return out


_NUMERIC = ("Check", "Float", "Int", "Currency", "Percent")
_NEVER_NULL = ("name", "modified", "creation")
_DATETIME_FALLBACK = "'0001-01-01 00:00:00.000000'"


def _condition(site: _SiteDoctype, column: str, op: str, value: Any, params: list) -> str:
    """One filter as SQL with Frappe's semantics (frappe.model.db_query's
    prepare_filter_condition, for the operators the library uses): null reads as '' (or 0,
    or the earliest date) unless the column cannot be null or the comparison cannot match it."""
    q = f"`tab{site.name}`.`{column}`"
    kind = site.types.get(column)
    op = op.lower()
    can_be_null = column not in _NEVER_NULL
    if op in ("in", "not in"):
        values = list(value or [])
        if op == "in":
            can_be_null &= not values or any(v is None or v == "" for v in values)
        params.extend(("" if v is None else str(v)).strip() for v in values or [""])
        marks = ", ".join(["%s"] * max(1, len(values)))
        return f"{f'ifnull({q}, {chr(39) * 2})' if can_be_null else q} {op} ({marks})"
    fallback = "''"
    if kind in _NUMERIC:
        can_be_null = False
    if op in (">", ">=") and (column in ("creation", "modified") or kind in ("Date", "Datetime")):
        can_be_null = False
    if op in (">", "<", ">=", "<=") and column in ("creation", "modified"):
        value, can_be_null, fallback = str(value), False, _DATETIME_FALLBACK
    elif op == "is":
        if value == "set":
            op, can_be_null = "!=", False
        else:
            op, can_be_null = "=", True
        value = ""
    elif kind == "Date":
        fallback = "'0001-01-01'"
    elif kind == "Datetime" or isinstance(value, datetime.datetime):
        fallback = _DATETIME_FALLBACK
    elif kind == "Time":
        fallback = "'00:00:00'"
    elif op in ("like", "not like") or (isinstance(value, str) and kind not in _NUMERIC):
        value = "" if value is None else value
    elif column == "name" or (op == "=" and kind in ("Link", "Data")):
        value = value or ""
    else:
        value, fallback = float(value or 0), "0"
    params.append(value)
    if not can_be_null or (value and op in ("=", "like")):
        return f"{q} {op} %s"
    return f"ifnull({q}, {fallback}) {op} %s"


class FrappeBackend(_core.StoreBackend):
    """The StoreBackend of the current Frappe site: Frappe's document API and database.

    One thread at a time: the thread of the Frappe request or job that created it."""

    def __init__(self, frappe_module: Any = None, *, ignore_permissions: bool = False) -> None:
        _core.StoreBackend.__init__(self)
        self.frappe = frappe_module if frappe_module is not None else importlib.import_module("frappe")
        self.ignore_permissions = ignore_permissions
        self._schema = None
        self._savepoints: list[str] = []
        self._sites: dict[str, Optional[_SiteDoctype]] = {}
        self._twins: dict[tuple[str, str], str] = {}
        self._thread = threading.get_ident()

    # -- helpers -------------------------------------------------------------------------
    def _library_fields(self, doctype: str) -> tuple[set[str], dict[str, str]]:
        """The library's fields and child tables of a doctype (none for doctypes it lacks)."""
        if self._schema is None or doctype not in self._schema:
            return set(), {}
        info = self._schema.doctype(doctype)
        return {f["name"] for f in info["fields"]}, dict(info["tables"])

    def _check_thread(self) -> None:
        if threading.get_ident() != self._thread:
            raise StoreError("a FrappeStore belongs to the thread of the Frappe request or job "
                             "that created it (frappe.local is per thread)", code="backend")

    def _site(self, doctype: str, *, write: bool = False) -> Optional[_SiteDoctype]:
        self._check_thread()
        if doctype not in self._sites:
            try:
                self.frappe.get_meta(doctype)  # cached by Frappe; raises for unknown doctypes
            except self.frappe.DoesNotExistError:
                self._sites[doctype] = None
            else:
                fields, tables = self._library_fields(doctype)
                self._sites[doctype] = _SiteDoctype(self.frappe, doctype, fields, set(tables))
        site = self._sites[doctype]
        if site is None and write:
            raise NotFound(f"DocType {doctype} is not installed on this site", code="unknown_doctype")
        return site

    def _ignore(self, doctype: str) -> bool:
        return self.ignore_permissions or doctype in SYSTEM_DOCTYPES

    def _values(self, site: _SiteDoctype, doc: dict, *, skip: Iterable[str] = ()) -> dict:
        """A library document as site fields; a field the site lacks is a ValidationError."""
        out = {}
        skip = set(skip)
        for key, value in doc.items():
            if key in skip:
                continue
            column = site.site(key)
            if column is None:
                raise ValidationError(
                    f"{site.name} has no field {key!r} on this site (the switchboard_frappe app "
                    "creates the custom fields switchboard needs)")
            out[column] = value
        return out

    def _parentfield(self, child: str, parenttype: Optional[str], value: Any) -> Any:
        """A child row's parentfield as the site names it (sales_orders -> custom_sales_orders):
        by the parent's fields when the parent is known, else by the site's Custom Fields."""
        if not isinstance(value, str) or value.startswith("custom_"):
            return value
        if parenttype:
            parent = self._site(parenttype)
            return (parent.site_table(value) if parent is not None else None) or value
        key = (child, value)
        if key not in self._twins:
            twin = "custom_" + value
            self._twins[key] = twin if self.frappe.db.exists(
                "Custom Field", {"fieldtype": "Table", "options": child, "fieldname": twin}) else value
        return self._twins[key]

    def _rows(self, site: _SiteDoctype, rows) -> list:
        """Site rows as library documents; a child row's parentfield by the library's name
        (custom_sales_orders -> sales_orders)."""
        out = [site.library_row(dict(r)) for r in rows]
        if site.child:
            for row in out:
                parent = self._site(row["parenttype"]) if row.get("parenttype") else None
                if parent is not None and row.get("parentfield") in parent.from_site:
                    row["parentfield"] = parent.from_site[row["parentfield"]]
        return out

    def _filters(self, site: _SiteDoctype, filters: Iterable) -> Optional[list]:
        """Frappe filter triples, or None when the filters can never match."""
        out = []
        triples = [tuple(f) for f in filters]
        parenttype = next((v for f, op, v in triples if f == "parenttype" and op == "="), None)
        for field, op, value in triples:
            if op == "in" and not value:
                return None
            if op == "not in" and not value:
                continue
            if field == "parentfield" and site.child:
                value = ([self._parentfield(site.name, parenttype, v) for v in value]
                         if isinstance(value, list) else self._parentfield(site.name, parenttype, value))
            column = site.site(field)
            if column is None:  # the site has no such column: every row holds null
                if _null_matches(op, value):
                    continue
                return None
            if op == "=" and value is None:
                op, value = "is", "not set"
            elif op == "!=" and value is None:
                op, value = "is", "set"
            elif op == "between":  # Frappe's between is for dates only
                out.append([column, ">=", value[0]])
                op, value = "<=", value[1]
            out.append([column, op, value])
        return out

    def _order_by(self, site: _SiteDoctype, order_by: str) -> Optional[str]:
        parts = []
        for item in (order_by or "").split(","):
            if not item.strip():
                continue
            m = _ORDER.match(item)
            if not m:
                raise ValidationError(f"cannot sort by {item!r}")
            column = site.site(m.group(1))
            if column is not None:  # a missing column is null everywhere: no order
                parts.append(f"`tab{site.name}`.`{column}` {(m.group(2) or 'asc').lower()}")
        return ", ".join(parts) or None

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Runs a Frappe call and maps Frappe's exceptions onto switchboard's."""
        f = self.frappe
        log = getattr(f.local, "message_log", None)
        mark = len(log) if isinstance(log, list) else None
        try:
            return fn()
        except (ValidationError, NotFound, StoreError, AuthError):
            raise
        except Exception as e:  # noqa: BLE001 - every Frappe error becomes a switchboard one
            if mark is not None and isinstance(f.local.message_log, list):
                del f.local.message_log[mark:]  # the library decides what the user sees
            raise self._translate(what, e) from e

    def _translate(self, what: str, e: Exception) -> Exception:
        f = self.frappe
        text = f"{what}: {_message(e)}"
        if isinstance(e, (f.DuplicateEntryError, f.UniqueValidationError)) or _is_duplicate(f, e):
            return StoreError(text, code="duplicate")
        if isinstance(e, f.PermissionError):
            return AuthError(text)
        if isinstance(e, f.ValidationError):  # mandatory, links, DoesNotExist, timestamps, ...
            return ValidationError(text)
        if isinstance(e, getattr(f, "QueryDeadlockError", ())):
            # InnoDB ended the request's whole transaction, work before the library's included:
            # not retryable here (a rerun of the library's part would commit it alone).
            return StoreError(text + " (the database rolled back the request's transaction; "
                              "the request must run again)", code="backend")
        if isinstance(e, getattr(f, "QueryTimeoutError", ())):
            return StoreError(text, code="busy")  # only the statement was undone
        return StoreError(text, code="backend")

    def _system_reads(self, site: _SiteDoctype) -> bool:
        """Reads as the system go straight to SQL (Frappe's filter semantics, without
        DatabaseQuery's per-call parsing); as the user they go through frappe.get_list."""
        return self._ignore(site.name) or site.child

    def _select(self, site: _SiteDoctype, what: str, filters: list, order_by=None, limit=None,
                offset=0) -> list:
        params: list = []
        where = " and ".join(_condition(site, c, op, v, params) for c, op, v in filters)
        sql = f"select {what} from `tab{site.name}`" + (f" where {where}" if where else "")
        if order_by:
            sql += f" order by {order_by}"
        if limit:
            sql += f" limit {int(limit)} offset {int(offset or 0)}"
        return self.frappe.db.sql(sql, params, as_dict=True)

    def _list(self, doctype: str, **kwargs) -> list:
        if self._ignore(doctype):
            return self.frappe.get_all(doctype, **kwargs)
        site = self._sites.get(doctype)
        if site is not None and site.child:  # Frappe lists child rows through their parent only
            return self.frappe.get_all(doctype, **kwargs)
        return self.frappe.get_list(doctype, **kwargs)

    # -- StoreBackend ------------------------------------------------------------------------
    def open(self, schema) -> None:
        self._schema = schema
        self._sites.clear()

    def capabilities(self) -> int:
        return CAP_SAVEPOINTS | CAP_SELF_MANAGED | CAP_COUNT

    def get(self, doctype: str, name: str) -> Optional[dict]:
        site = self._site(doctype)
        if site is None:
            return None
        if site.single:
            if name != doctype:
                return None
            values = self._call("get", lambda: self.frappe.db.get_singles_dict(doctype))
            return {**site.library_row(dict(values)), "name": doctype}
        if self._system_reads(site):
            rows = self._call("get", lambda: self.frappe.db.sql(
                f"select * from `tab{doctype}` where name = %s", (name,), as_dict=True))
        else:
            rows = self._call("get", lambda: self._list(
                doctype, filters={"name": name}, fields=["*"], limit_page_length=1))
        return self._rows(site, rows[:1])[0] if rows else None

    def find(self, doctype: str, filters, fields, order_by, limit, offset) -> list:
        site = self._site(doctype)
        if site is None or limit == 0:
            return []
        frappe_filters = self._filters(site, filters)
        if frappe_filters is None:
            return []
        if site.single:
            row = self.get(doctype, doctype)
            return [row] if row else []
        columns = ["*"]
        if fields:
            columns = sorted({c for c in (site.site(f) for f in fields) if c is not None} | {"name"})
            columns = [f"`{c}`" for c in columns]
        if self._system_reads(site):
            rows = self._call("find", lambda: self._select(
                site, ", ".join(columns), frappe_filters, self._order_by(site, order_by), limit, offset))
            return self._rows(site, rows)
        rows = self._call("find", lambda: self._list(
            doctype, filters=frappe_filters, fields=columns, order_by=self._order_by(site, order_by),
            limit_start=offset or 0, limit_page_length=limit or 0))
        return self._rows(site, rows)

    def count(self, doctype: str, filters) -> int:
        site = self._site(doctype)
        if site is None:
            return 0
        frappe_filters = self._filters(site, filters)
        if frappe_filters is None:
            return 0
        if self._system_reads(site):
            rows = self._call("count", lambda: self._select(site, "count(*) as n", frappe_filters))
            return int(rows[0]["n"])
        return len(self._call("count", lambda: self.frappe.get_list(
            doctype, filters=frappe_filters, fields=["name"], limit_page_length=0)))

    def insert(self, doctype: str, doc: dict) -> str:
        site = self._site(doctype, write=True)
        f = self.frappe
        ignore = self._ignore(doctype)
        if site.single:
            values = self._values(site, doc, skip=("name",))

            def save_single():
                single = f.get_doc(doctype)
                single.update(values)
                single.save(ignore_permissions=ignore)
            self._call("insert", save_single)
            return doctype
        if site.child:
            for key in ("parent", "parenttype", "parentfield"):
                if not doc.get(key):
                    raise ValidationError(f"a {doctype} row needs {key}")
            parent_site = self._site(doc["parenttype"], write=True)
            table = parent_site.site_table(doc["parentfield"])
            if table is None:
                raise ValidationError(f"{doc['parenttype']} has no table {doc['parentfield']!r} on this site")
            values = self._values(site, doc, skip=("name", "parent", "parenttype", "parentfield"))

            def append_row():
                parent = f.get_doc(doc["parenttype"], doc["parent"])
                row = parent.append(table, values)
                parent.save(ignore_permissions=self._ignore(doc["parenttype"]))
                return row.name
            return str(self._call("insert", append_row))
        return self._orm_insert(doctype, self._values(site, doc, skip=("name",)))

    def _orm_insert(self, doctype: str, values: dict) -> str:
        """One ORM insert of a document given as site fields (child tables as lists of rows)."""
        ignore = self._ignore(doctype)

        def insert_doc():
            new = self.frappe.get_doc({**values, "doctype": doctype})
            new.insert(ignore_permissions=ignore)
            return new.name
        return str(self._call("insert", insert_doc))

    def insert_with_rows(self, doctype: str, doc: dict, tables: list) -> str:
        """A document with its child rows in one ORM insert (instead of an insert and one save of
        the parent per row)."""
        site = self._site(doctype, write=True)
        if site.single or site.child:
            raise ValidationError(f"{doctype} cannot be inserted with child rows")
        values = self._values(site, doc, skip=("name",))
        for parentfield, child_doctype, rows in tables:
            table = site.site_table(parentfield)
            if table is None:
                raise ValidationError(f"{doctype} has no table {parentfield!r} on this site")
            child = self._site(child_doctype, write=True)
            values[table] = [self._values(child, row, skip=("name", "parent", "parenttype", "parentfield"))
                             for row in rows]
        return self._orm_insert(doctype, values)

    def update(self, doctype: str, name: str, changes: dict) -> None:
        site = self._site(doctype, write=True)
        values = self._values(site, changes)
        if site.child and "parentfield" in values:
            values["parentfield"] = self._parentfield(doctype, values.get("parenttype"), values["parentfield"])
        f = self.frappe
        if site.single:
            if name != doctype:
                raise NotFound(f"{doctype} {name!r} not found")
        elif not self._call("update", lambda: f.db.exists(doctype, name)):
            raise NotFound(f"{doctype} {name!r} not found")
        if not self._ignore(doctype):
            target = (f.db.get_value(doctype, name, ["parenttype", "parent"]) if site.child else None)
            doctype_, name_ = target if target and target[0] else (doctype, name)
            if not f.has_permission(doctype_, "write", name_):
                raise AuthError(f"not permitted to change {doctype_} {name_}")
        if values:
            self._call("update", lambda: f.db.set_value(doctype, name, values, update_modified=False))

    def update_where(self, doctype: str, filters, changes: dict) -> int:
        rows = self.find(doctype, filters, ["name"], "", None, 0)
        for row in rows:
            self.update(doctype, row["name"], changes)
        return len(rows)

    def remove(self, doctype: str, name: str) -> None:
        site = self._site(doctype, write=True)
        f = self.frappe
        if site.single or not self._call("remove", lambda: f.db.exists(doctype, name)):
            raise NotFound(f"{doctype} {name!r} not found")
        if site.child:
            if not self._ignore(doctype):
                parenttype, parent = f.db.get_value(doctype, name, ["parenttype", "parent"])
                if not f.has_permission(parenttype, "write", parent):
                    raise AuthError(f"not permitted to change {parenttype} {parent}")
            self._call("remove", lambda: f.db.delete(doctype, {"name": name}))
        else:
            self._call("remove", lambda: f.delete_doc(
                doctype, name, force=True, ignore_permissions=self._ignore(doctype)))

    def begin(self) -> None:
        self._check_thread()
        name = "sb_" + "".join(secrets.choice(_SAVEPOINT_ALPHABET) for _ in range(10))
        self.frappe.db.savepoint(name)
        self._savepoints.append(name)

    def commit(self) -> None:
        self._check_thread()
        self.frappe.db.release_savepoint(self._savepoints.pop())

    def rollback(self) -> None:
        self._check_thread()
        self.frappe.db.rollback(save_point=self._savepoints.pop())


def _message(e: Exception) -> str:
    text = str(e) or type(e).__name__
    return re.sub(r"<[^>]+>", "", text)  # frappe.throw messages carry HTML (bold names)


def _is_duplicate(frappe: Any, e: Exception) -> bool:
    db = getattr(frappe, "db", None)
    try:
        return bool(db and db.is_duplicate_entry(e))
    except Exception:  # noqa: BLE001
        return False


def _site_time_zone(frappe: Any) -> str:
    """The site's System Settings time zone (cached by Frappe); '' where there is none."""
    get = getattr(getattr(frappe, "utils", None), "get_system_timezone", None)
    return (get() or "") if callable(get) else ""


class FrappeStore(_core.Store):
    """A switchboard Store on the current Frappe site (a FrappeBackend), with the site's
    SiteConfig read from its Switchboard Settings. One per request or job, on its thread.
    ``ignore_permissions=True`` acts for the system instead of the session user."""

    def __init__(self, frappe_module: Any = None, ignore_permissions: bool = False) -> None:
        self.frappe_backend = FrappeBackend(frappe_module, ignore_permissions=ignore_permissions)
        _core.Store.__init__(self, self.frappe_backend)
        zone = _site_time_zone(self.frappe_backend.frappe)
        if zone:
            self.time_zone = zone

    @property
    def frappe(self) -> Any:
        return self.frappe_backend.frappe

    @property
    def ignore_permissions(self) -> bool:
        return self.frappe_backend.ignore_permissions
