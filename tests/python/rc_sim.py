"""Simulated RingCentral days for the end-to-end tests: a clock shared by processes, the real
call_webhook_server, a worker process that can be killed with SIGKILL, and the record-by-record
comparison of the store's call logs with the mock's call log.

The clock is a file holding a double (mmap): the mock (in this process), the worker process and
the harness read it; only the harness moves it. Real time is used only for bounded waits.
"""
from __future__ import annotations

import json
import mmap
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from typing import Optional

import switchboard as sb
from conftest import BUILD
from ringcentral_support import CLIENT_ID, CLIENT_SECRET, KEY, KEY_B64, MockRingCentral  # noqa: F401

from ringcentral_mock import fixtures  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WEBHOOK_SERVER = os.environ.get("SWITCHBOARD_WEBHOOK_SERVER") or os.path.join(
    BUILD, "examples", "call_webhook_server", "call_webhook_server")


class SimClock:
    """Unix seconds kept in a file, so several processes share one simulated time."""

    def __init__(self, path: str, start: Optional[float] = None) -> None:
        self.path = path
        if start is not None:
            with open(path, "wb") as f:
                f.write(struct.pack("d", start))
        self._file = open(path, "r+b")
        self._map = mmap.mmap(self._file.fileno(), 8)

    def now(self) -> float:
        return struct.unpack_from("d", self._map, 0)[0]

    def set(self, t: float) -> None:
        struct.pack_into("d", self._map, 0, t)

    def advance(self, seconds: float) -> float:
        self.set(self.now() + seconds)
        return self.now()

    def close(self) -> None:
        self._map.close()
        self._file.close()


def client(store, mock, clock: Optional[SimClock] = None, **kwargs):
    """A client of the mock; with a SimClock it lives in simulated time, never sleeps and
    defers throttled work instead of waiting."""
    options = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server=mock.platform_url,
                   media_server=mock.media_url, allowed_origins=mock.origins, codec=sb.aes_gcm_codec(KEY),
                   timeout=10.0, max_wait=0.0)
    if clock is not None:
        options.update(clock=clock.now, sleep=lambda s: None)
    options.update(kwargs)
    return sb.RingCentralClient(store, **options)


class WebhookServer:
    """The real call_webhook_server with --ringcentral on the store's SQLite file."""

    def __init__(self, db: str, *flags: str) -> None:
        env = {**os.environ, "SWITCHBOARD_SECRET_KEY": KEY_B64}
        self.proc = subprocess.Popen([WEBHOOK_SERVER, "--db", db, "--host", "127.0.0.1", "--port", "0",
                                      "--ringcentral", "--workers", "2", *flags],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on http://127.0.0.1:"):
            self.proc.kill()
            raise RuntimeError(f"the webhook server did not start: {line}{self.proc.stderr.read()}")
        self.url = line.split()[-1] + "/ringcentral/webhook"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class SimWorker:
    """tests/python/sim_worker.py in its own process: switchboard.worker's Worker on the store,
    in simulated time. It prints "idle <t>" whenever nothing was due at simulated time t."""

    def __init__(self, db: str, clock: SimClock, mock, recordings: str, **options) -> None:
        self.args = [sys.executable, os.path.join(HERE, "sim_worker.py"), "--db", db, "--clock", clock.path,
                     "--platform", mock.platform_url, "--media", mock.media_url, "--recordings", recordings,
                     "--options", json.dumps(options)]
        self.clock = clock
        self.proc: Optional[subprocess.Popen] = None
        self.idle_at = -1.0
        self.kills = 0
        self.errors: list[str] = []
        self.start()

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [os.path.join(BUILD, "python"), HERE, os.path.dirname(HERE), os.environ.get("PYTHONPATH", "")])}
        self.errors.append(f"--- worker started at simulated {self.clock.now():.0f}")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.idle_at = -1.0
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError(f"the worker did not start: {line}{self.proc.stderr.read()}")
        proc = self.proc
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()
        threading.Thread(target=self._errors, args=(proc,), daemon=True).start()

    def _read(self, proc) -> None:
        for line in proc.stdout:
            if line.startswith("idle ") and proc is self.proc:
                self.idle_at = float(line.split()[1])

    def _errors(self, proc) -> None:
        for line in proc.stderr:
            self.errors.append(line.rstrip())

    def wait_idle(self, timeout: float = 3.0) -> bool:
        """Until the worker found nothing due at the current simulated time (bounded)."""
        target = self.clock.now()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the worker died: " + "\n".join(self.errors[-20:]))
            if self.idle_at >= target:
                return True
            time.sleep(0.001)
        return False

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1
        self.errors.append(f"--- worker killed at simulated {self.clock.now():.0f}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- comparing both sides --------------------------------------------------------------------

HD_FIELDS = ["name", "call_id", "type", "status", "result", "duration", "from_number", "to_number", "start_time",
             "telephony_session_id", "recording_id", "recording_file", "transcript"]
CRM_FIELDS = ["name", "id", "type", "status", "result", "duration", "from", "to", "start_time",
              "telephony_session_id", "recording_id", "recording_file", "transcript"]


def local_time(iso: str) -> str:
    import datetime as dt
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def compare(store, state, recordings_dir: str, limit: int = 40) -> tuple[list[str], dict]:
    """Every record of the mock's call log against the store: exactly one Helpdesk Call Log and
    one CRM Call Log per record, no other call logs, each in the record's final state, with
    its recording attached (when RingCentral has the content) and its transcript cached (when
    RingSense has one). Returns (differences, counts)."""
    logger = sb.CallLogger(store)
    records = sorted(state.call_log, key=lambda r: r["id"])
    diffs: list[str] = []
    counts = {"records": len(records), "recordings": 0, "transcripts": 0}
    for doctype, fields, key in (("Helpdesk Call Log", HD_FIELDS, "call_id"), ("CRM Call Log", CRM_FIELDS, "id")):
        rows = store.find(doctype, fields=fields)
        by_id: dict[str, list] = {}
        for row in rows:
            by_id.setdefault(row.get(key) or "", []).append(row)
        for row in by_id.pop("", []):
            diffs.append(f"{doctype} {row['name']}: a call log without a call-log id "
                         f"(session {row.get('telephony_session_id')}, status {row.get('status')})")
        known = {r["id"] for r in records}
        for extra in sorted(set(by_id) - known):
            diffs.append(f"{doctype}: call log {extra} is not in RingCentral's call log")
        for rec in records:
            got = by_id.get(rec["id"], [])
            if len(got) != 1:
                diffs.append(f"{rec['id']}: {len(got)} {doctype} rows, expected exactly 1")
                if not got:
                    continue
            row = got[0]
            inbound = rec["direction"] == "Inbound"
            event = sb.parse_call_event(json.dumps({k: v for k, v in rec.items() if not k.startswith("_")}))
            want = {
                "type": "Incoming" if inbound else "Outgoing",
                "status": logger.status_for(event),
                "result": rec["result"],
                "duration": float(rec["duration"]),
                "start_time": local_time(rec["startTime"]),
                "telephony_session_id": rec["telephonySessionId"],
                ("from_number" if doctype == "Helpdesk Call Log" else "from"): rec["from"]["phoneNumber"],
                ("to_number" if doctype == "Helpdesk Call Log" else "to"): rec["to"]["phoneNumber"],
            }
            rid = rec.get("recording", {}).get("id")
            if rid:
                want["recording_id"] = rid
            for field, value in want.items():
                have = row.get(field)
                if field == "start_time" and have:
                    have = str(have)[:19]
                if field == "duration":
                    have = float(have or 0)
                if have != value:
                    diffs.append(f"{rec['id']} ({doctype}): {field} is {have!r}, RingCentral says {value!r}")
            has_audio = bool(rid) and state.recording(rid) is not None
            file_url = row.get("recording_file") or ""
            if has_audio:
                counts["recordings"] += doctype == "Helpdesk Call Log"
                path = os.path.join(recordings_dir, os.path.basename(file_url)) if file_url else ""
                info = state.recordings[rid]
                if not file_url:
                    diffs.append(f"{rec['id']} ({doctype}): recording {rid} exists but is not attached")
                elif not os.path.exists(path) or os.path.getsize(path) != info["size"]:
                    diffs.append(f"{rec['id']} ({doctype}): {path} missing or not {info['size']} bytes")
                elif doctype == "Helpdesk Call Log":
                    with open(path, "rb") as f:
                        if f.read(4096) != fixtures.audio_bytes(rid, info["size"])[:4096]:
                            diffs.append(f"{rec['id']}: {path} holds other bytes than recording {rid}")
                if file_url and not store.find("File", {"attached_to_doctype": doctype, "attached_to_name": row["name"],
                                                        "file_url": file_url}, fields=["name"]):
                    diffs.append(f"{rec['id']} ({doctype}): no File row attaches {file_url}")
            elif file_url:
                diffs.append(f"{rec['id']} ({doctype}): {file_url} attached, but RingCentral has no recording")
            insight = state.insight(rid) if rid and has_audio else None
            transcript = row.get("transcript") or ""
            if insight is not None:
                counts["transcripts"] += doctype == "Helpdesk Call Log"
                expected = sb.format_transcript(json.dumps(insight))
                if transcript != expected:
                    diffs.append(f"{rec['id']} ({doctype}): transcript is {transcript[:60]!r}, expected {expected[:60]!r}")
            elif transcript:
                diffs.append(f"{rec['id']} ({doctype}): a transcript is cached, but RingSense has none")
    if len(diffs) > limit:
        diffs = diffs[:limit] + [f"... and {len(diffs) - limit} more differences"]
    return diffs, counts


# ---- a whole simulation ---------------------------------------------------------------------

T0 = 1717372800.0  # 2024-06-03T00:00:00Z


def random_calls(rng, n: int, start: float, span: float, first: int = 0) -> list:
    """`n` calls spread over [start, start + span): a realistic mix of results, a third recorded;
    records appear 15-60 s after the end (15%: 2-15 minutes); recordings 1-10 minutes later
    (20%: 10-60 minutes, 10%: never — too short to keep); RingSense insights for 60% of them,
    5-120 minutes after the recording."""
    from ringcentral_mock.calls import SimCall
    results = ["Accepted"] * 60 + ["Call connected"] * 5 + ["Missed"] * 15 + ["Voicemail"] * 10 + \
              ["Busy"] * 5 + ["Rejected"] * 5
    calls = []
    for k in range(n):
        i = first + k
        result = rng.choice(results)
        c = SimCall(i=i, start=start + rng.uniform(0, span), duration=0, result=result,
                    direction=rng.choice(["Inbound", "Inbound", "Outbound"]))
        c.duration = rng.randint(5, 40) if c.missed else rng.randint(20, 900)
        c.record_delay = rng.uniform(15, 60) if rng.random() < 0.85 else rng.uniform(120, 900)
        c.recorded = not c.missed and rng.random() < 0.5
        if c.recorded:
            r = rng.random()
            c.recording_delay = rng.uniform(60, 600) if r < 0.7 else rng.uniform(600, 3600) if r < 0.9 else None
            c.insights_delay = rng.uniform(300, 7200) if rng.random() < 0.6 else None
            c.recording_size = rng.choice([8_000, 20_000, 40_000])
        calls.append(c)
    return calls


class Simulation:
    """The mock (in this process) on a simulated clock, with a webhook deliverer that loses,
    duplicates, shuffles and delays; the real webhook server and a killable worker process on
    one SQLite store; the subscription made through the library."""

    def __init__(self, tmp_path, *, seed: int = 1, loss: float = 0.1, duplicate: float = 0.1,
                 jitter: float = 90.0, late: float = 0.02, expires_in: float = 86400.0,
                 renew_margin: float = 6 * 3600.0, rate_limits: bool = True, worker_options: Optional[dict] = None):
        self.tmp = str(tmp_path)
        self.clock = SimClock(os.path.join(self.tmp, "clock"), start=T0)
        self.mock = MockRingCentral(clock=self.clock.now).start()
        self.mock.state.call_log = []
        self.mock.configure(rate_limits=rate_limits)
        self.deliverer = self.mock.deliverer(seed=seed, loss=loss, duplicate=duplicate, jitter=jitter,
                                             late=late, late_delay=(600.0, 3600.0))
        self.db = os.path.join(self.tmp, "store.sqlite")
        self.recordings = os.path.join(self.tmp, "recordings")
        os.makedirs(self.recordings, exist_ok=True)
        self.store = sb.SqliteStore(self.db)
        self.store.freeze_time(T0)
        self.client = client(self.store, self.mock, self.clock)
        self.client.save_configuration()
        from ringcentral_support import JWT
        self.client.login_jwt(JWT)
        self.server = WebhookServer(self.db, "--clock-file", self.clock.path)
        self.subs = sb.Subscriptions(self.client, address=self.server.url, expires_in=expires_in,
                                     renew_margin=renew_margin)
        self.first_subscription = self.subs.subscribe()
        options = dict(expires_in=expires_in, renew_margin=renew_margin)
        options.update(worker_options or {})
        self.worker = SimWorker(self.db, self.clock, self.mock, self.recordings, **options)
        self.slow_steps = 0

    def place(self, calls) -> None:
        from ringcentral_mock.calls import place
        for c in calls:
            place(self.mock.state, self.deliverer, c)

    def step(self, seconds: float = 60.0, worker: bool = True) -> None:
        self.clock.advance(seconds)
        self.deliverer.pump()
        if worker and not self.worker.wait_idle():
            self.slow_steps += 1

    def queue_busy(self) -> int:
        """Queued or running jobs of the per-call kinds that are due by now."""
        now = int(self.clock.now())
        return len(self.store.find(sb.JOB_DOCTYPE, [["state", "in", ["Queued", "Running"]],
                                                     ["kind", "in", [sb.rc_jobs.LOOKUP, sb.rc_jobs.RECORDING,
                                                                     sb.rc_jobs.TRANSCRIPT]],
                                                     ["run_after", "<=", now]], fields=["name"]))

    def compare(self):
        self.store.freeze_time(self.clock.now())
        return compare(self.store, self.mock.state, self.recordings)

    def close(self) -> None:
        self.worker.stop()
        self.server.stop()
        self.mock.stop()
        self.clock.close()
