"""RingCentral without a relay on the real site: the app's scheduler functions run
switchboard.worker against the project's mock RingCentral server (HTTP on loopback), with the
secrets in the Password fields of CRM RingCentral Settings and the calls written through
Frappe (so Helpdesk's TP Call Log mirror runs too)."""
from __future__ import annotations

import os
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests"))
from ringcentral_mock import MockRingCentral, fixtures  # noqa: E402

import switchboard as sb  # noqa: E402
from switchboard import worker  # noqa: E402
from switchboard.frappe import FrappeStore  # noqa: E402
from switchboard_frappe import jobs  # noqa: E402

SETTINGS = "CRM RingCentral Settings"
JWT = "eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl"


@pytest.fixture
def rc():
    with MockRingCentral() as mock:
        mock.configure(rate_limits=False)
        yield mock


def site_client(rc) -> sb.RingCentralClient:
    store = FrappeStore(ignore_permissions=True)
    return sb.RingCentralClient(store, client_id="confidential-app", client_secret="s3cret-client-PASSWORD",
                                server=rc.platform_url, media_server=rc.media_url,
                                allowed_origins=rc.origins, codec=worker.FrappePasswords(),
                                max_wait=0.0, timeout=10.0)


def test_nothing_runs_until_ringcentral_is_signed_in(site):
    assert not jobs.ringcentral_connected()
    assert jobs.ringcentral_sync() == jobs.ringcentral_jobs() == jobs.ringcentral_subscription() == 0
    assert site.db.count("Switchboard Job") == 0


@pytest.fixture
def recordings(site):
    """The site's private files: recordings written there are removed after the test (the
    File rows go with the test's rollback)."""
    folder = site.get_site_path("private", "files")
    before = set(os.listdir(folder))
    yield folder
    for name in set(os.listdir(folder)) - before:
        os.remove(os.path.join(folder, name))


def test_scheduler_functions_sync_calls_and_fetch_recordings(site, rc, recordings):
    client = site_client(rc)
    client.save_configuration()
    client.login_jwt(JWT)
    # Secrets are encrypted by the site: the settings hold Frappe's placeholder only.
    stored = site.get_single(SETTINGS)
    assert stored.client_id == "confidential-app" and set(stored.refresh_token) == {"*"}
    from frappe.utils.password import get_decrypted_password
    assert get_decrypted_password(SETTINGS, SETTINGS, "client_secret") == "s3cret-client-PASSWORD"
    assert jobs.ringcentral_connected()

    # The site's defaults but for the client (the mock is plain http on loopback) and commits.
    options = dict(client=client, checkpoint=lambda: None, backfill=4000 * 86400)  # calls of 2024
    assert jobs.ringcentral_sync(seconds=120, **options) == 1
    assert site.db.count("Helpdesk Call Log") == fixtures.CALL_COUNT
    # Each call is mirrored to the Telephony app's TP Call Log by the app's doc events.
    assert site.db.count("TP Call Log") >= fixtures.CALL_COUNT
    assert jobs.ringcentral_sync(seconds=120, **options) == 1  # again: nothing doubles
    assert site.db.count("Helpdesk Call Log") == fixtures.CALL_COUNT

    assert jobs.ringcentral_jobs(seconds=120, **options) > 0  # recordings the sync queued
    status = worker.status()
    assert status["sync"]["cursor"] > 0
    assert status["queue"]["depth"][worker.RECORDING].get("Done", 0) > 0
    assert site.db.count("Switchboard Job", {"state": "Done"}) > 0
    # Each downloaded recording is a private File of the site, attached to its call.
    files = site.get_all("File", filters={"attached_to_doctype": "Helpdesk Call Log"},
                         fields=["file_url", "is_private"])
    assert files and all(f.is_private and f.file_url.startswith("/private/files/") for f in files)
    assert all(os.path.exists(os.path.join(recordings, f.file_url.rsplit("/", 1)[1])) for f in files)
    assert jobs.ringcentral_subscription(**options) == 1  # no webhook address: checked only
