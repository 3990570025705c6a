"""Sites still naming HD Ticket by autoincrement (Helpdesk up to 1.24): integer names, given
back as text, work through the store contract, routing, merging and the webhook."""
from __future__ import annotations

import dataclasses

import pytest

import legacy
from switchboard.frappe import FrappeStore
from switchboard.testing.store_contract import *  # noqa: F401,F403
from test_store_contract import FRAPPE

LEGACY = dataclasses.replace(FRAPPE, ticket_names="autoincrement")


@pytest.fixture(scope="module", autouse=True)
def autoincrement_tickets(site, contract_custom_fields):
    if legacy.name_type(site) != "varchar":  # a run that died half-way left it patched
        legacy.restore(site)
    original = legacy.patch(site)
    yield
    from conftest import connect

    if getattr(site.local, "db", None) is None:
        connect()
    legacy.restore(site, original)


@pytest.fixture(params=["as-user", "as-system"])
def make_store(request):
    return lambda: FrappeStore(ignore_permissions=request.param == "as-system")


@pytest.fixture
def store_traits():
    return LEGACY


def test_frappe_hands_out_integers(site):
    doc = site.get_doc({"doctype": "HD Ticket", "subject": "legacy"}).insert()
    assert isinstance(doc.name, int)
    store = FrappeStore()
    assert store.get("HD Ticket", str(doc.name))["name"] == str(doc.name)


# The ticket flows again, with integer ticket names.
from test_flows import (  # noqa: E402,F401
    shop,
    test_a_queued_call_lands_on_the_ticket_the_lead_and_the_contact,
    test_a_ticket_that_gets_a_number_takes_over_the_call_logs_of_newer_tickets,
    test_order_history_sync_replaces_rows_with_production_status,
    test_received_mail_is_filed_on_a_new_ticket_and_the_reply_follows_it,
)
