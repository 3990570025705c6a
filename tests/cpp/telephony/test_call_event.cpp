#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/switchboard.h"
#include "core/datetime.h"
#include "telephony_data.h"

using namespace switchboard;

namespace {
struct UtcZone {  // times in these tests are checked in UTC
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};
const UtcZone kUtc;
}  // namespace

TEST_CASE("the seed's Pabbly curl payload") {
  CallEvent ev = parse_call_event(telephony_fixture("seed_curl.json"));
  CHECK(ev.kind == CallEventKind::kRelay);
  CHECK(ev.call_id == "test-123");
  CHECK(ev.direction == "Inbound");
  CHECK(ev.from.phone_number == "+15551234567");
  CHECK(ev.from.name == "Test Caller");
  CHECK(ev.to.phone_number == "+15559876543");
  CHECK(ev.start_time == "2025-01-06 10:30:00");
  REQUIRE(ev.duration);
  CHECK(*ev.duration == 120);
  CHECK(ev.result == "Call connected");
  CHECK(ev.recording_id == "rec-test-123");
  CHECK(ev.recording_url == "https://example.com/recording.mp3");
  CHECK(ev.upsert_key() == "test-123");
}

TEST_CASE("Pabbly templates: strings for numbers, empty and \"null\" mean absent") {
  CallEvent ev = parse_call_event(telephony_fixture("relay_templated.json"));
  CHECK(ev.session_id == "99001234");
  CHECK(ev.from.name.empty());
  CHECK(ev.to.name == "Support Line");
  REQUIRE(ev.duration);
  CHECK(*ev.duration == 95);
  CHECK(ev.start_time == "2026-03-02 14:05:09");
  CHECK(ev.recording_id.empty());  // "null" id, empty contentUri
  CHECK(ev.recording_url.empty());
  auto placeholder = parse_call_event(R"({"call_id": "{{1.id}}", "session_id": "55", "duration": "{{1.duration}}"})");
  CHECK(placeholder.call_id.empty());
  CHECK(placeholder.upsert_key() == "55");
  CHECK_FALSE(placeholder.duration);
}

TEST_CASE("recording-ready relay and the Recording URL Extraction Fix") {
  CallEvent ev = parse_call_event(telephony_fixture("recording_ready.json"));
  CHECK(ev.kind == CallEventKind::kRecordingReady);
  CHECK(ev.call_id == "7331001");
  CHECK(ev.recording_id == "4410020011");
  // An id alone still gives the media URL.
  CallEvent only_id = parse_call_event(R"({"call_id": "c1", "recording": {"id": 987654}})");
  CHECK(only_id.recording_url == "https://media.ringcentral.com/restapi/v1.0/account/~/recording/987654/content");
  // A URL alone gives the id.
  CallEvent only_url = parse_call_event(
      R"({"call_id": "c2", "recording_url": "https://platform.ringcentral.com/restapi/v1.0/account/~/recording/4242/content"})");
  CHECK(only_url.recording_id == "4242");
}

TEST_CASE("RingCentral call-log records, simple and detailed, ids as numbers") {
  CallEvent ev = parse_call_event(telephony_fixture("call_log_simple.json"));
  CHECK(ev.kind == CallEventKind::kCallLog);
  CHECK(ev.call_id == "BCd7Ee8Ff9Gg0");
  CHECK(ev.session_id == "22880011223");
  CHECK(ev.telephony_session_id == "s-0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  CHECK(ev.direction == "Outbound");
  CHECK(ev.to.phone_number == "+16505550100");
  CHECK(ev.from.extension_number == "101");
  CHECK(ev.recording_id == "5550001111");  // a JSON number
  CHECK(ev.start_time == "2026-02-10 16:20:00");
  CallEvent detailed = parse_call_event(telephony_fixture("call_log_detailed.json"));
  CHECK(detailed.call_id == "8812345670");
  CHECK(detailed.session_id == "31337000111");
  CHECK(detailed.to.phone_number.empty());
  CHECK(detailed.to.extension_number == "102");
  CHECK(detailed.result == "Hold Music Suspended");
}

TEST_CASE("telephony-session notifications") {
  CallEvent ev = parse_call_event(telephony_fixture("telephony_seq3.json"));
  CHECK(ev.kind == CallEventKind::kTelephonySession);
  CHECK(ev.event_uuid == "998877665544332213");
  REQUIRE(ev.sequence);
  CHECK(*ev.sequence == 3);
  CHECK(ev.telephony_session_id == "s-f00dfeedcafe4a4bb1234567890abcde");
  CHECK(ev.session_id == "700800900100");
  CHECK(ev.status_code == "Answered");
  CHECK(ev.direction == "Inbound");
  CHECK(ev.from.phone_number == "+16505550100");
  CHECK(ev.recording_id == "6660001234");
  CHECK(ev.upsert_key() == "s-f00dfeedcafe4a4bb1234567890abcde");
  REQUIRE(ev.missed_call);
  CHECK_FALSE(*ev.missed_call);
}

TEST_CASE("malformed, oversized and unrecognised bodies raise ParseError with a position") {
  try {
    parse_call_event(R"({"call_id": "x", "from_number": [1, 2)");
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.position() != ParseError::npos);
    CHECK(e.position() <= 40);
    CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_call_event(""), ParseError);
  CHECK_THROWS_AS(parse_call_event("[1, 2]"), ParseError);
  CHECK_THROWS_AS(parse_call_event(R"({"hello": "world"})"), ParseError);
  CHECK_THROWS_AS(parse_call_event(R"({"direction": "Inbound", "from_number": "+1555"})"), ParseError);
  std::string huge = R"({"call_id": ")" + std::string(kMaxCallEventBytes, 'x') + R"("})";
  try {
    parse_call_event(huge);
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.position() == kMaxCallEventBytes);
  }
}

// Every way a body can be hostile to a JSON parser ends in ParseError, never another error
// (an out-of-range number used to escape as the JSON library's own out_of_range).
TEST_CASE("out-of-range numbers, deep nesting and huge strings are ParseError, nothing else") {
  const std::string deep_arrays = R"({"call_id": "x", "legs": )" + std::string(100000, '[') +
                                  std::string(100000, ']') + "}";
  std::string deep_objects = R"({"call_id": "x", "legs": )";
  for (int i = 0; i < 50000; ++i) deep_objects += R"({"a":)";
  deep_objects += "1" + std::string(50000, '}') + "}";
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {"1e400", R"({"call_id": "x", "from_number": "+14155550100", "duration": 1e400})"},
      {"-1e400", R"({"call_id": "x", "from_number": "+14155550100", "duration": -1e400})"},
      {"1e400 as the id", R"({"call_id": 1e400, "from_number": "+14155550100"})"},
      {"1e400 in a telephony body", R"({"uuid": "u", "body": {"telephonySessionId": "s", "sequence": 1e400}})"},
      {"huge integer", R"({"call_id": )" + std::string(400, '9') + "}"},
      {"deep arrays", deep_arrays},
      {"deep objects", deep_objects},
      {"unclosed nesting", std::string(kMaxCallEventBytes - 10, '[')},
      {"unterminated huge string", R"({"call_id": ")" + std::string(kMaxCallEventBytes - 100, 'x')},
      {"invalid UTF-8", "{\"call_id\": \"\xff\xfe\", \"from_number\": \"+14155550100\"}"},
      {"NUL bytes", std::string("{\"call_id\": \"a\0b\"\0}", 19)},
  };
  for (const auto& item : hostile) {
    const auto& name = item.first;  // named, not bound: CAPTURE is a lambda
    const auto& body = item.second;
    CAPTURE(name);
    try {
      parse_call_event(body);
      FAIL("expected ParseError");
    } catch (const ParseError& e) {
      CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
    } catch (const std::exception& e) {
      FAIL("escaped as another exception: " << e.what());
    }
  }
  // The other JSON entry point of telephony, transcripts, holds the same way.
  for (const std::string& insights :
       {std::string(R"({"insights": {"Transcript": [{"speakerId": "1", "text": "hi", "start": 1e400}]}})"),
        R"({"insights": {"Transcript": )" + std::string(5000, '[') + std::string(5000, ']') + "}}",
        std::string("{\"speakerInfo\": \"\xff\"}")}) {
    CHECK_THROWS_AS(format_transcript(insights), ParseError);
  }
  try {  // an out-of-range number is located at its last byte
    parse_call_event(R"({"call_id": "x", "duration": 1e400})");
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.position() == 33);
  }
  // A huge but well-formed string is data, not an error; the body limit bounds it.
  CallEvent ev = parse_call_event(R"({"call_id": "x", "from_name": ")" + std::string(500000, 'n') + R"("})");
  CHECK(ev.from.name.size() == 500000);
  // Numbers at the edge of the range are still numbers.
  CHECK(*parse_call_event(R"({"call_id": "x", "duration": 1e308})").duration == doctest::Approx(1e308));
}

TEST_CASE("extract_recording_id understands every RingCentral URL form") {
  CHECK(extract_recording_id("https://media.ringcentral.com/restapi/v1.0/account/~/recording/123/content") == "123");
  CHECK(extract_recording_id("https://media.ringcentral.com:443/restapi/v1.0/account/9/recording/456/content?contentDisposition=Inline") == "456");
  CHECK(extract_recording_id("https://platform.ringcentral.com/restapi/v1.0/account/~/recording/789") == "789");
  CHECK(extract_recording_id("https://platform.devtest.ringcentral.com/restapi/v1.0/account/~/extension/~/recording/1011/content#t=3") == "1011");
  CHECK(extract_recording_id("https://x.example/player?foo=1&recordingId=1213") == "1213");
  CHECK(extract_recording_id(" 1415 ") == "1415");
  CHECK(extract_recording_id("rec-test-123") == "rec-test-123");
  CHECK_FALSE(extract_recording_id("https://example.com/recording.mp3"));
  CHECK_FALSE(extract_recording_id(""));
  CHECK_FALSE(extract_recording_id("https://media.ringcentral.com/restapi/v1.0/account/~/recording//content"));
  CHECK(recording_url("123") == "https://media.ringcentral.com/restapi/v1.0/account/~/recording/123/content");
  CHECK(recording_url("55", "4001") == "https://media.ringcentral.com/restapi/v1.0/account/4001/recording/55/content");
  CHECK_THROWS_AS(recording_url("../etc"), ValidationError);
  CHECK_THROWS_AS(recording_url(""), ValidationError);
}

TEST_CASE("format_transcript renders RingSense insights with speaker names") {
  std::string text = format_transcript(telephony_fixture("insights.json"));
  CHECK(text ==
        "[Alex Agent]: Thanks for calling, this is Alex.\n"
        "[Dana Client]: Hi, my order hasn't shipped yet.\n"
        "[2]: A third voice nobody named.");
  CHECK(format_transcript(R"({"segments": [{"speakerId": 3, "text": "hi"}, {"text": "no speaker"}]})") ==
        "[3]: hi\n[Unknown]: no speaker");
  CHECK(format_transcript(R"({"insights": {"Summary": []}})").empty());
  CHECK_THROWS_AS(format_transcript("{not json"), ParseError);
}

TEST_CASE("ISO times become naive local datetimes") {
  CHECK(dates::local_from_iso8601("2025-01-06T10:30:00Z") == "2025-01-06 10:30:00");
  CHECK(dates::local_from_iso8601("2025-01-06T10:30:00.999+02:00") == "2025-01-06 08:30:00");
  CHECK(dates::local_from_iso8601("2025-01-06T10:30Z") == "2025-01-06 10:30:00");
  CHECK(dates::local_from_iso8601("2025-01-06 10:30:00") == "2025-01-06 10:30:00");
  CHECK(dates::local_from_iso8601("2025-01-06") == "2025-01-06 00:00:00");
  CHECK(dates::local_from_iso8601("yesterday").empty());
  CHECK(dates::local_from_iso8601("2025-13-06T10:30:00Z").empty());
  CHECK(dates::local_from_iso8601("").empty());
}
