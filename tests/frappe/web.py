"""Requests through Frappe's real request handling (frappe.app.application, werkzeug's test
client: routing, authentication, CSRF, whitelisting, permission errors as HTTP statuses, and
the commit at the end of a POST), and the committed test data they need.

A request runs in its own Frappe context and transaction, so what it reads must be committed
first and what it writes is committed: World keeps track and deletes it all afterwards.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from werkzeug.test import Client

from conftest import SITE, connect

DOMAIN = "switchboard.test"
# Doctypes the endpoint tests write to: rows created after World began are removed after.
CLEANUP = ["Helpdesk Call Log", "CRM Call Log", "TP Call Log", "RingCentral CRM Payload", "Switchboard Merge Log",
           "Communication", "Comment", "File", "HD Ticket", "CRM Lead", "Contact", "Error Log",
           "Work Order", "Sales Order", "Item", "Customer", "HD Agent", "ToDo", "Version",
           "Deleted Document", "HD Ticket Activity", "CRM Status Change Log", "Notification Log"]


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict

    @property
    def json(self):
        return json.loads(self.body or b"null")

    @property
    def message(self):
        data = self.json
        return data.get("message") if isinstance(data, dict) else data


@dataclass
class User:
    email: str
    api_key: str = ""
    api_secret: str = ""

    @property
    def auth(self) -> dict:
        return {"Authorization": f"token {self.api_key}:{self.api_secret}"} if self.api_key else {}


GUEST = User("Guest")


def request(method: str, path: str, user: User = GUEST, *, data=None, body: bytes | None = None,
            headers: dict | None = None) -> Reply:
    """One HTTP request to the site; reconnects this thread to the site afterwards."""
    from frappe.app import application

    hdrs = {"Host": SITE, **user.auth, **(headers or {})}
    client = Client(application)
    try:
        if body is not None:
            response = client.open(path, method=method, data=body, headers=hdrs)
        else:
            response = client.open(path, method=method, data=data, headers=hdrs)
        return Reply(response.status_code, response.get_data(), dict(response.headers))
    finally:
        connect()


def call(user: User, method: str, http: str = "POST", **args) -> Reply:
    path = f"/api/method/switchboard_frappe.api.{method}"
    if http == "GET":
        from urllib.parse import urlencode

        return request("GET", f"{path}?{urlencode(args)}", user)
    return request("POST", path, user, data=args)


@dataclass
class World:
    """Users of each kind and the records the endpoints work on, all committed."""

    frappe: object
    users: dict[str, User] = field(default_factory=dict)
    since: str = ""

    def __post_init__(self):
        self.since = self.frappe.utils.now()

    def user(self, key: str, roles: list[str], user_type: str = "System User") -> User:
        f = self.frappe
        email = f"sb-{key}@{DOMAIN}"
        if f.db.exists("User", email):
            f.delete_doc("User", email, force=True, ignore_permissions=True)
        doc = f.get_doc({"doctype": "User", "email": email, "first_name": key.title(),
                         "user_type": user_type, "send_welcome_email": 0,
                         "roles": [{"role": r} for r in roles]})
        doc.flags.no_welcome_mail = True
        doc.insert(ignore_permissions=True)
        doc.user_type = user_type  # Frappe derives it from desk roles on save; keep ours
        doc.api_key = f.generate_hash(length=15)
        secret = f.generate_hash(length=15)
        doc.api_secret = secret
        doc.save(ignore_permissions=True)
        if "Agent" in roles:
            f.get_doc({"doctype": "HD Agent", "user": email, "agent_name": key.title(),
                       "is_active": 1}).insert(ignore_permissions=True)
        self.users[key] = User(email, doc.api_key, secret)
        return self.users[key]

    def cleanup(self) -> None:
        f = self.frappe
        f.db.rollback()
        for doctype in CLEANUP:
            if f.db.exists("DocType", doctype):
                f.db.delete(doctype, {"creation": [">=", self.since]})
        for user in self.users.values():
            f.db.delete("Has Role", {"parent": user.email})
            f.db.delete("User", {"name": user.email})
            f.db.delete("__Auth", {"doctype": "User", "name": user.email})
        for child in ("Dynamic Link", "Contact Email", "Contact Phone", "Communication Link",
                      "Order History", "CRM Deal Sales Orders", "Sales Order Item", "Has Role"):
            f.db.sql(f"delete from `tab{child}` where creation >= %s", (self.since,))
        f.db.commit()
        f.clear_cache()
