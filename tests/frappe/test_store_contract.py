"""The shipped Store contract on FrappeStore, on the real site, both as the session user
(Administrator: the permission checks run and pass) and as the system."""
from __future__ import annotations

import pytest

from switchboard.frappe import FrappeStore
from switchboard.testing.store_contract import *  # noqa: F401,F403
from switchboard.testing.store_contract import StoreTraits

#: Frappe's own semantics, where they are the contract.
FRAPPE = StoreTraits(
    fresh=False,                        # the site has data and series counters already
    keeps_supplied_names=False,         # Frappe names every document by its doctype's rule
    keeps_supplied_creation=False,      # and stamps creation itself
    case_sensitive_equality=False,      # utf8mb4_unicode_ci
    collated_names=True,
    frappe_nulls=True,
    custom_fields_need_declaring=True,  # a value for a field the doctype lacks is refused
    validates_links=True,
    requires_mandatory=True,
    thread_bound=True,                  # frappe.local is per thread
    ticket_names="series",              # Helpdesk 1.25: ".####"
    missing_doctypes=frozenset({"Series"}),
    non_transactional=frozenset({"Error Log"}),  # MyISAM
)


@pytest.fixture(scope="module", autouse=True)
def _fields(contract_custom_fields):
    yield


@pytest.fixture(params=["as-user", "as-system"])
def make_store(request):
    return lambda: FrappeStore(ignore_permissions=request.param == "as-system")


@pytest.fixture
def store_traits():
    return FRAPPE
