// Pure text rules: address normalization, names, subjects and automated-mail classification,
// as tables of inputs and outputs.
#include <doctest/doctest.h>

#include "email/email_internal.h"
#include "routing/routing_test_support.h"

using namespace switchboard;

TEST_CASE("email: addresses are normalized for every lookup") {
  struct Row {
    const char* raw;
    const char* address;
  };
  for (Row row : std::initializer_list<Row>{
           {"John.Doe@Example.COM", "john.doe@example.com"},
           {"  <Ann@X.org>  ", "ann@x.org"},
           {"\"ann@x.org\"", "ann@x.org"},
           {"'ann@x.org'", "ann@x.org"},
           {"Ann Lee <ann@X.org>", "ann@x.org"},
           {"mailto:ann@x.org", "ann@x.org"},
           {"ann@x.org.", "ann@x.org"},
           {"jörg@BÜCHER.de", "jörg@xn--bcher-kva.de"},   // non-ASCII local part kept
           {"jose@xn--bcher-kva.DE", "jose@xn--bcher-kva.de"},  // IDNA forms compare equal
           {"Support+Orders@ZipCushions.com", "support+orders@zipcushions.com"},
           {"not an address", ""},
           {"@x.org", ""},
           {"ann@", ""},
           {"a@b@c.d", ""},
           {"", ""}}) {
    CAPTURE(row.raw);
    CHECK(normalize_email(row.raw) == row.address);
  }
  CHECK(normalize_email("jose@bücher.de") == normalize_email("JOSE@xn--bcher-kva.de"));
  EmailAddress a = parse_email_address("Support+Orders@ZipCushions.com");
  CHECK(a.local == "support");
  CHECK(a.tag == "orders");
  CHECK(a.domain == "zipcushions.com");
  CHECK(a.base() == "support@zipcushions.com");
  CHECK(parse_email_address("support+orders@x.com", "").tag.empty());
  CHECK(parse_email_address("support-orders@x.com", "-").tag == "orders");
  CHECK(parse_email_address("+orders@x.com").local == "+orders");  // a leading '+' is no tag
}

TEST_CASE("email: address lists are parsed by GMime") {
  auto boxes = parse_address_list("\"Doe, John\" <john@x.com>, (comment) ann@y.org (Ann), Team: a@t.io, b@t.io;");
  REQUIRE(boxes.size() == 4);
  CHECK(boxes[0].name == "Doe, John");
  CHECK(boxes[0].address == "john@x.com");
  CHECK(boxes[1].address == "ann@y.org");
  CHECK(boxes[2].address == "a@t.io");  // group members flattened
  CHECK(boxes[3].address == "b@t.io");
  CHECK(parse_address_list("").empty());
  CHECK(parse_address_list("=?UTF-8?B?SsO8cmdlbg==?= <j@x.de>").at(0).name == "Jürgen");
}

TEST_CASE("email: display names") {
  struct Row {
    const char* name;
    const char* address;
    const char* clean;
  };
  for (Row row : std::initializer_list<Row>{
           {"John Doe", "john@x.com", "John Doe"},
           {"\"John Doe\"", "john@x.com", "John Doe"},
           {"Doe, John", "john@x.com", "John Doe"},
           {"Doe, John (Sales)", "john@x.com", "John Doe"},
           {"van Beethoven, Ludwig", "lvb@x.com", "Ludwig van Beethoven"},
           {"Acme, Inc.", "acme@x.com", "Acme, Inc."},
           {"Smith, Jr.", "js@x.com", "Smith, Jr."},
           {"john@x.com", "john@x.com", ""},
           {"JOHN@X.COM", "john@x.com", ""},
           {"someone@else.com", "john@x.com", ""},
           {"  ", "john@x.com", ""},
           {"Jürgen   Weiß", "jw@x.de", "Jürgen Weiß"}}) {
    CAPTURE(row.name);
    CHECK(clean_display_name(row.name, row.address) == row.clean);
  }
  CHECK(name_from_address("john.doe@x.com") == "John Doe");
  CHECK(name_from_address("mary_ann.o'neil@x.com") == "Mary Ann O'Neil");
  CHECK(name_from_address("JANE@x.com") == "Jane");
  CHECK(name_from_address("support+orders@x.com") == "Support");
  CHECK(name_from_address("élodie.dupré@x.fr") == "Élodie Dupré");
  CHECK(title_case("o'brien-smith 3rd") == "O'Brien-Smith 3Rd");  // exactly Python's str.title()
}

TEST_CASE("email: subject normalization strips reply and forward prefixes in many languages") {
  struct Row {
    const char* subject;
    const char* normalized;
  };
  for (Row row : std::initializer_list<Row>{
           {"Re: Order", "Order"},
           {"RE: RE: Re: Order", "Order"},
           {"RE[2]: Order", "Order"},
           {"Re*3: Order", "Order"},
           {"Re(2): Order", "Order"},
           {"AW: WG: Bestellung", "Bestellung"},
           {"SV: VS: Tilaus", "Tilaus"},
           {"Antw: Bestelling", "Bestelling"},
           {"Fwd: FW: Order", "Order"},
           {"TR: Commande", "Commande"},
           {"RIF: Ordine", "Ordine"},
           {"Odp: Zamówienie", "Zamówienie"},
           {"R: Ordine", "Ordine"},
           {"Re : Commande", "Commande"},
           {"回复：订单", "订单"},
           {"转发: 订单", "订单"},
           {"Отв: Заказ", "Заказ"},
           {"ΑΠ: Παραγγελία", "Παραγγελία"},
           {"[Fwd: Order]", "Order"},
           {"Order (fwd)", "Order"},
           {"[EXTERNAL] Re: Order", "Order"},
           {"OT: off topic", "OT: off topic"},
           {"Note: the order", "Note: the order"},
           {"00:11:22:33:44:55 MAC", "00:11:22:33:44:55 MAC"},
           {"Reply needed: order", "Reply needed: order"},
           {"Re:", ""},
           {"", ""},
           {"  Re:   spaced\t\tout  ", "spaced out"}}) {
    CAPTURE(row.subject);
    CHECK(normalize_subject(row.subject) == row.normalized);
  }
}

TEST_CASE("email: subject truncation counts Unicode characters, never bytes") {
  CHECK(truncate_subject("") == "(no subject)");
  CHECK(truncate_subject("   \t ") == "(no subject)");
  CHECK(truncate_subject("", 140, "-") == "-");
  std::string exact(140, 'a');
  CHECK(truncate_subject(exact) == exact);
  std::string long_ascii(200, 'a');
  CHECK(truncate_subject(long_ascii) == std::string(137, 'a') + "...");
  // 200 two-byte characters: 140 characters (277 bytes), not 140 bytes.
  std::string umlauts;
  for (int i = 0; i < 200; ++i) umlauts += "ü";
  std::string cut = truncate_subject(umlauts);
  std::string expected;
  for (int i = 0; i < 137; ++i) expected += "ü";
  CHECK(cut == expected + "...");
  // 4-byte emoji are never split.
  std::string emoji;
  for (int i = 0; i < 150; ++i) emoji += "🙏";
  std::string e = truncate_subject(emoji);
  CHECK(e.size() == 137 * 4 + 3);
  // A combining accent is not separated from its letter: "e" + U+0301 at the cut.
  std::string combining = std::string(136, 'x') + "e\xCC\x81" + std::string(10, 'y');
  CHECK(truncate_subject(combining) == std::string(136, 'x') + "...");
  CHECK(utf8_prefix("Grüße", 3) == "Grü");
}

TEST_CASE("email: automated mail is recognised by its headers") {
  auto with = [](std::vector<HeaderField> headers, std::string from = "ann@x.com", std::string subject = "Hi") {
    InboundEmail e;
    e.sender = std::move(from);
    e.subject = std::move(subject);
    e.headers = std::move(headers);
    return classify_mail(e);
  };
  CHECK(with({}) == MailKind::kHuman);
  CHECK(with({{"Auto-Submitted", "no"}}) == MailKind::kHuman);
  CHECK(with({{"Auto-Submitted", "auto-replied"}}) == MailKind::kAutoReply);
  CHECK(with({{"Auto-Submitted", "Auto-Generated"}}) == MailKind::kAutoReply);
  CHECK(with({{"Auto-Submitted", "auto-replied (zimbra; vacation)"}}) == MailKind::kOutOfOffice);
  CHECK(with({{"Auto-Submitted", "auto-replied; owner-email=\"ann@x.com\""}}) == MailKind::kOutOfOffice);
  CHECK(with({{"Auto-Submitted", "auto-notified"}}) == MailKind::kAutoReply);  // RFC 5436
  CHECK(with({{"Precedence", "bulk"}}) == MailKind::kMailingList);
  CHECK(with({{"Precedence", "list"}}) == MailKind::kMailingList);
  CHECK(with({{"Precedence", "junk"}}) == MailKind::kAutoReply);
  CHECK(with({{"Precedence", "auto_reply"}}) == MailKind::kAutoReply);
  CHECK(with({{"Precedence", "first-class"}}) == MailKind::kHuman);
  CHECK(with({{"X-Autoreply", "yes"}}) == MailKind::kAutoReply);
  CHECK(with({{"X-Autorespond", "vacation"}}) == MailKind::kAutoReply);
  CHECK(with({{"X-Loop", "support@x.com"}}) == MailKind::kAutoReply);
  CHECK(with({{"X-Auto-Response-Suppress", "All"}}) == MailKind::kAutoReply);
  CHECK(with({{"X-Auto-Response-Suppress", "DR, OOF, AutoReply"}}) == MailKind::kAutoReply);
  CHECK(with({{"X-Auto-Response-Suppress", "DR, RN, NRN"}}) == MailKind::kHuman);
  CHECK(with({{"X-Auto-Response-Suppress", "All"}, {"X-MS-Exchange-Inbox-Rules-Loop", "a@x.com"}}) ==
        MailKind::kOutOfOffice);
  CHECK(with({{"List-Id", "<news.x.com>"}}) == MailKind::kMailingList);
  CHECK(with({{"List-Unsubscribe", "<mailto:u@x.com>"}}) == MailKind::kMailingList);
  CHECK(with({}, "ann@x.com", "Automatic reply: Order") == MailKind::kOutOfOffice);
  CHECK(with({}, "ann@x.com", "Out of office chairs for our terrace") == MailKind::kHuman);
  CHECK(with({{"Return-Path", "<>"}}) == MailKind::kBounce);
  CHECK(with({{"Return-Path", "<ann@x.com>"}}) == MailKind::kHuman);
  CHECK(with({}, "MAILER-DAEMON@mx.example.com") == MailKind::kBounce);
  CHECK(with({}, "postmaster@example.com") == MailKind::kBounce);
  CHECK(with({{"Content-Type", "multipart/report; report-type=delivery-status; boundary=x"}}) ==
        MailKind::kBounce);
  CHECK(with({{"Content-Type", "multipart/report; report-type=disposition-notification"}}) ==
        MailKind::kHuman);
  CHECK(std::string(mail_kind_name(MailKind::kOutOfOffice)) == "out_of_office");
}

TEST_CASE("is_forward_subject: the first prefix decides") {
  using switchboard::email_detail::is_forward_subject;
  for (const char* s : {"Fwd: Faded covers", "FW: x", "WG: x", "TR: x", "RV: x", "Enc: x",
                        "[EXT] Fwd: x", "[Fwd: Faded covers]", "Faded covers (fwd)",
                        "Fwd[2]: x", "\xe8\xbd\xac\xe5\x8f\x91: x"})
    CHECK_MESSAGE(is_forward_subject(s), s);
  for (const char* s : {"Re: Fwd: x", "AW: x", "Faded covers", "Fwdx: y", "", "[EXT] Re: x",
                        "Forward planning"})
    CHECK_MESSAGE(!is_forward_subject(s), s);
}
