"""The mock's state: OAuth clients, codes and tokens with RingCentral's rotation rules,
per-group rate limits with penalties, scripted faults, and counters tests read.

Thread-safe: every method takes the one lock."""
from __future__ import annotations

import base64
import bisect
import hashlib
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from . import fixtures

DEFAULT_LIMITS = {"Light": [50, 60], "Medium": [40, 60], "Heavy": [10, 60], "Auth": [5, 60]}


@dataclass
class Config:
    access_ttl: float = 3600.0
    refresh_ttl: float = 604800.0
    used_grace: float = 10.0      # old refresh token lives this long after the new token's first use
    unused_grace: float = 3600.0  # ... or this long when the new token is never used
    limits: dict = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_LIMITS.items()})
    rate_limits: bool = True
    penalty: float = 60.0
    retry_after: str = "seconds"  # "seconds" | "date" | "none"
    group_names: dict = field(default_factory=dict)  # canonical -> name sent (e.g. "heavy")
    code_ttl: float = 600.0
    secrets_log: str = ""         # append every issued token to this file (secret-scan tests)
    validate_webhooks: bool = True    # the Validation-Token handshake when a subscription is created
    default_subscription_ttl: float = 900.0  # when a request has no top-level expiresIn
    max_subscriptions: int = 30
    blacklist_after: float = 600.0    # seconds of failing deliveries before a subscription is blacklisted
    max_requests_logged: int = 200_000
    call_log_pages_loop: bool = False  # a broken server: the last call-log page's nextPage is page 1

    def update(self, changes: dict) -> None:
        for key, value in changes.items():
            if not hasattr(self, key):
                raise KeyError(key)
            if key == "limits":
                self.limits.update({k: list(v) for k, v in value.items()})
            else:
                setattr(self, key, value)


@dataclass
class AccessToken:
    value: str
    session: int
    generation: int
    expires_at: float
    alive: bool = True
    first_used_at: Optional[float] = None


@dataclass
class RefreshToken:
    value: str
    session: int
    generation: int
    expires_at: float
    access: str                         # the access token issued with it
    used_at: Optional[float] = None     # spent by a refresh
    successor: Optional[dict] = None    # the token response that spending it produced
    alive: bool = True


class TokenError(Exception):
    """An OAuth failure: HTTP status, OAuth error, RingCentral code, message."""

    def __init__(self, status: int, error: str, code: str, message: str):
        super().__init__(message)
        self.status, self.error, self.code, self.message = status, error, code, message


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = time.time      # replaced by tests that simulate time (see set_clock)
        self.reset()

    def now(self) -> float:
        """The mock's time: the real clock, shifted by /__mock__/clock, or a test's clock."""
        return self.clock()

    def set_clock(self, clock=None, offset: float = 0.0) -> None:
        """A callable returning Unix seconds (a simulation's clock), else the real clock
        shifted by `offset` seconds."""
        with self.lock:
            self.clock = clock if clock is not None else (lambda: time.time() + offset)

    # ---- setup ------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.config = Config(secrets_log=os.environ.get("RC_MOCK_SECRETS_LOG", ""))
            self.clients = {"confidential-app": "s3cret-client-PASSWORD", "public-app": None}
            self.redirect_uris = {"confidential-app": "https://desk.example.test/oauth/callback",
                                  "public-app": "https://desk.example.test/oauth/callback"}
            self.jwts = {"eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl"}
            self.codes: dict[str, dict] = {}
            self.access: dict[str, AccessToken] = {}
            self.refresh: dict[str, RefreshToken] = {}
            self.sessions = 0
            self.generations = 0
            self.faults: list[dict] = []
            self.windows: dict[tuple, list] = {}     # (owner, group) -> request times
            self.penalty_until: dict[tuple, float] = {}
            self.call_log = fixtures.initial_call_log()
            self._index = None            # (len, sorted start times, records, by session)
            self.recordings: dict[str, dict] = {}   # id -> fixtures.RECORDINGS entry + "available_at"
            self.insights: dict[str, dict] = {}     # recording id -> {"available_at", "body"}
            self.subscriptions: dict[str, dict] = {}
            self.subscription_requests: list[dict] = []  # bodies of create/update requests
            self.counters: dict[str, Any] = {
                "token_posts": [],        # {grant, client_auth, content_type, generation?, outcome}
                "refresh_posts": {},      # refresh generation -> posts spending it
                "requests": [],           # every non-control request, in arrival order
                "violations": {},         # group -> requests arriving during its penalty
                "group_requests": {},     # group -> requests counted
                "revokes": 0,
            }

    def configure(self, changes: dict) -> None:
        with self.lock:
            self.config.update(changes)

    def add_fault(self, fault: dict) -> None:
        """A scripted answer for the next `count` requests whose path contains `match`:
        status/error_code/message/retry_after/shape, `delay` seconds before answering,
        `truncate` bytes of a body, `extra` headers; with when="stall", the body stops after
        `after` bytes for `stall` seconds (a client killed meanwhile is killed mid-transfer)."""
        with self.lock:
            f = dict(fault)
            f.setdefault("count", 1)
            self.faults.append(f)

    def take_fault(self, path: str, method: str, when: str = "before") -> Optional[dict]:
        with self.lock:
            for f in self.faults:
                if f.get("when", "before") != when or f["count"] <= 0:
                    continue
                if f.get("match", "") in path and f.get("method", method) == method:
                    f["count"] -= 1
                    return dict(f)
            return None

    def _log_secret(self, *values: str) -> None:
        values = tuple(v for v in values if v)
        if self.config.secrets_log and values:
            with open(self.config.secrets_log, "a") as out:
                for v in values:
                    out.write(v + "\n")

    # ---- OAuth ------------------------------------------------------------------------------
    def authorize(self, client_id: str, redirect_uri: str, challenge: str, method: str) -> str:
        with self.lock:
            if client_id not in self.clients:
                raise TokenError(400, "unauthorized_client", "OAU-102", "Unknown client")
            if redirect_uri != self.redirect_uris[client_id]:
                raise TokenError(400, "invalid_request", "OAU-109", "Redirect URI mismatch")
            code = "code-" + secrets.token_urlsafe(18)
            self.codes[code] = {"client": client_id, "redirect_uri": redirect_uri,
                                "challenge": challenge, "method": method,
                                "expires": self.now() + self.config.code_ttl}
            self._log_secret(code)
            return code

    def authenticate_client(self, basic: Optional[tuple], body_client: str) -> str:
        """RingCentral's client authentication: Basic for confidential apps; a public app
        sends client_id in the body and no secret (a Basic header with an empty secret fails)."""
        if basic is not None:
            cid, secret = basic
            if cid in self.clients and self.clients[cid] is not None and secret == self.clients[cid]:
                return cid
            raise TokenError(401, "invalid_client", "OAU-146", "Invalid client credentials")
        if body_client in self.clients and self.clients[body_client] is None:
            return body_client
        raise TokenError(401, "invalid_client", "OAU-146", "Client authentication required")

    def _issue(self, session: int, now: float) -> dict:
        self.generations += 1
        gen = self.generations
        access = f"AT{gen:04d}-" + secrets.token_urlsafe(24)
        refresh = f"RT{gen:04d}-" + secrets.token_urlsafe(24)
        self.access[access] = AccessToken(access, session, gen, now + self.config.access_ttl)
        self.refresh[refresh] = RefreshToken(refresh, session, gen, now + self.config.refresh_ttl, access)
        self._log_secret(access, refresh)
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": max(1, int(round(self.config.access_ttl))),
            "refresh_token": refresh,
            "refresh_token_expires_in": int(self.config.refresh_ttl),
            "scope": "ReadAccounts ReadCallLog ReadCallRecording RingSense",
            "owner_id": fixtures.OWNER_ID,
            "endpoint_id": "mock-endpoint",
        }

    def grant_code(self, client: str, code: str, redirect_uri: str, verifier: str) -> dict:
        with self.lock:
            self._log_secret(verifier)
            entry = self.codes.pop(code, None)
            if entry is None or entry["client"] != client:
                raise TokenError(400, "invalid_grant", "OAU-106", "Invalid authorization code")
            if entry["expires"] < self.now():
                raise TokenError(400, "invalid_grant", "OAU-108", "Authorization code expired")
            if redirect_uri != entry["redirect_uri"]:
                raise TokenError(400, "invalid_grant", "OAU-109", "Redirect URI mismatch")
            if entry["challenge"]:
                if entry["method"] != "S256":
                    raise TokenError(400, "invalid_request", "OAU-101", "Only S256 is accepted")
                if b64url(hashlib.sha256(verifier.encode()).digest()) != entry["challenge"]:
                    raise TokenError(400, "invalid_grant", "OAU-106", "PKCE verification failed")
            elif self.clients[client] is None:
                raise TokenError(400, "invalid_request", "OAU-101", "PKCE required for public apps")
            self.sessions += 1
            return self._issue(self.sessions, self.now())

    def grant_jwt(self, assertion: str) -> dict:
        with self.lock:
            if assertion not in self.jwts:
                raise TokenError(400, "invalid_grant", "OAU-251", "JWT is invalid")
            self.sessions += 1
            return self._issue(self.sessions, self.now())

    def grant_refresh(self, value: str) -> dict:
        """Single-use refresh tokens with RingCentral's grace windows."""
        with self.lock:
            now = self.now()
            rt = self.refresh.get(value)
            if rt is not None:
                posts = self.counters["refresh_posts"]
                posts[rt.generation] = posts.get(rt.generation, 0) + 1
            if rt is None or not rt.alive:
                raise TokenError(400, "invalid_grant", "OAU-213", "Token not found")
            if rt.expires_at < now:
                raise TokenError(400, "invalid_grant", "OAU-210", "Token expired")
            if rt.used_at is None:
                rt.used_at = now
                old = self.access.get(rt.access)
                if old is not None:
                    old.alive = False          # the previous access token dies at once
                rt.successor = self._issue(rt.session, now)
                return dict(rt.successor)
            # Spent already: the same new pair inside the grace window, else dead.
            new_access = self.access.get(rt.successor["access_token"])
            used = new_access.first_used_at if new_access else None
            limit = (used + self.config.used_grace) if used is not None else (rt.used_at + self.config.unused_grace)
            if now <= limit:
                return dict(rt.successor)
            rt.alive = False
            raise TokenError(400, "invalid_grant", "OAU-210", "Token expired")

    def revoke(self, value: str) -> None:
        with self.lock:
            self.counters["revokes"] += 1
            session = None
            if value in self.access:
                session = self.access[value].session
            elif value in self.refresh:
                session = self.refresh[value].session
            if session is None:
                return
            for t in self.access.values():
                if t.session == session:
                    t.alive = False
            for t in self.refresh.values():
                if t.session == session:
                    t.alive = False

    def check_access(self, value: str) -> AccessToken:
        with self.lock:
            tok = self.access.get(value)
            if tok is None:
                raise TokenError(401, "", "OAU-213", "Token not found")
            if not tok.alive:
                raise TokenError(401, "", "OAU-129", "Access token corrupted")
            if tok.expires_at < self.now():
                raise TokenError(401, "", "OAU-128", "Access token expired")
            if tok.first_used_at is None:
                tok.first_used_at = self.now()
            return tok

    def expire_access(self) -> None:
        """Every live access token expires now (refresh tokens stay valid)."""
        with self.lock:
            for t in self.access.values():
                t.expires_at = min(t.expires_at, self.now() - 1)

    def expire_refresh(self) -> None:
        with self.lock:
            for t in self.refresh.values():
                t.expires_at = min(t.expires_at, self.now() - 1)

    # ---- rate limits ------------------------------------------------------------------------
    def sent_name(self, group: str) -> str:
        return self.config.group_names.get(group, group)

    def rate_check(self, owner: str, group: str) -> tuple[dict, Optional[float]]:
        """Counts a request. Returns the X-Rate-Limit-* headers and, when throttled, the
        penalty seconds to announce. A request during a penalty restarts the penalty."""
        with self.lock:
            now = self.now()
            name = self.sent_name(group)
            counts = self.counters["group_requests"]
            counts[name] = counts.get(name, 0) + 1
            limit, window = self.config.limits.get(group, [1000, 60])
            key = (owner, group)
            times = [t for t in self.windows.get(key, []) if t > now - window]
            headers = {"X-Rate-Limit-Group": name, "X-Rate-Limit-Limit": str(limit),
                       "X-Rate-Limit-Window": str(int(window))}
            if not self.config.rate_limits:
                headers["X-Rate-Limit-Remaining"] = str(limit)
                return headers, None
            until = self.penalty_until.get(key, 0.0)
            if now < until:
                v = self.counters["violations"]
                v[name] = v.get(name, 0) + 1
                self.penalty_until[key] = now + self.config.penalty
                headers["X-Rate-Limit-Remaining"] = "0"
                return headers, self.config.penalty
            if len(times) >= limit:
                self.penalty_until[key] = now + self.config.penalty
                self.windows[key] = times
                headers["X-Rate-Limit-Remaining"] = "0"
                return headers, self.config.penalty
            times.append(now)
            self.windows[key] = times
            headers["X-Rate-Limit-Remaining"] = str(max(0, limit - len(times)))
            return headers, None

    # ---- counters ---------------------------------------------------------------------------
    def record(self, entry: dict) -> None:
        with self.lock:
            log = self.counters["requests"]
            log.append(entry)
            if len(log) > self.config.max_requests_logged:
                del log[: len(log) // 2]

    def snapshot(self) -> dict:
        with self.lock:
            c = self.counters
            return {
                "token_posts": list(c["token_posts"]),
                "refresh_posts": {str(k): v for k, v in c["refresh_posts"].items()},
                "requests": list(c["requests"]),
                "violations": dict(c["violations"]),
                "group_requests": dict(c["group_requests"]),
                "revokes": c["revokes"],
                "cdn": list(c.get("cdn", [])),
                "stalls": list(c.get("stalls", [])),
                "generations": self.generations,
                "faults_left": [f for f in self.faults if f["count"] > 0],
                "subscriptions": {k: {kk: vv for kk, vv in v.items() if kk != "verificationToken"}
                                  for k, v in self.subscriptions.items()},
                "subscription_requests": list(self.subscription_requests),
                "now": self.now(),
            }

    def add_call(self, record: dict, available_in: float = 0.0, available_at: Optional[float] = None) -> None:
        """A call-log record, visible `available_in` seconds from now (or at `available_at`)."""
        with self.lock:
            rec = dict(record)
            rec.setdefault("_extension", "101")
            rec["_available_at"] = available_at if available_at is not None else self.now() + available_in
            self.call_log.append(rec)

    def calls_between(self, date_from: float, date_to: float, session: str = "") -> list[dict]:
        """Records (visible or not) whose startTime is in [date_from, date_to], newest first;
        an index keeps this fast with tens of thousands of records."""
        with self.lock:
            idx = self._index
            if idx is None or idx[0] != len(self.call_log):
                recs = sorted(self.call_log, key=lambda r: r.setdefault(
                    "_t", fixtures.parse_iso(r["startTime"]).timestamp()))
                by_session: dict[str, list] = {}
                for r in recs:
                    by_session.setdefault(r.get("telephonySessionId", ""), []).append(r)
                idx = self._index = (len(self.call_log), [r["_t"] for r in recs], recs, by_session)
            _, times, recs, by_session = idx
            if session:
                chosen = [r for r in by_session.get(session, []) if date_from <= r["_t"] <= date_to]
            else:
                lo, hi = bisect.bisect_left(times, date_from), bisect.bisect_right(times, date_to)
                chosen = recs[lo:hi]
            return list(reversed(chosen))

    # ---- recordings and insights with availability ------------------------------------------
    def add_recording(self, rid: str, size: int = 20_000, content_type: str = "audio/mpeg",
                      available_at: Optional[float] = None, duration: int = 30) -> None:
        """A recording whose content exists from `available_at` (None: never — RingCentral
        keeps no recording under ~30 s)."""
        with self.lock:
            self.recordings[rid] = {"kind": "audio", "content_type": content_type, "size": size,
                                    "duration": duration, "available_at": available_at}

    def recording(self, rid: str) -> Optional[dict]:
        """The recording as the media host sees it now (None: 404)."""
        with self.lock:
            info = self.recordings.get(rid)
        if info is None:
            return fixtures.RECORDINGS.get(rid)
        at = info.get("available_at")
        return info if at is not None and at <= self.now() else None

    def add_insights(self, rid: str, body: dict, available_at: float) -> None:
        with self.lock:
            self.insights[rid] = {"available_at": available_at, "body": body}

    def insight(self, rid: str) -> Optional[dict]:
        with self.lock:
            entry = self.insights.get(rid)
        if entry is None or entry["available_at"] > self.now():
            return None
        return entry["body"]

    # ---- webhook subscriptions --------------------------------------------------------------
    def subscription(self, sid: str) -> Optional[dict]:
        """A subscription, or None when it does not exist or has expired (RingCentral forgets
        expired subscriptions)."""
        with self.lock:
            sub = self.subscriptions.get(sid)
            if sub is not None and sub["expires_at"] <= self.now():
                del self.subscriptions[sid]
                sub = None
            return dict(sub) if sub else None

    def active_subscriptions(self) -> list[dict]:
        with self.lock:
            return [s for s in (self.subscription(k) for k in list(self.subscriptions))
                    if s and s["status"] == "Active"]

    def blacklist(self, sid: str = "", reason: str = "Webhook delivery failed") -> int:
        """Blacklists one subscription (every one when `sid` is empty); returns how many."""
        with self.lock:
            n = 0
            for k, sub in self.subscriptions.items():
                if not sid or k == sid:
                    sub["status"] = "Blacklisted"
                    sub["blacklisted_reason"] = reason
                    sub["blacklisted_at"] = self.now()
                    n += 1
            return n

    def expire_subscriptions(self) -> None:
        with self.lock:
            for sub in self.subscriptions.values():
                sub["expires_at"] = min(sub["expires_at"], self.now() - 1)
