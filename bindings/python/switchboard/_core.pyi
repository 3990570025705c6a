"""
switchboard's C++ core (import switchboard instead).
"""
from __future__ import annotations
import collections.abc
import enum
from switchboard._errors import AuthError
from switchboard._errors import Error
from switchboard._errors import HttpError
from switchboard._errors import NotFound
from switchboard._errors import NotSupported
from switchboard._errors import ParseError
from switchboard._errors import StoreError
from switchboard._errors import ValidationError
import typing
__all__: list[str] = ['AuthError', 'BulkMergeReport', 'Error', 'FaultyStore', 'HttpError', 'MERGE_LOG_DOCTYPE', 'MemoryStore', 'MergeReport', 'MergeStep', 'NotFound', 'NotSupported', 'PHONE_KEY_VERSION', 'PHONE_KEY_VERSION_FIELD', 'ParseError', 'Phone', 'PhoneMatch', 'PhoneMerger', 'RekeyReport', 'SQLITE_SCHEMA_VERSION', 'SharedNumber', 'SqliteStore', 'Store', 'StoreError', 'ValidationError', 'click_to_call', 'default_phone_region', 'default_relink_rules', 'digits_only', 'keyed_doctypes', 'merge_pointer_field', 'normalize_phone', 'phone_key', 'phone_key_fields', 'phone_match', 'resolve_survivor', 'seed_standard_records', 'set_default_phone_region']
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
class Phone:
    """
    A parsed phone number (see normalize_phone).
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: Phone) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def e164(self) -> str:
        """
        E.164 of the number, extension dropped.
        """
    @property
    def extension(self) -> str:
        """
        '89' for '... x 89'; '' when none.
        """
    @property
    def key(self) -> str | None:
        """
        The match key (e164 of a possible number) or None.
        """
    @property
    def possible(self) -> bool:
        """
        Possible with its area code.
        """
    @property
    def region(self) -> str:
        """
        Region of the number, e.g. 'US'.
        """
    @property
    def valid(self) -> bool:
        """
        Valid under libphonenumber's metadata.
        """
class PhoneMatch(enum.Enum):
    """
    How closely two numbers match; only EXACT may merge.
    """
    EXACT: typing.ClassVar[PhoneMatch]
    NONE: typing.ClassVar[PhoneMatch]
    NSN: typing.ClassVar[PhoneMatch]
    SHORT_NSN: typing.ClassVar[PhoneMatch]
    @classmethod
    def __new__(cls, value):
        ...
class MergeStep:
    """
    One record merged into the target.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: MergeStep) -> bool:
        ...
    def to_dict(self) -> dict:
        ...
    @property
    def filled(self) -> dict[str, None | int | float | str]:
        """
        Blank target fields filled from it.
        """
    @property
    def keys(self) -> list[str]:
        """
        Phone keys it shares with the target's group.
        """
    @property
    def moved(self) -> dict[str, list[str]]:
        """
        Rows re-pointed, by 'Doctype.field'.
        """
    @property
    def removed(self) -> dict[str, list[str]]:
        """
        Duplicate link rows deleted, by doctype.
        """
    @property
    def rows_moved(self) -> int:
        ...
    @property
    def source(self) -> str:
        ...
class SharedNumber:
    """
    A key too many records hold to merge on.
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: SharedNumber) -> bool:
        ...
    def to_dict(self) -> dict:
        ...
    @property
    def count(self) -> int:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def names(self) -> list[str]:
        """
        The oldest holders.
        """
class MergeReport:
    """
    What one merge did (or would do, in a dry run).
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: MergeReport) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict:
        """
        The report as plain dicts and lists (JSON-ready).
        """
    @property
    def doctype(self) -> str:
        ...
    @property
    def dry_run(self) -> bool:
        ...
    @property
    def keys_refreshed(self) -> bool:
        ...
    @property
    def merged(self) -> bool:
        ...
    @property
    def rows_moved(self) -> int:
        ...
    @property
    def shared(self) -> list[SharedNumber]:
        """
        Keys skipped as shared numbers.
        """
    @property
    def skipped(self) -> str:
        """
        Why nothing merged ('' otherwise).
        """
    @property
    def sources(self) -> list[str]:
        ...
    @property
    def steps(self) -> list[MergeStep]:
        """
        One per record merged, oldest first.
        """
    @property
    def target(self) -> str:
        ...
class BulkMergeReport:
    """
    What bulk_merge did (or would do).
    """
    __hash__: typing.ClassVar[None] = None
    def __eq__(self, arg0: BulkMergeReport) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict:
        ...
    @property
    def doctype(self) -> str:
        ...
    @property
    def dry_run(self) -> bool:
        ...
    @property
    def merges(self) -> list[MergeReport]:
        """
        One per group, oldest survivor first.
        """
    @property
    def records_merged(self) -> int:
        ...
    @property
    def rows_moved(self) -> int:
        ...
    @property
    def scanned(self) -> int:
        ...
    @property
    def shared(self) -> list[SharedNumber]:
        ...
class RekeyReport:
    """
    What rekey did.
    """
    @property
    def doctype(self) -> str:
        ...
    @property
    def scanned(self) -> int:
        ...
    @property
    def updated(self) -> int:
        ...
class PhoneMerger:
    """
    Finds and merges duplicate CRM Leads and HD Tickets by their stored phone keys.
    
    Only exact keys (E.164 and extension) merge. A merged record is tombstoned (tickets:
    is_merged, merged_with, status Closed; leads: custom_merged_into), never deleted; every merge
    is one transaction, writes an audit row and changes nothing when run again. `region` reads the
    raw numbers given to find_duplicates (default: the site default). Thread-safe.
    """
    def __init__(self, store: Store, region: str | None = None, *, shared_cap: typing.SupportsInt | typing.SupportsIndex = 20, include_converted: bool = False, include_closed: bool = False, closed_statuses: collections.abc.Sequence[str] | None = None, merged_ticket_status: str = 'Closed', fill_blanks: bool = True, batch_size: typing.SupportsInt | typing.SupportsIndex = 0, extra_relink_rules: typing.Any = None) -> None:
        ...
    def bulk_merge(self, doctype: str, dry_run: bool = False, progress: typing.Any = None) -> BulkMergeReport:
        """
        Merges every group of records sharing a key into its oldest record. `progress` is called with (done, total) after each batch.
        """
    def find_duplicates(self, doctype: str, raw_phone: str) -> list[str]:
        """
        Unmerged in-scope records holding the key of `raw_phone`, oldest first.
        """
    def merge(self, doctype: str, target: str, sources: collections.abc.Sequence[str], dry_run: bool = False) -> MergeReport:
        """
        Merges the chosen records into `target` (never into itself).
        """
    def merge_call_logs(self, doctype: str, name: str, dry_run: bool = False) -> MergeReport:
        """
        The manual trigger of the same merge into `name`.
        """
    def on_phone_changed(self, doctype: str, name: str, dry_run: bool = False) -> MergeReport:
        """
        The hook flow after mobile_no/phone (CRM Lead) or contact_mobile (HD Ticket) changed: the other records with an equal key are merged into this one.
        """
    def rekey(self, doctype: str, progress: typing.Any = None) -> RekeyReport:
        """
        Rewrites the stored keys that differ from a fresh computation (older key version, another default region, rows written outside the library).
        """
    @property
    def region(self) -> str:
        ...
    @property
    def shared_cap(self) -> int:
        ...
def _get_from_cpp_thread(store: Store, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
    ...
def _hold_transaction(store: Store, seconds: typing.SupportsFloat | typing.SupportsIndex) -> None:
    """
    Holds a transaction open in C++ for `seconds` (GIL released).
    """
def click_to_call(raw: str, region: str | None = None) -> dict:
    """
    RingCentral desktop and web links and a tel: URI; ValidationError when not dialable.
    """
def default_phone_region() -> str:
    """
    The site default region ('US').
    """
def default_relink_rules(doctype: str) -> list:
    """
    The rows re-pointed when a record of `doctype` is merged.
    """
def digits_only(raw: str) -> str:
    """
    The seed's normalization: the ASCII digits of `raw`.
    """
def keyed_doctypes() -> list[str]:
    """
    Every doctype with stored phone keys.
    """
def merge_pointer_field(doctype: str) -> str:
    """
    The field holding a doctype's merge pointer, or ''.
    """
def normalize_phone(raw: str, region: str | None = None) -> Phone | None:
    """
    Parses a phone number as libphonenumber does; None when `raw` is not a number. `region` (default: the site default) reads numbers without a country code.
    """
def phone_key(raw: str, region: str | None = None) -> str | None:
    """
    The match key: E.164 of a possible number without its extension, or None.
    """
def phone_key_fields(doctype: str) -> list:
    """
    The keyed phone fields of a doctype and their key/extension fields.
    """
def phone_match(a: str, b: str, region: str | None = None) -> PhoneMatch:
    """
    EXACT when both have the same key and extension in `region`, else libphonenumber's verdict (NSN, SHORT_NSN, NONE); garbage matches nothing.
    """
def resolve_survivor(store: Store, doctype: str, name: str) -> str:
    """
    The record `name` ended up in after merges (follows merge pointers; cycle-safe).
    """
def seed_standard_records(store: Store) -> None:
    """
    Inserts Frappe's default statuses that are missing (idempotent).
    """
def set_default_phone_region(region: str) -> None:
    """
    Changes the site default region; stored keys need PhoneMerger.rekey afterwards.
    """
MERGE_LOG_DOCTYPE: str = 'Switchboard Merge Log'
PHONE_KEY_VERSION: int = 1
PHONE_KEY_VERSION_FIELD: str = 'custom_phone_key_version'
SQLITE_SCHEMA_VERSION: int = 1
__version__: str = '0.1.0'
