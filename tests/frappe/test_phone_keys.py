"""Stored phone keys brought up to date on a real site: records saved before the app was
installed (no keys), after an upgrade that keys numbers differently, and after the phone
regions change. Each test is rolled back."""
from __future__ import annotations

import json
import os

import pytest

import switchboard as sb
from conftest import ROOT

NUMBER = "+1 555 010 6161"
KEY = "+15550106161"


def forget_keys(site, doctype, name, **fields):
    """As a row saved before the app existed: the number is there, its key is not."""
    site.db.set_value(doctype, name, {**fields, "custom_phone_key_version": 0}, update_modified=False)


def call_from(site, number: str, call_id: str) -> dict:
    """An inbound call from `number` to the company, ingested as the webhook's job does."""
    from switchboard_frappe import handlers

    with open(os.path.join(ROOT, "tests", "data", "telephony", "seed_curl.json")) as f:
        payload = {**json.load(f), "call_id": call_id, "from_number": number, "to_number": "+15550100999"}
    logger = sb.CallLogger(handlers.system_store(), company_numbers=["+15550100999"])
    return logger.ingest(sb.parse_call_event(json.dumps(payload).encode()))


def rekey(site):
    from switchboard_frappe import handlers, phones, settings

    return phones.rekey_stored_keys(handlers.system_store(), settings.phone_site())


@pytest.fixture
def stale(site):
    """The stored keys marked as computed by an older release."""
    site.db.set_single_value("Switchboard Settings", "phone_keys_signature", "v1 US",
                             update_modified=False)
    site.db.value_cache.pop("Switchboard Settings", None)


def test_records_from_before_the_app_get_their_keys_and_calls_find_them(site, settings, stale):
    from switchboard_frappe import phones

    settings(region="US", fallback_regions="", company_numbers="+15550100999")
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "[sbtest] rekey",
                           "custom_contact_mobile": NUMBER}).insert()
    lead = site.get_doc({"doctype": "CRM Lead", "first_name": "Rekey", "mobile_no": "555.010.6161"}).insert()
    contact = site.get_doc({"doctype": "Contact", "first_name": "Rekey",
                            "phone_nos": [{"phone": "(555) 010-6161"}]}).insert()
    assert ticket.custom_contact_mobile_key == KEY  # saved through the form's hooks
    forget_keys(site, "HD Ticket", ticket.name, custom_contact_mobile_key=None)
    forget_keys(site, "CRM Lead", lead.name, custom_mobile_no_key=None)
    forget_keys(site, "Contact Phone", contact.phone_nos[0].name, custom_phone_key=None)
    assert not phones.keys_are_current()

    before = call_from(site, NUMBER, "rekey-before")
    assert not before.get("ticket") and not before.get("lead"), before  # nothing holds the key

    reports = rekey(site)
    assert set(reports) == set(sb.keyed_doctypes())
    for doctype in ("HD Ticket", "CRM Lead", "Contact Phone"):
        assert reports[doctype]["updated"] >= 1 and reports[doctype]["scanned"] >= reports[doctype]["updated"]
    assert site.db.get_value("HD Ticket", ticket.name, ["custom_contact_mobile_key", "custom_phone_key_version"]) \
        == (KEY, sb.PHONE_KEY_VERSION)
    assert site.db.get_value("CRM Lead", lead.name, "custom_mobile_no_key") == KEY
    assert site.db.get_value("Contact Phone", contact.phone_nos[0].name,
                             "custom_phone_key") == KEY
    assert str(site.db.get_value("HD Ticket", ticket.name, "modified")) == str(ticket.modified)  # not an edit
    assert phones.keys_are_current()
    status = site.db.get_single_value("Switchboard Settings", "phone_keys_status")
    assert status.startswith(f"Key version {sb.PHONE_KEY_VERSION}, region US.") and "rewritten" in status

    # What the form hooks store and what the rekey computes agree: a second pass rewrites nothing.
    assert {d: r["updated"] for d, r in rekey(site).items()} == {d: 0 for d in sb.keyed_doctypes()}

    after = call_from(site, NUMBER, "rekey-after")
    assert str(after.get("ticket")) == str(ticket.name) and after.get("lead") == lead.name, after


def test_a_change_of_regions_rekeys_what_the_site_now_reads_otherwise(site, settings):
    from switchboard_frappe import jobs, phones

    settings(region="US", fallback_regions="")
    rekey(site)
    ticket = site.get_doc({"doctype": "HD Ticket", "subject": "[sbtest] London",
                           "custom_contact_mobile": "020 7946 0958"}).insert()
    assert not ticket.custom_contact_mobile_key  # a US site cannot read a British national number
    assert phones.keys_are_current() and jobs.rekey_phone_keys() == {}  # the hourly job: nothing to do

    settings(fallback_regions="GB")
    assert not phones.keys_are_current()
    assert jobs.queue_rekey()  # what saving the settings queued (sent when the save commits)
    reports = rekey(site)
    assert reports["HD Ticket"]["updated"] >= 1
    assert site.db.get_value("HD Ticket", ticket.name, "custom_contact_mobile_key") == "+442079460958"
    assert phones.stored_signature() == f"v{sb.PHONE_KEY_VERSION} US GB"
    assert not jobs.queue_rekey()  # current: nothing queued


def test_the_rekey_status_survives_a_settings_form_opened_before_it(site, settings, stale):
    from switchboard_frappe import phones

    form = site.get_doc("Switchboard Settings")  # opened by an administrator...
    rekey(site)  # ...while the job ran
    current = phones.stored_signature()
    form.company_numbers = "+15550100999"
    form.save()
    assert phones.stored_signature() == current and phones.keys_are_current()


def test_install_and_migrate_queue_the_rekey_only_when_keys_are_stale(site, stale, monkeypatch):
    from switchboard_frappe import install, jobs

    queued = []
    monkeypatch.setattr(jobs.frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
    monkeypatch.setattr(install, "ensure_schema", lambda: None)  # its DDL commits; tested elsewhere
    install.after_install()
    install.after_migrate()
    assert [(m, kw["queue"], kw["job_id"], kw["deduplicate"]) for m, kw in queued] == \
        [("switchboard_frappe.jobs.rekey_phone_keys", "long", jobs.REKEY_JOB, True)] * 2
    rekey(site)
    queued.clear()
    install.after_migrate()
    assert queued == []


def test_saving_other_regions_queues_the_rekey_and_other_settings_do_not(site, settings, monkeypatch):
    from switchboard_frappe import jobs

    settings(region="US", fallback_regions="")
    rekey(site)
    queued = []
    monkeypatch.setattr(jobs.frappe, "enqueue", lambda method, **kw: queued.append(method))
    settings(support_aliases="help@example-shop.com", company_numbers="+15550100999")
    assert queued == []  # numbers are read as before: the keys stay current
    settings(fallback_regions="GB\nDE")
    assert queued == ["switchboard_frappe.jobs.rekey_phone_keys"]
    settings(region="GB")
    assert len(queued) == 2
