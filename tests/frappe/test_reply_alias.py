"""Replies to closed tickets and reply aliases on the real site: a reply to a closed ticket
opens a follow-up ticket linked to it (Helpdesk's ticket_split_from, and an Info Comment on
the closed one); the alias the customer wrote to is kept on the record, continues a lead
moved to Helpdesk, and picks the Email Account an agent's answer goes out from."""
from __future__ import annotations

import switchboard as sb
from switchboard.frappe import FrappeStore
from test_flows import mail, receive, shop  # noqa: F401 - the shop fixture


def test_a_reply_to_a_closed_ticket_opens_a_follow_up_linked_to_it(site, shop):  # noqa: F811
    first = receive(site, shop["Support"], mail(message_id="c1@customer.com"))
    closed = site.get_doc("HD Ticket", first.reference_name)
    assert closed.custom_reply_email_alias == "support@example-shop.com"
    closed.db_set("status", "Closed")
    reply = receive(site, shop["Support"], mail(subject="Re: Broken zipper", message_id="c2@customer.com",
                                                in_reply_to="c1@customer.com"))
    assert reply.reference_doctype == "HD Ticket" and reply.reference_name != closed.name
    follow_up = site.get_doc("HD Ticket", reply.reference_name)
    assert follow_up.ticket_split_from == str(closed.name)
    assert follow_up.custom_reply_email_alias == "support@example-shop.com"
    assert site.db.get_value("HD Ticket", closed.name, "status") == "Closed"
    notes = site.get_all("Comment", filters={"reference_doctype": "HD Ticket", "reference_name": closed.name,
                                             "comment_type": "Info"}, pluck="content")
    assert any(str(follow_up.name) in n for n in notes)
    # The next reply on the old thread continues the follow-up.
    again = receive(site, shop["Support"], mail(subject="Re: Broken zipper", message_id="c3@customer.com",
                                                in_reply_to="c2@customer.com"))
    assert again.reference_name == follow_up.name


def test_a_lead_moved_to_helpdesk_keeps_the_customers_mail_to_sales(site, shop):  # noqa: F811
    sale = receive(site, shop["Sales"], mail(sender="Sam Buyer <sam@buyer.org>", to="Sales+Spring@example-shop.com",
                                             subject="Bulk order", message_id="s1@buyer.org"))
    lead = site.get_doc("CRM Lead", sale.reference_name)
    assert lead.custom_reply_email_alias == "sales@example-shop.com"
    moved = sb.transfer_lead_to_ticket(FrappeStore(site), lead.name)
    ticket = site.get_doc("HD Ticket", moved["ticket_name"])
    assert ticket.custom_reply_email_alias == "sales@example-shop.com"
    # A new mail (no threading headers) from the same customer to the same alias.
    later = receive(site, shop["Sales"], mail(sender="Sam Buyer <sam@buyer.org>", to="sales@example-shop.com",
                                              subject="One more thing", message_id="s2@buyer.org"))
    assert (later.reference_doctype, later.reference_name) == ("HD Ticket", ticket.name)
    assert site.db.count("CRM Lead", {"email": "sam@buyer.org"}) == 0


def test_an_agents_answer_goes_out_from_the_records_alias(site, shop):  # noqa: F811
    shop["Sales"].db_set("enable_outgoing", 1)
    sale = receive(site, shop["Sales"], mail(sender="Sam Buyer <sam@buyer.org>", to="sales@example-shop.com",
                                             subject="Bulk order", message_id="o1@buyer.org"))
    assert sb.reply_from_address(FrappeStore(site), "CRM Lead", sale.reference_name) == "sales@example-shop.com"
    answer = site.get_doc({"doctype": "Communication", "communication_type": "Communication",
                           "communication_medium": "Email", "sent_or_received": "Sent",
                           "sender": "Administrator <admin@example.com>", "recipients": "sam@buyer.org",
                           "subject": "Re: Bulk order", "content": "Our offer",
                           "reference_doctype": "CRM Lead", "reference_name": sale.reference_name}).insert()
    assert answer.email_account == shop["Sales"].name
    # An account the sender chose stays.
    chosen = site.get_doc({"doctype": "Communication", "communication_type": "Communication",
                           "communication_medium": "Email", "sent_or_received": "Sent",
                           "sender": "admin@example.com", "recipients": "sam@buyer.org",
                           "subject": "Re: Bulk order", "content": "Also", "email_account": shop["Support"].name,
                           "reference_doctype": "CRM Lead", "reference_name": sale.reference_name}).insert()
    assert chosen.email_account == shop["Support"].name
