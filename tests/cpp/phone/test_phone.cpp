#include <doctest/doctest.h>

#include <thread>

#include "phone_cases.h"
#include "switchboard/switchboard.h"

using namespace switchboard;

TEST_CASE("phone: every reference format gives the expected key") {
  auto cases = phone_cases::load();
  REQUIRE(cases.size() >= 40);
  for (const auto& c : cases) {
    CAPTURE(c.raw);
    CAPTURE(c.region);
    CAPTURE(c.note);
    auto key = phone_key(c.raw, c.region);
    auto phone = normalize_phone(c.raw, c.region);
    if (c.key.empty()) {
      CHECK_FALSE(key.has_value());
      if (phone) CHECK(phone->key().empty());
      continue;
    }
    REQUIRE(key.has_value());
    CHECK(*key == c.key);
    REQUIRE(phone.has_value());
    CHECK(phone->e164 == c.key);
    CHECK(phone->extension == c.ext);
    CHECK(phone->possible);
    CHECK(phone->key() == c.key);
    if (c.valid >= 0) CHECK(phone->valid == (c.valid == 1));
  }
}

TEST_CASE("phone: normalize_phone reports possible, valid and region") {
  auto p = normalize_phone("+1 (555) 123-4567", "US");
  REQUIRE(p);
  CHECK(p->e164 == "+15551234567");
  CHECK(p->possible);
  CHECK_FALSE(p->valid);    // 555 numbers are fictional, yet they are keyed
  CHECK(p->region == "US");  // the main region of +1 when the number is not valid
  auto gb = normalize_phone("020 7946 0958", "GB");
  REQUIRE(gb);
  CHECK(gb->valid);
  CHECK(gb->region == "GB");
  auto in = normalize_phone("+91 98455 52671", "US");  // a country code wins over the region
  REQUIRE(in);
  CHECK(in->region == "IN");
  // Parsed but not possible: a Phone without a key. Not a number at all: nullopt.
  auto short_number = normalize_phone("12", "US");
  REQUIRE(short_number);
  CHECK_FALSE(short_number->possible);
  CHECK(short_number->key().empty());
  auto local = normalize_phone("253 0000", "US");
  REQUIRE(local);
  CHECK_FALSE(local->possible);
  CHECK_FALSE(normalize_phone("abc", "US").has_value());
  CHECK_FALSE(normalize_phone("", "US").has_value());
  CHECK_FALSE(normalize_phone("\xff\xfe\x80", "US").has_value());  // bad UTF-8: no crash
}

TEST_CASE("phone: extensions are split off and never part of the key") {
  for (const char* raw : {"(555) 123-4567 x 89", "555-123-4567;ext=89", "555.123.4567 ext. 89",
                          "5551234567#89", "tel:+1-555-123-4567;ext=89"}) {
    CAPTURE(raw);
    CHECK(phone_key(raw, "US") == std::optional<std::string>("+15551234567"));
    auto p = normalize_phone(raw, "US");
    REQUIRE(p);
    CHECK(p->extension == "89");
  }
}

TEST_CASE("phone: a key is its own key, Mexico's old mobile 1 included") {
  // libphonenumber keeps the "1" Mexican mobiles were once dialled with when a trunk prefix
  // comes before it ("01 1 …", "11 …"), and drops it from +52 1 … and from that key read back:
  // both readings are valid numbers, and a caller ID arrives as +52 55…, so every spelling keys
  // as the number without the 1.
  const std::optional<std::string> key("+525512345678");
  for (const char* raw : {"55 1234 5678", "1 55 1234 5678", "11 55 1234 5678", "01 1 55 1234 5678",
                          "044 55 1234 5678", "+52 1 55 1234 5678", "+52 55 1234 5678", "+5215512345678"}) {
    CAPTURE(raw);
    CHECK(phone_key(raw, "MX") == key);
    auto p = normalize_phone(raw, "MX");
    REQUIRE(p);
    CHECK(p->e164 == *key);
    CHECK(p->valid);
    CHECK(click_to_call(raw, "MX").e164 == *key);
    CHECK(phone_match(raw, "+525512345678", "MX") == PhoneMatch::kExact);
  }
  CHECK(phone_key(*key, "MX") == key);
  CHECK(phone_key("116378450 198", "MX") == phone_key("+52 637 845 0198", "MX"));
  auto with_ext = normalize_phone("1 55 1234 5678 ext. 12", "MX");
  REQUIRE(with_ext);
  CHECK(with_ext->e164 == *key);
  CHECK(with_ext->extension == "12");
  SiteConfig site;
  site.region = "US";
  site.fallback_regions = {"MX"};
  CHECK(phone_key("+52 1 55 1234 5678", site) == key);
  site.region = "MX";
  site.fallback_regions.clear();
  CHECK(phone_key("1 55 1234 5678", site) == key);
}

TEST_CASE("phone: regions are an argument, never a process-wide setting") {
  CHECK(phone_key("98455 52671") == std::optional<std::string>("+19845552671"));  // "US"
  CHECK(phone_key("98455 52671", "in") == std::optional<std::string>("+919845552671"));
  CHECK(phone_key("98455 52671", "US") == std::optional<std::string>("+19845552671"));
  CHECK_THROWS_AS(phone_key("555 123 4567", "XX"), ValidationError);
  CHECK_THROWS_AS(phone_key("555 123 4567", "USA"), ValidationError);
  // "" never stands for a hidden default: it is an error, with a message that says why.
  CHECK_THROWS_WITH_AS(phone_key("555 123 4567", ""),
                       doctest::Contains("a phone region is needed"), ValidationError);
  CHECK_THROWS_AS(normalize_phone("555 123 4567", ""), ValidationError);
  CHECK_THROWS_AS(click_to_call("555 123 4567", ""), ValidationError);
  CHECK_THROWS_AS(phone_match("555 123 4567", "555 123 4567", ""), ValidationError);
  // ZZ: only numbers written with their country code.
  CHECK_FALSE(phone_key("555 123 4567", "ZZ").has_value());
  CHECK(phone_key("+44 20 7946 0958", "ZZ") == std::optional<std::string>("+442079460958"));
}

TEST_CASE("phone: a site keys numbers in its region, then its fallback regions") {
  SiteConfig us, gb;
  gb.region = "GB";
  CHECK(phone_key("020 7946 0958", gb) == std::optional<std::string>("+442079460958"));
  CHECK(click_to_call("020 7946 0958", gb).e164 == "+442079460958");
  CHECK_FALSE(phone_key("020 7946 0958", us).has_value());  // not a number in the US
  CHECK(phone_key("(555) 123-4567", us) == std::optional<std::string>("+15551234567"));
  // A US site whose customers abroad write national numbers: valid only in GB, so read there.
  SiteConfig abroad = us;
  abroad.fallback_regions = {"GB"};
  CHECK(phone_key("020 7946 0958", abroad) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("(650) 253-0000", abroad) == std::optional<std::string>("+16502530000"));
  // The fictional 555 numbers are not valid in the US but "5551234567" is in GB. Nobody in
  // GB writes a national number without its trunk 0, so it stays +1: the same key as its
  // spelling with "+1" (the original reading split the two).
  CHECK(phone_key("(555) 123-4567", abroad) == std::optional<std::string>("+15551234567"));
  CHECK(phone_key("(555) 123-4567", abroad) == phone_key("+1 555 123 4567", abroad));
  CHECK(phone_key("(555) 123-4567", us) == std::optional<std::string>("+15551234567"));
  CHECK(phone_key("+44 20 7946 0958", abroad) == std::optional<std::string>("+442079460958"));
  SiteConfig unknown;
  unknown.region = "XX";
  CHECK_THROWS_AS(phone_key("555 123 4567", unknown), ValidationError);
}

TEST_CASE("phone: a site reads international prefixes written instead of '+'") {
  SiteConfig us, gb, au;
  gb.region = "GB";
  au.region = "AU";
  // The region's own prefix is libphonenumber's; the common ones of other regions are read
  // by the site (libphonenumber alone finds no number in them).
  CHECK_FALSE(phone_key("0044 20 7946 0958", "US").has_value());
  CHECK(phone_key("0044 20 7946 0958", us) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("00 44 20 7946 0958", us) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("001 415 555 0123", us) == std::optional<std::string>("+14155550123"));
  CHECK(phone_key("0011 44 20 7946 0958", us) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("011 44 20 7946 0958", us) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("011 1 650 253 0000", gb) == std::optional<std::string>("+16502530000"));
  CHECK(phone_key("0044 20 7946 0958", au) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("001 415 555 0123 x 22", us) == std::optional<std::string>("+14155550123"));
  CHECK(click_to_call("0044 20 7946 0958", us).e164 == "+442079460958");
  // What the site's region keys keeps libphonenumber's key; garbage stays garbage.
  CHECK(phone_key("020 7946 0958", gb) == std::optional<std::string>("+442079460958"));
  CHECK(phone_key("0113 496 0958", gb) == std::optional<std::string>("+441134960958"));
  for (const char* junk : {"00", "0011", "011", "00 12", "0044", "001", "00 abc", "+00 44 20"})
    CHECK_FALSE(phone_key(junk, us).has_value());
  CHECK_FALSE(phone_key("0113 496 0958", us).has_value());  // a GB national number, no fallback
}

TEST_CASE("phone: every site case gives the expected key") {
  auto cases = phone_cases::load_site_cases();
  REQUIRE(cases.size() >= 20);
  for (const auto& c : cases) {
    SiteConfig site;
    site.region = c.region;
    site.fallback_regions = c.fallback_regions;
    INFO(c.region << " " << c.raw << ": " << c.note);
    auto key = phone_key(c.raw, site);
    CHECK(key.value_or("") == c.key);
  }
}

TEST_CASE("phone: the grouping as written picks the fallback region of a national number") {
  SiteConfig site;
  site.fallback_regions = {"GB", "DE", "FR", "AU"};
  // Ofcom's drama range: invalid in GB, valid in DE; possible in GB and grouped as GB does.
  CHECK(phone_key("07700 900123", site) == std::optional<std::string>("+447700900123"));
  CHECK(phone_key("07700 900 123", site) == phone_key("+44 7700 900123", site));
  CHECK(phone_key("07700-900-123 x 22", site) == std::optional<std::string>("+447700900123"));
  // ACMA's fictional range, valid in DE, FR and AU: only AU groups it "02 5550 1234".
  CHECK(phone_key("02 5550 1234", site) == std::optional<std::string>("+61255501234"));
  CHECK(phone_key("(02) 5550 1234", site) == std::optional<std::string>("+61255501234"));
  // Valid in GB as "0305 551 2345", grouped as Germany groups it.
  CHECK(phone_key("030 5551 2345", site) == std::optional<std::string>("+493055512345"));
  CHECK(phone_key("01 99 00 12 34", site) == std::optional<std::string>("+33199001234"));
  CHECK(phone_key("020 7946 0123", site) == std::optional<std::string>("+442079460123"));
  // Without grouping to go by: the first region where the number is valid.
  CHECK(phone_key("0255501234", site) == std::optional<std::string>("+49255501234"));
  CHECK(phone_key("07700900123", site) == std::optional<std::string>("+497700900123"));
  // The order still ranks regions that group a number alike.
  SiteConfig de_first;
  de_first.fallback_regions = {"DE", "GB"};
  CHECK(phone_key("07700 900123", de_first) == std::optional<std::string>("+497700900123"));
  CHECK(click_to_call("07700 900123", site).e164 == "+447700900123");
}

TEST_CASE("phone: fallback regions read national numbers written with their trunk prefix") {
  SiteConfig site;
  site.fallback_regions = {"GB", "DE", "FR"};
  CHECK(phone_key("020 7946 0123", site) == std::optional<std::string>("+442079460123"));
  CHECK(phone_key("0161 496 0123", site) == std::optional<std::string>("+441614960123"));
  CHECK(phone_key("0113 496 0123", site) == std::optional<std::string>("+441134960123"));
  CHECK(phone_key("030 5551234", site) == std::optional<std::string>("+49305551234"));
  CHECK(phone_key("01 99 00 12 34", site) == std::optional<std::string>("+33199001234"));
  CHECK(phone_key("020 7946 0123 ext. 22", site) == std::optional<std::string>("+442079460123"));
  // North American numbers stay +1 however they are written.
  for (const char* n : {"(415) 555-0123", "415.555.0123", "+1 415 555 0123", "4155550123"})
    CHECK(phone_key(n, site) == std::optional<std::string>("+14155550123"));
  // Tried in order: "0305551234" is valid in DE, FR and AU alike; the first listed wins.
  SiteConfig au_first = site;
  au_first.fallback_regions = {"AU", "DE"};
  CHECK(phone_key("0305551234", au_first) == std::optional<std::string>("+61305551234"));
  // Grouped as Germany groups it ("030 5551234"; Australia writes "(03) 0555 1234").
  CHECK(phone_key("030 5551234", au_first) == std::optional<std::string>("+49305551234"));
  // Without fallback regions the site region alone decides (libphonenumber's answer).
  SiteConfig plain;
  CHECK(phone_key("030 5551234", plain) == phone_key("030 5551234", "US"));
  CHECK_FALSE(phone_key("020 7946 0123", plain).has_value());
  // The stored keys are the site's.
  auto store = make_memory_store();
  store->set_site(site);
  auto t = store->insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", "0044 20 7946 0123"}});
  CHECK(store->get("HD Ticket", t)->text("custom_contact_mobile_key") == "+442079460123");
}

TEST_CASE("phone: normalize_phone on a site reads a number as the site's stores key it") {
  for (const auto& c : phone_cases::load_site_cases()) {
    SiteConfig site;
    site.region = c.region;
    site.fallback_regions = c.fallback_regions;
    INFO(c.region << " " << c.raw << ": " << c.note);
    auto phone = normalize_phone(c.raw, site);
    CHECK((phone ? phone->key() : std::string()) == c.key);
  }
  // Key and extension are the ones a store on that site writes beside the number.
  SiteConfig site;
  site.fallback_regions = {"GB", "DE"};
  auto store = make_memory_store();
  store->set_site(site);
  for (const char* raw : {"020 7946 0123 ext. 22", "0044 20 7946 0123 x 7", "030 5551234",
                          "(415) 555-0123 #12", "+1 415 555 0123", "555-0123", "not a number"}) {
    INFO(raw);
    auto t = store->insert("HD Ticket", {{"subject", "x"}, {"contact_mobile", raw}});
    auto row = store->get("HD Ticket", t);
    auto phone = normalize_phone(raw, site);
    CHECK((phone ? phone->key() : std::string()) == row->text("custom_contact_mobile_key"));
    CHECK((phone && phone->possible ? phone->extension : std::string()) ==
          row->text("custom_contact_mobile_ext"));
  }
  CHECK(normalize_phone("020 7946 0123", site)->region == "GB");
  CHECK_FALSE(normalize_phone("not a number", site).has_value());
  SiteConfig unknown;
  unknown.region = "XX";
  CHECK_THROWS_AS(normalize_phone("020 7946 0123", unknown), ValidationError);
}

TEST_CASE("phone: extensions are ignored when missing on one side, never for dialling") {
  CHECK(phone_match("(555) 123-4567 x 89", "555-123-4567") == PhoneMatch::kExact);
  CHECK(phone_match("+15551234567", "555.123.4567 ext. 89") == PhoneMatch::kExact);
  CHECK(phone_match("(555) 123-4567 x 89", "555-123-4567", "US", ExtensionMatch::kStrict) ==
        PhoneMatch::kShortNsn);
  CHECK(phone_match("(555) 123-4567 x 89", "555-123-4567 x 90") != PhoneMatch::kExact);
  CHECK(phone_match("(555) 123-4567 x 89", "555-123-4567 #89") == PhoneMatch::kExact);
  CHECK(same_line("+15551234567", "", "+15551234567", "89"));
  CHECK_FALSE(same_line("+15551234567", "", "+15551234567", "89", ExtensionMatch::kStrict));
  CHECK_FALSE(same_line("+15551234567", "90", "+15551234567", "89"));
  CHECK_FALSE(same_line("", "", "", ""));
  CHECK_FALSE(same_line("+15551234567", "", "+15551234568", ""));
  CHECK(click_to_call("(555) 123-4567 x 89").tel == "tel:+15551234567;ext=89");
}

TEST_CASE("phone: digits_only is the seed's normalization") {
  CHECK(digits_only("+1 (555) 123-4567") == "15551234567");
  CHECK(digits_only("555.123.4567") == "5551234567");
  CHECK(digits_only("abc") == "");
  CHECK(digits_only("\xef\xbc\x91") == "");  // full-width digits are not ASCII digits
}

TEST_CASE("phone: phone_match levels") {
  CHECK(phone_match("+1 555-123-4567", "555.123.4567", "US") == PhoneMatch::kExact);
  CHECK(phone_match("+1 555-123-4567", "555.123.4567", "GB") == PhoneMatch::kNsn);
  CHECK(phone_match("+44 7700 900123", "07700 900123", "GB") == PhoneMatch::kExact);
  CHECK(phone_match("+44 7700 900123", "07700 900123", "US") == PhoneMatch::kNsn);
  CHECK(phone_match("+64 3 331-6005 extn 1234", "+6433316005#1234", "US") == PhoneMatch::kExact);
  CHECK(phone_match("+1 650 253 0000", "253 0000", "US") == PhoneMatch::kShortNsn);
  // A missing extension matches any (the default); libphonenumber's SHORT_NSN when strict.
  CHECK(phone_match("+1 555 123 4567 x 1", "+1 555 123 4567", "US") == PhoneMatch::kExact);
  CHECK(phone_match("+1 555 123 4567 x 1", "+1 555 123 4567", "US", ExtensionMatch::kStrict) ==
        PhoneMatch::kShortNsn);
  CHECK(phone_match("+1 555 123 4567 x 1", "+1 555 123 4567 x 2", "US") == PhoneMatch::kNone);
  CHECK(phone_match("+91 9845552671", "+1 9845552671", "US") == PhoneMatch::kNone);
  for (const char* garbage : {"", "   ", "abc", "+---", "12", "123"}) {
    CAPTURE(garbage);
    CHECK(phone_match(garbage, garbage, "US") == PhoneMatch::kNone);
    CHECK(phone_match(garbage, "+1 555 123 4567", "US") == PhoneMatch::kNone);
  }
  CHECK(std::string(phone_match_name(PhoneMatch::kShortNsn)) == "SHORT_NSN");
  CHECK(std::string(phone_match_name(PhoneMatch::kExact)) == "EXACT");
}

TEST_CASE("phone: click_to_call links with the E.164 digits; non-dialable input refused") {
  auto c = click_to_call("(555) 123-4567", "US");
  CHECK(c.e164 == "+15551234567");
  CHECK(c.desktop == "rcapp://r/call?number=15551234567");
  CHECK(c.web == "https://app.ringcentral.com/r/call?number=15551234567");
  CHECK(c.tel == "tel:+15551234567");
  CHECK(c.extension.empty());
  auto x = click_to_call("+44 20 7946 0958 ext. 12", "US");
  CHECK(x.e164 == "+442079460958");
  CHECK(x.extension == "12");
  CHECK(x.tel == "tel:+442079460958;ext=12");
  CHECK(x.desktop == "rcapp://r/call?number=442079460958");
  CHECK(click_to_call("+1 (650) 555-0100", "US").desktop == "rcapp://r/call?number=16505550100");
  for (const char* bad : {"", "abc", "12", "253 0000", "1 MICROSOFT", "+1 555 123 4567 8901 2345"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(click_to_call(bad, "US"), ValidationError);
  }
  try {
    click_to_call("253 0000", "US");
  } catch (const ValidationError& e) {
    CHECK(std::string(e.what()).find("area code") != std::string::npos);
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("phone: keys are computed safely from many threads") {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const char* raw = (i + t) % 2 ? "+44 7700 900123" : "(555) 123-4567";
        auto key = phone_key(raw, (i + t) % 2 ? "GB" : "US");
        if (!key || key->empty()) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
}

TEST_CASE("phone: the keyed fields of each doctype") {
  CHECK(keyed_doctypes().size() == 6);
  const auto& lead = phone_key_fields("CRM Lead");
  REQUIRE(lead.size() == 2);
  CHECK(lead[0].source == "mobile_no");
  CHECK(lead[0].key == "custom_mobile_no_key");
  CHECK(lead[0].extension == "custom_mobile_no_ext");
  CHECK(phone_key_fields("HD Ticket").front().key == "custom_contact_mobile_key");
  CHECK(phone_key_fields("Helpdesk Call Log").size() == 2);
  CHECK(phone_key_fields("Communication").empty());
}

TEST_CASE("phone: input longer than 250 bytes is no number, as in libphonenumber's Java and Python") {
  // libphonenumber's C++ regular expressions take quadratic time on long input, and a call
  // payload's number is anyone's text: such input gets no key, whatever it pads.
  const std::string padded = "+1 650 555 0100" + std::string(300, ' ');
  CHECK(phone_key(std::string_view(padded).substr(0, 250), "US") == std::optional<std::string>("+16505550100"));
  CHECK_FALSE(phone_key(padded, "US").has_value());
  CHECK_FALSE(phone_key("(650) 555-0100" + std::string(300, ' '), "US").has_value());
  CHECK_FALSE(phone_key(std::string(300, ' ') + "+44 20 7946 0958", "US").has_value());
  SiteConfig site;
  site.region = "US";
  CHECK_FALSE(phone_key(padded, site).has_value());
  CHECK_FALSE(normalize_phone(padded, "US").has_value());
  CHECK(phone_match(padded, "+16505550100", "US") == PhoneMatch::kNone);
  CHECK_FALSE(phone_key(std::string(40000, '1'), "US").has_value());  // and no 16-second parse
}
