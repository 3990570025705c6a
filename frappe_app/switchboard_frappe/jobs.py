"""Background work: what runs in the scheduler and in queued jobs."""
from __future__ import annotations

import frappe

import switchboard as sb

from . import handlers, settings, telephony

PAYLOAD = "RingCentral CRM Payload"
RINGCENTRAL = "CRM RingCentral Settings"


def process_payload(name: str) -> dict:
    """Processes one queued webhook body into call logs (a missing one is a logged no-op)."""
    site = settings.load()
    logger = sb.CallLogger(handlers.system_store(), region=site.region,
                           company_numbers=site.company_numbers,
                           create_tickets=site.create_tickets_from_calls)
    outcome = sb.process_crm_payload(logger, name)
    telephony.mirror(outcome["result"].get("call_log") or "")
    return outcome


def retry_failed_payloads(limit: int = 200) -> int:
    """Hourly: webhook bodies whose processing failed (status Error) are processed again,
    oldest first, each committed on its own so one bad body does not hold up the rest."""
    names = frappe.get_all(PAYLOAD, filters={"processing_status": "Error"}, pluck="name",
                           order_by="creation asc", limit_page_length=limit)
    for name in names:
        try:
            process_payload(name)
            frappe.db.commit()
        except Exception:  # noqa: BLE001 - logged; the next one goes on
            frappe.db.rollback()
            frappe.log_error(title=f"switchboard: payload {name} failed again")
    return len(names)


# -- RingCentral without a relay: the scheduler runs switchboard.worker in bounded slices --------
def ringcentral_connected() -> bool:
    """An app is configured in CRM RingCentral Settings and signed in (a refresh token or a JWT
    credential is stored): until then the RingCentral jobs below do nothing."""
    value = lambda field: frappe.db.get_single_value(RINGCENTRAL, field)  # noqa: E731
    return bool(value("client_id") and (value("refresh_token") or value("jwt_credential")))


def _ringcentral(run, **options) -> int:
    if not ringcentral_connected():
        return 0
    return run(**options)


def ringcentral_jobs(**options) -> int:
    """Every minute: due call-log lookups, recording downloads and transcripts (at most ~50 s)."""
    from switchboard import worker
    return _ringcentral(worker.run_jobs, **options)


def ringcentral_sync(**options) -> int:
    """Every five minutes: the call-log sync from its stored cursor (at most ~4 min)."""
    from switchboard import worker
    return _ringcentral(worker.sync, **options)


def ringcentral_subscription(**options) -> int:
    """Hourly: the webhook subscription renewed ahead of expiry, re-created when gone."""
    from switchboard import worker
    return _ringcentral(worker.renew_subscription, **options)


# -- stored phone keys ------------------------------------------------------------------------------
REKEY_JOB = "switchboard_rekey_phone_keys"


def rekey_phone_keys(force: bool = False) -> dict:
    """Hourly (long queue), and queued after install, migrate and a change of the phone
    regions: when the stored phone keys were computed with another key version or other
    regions than the site's now (or never: records from before the app), every keyed doctype
    is rekeyed, committing page by page. Does nothing while the keys are current, unless
    `force`. Returns {doctype: {"scanned", "updated"}}, empty when nothing was to do."""
    from . import phones

    site = settings.phone_site()
    if not force and phones.keys_are_current(site):
        return {}
    return phones.rekey_stored_keys(handlers.system_store(), site, after_each_page=frappe.db.commit)


def queue_rekey(force: bool = False) -> bool:
    """Queues rekey_phone_keys (once: a queued or running one is not queued again) when the
    stored keys are not current, or always with `force`. True when queued."""
    from . import phones

    if not force and phones.keys_are_current():
        return False
    frappe.enqueue("switchboard_frappe.jobs.rekey_phone_keys", queue="long", job_id=REKEY_JOB,
                   deduplicate=True, enqueue_after_commit=True, force=force)
    return True
