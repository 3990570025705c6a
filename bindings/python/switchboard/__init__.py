"""switchboard: the front-desk logic of a Frappe CRM + Helpdesk + ERPNext site.

Routes incoming email and calls to the right ticket or lead, merges duplicates by phone,
moves conversations between CRM and Helpdesk and shows order production status — one C++
core used from Frappe hooks, C++ services, or on its own on an SQLite file.

    import switchboard as sb
    store = sb.SqliteStore("crm.sqlite")
    name = store.insert("CRM Lead", {"first_name": "Ann", "mobile_no": "+1 555 123 4567"})
"""
from __future__ import annotations

import enum
import types

from . import _core
from ._core import *  # noqa: F401,F403  (every public name of the C++ core; see _core.pyi)
from ._stores import FaultyStore, MariaDbStore, MemoryStore, SqliteStore  # noqa: F401
from ._errors import (  # noqa: F401
    AuthError,
    Error,
    HttpError,
    NotFound,
    NotSupported,
    ParseError,
    StoreError,
    ValidationError,
)

__version__: str = _core.__version__

from . import _logging  # noqa: E402

_logging.install()  # the core's diagnostics go to logging.getLogger("switchboard.<category>")

#: RingCentral's job kinds: rc_jobs.LOOKUP, RECORDING, TRANSCRIPT, SYNC, SUBSCRIPTION.
rc_jobs = types.SimpleNamespace(**{k.upper(): v for k, v in _core.RINGCENTRAL_JOB_KINDS.items()})


class Capability(enum.IntFlag):
    """Optional backend capabilities, as returned by ``Store.capabilities``."""

    SAVEPOINTS = 1
    LOCK = 2
    SELF_MANAGED = 4
    COUNT = 8
    REMOVE_WHERE = 16
    SERIES = 32
    INSERT_MANY = 64
    COMPLETE_DOCUMENTS = 128
    INSERT_WITH_ROWS = 256


__all__ = sorted(set(
    [name for name in dir(_core) if not name.startswith("_")] + [
     "MemoryStore", "SqliteStore", "FaultyStore", "Capability", "Error",
     "ValidationError", "NotFound", "StoreError", "NotSupported", "ParseError", "HttpError",
     "AuthError", "rc_jobs"]
))
