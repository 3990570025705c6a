"""Webhook deliveries the way RingCentral makes them: at least once and in no particular order.

A Deliverer holds published events until they are due (the event's time plus latency, jitter
and, for some, a long delay), then POSTs each to every active subscription whose event
filters match, with the subscription's Verification-Token. Faults are drawn from a seeded
random generator: lost events, duplicates (the same notification uuid twice), shuffling and
late deliveries. Deliveries that keep failing get a subscription blacklisted, as RingCentral
does after about ten minutes.

Thread-safe: publish() and pump() take the deliverer's lock; the HTTP requests run outside it.
"""
from __future__ import annotations

import heapq
import http.client
import itertools
import json
import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Optional
from urllib.parse import urlsplit

from . import fixtures

HANDSHAKE_TIMEOUT = 3.0
MAX_HANDSHAKE_BYTES = 1024


def _connection(address: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    u = urlsplit(address)
    cls = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    return cls(u.hostname, u.port, timeout=timeout), (u.path or "/") + (f"?{u.query}" if u.query else "")


def handshake(address: str, timeout: float = HANDSHAKE_TIMEOUT) -> Optional[str]:
    """RingCentral's check of a new webhook address: a POST with a Validation-Token header
    that must come back echoed, status 200, within 3 s, in at most 1 KiB. Returns None when
    the address passed, else why it failed."""
    token = uuid.uuid4().hex
    try:
        conn, path = _connection(address, timeout)
        conn.request("POST", path, body=b"", headers={"Validation-Token": token, "Content-Length": "0"})
        res = conn.getresponse()
        body = res.read()
        size = len(f"HTTP/1.1 {res.status} {res.reason}\r\n") + len(body) + sum(
            len(k) + len(v) + 4 for k, v in res.getheaders()) + 2
        conn.close()
    except OSError as e:
        return f"the webhook address did not answer: {e}"
    if res.status != 200:
        return f"the webhook address answered HTTP {res.status}"
    if res.getheader("Validation-Token") != token:
        return "the webhook address did not echo the Validation-Token header"
    if size > MAX_HANDSHAKE_BYTES:
        return f"the handshake response is {size} bytes (over 1 KiB)"
    return None


def _matches(filter_path: str, event_path: str) -> bool:
    def norm(p: str) -> str:
        return p.replace(f"/account/{fixtures.ACCOUNT_ID}", "/account/~").split("?")[0]
    return norm(filter_path) == norm(event_path)


class Deliverer:
    def __init__(self, state, *, seed: int = 0, loss: float = 0.0, duplicate: float = 0.0,
                 jitter: float = 0.0, late: float = 0.0, late_delay: tuple = (600.0, 3600.0),
                 latency: tuple = (0.2, 2.0), workers: int = 4, timeout: float = 5.0) -> None:
        self.state = state
        self.rng = random.Random(seed)
        self.loss, self.duplicate, self.jitter, self.late = loss, duplicate, jitter, late
        self.late_delay, self.latency = late_delay, latency
        self.timeout = timeout
        self.lock = threading.Lock()
        self.heap: list = []
        self.seq = itertools.count()
        self.stats = {"published": 0, "lost": 0, "duplicated": 0, "late": 0, "delivered": 0,
                      "failed": 0, "dropped": 0, "rejected": 0}
        self.failing_since: dict[str, float] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.local = threading.local()

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    # ---- publishing -------------------------------------------------------------------------
    def publish(self, event_path: str, body: dict, at: float) -> None:
        """An event RingCentral emits at `at`, scheduled with the configured faults."""
        with self.lock:
            self.stats["published"] += 1
            if self.rng.random() < self.loss:
                self.stats["lost"] += 1
                return
            envelope_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
            copies = 2 if self.rng.random() < self.duplicate else 1
            self.stats["duplicated"] += copies - 1
            for _ in range(copies):
                due = at + self.rng.uniform(*self.latency) + self.rng.uniform(0, self.jitter)
                if self.rng.random() < self.late:
                    self.stats["late"] += 1
                    due += self.rng.uniform(*self.late_delay)
                heapq.heappush(self.heap, (due, next(self.seq), envelope_id, event_path, at, body))

    def pending(self) -> int:
        with self.lock:
            return len(self.heap)

    # ---- delivering -------------------------------------------------------------------------
    def pump(self, now: Optional[float] = None) -> int:
        """Delivers every event due by `now` (the mock's time); returns how many were sent."""
        now = self.state.now() if now is None else now
        due = []
        with self.lock:
            while self.heap and self.heap[0][0] <= now:
                due.append(heapq.heappop(self.heap))
        subs = self.state.active_subscriptions()
        jobs = []
        for _, _, envelope_id, path, at, body in due:
            targets = [s for s in subs if any(_matches(f, path) for f in s["eventFilters"])]
            if not targets:
                with self.lock:
                    self.stats["dropped"] += 1
                continue
            for sub in targets:
                envelope = {"uuid": envelope_id, "event": path, "timestamp": fixtures.iso_float(at),
                            "subscriptionId": sub["id"], "ownerId": fixtures.OWNER_ID, "body": body}
                jobs.append((sub, json.dumps(envelope).encode()))
        for ok in self.pool.map(lambda job: self._post(*job), jobs):
            pass
        return len(jobs)

    def _post(self, sub: dict, data: bytes) -> bool:
        conns = getattr(self.local, "conns", None)
        if conns is None:
            conns = self.local.conns = {}
        address = sub["address"]
        headers = {"Content-Type": "application/json", "User-Agent": "RingCentral-Webhook-Mock"}
        if sub.get("verificationToken"):
            headers["Verification-Token"] = sub["verificationToken"]
        status = 0
        for attempt in range(2):  # a kept-alive connection the server closed: one fresh retry
            conn = conns.get(address)
            if conn is None:
                conn, path = _connection(address, self.timeout)
                conns[address] = conn
            try:
                conn.request("POST", urlsplit(address).path or "/", body=data, headers=headers)
                res = conn.getresponse()
                res.read()
                status = res.status
                if res.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conns.pop(address, None)
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conns.pop(address, None)
                status = 0
        ok = 200 <= status < 300
        with self.lock:
            if ok:
                self.stats["delivered"] += 1
                self.failing_since.pop(sub["id"], None)
            else:
                self.stats["failed" if status == 0 else "rejected"] += 1
                first = self.failing_since.setdefault(sub["id"], self.state.now())
                if self.state.now() - first >= self.state.config.blacklist_after:
                    self.state.blacklist(sub["id"], f"Webhook delivery failed (HTTP {status})")
        return ok
