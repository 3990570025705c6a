"""Brands and reply aliases on every store backend: the alias a customer wrote to is kept on
the record, continues transferred leads and tickets without threading headers, never carries a
customer across brands, survives Switchboard Settings, and picks the outgoing address."""
import datetime

import pytest

import switchboard as sb

NOW = datetime.datetime(2025, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)
SUPPORT = "support@cozycornerpatios.com"
SALES = "sales@cozycornerpatios.com"


def mail(mid, to, sender="ann@x.com", subject="Hello", in_reply_to=""):
    return sb.InboundEmail(message_id=mid, sender=sender, to=[to], subject=subject, in_reply_to=in_reply_to,
                           email_account="Support", content="the body")


def brands():
    return [sb.Brand(name="Acme", domains=["acme.test"], support_aliases=["support@acme.test"],
                     sales_aliases=["sales@acme.test"]),
            {"name": "Bolt", "domains": ["bolt.test"], "support_aliases": ["support@bolt.test"],
             "sales_aliases": ["sales@bolt.test"], "reply_from": "hello@bolt.test"}]


@pytest.fixture
def store(make_store):
    s = make_store()
    s.freeze_time(NOW)
    return s


@pytest.fixture
def branded(make_store):
    s = make_store()
    s.site = sb.SiteConfig(brands=brands())
    s.freeze_time(NOW)
    return s


def test_brands_are_site_facts_kept_in_switchboard_settings():
    store = sb.MemoryStore()
    store.site = sb.SiteConfig(region="GB", support_aliases=["help@main.test"], brands=brands())
    store.save_site()
    assert sb.load_site_config(store) == store.site
    site = sb.load_site_config(store)
    assert [b.name for b in site.brands] == ["Acme", "Bolt"]
    assert site.brands[1].reply_from == "hello@bolt.test"
    assert site.all_support_aliases() == ["help@main.test", "support@acme.test", "support@bolt.test"]
    assert site.brand_of("Sales+x@Bolt.test").name == "Bolt"
    assert site.brand_of("help@main.test") is None
    assert site.to_dict()["brands"][0]["name"] == "Acme"
    with pytest.raises(sb.ValidationError):
        sb.SiteConfig(brands=[{"name": "A", "support_aliases": ["x@a.test"]}, {"name": "B", "sales_aliases": ["X@a.test"]}])
    with pytest.raises(sb.ValidationError):
        sb.Brand(name="A", colour="red")


def test_new_records_keep_the_alias_and_agents_answer_from_it(store):
    router = sb.Router(store)
    t = router.route(mail("m1@x.com", "Support+Orders@cozycornerpatios.com"))
    assert (t.action, t.reply_alias) == ("create_ticket", SUPPORT)
    assert store.get("HD Ticket", t.name)["custom_reply_email_alias"] == SUPPORT
    assert sb.reply_from_address(store, "HD Ticket", t.name) == SUPPORT
    lead = router.route(mail("m2@x.com", SALES, sender="bob@x.com"))
    assert sb.reply_from_address(store, "CRM Lead", lead.name) == SALES


@pytest.mark.parametrize("direction", ["lead_to_ticket", "ticket_to_lead"])
def test_transferred_records_keep_the_conversation(store, direction):
    router = sb.Router(store)
    alias = SALES if direction == "lead_to_ticket" else SUPPORT
    first = router.route(mail("first@x.com", alias, subject="About my order"))
    store.insert("Communication", {"message_id": "ours@cozycornerpatios.com", "reference_doctype": first.doctype,
                                   "reference_name": first.name, "sent_or_received": "Sent", "sender": alias,
                                   "recipients": "ann@x.com", "subject": "Re: About my order",
                                   "communication_medium": "Email"})
    if direction == "lead_to_ticket":
        moved = sb.transfer_lead_to_ticket(store, first.name)
        new = ("HD Ticket", moved["ticket_name"])
    else:
        moved = sb.transfer_ticket_to_lead(store, first.name)
        new = ("CRM Lead", moved["lead_name"])
    assert store.get(*new)["custom_reply_email_alias"] == alias
    by_headers = router.route(mail("r1@x.com", alias, subject="Re: About my order",
                                   in_reply_to="ours@cozycornerpatios.com"))
    assert (by_headers.doctype, by_headers.name) == new
    by_alias = router.route(mail("r2@x.com", alias, subject="Something else"))
    assert (by_alias.doctype, by_alias.name, by_alias.reason) == (*new, "reply_alias")


def test_brands_keep_customers_apart_unless_headers_thread(branded):
    router = sb.Router(branded)
    a = router.route(mail("a1@x.com", "support@acme.test", subject="Broken"))
    b = router.route(mail("b1@x.com", "support@bolt.test", subject="Re: Broken"))
    assert b.action == "create_ticket" and b.name != a.name
    assert router.plan(mail("a2@x.com", "support@acme.test")).name == a.name
    assert router.plan(mail("b2@x.com", "support@bolt.test")).name == b.name
    assert router.plan(mail("x1@x.com", "support@bolt.test", in_reply_to="a1@x.com")).name == a.name
    other = branded.insert("HD Ticket", {"subject": "S", "raised_by": "cy@x.com"})
    branded.insert("Communication", {"reference_doctype": "HD Ticket", "reference_name": other,
                                     "sent_or_received": "Received", "recipients": "orders@bolt.test",
                                     "communication_medium": "Email", "subject": "Hi"})
    assert sb.reply_from_address(branded, "HD Ticket", other) == "hello@bolt.test"
