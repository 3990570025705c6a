"""The RingCentral worker from Python: every call exactly once, without a relay.

The same job queue and handlers as ``frontdesk worker``, run in bounded slices — the shape a
scheduler needs. On a Frappe site each function can be called with no arguments (the
scheduler does): the store is then the site itself (``FrappeStore``), secrets are kept in the
Password fields of "CRM RingCentral Settings" (encrypted with the site's key), recordings go to
the site's private files, and every job is committed as soon as it is recorded.

The switchboard_frappe app schedules them (idle until RingCentral is signed in); in the
hooks.py of another Frappe app::

    scheduler_events = {
        "cron": {
            "* * * * *": ["switchboard.worker.run_jobs"],    # lookups, recordings, transcripts
            "*/5 * * * *": ["switchboard.worker.sync"],      # call-log sync
        },
        "hourly": ["switchboard.worker.renew_subscription"],
    }

Outside Frappe pass a store and a client::

    store = sb.SqliteStore("crm.sqlite")
    client = sb.RingCentralClient(store, max_wait=0)
    switchboard.worker.run_jobs(store, client, recordings_dir="/srv/recordings")
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from . import _core

_KINDS = _core.RINGCENTRAL_JOB_KINDS
LOOKUP = _KINDS["lookup"]
RECORDING = _KINDS["recording"]
TRANSCRIPT = _KINDS["transcript"]
SYNC = _KINDS["sync"]
SUBSCRIPTION = _KINDS["subscription"]
CALL_KINDS = [LOOKUP, RECORDING, TRANSCRIPT]

SETTINGS = "CRM RingCentral Settings"


class FrappePasswords(_core.SecretCodec):
    """Keeps the RingCentral secrets in the settings document's Password fields."""

    def __init__(self) -> None:
        _core.SecretCodec.__init__(self)

    def seal(self, field: str, plaintext: str) -> str:
        from frappe.utils.password import set_encrypted_password
        set_encrypted_password(SETTINGS, SETTINGS, plaintext, field)
        return "*****"

    def open(self, field: str, stored: str) -> str:
        from frappe.utils.password import get_decrypted_password
        return get_decrypted_password(SETTINGS, SETTINGS, field, raise_exception=False) or ""


def _frappe_defaults(client, options: dict) -> tuple[Any, Any, dict]:
    import frappe

    from .frappe import FrappeStore

    store = FrappeStore(frappe, ignore_permissions=True)
    if client is None:  # the settings' secrets are Password fields, encrypted with the site's key
        client = _core.RingCentralClient(store, codec=FrappePasswords(), max_wait=0.0)
    options.setdefault("recordings_dir", frappe.get_site_path("private", "files"))
    options.setdefault("file_url_prefix", "/private/files/")
    options.setdefault("checkpoint", frappe.db.commit)
    return store, client, options


def make_worker(store, client, *, owner: str = "", checkpoint: Optional[Callable[[], None]] = None,
                log: Optional[Callable[[int, str], None]] = None, periodic: bool = True,
                **options) -> tuple[_core.Worker, _core.RingCentralJobs]:
    """A Worker with RingCentral's job kinds installed (the periodic sync and subscription
    check queued unless ``periodic`` is false). ``options`` go to RingCentralJobs."""
    worker = _core.Worker(_core.JobQueue(store), owner=owner, checkpoint=checkpoint, log=log)
    jobs = _core.RingCentralJobs(store, client, **options)
    jobs.install(worker, periodic)
    return worker, jobs


def _run(kinds: list[str], store, client, seconds: float, due_now: str, options: dict) -> int:
    if store is None:  # on a Frappe site: the site's store, and its client unless one is given
        store, client, options = _frappe_defaults(client, dict(options))
    if client is None:
        raise _core.ValidationError("a RingCentralClient is needed with a store")
    worker, _ = make_worker(store, client, **options)
    if due_now:
        worker.queue.make_due(due_now)
    return worker.run_due(seconds, kinds)


def run_jobs(store=None, client=None, *, seconds: float = 50.0, **options) -> int:
    """Runs the due call-log lookups, recording downloads and transcripts for at most
    ``seconds`` (a started job is finished); returns how many ran. Every minute."""
    return _run(CALL_KINDS, store, client, seconds, "", options)


def sync(store=None, client=None, *, seconds: float = 240.0, **options) -> int:
    """Runs the call-log sync now, for at most ``seconds`` (a longer catch-up continues on the
    next call). Every few minutes."""
    return _run([SYNC], store, client, seconds, SYNC, options)


def renew_subscription(store=None, client=None, *, seconds: float = 50.0, **options) -> int:
    """Checks the webhook subscription now: renewed ahead of expiry, re-created when
    blacklisted or gone. Hourly."""
    return _run([SUBSCRIPTION], store, client, seconds, SUBSCRIPTION, options)


def run_all(store=None, client=None, *, seconds: float = 50.0, **options) -> int:
    """Every due job of every kind, for at most ``seconds`` (one scheduler hook for all)."""
    return _run([], store, client, seconds, "", options)


def status(store=None) -> dict:
    """The subscription, sync cursor and lag, queue depth by kind and state, the oldest due
    job and the newest errors — for a status page."""
    if store is None:
        import frappe

        from .frappe import FrappeStore
        store = FrappeStore(frappe, ignore_permissions=True)
    return _core.ringcentral_sync_status(store)
