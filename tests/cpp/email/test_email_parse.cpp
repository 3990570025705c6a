// InboundEmail::from_rfc822 on the sample mailbox: GMime does headers, encoded words, address
// lists, References, charsets and delivery-status reports; nothing is parsed by hand.
#include <doctest/doctest.h>

#include "routing/routing_test_support.h"

using namespace switchboard;
using routing_test::read_file;
using routing_test::sample;

TEST_CASE("email: a Gmail message gives sender, recipients, ids, date and both bodies") {
  InboundEmail e = sample("01-gmail-new-support-request.eml");
  CHECK(e.sender == "Maria.Garcia@gmail.com");
  CHECK(e.sender_full_name == "María García");  // RFC 2047 Q-encoded UTF-8
  CHECK(e.to == std::vector<std::string>{"support@cozycornerpatios.com"});
  CHECK(e.delivered_to == std::vector<std::string>{"support@cozycornerpatios.com"});
  CHECK(e.message_id == "CAH7x=mQ1f3kP0ZrN8w@mail.gmail.com");  // no angle brackets
  CHECK_FALSE(e.synthetic_message_id);
  CHECK(e.subject == "Cushion covers faded after one month");
  CHECK(e.email_account == "Support");
  CHECK(e.sent_or_received == "Received");
  CHECK(e.date.size() == 19);
  CHECK(e.date.substr(0, 8) == "2025-03-");
  CHECK(e.text_content.find("Can you replace them?") != std::string::npos);
  CHECK(e.text_content.find("María") != std::string::npos);       // quoted-printable decoded
  CHECK(e.content.rfind("<div dir=\"ltr\">", 0) == 0);               // HTML preferred for content
  REQUIRE(e.header("received") != nullptr);                        // case-insensitive lookup
  CHECK(e.header("Received")->find("\n") == std::string::npos);    // unfolded
  CHECK(e.header("X-Not-There") == nullptr);
}

TEST_CASE("email: folded headers, quoted commas and comments in address lists") {
  InboundEmail e = sample("06-info-folded-address-list.eml");
  CHECK(e.subject == "Catalogue request for our new office terrace");  // three folded lines
  CHECK(e.sender == "anna.smith@example.org");
  CHECK(e.sender_full_name == "Smith, Anna");  // the comma stays inside the quoted name
  CHECK(e.to == std::vector<std::string>{"info@cozycornerpatios.com", "kim.lee@example.org",
                                         "pat@example.org"});
  CHECK(clean_display_name(e.sender_full_name, e.sender) == "Anna Smith");
}

TEST_CASE("email: References are split and unfolded, In-Reply-To keeps one id") {
  InboundEmail e = sample("04-apple-mail-reply-in-reply-to.eml");
  CHECK(e.in_reply_to == "CAH7x=mR2bQw9LkT4e@mail.gmail.com");
  CHECK(e.references == std::vector<std::string>{"CAH7x=mQ1f3kP0ZrN8w@mail.gmail.com",
                                                 "helpdesk-0001-a1@cozycornerpatios.com",
                                                 "CAH7x=mR2bQw9LkT4e@mail.gmail.com"});
  CHECK(e.cc == std::vector<std::string>{"maria.garcia@gmail.com"});
  CHECK(e.message_id == "8E1C2F3A-7B4D-4E9F-A1B2-C3D4E5F60789@gmail.com");  // "Message-Id" spelling
  // An Outlook Message-ID folded onto its own line.
  CHECK(sample("03-outlook-new-thread-last-first.eml").message_id ==
        "AM6PR05MB6152B3A9F0C1D2E3F4A5B6C7D8E9A0B1@AM6PR05MB6152.eurprd05.prod.outlook.com");
}

TEST_CASE("email: encoded words in several charsets, adjacent and folded") {
  InboundEmail e = sample("05-sales-inquiry-encoded-words.eml");
  CHECK(e.sender_full_name == "Jürgen Weiß");  // base64 UTF-8
  CHECK(e.subject == "Anfrage: Gartenmöbel - Kissenbezüge für 12 Stühle");  // ISO-8859-1 + UTF-8
  CHECK(e.text_content.find("Kissenbezüge für 12 Stühle") != std::string::npos);  // Latin-1 body
  InboundEmail jp = sample("23-iso-2022-jp.eml");
  CHECK(jp.sender_full_name == "山田 太郎");
  CHECK(jp.subject == "注文について");
  InboundEmail idn = sample("21-idn-domain-sender.eml");  // raw UTF-8 (SMTPUTF8) header
  CHECK(idn.sender_full_name == "José Bücher");
  CHECK(normalize_email(idn.sender) == "jose@xn--bcher-kva.example");
}

TEST_CASE("email: a delivery-status report gives the failed recipient and the original id") {
  InboundEmail e = sample("09-dsn-bounce.eml");
  CHECK(e.bounce.dsn);
  CHECK(e.bounce.original_message_id == "helpdesk-0003-b7@zipcushions.com");  // text/rfc822-headers
  CHECK(e.bounce.final_recipient == "old.address@example.net");
  CHECK(e.bounce.action == "failed");
  CHECK(e.bounce.status == "5.1.1");
  CHECK(e.bounce.permanent());
  CHECK(e.sender == "MAILER-DAEMON@mail.example.net");
  CHECK(classify_mail(e) == MailKind::kBounce);

  // A bounce carrying the whole original as message/rfc822.
  std::string raw =
      "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
      "To: sales@zipcushions.com\nSubject: Delivery Status Notification (Failure)\n"
      "Message-ID: <dsn-2@googlemail.com>\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=\"delivery-status\"; boundary=\"b1\"\n\n"
      "--b1\nContent-Type: text/plain\n\nAddress not found\n"
      "--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; googlemail.com\n\n"
      "Final-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 4.4.7 (delivery time expired)\n"
      "--b1\nContent-Type: message/rfc822\n\nFrom: sales@zipcushions.com\nTo: gone@example.com\n"
      "Message-ID: <lead-quote-17@zipcushions.com>\nSubject: Your quote\n\nHello\n--b1--\n";
  InboundEmail g = InboundEmail::from_rfc822(raw);
  CHECK(g.bounce.dsn);
  CHECK(g.bounce.original_message_id == "lead-quote-17@zipcushions.com");
  CHECK(g.bounce.final_recipient == "gone@example.com");
  CHECK(g.bounce.status == "4.4.7");
  CHECK_FALSE(g.bounce.permanent());
  CHECK(g.has_attachment);
}

TEST_CASE("email: a mail without Message-ID gets a deterministic synthetic one") {
  std::string raw = read_file(routing_test::data_dir() / "mailbox" / "15-no-message-id.eml");
  InboundEmail a = InboundEmail::from_rfc822(raw);
  InboundEmail b = InboundEmail::from_rfc822(raw);
  CHECK(a.synthetic_message_id);
  CHECK(a.message_id == b.message_id);  // re-delivery dedupes
  CHECK(a.message_id.rfind("sb-", 0) == 0);
  CHECK(a.message_id.size() == 3 + 32 + 1 + std::string("example.in").size());
  CHECK(a.message_id.substr(a.message_id.size() - 11) == "@example.in");
  CHECK(InboundEmail::from_rfc822(raw + "changed\n").message_id != a.message_id);
  // Built from fields: a hash of the fields, stable too.
  InboundEmail f = routing_test::mail("", "ann@x.com", {"support@zipcushions.com"});
  CHECK(synthetic_message_id(f) == synthetic_message_id(f));
  auto g = f;
  g.subject = "Other";
  CHECK(synthetic_message_id(g) != synthetic_message_id(f));
}

TEST_CASE("email: bytes without any header field are a ParseError, odd mail is not") {
  CHECK_THROWS_AS(InboundEmail::from_rfc822(""), ParseError);
  CHECK_THROWS_AS(InboundEmail::from_rfc822("just some words, no header at all"), ParseError);
  // Missing From, broken encoded word, bare LF, no body: parsed, not thrown.
  InboundEmail e = InboundEmail::from_rfc822("Subject: =?utf-8?q?broken\nTo: a@b.c\n");
  CHECK(e.sender.empty());
  CHECK(e.to == std::vector<std::string>{"a@b.c"});
  CHECK(e.synthetic_message_id);
  // Nul bytes and invalid UTF-8 in a header.
  std::string raw = std::string("From: x@y.z\nSubject: bad \xff\xfe bytes\nMessage-ID: <n@y.z>\n\nbo") +
                    std::string(1, '\0') + "dy\n";
  InboundEmail n = InboundEmail::from_rfc822(raw);
  CHECK(n.message_id == "n@y.z");
  CHECK(n.subject.find("bytes") != std::string::npos);
}

TEST_CASE("email: parse_mbox splits on From_ lines and keeps each mail's bytes") {
  std::string mbox;
  for (const char* f : {"01-gmail-new-support-request.eml", "05-sales-inquiry-encoded-words.eml",
                        "15-no-message-id.eml"}) {
    mbox += "From sender@example.com Mon Mar  3 15:13:52 2025\n";
    std::string body = read_file(routing_test::data_dir() / "mailbox" / f);
    // mboxrd: a body line starting with "From " is quoted.
    mbox += body + "\n";
  }
  auto mails = parse_mbox(mbox, "Inbox");
  REQUIRE(mails.size() == 3);
  CHECK(mails[0].message_id == "CAH7x=mQ1f3kP0ZrN8w@mail.gmail.com");
  CHECK(mails[1].sender_full_name == "Jürgen Weiß");
  CHECK(mails[2].synthetic_message_id);
  CHECK(mails[2].email_account == "Inbox");
  CHECK_THROWS_AS(parse_mbox(""), ParseError);
}

TEST_CASE("email: JSON round trip of every field") {
  InboundEmail e = sample("09-dsn-bounce.eml");
  e.communication = "c0ffee1234";
  InboundEmail back = InboundEmail::from_json(e.to_json());
  CHECK(back.to_json() == e.to_json());
  CHECK(back.bounce.status == "5.1.1");
  CHECK(back.headers == e.headers);
  InboundEmail h = InboundEmail::from_json(
      R"({"sender":"a@b.c","headers":{"Auto-Submitted":"auto-replied"},"to":"x@y.z","extra":1})");
  CHECK(h.to == std::vector<std::string>{"x@y.z"});
  REQUIRE(h.header("auto-submitted") != nullptr);
  CHECK_THROWS_AS(InboundEmail::from_json("{\"sender\": 5}"), ParseError);
  CHECK_THROWS_AS(InboundEmail::from_json("[1]"), ParseError);
  CHECK_THROWS_AS(InboundEmail::from_json("{not json"), ParseError);
}
