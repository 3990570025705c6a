"""Mail fetched by an Email Account from a real POP3 mailbox on loopback, stored by Frappe's
email receiving and routed by the app's Communication hook with the whole message: the
headers Frappe does not keep (Auto-Submitted, List-Id, Precedence, Delivered-To, References)
decide too. Without them an auto-reply or a list mail whose subject and sender look human
became a ticket on the site."""
from __future__ import annotations

import pytest

from pop3 import Pop3Mailbox
from test_flows import mail


def fetch(account):
    """What EmailAccount.receive() does (less the commits): fetch, then store each mail."""
    return [m.process() for m in account.get_inbound_mails()]


@pytest.fixture
def mailbox(site, settings):
    """A POP3 mailbox on loopback and Email Accounts fetching from it: the shop's Support and
    Sales, and Inbox (one mailbox that every alias delivers to)."""
    from test_flows import SHOP

    settings(**SHOP)
    with Pop3Mailbox() as box:
        box.accounts = {name: box.email_account(site, name, f"{name.lower()}@example-shop.com")
                        for name in ("Support", "Sales", "Inbox")}
        yield box


def raw(text: str, *extra: str) -> bytes:
    """`text` (a mail from test_flows.mail) with `extra` header lines added."""
    head, _, body = text.partition("\r\n\r\n")
    return ("\r\n".join([head, *extra]) + "\r\n\r\n" + body).encode()


def tickets_of(site, sender: str) -> list:
    return site.get_all("HD Ticket", filters={"raised_by": sender}, pluck="name")


def test_the_email_account_class_adds_to_helpdesks(site, mailbox):
    from helpdesk.overrides.email_account import CustomEmailAccount

    cls = type(mailbox.accounts["Support"])
    assert cls.__module__ == "switchboard_frappe.email_account"
    assert issubclass(cls, CustomEmailAccount)  # Helpdesk's References threading stays


AUTOMATED = {
    "auto-reply": raw(mail(sender="Kim Lee <kim@customer.com>", subject="Your message to support",
                           message_id="a1@customer.com", body="I will answer as soon as I can."),
                      "Auto-Submitted: auto-replied"),
    "mailing list": raw(mail(sender="Vendor News <news@vendor.example>", subject="New colours this spring",
                             message_id="n1@vendor.example", body="Have a look at our spring range."),
                        "List-Id: Vendor news <news.vendor.example>", "Precedence: bulk"),
}


@pytest.mark.parametrize("kind", sorted(AUTOMATED))
def test_automated_mail_told_only_by_its_headers_makes_no_record(site, mailbox, kind):
    human = mail(sender="Jane Doe <jane@customer.com>", subject="Broken zipper", message_id="h1@customer.com")
    mailbox.messages = [human.encode(), AUTOMATED[kind]]
    first, automated = fetch(mailbox.accounts["Support"])
    assert mailbox.messages == []  # fetched and deleted from the mailbox
    assert first.reference_doctype == "HD Ticket" and tickets_of(site, "jane@customer.com") == [first.reference_name]
    automated.reload()
    assert (automated.reference_doctype, automated.reference_name) == (None, None)
    assert tickets_of(site, automated.sender) == []
    assert not site.get_all("CRM Lead", filters={"email": automated.sender})


def test_a_web_form_gets_its_lead_and_a_notification_answered_at_its_support_makes_nothing(site, mailbox):
    """Frappe stores a mail's Reply-To as its sender; the router decides by the author as
    written (reply_to = web_forms): a form service writing for a person gives that person a
    lead, a shop's notification whose Reply-To is its own support@ stays system mail."""
    form = raw(mail(sender="Website <noreply@forms.example>", to="sales@example-shop.com",
                    subject="New enquiry from the website", message_id="f1@forms.example",
                    body="Name: Kim Park\nMessage: 40 cushions for our cafe"),
               "Reply-To: Kim Park <kim.park@cafe.example>")
    notice = raw(mail(sender="Payments <noreply@payments.example>", to="support@example-shop.com",
                      subject="Payout 4411 completed", message_id="p1@payments.example",
                      body="Your payout was sent."),
                 "Reply-To: Payments Support <support@payments.example>")
    mailbox.messages = [form, notice]
    stored_form, stored_notice = fetch(mailbox.accounts["Inbox"])
    assert stored_form.reference_doctype == "CRM Lead"
    assert site.db.get_value("CRM Lead", stored_form.reference_name, "email") == "kim.park@cafe.example"
    stored_notice.reload()
    assert stored_notice.sender == "support@payments.example"  # as Frappe stores it
    assert (stored_notice.reference_doctype, stored_notice.reference_name) == (None, None)
    assert tickets_of(site, "support@payments.example") == []
    assert [(r.action, r.reason) for r in route_logs(site, stored_notice.name)] == [("skip", "automated_sender")]


def test_a_mail_bcc_to_support_in_a_shared_inbox_is_a_ticket_by_its_delivered_to(site, mailbox):
    bcc = raw(mail(sender="Sam Buyer <sam@buyer.org>", to="Pat <pat@partner.example>",
                   subject="The chairs arrived broken", message_id="b1@buyer.org"),
              "Delivered-To: support@example-shop.com")
    mailbox.messages = [bcc]
    [stored] = fetch(mailbox.accounts["Inbox"])
    assert stored.reference_doctype == "HD Ticket"  # by its To alone: a new customer's lead
    assert tickets_of(site, "sam@buyer.org") == [stored.reference_name]
    assert not site.get_all("CRM Lead", filters={"email": "sam@buyer.org"})


def test_mail_stored_without_its_message_is_routed_from_the_communication(site, mailbox):
    """Mail stored another way (an app's own InboundMail, an Email Account class of an app
    installed later) is routed from the Communication's fields, as before."""
    from frappe.email.receive import InboundMail

    comm = InboundMail(mail(message_id="p1@customer.com").encode(), mailbox.accounts["Support"]).process()
    assert comm.reference_doctype == "HD Ticket"


def route_logs(site, communication) -> list:
    return site.get_all("Switchboard Route Log", filters={"communication": communication},
                        fields=["action", "reason", "reference_doctype", "reference_name"])


def test_a_reply_frappe_files_by_its_thread_is_routed_and_a_forward_to_sales_gets_a_lead(site, mailbox):
    first = mail(sender="Jane Doe <jane@customer.com>", subject="Patio set 40 pieces", message_id="t1@customer.com")
    reply = mail(sender="Jane Doe <jane@customer.com>", subject="Re: Patio set 40 pieces",
                 message_id="t2@customer.com", in_reply_to="t1@customer.com")
    forward = mail(sender="Jane Doe <jane@customer.com>", to="sales@example-shop.com",
                   subject="Fwd: Patio set 40 pieces", message_id="t3@customer.com", in_reply_to="t2@customer.com",
                   body="Could sales quote this for our second shop?")
    mailbox.messages = [first.encode(), reply.encode()]
    opened, replied = fetch(mailbox.accounts["Support"])
    assert opened.reference_doctype == "HD Ticket"
    ticket = opened.reference_name
    # Frappe threads the reply onto the ticket itself; the router agrees and logs why.
    assert (replied.reference_doctype, replied.reference_name) == ("HD Ticket", ticket)
    assert [(r.action, r.reason) for r in route_logs(site, replied.name)] == [("link_ticket", "in_reply_to")]
    # Forwarded to sales, the thread goes on as a lead: Frappe alone files it on the ticket.
    mailbox.messages = [forward.encode()]
    [forwarded] = fetch(mailbox.accounts["Sales"])
    forwarded.reload()
    assert forwarded.reference_doctype == "CRM Lead"
    assert site.db.get_value("CRM Lead", forwarded.reference_name, "email") == "jane@customer.com"
    assert [r.reason for r in route_logs(site, forwarded.name)] == ["forwarded"]


def test_where_the_router_cannot_see_the_thread_frappes_filing_stands(site, mailbox):
    """Frappe also threads a reply by the Message-ID of a mail it sent (Email Queue), which the
    router does not read: the reply stays on the ticket Frappe filed it on."""
    first = mail(sender="Jane Doe <jane@customer.com>", subject="Cushion colours", message_id="q1@customer.com")
    mailbox.messages = [first.encode()]
    [opened] = fetch(mailbox.accounts["Support"])
    ticket = opened.reference_name
    site.get_doc({"doctype": "Email Queue", "message_id": "agent1@example-shop.com", "sender": "support@example-shop.com",
                  "communication": opened.name, "status": "Sent",
                  "recipients": [{"recipient": "jane@customer.com"}]}).insert(ignore_permissions=True)
    answer = mail(sender="Jane Doe <jane@customer.com>", to="sales@example-shop.com",
                  subject="Something else entirely", message_id="q2@customer.com", in_reply_to="agent1@example-shop.com")
    mailbox.messages = [answer.encode()]
    [stored] = fetch(mailbox.accounts["Sales"])
    stored.reload()
    assert (stored.reference_doctype, stored.reference_name) == ("HD Ticket", ticket)
    assert route_logs(site, stored.name) == []
    assert not site.get_all("CRM Lead", filters={"email": "jane@customer.com"})


def test_switchboard_settings_warn_when_another_apps_email_account_class_wins(site, settings, monkeypatch):
    from switchboard_frappe import email_account

    assert email_account.receives_whole_mail()
    real = site.get_hooks

    def hooks(hook=None, *args, **kwargs):
        out = real(hook, *args, **kwargs)
        if hook == "override_doctype_class":
            out = {**out, "Email Account": [*out.get("Email Account", []), "other_app.overrides.EmailAccount"]}
        return out

    monkeypatch.setattr(site, "get_hooks", hooks)
    assert not email_account.receives_whole_mail()
    site.local.message_log = []
    settings(route_incoming_email=1)
    assert any("other_app.overrides.EmailAccount" in str(m) for m in site.local.message_log)
