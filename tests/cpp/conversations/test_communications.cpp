// list_communications and copy_communication on every backend.
#include <doctest/doctest.h>

#include "conversations/fixtures.h"
#include "test_support.h"

using namespace switchboard;
using namespace conv_fixtures;

TEST_CASE_TEMPLATE("conversations: list_communications gives a record's emails oldest first", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = lead_with_thread(*s, 4, 0);
  s->insert("Communication", {{"subject", "call"},
                              {"communication_medium", "Phone"},
                              {"reference_doctype", "CRM Lead"},
                              {"reference_name", t.record}});
  s->insert("Communication", {{"subject", "other"},
                              {"reference_doctype", "CRM Lead"},
                              {"reference_name", "CRM-LEAD-OTHER"}});
  auto list = list_communications(*s, "CRM Lead", t.record);
  REQUIRE(list.size() == 4);
  for (std::size_t i = 0; i < list.size(); ++i) CHECK(list[i].name() == t.comms[i]);
  for (const char* f : {"name", "subject", "sender", "recipients", "creation", "content",
                        "text_content", "message_id", "in_reply_to", "sent_or_received"})
    CHECK(list[0].contains(f));
  CHECK(list[0].text("subject") == "Order status");
  CHECK(list[0].text("content") == "<p>mail 0</p>");
  CHECK(list_communications(*s, "CRM Lead", "nope").empty());
}

TEST_CASE_TEMPLATE("conversations: a copy keeps every field, the files and the thread", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  freeze(*s);
  Thread t = lead_with_thread(*s, 1, 1);
  std::string other_lead = s->insert("CRM Lead", {{"first_name", "Other"}});
  // A timeline link to another record is carried over; one to the source record is not.
  std::string original = t.comms[0];
  s->insert("Communication Link", {{"parent", original},
                                   {"parenttype", "Communication"},
                                   {"parentfield", "timeline_links"},
                                   {"link_doctype", "CRM Deal"},
                                   {"link_name", "CRM-DEAL-X"}});
  s->insert("Communication Link", {{"parent", original},
                                   {"parenttype", "Communication"},
                                   {"parentfield", "timeline_links"},
                                   {"link_doctype", "CRM Lead"},
                                   {"link_name", t.record}});
  // The original was created at the frozen instant itself: the copy must still be newer.
  s->update("Communication", original, {{"creation", s->now()}}, false);

  std::string copy = copy_communication(*s, original, "CRM Lead", other_lead);
  CHECK(copy != original);
  auto a = *s->get("Communication", original);
  auto b = *s->get("Communication", copy);
  for (const auto& entry : a) {
    const std::string& field = entry.first;  // named, not bound: CAPTURE is a lambda
    const Value& value = entry.second;
    CAPTURE(field);
    if (field == "name" || field == "creation" || field == "modified" ||
        field == "reference_name" || field == "status" || field == "reference_owner")
      continue;
    CHECK(b.get(field) == value);
  }
  CHECK(b.text("custom_channel") == "web");
  CHECK(b.text("message_id") == "msg-0@mail.example.com");
  CHECK(b.text("sent_or_received") == "Received");
  CHECK(b.text("reference_doctype") == "CRM Lead");
  CHECK(b.text("reference_name") == other_lead);
  CHECK(b.text("status") == "Linked");
  CHECK(b.text("creation") > a.text("creation"));
  CHECK(a.text("status") == "Open");  // the original is untouched

  auto files = s->find("File", Query{Filter("attached_to_name", Value(copy))}.order("file_name"));
  REQUIRE(files.size() == 2);
  CHECK(files[0].text("file_url") == "/private/files/scan-0-0.pdf");
  CHECK(files[0].text("content_hash") == "hash-scan-0-0.pdf");
  CHECK(files[0].integer("is_private") == 1);
  CHECK(files[0].text("attached_to_doctype") == "Communication");
  CHECK(s->count("File", {Filter("attached_to_name", Value(original))}) == 2);

  auto links = s->find("Communication Link", Query{Filter("parent", Value(copy))});
  REQUIRE(links.size() == 1);
  CHECK(links[0].text("link_doctype") == "CRM Deal");

  // The copy owns the Message-ID: the newest Communication carrying it (creation desc, name desc).
  auto owner = s->find_one(
      "Communication",
      Query{Filter("message_id", "msg-0@mail.example.com")}.order("creation desc, name desc"));
  REQUIRE(owner);
  CHECK(owner->name() == copy);
}

TEST_CASE_TEMPLATE("conversations: copy_communication refuses unknown records", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto s = F::make();
  Thread t = lead_with_thread(*s, 1, 0);
  auto before = test_support::snapshot(*s);
  CHECK_THROWS_AS(copy_communication(*s, "nope", "CRM Lead", t.record), NotFound);
  CHECK_THROWS_AS(copy_communication(*s, t.comms[0], "HD Ticket", "9999"), NotFound);
  CHECK_THROWS_AS(copy_communication(*s, t.comms[0], "No Such Doctype", "x"), NotFound);
  CHECK(test_support::snapshot(*s) == before);
}

TEST_CASE_TEMPLATE("conversations: copy_communication is all or nothing", F,
                   test_support::MemoryFactory, test_support::SqliteFactory) {
  auto inner = F::make();
  Thread t = lead_with_thread(*inner, 1, 1);
  std::string target = inner->insert("CRM Lead", {{"first_name", "T"}});
  auto faulty = make_faulty_store(inner);
  std::int64_t total = 0;
  {  // count the writes, then undo them
    Transaction outer(*faulty);
    copy_communication(*faulty, t.comms[0], "CRM Lead", target);
    total = faults(*faulty).writes();
    outer.rollback();
  }
  REQUIRE(total == 3);  // the copy and its two files
  auto before = test_support::snapshot(*inner);
  for (std::int64_t k = 1; k <= total; ++k) {
    CAPTURE(k);
    faults(*faulty).arm(FaultPlan{k, 0, 0});
    CHECK_THROWS_AS(copy_communication(*faulty, t.comms[0], "CRM Lead", target), StoreError);
    CHECK(test_support::snapshot(*inner) == before);
    CHECK(inner->transaction_depth() == 0);
  }
}
