"""Calls from Python, the frontdesk `calls` command and the call_webhook_server example."""
import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

import switchboard as sb
from conftest import BUILD, ROOT

DATA = os.path.join(ROOT, "tests", "data", "telephony")


def fixture(name: str) -> str:
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def test_parse_call_event_all_shapes():
    relay = sb.parse_call_event(fixture("seed_curl.json"))
    assert relay.kind == "relay" and relay.call_id == "test-123"
    assert relay.from_party["phone_number"] == "+15551234567"
    assert relay.duration == 120 and relay.recording_id == "rec-test-123"
    record = sb.parse_call_event(fixture("call_log_simple.json").encode())
    assert record.kind == "call_log" and record.direction == "Outbound"
    assert record.recording_id == "5550001111"
    note = sb.parse_call_event(fixture("telephony_seq2.json"))
    assert note.kind == "telephony_session" and note.sequence == 2
    assert note.status_code == "Proceeding" and note.upsert_key.startswith("s-")
    with pytest.raises(sb.ParseError) as err:
        sb.parse_call_event('{"call_id": 1, "x": [')
    assert err.value.position is not None
    with pytest.raises(sb.ParseError):
        sb.parse_call_event("[]")
    with pytest.raises(sb.ValidationError):
        sb.parse_call_event(42)


def test_recording_helpers():
    assert sb.recording_url("123") == "https://media.ringcentral.com/restapi/v1.0/account/~/recording/123/content"
    assert sb.extract_recording_id("https://platform.ringcentral.com/restapi/v1.0/account/~/recording/9/content") == "9"
    assert sb.extract_recording_id("https://example.com/recording.mp3") is None
    text = sb.format_transcript(fixture("insights.json"))
    assert text.splitlines()[0] == "[Alex Agent]: Thanks for calling, this is Alex."


def test_logger_links_by_phone_key_on_every_backend(make_store):
    store = make_store()
    ticket = store.insert("HD Ticket", {"subject": "patio", "contact_mobile": "(555) 123-4567"})
    logger = sb.CallLogger(store, company_numbers=["+15559876543"])
    first = logger.ingest(fixture("seed_curl.json"))
    assert first["action"] == "created" and first["ticket"] == ticket
    assert logger.ingest(sb.parse_call_event(fixture("seed_curl.json")))["action"] == "duplicate"
    assert store.count("Helpdesk Call Log") == 1 and store.count("CRM Call Log") == 1


def test_call_logs_never_name_a_doctype_without_a_record_and_missed_calls_open_no_ticket(make_store):
    store = make_store()
    logger = sb.CallLogger(store, company_numbers=["+15559876543"], create_tickets=True)
    missed = logger.ingest(json.dumps({"call_id": "m1", "direction": "Inbound", "from_number": "+16505550100",
                                       "to_number": "+15559876543", "result": "Missed"}))
    assert not missed["ticket_created"] and store.count("HD Ticket") == 0
    log = store.get("CRM Call Log", missed["crm_call_log"])
    assert not log.get("reference_doctype") and not log.get("reference_docname")
    out = logger.ingest(json.dumps({"call_id": "o1", "direction": "Outbound", "from_number": "+15559876543",
                                    "to_number": "+16505550100", "result": "Call connected", "duration": 30}))
    assert not out["ticket_created"]
    eager = sb.CallLogger(store, company_numbers=["+15559876543"], create_tickets=True,
                          tickets_for_unanswered=True, tickets_for_outbound=True)
    assert eager.ingest(json.dumps({"call_id": "m2", "direction": "Inbound", "from_number": "+16505550101",
                                    "result": "Missed"}))["ticket_created"]


class Canned(sb.TranscriptSource):
    def __init__(self):
        sb.TranscriptSource.__init__(self)
        self.calls = []

    def fetch_insights(self, recording_id, telephony_session_id):
        self.calls.append((recording_id, telephony_session_id))
        return fixture("insights.json")


def test_transcript_cache_with_a_python_source():
    store = sb.SqliteStore()
    logger = sb.CallLogger(store)
    log = logger.ingest(fixture("call_log_simple.json"))["call_log"]
    source = Canned()
    first = sb.get_or_create_transcript(store, "Helpdesk Call Log", log, source)
    assert first["success"] and first["cached"] is False
    again = sb.get_or_create_transcript(store, "Helpdesk Call Log", log, source)
    assert again["cached"] is True and len(source.calls) == 1
    assert sb.refresh_transcript(store, "Helpdesk Call Log", log, source)["cached"] is False
    assert source.calls[0][0] == "5550001111"


def test_webhook_handler_from_python():
    store = sb.MemoryStore()
    handler = sb.WebhookHandler(sb.CallLogger(store), relay_secret="s3cret")
    status, headers, body = handler.handle({"Validation-Token": "v"}, b"")
    assert status == 200 and headers["Validation-Token"] == "v" and body == b""
    status, _, body = handler.handle({}, fixture("seed_curl.json"))
    assert status == 401 and json.loads(body)["success"] is False
    status, _, body = handler.handle({"X-Webhook-Secret": "s3cret"}, fixture("seed_curl.json").encode())
    reply = json.loads(body)
    assert status == 200 and reply["success"] and reply["call_log_name"]


def test_manual_call_log_and_payload_processing():
    store = sb.MemoryStore()
    logger = sb.CallLogger(store, company_numbers=["+15559876543"])
    name = logger.create_manual_call_log("650-555-0100")
    log = store.get("Helpdesk Call Log", name)
    assert (log["type"], log["status"], log["from_number"]) == ("Outgoing", "Initiated", "+15559876543")
    with pytest.raises(sb.ValidationError):
        logger.create_manual_call_log("not a number")
    assert sb.process_crm_payload(logger, "missing")["status"] == "Missing"
    payload = store.insert("RingCentral CRM Payload", {"payload": fixture("seed_curl.json")})
    assert sb.process_crm_payload(logger, payload)["status"] == "Processed"


def test_ingest_releases_the_gil():
    store = sb.SqliteStore()
    logger = sb.CallLogger(store)
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=count)
    t.start()
    bodies = [json.dumps({"call_id": f"c{i}", "direction": "Inbound", "from_number": f"+1650555{i:04d}"})
              for i in range(300)]
    for b in bodies:
        logger.ingest(b)
    stop.set()
    t.join()
    assert store.count("Helpdesk Call Log") == 300 and len(ticks) > 0


def test_frontdesk_calls_ingests_a_jsonl_file(frontdesk_bin, tmp_path):
    lines = [json.dumps(json.loads(fixture(n))) for n in
             ("seed_curl.json", "telephony_seq4.json", "telephony_seq2.json", "call_log_simple.json")]
    lines += [lines[0], "{broken", ""]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "calls.sqlite")
    subprocess.run([frontdesk_bin, "init", "--db", db], check=True, capture_output=True)
    out = subprocess.run([frontdesk_bin, "--db", db, "calls", str(path), "--company-number", "+15559876543"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr  # one line was broken
    # seq 2 after seq 4 is stale: a duplicate like the redelivered first line
    assert "6 events" in out.stdout and "2 duplicate" in out.stdout and "1 failed" in out.stdout
    assert "calls.jsonl:6:" in out.stderr
    store = sb.SqliteStore(db)
    assert store.count("Helpdesk Call Log") == 3


def test_out_of_range_numbers_are_parse_errors():
    for body in ('{"call_id": "x", "from_number": "+14155550100", "duration": 1e400}',
                 '{"call_id": "x", "legs": ' + "[" * 5000 + "]" * 5000 + "}"):
        with pytest.raises(sb.ParseError):
            sb.parse_call_event(body)


def test_frontdesk_calls_keeps_the_good_lines_around_a_bad_one(frontdesk_bin, tmp_path):
    """A line the parser rejects (1e400) is reported with its number and skipped; the lines
    before and after it in the same batch are kept."""
    good = [json.dumps({"call_id": f"ok-{i}", "direction": "Inbound", "from_number": f"+1415555010{i}",
                        "to_number": "+15559876543", "duration": 10}) for i in range(4)]
    bad = '{"call_id": "bad", "direction": "Inbound", "from_number": "+14155550199", "duration": 1e400}'
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(good[:2] + [bad] + good[2:]) + "\n")
    db = str(tmp_path / "calls.sqlite")
    subprocess.run([frontdesk_bin, "init", "--db", db], check=True, capture_output=True)
    out = subprocess.run([frontdesk_bin, "--db", db, "calls", str(path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1, out.stderr
    assert "5 events" in out.stdout and "4 created" in out.stdout and "1 failed" in out.stdout
    assert "calls.jsonl:3:" in out.stderr and "[parse]" in out.stderr
    ids = {r["call_id"] for r in sb.SqliteStore(db).find("Helpdesk Call Log", fields=["call_id"])}
    assert ids == {"ok-0", "ok-1", "ok-2", "ok-3"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def webhook_server(tmp_path):
    binary = os.path.join(BUILD, "examples", "call_webhook_server", "call_webhook_server")
    db = str(tmp_path / "server.sqlite")
    store = sb.SqliteStore(db)
    ticket = store.insert("HD Ticket", {"subject": "Where is my patio set?", "contact_mobile": "(555) 123-4567"})
    store.insert("HD Ticket", {"subject": "someone else", "contact_mobile": "+1 415 555 0000"})
    del store
    proc = subprocess.Popen([binary, "--db", db, "--port", "0", "--relay-secret", "sk_live_abc123",
                             "--company-number", "+15559876543"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), line + proc.stderr.read()
    url = line.split()[-1]
    yield url, db, ticket
    proc.terminate()
    proc.wait(timeout=10)


def _post(url, body, headers):
    req = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), dict(e.headers)


def test_seed_curl_example_against_the_webhook_server(webhook_server):
    url, db, ticket = webhook_server
    endpoint = url + "/api/method/helpdesk.api.ringcentral_webhook.pabbly_webhook"
    headers = {"Content-Type": "application/json", "X-Webhook-Secret": "sk_live_abc123"}
    body = fixture("seed_curl.json")
    status, reply, _ = _post(endpoint, body, headers)
    assert status == 200 and reply["success"] is True, reply
    assert reply["message"] == "Call log created"
    status, reply2, _ = _post(endpoint, body, headers)
    assert status == 200 and reply2["message"] == "Duplicate event ignored"
    assert reply2["call_log_name"] == reply["call_log_name"]
    status, _, _ = _post(endpoint, body, {"Content-Type": "application/json"})
    assert status == 401
    status, _, resp_headers = _post(url + "/webhook", "", {"Validation-Token": "hello"})
    assert status == 200 and resp_headers.get("Validation-Token") == "hello"
    store = sb.SqliteStore(db)
    logs = store.find("Helpdesk Call Log")
    assert len(logs) == 1
    assert logs[0]["ticket"] == ticket and logs[0]["call_id"] == "test-123"
