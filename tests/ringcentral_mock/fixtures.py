"""Data the mock serves: call-log records, recordings and ACE insights. Written for these
tests (shapes follow RingCentral's documented fields; no RingCentral file is copied)."""
from __future__ import annotations

import datetime as dt
import hashlib

ACCOUNT_ID = "400100200"
OWNER_ID = "400100201"
EXTENSION = {
    "id": int(OWNER_ID),
    "extensionNumber": "101",
    "name": "Front Desk",
    "type": "User",
    "status": "Enabled",
    "account": {"id": ACCOUNT_ID},
    "contact": {"firstName": "Front", "lastName": "Desk", "email": "desk@example.test"},
}

# Call-log records start at this instant, one every 10 minutes.
EPOCH = dt.datetime(2024, 3, 1, 8, 0, 0, tzinfo=dt.timezone.utc)
CALL_COUNT = 230
SECOND_EXTENSION = "102"


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_iso(text: str) -> dt.datetime:
    text = text.strip().replace("Z", "+00:00")
    if "T" not in text:
        text += "T00:00:00+00:00"
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def call_record(i: int, *, start: dt.datetime | None = None, session: str | None = None,
                extension: str = "101") -> dict:
    """The i-th synthetic call: alternating directions, a recording on every third call."""
    start = start or EPOCH + dt.timedelta(minutes=10 * i)
    inbound = i % 2 == 0
    customer = {"phoneNumber": f"+1650555{i % 10000:04d}", "name": f"Caller {i}"}
    desk = {"phoneNumber": "+16505550000", "extensionNumber": extension, "name": "Front Desk"}
    rec = {
        "id": f"CL{i:05d}",
        "uri": f"/restapi/v1.0/account/{ACCOUNT_ID}/call-log/CL{i:05d}",
        "sessionId": str(700000000 + i),
        "telephonySessionId": session or f"s-mock{i:05d}",
        "startTime": iso(start),
        "duration": 30 + i % 300,
        "type": "Voice",
        "direction": "Inbound" if inbound else "Outbound",
        "action": "Phone Call",
        "result": "Accepted" if i % 5 else "Missed",
        "from": customer if inbound else desk,
        "to": desk if inbound else customer,
        "lastModifiedTime": iso(start + dt.timedelta(minutes=5)),
        "_extension": extension,
    }
    if i % 3 == 0:
        rid = str(9100000 + i)
        rec["recording"] = {"id": rid, "type": "Automatic",
                            "uri": f"/restapi/v1.0/account/{ACCOUNT_ID}/recording/{rid}"}
    return rec


def initial_call_log() -> list[dict]:
    return [call_record(i, extension=SECOND_EXTENSION if i % 4 == 3 else "101")
            for i in range(CALL_COUNT)]


def detailed(rec: dict) -> dict:
    """The Detailed view adds legs; extension.id is a JSON number there."""
    out = dict(rec)
    out["legs"] = [{
        "startTime": rec["startTime"], "duration": rec["duration"], "type": "Voice",
        "direction": rec["direction"], "action": rec["action"], "result": rec["result"],
        "legType": "Accept" if rec["direction"] == "Inbound" else "PstnToSip",
        "from": rec["from"], "to": rec["to"],
        "extension": {"id": int(OWNER_ID), "uri": f"/restapi/v1.0/account/{ACCOUNT_ID}/extension/{OWNER_ID}"},
    }]
    return out


def audio_bytes(recording_id: str, size: int) -> bytes:
    """Deterministic content of a recording (so a test can check every byte)."""
    seed = hashlib.sha256(recording_id.encode()).digest()
    block = hashlib.sha256(seed + b"block").digest() * 64  # 2 KiB
    return (block * (size // len(block) + 1))[:size]


# id -> how the media host answers. kind: "audio" (content_type, size), "redirect" (target
# name resolved by the server), "html" (a wrong content type).
RECORDINGS = {
    "9001": {"kind": "audio", "content_type": "audio/mpeg", "size": 300_000, "duration": 62},
    "9002": {"kind": "audio", "content_type": "audio/wav", "size": 64_000, "duration": 8},
    "9003": {"kind": "audio", "content_type": "text/html; charset=utf-8", "size": 2_000, "duration": 5},
    "9004": {"kind": "redirect", "target": "cdn"},          # https-like allowed origin, no credentials
    "9005": {"kind": "redirect", "target": "plain_http"},   # http:// somewhere
    "9006": {"kind": "redirect", "target": "loopback"},     # https://localhost:<port>/...
    "9007": {"kind": "redirect", "target": "private"},      # https://10.20.30.40/...
    "9008": {"kind": "redirect", "target": "loop"},         # redirects to itself forever
    "9009": {"kind": "redirect", "target": "link_local"},   # https://169.254.169.254/...
    "9010": {"kind": "audio", "content_type": "audio/mpeg", "size": 4_000_000, "duration": 600},
}
for _i in range(0, CALL_COUNT, 3):  # the call log's own recordings
    RECORDINGS[str(9100000 + _i)] = {"kind": "audio", "content_type": "audio/mpeg",
                                     "size": 20_000, "duration": 30}


def insights(recording_id: str = "", session_id: str = "") -> dict:
    """ACE insights with a transcript between two speakers (one named only by number)."""
    return {
        "title": "Call with a customer",
        "domain": "pbx",
        "sourceRecordId": recording_id,
        "sourceSessionId": session_id or "s-mock00000",
        "callDirection": "Inbound",
        "recordingDurationMs": 62000,
        "recordingStartTime": iso(EPOCH),
        "speakerInfo": [
            {"speakerId": "0", "name": "Front Desk", "extensionId": OWNER_ID},
            {"speakerId": "1", "name": "Ann Customer", "phoneNumber": "+16505550100"},
        ],
        "insights": {
            "Transcript": [
                {"speakerId": "0", "text": "Thanks for calling, how can I help?", "start": 0.4, "end": 2.9},
                {"speakerId": "1", "text": "My order has not arrived yet.", "start": 3.1, "end": 5.2},
                {"speakerId": "0", "text": "Let me look that up for you.", "start": 5.5, "end": 7.0},
            ],
            "Summary": [{"value": "Customer asks about a late order."}],
        },
    }


# Recording ids / session ids whose insights are forbidden (no ACE licence) or missing.
INSIGHTS_FORBIDDEN = {"9403", "s-forbidden"}
INSIGHTS_AVAILABLE = {"9001", "9002", "s-mock00000"}


def iso_float(t: float) -> str:
    """Unix seconds as RingCentral's ISO 8601 UTC with milliseconds."""
    d = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def sim_insights(recording_id: str, session_id: str, caller: str) -> dict:
    """ACE insights of a simulated call: a transcript that names its recording, so a
    transcript cached on the wrong call shows."""
    return {
        "title": f"Call {recording_id}", "domain": "pbx", "sourceRecordId": recording_id,
        "sourceSessionId": session_id, "callDirection": "Inbound", "recordingDurationMs": 30000,
        "speakerInfo": [{"speakerId": "0", "name": "Front Desk", "extensionId": OWNER_ID},
                        {"speakerId": "1", "name": caller}],
        "insights": {"Transcript": [
            {"speakerId": "0", "text": f"Front desk, recording {recording_id}.", "start": 0.2, "end": 1.5},
            {"speakerId": "1", "text": f"Hello, this is {caller}.", "start": 1.7, "end": 3.0},
        ]},
    }
