"""Across issues: after a lead <-> ticket transfer, a reply to any transferred email is routed
to the new record (the router treats the newest Communication carrying a Message-ID as the
owner of its thread, and transfers copy message ids onto strictly newer copies)."""
import pytest

import switchboard as sb


def mail(message_id, subject, to, in_reply_to=None, references=()):
    headers = [
        "From: Jane Doe <jane@customer.example>",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: <{message_id}>",
        "Date: Tue, 24 Nov 2026 10:00:00 +0000",
    ]
    if in_reply_to:
        headers.append(f"In-Reply-To: <{in_reply_to}>")
    if references:
        headers.append("References: " + " ".join(f"<{r}>" for r in references))
    raw = "\r\n".join(headers) + "\r\n\r\nHello\r\n"
    return sb.InboundEmail.from_rfc822(raw.encode(), email_account="Sales")


@pytest.mark.parametrize("delete_source", [True, False])
def test_a_reply_after_lead_to_ticket_lands_on_the_new_ticket(make_store, delete_source):
    store = make_store()
    router = sb.Router(store)
    first = router.route(mail("m1@customer.example", "Quote for a patio set", "sales@cozycornerpatios.com"))
    assert first.action == "create_lead"
    second = router.route(mail("m2@customer.example", "Re: Quote for a patio set",
                               "sales@cozycornerpatios.com", in_reply_to="m1@customer.example"))
    assert (second.action, second.name) == ("link_lead", first.name)

    moved = sb.transfer_lead_to_ticket(store, first.name, delete_source=delete_source)
    assert moved["success"] and moved["transferred_count"] == 2
    ticket = moved["ticket_name"]

    # A reply to either transferred email, by In-Reply-To or only by References.
    by_reply = router.route(mail("m3@customer.example", "Re: Quote for a patio set",
                                 "sales@cozycornerpatios.com", in_reply_to="m2@customer.example"))
    assert (by_reply.action, by_reply.doctype, by_reply.name) == ("link_ticket", "HD Ticket", ticket)
    by_refs = router.route(mail("m4@customer.example", "Re: Quote", "sales@cozycornerpatios.com",
                                references=["m1@customer.example"]))
    assert (by_refs.action, by_refs.name) == ("link_ticket", ticket)


def test_a_reply_after_ticket_to_lead_lands_on_the_new_lead(make_store):
    store = make_store()
    router = sb.Router(store)
    opened = router.route(mail("t1@customer.example", "My order is late", "support@cozycornerpatios.com"))
    assert opened.action == "create_ticket"
    moved = sb.transfer_ticket_to_lead(store, opened.name, delete_source=False)
    reply = router.route(mail("t2@customer.example", "Re: My order is late",
                              "support@cozycornerpatios.com", in_reply_to="t1@customer.example"))
    assert (reply.action, reply.doctype, reply.name) == ("link_lead", "CRM Lead", moved["lead_name"])
