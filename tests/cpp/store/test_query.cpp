#include <doctest/doctest.h>

#include <algorithm>

#include "store/naming.h"
#include "switchboard/switchboard.h"

using namespace switchboard;

TEST_CASE("like_matches follows SQLite LIKE") {
  CHECK(like_matches("Hello", "hello"));
  CHECK(like_matches("Hello", "h%"));
  CHECK(like_matches("Hello", "%LLO"));
  CHECK(like_matches("Hello", "%"));
  CHECK(like_matches("", "%"));
  CHECK_FALSE(like_matches("", "_"));
  CHECK(like_matches("Hello", "H_llo"));
  CHECK(like_matches("Héllo", "H_llo"));  // one code point
  CHECK_FALSE(like_matches("Héllo", "H__llo"));
  CHECK_FALSE(like_matches("ÉCOLE", "école"));  // only ASCII folds
  CHECK(like_matches("a%b", "a%b"));
  CHECK(like_matches("support+orders@example.com", "support%@example.com"));
  CHECK(like_matches("aaab", "%a%b"));
  CHECK_FALSE(like_matches("aaac", "%a%b"));
  CHECK(like_matches("abcabd", "%abd"));
}

TEST_CASE("parse_op and Filter::make speak Frappe") {
  CHECK(parse_op("=") == Op::kEq);
  CHECK(parse_op("<>") == Op::kNe);
  CHECK(parse_op(" NOT  IN ") == Op::kNotIn);
  CHECK(parse_op("Like") == Op::kLike);
  CHECK_THROWS_AS(parse_op("~"), ValidationError);
  CHECK(Filter::make("x", "is", "set").op == Op::kIsSet);
  CHECK(Filter::make("x", "is", "not set").op == Op::kIsNotSet);
  CHECK_THROWS_AS(Filter::make("x", "is", "maybe"), ValidationError);
  CHECK(Filter::make("x", " IS ", "  Not\tSET ").op == Op::kIsNotSet);
  CHECK(Filter::make("x", "is set", Value()).op == Op::kIsSet);
  CHECK(parse_op("not\t\tlike") == Op::kNotLike);
  CHECK(parse_op("is not set") == Op::kIsNotSet);
  CHECK_THROWS_AS(parse_op("not in" + std::string(40, ' ') + "x"), ValidationError);
  CHECK_THROWS_AS(parse_op(std::string(40, '=')), ValidationError);
  CHECK_THROWS_AS(Filter::make("x", "is", 1), ValidationError);
  CHECK(Filter::make("x", "in", std::vector<Value>{1, 2}).values.size() == 2);
  CHECK_THROWS_AS(Filter::make("x", "=", std::vector<Value>{1}), ValidationError);
}

TEST_CASE("a braced filter list moves its filters into the Query") {
  std::vector<Value> ids;
  for (int i = 0; i < 50; ++i) ids.emplace_back("id-" + std::to_string(i) + std::string(40, 'x'));
  const Value* first = ids.data();
  Filter by_ids("message_id", Op::kIn, std::move(ids));
  Query q{std::move(by_ids), Filter("status", "Open"), {"sender", Op::kNe, Value("a@x")},
          {"subject", "s"}};
  REQUIRE(q.filters.size() == 4);
  CHECK(q.filters[0].values.data() == first);  // the list itself, not a copy
  CHECK(q.filters[0].values.size() == 50);
  CHECK(q.filters[1].field == "status");
  CHECK(q.filters[1].value == Value("Open"));
  CHECK(q.filters[2].op == Op::kNe);
  CHECK(q.filters[3].value == Value("s"));
  const Filter kept("name", Value("N"));
  Query copy{kept};  // an lvalue is copied, as before
  CHECK(kept.value == Value("N"));
  CHECK(copy.filters.front().value == Value("N"));
}

TEST_CASE("parse_order_by accepts field [asc|desc] lists only") {
  auto t = parse_order_by("creation desc, name");
  REQUIRE(t.size() == 2);
  CHECK(t[0].field == "creation");
  CHECK(t[0].descending);
  CHECK(t[1].field == "name");
  CHECK_FALSE(t[1].descending);
  CHECK(parse_order_by("  ").empty());
  CHECK(parse_order_by("Modified DESC")[0].field == "Modified");
  CHECK(parse_order_by("a DeSc")[0].descending);
  CHECK(parse_order_by("\ta\n aSC ,b")[0].field == "a");
  CHECK_THROWS_AS(parse_order_by("a asc,"), ValidationError);
  CHECK_THROWS_AS(parse_order_by("a descending"), ValidationError);
  CHECK_THROWS_AS(parse_order_by("a,,b"), ValidationError);
  CHECK_THROWS_AS(parse_order_by("a desc extra"), ValidationError);
  CHECK_THROWS_AS(parse_order_by("`tabX`.a"), ValidationError);
  CHECK_THROWS_AS(parse_order_by("a; drop table x"), ValidationError);
}

TEST_CASE("filter_matches treats null the way Frappe does") {
  Document d{{"a", Value()}, {"b", ""}, {"c", 5}};
  CHECK(filter_matches(Filter("a", Op::kNe, "x"), d));
  CHECK_FALSE(filter_matches(Filter("b", Op::kNe, ""), d));
  CHECK_FALSE(filter_matches(Filter("a", Op::kLt, "x"), d));
  CHECK(filter_matches(Filter("missing", Op::kIsNotSet, Value()), d));
  CHECK(filter_matches(Filter("c", Op::kIn, std::vector<Value>{5.0}), d));
  CHECK(filter_matches(Filter("c", Op::kLike, "5"), d));
  CHECK(filters_match({Filter("c", 5), Filter("a", Value())}, d));
}

TEST_CASE("naming series patterns resolve like Frappe's") {
  std::tm t{};
  t.tm_year = 2026 - 1900;  // 2026-01-01
  t.tm_mday = 1;
  Document doc{{"company", "ACME"}};
  auto p = naming::resolve_series("CRM-LEAD-.YYYY.-.#####", t, doc);
  CHECK(p.prefix == "CRM-LEAD-2026-");
  CHECK(p.digits == 5);
  CHECK(naming::series_name(p, 1).size() == std::string("CRM-LEAD-2026-00001").size());
  auto hd = naming::resolve_series(".####", t, doc);
  CHECK(hd.prefix.empty());
  CHECK(naming::series_name(hd, 1) == "0001");
  CHECK(naming::series_name(hd, 12345) == "12345");
  auto f = naming::resolve_series("INV-.{company}.-.###.-X", t, doc);
  CHECK(f.prefix == "INV-ACME-");
  CHECK(naming::series_name(f, 7) == "INV-ACME-007-X");
  CHECK_THROWS_AS(naming::resolve_series("NO-COUNTER", t, doc), ValidationError);
  auto h = naming::random_hash();
  CHECK(h.size() == 10);
  CHECK(h != naming::random_hash());
}

TEST_CASE("Schema rejects bad definitions and can be extended") {
  Schema s = *Schema::standard();
  CHECK(s.find("CRM Lead") != nullptr);
  CHECK(s.find("Nope") == nullptr);
  CHECK_THROWS_AS(s.get("Nope"), NotFound);
  DocTypeDef bad;
  bad.name = "Bad";
  bad.fields = {FieldDef{"not valid", FieldType::kText, {}, false, false}};
  CHECK_THROWS_AS(s.add(bad), ValidationError);
  std::string before = s.fingerprint();
  s.add_field("CRM Lead", FieldDef{"custom_tier", FieldType::kText, Value("Gold"), true, false});
  CHECK(s.fingerprint() != before);
  CHECK(s.get("CRM Lead").field("custom_tier")->default_value == Value("Gold"));
  auto store = make_memory_store(std::make_shared<Schema>(s));
  auto name = store->insert("CRM Lead", {{"first_name", "A"}});
  CHECK(store->get("CRM Lead", name)->text("custom_tier") == "Gold");
}

TEST_CASE("a doctype lists its columns by name and its insert defaults in order") {
  const DocTypeDef& lead = Schema::standard()->get("CRM Lead");
  const auto& order = lead.column_order();
  REQUIRE(order.size() == lead.columns().size());
  for (std::size_t i = 1; i < order.size(); ++i)
    CHECK(lead.columns()[order[i - 1]].name < lead.columns()[order[i]].name);
  const auto& fill = lead.insert_defaults();
  CHECK(std::is_sorted(fill.begin(), fill.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; }));
  CHECK(fill.size() == lead.defaults().size() + 3);
  for (const char* stamped : {"name", "creation", "modified"}) {
    auto it = std::find_if(fill.begin(), fill.end(), [&](const auto& f) { return f.first == stamped; });
    REQUIRE(it != fill.end());
    CHECK(it->second.is_null());
  }
  for (const auto& entry : lead.defaults()) {
    const std::string& field = entry.first;  // named, not bound: lambdas may not capture bindings
    const Value& value = entry.second;
    auto it = std::find_if(fill.begin(), fill.end(), [&](const auto& f) { return f.first == field; });
    REQUIRE(it != fill.end());
    CHECK(it->second == value);
  }
}

namespace {

// Records what the facade hands its backend.
class Recorder : public ForwardingBackend {
 public:
  using ForwardingBackend::ForwardingBackend;
  std::vector<Document> find(std::string_view doctype, const Query& query) override {
    queries.push_back(query);
    return ForwardingBackend::find(doctype, query);
  }
  std::int64_t count(std::string_view doctype, const Filters& filters) override {
    counts.push_back(filters);
    return ForwardingBackend::count(doctype, filters);
  }
  std::vector<Query> queries;
  std::vector<Filters> counts;
};

}  // namespace

TEST_CASE("backends get queries in normal form, whether or not the caller wrote them so") {
  std::shared_ptr<Store> inner = make_memory_store();
  auto recorder = std::make_shared<Recorder>(inner);
  Store store(recorder, inner->schema_ptr());
  store.insert("Contact", {{"first_name", "Ann"}, {"email_id", "ann@x.com"}});

  // Already normal: handed on exactly as written.
  Query normal{Filter("email_id", "ann@x.com"), Filter("idx", Op::kGe, Value(0))};
  normal.fields = {"name", "email_id"};
  normal.order_by = "creation desc, name asc";
  CHECK(store.find("Contact", normal).size() == 1);
  REQUIRE(recorder->queries.size() == 1);
  CHECK(recorder->queries[0].order_by == normal.order_by);
  CHECK(recorder->queries[0].filters[1].value == Value(0));

  // Not normal: order spelled loosely, a repeated field, an int compared with text, a text
  // value with a line break in a single-line field, a null in 'is set'.
  Query loose{Filter("email_id", Op::kNe, Value("b@x.com\n")), Filter("idx", Op::kGe, Value("0")),
              Filter("first_name", Op::kIsSet, Value("x"))};
  loose.fields = {"name", "name"};
  loose.order_by = "creation,  name DESC";
  CHECK(store.find("Contact", loose).size() == 1);
  REQUIRE(recorder->queries.size() == 2);
  const Query& got = recorder->queries[1];
  CHECK(got.order_by == "creation asc, name desc");
  CHECK(got.fields == std::vector<std::string>{"name"});
  CHECK(got.filters[1].value == Value(0));
  CHECK(got.filters[0].value.as_text().find('\n') == std::string::npos);
  CHECK(got.filters[2].value.is_null());

  CHECK(store.count("Contact", {Filter("idx", Op::kGe, Value("0"))}) == 1);
  CHECK(store.count("Contact", {Filter("idx", Op::kGe, Value(0))}) == 1);
  REQUIRE(recorder->counts.size() == 2);
  CHECK(recorder->counts[0][0].value == Value(0));
  CHECK_THROWS_AS(store.find("Contact", Query{Filter("idx", Op::kGt, Value())}), ValidationError);
  CHECK_THROWS_AS(store.find("Contact", Query().order("name,")), ValidationError);
}
