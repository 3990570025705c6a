"""
switchboard's C++ core (import switchboard instead).
"""
from __future__ import annotations
import collections.abc
from switchboard._errors import AuthError
from switchboard._errors import Error
from switchboard._errors import HttpError
from switchboard._errors import NotFound
from switchboard._errors import NotSupported
from switchboard._errors import ParseError
from switchboard._errors import StoreError
from switchboard._errors import ValidationError
import typing
__all__: list[str] = ['AuthError', 'Error', 'FaultyStore', 'HttpError', 'MemoryStore', 'NotFound', 'NotSupported', 'ParseError', 'SQLITE_SCHEMA_VERSION', 'SqliteStore', 'Store', 'StoreError', 'ValidationError', 'merge_pointer_field', 'resolve_survivor', 'seed_standard_records']
class Store:
    """
    Frappe-shaped document storage with Frappe's filters and nestable transactions.
    
    Use ``MemoryStore()`` or ``SqliteStore(path)``, or subclass ``Store`` to put switchboard on
    another backend (Frappe itself): call ``Store.__init__(self)`` and implement ``do_get``,
    ``do_find``, ``do_insert``, ``do_update``, ``do_update_where``, ``do_remove``, ``do_begin``,
    ``do_commit`` and ``do_rollback`` (optionally ``do_count``, ``do_remove_where``,
    ``do_next_series``, ``do_lock``, ``do_capabilities``). The public methods below validate, name
    documents, fill defaults and keep multi-write operations atomic on every backend.
    Thread-safe; the GIL is released while C++ works.
    """
    def __init__(self) -> None:
        """
        For Python-implemented stores: call Store.__init__(self).
        """
    def begin(self) -> None:
        ...
    def commit(self) -> None:
        ...
    def count(self, doctype: str, filters: dict | list | None = None) -> int:
        ...
    def doctype(self, name: str) -> dict:
        """
        Fields, naming and child tables of a doctype, as a dict.
        """
    def doctypes(self) -> list[str]:
        ...
    def exists(self, doctype: str, name: str) -> bool:
        ...
    def find(self, doctype: str, filters: dict | list | None = None, fields: collections.abc.Sequence[str] | None = None, order_by: str | None = None, limit: typing.SupportsInt | typing.SupportsIndex | None = None, offset: typing.SupportsInt | typing.SupportsIndex = 0) -> list[dict[str, None | int | float | str]]:
        """
        Documents matching every filter: {field: value}, {field: [op, value]} or [[field, op, value], ...] with ops = != < <= > >= in, not in, like, not like, between, is ('set' / 'not set').
        """
    def find_one(self, doctype: str, filters: dict | list | None = None, fields: collections.abc.Sequence[str] | None = None, order_by: str | None = None) -> dict[str, None | int | float | str] | None:
        """
        The first match, or None.
        """
    def freeze_time(self, at: typing.Any) -> None:
        """
        Stops the store's clock at a datetime or epoch seconds (None restarts it).
        """
    def get(self, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
        """
        The document as a dict (every schema field, None when unset), or None.
        """
    def insert(self, doctype: str, doc: dict[str, typing.Any]) -> str:
        """
        Stores a new document and returns its name (named as Frappe would unless 'name' is given). List values are child rows: {'full_name': 'Ann', 'email_ids': [{...}]}.
        """
    def lock(self, key: str) -> None:
        ...
    def next_series(self, prefix: str) -> int:
        ...
    def now(self) -> str:
        """
        The store's time as Frappe datetime text.
        """
    def remove(self, doctype: str, name: str) -> None:
        """
        Deletes a document and its child rows; NotFound when absent.
        """
    def remove_where(self, doctype: str, filters: dict | list | None) -> int:
        ...
    def rollback(self) -> None:
        ...
    def transaction(self) -> _TransactionContext:
        """
        A context manager: commits when the block ends normally, rolls back on an exception. Nests (savepoints).
        """
    def update(self, doctype: str, name: str, changes: dict[str, None | int | float | str], update_modified: bool = True) -> None:
        ...
    def update_where(self, doctype: str, filters: dict | list | None, changes: dict[str, None | int | float | str], update_modified: bool = True) -> int:
        """
        Sets fields on every match; returns how many matched.
        """
    @property
    def capabilities(self) -> int:
        ...
    @property
    def transaction_depth(self) -> int:
        ...
class _TransactionContext:
    def __enter__(self) -> Store:
        ...
    def __exit__(self, arg0: typing.Any, arg1: typing.Any, arg2: typing.Any) -> bool:
        ...
class MemoryStore(Store):
    """
    An in-memory store with full filter and transaction semantics.
    """
    def __init__(self) -> None:
        ...
class SqliteStore(Store):
    """
    The embedded default: Frappe tables in one SQLite file (or ':memory:'), created and migrated in place; WAL and a busy timeout let several processes share it.
    """
    def __init__(self, path: str = ':memory:', busy_timeout_ms: typing.SupportsInt | typing.SupportsIndex = 30000, create: bool = True, synchronous: str = 'NORMAL', statement_cache_size: typing.SupportsInt | typing.SupportsIndex = 256) -> None:
        ...
    @property
    def path(self) -> str:
        ...
class FaultyStore(Store):
    """
    Wraps a store and raises StoreError(code='injected_fault') at the k-th write, commit or rollback (0 = never), for testing that operations are all-or-nothing.
    """
    def __init__(self, inner: Store, fail_write: typing.SupportsInt | typing.SupportsIndex = 0, fail_commit: typing.SupportsInt | typing.SupportsIndex = 0, fail_rollback: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    def arm(self, fail_write: typing.SupportsInt | typing.SupportsIndex = 0, fail_commit: typing.SupportsInt | typing.SupportsIndex = 0, fail_rollback: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        """
        New fault positions; resets the counters.
        """
    @property
    def commits(self) -> int:
        ...
    @property
    def inner(self) -> Store:
        ...
    @property
    def rollbacks(self) -> int:
        ...
    @property
    def writes(self) -> int:
        ...
def _get_from_cpp_thread(store: Store, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
    ...
def _hold_transaction(store: Store, seconds: typing.SupportsFloat | typing.SupportsIndex) -> None:
    """
    Holds a transaction open in C++ for `seconds` (GIL released).
    """
def merge_pointer_field(doctype: str) -> str:
    """
    The field holding a doctype's merge pointer, or ''.
    """
def resolve_survivor(store: Store, doctype: str, name: str) -> str:
    """
    The record `name` ended up in after merges (follows merge pointers; cycle-safe).
    """
def seed_standard_records(store: Store) -> None:
    """
    Inserts Frappe's default statuses that are missing (idempotent).
    """
SQLITE_SCHEMA_VERSION: int = 1
__version__: str = '0.1.0'
