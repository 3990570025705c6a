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
__all__: list[str] = ['AuthError', 'DEAL_NEEDS_SALES_ORDER', 'DEFAULT_INTERNAL_DOMAINS', 'Error', 'FaultyStore', 'HttpError', 'MemoryStore', 'NotFound', 'NotSupported', 'ParseError', 'SQLITE_SCHEMA_VERSION', 'SqliteStore', 'Store', 'StoreError', 'ValidationError', 'aggregate_production_status', 'copy_communication', 'extract_customer_email', 'list_communications', 'match_customers', 'merge_pointer_field', 'resolve_survivor', 'seed_standard_records', 'split_name', 'sync_order_history', 'transfer_lead_to_ticket', 'transfer_ticket_to_lead', 'validate_deal']
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
def aggregate_production_status(statuses: collections.abc.Sequence[str | None]) -> str:
    """
    One status over several Work Orders: 'N/A' when none is known, else the highest blocker (CANCELLED > BLOCKED FACTORY > BLOCKED OPS > QA REWORK), else DONE / NEW / WIP, else the first value not DONE/COMPLETED. None, blanks, case and '_' are handled.
    """
def copy_communication(store: Store, communication: str, target_doctype: str, target_name: str) -> str:
    """
    Copies a Communication (every field, message id kept, status 'Linked', File attachments too) onto another record, strictly newer than the original; returns the copy's name. One transaction.
    """
def extract_customer_email(candidates: collections.abc.Sequence[str], internal_domains: collections.abc.Sequence[str] | None = None) -> str:
    """
    The first address outside the internal domains among address lists, lower-cased; '' when none.
    """
def list_communications(store: Store, doctype: str, name: str) -> list[dict[str, None | int | float | str]]:
    """
    The email Communications filed on a record, oldest first, as dicts with name, subject, sender, sender_full_name, recipients, creation, content, text_content, message_id, in_reply_to, sent_or_received, communication_date and has_attachment.
    """
def match_customers(store: Store, customer_name: str) -> list[str]:
    """
    Customer names whose customer_name equals customer_name ignoring case and surrounding whitespace.
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
def split_name(full_name: str) -> tuple[str, str]:
    """
    (first, last) of a person's name: 'Doe, John' -> ('John', 'Doe'); middle names stay with the first name; a single name is (name, '').
    """
def sync_order_history(store: Store, doctype: str, name: str, customer_name: str, ops_status_field: str = 'custom_ops_status') -> dict:
    """
    Rebuilds the 'Order History' rows (parentfield 'custom_order_history') of an HD Ticket, CRM Lead or CRM Deal from the matching customers' Sales Orders and Work Orders, replacing earlier rows, in one transaction. Returns {'success', 'message', 'items', 'orders', 'customers'}.
    """
def transfer_lead_to_ticket(store: Store, lead: str, communication_ids: collections.abc.Sequence[str] | None = None, delete_source: bool = True, internal_domains: collections.abc.Sequence[str] | None = None, region: str = 'US') -> dict:
    """
    Moves a CRM Lead's emails to a new HD Ticket in one transaction. communication_ids=None copies every email, [] none. Returns {'success', 'ticket_name', 'transferred_count', 'contact', 'customer_email', 'note', 'source_deleted', 'copies': {original: copy}}.
    """
def transfer_ticket_to_lead(store: Store, ticket: str, communication_ids: collections.abc.Sequence[str] | None = None, delete_source: bool = True, internal_domains: collections.abc.Sequence[str] | None = None, region: str = 'US') -> dict:
    """
    Moves an HD Ticket's emails to a new CRM Lead (source 'Support Transfer') in one transaction. Returns {'success', 'lead_name', 'transferred_count', ...} as transfer_lead_to_ticket does.
    """
def validate_deal(store: Store, deal: dict[str, typing.Any]) -> None:
    """
    Raises ValidationError (the seed's message) when the deal's status is of type Won and it has no Sales Order: rows from deal['sales_orders'] when given, else the stored rows.
    """
DEAL_NEEDS_SALES_ORDER: str = 'Please add at least one Sales Order before marking the deal as Won.'
DEFAULT_INTERNAL_DOMAINS: list = ['cozycornerpatios.com', 'zipcushions.com']
SQLITE_SCHEMA_VERSION: int = 1
__version__: str = '0.1.0'
