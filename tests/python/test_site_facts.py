"""Every service takes its site facts from its store's SiteConfig: a GB store keys
"020 7946 0958" as +442079460958 in routing, merging, transfers, call logging and
click-to-call with no region argument anywhere; a US store in the same process keeps its own
answers. On every backend."""
import json

import pytest

import switchboard as sb
from site_fixture import with_site

LONDON, KEY = "020 7946 0958", "+442079460958"


@pytest.fixture
def stores(make_store):
    """A GB and a US store of the test company, on the same backend."""
    return with_site(make_store(), region="GB"), make_store()


def mail(mid, sender, to):
    return sb.InboundEmail(message_id=mid, sender=sender, to=[to], subject="Hello", email_account="Support")


def test_stored_keys_and_routing(stores):
    gb, us = stores
    for store in stores:
        store.insert("CRM Lead", {"first_name": "Ann", "email": "ann@example.co.uk", "mobile_no": LONDON})
    keys = [s.find("CRM Lead", fields=["custom_mobile_no_key"])[0]["custom_mobile_no_key"] for s in stores]
    assert keys == [KEY, None]
    for store in stores:
        assert sb.Router(store).route(mail("m1@x", "ann@example.co.uk", "sales@zipcushions.com")).action == "link_lead"
    site = us.site
    site.support_aliases, site.company_domains = ["help@shop.example"], ["shop.example"]
    us.site = site
    assert sb.Router(gb).plan(mail("m2@x", "bob@y.org", "support@zipcushions.com")).reason == "support_alias"
    assert sb.Router(us).plan(mail("m2@x", "bob@y.org", "support@zipcushions.com")).reason == "new_customer"
    assert sb.Router(us).plan(mail("m3@x", "bob@y.org", "help@shop.example")).reason == "support_alias"


def test_merging(stores):
    gb, us = stores
    for store in stores:
        store.insert("CRM Lead", {"first_name": "Old", "mobile_no": "+44 20 7946 0958"})
        store.insert("CRM Lead", {"first_name": "New", "mobile_no": LONDON})
    assert len(sb.PhoneMerger(gb).find_duplicates("CRM Lead", LONDON)) == 2
    assert sb.PhoneMerger(us).find_duplicates("CRM Lead", LONDON) == []
    assert sb.PhoneMerger(gb).bulk_merge("CRM Lead").records_merged == 1
    assert sb.PhoneMerger(us).bulk_merge("CRM Lead").records_merged == 0


def test_transfers(stores):
    gb, us = stores
    for store in stores:
        lead = store.insert("CRM Lead", {"first_name": "Ann", "email": "ann@example.co.uk", "mobile_no": LONDON})
        r = sb.transfer_lead_to_ticket(store, lead)
        phones = store.find("Contact Phone", {"parent": r["contact"]}, fields=["custom_phone_key"])
        assert phones == ([{"custom_phone_key": KEY}] if store is gb else [])


def test_call_logging_and_click_to_call(stores):
    gb, us = stores
    ticket = gb.insert("HD Ticket", {"subject": "x", "contact_mobile": "+44 20 7946 0958"})
    body = json.dumps({"call_id": "c1", "direction": "Inbound", "from_number": LONDON,
                       "to_number": "+15559876543"})
    g = sb.CallLogger(gb).ingest(body)
    assert (g["customer_key"], g["ticket"]) == (KEY, ticket)
    assert not sb.CallLogger(us).ingest(body)["customer_key"]
    contact = gb.insert("Contact", {"full_name": "Ann Lee", "phone_nos": [{"phone": LONDON}]})
    log = sb.CallLogger(gb).create_manual_call_log(LONDON)
    assert gb.get("Helpdesk Call Log", log)["contact"] == contact
    with pytest.raises(sb.ValidationError):
        sb.CallLogger(us).create_manual_call_log(LONDON)
    assert sb.click_to_call(LONDON, gb.site)["e164"] == KEY
    with pytest.raises(sb.ValidationError):
        sb.click_to_call(LONDON, us.site)
