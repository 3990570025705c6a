// Lead <-> ticket transfers: what they create, copy and delete, and that they are atomic.
#include <doctest/doctest.h>

#include <set>

#include "conversations/fixtures.h"
#include "test_support.h"

using namespace switchboard;
using namespace conv_fixtures;

namespace {

std::vector<Document> comms_on(Store& s, const std::string& doctype, const std::string& name) {
  return s.find("Communication", Query{Filter("reference_doctype", Value(doctype)),
                                       Filter("reference_name", Value(name))}
                                     .order("creation, name"));
}

// The Communication the router will treat as the owner of a Message-ID.
std::string owner_of(Store& s, const std::string& message_id) {
  auto row =
      s.find_one("Communication",
                 Query{Filter("message_id", Value(message_id))}.order("creation desc, name desc"));
  return row ? row->name() : std::string();
}

TransferOptions keep_source(std::optional<std::vector<std::string>> ids = std::nullopt) {
  TransferOptions o;
  o.delete_source = false;
  o.communication_ids = std::move(ids);
  return o;
}

}  // namespace

TEST_CASE_TEMPLATE("transfer: a lead moves to a new ticket with all its emails", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = lead_with_thread(*s, 4, 2);
  TransferResult r = transfer_lead_to_ticket(*s, t.record);
  CHECK(r.success);
  CHECK(r.doctype == "HD Ticket");
  CHECK(r.transferred_count == 4);
  CHECK(r.source_deleted);
  CHECK(r.customer_email == "jane@example.com");

  auto ticket = *s->get("HD Ticket", r.name);
  CHECK(ticket.text("subject") == "Re: Order status 3");  // the latest email's subject
  CHECK(ticket.text("raised_by") == "jane@example.com");
  CHECK(ticket.text("contact") == r.contact);
  CHECK(ticket.text("contact_number") == "(555) 123-4567");
  CHECK(ticket.text("email_account") == "Sales");

  // The Contact, created from the lead: names, email and phone rows.
  auto contact = *s->get("Contact", r.contact);
  CHECK(contact.text("first_name") == "Jane");
  CHECK(contact.text("last_name") == "Doe");
  CHECK(contact.text("email_id") == "jane@example.com");
  CHECK(s->count("Contact Email", {Filter("parent", Value(r.contact))}) == 1);
  CHECK(s->count("Contact Phone", {Filter("parent", Value(r.contact))}) == 1);

  // Copies on the ticket, in thread order, replies pointing at copies, files attached.
  auto copies = comms_on(*s, "HD Ticket", r.name);
  REQUIRE(copies.size() == 4);
  REQUIRE(r.copies.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(copies[i].name() == r.copies[i].second);
    CHECK(r.copies[i].first == t.comms[i]);
    CHECK(copies[i].text("message_id") == "msg-" + std::to_string(i) + "@mail.example.com");
    CHECK(copies[i].text("status") == "Linked");
    CHECK(copies[i].text("custom_channel") == "web");  // custom fields travel too
    CHECK(copies[i].text("bcc") == "archive@zipcushions.com");
    CHECK(copies[i].text("sent_or_received") == (i % 2 ? "Sent" : "Received"));
    CHECK(copies[i].text("communication_date") == "2025-12-01 10:00:00.00000" + std::to_string(i));
    if (i > 0) CHECK(copies[i].text("in_reply_to") == copies[i - 1].name());
    CHECK(s->count("File", {Filter("attached_to_name", Value(copies[i].name()))}) ==
          (i % 2 ? 0 : 2));
    CHECK(owner_of(*s, copies[i].text("message_id")) == copies[i].name());
  }
  // The source is gone, with the originals and their File rows; each Message-ID exists once.
  CHECK_FALSE(s->exists("CRM Lead", t.record));
  for (const auto& c : t.comms) CHECK_FALSE(s->exists("Communication", c));
  CHECK(s->count("Communication") == 4);
  CHECK(s->count("File") == 4);
  // The transfer note.
  auto notes = s->find("Comment", Query{Filter("reference_doctype", "HD Ticket"),
                                        Filter("reference_name", Value(r.name))});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].text("comment_type") == "Comment");
  CHECK(notes[0].text("content") == r.note);
  CHECK(r.note.find("CRM Lead " + t.record) != std::string::npos);
  CHECK(r.note.find("4 emails") != std::string::npos);
  CHECK(r.note.find("deleted") != std::string::npos);
}

TEST_CASE_TEMPLATE("transfer: only the selected emails move; a kept source stays intact", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = lead_with_thread(*s, 5, 1);
  // Selected out of order and with a repeat: copied once each, oldest first.
  TransferResult r =
      transfer_lead_to_ticket(*s, t.record, keep_source({{t.comms[3], t.comms[1], t.comms[3]}}));
  CHECK(r.transferred_count == 2);
  CHECK(s->get("HD Ticket", r.name)->text("subject") == "Re: Order status 3");
  auto copies = comms_on(*s, "HD Ticket", r.name);
  REQUIRE(copies.size() == 2);
  CHECK(copies[0].text("message_id") == "msg-1@mail.example.com");
  CHECK(copies[1].text("message_id") == "msg-3@mail.example.com");
  // msg-3 replied to msg-2, which was not copied: the copy keeps pointing at the original.
  CHECK(copies[1].text("in_reply_to") == t.comms[2]);

  // Source kept: its emails, files and fields untouched, plus a note saying where they went.
  REQUIRE(s->exists("CRM Lead", t.record));
  auto originals = comms_on(*s, "CRM Lead", t.record);
  REQUIRE(originals.size() == 5);
  for (const auto& o : originals) CHECK(o.text("status") == "Open");
  CHECK(s->count("File", {Filter("attached_to_name", Value(t.comms[1]))}) == 2);
  auto source_note = s->find("Comment", Query{Filter("reference_name", Value(t.record))});
  REQUIRE(source_note.size() == 1);
  CHECK(source_note[0].text("content").find("HD Ticket " + r.name) != std::string::npos);

  // Two rows now carry msg-1 and msg-3; under a frozen clock the copies are still newer.
  CHECK(s->count("Communication", {Filter("message_id", "msg-1@mail.example.com")}) == 2);
  CHECK(owner_of(*s, "msg-1@mail.example.com") == copies[0].name());
  CHECK(owner_of(*s, "msg-3@mail.example.com") == copies[1].name());
  CHECK(owner_of(*s, "msg-2@mail.example.com") == t.comms[2]);
}

TEST_CASE_TEMPLATE("transfer: an empty selection moves the record without emails", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  Thread t = lead_with_thread(*s, 2, 0);
  TransferOptions o;
  o.communication_ids = std::vector<std::string>{};
  TransferResult r = transfer_lead_to_ticket(*s, t.record, o);
  CHECK(r.transferred_count == 0);
  CHECK(s->get("HD Ticket", r.name)->text("subject") == "Transferred from CRM Lead " + t.record);
  // The lead's emails were not transferred: unlinked, as Frappe's delete_doc does, not lost.
  for (const auto& c : t.comms) {
    auto doc = s->get("Communication", c);
    REQUIRE(doc);
    CHECK(doc->get("reference_doctype").is_null());
    CHECK(doc->get("reference_name").is_null());
  }
}

TEST_CASE_TEMPLATE("transfer: deleting the source cleans up around it", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = lead_with_thread(*s, 3, 0);
  // Around the lead: a comment, an attached file, a timeline link from a foreign mail.
  s->insert(
      "Comment",
      {{"reference_doctype", "CRM Lead"}, {"reference_name", t.record}, {"content", "called her"}});
  s->insert("File", {{"file_name", "quote.pdf"},
                     {"attached_to_doctype", "CRM Lead"},
                     {"attached_to_name", t.record}});
  std::string foreign = s->insert("Communication", {{"subject", "fwd"},
                                                    {"reference_doctype", "CRM Deal"},
                                                    {"reference_name", "CRM-DEAL-1"},
                                                    {"in_reply_to", t.comms[0]}});
  s->insert("Communication Link", {{"parent", foreign},
                                   {"parenttype", "Communication"},
                                   {"parentfield", "timeline_links"},
                                   {"link_doctype", "CRM Lead"},
                                   {"link_name", t.record}});
  TransferResult r = transfer_lead_to_ticket(*s, t.record, TransferOptions{{{t.comms[0]}}});
  REQUIRE(r.copies.size() == 1);
  CHECK_FALSE(s->exists("CRM Lead", t.record));
  CHECK_FALSE(s->exists("Communication", t.comms[0]));
  CHECK(s->count("Comment", {Filter("reference_name", Value(t.record))}) == 0);
  CHECK(s->count("File", {Filter("attached_to_name", Value(t.record))}) == 0);
  CHECK(s->count("Communication Link", {Filter("link_name", Value(t.record))}) == 0);
  // A mail that replied to a deleted original now replies to its copy.
  CHECK(s->get("Communication", foreign)->text("in_reply_to") == r.copies[0].second);
  // The emails that were not selected stay, unlinked.
  for (std::size_t i = 1; i < t.comms.size(); ++i) {
    auto doc = s->get("Communication", t.comms[i]);
    REQUIRE(doc);
    CHECK(doc->get("reference_name").is_null());
    CHECK(doc->text("message_id") == "msg-" + std::to_string(i) + "@mail.example.com");
  }
}

TEST_CASE_TEMPLATE("transfer: the Contact is found by email in any case, or by phone key", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  SUBCASE("by email, another spelling") {
    std::string existing = s->insert(
        "Contact", {{"first_name", "J."}, {"full_name", "J."}},
        {{"email_ids", {Document{{"email_id", " JANE@example.COM "}, {"is_primary", 1}}}}});
    Thread t = lead_with_thread(*s, 1, 0);
    TransferResult r = transfer_lead_to_ticket(*s, t.record);
    CHECK(r.contact == existing);
    CHECK(s->count("Contact") == 1);
    // The phone the lead had is added to the Contact; the email is not duplicated.
    CHECK(s->count("Contact Email", {Filter("parent", Value(existing))}) == 1);
    auto phones = s->find("Contact Phone", Query{Filter("parent", Value(existing))});
    REQUIRE(phones.size() == 1);
    CHECK(phones[0].text("phone") == "(555) 123-4567");
    CHECK(phones[0].integer("is_primary_mobile_no") == 1);
    CHECK(s->get("Contact", existing)->text("first_name") == "J.");  // names are not overwritten
  }
  SUBCASE("by phone key, another format") {
    std::string existing = s->insert(
        "Contact", {{"first_name", "Jane"}, {"full_name", "Jane"}},
        {{"phone_nos", {Document{{"phone", "+1 555-123-4567"}, {"is_primary_mobile_no", 1}}}}});
    Thread t = lead_with_thread(*s, 1, 0);
    TransferResult r = transfer_lead_to_ticket(*s, t.record);
    CHECK(r.contact == existing);
    CHECK(s->count("Contact") == 1);
    CHECK(s->count("Contact Phone", {Filter("parent", Value(existing))}) == 1);
    auto emails = s->find("Contact Email", Query{Filter("parent", Value(existing))});
    REQUIRE(emails.size() == 1);
    CHECK(emails[0].text("email_id") == "jane@example.com");
    CHECK(s->get("Contact", existing)->text("email_id") == "jane@example.com");
  }
  SUBCASE("a different number is another person") {
    s->insert("Contact", {{"first_name", "Bob"}, {"full_name", "Bob"}},
              {{"phone_nos", {Document{{"phone", "+1 555 999 4567"}}}}});
    Thread t = lead_with_thread(*s, 1, 0);
    TransferResult r = transfer_lead_to_ticket(*s, t.record);
    CHECK(s->count("Contact") == 2);
    CHECK(r.contact == "Jane Doe");
  }
}

TEST_CASE_TEMPLATE("transfer: an internal address on the lead is skipped for the customer's", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  std::string lead =
      s->insert("CRM Lead", {{"first_name", "Jane"}, {"email", "rep@zipcushions.com"}});
  add_thread(*s, "CRM Lead", lead, 2, 0, "Jane.Roe@Customer.org");
  TransferResult r = transfer_lead_to_ticket(*s, lead);
  CHECK(r.customer_email == "jane.roe@customer.org");
  CHECK(s->get("HD Ticket", r.name)->text("raised_by") == "jane.roe@customer.org");
}

TEST_CASE_TEMPLATE("transfer: bad requests write nothing", F, test_support::SiteMemoryFactory,
                   test_support::SiteSqliteFactory) {
  auto s = F::make();
  Thread t = lead_with_thread(*s, 2, 1);
  Thread other = ticket_with_thread(*s, 1, 0);
  auto before = test_support::snapshot(*s);
  CHECK_THROWS_AS(transfer_lead_to_ticket(*s, "CRM-LEAD-NOPE"), NotFound);
  CHECK_THROWS_AS(transfer_ticket_to_lead(*s, "9999"), NotFound);
  CHECK_THROWS_AS(transfer_lead_to_ticket(*s, t.record, TransferOptions{{{"nope"}}}), NotFound);
  CHECK_THROWS_AS(
      transfer_lead_to_ticket(*s, t.record, TransferOptions{{{t.comms[0], other.comms[0]}}}),
      ValidationError);
  CHECK(test_support::snapshot(*s) == before);
  CHECK(s->transaction_depth() == 0);
}

TEST_CASE_TEMPLATE("transfer: a ticket moves to a new lead", F, test_support::SiteMemoryFactory,
                   test_support::SiteSqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = ticket_with_thread(*s, 3, 2);
  std::string contact = s->get("HD Ticket", t.record)->text("contact");
  TransferResult r = transfer_ticket_to_lead(*s, t.record);
  CHECK(r.success);
  CHECK(r.doctype == "CRM Lead");
  CHECK(r.transferred_count == 3);
  CHECK(r.contact == contact);  // the ticket's own Contact, completed with the phone
  CHECK(s->count("Contact Phone", {Filter("parent", Value(contact))}) == 1);

  auto lead = *s->get("CRM Lead", r.name);
  CHECK(lead.text("first_name") == "Jane");
  CHECK(lead.text("last_name") == "Doe");
  CHECK(lead.text("lead_name") == "Jane Doe");
  CHECK(lead.text("email") == "jane@example.com");
  CHECK(lead.text("mobile_no") == "+1 555 123 4567");
  CHECK(lead.text("status") == "New");
  CHECK(lead.text("source") == "Support Transfer");
  CHECK(comms_on(*s, "CRM Lead", r.name).size() == 3);
  CHECK(s->count("File") == 4);
  CHECK_FALSE(s->exists("HD Ticket", t.record));
  auto note = s->find("Comment", Query{Filter("reference_name", Value(r.name))});
  REQUIRE(note.size() == 1);
  CHECK(note[0].text("content").find("HD Ticket " + t.record) != std::string::npos);
  CHECK(note[0].text("content").find("Cushion covers faded") != std::string::npos);
}

TEST_CASE_TEMPLATE("transfer: a ticket without a Contact still names its lead", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  auto s = F::make();
  SUBCASE("from the customer's own mails, \"Last, First\" included") {
    std::string ticket =
        s->insert("HD Ticket", {{"subject", "Hi"}, {"raised_by", "staff@zipcushions.com"}});
    s->insert("Communication", {{"subject", "Hi"},
                                {"sender", "\"Roe, Richard\" <rich@roe.net>"},
                                {"sender_full_name", "Roe, Richard"},
                                {"recipients", "support@zipcushions.com"},
                                {"reference_doctype", "HD Ticket"},
                                {"reference_name", ticket}});
    TransferResult r = transfer_ticket_to_lead(*s, ticket);
    auto lead = *s->get("CRM Lead", r.name);
    CHECK(lead.text("first_name") == "Richard");
    CHECK(lead.text("last_name") == "Roe");
    CHECK(lead.text("email") == "rich@roe.net");
  }
  SUBCASE("from the address alone") {
    std::string ticket =
        s->insert("HD Ticket", {{"subject", "Hi"}, {"raised_by", "zed@example.org"}});
    TransferResult r = transfer_ticket_to_lead(*s, ticket);
    CHECK(s->get("CRM Lead", r.name)->text("first_name") == "zed");
    CHECK(s->get("CRM Lead", r.name)->text("email") == "zed@example.org");
  }
  SUBCASE("from nothing at all") {
    std::string ticket = s->insert("HD Ticket", {{"subject", "Hi"}});
    TransferResult r = transfer_ticket_to_lead(*s, ticket);
    CHECK(s->get("CRM Lead", r.name)->text("first_name") == "Unknown");
    CHECK(r.contact.empty());
    CHECK(s->count("Contact") == 0);
  }
}

// The whole transfer is one transaction: a failure at any write leaves every record as it was.
TEST_CASE_TEMPLATE("transfer: a fault at every write leaves source and target unchanged", F,
                   test_support::SiteMemoryFactory, test_support::SiteSqliteFactory) {
  using Fn = TransferResult (*)(Store&, std::string_view, const TransferOptions&);
  struct Direction {
    const char* label;
    Fn fn;
    bool from_lead;
  };
  for (Direction d : {Direction{"lead to ticket", &transfer_lead_to_ticket, true},
                      Direction{"ticket to lead", &transfer_ticket_to_lead, false}}) {
    for (bool delete_source : {true, false}) {
      CAPTURE(d.label);
      CAPTURE(delete_source);
      auto inner = F::make();
      freeze(*inner);
      Thread t = d.from_lead ? lead_with_thread(*inner, 4, 2) : ticket_with_thread(*inner, 4, 2);
      // Something outside the transfer that it touches: a reply to a transferred mail.
      inner->insert("Communication", {{"subject", "fwd"}, {"in_reply_to", t.comms[0]}});
      TransferOptions o;
      o.delete_source = delete_source;
      o.communication_ids = std::vector<std::string>{t.comms[0], t.comms[1], t.comms[2]};
      auto faulty = make_faulty_store(inner);
      std::int64_t total = 0;
      {
        Transaction outer(*faulty);
        d.fn(*faulty, t.record, o);
        total = faults(*faulty).writes();
        outer.rollback();
      }
      REQUIRE(total >= 12);
      auto before = test_support::snapshot(*inner);
      for (std::int64_t k = 1; k <= total; ++k) {
        CAPTURE(k);
        faults(*faulty).arm(FaultPlan{k, 0, 0});
        CHECK_THROWS_AS(d.fn(*faulty, t.record, o), StoreError);
        CHECK(test_support::snapshot(*inner) == before);
        CHECK(inner->transaction_depth() == 0);
      }
      // A failed commit too; and with no fault the transfer then succeeds.
      faults(*faulty).arm(FaultPlan{0, 1, 0});
      CHECK_THROWS_AS(d.fn(*faulty, t.record, o), StoreError);
      CHECK(test_support::snapshot(*inner) == before);
      faults(*faulty).arm(FaultPlan{});
      CHECK(d.fn(*faulty, t.record, o).transferred_count == 3);
    }
  }
}

TEST_CASE("transfer: a long subject is cut to 140 characters, never inside a character") {
  auto s = test_support::SiteMemoryFactory::make();
  std::string lead = s->insert("CRM Lead", {{"first_name", "Zoë"}, {"email", "zoe@example.com"}});
  std::string subject;
  for (int i = 0; i < 100; ++i) subject += "é ";  // 200 characters, 300 bytes
  s->insert("Communication", {{"subject", subject},
                              {"sender", "zoe@example.com"},
                              {"reference_doctype", "CRM Lead"},
                              {"reference_name", lead}});
  TransferResult r = transfer_lead_to_ticket(*s, lead);
  std::string got = s->get("HD Ticket", r.name)->text("subject");
  CHECK(got == subject.substr(0, 210));  // 70 x "é " = 140 characters
  // The copy keeps the whole subject.
  CHECK(s->get("Communication", r.copies[0].second)->text("subject") == subject);
}
