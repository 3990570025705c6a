"""Phone numbers from Python: keys, normalization, matching and click-to-call links."""
import json
import os

import pytest

import switchboard as sb

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "phone", "reference_cases.jsonl")
CASES = [json.loads(line) for line in open(DATA, encoding="utf-8") if line.strip()]
SITE_CASES = [json.loads(line) for line in open(DATA.replace("reference_cases", "site_cases"), encoding="utf-8")
              if line.strip()]


@pytest.mark.parametrize("case", SITE_CASES, ids=[f"{c['region']}{c['fallback_regions']}:{c['raw']!r}" for c in SITE_CASES])
def test_site_readings(case):
    site = sb.SiteConfig(region=case["region"], fallback_regions=case["fallback_regions"])
    assert sb.phone_key(case["raw"], site) == case["key"], case["note"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['region']}:{c['raw']!r}" for c in CASES])
def test_reference_formats(case):
    key = sb.phone_key(case["raw"], case["region"])
    phone = sb.normalize_phone(case["raw"], case["region"])
    assert key == case["key"], case.get("note")
    if case["key"] is None:
        assert phone is None or phone.key is None
        return
    assert phone.e164 == case["key"]
    assert phone.extension == case["ext"]
    assert phone.possible and phone.key == case["key"]
    if "valid" in case:
        assert phone.valid is case["valid"]


def test_normalize_phone_fields():
    p = sb.normalize_phone("+1 (555) 123-4567 x 89")
    assert (p.e164, p.extension, p.possible, p.valid, p.region) == ("+15551234567", "89", True, False, "US")
    assert p == sb.normalize_phone("555.123.4567 ext. 89", "US")
    assert "e164='+15551234567'" in repr(p)
    assert sb.normalize_phone("abc") is None
    assert sb.normalize_phone("12").key is None  # parsed, not possible
    assert sb.normalize_phone("253 0000").possible is False  # local only


def test_regions_are_arguments_never_a_process_setting():
    assert not hasattr(sb, "set_default_phone_region") and not hasattr(sb, "default_phone_region")
    assert sb.phone_key("98455 52671") == "+19845552671"  # region="US"
    assert sb.phone_key("98455 52671", "in") == "+919845552671"
    assert sb.phone_key("98455 52671", "US") == "+19845552671"
    with pytest.raises(sb.ValidationError) as e:
        sb.phone_key("555 123 4567", "XX")
    assert e.value.code == "invalid_argument"
    with pytest.raises(sb.ValidationError, match="a phone region is needed"):
        sb.phone_key("555 123 4567", "")


def test_a_site_keys_numbers_in_its_region_then_its_fallback_regions():
    gb, us = sb.SiteConfig(region="GB"), sb.SiteConfig(region="US")
    assert sb.phone_key("020 7946 0958", gb) == "+442079460958"
    assert sb.phone_key("020 7946 0958", site=us) is None
    assert sb.click_to_call("020 7946 0958", gb)["e164"] == "+442079460958"
    with pytest.raises(sb.ValidationError):
        sb.click_to_call("020 7946 0958", us)
    abroad = sb.SiteConfig(region="US", fallback_regions=["GB"])
    assert sb.phone_key("020 7946 0958", abroad) == "+442079460958"
    assert sb.phone_key("(650) 253-0000", abroad) == "+16502530000"


def test_digits_only_is_the_original_rule():
    assert sb.digits_only("+1 (555) 123-4567") == "15551234567"
    assert sb.digits_only("555.123.4567") == "5551234567"


@pytest.mark.parametrize("a,b,region,level", [
    ("+1 555-123-4567", "555.123.4567", "US", "EXACT"),
    ("+1 555-123-4567", "555.123.4567", "GB", "NSN"),
    ("+44 7700 900123", "07700 900123", "GB", "EXACT"),
    ("+64 3 331-6005 extn 1234", "+6433316005#1234", "US", "EXACT"),
    ("+1 650 253 0000", "253 0000", "US", "SHORT_NSN"),
    ("+1 555 123 4567 x 1", "+1 555 123 4567 x 2", "US", "NONE"),
    ("+1 555 123 4567 x 1", "555.123.4567", "US", "EXACT"),
    ("+91 9845552671", "+1 9845552671", "US", "NONE"),
    ("12", "12", "US", "NONE"),
    ("", "", "US", "NONE"),
    ("abc", "abc", "US", "NONE"),
])
def test_phone_match(a, b, region, level):
    assert sb.phone_match(a, b, region) is sb.PhoneMatch[level]


def test_extensions_count_only_when_both_sides_have_one():
    assert sb.phone_match("555-123-4567 ext. 89", "+15551234567") is sb.PhoneMatch.EXACT
    assert sb.phone_match("555-123-4567 ext. 89", "+15551234567",
                          extensions=sb.ExtensionMatch.STRICT) is sb.PhoneMatch.SHORT_NSN
    assert sb.same_line("+15551234567", "", "+15551234567", "89")
    assert not sb.same_line("+15551234567", "", "+15551234567", "89", sb.ExtensionMatch.STRICT)
    assert not sb.same_line("+15551234567", "90", "+15551234567", "89")
    assert sb.click_to_call("555-123-4567 ext. 89")["tel"] == "tel:+15551234567;ext=89"


@pytest.mark.parametrize("raw,fallbacks,key", [
    ("0044 20 7946 0958", [], "+442079460958"),
    ("00 44 20 7946 0958", [], "+442079460958"),
    ("001 415 555 0123", [], "+14155550123"),
    ("0011 44 20 7946 0958", [], "+442079460958"),
    ("020 7946 0123", [], None),
    ("020 7946 0123", ["GB", "DE"], "+442079460123"),
    ("030 5551234", ["GB", "DE"], "+49305551234"),
    ("(415) 555-0123", ["GB", "DE"], "+14155550123"),
    ("(555) 123-4567", ["GB"], "+15551234567"),
])
def test_a_us_site_reads_international_prefixes_and_fallback_regions(raw, fallbacks, key):
    site = sb.SiteConfig(region="US", fallback_regions=fallbacks)
    assert sb.phone_key(raw, site) == key
    assert sb.phone_keys([raw], site) == [key]


def test_phone_keys_is_phone_key_for_every_item():
    numbers = ["(555) 123-4567", None, "abc", "+44 20 7946 0958", "555.123.4567 x 9", "", "12"] * 3000
    assert sb.phone_keys(numbers) == [None if n is None else sb.phone_key(n) for n in numbers]
    assert sb.phone_keys(numbers, "GB") == [None if n is None else sb.phone_key(n, "GB") for n in numbers]
    assert sb.phone_keys(("98455 52671",), region="IN") == ["+919845552671"]
    assert sb.phone_keys([]) == []
    with pytest.raises(TypeError, match="item 1 is int"):
        sb.phone_keys(["555 123 4567", 5551234567])
    with pytest.raises(sb.ValidationError):
        sb.phone_keys(["555 123 4567"], "XX")
    with pytest.raises(sb.ValidationError):
        sb.phone_keys([], "")


def test_phone_keys_releases_the_gil():
    import threading
    numbers = ["+44 20 7946 %04d" % i for i in range(20000)]
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.0005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        before = len(ticks)
        sb.phone_keys(numbers, "GB")
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert during > 0  # the other thread ran while the keys were computed


def test_click_to_call():
    links = sb.click_to_call("(555) 123-4567")
    assert links == {
        "e164": "+15551234567",
        "extension": "",
        "desktop": "rcapp://r/call?number=15551234567",
        "web": "https://app.ringcentral.com/r/call?number=15551234567",
        "tel": "tel:+15551234567",
    }
    assert sb.click_to_call("+44 20 7946 0958 ext. 12")["tel"] == "tel:+442079460958;ext=12"
    for bad in ["", "abc", "12", "253 0000"]:
        with pytest.raises(sb.ValidationError):
            sb.click_to_call(bad)
    with pytest.raises(sb.ValidationError, match="area code"):
        sb.click_to_call("253 0000")


def test_stored_key_fields_are_documented_names():
    assert sb.keyed_doctypes() == ["CRM Lead", "CRM Deal", "Contact Phone", "HD Ticket",
                                   "CRM Call Log", "Helpdesk Call Log"]
    assert sb.phone_key_fields("HD Ticket") == [
        {"source": "contact_mobile", "key": "custom_contact_mobile_key",
         "extension": "custom_contact_mobile_ext"}]
    assert sb.phone_key_fields("Communication") == []
    assert sb.PHONE_KEY_VERSION_FIELD == "custom_phone_key_version"
    assert sb.PHONE_KEY_VERSION >= 1
    rules = sb.default_relink_rules("HD Ticket")
    assert {"doctype": "Helpdesk Call Log", "name_field": "ticket", "doctype_field": "",
            "dedupe": False} in rules
