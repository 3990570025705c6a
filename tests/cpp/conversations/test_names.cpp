// split_name and extract_customer_email: plain tables of inputs and outputs.
#include <doctest/doctest.h>

#include "switchboard/switchboard.h"
#include "test_support.h"

using namespace switchboard;

TEST_CASE("conversations: split_name handles the shapes people type") {
  struct Case {
    const char* in;
    const char* first;
    const char* last;
  };
  const Case cases[] = {
      {"John Doe", "John", "Doe"},
      {"Doe, John", "John", "Doe"},
      {"Doe,John", "John", "Doe"},
      {"  Doe ,   John  Michael ", "John Michael", "Doe"},
      {"John Michael Doe", "John Michael", "Doe"},
      {"Madonna", "Madonna", ""},
      {"  Cher  ", "Cher", ""},
      {"", "", ""},
      {"   ", "", ""},
      {",", "", ""},
      {"Ludwig van Beethoven", "Ludwig", "van Beethoven"},
      {"Maria de la Cruz", "Maria", "de la Cruz"},
      {"Van Morrison", "Van", "Morrison"},
      {"John Doe Jr.", "John", "Doe Jr."},
      {"John Doe, Jr.", "John", "Doe Jr."},
      {"Doe, John, Jr.", "John", "Doe Jr."},
      {"Mr. John Doe", "John", "Doe"},
      {"Dr Jane Q. Public", "Jane Q.", "Public"},
      {"Mr. Doe", "Mr.", "Doe"},
      {"\"Jane Doe\"", "Jane", "Doe"},
      {"Jane\tDoe", "Jane", "Doe"},
      {"Ćeline Dion", "Ćeline", "Dion"},
      {"李 小龍", "李", "小龍"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    auto [first, last] = split_name(c.in);
    CHECK(first == c.first);
    CHECK(last == c.last);
  }
}

TEST_CASE("conversations: split_name keeps the whole name of uninverted input") {
  // Joining the parts gives back the (whitespace-normalized) name, as the seed joins them.
  for (const char* name : {"Anna Maria Lucia Rossi", "Jean-Luc Picard", "A B", "x y z w v"}) {
    CAPTURE(name);
    auto [first, last] = split_name(name);
    CHECK(first + " " + last == name);
  }
}

TEST_CASE("conversations: the customer email skips internal domains") {
  const auto internal = test_support::site().all_internal_domains();
  CHECK(extract_customer_email({"Sales <sales@zipcushions.com>", "Jane <Jane@Example.COM>"},
                               internal) == "jane@example.com");
  CHECK(extract_customer_email({"", "ops@cozycornerpatios.com, \"Doe, John\" <john@doe.org>"},
                               internal) == "john@doe.org");
  CHECK(extract_customer_email({"a@mail.zipcushions.com", "b@zipcushions.com.evil.org"},
                               internal) == "b@zipcushions.com.evil.org");
  CHECK(extract_customer_email({"sales@zipcushions.com"}, internal).empty());
  CHECK(extract_customer_email({"not an address", "", "<>"}, internal).empty());
  CHECK(extract_customer_email({"x@example.com"}, {"EXAMPLE.com"}).empty());
  CHECK(extract_customer_email({"x@example.com"}, {"@example.com"}).empty());
  CHECK(extract_customer_email({"undisclosed-recipients:;", "team: a@corp.io, b@x.io;"},
                               {"corp.io"}) == "b@x.io");
}
