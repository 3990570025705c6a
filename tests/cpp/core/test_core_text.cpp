// The shared text, date/time and JSON rules of src/core.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "core/datetime.h"
#include "core/json.h"
#include "core/text.h"
#include "switchboard/error.h"
#include "switchboard/timestamps.h"

using namespace switchboard;

TEST_CASE("text: trim, collapse, case and UTF-8 length") {
  CHECK(text::trim(" \t a b \r\n") == "a b");
  CHECK(text::collapse_spaces("  a \t\n b  ") == "a b");
  CHECK(text::lower_ascii("ÀBC") == "Àbc");
  CHECK(text::lower("ÀBC") == "àbc");
  CHECK(text::upper("straße") == "STRASSE");
  CHECK(text::lower("\xff" "AB") == "\xff" "ab");  // invalid UTF-8: ASCII rules only
  CHECK(text::casefold("Straße") == text::casefold("STRASSE"));
  // ASCII takes a short path; it folds every byte as the Unicode path does.
  for (int c = 1; c < 0x80; ++c) {
    std::string ascii(1, static_cast<char>(c));
    CHECK(text::casefold(ascii) + "\xc3\xa9" == text::casefold(ascii + "\xc3\x89"));
  }
  CHECK(text::casefold(std::string("AB\0CD", 5)) == "ab");  // both paths end at a NUL
  CHECK(text::casefold(std::string("\xc3\x89" "B\0CD", 6)) == "\xc3\xa9" "b");
  CHECK(text::iequals("Received", "rECEIVED"));
  CHECK(text::utf8_length("añ€😀") == 4);
  CHECK(text::truncate_chars("añ€😀x", 4) == "añ€😀");
  CHECK(text::truncate_chars("ab", 5) == "ab");
  CHECK(text::valid_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(text::valid_utf8(std::string("a\0\xff", 3)) == std::string("a\0\xEF\xBF\xBD", 5));
  CHECK(text::is_valid_utf8(std::string("a\0b", 3)));
  CHECK(text::percent_encode("a b/ü") == "a%20b%2F%C3%BC");
}

TEST_CASE("text: is_clean_field agrees with a byte-by-byte check at every position") {
  // The scan reads 8 bytes at a time: put every byte value at every offset of strings of
  // lengths around the word size, in both modes.
  auto reference = [](std::string_view s, bool multiline) {
    for (char ch : s) {  // ASCII only
      auto c = static_cast<unsigned char>(ch);
      if ((c < 0x20 || c == 0x7F) && !(multiline && (c == '\n' || c == '\r' || c == '\t')))
        return false;
    }
    return true;
  };
  int checked = 0;
  for (std::size_t len : {1u, 7u, 8u, 9u, 15u, 16u, 17u, 24u}) {
    for (std::size_t pos = 0; pos < len; ++pos) {
      for (int b = 0; b < 0x80; ++b) {
        std::string s(len, 'a');
        s[pos] = static_cast<char>(b);
        for (bool multiline : {false, true}) {
          CHECK_MESSAGE(text::is_clean_field(s, multiline) == reference(s, multiline),
                        "byte " << b << " at " << pos << " of " << len);
          ++checked;
        }
      }
      std::string accented(len, 'a'), broken(len, 'a');
      accented.insert(pos, "\xc3\xa9");  // é: the UTF-8 check takes over
      broken[pos] = '\xc3';
      CHECK(text::is_clean_field(accented, false));
      CHECK_FALSE(text::is_clean_field(broken, true));
    }
  }
  CHECK(checked > 10000);
  CHECK_FALSE(text::is_clean_field(std::string(16, 'a') + "\x7f" + std::string(16, 'b'), true));
  CHECK(text::is_clean_field(std::string(16, 'a') + "\xc3\xa9" + std::string(16, 'b'), false));
  CHECK_FALSE(text::is_clean_field(std::string(16, 'a') + "\xc3" + std::string(16, 'b'), false));
}

TEST_CASE("text: clean_field for single-line and multi-line fields") {
  CHECK(text::clean_field("Jane Doe", false) == "Jane Doe");
  CHECK(text::clean_field("Jane\r\nDoe", false) == "Jane Doe");
  CHECK(text::clean_field(std::string("Ja\0ne\x01\x7f", 7), false) == "Jane");
  CHECK(text::clean_field("a\xC2\x85" "b", false) == "a b");  // NEL is a line break
  CHECK(text::clean_field("\r\nJane\n", false) == "Jane");
  CHECK(text::clean_field("a\xff", false) == "a\xEF\xBF\xBD");
  CHECK(text::clean_field(std::string(300, 'x'), false, 140) == std::string(140, 'x'));
  CHECK(text::utf8_length(text::clean_field(std::string(100, 'x') + "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",
                                            false, 140)) == 140);
  CHECK(text::clean_field(std::string("line 1\r\nline 2\tx\0\x1b[31m", 22), true) ==
        "line 1\r\nline 2\tx[31m");
  CHECK(text::clean_field("a\rb\xe2\x80\xa8", true) == "a\rb\xe2\x80\xa8");
  CHECK(text::is_clean_field("plain", false, 140));
  CHECK_FALSE(text::is_clean_field("two\nlines", false));
  CHECK(text::is_clean_field("two\nlines", true));
}

TEST_CASE("dates: Frappe text, ISO 8601 and comparisons") {
  auto t = dates::parse_frappe("2025-01-06 10:30:00.5");
  REQUIRE(t);
  CHECK(t->micros == 500000);
  CHECK(dates::format_frappe(*t, true) == "2025-01-06 10:30:00.500000");
  CHECK(dates::format_frappe(*t, false) == "2025-01-06 10:30:00");
  CHECK_FALSE(dates::parse_frappe("2025-01-06"));
  CHECK_FALSE(dates::parse_frappe("2025-01-06 10:30:00.1234567"));
  CHECK(dates::datetime_after("2025-12-31 23:59:59.999999") == "2026-01-01 00:00:00.000000");
  CHECK_FALSE(dates::datetime_after("yesterday"));
  CHECK(dates::compare_frappe("2025-01-06 10:30:00", "2025-01-06 10:30:00.000000") == 0);
  CHECK(dates::compare_frappe("2025-01-06 09:30:00.9", "2025-01-06 10:30:00") < 0);
  CHECK(dates::local_from_iso8601("2025-01-06 10:30:00") == "2025-01-06 10:30:00");
  CHECK(dates::local_from_iso8601("garbage") == "");
  CHECK(dates::local_from_iso8601("2025-13-06T10:30:00Z") == "");
  // The same instant in two notations gives the same local text, whatever TZ is.
  CHECK(dates::local_from_iso8601("2025-01-06T10:30:00Z") ==
        dates::local_from_iso8601("2025-01-06T12:30:00+02:00"));
  CHECK(dates::local_from_iso8601("2025-01-06T10:30:00.123Z") == dates::frappe_local(1736159400));
  // ISO 8601 as Unix seconds and back (the RingCentral sync's cursor and query dates).
  CHECK(dates::unix_from_iso8601("2025-01-06T10:30:00.123Z") == 1736159400);
  CHECK(dates::unix_from_iso8601("2025-01-06T12:30:00+02:00") == 1736159400);
  CHECK(dates::unix_from_iso8601("2025-01-06T10:30:00") == 1736159400);  // no zone: UTC
  CHECK(dates::unix_from_iso8601("2025-01-06") == 1736121600);
  CHECK_FALSE(dates::unix_from_iso8601("2025-02-30x"));
  CHECK(dates::iso8601_utc(1736159400) == "2025-01-06T10:30:00.000Z");
  // The public face of the same rules (frontdesk ringcentral sync --since reads it).
  CHECK(parse_timestamp("2025-01-06") == 1736121600);
  CHECK(parse_timestamp("2025-01-06T12:30:00+02:00") == 1736159400);
  CHECK_FALSE(parse_timestamp("yesterday"));
  CHECK(format_timestamp(1736159400) == "2025-01-06T10:30:00.000Z");
}

TEST_CASE("json: one reader, ParseError for every kind of bad input") {
  CHECK(json::parse(R"({"a": [1, 2.5, "x"]})", "test")["a"][2] == "x");
  CHECK_THROWS_AS(json::parse("{", "test"), ParseError);
  CHECK_THROWS_AS(json::parse("[1e400]", "test"), ParseError);
  CHECK_THROWS_AS(json::parse("\"\xff\"", "test"), ParseError);
  CHECK_THROWS_AS(json::parse(std::string(100, '[') + std::string(100, ']'), "test"), ParseError);
  CHECK_THROWS_AS(json::parse_object("[]", "test"), ParseError);
  try {
    json::parse(R"({"n": 1e400})", "call event");
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(std::string(e.what()).find("call event is not valid JSON") == 0);
    CHECK(e.position() != ParseError::npos);
  }
  CHECK(json::scalar_text(json::parse("12.0", "t")) == "12");
  CHECK(json::scalar_text(json::parse("1.5", "t")) == "1.5");
  CHECK(json::scalar_text(json::parse("null", "t")) == "");
  json::Json v = std::string("a\xff");
  CHECK(json::dump(v) == "\"a\xEF\xBF\xBD\"");
}
