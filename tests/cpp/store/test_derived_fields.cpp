// Derived fields (DocTypeDef::derived): computed by the Store facade on every insert and on
// every update / update_where that touches them, on every backend, atomically.
#include <doctest/doctest.h>

#include <cctype>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

FieldDef field(const char* name, FieldType type = FieldType::kText, bool indexed = false) {
  FieldDef f;
  f.name = name;
  f.type = type;
  f.indexed = indexed;
  return f;
}

// "Toy": full_key = lower(first) + "|" + lower(last) (null when both empty), letters = the
// number of characters of both.
std::shared_ptr<const Schema> toy_schema() {
  Schema s = *Schema::standard();
  DocTypeDef toy;
  toy.name = "Toy";
  toy.fields = {field("first"), field("last"), field("other"), field("full_key", FieldType::kText, true),
                field("letters", FieldType::kInt)};
  DerivedFields d;
  d.sources = {"first", "last"};
  d.targets = {"full_key", "letters"};
  d.compute = [](const SiteConfig&, const Document& src, Document& out) {
    std::string first = src.text("first"), last = src.text("last");
    if (!first.empty() || !last.empty()) out.set("full_key", Value(lower(first) + "|" + lower(last)));
    out.set("letters", Value(static_cast<std::int64_t>(first.size() + last.size())));
  };
  toy.derived.push_back(d);
  s.add(toy);
  return std::make_shared<const Schema>(std::move(s));
}

struct ToyMemory {
  static std::shared_ptr<Store> make() { return make_memory_store(toy_schema()); }
};
struct ToySqlite {
  static std::shared_ptr<Store> make() {
    static test_support::TempDir dir;
    static int n = 0;
    SqliteOptions o;
    o.path = dir.file("toy-" + std::to_string(++n) + ".sqlite");
    o.schema = toy_schema();
    return make_sqlite_store(o);
  }
};
struct ToyFaulty {
  static std::shared_ptr<Store> make() { return make_faulty_store(ToySqlite::make()); }
};

Document row(Store& s, const std::string& name) { return *s.get("Toy", name); }

}  // namespace

TEST_CASE_TEMPLATE("derived fields: insert and update keep targets equal to compute(sources)", F,
                   ToyMemory, ToySqlite, ToyFaulty) {
  auto s = F::make();
  s->insert("Toy", {{"name", "a"}, {"first", "Ann"}, {"last", "Lee"}, {"full_key", "forged"}});
  CHECK(row(*s, "a").text("full_key") == "ann|lee");  // a caller's value is replaced
  CHECK(row(*s, "a").integer("letters") == 6);
  s->insert("Toy", {{"name", "b"}});
  CHECK(row(*s, "b").get("full_key").is_null());
  CHECK(row(*s, "b").integer("letters") == 0);

  // A change to one source: the other comes from the stored row.
  s->update("Toy", "a", {{"first", "Bo"}});
  CHECK(row(*s, "a").text("full_key") == "bo|lee");
  CHECK(row(*s, "a").integer("letters") == 5);
  // Unrelated fields leave targets alone; a forged target alone is recomputed.
  s->update("Toy", "a", {{"other", "x"}});
  CHECK(row(*s, "a").text("full_key") == "bo|lee");
  s->update("Toy", "a", {{"full_key", "forged"}});
  CHECK(row(*s, "a").text("full_key") == "bo|lee");
  s->update("Toy", "a", {{"first", ""}, {"last", ""}});
  CHECK(row(*s, "a").get("full_key").is_null());
  CHECK_THROWS_AS(s->update("Toy", "missing", {{"first", "x"}}), NotFound);
}

TEST_CASE_TEMPLATE("derived fields: update_where computes per row when sources differ", F,
                   ToyMemory, ToySqlite, ToyFaulty) {
  auto s = F::make();
  s->insert("Toy", {{"name", "1"}, {"first", "A"}, {"last", "X"}, {"other", "g"}});
  s->insert("Toy", {{"name", "2"}, {"first", "B"}, {"last", "Y"}, {"other", "g"}});
  s->insert("Toy", {{"name", "3"}, {"first", "C"}, {"last", "Y"}, {"other", "g"}});
  s->insert("Toy", {{"name", "4"}, {"first", "D"}, {"last", "Z"}, {"other", "h"}});
  // Every source given: one value for all rows.
  CHECK(s->update_where("Toy", {Filter("other", "h")}, {{"first", "Q"}, {"last", "R"}}) == 1);
  CHECK(row(*s, "4").text("full_key") == "q|r");
  // Only `first` given: each row keeps its own `last`; the filter names the changed source.
  CHECK(s->update_where("Toy", {Filter("other", "g"), Filter("first", Op::kIn, std::vector<Value>{"A", "B", "C"})},
                        {{"first", "New"}}) == 3);
  CHECK(row(*s, "1").text("full_key") == "new|x");
  CHECK(row(*s, "2").text("full_key") == "new|y");
  CHECK(row(*s, "3").text("full_key") == "new|y");
  CHECK(row(*s, "4").text("full_key") == "q|r");
  // Nothing matches: nothing written.
  CHECK(s->update_where("Toy", {Filter("other", "none")}, {{"first", "Z"}}) == 0);
  // Inside a transaction that rolls back, everything returns.
  auto before = test_support::snapshot(*s);
  {
    Transaction tx(*s);
    s->update_where("Toy", {}, {{"last", "gone"}});
    CHECK(row(*s, "1").text("full_key") == "new|gone");
  }
  CHECK(test_support::snapshot(*s) == before);
}

TEST_CASE("derived fields: a fault at any write of a per-row update_where changes nothing") {
  for (bool sqlite : {false, true}) {
    CAPTURE(sqlite);
    auto make = [&] {
      auto s = sqlite ? ToySqlite::make() : ToyMemory::make();
      for (int i = 0; i < 1600; ++i)  // more rows than one statement's name list
        s->insert("Toy", {{"name", std::to_string(i)}, {"first", "F"}, {"last", std::to_string(i % 3)}});
      return s;
    };
    auto op = [](Store& s) { return s.update_where("Toy", {}, {{"first", "G"}}); };
    std::int64_t writes = 0;
    {
      auto faulty = make_faulty_store(make());
      CHECK(op(*faulty) == 1600);
      writes = faults(*faulty).writes();
      CHECK(writes >= 6);  // 3 distinct values, 1600 rows in chunks of 500
      CHECK(faults(*faulty).inner().get("Toy", "5")->text("full_key") == "g|2");
    }
    for (std::int64_t k = 1; k <= writes; ++k) {
      CAPTURE(k);
      auto inner = make();
      auto before = test_support::snapshot(*inner);
      auto faulty = make_faulty_store(inner, FaultPlan{k, 0, 0});
      CHECK_THROWS_AS(op(*faulty), StoreError);
      CHECK(test_support::snapshot(*inner) == before);
    }
  }
}

TEST_CASE("derived fields: the schema refuses bad declarations") {
  Schema s = *Schema::standard();
  auto compute = [](const SiteConfig&, const Document&, Document&) {};
  CHECK_THROWS_AS(s.add_derived("CRM Lead", DerivedFields{{"no_such_field"}, {"email"}, compute}),
                  ValidationError);
  CHECK_THROWS_AS(s.add_derived("CRM Lead", DerivedFields{{"email"}, {"email"}, compute}),
                  ValidationError);
  CHECK_THROWS_AS(s.add_derived("CRM Lead", DerivedFields{{"email"}, {"no_such_target"}, compute}),
                  ValidationError);
  CHECK_THROWS_AS(s.add_derived("CRM Lead", DerivedFields{{"email"}, {"website"}, nullptr}),
                  ValidationError);
  // A target already derived elsewhere (the phone key of mobile_no).
  CHECK_THROWS_AS(s.add_derived("CRM Lead", DerivedFields{{"email"}, {"custom_mobile_no_key"}, compute}),
                  ValidationError);
  CHECK_THROWS_AS(s.add_derived("No Such Doctype", DerivedFields{{"a"}, {"b"}, compute}), NotFound);
  s.add_derived("CRM Lead", DerivedFields{{"email"}, {"website"}, compute});
  CHECK(s.get("CRM Lead").derived.size() == 2);
}
