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
__all__: list[str] = ['AuthError', 'BounceReport', 'Brand', 'BulkMergeReport', 'CallEvent', 'CallLogSync', 'CallLogger', 'DEAL_NEEDS_SALES_ORDER', 'EmailAddress', 'Error', 'ExtensionMatch', 'FaultyBackend', 'ForwardingBackend', 'HttpError', 'InboundEmail', 'IngestHook', 'JOB_DOCTYPE', 'Job', 'JobContext', 'JobOutcome', 'JobQueue', 'MERGE_LOG_DOCTYPE', 'MergeReport', 'MergeStep', 'NotFound', 'NotSupported', 'PHONE_KEYS_SIGNATURE_FIELD', 'PHONE_KEY_VERSION', 'PHONE_KEY_VERSION_FIELD', 'ParseError', 'Phone', 'PhoneMatch', 'PhoneMerger', 'RINGCENTRAL_JOB_KINDS', 'ROUTE_LOG_DOCTYPE', 'RekeyReport', 'RingCentralClient', 'RingCentralJobs', 'RouteResult', 'Router', 'RoutingRules', 'SITE_SETTINGS_DOCTYPE', 'SQLITE_SCHEMA_VERSION', 'Schema', 'SecretCodec', 'SharedNumber', 'SiteConfig', 'Store', 'StoreBackend', 'StoreError', 'Subscriptions', 'TELEPHONY_SESSIONS_FILTER', 'TranscriptSource', 'ValidationError', 'WebhookHandler', 'Worker', 'aes_gcm_codec', 'aggregate_production_status', 'classify_mail', 'clean_display_name', 'click_to_call', 'copy_communication', 'default_relink_rules', 'describe_database', 'digits_only', 'extract_customer_email', 'extract_recording_id', 'format_transcript', 'get_or_create_transcript', 'init_network', 'keyed_doctypes', 'list_communications', 'load_site_config', 'match_customers', 'merge_pointer_field', 'name_from_address', 'normalize_email', 'normalize_phone', 'normalize_subject', 'open_store', 'parse_address_list', 'parse_call_event', 'parse_email_address', 'parse_mbox', 'phone_key', 'phone_key_fields', 'phone_keys', 'phone_keys_signature', 'phone_match', 'process_crm_payload', 'recording_url', 'refresh_phone_keys', 'refresh_transcript', 'rekey_all_phone_keys', 'rekey_phone_keys', 'reply_from_address', 'resolve_survivor', 'ringcentral_ingest_hook', 'ringcentral_sync_status', 'same_line', 'save_site_config', 'secret_codec_from_environment', 'secret_matches', 'seed_standard_records', 'split_name', 'stored_verification_token', 'sync_order_history', 'synthetic_message_id', 'title_case', 'transfer_lead_to_ticket', 'transfer_ticket_to_lead', 'truncate_subject', 'unix_seconds', 'validate_deal']
class Schema:
    """
    The doctypes a store knows: names, fields, naming, tables.
    """
    def __contains__(self, arg0: str) -> bool:
        ...
    def doctype(self, name: str) -> dict:
        """
        Fields, naming and child tables of a doctype, as a dict.
        """
    def doctypes(self) -> list[str]:
        ...
class StoreBackend:
    """
    Base class of storage backends written in Python (Frappe's is one).
    
    Subclass it, call ``sb.StoreBackend.__init__(self)``, and write ``get``, ``find``, ``insert``,
    ``update``, ``update_where``, ``remove``, ``begin``, ``commit`` and ``rollback``; optionally
    ``count``, ``remove_where``, ``next_series``, ``lock``, ``insert_many``, ``insert_with_rows``
    (a self-managed backend storing a document with its child rows in one call: ``(doctype, doc,
    [(parentfield, child_doctype, [row, ...]), ...])`` returning the name; each one you write is
    used), ``capabilities`` (extra Capability flags such as SAVEPOINTS or SELF_MANAGED) and
    ``open(schema)``. Then ``store = sb.Store(MyBackend())``: the Store validates, names
    documents, fills defaults, derives fields and keeps every multi-write operation atomic.
    Methods are called one at a time, holding the GIL.
    """
    def __init__(self) -> None:
        ...
class ForwardingBackend(StoreBackend):
    """
    A backend that forwards everything to another store. Subclass it to decorate a store
    (count, log, cache): override what you decorate and call the base method for the rest;
    ``sb.Store(MyDecorator(inner))`` then behaves exactly like ``inner``.
    """
    def __init__(self, inner: ...) -> None:
        ...
    def begin(self) -> None:
        ...
    def commit(self) -> None:
        ...
    def count(self, doctype: str, filters: dict | list | None) -> int:
        ...
    def find(self, doctype: str, filters: dict | list | None, fields: collections.abc.Sequence[str], order_by: str, limit: typing.SupportsInt | typing.SupportsIndex | None, offset: typing.SupportsInt | typing.SupportsIndex) -> list[dict[str, None | int | float | str]]:
        ...
    def get(self, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
        ...
    def insert(self, doctype: str, doc: dict[str, None | int | float | str]) -> str:
        ...
    def lock(self, key: str) -> None:
        ...
    def next_series(self, prefix: str) -> int:
        ...
    def remove(self, doctype: str, name: str) -> None:
        ...
    def remove_where(self, doctype: str, filters: dict | list | None) -> int:
        ...
    def rollback(self) -> None:
        ...
    def update(self, doctype: str, name: str, changes: dict[str, None | int | float | str]) -> None:
        ...
    def update_where(self, doctype: str, filters: dict | list | None, changes: dict[str, None | int | float | str]) -> int:
        ...
    @property
    def inner(self) -> ...:
        ...
class FaultyBackend(ForwardingBackend):
    """
    Forwards to a store and raises StoreError(code='injected_fault') at the k-th write, commit or rollback (0 = never); see FaultyStore.
    """
    def __init__(self, inner: ..., fail_write: typing.SupportsInt | typing.SupportsIndex = 0, fail_commit: typing.SupportsInt | typing.SupportsIndex = 0, fail_rollback: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    def arm(self, fail_write: typing.SupportsInt | typing.SupportsIndex = 0, fail_commit: typing.SupportsInt | typing.SupportsIndex = 0, fail_rollback: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        """
        New fault positions; resets the counters.
        """
    @property
    def commits(self) -> int:
        ...
    @property
    def rollbacks(self) -> int:
        ...
    @property
    def writes(self) -> int:
        ...
class Brand:
    """
    One brand of a site: name, mail domains, support/sales/info aliases, company numbers, the
    address replies go out from (``reply_from``) and a signature. ``sb.Brand(name="Acme", ...)``;
    a dict with the same keys is accepted wherever a Brand is.
    """
    name: str
    reply_from: str
    signature: str
    @typing.overload
    def __init__(self, **kwargs) -> None:
        ...
    @typing.overload
    def __init__(self, fields: dict) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def aliases(self) -> list[str]:
        ...
    @property
    def company_numbers(self) -> list[str]:
        ...
    @company_numbers.setter
    def company_numbers(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def domains(self) -> list[str]:
        ...
    @domains.setter
    def domains(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def info_aliases(self) -> list[str]:
        ...
    @info_aliases.setter
    def info_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sales_aliases(self) -> list[str]:
        ...
    @sales_aliases.setter
    def sales_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def support_aliases(self) -> list[str]:
        ...
    @support_aliases.setter
    def support_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class SiteConfig:
    """
    The facts of one site: phone region (and fallback regions), the company's mail domains and
    routing aliases, internal domains, open and closed statuses, company phone numbers.
    One per store (``store.site``); keyword arguments set fields, the rest keep their defaults.
    """
    __hash__: typing.ClassVar[None] = None
    region: str
    @staticmethod
    def from_json(json: str) -> SiteConfig:
        ...
    def __eq__(self, arg0: SiteConfig) -> bool:
        ...
    def __init__(self, **kwargs) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def all_company_numbers(self) -> list[str]:
        ...
    def all_info_aliases(self) -> list[str]:
        ...
    def all_internal_domains(self) -> list[str]:
        ...
    def all_sales_aliases(self) -> list[str]:
        ...
    def all_support_aliases(self) -> list[str]:
        ...
    def brand_of(self, address: str) -> Brand | None:
        """
        The brand an address belongs to, or None.
        """
    def to_dict(self) -> typing.Any:
        ...
    def to_json(self) -> str:
        ...
    def validate(self) -> None:
        ...
    @property
    def brands(self) -> list[Brand]:
        """
        The site's brands (a copy: assign a new list to change them).
        """
    @brands.setter
    def brands(self, arg0: collections.abc.Sequence[Brand]) -> None:
        ...
    @property
    def closed_lead_statuses(self) -> list[str]:
        ...
    @closed_lead_statuses.setter
    def closed_lead_statuses(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def closed_ticket_statuses(self) -> list[str]:
        ...
    @closed_ticket_statuses.setter
    def closed_ticket_statuses(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def company_domains(self) -> list[str]:
        ...
    @company_domains.setter
    def company_domains(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def company_numbers(self) -> list[str]:
        ...
    @company_numbers.setter
    def company_numbers(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def fallback_regions(self) -> list[str]:
        ...
    @fallback_regions.setter
    def fallback_regions(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def info_aliases(self) -> list[str]:
        ...
    @info_aliases.setter
    def info_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def internal_domains(self) -> list[str]:
        ...
    @internal_domains.setter
    def internal_domains(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def open_ticket_statuses(self) -> list[str]:
        ...
    @open_ticket_statuses.setter
    def open_ticket_statuses(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sales_aliases(self) -> list[str]:
        ...
    @sales_aliases.setter
    def sales_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def support_aliases(self) -> list[str]:
        ...
    @support_aliases.setter
    def support_aliases(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class Store:
    """
    Frappe-shaped document storage with Frappe's filters and nestable transactions, over a backend.
    
    ``sb.Store(backend)`` puts the library on any ``sb.StoreBackend`` (Frappe's, or your own);
    ``sb.MemoryStore()`` and ``sb.SqliteStore(path)`` are stores on the built-in backends. The
    methods validate, name documents, fill defaults, derive fields and keep multi-write operations
    atomic on every backend. To change how a store stores, write a backend; Store's own methods
    are not meant to be overridden. Thread-safe; the GIL is released while C++ works.
    """
    def __init__(self, *args, **kwargs):
        """
        __init__(self: switchboard._core.Store, backend: switchboard._core.StoreBackend, *, seed_defaults: bool = False) -> None
        
        A store over `backend` with the standard schema and the site facts stored in it (a backend attached to a Frappe site: the site's doctypes and time zone; a decorator: its inner store's); seed_defaults (a database open for writing) inserts Frappe's default statuses that are missing and recomputes stored phone keys another key version or other regions computed (refresh_phone_keys), never on a Frappe site's own database.
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
    def exists(self, doctype: str, name: str | int) -> bool:
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
    def get(self, doctype: str, name: str | int) -> dict[str, None | int | float | str] | None:
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
        The store's time as Frappe datetime text in its time_zone.
        """
    def remove(self, doctype: str, name: str | int) -> None:
        """
        Deletes a document and its child rows; NotFound when absent.
        """
    def remove_where(self, doctype: str, filters: dict | list | None) -> int:
        ...
    def rollback(self) -> None:
        ...
    def save_site(self, site: SiteConfig | None = None) -> None:
        """
        Stores the site facts (these, or the current ones) in the store's settings document.
        """
    def transaction(self) -> _TransactionContext:
        """
        A context manager: commits when the block ends normally, rolls back on an exception. Nests (savepoints).
        """
    def update(self, doctype: str, name: str | int, changes: dict[str, None | int | float | str], update_modified: bool = True) -> None:
        ...
    def update_where(self, doctype: str, filters: dict | list | None, changes: dict[str, None | int | float | str], update_modified: bool = True) -> int:
        """
        Sets fields on every match; returns how many matched.
        """
    @property
    def backend(self) -> StoreBackend:
        ...
    @property
    def capabilities(self) -> int:
        ...
    @property
    def schema(self) -> Schema:
        ...
    @property
    def site(self) -> SiteConfig:
        """
        The site's facts (a copy). Assigning replaces them for this store's services; save_site() also stores them.
        """
    @site.setter
    def site(self, arg1: SiteConfig) -> None:
        ...
    @property
    def time_zone(self) -> str:
        """
        The zone the store's datetimes are in: an IANA name (a Frappe site's System Settings time zone; FrappeStore sets it) or '' for the process's local time. ValidationError for an unknown name.
        """
    @time_zone.setter
    def time_zone(self, arg1: str) -> None:
        ...
    @property
    def transaction_depth(self) -> int:
        ...
class _TransactionContext:
    def __enter__(self) -> Store:
        ...
    def __exit__(self, arg0: typing.Any, arg1: typing.Any, arg2: typing.Any) -> bool:
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
class ExtensionMatch(enum.Enum):
    """
    How extensions count when numbers are matched.
    """
    IGNORE_MISSING: typing.ClassVar[ExtensionMatch]
    STRICT: typing.ClassVar[ExtensionMatch]
    @classmethod
    def __new__(cls, value):
        ...
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
    @property
    def reason(self) -> str:
        """
        'company_number', 'shared_cap', 'customers' or 'group_cap'.
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
    def survivor_reason(self) -> str:
        """
        Why target survives: 'oldest_open', 'oldest', 'named' or 'chosen'.
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
    
    Only equal keys merge (an extension matches the same one, or none when the number has no
    other); never the company's numbers, numbers held by more than `shared_cap` records or by more
    than `max_customers_per_number` customers. Closed tickets merge too (`include_closed`), but a
    closed record never absorbs an open one: a group survives in its oldest open record, else its
    oldest. A merged record is tombstoned (tickets: is_merged, merged_with, status Closed; leads:
    custom_merged_into), never deleted; every merge is one transaction, writes an audit row and
    changes nothing when run again. Raw numbers given to find_duplicates are keyed as the store's
    site keys them, unless `region` is given; closed ticket statuses and company numbers are the
    site's unless given. Thread-safe.
    """
    def __init__(self, store: Store, region: str | None = None, *, shared_cap: typing.SupportsInt | typing.SupportsIndex = 20, max_customers_per_number: typing.SupportsInt | typing.SupportsIndex = 1, match_without_extension: bool = True, include_converted: bool = False, include_closed: bool = True, closed_statuses: collections.abc.Sequence[str] | None = None, company_numbers: collections.abc.Sequence[str] | None = None, merged_ticket_status: str = 'Closed', fill_blanks: bool = True, batch_size: typing.SupportsInt | typing.SupportsIndex = 0, extra_relink_rules: typing.Any = None) -> None:
        ...
    def bulk_merge(self, doctype: str, dry_run: bool = False, progress: typing.Any = None) -> BulkMergeReport:
        """
        Merges every group of records sharing a key into its oldest open record, else its oldest. `progress` is called with (done, total) after each batch.
        """
    def find_duplicates(self, doctype: str, raw_phone: str) -> list[str]:
        """
        Unmerged in-scope records holding the key of `raw_phone`, oldest first.
        """
    def merge(self, doctype: str, target: str | int, sources: collections.abc.Sequence[str | int], dry_run: bool = False) -> MergeReport:
        """
        Merges the chosen records into `target` (never into itself).
        """
    def merge_call_logs(self, doctype: str, name: str | int, dry_run: bool = False) -> MergeReport:
        """
        The manual trigger of the same merge into `name`.
        """
    def on_phone_changed(self, doctype: str, name: str | int, dry_run: bool = False) -> MergeReport:
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
class BounceReport:
    """
    What a delivery-status notification (RFC 3464) says about the mail that bounced.
    """
    action: str
    dsn: bool
    final_recipient: str
    original_message_id: str
    status: str
    def __init__(self) -> None:
        ...
    @property
    def permanent(self) -> bool:
        """
        True for a 5.x.x status.
        """
class InboundEmail:
    """
    One inbound mail as the router sees it: the fields of a Frappe Communication plus the
    threading headers Frappe does not keep. Build it from keyword arguments, or parse real mail
    with ``InboundEmail.from_rfc822(raw_bytes)`` (GMime). Address fields take addresses or
    address lists as written ("Ann <ann@x.com>, bob@y.com"); ``headers`` takes a dict or a list
    of (name, value) pairs.
    """
    bounce: BounceReport
    communication: str
    content: str
    date: str
    email_account: str
    has_attachment: bool
    in_reply_to: str
    message_id: str
    reference_doctype: str
    reference_name: str
    reply_to: str
    sender: str
    sender_full_name: str
    sent_or_received: str
    subject: str
    synthetic_message_id: bool
    text_content: str
    @staticmethod
    def from_json(json: str) -> InboundEmail:
        """
        A mail from a JSON object with the field names of InboundEmail.
        """
    @staticmethod
    def from_rfc822(raw: bytes | bytearray | memoryview | str, email_account: str = '', *, max_bytes: typing.SupportsInt | typing.SupportsIndex | None = None, max_parts: typing.SupportsInt | typing.SupportsIndex | None = None) -> InboundEmail:
        """
        Parses a raw RFC 5322 message (bytes) with GMime. Raises ParseError when it holds no header field. Body text beyond max_bytes (default 25 MiB) and parts beyond max_parts (default 100) are left out; ``omitted`` says what and why.
        """
    def __init__(self, *, message_id: str = '', sender: str = '', sender_full_name: str = '', to: str | typing.Iterable[str] | None = None, cc: str | typing.Iterable[str] | None = None, subject: str = '', in_reply_to: str = '', references: str | typing.Iterable[str] | None = None, headers: dict[str, str] | typing.Iterable[tuple[str, str]] | None = None, sent_or_received: str = 'Received', email_account: str = '', content: str = '', text_content: str = '', reply_to: str = '', delivered_to: str | typing.Iterable[str] | None = None, date: str = '', has_attachment: bool = False, reference_doctype: str = '', reference_name: str = '', communication: str = '') -> None:
        ...
    def __repr__(self) -> str:
        ...
    def header(self, name: str) -> str | None:
        """
        The first value of a header field (case-insensitive), or None.
        """
    def to_json(self) -> str:
        ...
    @property
    def cc(self) -> list[str]:
        ...
    @cc.setter
    def cc(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def date_unix(self) -> int | None:
        """
        The Date header's instant (Unix seconds) or None; a Router writes it in its store's time_zone.
        """
    @date_unix.setter
    def date_unix(self, arg0: typing.SupportsInt | typing.SupportsIndex | None) -> None:
        ...
    @property
    def delivered_to(self) -> list[str]:
        ...
    @delivered_to.setter
    def delivered_to(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def headers(self) -> list[tuple[str, str]]:
        ...
    @headers.setter
    def headers(self, arg1: dict[str, str] | typing.Iterable[tuple[str, str]] | None) -> None:
        ...
    @property
    def omitted(self) -> str:
        """
        What from_rfc822 left out because of its limits, one reason per line.
        """
    @omitted.setter
    def omitted(self, arg0: str) -> None:
        ...
    @property
    def references(self) -> list[str]:
        ...
    @references.setter
    def references(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def to(self) -> list[str]:
        ...
    @to.setter
    def to(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class EmailAddress:
    """
    A normalized address split into parts.
    """
    def __bool__(self) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def address(self) -> str:
        ...
    @property
    def base(self) -> str:
        """
        local@domain without the +tag.
        """
    @property
    def domain(self) -> str:
        ...
    @property
    def local(self) -> str:
        ...
    @property
    def tag(self) -> str:
        ...
class RoutingRules:
    """
    Everything the router decides by besides the site's facts. Aliases, internal domains and open
    statuses come from the store's ``SiteConfig``; the fields repeating them are overrides (None,
    the default: the site's). The other defaults are the original scripts' behaviour; risky rules
    are explicit policies. Pass any field as a keyword argument
    (``RoutingRules(closed_ticket="reopen")``) or load JSON with ``RoutingRules.from_json(text)``.
    Unknown names and bad values raise ValidationError from keyword arguments and ParseError from
    from_json.
    """
    automated_mail: str
    closed_ticket: str
    empty_subject: str
    error_log: str
    lead_status: str
    mixed_aliases: str
    plus_delimiter: str
    reopen_status: str
    reply_to: str
    resolved_ticket: str
    route_log: str
    sales_alias_open_ticket: str
    sender_recency_link: str
    support_alias_existing_ticket: str
    ticket_priority: str
    ticket_status: str
    @staticmethod
    def from_json(json: str) -> RoutingRules:
        ...
    def __init__(self, **kwargs) -> None:
        ...
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    def to_json(self) -> str:
        ...
    def validate(self) -> None:
        ...
    @property
    def blocked_senders(self) -> list[str]:
        ...
    @blocked_senders.setter
    def blocked_senders(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def closed_ticket_days(self) -> int:
        ...
    @closed_ticket_days.setter
    def closed_ticket_days(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def generic_names(self) -> list[str]:
        ...
    @generic_names.setter
    def generic_names(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def info_aliases(self) -> list[str] | None:
        ...
    @info_aliases.setter
    def info_aliases(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def internal_domains(self) -> list[str] | None:
        ...
    @internal_domains.setter
    def internal_domains(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def loop_allow(self) -> list[str]:
        ...
    @loop_allow.setter
    def loop_allow(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def loop_threshold(self) -> int:
        ...
    @loop_threshold.setter
    def loop_threshold(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def loop_window_minutes(self) -> int:
        ...
    @loop_window_minutes.setter
    def loop_window_minutes(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_references(self) -> int:
        ...
    @max_references.setter
    def max_references(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def open_statuses(self) -> list[str] | None:
        ...
    @open_statuses.setter
    def open_statuses(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def reply_window_days(self) -> int:
        ...
    @reply_window_days.setter
    def reply_window_days(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def role_mailboxes(self) -> list[str]:
        ...
    @role_mailboxes.setter
    def role_mailboxes(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def sales_aliases(self) -> list[str] | None:
        ...
    @sales_aliases.setter
    def sales_aliases(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def subject_max_length(self) -> int:
        ...
    @subject_max_length.setter
    def subject_max_length(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def support_aliases(self) -> list[str] | None:
        ...
    @support_aliases.setter
    def support_aliases(self, arg0: collections.abc.Sequence[str] | None) -> None:
        ...
    @property
    def system_keywords(self) -> list[str]:
        ...
    @system_keywords.setter
    def system_keywords(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
    @property
    def system_prefixes(self) -> list[str]:
        ...
    @system_prefixes.setter
    def system_prefixes(self, arg0: collections.abc.Sequence[str]) -> None:
        ...
class RouteResult:
    """
    The router's decision for one mail. ``action`` is "create_ticket", "link_ticket",
    "create_lead", "link_lead" or "skip"; ``reason`` is a machine-readable cause; ``doctype``,
    ``name`` and ``contact`` name the records; ``log_category`` is the last "Route: ..." entry.
    """
    def __repr__(self) -> str:
        ...
    def to_dict(self) -> dict[str, typing.Any]:
        ...
    def to_json(self) -> str:
        ...
    @property
    def action(self) -> str:
        ...
    @property
    def alias(self) -> str:
        ...
    @property
    def alias_tag(self) -> str:
        ...
    @property
    def bounce_recipient(self) -> str:
        ...
    @property
    def bounce_status(self) -> str:
        ...
    @property
    def communication(self) -> str:
        ...
    @property
    def contact(self) -> str:
        ...
    @property
    def doctype(self) -> str:
        ...
    @property
    def error(self) -> str:
        ...
    @property
    def follow_up_of(self) -> str:
        ...
    @property
    def in_reply_to(self) -> str:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def log(self) -> list[tuple[str, str]]:
        ...
    @property
    def log_category(self) -> str:
        ...
    @property
    def match(self) -> str:
        ...
    @property
    def merged_from(self) -> str:
        ...
    @property
    def message_id(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def policy(self) -> str:
        ...
    @property
    def reason(self) -> str:
        ...
    @property
    def reopened(self) -> bool:
        ...
    @property
    def reply_alias(self) -> str:
        ...
    @property
    def sender(self) -> str:
        ...
    @property
    def sender_name(self) -> str:
        ...
    @property
    def skipped(self) -> bool:
        ...
    @property
    def subject(self) -> str:
        ...
class Router:
    """
    Routes inbound mail into a store by its site's facts (``store.site``, read on every call).
    ``plan(email)`` decides and writes nothing; ``route(email)`` decides and writes everything for
    the mail in one transaction (contact, ticket or lead, Communication, decision-log and Error Log
    rows). Neither raises for a bad mail or a failing store: the result is then skip with reason
    "error". Thread-safe; the GIL is released while routing.
    """
    def __init__(self, store: Store, rules: RoutingRules | None = None) -> None:
        ...
    def plan(self, email: InboundEmail) -> RouteResult:
        """
        The decision for `email`; reads the store, writes nothing.
        """
    def route(self, email: InboundEmail) -> RouteResult:
        """
        Decides and writes, all in one transaction; never half-writes.
        """
    def route_many(self, emails: collections.abc.Sequence[InboundEmail]) -> list[RouteResult]:
        """
        Routes the mails in order, one store transaction per chunk of 256 mails with a savepoint per mail: the results of route() on each mail in turn; a failing mail rolls back alone (skip/'error').
        """
    @property
    def rules(self) -> RoutingRules:
        ...
    @property
    def store(self) -> Store:
        ...
class IngestHook:
    """
    What CallLogger runs after each ingest, inside its transaction (e.g. sb.ringcentral_ingest_hook(); or wrap a callable(store, event, result)).
    """
    def __init__(self, fn: typing.Any) -> None:
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
    def start_unix(self) -> int | None:
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
    Turns call events into Helpdesk Call Log and CRM Call Log rows, without duplicates, linked by phone key to the customer's ticket, lead and contact. The store's site gives the region and company numbers unless region / company_numbers are given.
    """
    def __init__(self, store: Store, region: str = '', company_numbers: collections.abc.Sequence[str] | None = None, create_tickets: bool = False, helpdesk_call_logs: bool = True, crm_call_logs: bool = True, fallback_status: str = 'Completed', after_ingest: typing.Any = None, tickets_for_unanswered: bool = False, tickets_for_outbound: bool = False) -> None:
        ...
    def create_manual_call_log(self, phone_number: str, contact_name: str | int = '', ticket_name: str | int = '') -> str:
        """
        The click-to-call log (Outgoing, Initiated) of the original scripts; returns its name.
        """
    def ingest(self, event: typing.Any) -> dict:
        """
        Upserts the call log(s) of a CallEvent (or of a raw body) in one transaction. Returns {'action': created|updated|duplicate|skipped, 'reason', 'call_log', ...}.
        """
    def ingest_many(self, events: collections.abc.Iterable) -> list:
        """
        ingest() for each CallEvent (or raw body) in order, one store transaction per chunk of 256 events with a savepoint per event: the results of ingest() one at a time; a failing event (or an unreadable body) rolls back alone and gets {'action': 'failed', 'reason': <error code>, 'error': <message>}.
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
class Job:
    """
    One stored job (see JobQueue).
    """
    def __repr__(self) -> str:
        ...
    def as_dict(self) -> dict:
        ...
    @property
    def attempts(self) -> int:
        ...
    @property
    def finished_at(self) -> int:
        ...
    @property
    def key(self) -> str:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def last_error(self) -> str:
        ...
    @property
    def lease_expires(self) -> int:
        ...
    @property
    def lease_owner(self) -> str:
        ...
    @property
    def max_attempts(self) -> int:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def payload(self) -> str:
        ...
    @property
    def result(self) -> str:
        ...
    @property
    def run_after(self) -> int:
        ...
    @property
    def state(self) -> str:
        ...
class JobQueue:
    """
    The durable job queue in the store (doctype "Switchboard Job"): idempotent enqueue by key,
    leases taken atomically (one worker per job), retries with backoff, jobs given up with the
    reason kept, expired leases returned to the queue. Times are Unix seconds of the store's clock.
    """
    def __init__(self, store: Store, *, max_attempts: typing.SupportsInt | typing.SupportsIndex = 8, lease: typing.SupportsFloat | typing.SupportsIndex = 300.0) -> None:
        ...
    def complete(self, job: Job, result: str = '') -> bool:
        ...
    def enqueue(self, kind: str, payload: str = '', *, key: str = '', run_after: typing.SupportsInt | typing.SupportsIndex = 0, max_attempts: typing.SupportsInt | typing.SupportsIndex = 0) -> str:
        """
        Adds a job (idempotent by key: an existing job's name is returned) and returns its name.
        """
    def extend(self, job: Job, lease_for: typing.SupportsFloat | typing.SupportsIndex = 0.0) -> bool:
        ...
    def fail(self, job: Job, error: str) -> bool:
        ...
    def find(self, key: str) -> typing.Any:
        ...
    def get(self, name: str) -> typing.Any:
        ...
    def lease(self, owner: str, max: typing.SupportsInt | typing.SupportsIndex = 1, kinds: collections.abc.Sequence[str] = [], lease_for: typing.SupportsFloat | typing.SupportsIndex = 0.0) -> list[Job]:
        """
        Leases up to `max` due jobs (counting an attempt each).
        """
    def make_due(self, key: str) -> bool:
        ...
    def now(self) -> int:
        ...
    def purge(self, older_than: typing.SupportsFloat | typing.SupportsIndex) -> int:
        """
        Deletes Done jobs finished more than `older_than` seconds ago.
        """
    def release(self, job: Job) -> bool:
        ...
    def reschedule(self, job: Job, run_after: typing.SupportsInt | typing.SupportsIndex, result: str = '') -> bool:
        ...
    def retry(self, job: Job, run_after: typing.SupportsInt | typing.SupportsIndex, error: str, counted: bool = True) -> bool:
        ...
    def stats(self, errors: typing.SupportsInt | typing.SupportsIndex = 10) -> dict:
        """
        {now, depth: {kind: {state: n}}, oldest_due, recent_errors}.
        """
    @property
    def store(self) -> Store:
        ...
class JobOutcome:
    """
    What a job handler did (return one; None means done).
    """
    @staticmethod
    def defer(at: typing.SupportsInt | typing.SupportsIndex, reason: str, pause_group: bool = False) -> JobOutcome:
        ...
    @staticmethod
    def done(result: str = '') -> JobOutcome:
        ...
    @staticmethod
    def give_up(reason: str) -> JobOutcome:
        ...
    @staticmethod
    def reschedule(at: typing.SupportsInt | typing.SupportsIndex, result: str = '') -> JobOutcome:
        ...
    @staticmethod
    def retry(reason: str, at: typing.SupportsInt | typing.SupportsIndex = 0) -> JobOutcome:
        ...
    @property
    def at(self) -> int:
        ...
    @property
    def message(self) -> str:
        ...
    @property
    def type(self) -> str:
        ...
class JobContext:
    """
    What a handler gets besides its job (valid during the call).
    """
    def keep_alive(self) -> bool:
        ...
    def stopping(self) -> bool:
        ...
class Worker:
    """
    Runs due jobs of the kinds added to it. Handlers are C++ (RingCentralJobs.install) or Python
    callables ``handler(job: Job, context: JobContext) -> JobOutcome | None``; an exception retries
    the job with backoff (ValidationError and ParseError give it up). ``checkpoint`` is called after
    each transaction the worker commits (on Frappe: frappe.db.commit).
    """
    def __init__(self, queue: JobQueue, *, owner: str = '', batch: typing.SupportsInt | typing.SupportsIndex = 1, poll: typing.SupportsFloat | typing.SupportsIndex = 1.0, purge_after: typing.SupportsFloat | typing.SupportsIndex = 604800.0, checkpoint: typing.Any = None, log: typing.Any = None) -> None:
        ...
    def add(self, kind: str, handler: typing.Any, *, group: str = '', lease: typing.SupportsFloat | typing.SupportsIndex = 0.0, backoff_base: typing.SupportsFloat | typing.SupportsIndex = 30.0, backoff_cap: typing.SupportsFloat | typing.SupportsIndex = 3600.0) -> None:
        """
        Registers a Python handler.
        """
    def request_stop(self) -> None:
        ...
    def run_due(self, seconds: typing.SupportsFloat | typing.SupportsIndex = 50.0, kinds: collections.abc.Sequence[str] = []) -> int:
        """
        Runs due jobs for at most `seconds` (a started job is finished); returns how many ran.
        """
    @property
    def owner(self) -> str:
        ...
    @property
    def queue(self) -> JobQueue:
        ...
    @property
    def stop_requested(self) -> bool:
        ...
    @property
    def totals(self) -> dict:
        ...
class SecretCodec:
    """
    How the RingCentral client keeps secrets (client secret, tokens, JWT) in the settings
    document. Subclass it (call SecretCodec.__init__(self)) and implement
    ``seal(field, plaintext) -> str`` (what to store) and ``open(field, stored) -> str``; a Frappe
    site can keep the values in Password fields this way. Methods may be called from any thread.
    """
    def __init__(self) -> None:
        ...
    def open(self, field: str, stored: str) -> str:
        ...
    def seal(self, field: str, plaintext: str) -> str:
        ...
class RingCentralClient(TranscriptSource):
    """
    RingCentral's REST API: OAuth (code + PKCE, JWT) with a refresh that never loses the session
    across threads and processes sharing the store, throttling groups obeyed, the call log,
    recordings streamed from the media host, ACE transcripts (it is a TranscriptSource).
    Durations are in seconds. Raises HttpError (status, api_code, retry_after), AuthError (code
    "auth" or "reauthorization_required") or ValidationError (a refused URL).
    """
    def __init__(self, store: Store, *, client_id: str = '', client_secret: str = '', server: str = '', media_server: str = '', redirect_uri: str = '', jwt: str = '', allowed_origins: collections.abc.Sequence[str] = [], codec: SecretCodec = None, key_file: str = '', ca_file: str = '', refresh_margin: typing.SupportsFloat | typing.SupportsIndex = 60.0, connect_timeout: typing.SupportsFloat | typing.SupportsIndex = 10.0, timeout: typing.SupportsFloat | typing.SupportsIndex = 60.0, default_retry_after: typing.SupportsFloat | typing.SupportsIndex = 60.0, max_retry_after: typing.SupportsFloat | typing.SupportsIndex = 600.0, max_wait: typing.SupportsFloat | typing.SupportsIndex = 300.0, max_retries: typing.SupportsInt | typing.SupportsIndex = 5, backoff_base: typing.SupportsFloat | typing.SupportsIndex = 2.0, backoff_cap: typing.SupportsFloat | typing.SupportsIndex = 60.0, token_retry_delay: typing.SupportsFloat | typing.SupportsIndex = 10.0, unavailable_ttl: typing.SupportsFloat | typing.SupportsIndex = 3600.0, clock: typing.Any = None, sleep: typing.Any = None, log: typing.Any = None) -> None:
        ...
    def authorization_url(self) -> str:
        """
        The URL to send a person to (state and PKCE verifier are stored).
        """
    def call_log(self, *, extension: str = '', date_from: str = '', date_to: str = '', view: str = 'Simple', telephony_session_id: str = '', per_page: typing.SupportsInt | typing.SupportsIndex = 250, max_pages: typing.SupportsInt | typing.SupportsIndex = 0, params: collections.abc.Sequence[tuple[str, str]] = []) -> list:
        """
        Every call-log record the query matches (dicts), following navigation.nextPage.uri.
        """
    def call_log_record(self, id: str, extension: str = '') -> typing.Any:
        ...
    def complete_login(self, redirect_url: str) -> None:
        """
        exchange_code with the code and state of a pasted redirect URL.
        """
    def download_recording(self, id_or_content_uri: str, path: str) -> dict:
        ...
    def exchange_code(self, code: str, state: str) -> None:
        ...
    def fetch_insights(self, recording_id: str, telephony_session_id: str = '') -> str | None:
        """
        ACE insights JSON (str) of a recording or session, or None (403/404).
        """
    def find_call_log(self, telephony_session_id: str, date_from: str = '') -> typing.Any:
        ...
    def get(self, path: str, query: collections.abc.Sequence[tuple[str, str]] = [], group: str = 'Light') -> typing.Any:
        ...
    def login_jwt(self, jwt: str = '') -> None:
        ...
    def rate_limits(self) -> list:
        ...
    def recording_content_url(self, id_or_content_uri: str) -> str:
        ...
    def recording_metadata(self, recording_id: str) -> typing.Any:
        ...
    def revoke(self) -> None:
        """
        Revokes the session (errors ignored) and clears the stored tokens.
        """
    def save_configuration(self) -> None:
        """
        Saves client id, secret, JWT, server URLs and redirect URI (secrets sealed).
        """
    def status(self) -> dict:
        ...
    def test_connection(self) -> typing.Any:
        ...
class Subscriptions:
    """
    RingCentral's webhook subscription: created with a generated Verification-Token (stored sealed),
    renewed ahead of expiry, re-created when blacklisted or gone, deleted on unsubscribe and on
    client.revoke(). Methods return the stored state as a dict (action: created, renewed,
    recreated, checked, deleted, none).
    """
    def __init__(self, client: RingCentralClient, *, address: str = '', event_filters: collections.abc.Sequence[str] = [], expires_in: typing.SupportsFloat | typing.SupportsIndex = 604800.0, renew_margin: typing.SupportsFloat | typing.SupportsIndex = 86400.0, check_interval: typing.SupportsFloat | typing.SupportsIndex = 3600.0) -> None:
        ...
    def ensure(self) -> dict:
        ...
    def state(self) -> dict:
        ...
    def subscribe(self, address: str = '') -> dict:
        ...
    def unsubscribe(self) -> dict:
        ...
    def verification_token(self) -> str:
        ...
class CallLogSync:
    """
    Call-log sync by polling: from the stored cursor minus the overlap (the back-fill period on the
    first run), Detailed view, every page followed, each record upserted through the CallLogger.
    """
    def __init__(self, client: RingCentralClient, logger: CallLogger, *, backfill: typing.SupportsFloat | typing.SupportsIndex = 86400.0, overlap: typing.SupportsFloat | typing.SupportsIndex = 3600.0, slice: typing.SupportsFloat | typing.SupportsIndex = 21600.0, per_page: typing.SupportsInt | typing.SupportsIndex = 1000, extension: str = '') -> None:
        ...
    def run(self, since: typing.SupportsInt | typing.SupportsIndex = 0) -> dict:
        """
        One run up to now; `since` (Unix seconds) overrides the cursor.
        """
class RingCentralJobs:
    """
    RingCentral's job kinds for a Worker: the call-log lookup, recording download, transcript, periodic sync and subscription check.
    
    Options (keywords; durations in seconds): recordings_dir ("" = no downloads), file_url_prefix,
    transcripts, lookup_delay, lookup_attempts, recording_attempts, transcript_attempts,
    transcript_retry, sync_interval, throttled_retry, lease; sync: backfill, overlap, slice, per_page,
    extension; subscription: address, event_filters, expires_in, renew_margin, check_interval;
    the CallLogger: region, company_numbers, create_tickets, tickets_for_unanswered,
    tickets_for_outbound, helpdesk_call_logs, crm_call_logs.
    """
    def __init__(self, store: Store, client: RingCentralClient, **kwargs) -> None:
        ...
    def ensure_subscription(self) -> dict:
        ...
    def install(self, worker: Worker, periodic: bool = True) -> None:
        """
        Registers the kinds with the worker and queues the periodic jobs.
        """
    def schedule_periodic(self, queue: JobQueue) -> None:
        ...
    def sync(self, since: typing.SupportsInt | typing.SupportsIndex = 0) -> dict:
        """
        One sync run now (see CallLogSync.run).
        """
    @property
    def logger(self) -> CallLogger:
        ...
def _get_from_cpp_thread(store: Store, doctype: str, name: str) -> dict[str, None | int | float | str] | None:
    ...
def _hold_transaction(store: Store, seconds: typing.SupportsFloat | typing.SupportsIndex) -> None:
    """
    Holds a transaction open in C++ for `seconds` (GIL released).
    """
def _mariadb_backend(url: str, frappe: bool = False, password_env: str = 'MARIADB_PASSWORD', option_file: str = '', option_group: str = 'client', lock_wait_timeout: typing.SupportsInt | typing.SupportsIndex = 10, connect_timeout: typing.SupportsInt | typing.SupportsIndex = 10, statement_cache_size: typing.SupportsInt | typing.SupportsIndex = 256) -> StoreBackend:
    """
    A MariaDB backend on `url` (connected; tables are created when a Store adopts it).
    """
def _memory_backend() -> StoreBackend:
    """
    A new in-memory backend.
    """
def _set_log_sink(sink: typing.Any, min_level: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
    """
    Sends every diagnostic line at min_level (0 debug .. 3 error) or above to sink(level, category, message); None restores the default (stderr per $SWITCHBOARD_LOG).
    """
def _sqlite_backend(path: str, busy_timeout_ms: typing.SupportsInt | typing.SupportsIndex = 30000, create: bool = True, synchronous: str = 'NORMAL', statement_cache_size: typing.SupportsInt | typing.SupportsIndex = 256, read_only: bool = False, page_cache_kib: typing.SupportsInt | typing.SupportsIndex = 16384, wal_checkpoint_kib: typing.SupportsInt | typing.SupportsIndex = 65536) -> StoreBackend:
    """
    A SQLite backend on `path` (tables are created when a Store adopts it; read_only: nothing is created, migrated or written).
    """
def aes_gcm_codec(key: bytes) -> SecretCodec:
    """
    AES-256-GCM under a 32-byte key (bytes).
    """
def aggregate_production_status(statuses: collections.abc.Sequence[str | None]) -> str:
    """
    One status over several Work Orders: 'N/A' when none is known, else the highest blocker (CANCELLED > BLOCKED FACTORY > BLOCKED OPS > QA REWORK), else DONE / NEW / WIP, else the first value not DONE/COMPLETED. None, blanks, case and '_' are handled.
    """
def classify_mail(email: InboundEmail) -> str:
    """
    'human', 'auto_reply', 'out_of_office', 'mailing_list' or 'bounce', from the headers.
    """
def clean_display_name(name: str, address: str = '') -> str:
    """
    Quotes, comments and 'Last, First' handled; '' when the name is unusable.
    """
@typing.overload
def click_to_call(raw: str, region: str = 'US') -> dict:
    """
    RingCentral desktop and web links and a tel: URI; ValidationError when not dialable.
    """
@typing.overload
def click_to_call(raw: str, site: SiteConfig) -> dict:
    """
    The links for `raw` read as a store with this site keys numbers.
    """
def copy_communication(store: Store, communication: str, target_doctype: str, target_name: str | int) -> str:
    """
    Copies a Communication (every field, message id kept, status 'Linked', File attachments too) onto another record, strictly newer than the original; returns the copy's name. One transaction.
    """
def default_relink_rules(doctype: str) -> list:
    """
    The rows re-pointed when a record of `doctype` is merged.
    """
def describe_database(database: str) -> str:
    """
    The database string with a URL's password replaced by '***'.
    """
def digits_only(raw: str) -> str:
    """
    The original scripts' normalization: the ASCII digits of `raw`.
    """
def extract_customer_email(candidates: collections.abc.Sequence[str], internal_domains: collections.abc.Sequence[str] = []) -> str:
    """
    The first address outside the internal domains (and their subdomains) among address lists, normalized; '' when none.
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
def init_network() -> None:
    """
    Initializes libcurl once for the process (the client does it too).
    """
def keyed_doctypes() -> list[str]:
    """
    Every doctype with stored phone keys.
    """
def list_communications(store: Store, doctype: str, name: str | int) -> list[dict[str, None | int | float | str]]:
    """
    The email Communications filed on a record, oldest first, as dicts with name, subject, sender, sender_full_name, recipients, creation, content, text_content, message_id, in_reply_to, sent_or_received, communication_date and has_attachment.
    """
def load_site_config(store: Store) -> SiteConfig:
    """
    The site facts stored in `store` (defaults when none are).
    """
def match_customers(store: Store, customer_name: str) -> list[str]:
    """
    Customer names whose customer_name equals customer_name ignoring case and surrounding whitespace.
    """
def merge_pointer_field(doctype: str) -> str:
    """
    The field holding a doctype's merge pointer, or ''.
    """
def name_from_address(address: str) -> str:
    """
    The original scripts' name from an address: 'john.doe@x' -> 'John Doe'.
    """
def normalize_email(raw: str) -> str:
    """
    The normalized address, or '' when `raw` is not one.
    """
@typing.overload
def normalize_phone(raw: str, region: str = 'US') -> Phone | None:
    """
    Parses a phone number as libphonenumber does; None when `raw` is not a number. `region` reads numbers without a country code.
    """
@typing.overload
def normalize_phone(raw: str, site: SiteConfig) -> Phone | None:
    """
    The number as a store with this site reads it: its key() is phone_key(raw, site), its extension is the one stored beside the key. None when no reading parses.
    """
def normalize_subject(subject: str) -> str:
    """
    The subject without reply/forward prefixes in many languages (for comparisons).
    """
def open_store(database: str) -> Store:
    """
    Opens a store from a database string: a mariadb:// URL, ':memory:', or an SQLite path.
    """
def parse_address_list(value: str) -> list[tuple[str, str]]:
    """
    (name, address) pairs of an address-list header, parsed by GMime.
    """
def parse_call_event(body: typing.Any) -> CallEvent:
    """
    Parses a Pabbly relay body, a RingCentral call-log record or a telephony-session notification (bytes or str). Raises ParseError (with .position) on bad input.
    """
def parse_email_address(raw: str, plus_delimiter: str = '+') -> EmailAddress:
    """
    Normalizes an address (case, IDNA, quotes, brackets) and splits off its +tag.
    """
def parse_mbox(mbox: bytes | bytearray | memoryview | str, email_account: str = '') -> list[InboundEmail]:
    """
    Splits an mbox file into InboundEmails (GMime's mbox parser).
    """
@typing.overload
def phone_key(raw: str, region: str = 'US') -> str | None:
    """
    The match key: E.164 of a possible number without its extension, or None.
    """
@typing.overload
def phone_key(raw: str, site: SiteConfig) -> str | None:
    """
    The match key as a store with this site stores it (its region, fallback regions and international prefixes written instead of '+').
    """
def phone_key_fields(doctype: str) -> list:
    """
    The keyed phone fields of a doctype and their key/extension fields.
    """
@typing.overload
def phone_keys(numbers: collections.abc.Sequence, region: str = 'US') -> list[str | None]:
    """
    phone_key of every item (str, or None for None), as a list; the GIL is released while the keys are computed.
    """
@typing.overload
def phone_keys(numbers: collections.abc.Sequence, site: SiteConfig) -> list[str | None]:
    """
    phone_key(raw, site) of every item (str, or None for None), as a list.
    """
def phone_keys_signature(site: SiteConfig) -> str:
    """
    What every stored phone key depends on: the key version and how `site` reads numbers ('v3 US', or 'v3 US GB,DE' with fallback regions).
    """
def phone_match(a: str, b: str, region: str = 'US', extensions: ExtensionMatch = ...) -> PhoneMatch:
    """
    EXACT when both have the same key in `region` and their extensions match (by default a missing extension matches any), else libphonenumber's verdict (NSN, SHORT_NSN, NONE); garbage matches nothing.
    """
def process_crm_payload(logger: CallLogger, name: str | int) -> dict:
    """
    Processes a queued 'RingCentral CRM Payload'; a missing one is a logged no-op.
    """
def recording_url(recording_id: str, account_id: str = '~', media_server: str = 'https://media.ringcentral.com') -> str:
    """
    The recording's content URL on RingCentral's media host.
    """
def refresh_phone_keys(store: Store, progress: typing.Any = None) -> list[RekeyReport]:
    """
    Rekeys every keyed doctype and records the site's phone_keys_signature, in one transaction, when the settings record that the stored keys were computed otherwise (another key version, other regions, nothing recorded). Stores opened on their own database for writing do it on open. Returns the RekeyReports, empty when they were current.
    """
def refresh_transcript(store: Store, doctype: str, call_log: str, source: TranscriptSource) -> dict:
    """
    Fetches the transcript again and replaces the stored one.
    """
def rekey_all_phone_keys(store: Store, progress: typing.Any = None) -> list[RekeyReport]:
    """
    Rewrites the stored phone keys that differ from a fresh computation on the store's site, in every keyed doctype of its schema, reading every row (rows written outside the library included); `progress` is called with (done, total) within each doctype. One RekeyReport a doctype.
    """
def rekey_phone_keys(store: Store, doctype: str, progress: typing.Any = None) -> RekeyReport:
    """
    Rewrites the stored phone keys of `doctype` that differ from a fresh computation on the store's site; `progress` is called with (done, total) after each page of rows.
    """
def reply_from_address(store: Store, doctype: str, name: str) -> str:
    """
    The address an agent's reply on an HD Ticket or CRM Lead goes out from: its custom_reply_email_alias, else the alias its customer last wrote to, else its brand's default, else the site's; '' when the site has no alias.
    """
def resolve_survivor(store: Store, doctype: str, name: str | int) -> str:
    """
    The record `name` ended up in after merges (follows merge pointers; cycle-safe).
    """
def ringcentral_ingest_hook(**kwargs) -> IngestHook:
    """
    The IngestHook queueing a call's lookup (after Disconnected) and recording download; pass it as CallLogger(after_ingest=...).
    """
def ringcentral_sync_status(store: Store) -> typing.Any:
    """
    Subscription, sync cursor and lag, queue depth, oldest due job and newest errors (a dict).
    """
def same_line(key_a: str, ext_a: str, key_b: str, ext_b: str, extensions: ExtensionMatch = ...) -> bool:
    """
    Whether two stored keys and extensions name the same line.
    """
def save_site_config(store: Store, site: SiteConfig) -> None:
    """
    Stores `site` in the store's settings document and makes it the store's.
    """
def secret_codec_from_environment(key_file: str = '') -> SecretCodec:
    """
    The AES-256-GCM codec keyed from $SWITCHBOARD_SECRET_KEY (base64 of 32 bytes), else the key file (argument or $SWITCHBOARD_SECRET_KEY_FILE); None when none is set.
    """
def secret_matches(presented: str, expected: str) -> bool:
    """
    Constant-time comparison of a presented secret with the expected one.
    """
def seed_standard_records(store: Store) -> None:
    """
    Inserts Frappe's default statuses that are missing (idempotent).
    """
def split_name(full_name: str) -> tuple[str, str]:
    """
    (first, last) of a person's name: 'Doe, John' -> ('John', 'Doe'); middle names stay with the first name; a single name is (name, '').
    """
def stored_verification_token(store: Store, codec: SecretCodec = None, create: bool = False) -> str:
    """
    The stored Verification-Token ('' when none; created first with create=True).
    """
def sync_order_history(store: Store, doctype: str, name: str | int, customer_name: str, ops_status_field: str = 'custom_ops_status') -> dict:
    """
    Rebuilds the 'Order History' rows (parentfield 'custom_order_history') of an HD Ticket, CRM Lead or CRM Deal from the matching customers' Sales Orders and Work Orders, replacing earlier rows, in one transaction. Returns {'success', 'message', 'items', 'orders', 'customers'}.
    """
def synthetic_message_id(email: InboundEmail) -> str:
    """
    The deterministic Message-ID the router gives a mail built from fields that has none.
    """
def title_case(text: str) -> str:
    """
    Python's str.title() for any Unicode letters.
    """
def transfer_lead_to_ticket(store: Store, lead: str | int, communication_ids: collections.abc.Sequence[str] | None = None, delete_source: bool = True, internal_domains: collections.abc.Sequence[str] | None = None, region: str = '') -> dict:
    """
    Moves a CRM Lead's emails to a new HD Ticket in one transaction. communication_ids=None copies every email, [] none. internal_domains=None and region='' take the store's site facts. Returns {'success', 'ticket_name', 'transferred_count', 'contact', 'customer_email', 'note', 'source_deleted', 'copies': {original: copy}}.
    """
def transfer_ticket_to_lead(store: Store, ticket: str | int, communication_ids: collections.abc.Sequence[str] | None = None, delete_source: bool = True, internal_domains: collections.abc.Sequence[str] | None = None, region: str = '') -> dict:
    """
    Moves an HD Ticket's emails to a new CRM Lead (source 'Support Transfer') in one transaction. Returns {'success', 'lead_name', 'transferred_count', ...} as transfer_lead_to_ticket does.
    """
def truncate_subject(subject: str, max_chars: typing.SupportsInt | typing.SupportsIndex = 140, placeholder: str = '(no subject)') -> str:
    """
    The subject to store: max_chars Unicode characters at most ('...' ending), placeholder when empty.
    """
def unix_seconds(store: Store) -> int:
    """
    The store's clock in Unix seconds (the queue's unit of time).
    """
def validate_deal(store: Store, deal: dict[str, typing.Any]) -> None:
    """
    Raises ValidationError (the original scripts' message) when the deal's status is of type Won and it has no Sales Order: rows from deal['sales_orders'] when given, else the stored rows.
    """
DEAL_NEEDS_SALES_ORDER: str = 'Please add at least one Sales Order before marking the deal as Won.'
JOB_DOCTYPE: str = 'Switchboard Job'
MERGE_LOG_DOCTYPE: str = 'Switchboard Merge Log'
PHONE_KEYS_SIGNATURE_FIELD: str = 'phone_keys_signature'
PHONE_KEY_VERSION: int = 3
PHONE_KEY_VERSION_FIELD: str = 'custom_phone_key_version'
RINGCENTRAL_JOB_KINDS: dict = {'lookup': 'ringcentral.call_log_lookup', 'recording': 'ringcentral.recording', 'transcript': 'ringcentral.transcript', 'sync': 'ringcentral.sync', 'subscription': 'ringcentral.subscription'}
ROUTE_LOG_DOCTYPE: str = 'Switchboard Route Log'
SITE_SETTINGS_DOCTYPE: str = 'Switchboard Settings'
SQLITE_SCHEMA_VERSION: int = 1
TELEPHONY_SESSIONS_FILTER: str = '/restapi/v1.0/account/~/telephony/sessions'
__version__: str = '0.1.0'
