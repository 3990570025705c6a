// The facade hands a document and its child rows to a self-managed backend in one call when
// the backend declares Capability::kInsertWithRows.
#include <doctest/doctest.h>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

namespace {

// Names and stamps as the inner store does (like Frappe), and records what reaches it.
class OneCall : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::vector<std::string> calls;
  bool fail = false;

  std::uint32_t capabilities() const override {
    return Capability::kSelfManaged | Capability::kSavepoints | Capability::kInsertWithRows;
  }
  std::string insert(std::string_view doctype, const Document& doc) override {
    calls.push_back("insert " + std::string(doctype));
    return ForwardingBackend::insert(doctype, doc);
  }
  std::string insert_with_rows(std::string_view doctype, const Document& doc,
                               const std::vector<ChildTableRows>& tables) override {
    std::string call = "insert_with_rows " + std::string(doctype);
    ChildRows children;
    for (const auto& t : tables) {
      call += " " + t.parentfield + ":" + t.child_doctype + "x" + std::to_string(t.rows.size());
      for (const auto& row : t.rows) CHECK_FALSE(row.has("parent"));  // the backend links them
      children.emplace_back(t.parentfield, t.rows);
    }
    calls.push_back(call);
    if (fail) throw StoreError(ErrorCode::kBackend, "refused");
    return inner().insert(doctype, doc, children);
  }
};

}  // namespace

TEST_CASE("store: a self-managed backend with insert_with_rows gets a document and its rows in one call") {
  std::shared_ptr<Store> inner = make_memory_store();
  auto backend = std::make_shared<OneCall>(inner);
  Store store(backend, Schema::standard());
  store.set_site(*inner->site());

  std::string name = store.insert(
      "Contact", Document{{"first_name", "Ann"}},
      ChildRows{{"email_ids", {Document{{"email_id", "Ann@X.com"}, {"is_primary", 1}},
                               Document{{"email_id", "ann@home.example"}}}},
                {"phone_nos", {Document{{"phone", "(555) 010-1212"}}}}});
  REQUIRE(backend->calls.size() == 1);
  CHECK(backend->calls[0] ==
        "insert_with_rows Contact email_ids:Contact Emailx2 phone_nos:Contact Phonex1");
  auto emails = inner->find("Contact Email", Query{Filter("parent", name)}.order("idx"));
  REQUIRE(emails.size() == 2);
  CHECK(emails[0].text("parentfield") == "email_ids");
  CHECK(emails[0].text("parenttype") == "Contact");
  CHECK(emails[0].integer("idx") == 1);
  CHECK(emails[1].integer("idx") == 2);
  // The facade still validated and derived the rows' fields.
  auto phones = inner->find("Contact Phone", Query{Filter("parent", name)});
  REQUIRE(phones.size() == 1);
  CHECK(phones[0].text("custom_phone_key") == "+15550101212");

  // A row that does not validate is refused before the backend sees anything.
  backend->calls.clear();
  CHECK_THROWS_AS(store.insert("Contact", Document{{"first_name", "Bo"}},
                               ChildRows{{"email_ids", {Document{{"is_primary", "yes, please"}}}}}),
                  ValidationError);
  CHECK(backend->calls.empty());

  // A backend failure writes nothing.
  backend->fail = true;
  const auto before = inner->count("Contact");
  CHECK_THROWS_AS(store.insert("Contact", Document{{"first_name", "Cy"}},
                               ChildRows{{"email_ids", {Document{{"email_id", "cy@x.com"}}}}}),
                  StoreError);
  CHECK(inner->count("Contact") == before);
}
