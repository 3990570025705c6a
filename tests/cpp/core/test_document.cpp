#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "switchboard/switchboard.h"

using namespace switchboard;

TEST_CASE("Value holds null, integer, real and text") {
  CHECK(Value().is_null());
  CHECK(Value(nullptr).is_null());
  CHECK(Value(true) == Value(1));
  CHECK(Value(5).as_int() == 5);
  CHECK(Value(std::int64_t{1} << 40).as_int() == (std::int64_t{1} << 40));
  CHECK(Value(2.5).as_real() == 2.5);
  CHECK(Value(3).as_real() == 3.0);
  CHECK(Value("x").as_text() == "x");
  CHECK(Value(std::string_view("sv")).as_text() == "sv");
  CHECK_THROWS_AS(Value("x").as_int(), ValidationError);
  CHECK_THROWS_AS(Value(1).as_text(), ValidationError);
  CHECK(Value().to_text().empty());
  CHECK(Value(-12).to_text() == "-12");
  CHECK(Value(1.0).to_text() == "1.0");
  CHECK(Value(0.1).to_text() == "0.1");
  CHECK(Value(1e300).to_text() == "1e+300");
  CHECK(Value().is_empty());
  CHECK(Value("").is_empty());
  CHECK_FALSE(Value(0).is_empty());
  CHECK(Value(1) != Value(1.0));  // different storage classes are different values
}

TEST_CASE("compare_values orders like SQLite") {
  CHECK(compare_values(Value(), Value(-5)) < 0);
  CHECK(compare_values(Value(99), Value("1")) < 0);  // numbers before text
  CHECK(compare_values(Value(1), Value(1.0)) == 0);  // numbers compare numerically
  CHECK(compare_values(Value(2), Value(1.5)) > 0);
  CHECK(compare_values(Value("B"), Value("a")) < 0);  // bytewise
  CHECK(compare_values(Value("ab"), Value("abc")) < 0);
  CHECK(compare_values(Value(), Value()) == 0);
}

TEST_CASE("Document keeps fields sorted and answers typed questions") {
  Document d{{"zeta", 1}, {"alpha", "a"}, {"mid", Value()}};
  std::vector<std::string> keys;
  for (const auto& [k, v] : d) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"alpha", "mid", "zeta"});
  CHECK(d.contains("mid"));
  CHECK_FALSE(d.has("mid"));
  CHECK(d.has("alpha"));
  CHECK(d.find("nope") == nullptr);
  CHECK(d.get("nope").is_null());
  CHECK(d.text("zeta") == "1");
  CHECK(d.integer("zeta") == 1);
  CHECK(d.integer("alpha", -1) == -1);
  d["beta"] = Value(2);
  d.set("alpha", Value("b"));
  CHECK(d.text("alpha") == "b");
  CHECK(d.size() == 4);
  CHECK(d.erase("beta"));
  CHECK_FALSE(d.erase("beta"));
  Document e{{"name", "N"}, {"zeta", 2}};
  d.merge(e);
  CHECK(d.name() == "N");
  CHECK(d.integer("zeta") == 2);
  CHECK(Document{{"a", 1}} == Document{{"a", 1}});
  CHECK(Document{{"a", 1}} != Document{{"a", 2}});
}

TEST_CASE("merge, by copy and by move, equals setting field by field") {
  std::mt19937 rng(42);
  const char* names[] = {"a", "b", "custom_mobile_no_key", "d", "email", "f", "name", "zeta"};
  for (int round = 0; round < 2000; ++round) {
    Document ours, theirs;
    for (const char* n : names) {
      if (rng() % 2) ours.set(n, Value(std::string("ours-") + n));
      if (rng() % 3 == 0) theirs.set(n, rng() % 4 ? Value(std::string("theirs-") + n) : Value());
    }
    Document expected = ours;
    for (const auto& [k, v] : theirs) expected.set(k, v);
    Document by_copy = ours, by_move = ours;
    by_copy.merge(theirs);
    by_move.merge(Document(theirs));
    REQUIRE(by_copy == expected);
    REQUIRE(by_move == expected);
    REQUIRE(std::is_sorted(by_move.begin(), by_move.end(),
                           [](const auto& x, const auto& y) { return x.first < y.first; }));
  }
}

TEST_CASE("a braced list moves its values in; repeated names keep the last") {
  const std::string long_text(200, 'x');
  Value v(long_text);
  const char* buffer = v.as_text().data();
  Document d{{"text", std::move(v)}, {"a", 1}, {"b", 2}, {"b", 3}, {"c", Value()}};
  CHECK(d.get("text").as_text().data() == buffer);  // the string itself, not a copy
  CHECK(d.text("text") == long_text);
  CHECK(d.integer("b") == 3);
  std::vector<std::string> keys;
  for (const auto& [k, val] : d) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"a", "b", "c", "text"});
  // A list of Fields (pairs) still converts.
  std::initializer_list<Document::Field> fields{{"y", 1}, {"x", 2}};
  CHECK(Document(fields) == Document{{"x", 2}, {"y", 1}});
}

TEST_CASE("Document from a vector of fields sorts once and keeps the last of a name") {
  std::mt19937 rng(7);
  const char* names[] = {"a", "b", "c", "d", "name", "z"};
  for (int round = 0; round < 500; ++round) {
    std::vector<Document::Field> fields;
    Document expected;
    const int n = static_cast<int>(rng() % 9);
    for (int i = 0; i < n; ++i) {
      std::string k = names[rng() % 6];
      Value v(static_cast<int>(rng() % 100));
      expected.set(k, v);
      fields.emplace_back(k, v);
    }
    if (rng() % 2)
      std::sort(fields.begin(), fields.end(),
                [](const auto& x, const auto& y) { return x.first < y.first; });
    REQUIRE(Document(std::move(fields)) == expected);
  }
}

TEST_CASE("set appends a field that sorts last and inserts one that does not") {
  Document d;
  d.set("b", Value(1));
  d.set("d", Value(2));  // last: appended
  d.set("a", Value(3));  // first
  d.set("c", Value(4));  // middle
  d.set("d", Value(5));  // replaces the last one
  std::vector<std::string> keys;
  for (const auto& [k, v] : d) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(d.integer("d") == 5);
  CHECK(d.size() == 4);
}

TEST_CASE("errors carry stable codes") {
  CHECK(std::string(error_code_name(ErrorCode::kNotFound)) == "not_found");
  CHECK(std::string(error_code_name(ErrorCode::kInjectedFault)) == "injected_fault");
  ParseError p("bad json", 17);
  CHECK(p.position() == 17);
  CHECK(p.code() == ErrorCode::kParse);
  StoreError s(ErrorCode::kBusy, "locked");
  CHECK(s.code() == ErrorCode::kBusy);
  CHECK(std::string(s.what()) == "locked");
  const Error& base = s;
  CHECK(base.code() == ErrorCode::kBusy);
}
