"""Conversations that outlive their ticket or cross teams, on every store backend: replies to
resolved and closed tickets (reopen, a follow-up ticket linked to the closed one, or a new
one), later replies finding the follow-up, forward detection over the whole thread, and mail
to sales from a customer with an open ticket."""
import datetime

import pytest

import switchboard as sb

SUPPORT = "support@cozycornerpatios.com"
SALES = "sales@cozycornerpatios.com"
INFO = "info@zipcushions.com"
NOW = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)


def mail(mid, to, subject="Re: Faded covers", cc=(), in_reply_to="", references=()):
    return sb.InboundEmail(message_id=mid, sender="ann@x.com", to=list(to), cc=list(cc), subject=subject,
                           in_reply_to=in_reply_to, references=list(references), email_account="Support",
                           content="the body")


def ticket(store, status, closed_at=None, subject="Faded covers"):
    """A ticket of ann@x.com in `status` with our last mail (<final@ours>) on it."""
    name = store.insert("HD Ticket", {"subject": subject, "raised_by": "ann@x.com", "status": status})
    if closed_at:
        store.update("HD Ticket", name, {"resolution_date": closed_at})
    store.insert("Communication", {"message_id": "final@ours", "reference_doctype": "HD Ticket",
                                   "reference_name": name, "sent_or_received": "Sent", "sender": SUPPORT,
                                   "recipients": "ann@x.com", "subject": "Re: " + subject})
    return name


@pytest.fixture
def store(make_store):
    s = make_store()
    s.freeze_time(NOW)
    return s


def comments_on(store, name):
    return [c for c in store.find("Comment", {"reference_doctype": "HD Ticket", "reference_name": name})]


# ---- replies to closed records ---------------------------------------------------------------

def test_a_reply_to_a_closed_ticket_opens_a_follow_up_linked_to_it(store):
    closed = ticket(store, "Closed", "2025-03-08 10:00:00")
    r = sb.Router(store).route(mail("r1@x.com", [SUPPORT], in_reply_to="<final@ours>"))
    assert (r.action, r.reason, r.policy) == ("create_ticket", "follow_up", "closed_ticket=follow_up")
    assert r.name != closed and r.follow_up_of == closed
    assert store.get("HD Ticket", r.name)["ticket_split_from"] == closed       # on the follow-up
    assert any(r.name in (c.get("content") or "") for c in comments_on(store, closed))   # on the closed one
    assert store.get("HD Ticket", closed)["status"] == "Closed"
    assert store.get("Communication", r.communication)["reference_name"] == r.name


def test_a_reply_to_a_resolved_ticket_reopens_it_within_14_days_then_follows_up(store):
    recent = ticket(store, "Resolved", "2025-02-27 12:00:00")                  # 11 days ago
    r = sb.Router(store).route(mail("r1@x.com", [SUPPORT], in_reply_to="<final@ours>"))
    assert (r.action, r.name, r.reason, r.reopened) == ("link_ticket", recent, "reopened", True)
    assert r.policy == "resolved_ticket=reopen_within_days"
    assert store.get("HD Ticket", recent)["status"] == "Open"

    store.update("HD Ticket", recent, {"status": "Resolved", "resolution_date": "2025-02-20 12:00:00"})
    r = sb.Router(store).route(mail("r2@x.com", [SUPPORT], in_reply_to="<final@ours>"))   # 18 days
    assert (r.action, r.reason, r.follow_up_of) == ("create_ticket", "follow_up", recent)


def test_later_replies_in_the_thread_find_the_follow_up(store):
    closed = ticket(store, "Closed", "2025-03-01 10:00:00")
    router = sb.Router(store)
    first = router.route(mail("r1@x.com", [SUPPORT], in_reply_to="<final@ours>"))
    # The customer answers an old mail of the thread again: routing follows the link.
    again = router.route(mail("r2@x.com", [SUPPORT], in_reply_to="<final@ours>", references=["<final@ours>"]))
    assert (again.action, again.name, again.reason) == ("link_ticket", first.name, "follow_up")
    # The follow-up is closed in its turn: the next reply follows up on it, not on the first.
    store.update("HD Ticket", first.name, {"status": "Closed", "resolution_date": "2025-03-09 10:00:00"})
    third = router.route(mail("r3@x.com", [SUPPORT], in_reply_to="<final@ours>"))
    assert (third.action, third.follow_up_of) == ("create_ticket", first.name)
    assert store.get("HD Ticket", third.name)["ticket_split_from"] == first.name
    assert len([t for t in store.find("HD Ticket", {"raised_by": "ann@x.com"})]) == 3


def test_new_ticket_policy_opens_an_unlinked_ticket(store):
    closed = ticket(store, "Closed", "2025-03-08 10:00:00")
    r = sb.Router(store, sb.RoutingRules(closed_ticket="new_ticket")).route(
        mail("r1@x.com", [SUPPORT], in_reply_to="<final@ours>"))
    assert (r.action, r.reason, r.follow_up_of) == ("create_ticket", "closed_ticket", "")
    assert not store.get("HD Ticket", r.name).get("ticket_split_from")
    assert comments_on(store, closed) == []


def test_closed_ticket_rules_validate_and_round_trip():
    k = sb.RoutingRules()
    assert (k.closed_ticket, k.resolved_ticket, k.closed_ticket_days) == ("follow_up", "reopen_within_days", 14)
    assert k.sales_alias_open_ticket == "link_if_about_ticket"
    assert k.mixed_aliases == "to_before_cc"
    assert sb.RoutingRules(mixed_aliases="support_wins").mixed_aliases == "support_wins"
    with pytest.raises(sb.ParseError):
        sb.RoutingRules.from_json('{"mixed_aliases": "sales_wins"}')
    j = sb.RoutingRules.from_json('{"closed_ticket": "reopen", "resolved_ticket": "follow_up"}')
    assert (j.closed_ticket, j.resolved_ticket) == ("reopen", "follow_up")
    with pytest.raises(sb.ValidationError):
        sb.RoutingRules(resolved_ticket="sometimes")
    with pytest.raises(sb.ParseError):
        sb.RoutingRules.from_json('{"sales_alias_open_ticket": "always"}')


# ---- forwards over the whole thread ----------------------------------------------------------

def test_an_alias_seen_earlier_in_the_thread_is_no_forward(store):
    """The first mail went to support@ with sales@ in Cc; the customer's next mail goes To
    sales@ (Cc support@): the same conversation, not a forward to sales."""
    t = store.insert("HD Ticket", {"subject": "Faded covers", "raised_by": "ann@x.com", "status": "Open"})
    store.insert("Communication", {"message_id": "first@x.com", "reference_doctype": "HD Ticket", "reference_name": t,
                                   "sent_or_received": "Received", "sender": "ann@x.com", "recipients": SUPPORT,
                                   "cc": SALES, "subject": "Faded covers"})
    store.insert("Communication", {"message_id": "answer@ours", "reference_doctype": "HD Ticket", "reference_name": t,
                                   "sent_or_received": "Sent", "sender": SUPPORT, "recipients": "ann@x.com",
                                   "subject": "Re: Faded covers"})
    r = sb.Router(store).plan(mail("r1@x.com", [SALES], cc=[SUPPORT], in_reply_to="<answer@ours>",
                                   references=["<first@x.com>", "<answer@ours>"]))
    assert (r.action, r.name, r.reason) == ("link_ticket", t, "in_reply_to")
    # A forward prefix hands the conversation to sales, whoever was copied in before.
    handed = sb.Router(store).plan(mail("h1@x.com", [SALES], subject="Fwd: Faded covers", in_reply_to="<answer@ours>",
                                        references=["<first@x.com>", "<answer@ours>"]))
    assert (handed.action, handed.reason) == ("create_lead", "forwarded")
    # Without the earlier mail in the thread, the same mail is a forward to sales.
    fwd = sb.Router(store).plan(mail("f1@x.com", [SALES], subject="Fwd: Faded covers", in_reply_to="<answer@ours>"))
    assert (fwd.action, fwd.reason) == ("create_lead", "forwarded")


def test_an_alias_only_in_cc_is_never_a_forward(store):
    t = ticket(store, "Open")
    r = sb.Router(store).plan(mail("r1@x.com", [SUPPORT], cc=[SALES], in_reply_to="<final@ours>"))
    assert (r.action, r.name) == ("link_ticket", t)


# ---- intent over recency ---------------------------------------------------------------------

def test_a_new_mail_to_sales_from_a_customer_with_an_open_ticket_gets_a_lead(store):
    t = ticket(store, "Open")
    router = sb.Router(store)
    for to in (SALES, INFO):
        r = router.plan(mail("n1@x.com", [to], subject="Quote for a second set"))
        assert (r.action, r.reason) == ("create_lead", "sales_alias"), to
    # Unless the subject says it is about the ticket.
    assert router.plan(mail("n2@x.com", [SALES], subject="RE: faded covers")).name == t
    assert router.plan(mail("n3@x.com", [SALES], subject=f"About ticket #{t}")).name == t
    # The original scripts' level 3 stays available.
    old = sb.Router(store, sb.RoutingRules(sales_alias_open_ticket="sender_recency"))
    assert old.plan(mail("n4@x.com", [SALES], subject="Quote for a second set")).name == t


# ---- replies without threading headers -------------------------------------------------------

def test_a_reply_without_headers_finds_its_ticket_by_subject(store):
    """'Re: <subject>' without In-Reply-To/References: the sender's ticket with that subject,
    not their newest open one; closed, it gets the closed-ticket policy."""
    mine = ticket(store, "Open", subject="Faded covers")
    store.insert("HD Ticket", {"subject": "Invoice address", "raised_by": "ann@x.com", "status": "Open"})
    r = sb.Router(store).plan(mail("r1@x.com", [SUPPORT], subject="AW: Faded covers"))
    assert (r.action, r.name, r.reason) == ("link_ticket", mine, "subject")
    store.update("HD Ticket", mine, {"status": "Closed", "resolution_date": "2025-03-01 10:00:00"})
    r = sb.Router(store).plan(mail("r2@x.com", [SUPPORT], subject="Re: Faded covers"))
    assert (r.action, r.reason, r.follow_up_of) == ("create_ticket", "follow_up", mine)
    # Not for a subject without a reply prefix, nor for a forward.
    assert sb.Router(store).plan(mail("n1@x.com", [SUPPORT], subject="Faded covers")).reason != "follow_up"
    assert sb.Router(store).plan(mail("n2@x.com", [SUPPORT], subject="Fwd: Faded covers")).reason != "follow_up"


def test_a_forwarded_ticket_to_sales_is_a_new_matter(store):
    t = ticket(store, "Open")
    r = sb.Router(store).plan(mail("f1@x.com", [SALES], subject="Fwd: Faded covers"))
    assert r.action == "create_lead"
    assert sb.Router(store).plan(mail("f2@x.com", [SALES], subject="Re: Faded covers")).name == t
