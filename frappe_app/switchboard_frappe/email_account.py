"""The Email Account class: the mail Frappe receives keeps its headers for switchboard's router.

Frappe's email receiving stores a received mail as a Communication with a handful of its fields
(sender, To, Cc, subject, body, Message-ID) and drops the rest of its headers. The router reads
more than that: Auto-Submitted, X-Autoreply, Precedence and List-Id (automated mail and mailing
lists never become tickets or leads), References and In-Reply-To (threads), Delivered-To (the
alias a Bcc'd mail came in on), Reply-To, the Date and delivery-status reports.

This class wraps each mail an Email Account fetches so that, while Frappe stores it, the
Communication's ``after_insert`` handler (``handlers.route_communication``) can read the whole
message (``received_mail``). It only adds to the class the site would use without switchboard:
that is Helpdesk's (its References threading and its skipping of ``X-Auto-Generated`` mail stay)
or Frappe's own. Frappe uses the ``override_doctype_class`` of the app installed last; when an
app installed after switchboard overrides Email Account too, routing falls back to the stored
fields.
"""
from __future__ import annotations

from typing import Any, Optional

import frappe

OWN_PATH = "switchboard_frappe.email_account.EmailAccount"
_LOCAL_KEY = "switchboard_received_mail"
_composed: dict[type, type] = {}


def _overrides() -> list[str]:
    """The installed apps' Email Account classes, in install order (Frappe uses the last)."""
    return frappe.get_hooks("override_doctype_class").get("Email Account", [])


def _site_class() -> type:
    """The Email Account class of the site without switchboard: the override of the last other
    app that has one, else Frappe's."""
    paths = [p for p in _overrides() if p != OWN_PATH]
    if paths:
        return frappe.get_attr(paths[-1])
    from frappe.email.doctype.email_account.email_account import EmailAccount

    return EmailAccount


class _ReceivedMail:
    """A fetched InboundMail whose ``process()`` (storing it as a Communication) makes it the
    site's ``received_mail``. Everything else is the mail's own."""

    def __init__(self, mail: Any) -> None:
        object.__setattr__(self, "_mail", mail)

    def process(self):
        previous = getattr(frappe.local, _LOCAL_KEY, None)
        setattr(frappe.local, _LOCAL_KEY, self._mail)
        try:
            return self._mail.process()
        finally:
            setattr(frappe.local, _LOCAL_KEY, previous)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mail, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._mail, name, value)


def _compose(base: type) -> type:
    def get_inbound_mails(self):
        return [_ReceivedMail(mail) for mail in base.get_inbound_mails(self)]

    return type("EmailAccount", (base,), {
        "__module__": __name__, "__doc__": base.__doc__,
        "get_inbound_mails": get_inbound_mails})


def __getattr__(name: str) -> Any:
    """``EmailAccount``, resolved per site (sites of one bench may have different apps)."""
    if name != "EmailAccount":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    base = _site_class()
    if base not in _composed:
        _composed[base] = _compose(base)
    return _composed[base]


def class_in_use() -> str:
    """The Email Account class the site uses: the override of the app installed last, as Frappe
    picks it ("Frappe's" when no app has one)."""
    paths = _overrides()
    return paths[-1] if paths else "Frappe's"


def receives_whole_mail() -> bool:
    """Whether the site's Email Accounts use this class: else the hook routes mail from the
    Communication's fields alone (WHOLE_MAIL_WARNING says so, naming class_in_use())."""
    return class_in_use() == OWN_PATH


WHOLE_MAIL_WARNING = (
    "Another app's Email Account class is in use ({0}), so switchboard routes received mail from "
    "the fields Frappe stores, without its headers: automated mail told only by its headers can "
    "become tickets, and Delivered-To is not read. Install switchboard_frappe after that app.")


def received_mail(communication) -> Optional[bytes | str]:
    """The raw message Frappe's email receiving is storing as `communication`, or None (mail
    stored another way, or by an Email Account class other than this one)."""
    mail = getattr(frappe.local, _LOCAL_KEY, None)
    if mail is None or not communication.flags.get("in_receive"):
        return None
    if (mail.message_id or "") != (communication.message_id or ""):
        return None
    return mail.raw_message
