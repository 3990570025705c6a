"""The stores on the built-in backends, and the guard that keeps Store's methods Store's."""
from __future__ import annotations

from typing import Optional

from . import _core

__all__ = ["MemoryStore", "SqliteStore", "MariaDbStore", "FaultyStore"]

# The facade's public methods: they validate, name and keep writes atomic, so a subclass that
# replaced them would silently skip all of that. Storage belongs in a StoreBackend.
_FACADE = frozenset({
    "get", "exists", "find", "find_one", "count", "insert", "update", "update_where", "remove",
    "remove_where", "next_series", "begin", "commit", "rollback", "transaction", "lock",
    "capabilities", "now", "freeze_time", "time_zone", "doctypes", "doctype",
    "do_get", "do_find", "do_insert", "do_update", "do_update_where", "do_remove", "do_begin",
    "do_commit", "do_rollback", "do_count", "do_remove_where", "do_next_series", "do_lock",
    "do_capabilities",
})

_core_store_init = _core.Store.__init__


def _refuse_overrides(cls: type) -> None:
    for klass in cls.__mro__:
        if klass is _core.Store:
            return
        overridden = sorted(_FACADE.intersection(vars(klass)))
        if overridden:
            raise TypeError(
                f"{cls.__name__} overrides Store.{overridden[0]}(): a Store is a facade and its "
                "methods are not meant to be overridden. Put the storage in a backend instead: "
                f"class My{cls.__name__}Backend(sb.StoreBackend) with get/find/insert/update/"
                "update_where/remove/begin/commit/rollback, then sb.Store(My...Backend()); "
                "to decorate another store, subclass sb.ForwardingBackend(inner).")


def _store_init(self, *args, **kwargs):  # noqa: D401 - replaces Store.__init__
    if type(self) is not _core.Store:
        _refuse_overrides(type(self))
    _core_store_init(self, *args, **kwargs)


_store_init.__doc__ = _core_store_init.__doc__
_core.Store.__init__ = _store_init


class MemoryStore(_core.Store):
    """An in-memory store with full filter and transaction semantics (and Frappe's default
    statuses)."""

    def __init__(self) -> None:
        _core.Store.__init__(self, _core._memory_backend(), seed_defaults=True)


class SqliteStore(_core.Store):
    """The embedded default: Frappe tables in one SQLite file (or ':memory:'), created and
    migrated in place; WAL and a busy timeout let several processes share it.

    ``read_only=True`` opens an existing switchboard database for reading only (a read-only
    file works): nothing is created, migrated or written, and every write raises StoreError.
    ``page_cache_kib``: SQLite's page cache; ``wal_checkpoint_kib``: the WAL size after which a
    commit copies it back into the file (larger: faster batches, that much more disk)."""

    def __init__(self, path: str = ":memory:", busy_timeout_ms: int = 30000, create: bool = True,
                 synchronous: str = "NORMAL", statement_cache_size: int = 256,
                 read_only: bool = False, page_cache_kib: int = 16384,
                 wal_checkpoint_kib: int = 65536) -> None:
        backend = _core._sqlite_backend(path, busy_timeout_ms, create, synchronous,
                                        statement_cache_size, read_only, page_cache_kib,
                                        wal_checkpoint_kib)
        _core.Store.__init__(self, backend, seed_defaults=not read_only)
        self._path = path

    @property
    def path(self) -> str:
        return self._path


class MariaDbStore(_core.Store):
    """A store on a MariaDB server: ``mariadb://user:password@host:port/database`` or
    ``mariadb://user@localhost/database?socket=/path``. Its own database is created and
    migrated in Frappe's table layout; with ``frappe=True`` (or ``?frappe=1``) it works on a
    Frappe site's database, with the site's doctypes and Custom Fields, and changes no table.
    The password comes from the URL, else the environment variable ``password_env``, else the
    option file; error messages never show it. See docs/scaling.md."""

    def __init__(self, url: str, frappe: bool = False, password_env: str = "MARIADB_PASSWORD",
                 option_file: str = "", option_group: str = "client", lock_wait_timeout: int = 10,
                 connect_timeout: int = 10, statement_cache_size: int = 256) -> None:
        backend = _core._mariadb_backend(url, frappe, password_env, option_file, option_group,
                                         lock_wait_timeout, connect_timeout, statement_cache_size)
        # Attached to a Frappe site, nothing is seeded: the site's own records stay as they are.
        _core.Store.__init__(self, backend, seed_defaults=True)
        self._url = _core.describe_database(url)

    @property
    def url(self) -> str:
        """The URL, password hidden."""
        return self._url


class FaultyStore(_core.Store):
    """Wraps a store and raises StoreError(code='injected_fault') at the k-th write, commit or
    rollback (0 = never), for testing that operations are all-or-nothing."""

    def __init__(self, inner: _core.Store, fail_write: int = 0, fail_commit: int = 0,
                 fail_rollback: int = 0) -> None:
        if inner is None:
            raise TypeError("FaultyStore needs a store to wrap")
        self._faults = _core.FaultyBackend(inner, fail_write, fail_commit, fail_rollback)
        _core.Store.__init__(self, self._faults)

    def arm(self, fail_write: int = 0, fail_commit: int = 0, fail_rollback: int = 0) -> None:
        """New fault positions; resets the counters."""
        self._faults.arm(fail_write, fail_commit, fail_rollback)

    @property
    def inner(self) -> _core.Store:
        return self._faults.inner

    @property
    def writes(self) -> int:
        return self._faults.writes

    @property
    def commits(self) -> int:
        return self._faults.commits

    @property
    def rollbacks(self) -> int:
        return self._faults.rollbacks
