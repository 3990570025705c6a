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
__all__: list[str] = ['AuthError', 'CallEvent', 'CallLogger', 'Error', 'FaultyStore', 'HttpError', 'MemoryStore', 'NotFound', 'NotSupported', 'ParseError', 'SQLITE_SCHEMA_VERSION', 'SqliteStore', 'Store', 'StoreError', 'TranscriptSource', 'ValidationError', 'WebhookHandler', 'extract_recording_id', 'format_transcript', 'get_or_create_transcript', 'merge_pointer_field', 'parse_call_event', 'process_crm_payload', 'recording_url', 'refresh_transcript', 'resolve_survivor', 'secret_matches', 'seed_standard_records']
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
class CallEvent:
    """
    One call payload, normalized (see parse_call_event).
    """
    def __repr__(self) -> str:
        ...
    @property
    def call_id(self) -> str:
        ...
    @property
    def direction(self) -> str:
        ...
    @property
    def duration(self) -> float | None:
        ...
    @property
    def event_uuid(self) -> str:
        ...
    @property
    def from_party(self) -> dict:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def missed_call(self) -> bool | None:
        ...
    @property
    def recording_id(self) -> str:
        ...
    @property
    def recording_url(self) -> str:
        ...
    @property
    def result(self) -> str:
        ...
    @property
    def sequence(self) -> int | None:
        ...
    @property
    def session_id(self) -> str:
        ...
    @property
    def start_time(self) -> str:
        ...
    @property
    def status_code(self) -> str:
        ...
    @property
    def telephony_session_id(self) -> str:
        ...
    @property
    def to_party(self) -> dict:
        ...
    @property
    def upsert_key(self) -> str:
        ...
class TranscriptSource:
    """
    Where transcripts come from. Subclass it (call TranscriptSource.__init__(self)) and implement fetch_insights(recording_id, telephony_session_id) -> str | None.
    """
    def __init__(self) -> None:
        ...
    def fetch_insights(self, recording_id: str, telephony_session_id: str) -> str | None:
        ...
class CallLogger:
    """
    Turns call events into Helpdesk Call Log and CRM Call Log rows, without duplicates, linked by phone key to the customer's ticket, lead and contact.
    """
    def __init__(self, store: Store, region: str = '', company_numbers: collections.abc.Sequence[str] = [], create_tickets: bool = False, helpdesk_call_logs: bool = True, crm_call_logs: bool = True, fallback_status: str = 'Completed') -> None:
        ...
    def create_manual_call_log(self, phone_number: str, contact_name: str = '', ticket_name: str = '') -> str:
        """
        The seed's click-to-call log (Outgoing, Initiated); returns its name.
        """
    def ingest(self, event: typing.Any) -> dict:
        """
        Upserts the call log(s) of a CallEvent (or of a raw body) in one transaction. Returns {'action': created|updated|duplicate|skipped, 'reason', 'call_log', ...}.
        """
    def status_for(self, event: CallEvent) -> str:
        ...
    @property
    def store(self) -> Store:
        ...
class WebhookHandler:
    """
    The call webhook endpoint without a transport: handle(headers, body) -> (status, headers, body).
    """
    def __init__(self, logger: CallLogger, verification_token: str = '', relay_secret: str = '', store_payloads: bool = True) -> None:
        ...
    def handle(self, headers: collections.abc.Mapping[str, str], body: typing.Any) -> tuple[int, dict[str, str], bytes]:
        ...
def _get_from_cpp_thread(store: Store, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
    ...
def _hold_transaction(store: Store, seconds: typing.SupportsFloat | typing.SupportsIndex) -> None:
    """
    Holds a transaction open in C++ for `seconds` (GIL released).
    """
def extract_recording_id(url: str) -> str | None:
    """
    The recording id inside any RingCentral recording URL form, or None.
    """
def format_transcript(insights_json: typing.Any) -> str:
    """
    One '[speaker]: text' line per segment of RingSense insights JSON.
    """
def get_or_create_transcript(store: Store, doctype: str, call_log: str, source: TranscriptSource) -> dict:
    """
    The cached transcript ({'success', 'transcript', 'cached'}), fetched and stored when absent.
    """
def merge_pointer_field(doctype: str) -> str:
    """
    The field holding a doctype's merge pointer, or ''.
    """
def parse_call_event(body: typing.Any) -> CallEvent:
    """
    Parses a Pabbly relay body, a RingCentral call-log record or a telephony-session notification (bytes or str). Raises ParseError (with .position) on bad input.
    """
def process_crm_payload(logger: CallLogger, name: str) -> dict:
    """
    Processes a queued 'RingCentral CRM Payload'; a missing one is a logged no-op.
    """
def recording_url(recording_id: str, account_id: str = '~') -> str:
    """
    The recording's content URL on RingCentral's media host.
    """
def refresh_transcript(store: Store, doctype: str, call_log: str, source: TranscriptSource) -> dict:
    """
    Fetches the transcript again and replaces the stored one.
    """
def resolve_survivor(store: Store, doctype: str, name: str) -> str:
    """
    The record `name` ended up in after merges (follows merge pointers; cycle-safe).
    """
def secret_matches(presented: str, expected: str) -> bool:
    """
    Constant-time comparison of a presented secret with the expected one.
    """
def seed_standard_records(store: Store) -> None:
    """
    Inserts Frappe's default statuses that are missing (idempotent).
    """
SQLITE_SCHEMA_VERSION: int = 1
__version__: str = '0.1.0'
