"""InboundEmail and the text helpers from Python: real MIME parsing (GMime), fields,
JSON, mbox, addresses, names, subjects and automated-mail classification."""
import json
import os

import pytest

import switchboard as sb

MAILBOX = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "routing",
                       "mailbox")


def raw(name: str) -> bytes:
    with open(os.path.join(MAILBOX, name), "rb") as f:
        return f.read()


def test_from_rfc822_decodes_headers_addresses_and_bodies():
    e = sb.InboundEmail.from_rfc822(raw("05-sales-inquiry-encoded-words.eml"), email_account="Sales")
    assert e.sender_full_name == "Jürgen Weiß"
    assert e.subject == "Anfrage: Gartenmöbel - Kissenbezüge für 12 Stühle"
    assert e.message_id == "20250306114500.1a2b3c@weiss-example.de"
    assert e.email_account == "Sales"
    assert "Kissenbezüge" in e.text_content
    folded = sb.InboundEmail.from_rfc822(raw("06-info-folded-address-list.eml"))
    assert folded.to == ["info@cozycornerpatios.com", "kim.lee@example.org", "pat@example.org"]
    assert folded.subject == "Catalogue request for our new office terrace"
    reply = sb.InboundEmail.from_rfc822(raw("04-apple-mail-reply-in-reply-to.eml"))
    assert reply.references[-1] == reply.in_reply_to == "CAH7x=mR2bQw9LkT4e@mail.gmail.com"
    assert reply.header("x-mailer").startswith("Apple Mail")
    assert reply.header("X-Missing") is None


def test_from_rfc822_accepts_bytes_like_and_rejects_headerless_input():
    data = raw("01-gmail-new-support-request.eml")
    assert sb.InboundEmail.from_rfc822(bytearray(data)).message_id == "CAH7x=mQ1f3kP0ZrN8w@mail.gmail.com"
    assert sb.InboundEmail.from_rfc822(memoryview(data)).sender == "Maria.Garcia@gmail.com"
    with pytest.raises(sb.ParseError):
        sb.InboundEmail.from_rfc822(b"")
    with pytest.raises(sb.ParseError):
        sb.InboundEmail.from_rfc822(b"no headers here at all")


def test_delivery_status_report():
    e = sb.InboundEmail.from_rfc822(raw("09-dsn-bounce.eml"))
    assert e.bounce.dsn and e.bounce.permanent
    assert e.bounce.final_recipient == "old.address@example.net"
    assert e.bounce.status == "5.1.1"
    assert e.bounce.original_message_id == "helpdesk-0003-b7@zipcushions.com"
    assert sb.classify_mail(e) == "bounce"


def test_synthetic_message_id_is_deterministic():
    a = sb.InboundEmail.from_rfc822(raw("15-no-message-id.eml"))
    b = sb.InboundEmail.from_rfc822(raw("15-no-message-id.eml"))
    assert a.synthetic_message_id and a.message_id == b.message_id
    assert a.message_id.startswith("sb-") and a.message_id.endswith("@example.in")
    f = sb.InboundEmail(sender="ann@x.com", subject="hi")
    assert sb.synthetic_message_id(f) == sb.synthetic_message_id(sb.InboundEmail(sender="ann@x.com", subject="hi"))


def test_keyword_fields_headers_and_json_round_trip():
    e = sb.InboundEmail(message_id="<m1@x.com>", sender="Ann <ann@x.com>", to="support@zipcushions.com",
                        cc=["a@b.c", "d@e.f"], references=["r1@x", "r2@x"],
                        headers={"Auto-Submitted": "auto-replied"}, email_account="Support")
    assert e.to == ["support@zipcushions.com"]
    assert e.headers == [("Auto-Submitted", "auto-replied")]
    e.headers = [("List-Id", "<x.list>"), ("Precedence", "bulk")]
    assert e.header("precedence") == "bulk"
    back = sb.InboundEmail.from_json(e.to_json())
    assert back.to_json() == e.to_json()
    assert json.loads(e.to_json())["cc"] == ["a@b.c", "d@e.f"]
    with pytest.raises(TypeError):
        sb.InboundEmail("positional")  # keyword-only
    with pytest.raises(sb.ParseError):
        sb.InboundEmail.from_json('{"sender": 1}')


def test_parse_mbox():
    mbox = b"".join(b"From someone@example.com Mon Mar  3 15:13:52 2025\n" + raw(n) + b"\n"
                    for n in ("01-gmail-new-support-request.eml", "07-plus-addressed-support.eml"))
    mails = sb.parse_mbox(mbox, email_account="Inbox")
    assert [m.message_id for m in mails] == ["CAH7x=mQ1f3kP0ZrN8w@mail.gmail.com", "5521.order.question@example.ie"]
    assert all(m.email_account == "Inbox" for m in mails)
    with pytest.raises(sb.ParseError):
        sb.parse_mbox(b"")


@pytest.mark.parametrize("raw_address,normalized", [
    ("John.Doe@Example.COM", "john.doe@example.com"),
    ("  <ann@X.org>. ", "ann@x.org"),
    ("Ann <ann@x.org>", "ann@x.org"),
    ("jose@BÜCHER.de", "jose@xn--bcher-kva.de"),
    ("nope", ""),
])
def test_normalize_email(raw_address, normalized):
    assert sb.normalize_email(raw_address) == normalized


def test_address_parts_and_lists():
    a = sb.parse_email_address("Support+Orders@ZipCushions.com")
    assert (a.local, a.tag, a.domain, a.base) == ("support", "orders", "zipcushions.com", "support@zipcushions.com")
    assert not sb.parse_email_address("nope")
    assert sb.parse_address_list('"Doe, John" <j@x.com>, ann@y.org') == [("Doe, John", "j@x.com"), ("", "ann@y.org")]


def test_names_and_subjects():
    assert sb.clean_display_name("Doe, John (Sales)", "j@x.com") == "John Doe"
    assert sb.clean_display_name("j@x.com", "j@x.com") == ""
    assert sb.name_from_address("mary_ann.o'neil@x.com") == "Mary Ann O'Neil"
    assert sb.title_case("élodie dupré") == "élodie dupré".title()
    assert sb.normalize_subject("RE[2]: AW: Fwd: Order") == "Order"
    assert sb.normalize_subject("OT: chairs") == "OT: chairs"
    assert sb.truncate_subject("") == "(no subject)"
    cut = sb.truncate_subject("ü" * 200)
    assert len(cut) == 140 and cut.endswith("...")  # characters, not bytes


@pytest.mark.parametrize("headers,kind", [
    ({}, "human"),
    ({"Auto-Submitted": "no"}, "human"),
    ({"Auto-Submitted": "auto-replied (zimbra; vacation)"}, "out_of_office"),
    ({"X-Autoreply": "yes"}, "auto_reply"),
    ({"List-Unsubscribe": "<mailto:u@x>"}, "mailing_list"),
    ({"Return-Path": "<>"}, "bounce"),
])
def test_classify_mail(headers, kind):
    assert sb.classify_mail(sb.InboundEmail(sender="ann@x.com", headers=headers)) == kind
