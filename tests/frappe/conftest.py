"""tests/frappe: switchboard inside a real Frappe v15 site with Helpdesk, CRM and Telephony.

Run by scripts/frappe-test.sh (make test-frappe) in the bench's venv. pytest rather than
Frappe's run-tests: the store contract is a pytest suite, fixtures give each test a site
connection that is rolled back afterwards, and tests can check that nothing commits.

Every test runs as Administrator on one connection and is rolled back when it ends; a commit
or full rollback inside a test fails it (the library must never end the request's
transaction), unless the test is marked ``commits`` (installing apps, HTTP requests: Frappe's
request handling commits, and the DDL of Custom Fields commits implicitly). Those clean up
after themselves.
"""
from __future__ import annotations

import os
import traceback

import pytest

SITE = os.environ.get("FRAPPE_SITE", "test.localhost")
SITES = os.environ.get("FRAPPE_SITES") or os.path.join(
    os.environ.get("FRAPPE_BENCH", os.path.expanduser("~/frappe-bench")), "sites")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def pytest_configure(config):
    config.addinivalue_line("markers", "commits: the test commits (and cleans up after itself)")


def connect():
    """(Re)binds this thread to the test site as Administrator."""
    import frappe

    os.chdir(SITES)
    frappe.init(site=SITE, sites_path=".", force=True)
    frappe.connect()
    frappe.set_user("Administrator")
    frappe.flags.in_test = True  # as Frappe's own test runner: mail is queued, never sent
    return frappe


@pytest.fixture(scope="session")
def site():
    frappe = connect()
    yield frappe
    frappe.db.rollback()
    frappe.destroy()


class CommitGuard:
    """Records commits and full rollbacks made while a test runs."""

    def __init__(self, db):
        self.db, self.calls = db, []
        self.commit, self.rollback = db.commit, db.rollback
        db.commit = self._commit
        db.rollback = self._rollback

    def _commit(self, *args, **kwargs):
        self.calls.append("commit:\n" + "".join(traceback.format_stack(limit=12)))
        return self.commit(*args, **kwargs)

    def _rollback(self, *args, save_point=None, **kwargs):
        if save_point is None:
            self.calls.append("rollback:\n" + "".join(traceback.format_stack(limit=12)))
        return self.rollback(*args, save_point=save_point, **kwargs)

    def release(self):
        self.db.__dict__.pop("commit", None)
        self.db.__dict__.pop("rollback", None)


@pytest.fixture(autouse=True)
def isolated(request, site):
    """Each test on a clean transaction, rolled back at the end."""
    import frappe

    if getattr(frappe.local, "db", None) is None:
        connect()
    frappe.db.rollback()
    started = frappe.utils.now()
    allowed = request.node.get_closest_marker("commits") is not None
    guard = None if allowed else CommitGuard(frappe.db)
    yield frappe
    if getattr(frappe.local, "db", None) is None:  # an HTTP request released the context
        connect()
    if guard is not None:
        guard.release()
    frappe.db.rollback()
    frappe.db.delete("Error Log", {"creation": [">=", started]})  # MyISAM: the rollback kept them
    frappe.set_user("Administrator")
    frappe.local.message_log = []
    frappe.clear_document_cache("Switchboard Settings", "Switchboard Settings")
    frappe.db.value_cache.pop("Switchboard Settings", None)
    if guard is not None and guard.calls:
        pytest.fail("the transaction was ended inside the test:\n" + guard.calls[0], pytrace=False)


@pytest.fixture
def settings(site):
    """Switchboard Settings for this test (rolled back with it)."""
    def apply(**values):
        doc = site.get_doc("Switchboard Settings")
        doc.update(values)
        doc.save()
        site.clear_document_cache("Switchboard Settings", "Switchboard Settings")
        return doc
    return apply


@pytest.fixture(scope="session")
def contract_custom_fields(site):
    """The custom fields the store contract writes, as Custom Fields (DDL: committed), removed
    when the session ends."""
    from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
    from switchboard.testing.store_contract import CUSTOM_FIELDS

    site.db.rollback()
    create_custom_fields({dt: [{"fieldname": f, "label": f, "fieldtype": t} for f, t in fields.items()]
                          for dt, fields in CUSTOM_FIELDS.items()})
    site.db.commit()
    yield
    if getattr(site.local, "db", None) is None:
        connect()
    site.db.rollback()
    for dt, fields in CUSTOM_FIELDS.items():
        for f in fields:
            name = site.db.get_value("Custom Field", {"dt": dt, "fieldname": f})
            if name:
                site.delete_doc("Custom Field", name, force=True, delete_permanently=True)
            if f in site.db.get_table_columns(dt):
                site.db.sql_ddl(f"ALTER TABLE `tab{dt}` DROP COLUMN `{f}`")
        site.clear_cache(doctype=dt)
    site.db.commit()
