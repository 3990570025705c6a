"""A mock RingCentral for tests: the platform API and a separate media host, each a
ThreadingHTTPServer on 127.0.0.1 (ephemeral ports), plus a control API under /__mock__/.

In-process:   with MockRingCentral() as rc: rc.platform_url, rc.media_url, rc.state
As a process: python3 -m ringcentral_mock [--watch-stdin]  (prints "READY <platform> <media>")
"""
from __future__ import annotations

import base64
import email.utils
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlencode, urlsplit

from . import fixtures, webhooks
from .state import State, TokenError

API = "/restapi/v1.0"
RE_EXTENSION = re.compile(r"^/restapi/v1\.0/account/([^/]+)/extension/([^/]+)$")
RE_CALL_LOG = re.compile(r"^/restapi/v1\.0/account/([^/]+)(?:/extension/([^/]+))?/call-log(?:/([^/]+))?$")
RE_RECORDING = re.compile(r"^/restapi/v1\.0/account/([^/]+)/recording/([^/]+)(/content)?$")
RE_INSIGHTS = re.compile(r"^/ai/ringsense/v1/public/accounts/([^/]+)/domains/pbx/(records|sessions)/([^/]+)/insights$")
RE_CDN = re.compile(r"^/__cdn__/(loop/)?([^/]+)$")
RE_SUBSCRIPTION = re.compile(r"^/restapi/v1\.0/subscription(?:/([^/]+))?(/renew)?$")
MAX_BODY = 1 << 20


def error_body(code: str, message: str, shape: str = "api", oauth_error: str = "") -> dict:
    """RingCentral's error shapes: "api" {errors: [...]}, "legacy" {errorCode, message},
    "oauth" {error, error_description, errors: [...]}."""
    if shape == "legacy":
        return {"errorCode": code, "message": message}
    body = {"errors": [{"errorCode": code, "message": message}]}
    if shape == "oauth" or oauth_error:
        body = {"error": oauth_error or "invalid_request", "error_description": message, **body}
    return body


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MockRingCentral/1.0"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    # ---- plumbing ---------------------------------------------------------------------------
    @property
    def mock(self) -> "MockRingCentral":
        return self.server.mock  # type: ignore[attr-defined]

    @property
    def state(self) -> State:
        return self.mock.state

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def send(self, status: int, body: bytes = b"", content_type: str = "application/json",
             headers: Optional[dict] = None) -> None:
        self.entry["status"] = status  # before the client can read the answer
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            # A "stall" fault: part of the body, a pause (the client is mid-transfer), the rest.
            stall = None if self.url.path.startswith("/__mock__/") else \
                self.state.take_fault(self.url.path, self.command, when="stall")
            if stall:
                cut = min(len(body), int(stall.get("after", len(body) // 2)))
                self.wfile.write(body[:cut])
                self.wfile.flush()
                with self.state.lock:
                    self.state.counters.setdefault("stalls", []).append(self.url.path)
                time.sleep(float(stall.get("stall", 1.0)))
                body = body[cut:]
            self.wfile.write(body)

    def send_json(self, status: int, obj, headers: Optional[dict] = None) -> None:
        self.send(status, json.dumps(obj).encode(), "application/json", headers)

    def send_error_json(self, status: int, code: str, message: str, shape: str = "api",
                        oauth_error: str = "", headers: Optional[dict] = None) -> None:
        self.send_json(status, error_body(code, message, shape, oauth_error), headers)

    def dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        self.url = url
        self.query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self.send_error_json(413, "CMN-413", "Body too large")
        self.body = self.rfile.read(length) if length else b""
        self.entry = {"t": self.state.now(), "host": self.server.role, "method": method,  # type: ignore[attr-defined]
                      "path": url.path, "auth": "Authorization" in self.headers,
                      "query_token": "access_token" in self.query, "group": None, "status": None,
                      "range": self.headers.get("Range"), "gen": None,
                      "peer": self.client_address[1]}  # the client's port: one per connection
        if url.path.startswith("/__mock__/"):
            return self.control(method, url.path[len("/__mock__/"):])
        self.state.record(self.entry)
        self.post = None
        if url.path == "/restapi/oauth/token" and method == "POST":
            form = self.form()
            self.post = {"grant": form.get("grant_type", ""), "client_auth": None,
                         "content_type": self.headers.get("Content-Type", ""),
                         "body_keys": sorted(form), "t": time.time(), "status": None}
            with self.state.lock:
                self.state.counters["token_posts"].append(self.post)
        fault = self.state.take_fault(url.path, method)
        if fault:
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault.get("status"):
                return self.send_fault(fault)
        try:
            self.route(method, url.path)
        except TokenError as e:
            self.send_error_json(e.status, e.code, e.message, "oauth" if e.error else "api", e.error)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_fault(self, f: dict) -> None:
        headers = dict(f.get("extra") or {})
        ra = f.get("retry_after")
        if ra is not None:
            headers["Retry-After"] = str(ra)
        if f.get("group"):
            self.entry["group"] = f["group"]
            headers["X-Rate-Limit-Group"] = self.state.sent_name(f["group"])
        status = int(f["status"])
        if "body" in f:  # a scripted body as is (any status)
            return self.send_json(status, f["body"], headers)
        code = f.get("error_code") or {429: "CMN-301", 503: "CMN-211", 502: "CMN-201",
                                       504: "CMN-202", 401: "OAU-129"}.get(status, "CMN-999")
        if getattr(self, "post", None) is not None:
            self.post["status"] = status
        self.send_error_json(status, code, f.get("message", f"Injected {status}"),
                             f.get("shape", "api"), f.get("oauth_error", ""), headers)

    def bearer(self):
        """Validates the Authorization header; sends 401 and returns None when it fails."""
        h = self.headers.get("Authorization", "")
        if not h.startswith("Bearer "):
            self.send_error_json(401, "OAU-149", "Authorization header is missing or invalid")
            return None
        try:
            tok = self.state.check_access(h[7:].strip())
            self.entry["gen"] = tok.generation
            return tok
        except TokenError as e:
            self.send_error_json(e.status, e.code, e.message)
            return None

    def throttle(self, group: str) -> Optional[dict]:
        """Counts the request in `group`; sends 429 (penalty restarted) and returns None."""
        self.entry["group"] = group
        headers, penalty = self.state.rate_check(fixtures.OWNER_ID, group)
        extra = self.state.take_fault(self.url.path, self.command, when="headers")
        if extra:
            headers.update(extra.get("extra") or {})
        if penalty is None:
            return headers
        mode = self.state.config.retry_after
        if mode == "seconds":
            headers["Retry-After"] = str(int(penalty))
        elif mode == "date":
            headers["Retry-After"] = email.utils.formatdate(time.time() + penalty, usegmt=True)
        self.send_error_json(429, "CMN-301", "Request rate exceeded", "api", "", headers)
        return None

    def base(self, role: str) -> str:
        return self.mock.platform_url if role == "platform" else self.mock.media_url

    # ---- routes -----------------------------------------------------------------------------
    def route(self, method: str, path: str) -> None:
        role = self.server.role  # type: ignore[attr-defined]
        if role == "media":
            m = RE_RECORDING.match(path)
            if method == "GET" and m and m.group(3):
                return self.recording_content(m.group(2))
            return self.send_error_json(404, "CMN-102", "Not found on the media host")
        if path == "/restapi/oauth/token" and method == "POST":
            return self.token()
        if path == "/restapi/oauth/revoke" and method == "POST":
            return self.revoke()
        if path == "/restapi/oauth/authorize" and method == "GET":
            return self.authorize()
        m = RE_CDN.match(path)
        if m and method == "GET":
            return self.cdn(bool(m.group(1)), m.group(2))
        m = RE_SUBSCRIPTION.match(path)
        if m:
            return self.subscription(method, m.group(1), bool(m.group(2)))
        if method != "GET":
            return self.send_error_json(405, "CMN-405", "Method not allowed")
        if RE_EXTENSION.match(path):
            return self.extension()
        m = RE_CALL_LOG.match(path)
        if m:
            return self.call_log(m.group(2), m.group(3))
        m = RE_RECORDING.match(path)
        if m:
            if m.group(3):
                return self.send_error_json(404, "CMN-102", "Recording content is served by the media host")
            return self.recording_metadata(m.group(2))
        m = RE_INSIGHTS.match(path)
        if m:
            return self.insights(m.group(2), m.group(3))
        self.send_error_json(404, "CMN-102", "Resource not found")

    # -- OAuth
    def client_auth(self, form: dict):
        h = self.headers.get("Authorization", "")
        if h.startswith("Basic "):
            try:
                cid, _, secret = base64.b64decode(h[6:]).decode().partition(":")
            except Exception:
                raise TokenError(401, "invalid_client", "OAU-146", "Malformed Basic header")
            return "basic", self.state.authenticate_client((cid, secret), "")
        return "body", self.state.authenticate_client(None, form.get("client_id", ""))

    def form(self) -> dict:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True).items()}

    def token(self) -> None:
        form = self.form()
        ctype = self.headers.get("Content-Type", "")
        post = self.post
        try:
            if not ctype.startswith("application/x-www-form-urlencoded"):
                raise TokenError(415, "invalid_request", "OAU-101", "Body must be form-encoded")
            post["client_auth"], client = self.client_auth(form)
            headers = self.throttle("Auth")
            if headers is None:
                post["status"] = 429
                return
            grant = form.get("grant_type", "")
            if grant == "authorization_code":
                result = self.state.grant_code(client, form.get("code", ""), form.get("redirect_uri", ""),
                                               form.get("code_verifier", ""))
            elif grant == "refresh_token":
                post["refresh_generation"] = self.state.refresh.get(form.get("refresh_token", "")).generation \
                    if form.get("refresh_token", "") in self.state.refresh else None
                result = self.state.grant_refresh(form.get("refresh_token", ""))
            elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
                result = self.state.grant_jwt(form.get("assertion", ""))
            else:
                raise TokenError(400, "unsupported_grant_type", "OAU-250", "Unsupported grant type")
            post["status"] = 200
            post["generation"] = self.state.access[result["access_token"]].generation
            self.send_json(200, result, headers)
        except TokenError as e:
            post["status"] = e.status
            post["error"] = e.error
            self.send_error_json(e.status, e.code, e.message, "oauth", e.error or "invalid_request")

    def revoke(self) -> None:
        form = self.form()
        self.client_auth(form)
        if self.throttle("Auth") is None:
            return
        self.state.revoke(form.get("token", ""))
        self.send(200, b"", "")

    def authorize(self) -> None:
        q = self.query
        if q.get("response_type") != "code":
            return self.send_error_json(400, "OAU-101", "response_type must be code")
        code = self.state.authorize(q.get("client_id", ""), q.get("redirect_uri", ""),
                                    q.get("code_challenge", ""), q.get("code_challenge_method", ""))
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        self.send(302, b"", "", {"Location": target})

    # -- API
    def extension(self) -> None:
        if self.bearer() is None:
            return
        headers = self.throttle("Light")
        if headers is not None:
            self.send_json(200, dict(fixtures.EXTENSION, uri=self.base("platform") + self.url.path), headers)

    def public_record(self, rec: dict, view: str) -> dict:
        out = fixtures.detailed(rec) if view == "Detailed" else dict(rec)
        out = {k: v for k, v in out.items() if not k.startswith("_")}
        out["uri"] = self.base("platform") + rec["uri"]
        if "recording" in rec:
            r = dict(rec["recording"])
            r["uri"] = self.base("platform") + r["uri"]
            r["contentUri"] = f"{self.base('media')}{API}/account/{fixtures.ACCOUNT_ID}/recording/{r['id']}/content"
            out["recording"] = r
        return out

    def call_log(self, extension: Optional[str], record_id: Optional[str]) -> None:
        if self.bearer() is None:
            return
        headers = self.throttle("Heavy")
        if headers is None:
            return
        q, now = self.query, self.state.now()
        view = q.get("view", "Simple")
        if view not in ("Simple", "Detailed"):
            return self.send_error_json(400, "CMN-101", "Parameter [view] value is invalid", headers=headers)
        wanted = None
        if extension is not None:
            wanted = "101" if extension in ("~", fixtures.OWNER_ID) else extension
        if record_id is not None:
            with self.state.lock:
                found = [r for r in self.state.call_log if r["id"] == record_id
                         and r.get("_available_at", 0) <= now and wanted in (None, r["_extension"])]
            if found:
                return self.send_json(200, self.public_record(found[0], view), headers)
            return self.send_error_json(404, "CMN-102", "Resource for parameter [callRecordId] is not found",
                                        headers=headers)
        try:
            date_from = fixtures.parse_iso(q["dateFrom"]).timestamp() if "dateFrom" in q else now - 86400
            date_to = fixtures.parse_iso(q["dateTo"]).timestamp() if "dateTo" in q else now + 1
            per_page = int(q.get("perPage", 100))
            page = int(q.get("page", 1))
        except ValueError:
            return self.send_error_json(400, "CMN-101", "Parameter value is invalid", headers=headers)
        if not 1 <= per_page <= 1000 or page < 1:
            return self.send_error_json(400, "CMN-101", "Parameter [perPage] value is invalid", headers=headers)
        sel = []
        for r in self.state.calls_between(date_from, date_to, q.get("telephonySessionId", "")):
            if r.get("_available_at", 0) > now or wanted not in (None, r["_extension"]):
                continue
            if "sessionId" in q and r.get("sessionId") != q["sessionId"]:
                continue
            if "direction" in q and r["direction"] != q["direction"]:
                continue
            sel.append(r)  # newest first already
        total = len(sel)
        pages = max(1, (total + per_page - 1) // per_page)
        chunk = sel[(page - 1) * per_page: page * per_page]

        def page_uri(n: int) -> dict:
            params = dict(q, page=str(n), perPage=str(per_page))
            return {"uri": self.base("platform") + self.url.path + "?" + urlencode(params)}

        nav = {"firstPage": page_uri(1), "lastPage": page_uri(pages)}
        if page < pages:
            nav["nextPage"] = page_uri(page + 1)
        elif self.state.config.call_log_pages_loop:
            nav["nextPage"] = page_uri(1)
        if page > 1:
            nav["previousPage"] = page_uri(page - 1)
        self.send_json(200, {
            "uri": self.base("platform") + self.path,
            "records": [self.public_record(r, view) for r in chunk],
            "paging": {"page": page, "totalPages": pages, "perPage": per_page, "totalElements": total,
                       "pageStart": (page - 1) * per_page, "pageEnd": (page - 1) * per_page + len(chunk) - 1},
            "navigation": nav,
        }, headers)

    def recording_metadata(self, rid: str) -> None:
        if self.bearer() is None:
            return
        headers = self.throttle("Heavy")
        if headers is None:
            return
        info = self.state.recording(rid)
        if info is None:
            return self.send_error_json(404, "CMN-102", "Resource for parameter [recordingId] is not found",
                                        headers=headers)
        self.send_json(200, {
            "uri": f"{self.base('platform')}{API}/account/{fixtures.ACCOUNT_ID}/recording/{rid}",
            "id": rid,
            "contentUri": f"{self.base('media')}{API}/account/{fixtures.ACCOUNT_ID}/recording/{rid}/content",
            "contentType": info.get("content_type", "audio/mpeg").split(";")[0],
            "duration": info.get("duration", 30),
        }, headers)

    def redirect_target(self, rid: str, target: str) -> str:
        media_port = urlsplit(self.mock.media_url).port
        return {
            "cdn": f"{self.base('platform')}/__cdn__/{rid}?sig=cdn-signature",
            "plain_http": f"http://recordings.example.test/{rid}.mp3",
            "loopback": f"https://localhost:{media_port}{API}/account/~/recording/9001/content",
            "private": f"https://10.20.30.40/recordings/{rid}.mp3",
            "link_local": "https://169.254.169.254/latest/meta-data/",
            "loop": f"{self.base('platform')}/__cdn__/loop/0",
        }[target]

    def recording_content(self, rid: str) -> None:
        if self.bearer() is None:
            return
        headers = self.throttle("Heavy")
        if headers is None:
            return
        info = self.state.recording(rid)
        if info is None:
            return self.send_error_json(404, "CMN-102", "Resource for parameter [recordingId] is not found",
                                        headers=headers)
        if info["kind"] == "redirect":
            headers["Location"] = self.redirect_target(rid, info["target"])
            return self.send(302, b"", "", headers)
        self.send_audio(rid, info["content_type"], info["size"], headers)

    def cdn(self, loop: bool, rid: str) -> None:
        """A second hop: serves content without credentials; records whether any arrived."""
        with self.state.lock:
            self.state.counters.setdefault("cdn", []).append(
                {"path": self.url.path, "auth": "Authorization" in self.headers})
        if loop:
            n = int(rid) if rid.isdigit() else 0
            return self.send(302, b"", "", {"Location": f"/__cdn__/loop/{n + 1}"})
        self.send_audio(rid, "audio/mpeg", 50_000, {})

    def send_audio(self, rid: str, content_type: str, size: int, headers: dict) -> None:
        data = fixtures.audio_bytes(rid, size)
        status, start = 200, 0
        rng = self.headers.get("Range", "")
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if not m or int(m.group(1)) >= size:
                headers["Content-Range"] = f"bytes */{size}"
                return self.send_error_json(416, "CMN-416", "Range not satisfiable", headers=headers)
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            data, status = data[start:end + 1], 206
        headers["Accept-Ranges"] = "bytes"
        fault = self.state.take_fault(self.url.path, "GET", when="body")
        if fault and fault.get("truncate") is not None:
            # Announce the whole body, send part of it, drop the connection.
            self.entry["status"] = status
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:int(fault["truncate"])])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(status, data, content_type, headers)

    def insights(self, kind: str, ident: str) -> None:
        if self.bearer() is None:
            return
        headers = self.throttle("Light")
        if headers is None:
            return
        if kind == "records" and ident in self.state.insights:
            body = self.state.insight(ident)
            if body is None:
                return self.send_error_json(404, "CMN-102", "Insights not found", headers=headers)
            return self.send_json(200, body, headers)
        if ident in fixtures.INSIGHTS_FORBIDDEN:
            return self.send_error_json(403, "CMN-403", "[AI Conversation Expert - Access Insights] permission required",
                                        headers=headers)
        if ident not in fixtures.INSIGHTS_AVAILABLE:
            return self.send_error_json(404, "CMN-102", "Insights not found", headers=headers)
        body = fixtures.insights(recording_id=ident if kind == "records" else "",
                                 session_id=ident if kind == "sessions" else "")
        self.send_json(200, body, headers)

    # -- subscriptions
    def subscription_view(self, sub: dict) -> dict:
        out = {"id": sub["id"], "uri": f"{self.base('platform')}{API}/subscription/{sub['id']}",
               "eventFilters": list(sub["eventFilters"]), "status": sub["status"],
               "creationTime": fixtures.iso_float(sub["created"]),
               "expirationTime": fixtures.iso_float(sub["expires_at"]),
               "expiresIn": max(0, int(sub["expires_at"] - self.state.now())),
               "deliveryMode": {"transportType": "WebHook", "address": sub["address"], "encryption": False}}
        if sub["status"] == "Blacklisted":
            out["blacklistedData"] = {"blacklistedAt": fixtures.iso_float(sub.get("blacklisted_at", self.state.now())),
                                      "reason": sub.get("blacklisted_reason", "")}
        return out

    def subscription(self, method: str, sid: Optional[str], renew: bool) -> None:
        if self.bearer() is None:
            return
        st = self.state
        light = method == "GET" or renew
        headers = self.throttle("Light" if light else "Medium")
        if headers is None:
            return
        if sid is None:
            if method == "GET":
                return self.send_json(200, {"records": [self.subscription_view(s) for s in
                                                        (st.subscription(k) for k in list(st.subscriptions)) if s]},
                                      headers)
            if method != "POST":
                return self.send_error_json(405, "CMN-405", "Method not allowed", headers=headers)
            return self.create_subscription(headers)
        sub = st.subscription(sid)
        if sub is None:
            return self.send_error_json(404, "SUB-406", f"Subscription {sid} not found", headers=headers)
        if method == "GET" and not renew:
            return self.send_json(200, self.subscription_view(sub), headers)
        if method == "DELETE" and not renew:
            with st.lock:
                st.subscriptions.pop(sid, None)
            return self.send(204, b"", "", headers)
        if (method == "POST" and renew) or (method == "PUT" and not renew):
            body = {}
            if method == "PUT":
                try:
                    body = json.loads(self.body or b"{}")
                except ValueError:
                    return self.send_error_json(400, "CMN-101", "Malformed JSON", headers=headers)
                with st.lock:
                    st.subscription_requests.append({"method": "PUT", "body": body})
            with st.lock:
                live = st.subscriptions[sid]
                if body.get("eventFilters"):
                    live["eventFilters"] = list(body["eventFilters"])
                if isinstance(body.get("expiresIn"), int):
                    live["expiresIn"] = body["expiresIn"]
                live["expires_at"] = st.now() + live["expiresIn"]
                live["renewals"] = live.get("renewals", 0) + 1
                view = self.subscription_view(live)
            return self.send_json(200, view, headers)
        return self.send_error_json(405, "CMN-405", "Method not allowed", headers=headers)

    def create_subscription(self, headers: dict) -> None:
        st = self.state
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            return self.send_error_json(400, "CMN-101", "Malformed JSON", headers=headers)
        with st.lock:
            st.subscription_requests.append({"method": "POST", "body": body})
        mode = body.get("deliveryMode") if isinstance(body, dict) else None
        filters = body.get("eventFilters") if isinstance(body, dict) else None
        if not isinstance(filters, list) or not filters or not all(isinstance(f, str) for f in filters):
            return self.send_error_json(400, "SUB-521", "Parameter [eventFilters] is invalid", headers=headers)
        if not isinstance(mode, dict) or mode.get("transportType") != "WebHook" or not mode.get("address"):
            return self.send_error_json(400, "SUB-522", "Parameter [deliveryMode] is invalid", headers=headers)
        ttl = body.get("expiresIn")
        if not isinstance(ttl, int) or isinstance(ttl, bool):
            ttl = int(st.config.default_subscription_ttl)  # e.g. expiresIn inside deliveryMode: ignored
        ttl = max(1, min(ttl, 315_360_000))
        if len(st.active_subscriptions()) >= st.config.max_subscriptions:
            return self.send_error_json(400, "SUB-105", "Maximum number of subscriptions reached", headers=headers)
        if st.config.validate_webhooks:
            problem = webhooks.handshake(mode["address"])
            if problem:
                return self.send_error_json(400, "SUB-525", problem, headers=headers)
        now = st.now()
        sub = {"id": str(uuid.uuid4()), "eventFilters": list(filters), "address": mode["address"],
               "verificationToken": mode.get("verificationToken", ""), "expiresIn": ttl,
               "created": now, "expires_at": now + ttl, "status": "Active"}
        with st.lock:
            st.subscriptions[sub["id"]] = sub
        self.send_json(200, self.subscription_view(sub), headers)

    # ---- control ----------------------------------------------------------------------------
    def control(self, method: str, what: str) -> None:
        st = self.state
        try:
            data = json.loads(self.body or b"{}")
        except ValueError:
            return self.send_json(400, {"error": "bad json"})
        if what == "state" and method == "GET":
            return self.send_json(200, st.snapshot())
        if method != "POST":
            return self.send_json(405, {"error": "POST"})
        if what == "reset":
            st.reset()
            st.set_clock()
        elif what == "config":
            st.configure(data)
        elif what == "fault":
            for f in data if isinstance(data, list) else [data]:
                st.add_fault(f)
        elif what == "expire":
            if data.get("access", True):
                st.expire_access()
            if data.get("refresh", False):
                st.expire_refresh()
        elif what == "call":
            st.add_call(data["record"], float(data.get("available_in", 0)))
        elif what == "clock":
            st.set_clock(offset=float(data.get("offset", 0)))
        elif what == "blacklist":
            return self.send_json(200, {"blacklisted": st.blacklist(data.get("id", ""), data.get("reason", "Webhook delivery failed"))})
        elif what == "expire_subscriptions":
            st.expire_subscriptions()
        elif what == "recording":
            st.add_recording(data["id"], int(data.get("size", 20000)), data.get("content_type", "audio/mpeg"),
                             st.now() + float(data["available_in"]) if data.get("available_in") is not None else None)
        elif what == "code":
            code = st.authorize(data["client_id"], data["redirect_uri"], data.get("code_challenge", ""),
                                data.get("code_challenge_method", "S256"))
            return self.send_json(200, {"code": code})
        else:
            return self.send_json(404, {"error": what})
        self.send_json(200, {"ok": True})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        """A client that went away (killed mid-request, as the tests do) is not an error."""
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class MockRingCentral:
    """The platform host and the media host, sharing one State."""

    def __init__(self, host: str = "127.0.0.1", clock=None) -> None:
        self.state = State()
        if clock is not None:
            self.state.set_clock(clock)
        self.webhooks: Optional[webhooks.Deliverer] = None
        self._servers = []
        for role in ("platform", "media"):
            srv = _Server((host, 0), Handler)
            srv.mock = self  # type: ignore[attr-defined]
            srv.role = role  # type: ignore[attr-defined]
            self._servers.append(srv)
        self.platform_url = f"http://{host}:{self._servers[0].server_address[1]}"
        self.media_url = f"http://{host}:{self._servers[1].server_address[1]}"
        self._threads: list[threading.Thread] = []

    @property
    def origins(self) -> list[str]:
        return [self.platform_url, self.media_url]

    def start(self) -> "MockRingCentral":
        for srv in self._servers:
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        if self.webhooks is not None:
            self.webhooks.close()
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()

    def __enter__(self) -> "MockRingCentral":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def deliverer(self, **options) -> "webhooks.Deliverer":
        """The webhook deliverer of this mock (see webhooks.Deliverer for the fault options)."""
        if self.webhooks is not None:
            self.webhooks.close()
        self.webhooks = webhooks.Deliverer(self.state, **options)
        return self.webhooks

    # Shorthands for in-process tests.
    def configure(self, **changes) -> None:
        self.state.configure(changes)

    def fault(self, **fault) -> None:
        self.state.add_fault(fault)

    def snapshot(self) -> dict:
        return self.state.snapshot()

    def code(self, client_id: str, redirect_uri: str, challenge: str = "") -> str:
        return self.state.authorize(client_id, redirect_uri, challenge, "S256")
