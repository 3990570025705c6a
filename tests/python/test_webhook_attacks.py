"""call_webhook_server under attack, on 127.0.0.1: oversized and endless bodies, slow headers
and slow bodies from many connections, wrong secrets at volume, malformed payloads (1e400,
deep nesting, huge strings), too many connections. After each attack good requests must
still be answered in time and every good call must be stored.

Every loop here is bounded in count and in time; the server is the real binary on a temp
SQLite file (SWITCHBOARD_WEBHOOK_SERVER points the suite at another binary).
"""
import http.client
import json
import os
import socket
import subprocess
import threading
import time

import pytest

import switchboard as sb
from conftest import BUILD

BINARY = os.environ.get("SWITCHBOARD_WEBHOOK_SERVER") or os.path.join(
    BUILD, "examples", "call_webhook_server", "call_webhook_server")
SECRET = "sk_live_abc123"
HOST = "127.0.0.1"
MiB = 1 << 20


def relay(call_id: str, **extra) -> str:
    """A Pabbly relay body for one call (a unique caller per call id)."""
    digits = f"{abs(hash(call_id)) % 10_000_000:07d}"
    body = {"call_id": call_id, "direction": "Inbound", "from_number": f"+1415{digits}",
            "from_name": "Caller", "to_number": "+15559876543", "duration": 30,
            "result": "Call connected", "start_time": "2025-01-06T10:30:00Z"}
    body.update(extra)
    return json.dumps(body)


class Server:
    """The real call_webhook_server on an ephemeral port of 127.0.0.1."""

    def __init__(self, tmp_path, *flags, env=None):
        self.db = str(tmp_path / f"server-{time.monotonic_ns()}.sqlite")
        secret = [] if env else ["--relay-secret", SECRET]
        self.proc = subprocess.Popen(
            [BINARY, "--db", self.db, "--host", HOST, "--port", "0", *secret,
             "--company-number", "+15559876543", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        line = self.proc.stdout.readline()
        if not line.startswith(f"listening on http://{HOST}:"):
            self.proc.kill()
            pytest.fail(f"server did not start: {line}{self.proc.stderr.read()}")
        self.port = int(line.rsplit(":", 1)[1])

    def memory_kib(self) -> dict:
        """VmRSS and VmHWM of the server process, in KiB."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0])
        return out

    def connect(self, timeout=5.0) -> socket.socket:
        return socket.create_connection((HOST, self.port), timeout=timeout)

    def post(self, body, headers=None, path="/webhook", timeout=5.0):
        """(status, JSON reply, headers, seconds taken) of one request on a new connection."""
        start = time.monotonic()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request("POST", path, body=body.encode() if isinstance(body, str) else body,
                         headers={"Content-Type": "application/json", **(headers or {})})
            r = conn.getresponse()
            data = r.read()
            reply = json.loads(data) if data else {}
            return r.status, reply, dict(r.getheaders()), time.monotonic() - start
        finally:
            conn.close()

    def good(self, call_id, timeout=5.0):
        return self.post(relay(call_id), {"X-Webhook-Secret": SECRET}, timeout=timeout)

    def handshake(self, timeout=5.0):
        return self.post("", {"Validation-Token": "handshake-token"}, timeout=timeout)

    def store(self):
        return sb.SqliteStore(self.db)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*flags, env=None):
        s = Server(tmp_path, *flags, env=env)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def read_response(sock: socket.socket, timeout: float):
    """The status of the HTTP response waiting on `sock` (http.client parses it), or None when
    the server closed the connection without one."""
    sock.settimeout(timeout)
    r = http.client.HTTPResponse(sock)
    try:
        r.begin()
        r.read()
        return r.status
    except (http.client.RemoteDisconnected, http.client.BadStatusLine, ConnectionError):
        return None


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """True once the server closes `sock` (EOF or reset) within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionError:
        return True
    except socket.timeout:
        return False


def assert_good_traffic(server, prefix, count=5, within=1.0):
    """`count` good calls and a handshake, each answered within `within` seconds."""
    for i in range(count):
        status, reply, _, took = server.good(f"{prefix}-{i}", timeout=within + 4)
        assert status == 200 and reply["success"], reply
        assert took < within, f"good request took {took:.2f}s"
    status, _, headers, took = server.handshake(timeout=within + 4)
    assert status == 200 and headers.get("Validation-Token") == "handshake-token"
    assert took < within, f"handshake took {took:.2f}s"


def call_ids(server) -> set:
    return {row["call_id"] for row in server.store().find("Helpdesk Call Log", fields=["call_id"])}


# ---- bodies ---------------------------------------------------------------------------------

def test_endless_chunked_bodies_keep_memory_under_100_mb(start_server):
    """16 clients with the right secret send chunked bodies that never end; the server reads
    at most the body limit of each and stays under 100 MB."""
    server = start_server()
    assert_good_traffic(server, "before", count=2)
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"7" * 64 * 1024)
    per_client_cap = 48 * MiB  # bounds the test, not the server
    deadline = time.monotonic() + 4.0
    sent = [0] * 16
    samples = []

    def attacker(i):
        for _ in range(1000):  # cut off, the client comes back with a new endless body
            if time.monotonic() >= deadline or sent[i] >= per_client_cap:
                return
            try:
                with server.connect(timeout=2) as s:
                    s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              b"X-Webhook-Secret: " + SECRET.encode() + b"\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n")
                    while time.monotonic() < deadline and sent[i] < per_client_cap:
                        s.sendall(chunk)
                        sent[i] += len(chunk)
            except OSError:
                pass  # the server refused the body and closed: that is the point

    def sampler():
        while time.monotonic() < deadline + 0.5 and server.alive():
            samples.append(server.memory_kib())
            time.sleep(0.05)

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(16)]
    watch = threading.Thread(target=sampler)
    watch.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    watch.join(timeout=15)
    assert server.alive()
    peak_kib = server.memory_kib()["VmHWM"]
    assert peak_kib < 100 * 1024, f"server peaked at {peak_kib // 1024} MiB while {sum(sent) // MiB} MiB were sent"
    assert max(s["VmRSS"] for s in samples) < 100 * 1024
    assert_good_traffic(server, "after", count=2)
    assert call_ids(server) == {"before-0", "before-1", "after-0", "after-1"}


def test_oversized_bodies_are_refused_with_413(start_server):
    server = start_server()
    # A declared length beyond the limit is refused before a byte of the body is sent.
    with server.connect() as s:
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: " + SECRET.encode() +
                  b"\r\nContent-Length: %d\r\n\r\n" % (2 * MiB))
        started = time.monotonic()
        assert read_response(s, timeout=2) == 413
        assert time.monotonic() - started < 1
    # A chunked body that grows past the limit.
    with server.connect() as s:
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: " + SECRET.encode() +
                  b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(20):  # 1.25 MiB
            s.sendall(b"10000\r\n" + b"a" * 0x10000 + b"\r\n")
        assert read_response(s, timeout=3) == 413
    # The limit is configurable.
    small = start_server("--max-body-bytes", "1000")
    status, reply, _, _ = small.post(relay("padded", from_name="x" * 1200), {"X-Webhook-Secret": SECRET})
    assert status == 413 and reply["success"] is False
    assert small.good("fits")[0] == 200
    assert call_ids(small) == {"fits"}
    assert_good_traffic(server, "still")


def test_the_secret_is_checked_before_the_body_is_read(start_server):
    """A wrong secret is answered from the headers alone: the client never has to send its
    (declared 500 kB) body, and nothing is stored."""
    server = start_server()
    for headers in (b"", b"X-Webhook-Secret: wrong\r\n", b"Verification-Token: " + SECRET.encode() + b"\r\n"):
        with server.connect() as s:
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n" + headers +
                      b"Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n")
            started = time.monotonic()
            assert read_response(s, timeout=3) == 401
            assert time.monotonic() - started < 1
    # curl's Expect: 100-continue gets its 401 without sending the body at all ...
    with server.connect() as s:
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  b"Content-Length: 5000\r\n\r\n")
        assert read_response(s, timeout=3) == 401
    # ... and with the right secret a "100 Continue" first.
    body = relay("expect-continue").encode()
    with server.connect() as s:
        s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nX-Webhook-Secret: " +
                  SECRET.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body))
        s.settimeout(3)
        assert s.recv(64).startswith(b"HTTP/1.1 100 Continue\r\n")
        s.sendall(body)
        assert read_response(s, timeout=3) == 200
    assert call_ids(server) == {"expect-continue"}


def test_oversized_headers_are_refused_with_431(start_server):
    server = start_server()
    for headers in (b"X-Big: " + b"a" * 20000 + b"\r\n", b"".join(b"X-%d: v\r\n" % i for i in range(3000))):
        with server.connect() as s:
            s.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
            assert read_response(s, timeout=3) == 431
    assert_good_traffic(server, "after")


# ---- slow clients -----------------------------------------------------------------------------

class Trickler:
    """Connections that send their request one byte at a time (slowloris), from one thread."""

    def __init__(self, server, header_only, body_too, interval=0.5):
        self.socks, self.pending, self.interval = [], [], interval
        slow_header = b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 4000 + b"\r\n\r\n"
        body = relay("never-finished").encode()
        slow_body = (b"POST /webhook HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: " + SECRET.encode() +
                     b"\r\nContent-Length: %d\r\n\r\n" % (len(body) + 100000))
        for i in range(header_only + body_too):
            s = server.connect(timeout=2)
            if i < header_only:
                s.sendall(slow_header[:20])
                self.pending.append(slow_header[20:])
            else:
                s.sendall(slow_body)  # the header arrives at once, then the body crawls
                self.pending.append(body)
            self.socks.append(s)
        self.closed = [False] * len(self.socks)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        for _ in range(120):  # at most 120 rounds
            if self.stop.wait(self.interval):
                return
            for i, s in enumerate(self.socks):
                if self.closed[i] or not self.pending[i]:
                    continue
                try:
                    s.sendall(self.pending[i][:1])
                    self.pending[i] = self.pending[i][1:]
                except OSError:
                    self.closed[i] = True

    def still_open(self) -> int:
        """How many of the connections the server still holds (a closed one reads EOF)."""
        n = 0
        for i, s in enumerate(self.socks):
            s.setblocking(False)
            try:
                data = s.recv(1)
                self.closed[i] = self.closed[i] or data == b""
            except BlockingIOError:
                pass
            except OSError:
                self.closed[i] = True
            n += not self.closed[i]
        return n

    def close(self):
        self.stop.set()
        self.thread.join(timeout=10)
        for s in self.socks:
            s.close()


def test_64_slow_connections_do_not_stall_good_requests(start_server):
    """32 slow headers and 32 slow bodies, a byte every half second, while good calls and
    handshakes come in, some from 8 parallel senders: every good request is answered within 1 s,
    every good call is stored. The per-address limit is raised because every client here shares
    127.0.0.1; in production these 64 would come from many addresses."""
    server = start_server("--max-connections-per-client", "200")
    slow = Trickler(server, header_only=32, body_too=32)
    try:
        time.sleep(0.5)
        assert slow.still_open() == 64
        slowest = [0.0]
        failures = []

        def sender(t):
            for i in range(10):
                try:
                    status, _, _, took = server.good(f"load-{t}-{i}", timeout=5)
                    slowest[0] = max(slowest[0], took)
                    if status != 200:
                        failures.append(status)
                except OSError as e:
                    failures.append(repr(e))

        senders = [threading.Thread(target=sender, args=(t,)) for t in range(8)]
        for t in senders:
            t.start()
        handshakes = []
        for _ in range(10):
            status, _, headers, took = server.handshake(timeout=5)
            assert status == 200 and headers["Validation-Token"] == "handshake-token"
            handshakes.append(took)
            time.sleep(0.1)
        for t in senders:
            t.join(timeout=30)
        assert not failures, failures
        assert max(handshakes) < 1.0, f"slowest handshake {max(handshakes):.2f}s"
        assert slowest[0] < 1.0, f"slowest good request {slowest[0]:.2f}s"
        assert_good_traffic(server, "solo", count=5)
        assert slow.still_open() == 64  # held, not dropped, while within their deadline
    finally:
        slow.close()
    ids = call_ids(server)
    assert {f"load-{t}-{i}" for t in range(8) for i in range(10)} <= ids
    assert "never-finished" not in ids and len(ids) == 85


def test_deadlines_count_from_the_first_byte_and_never_restart(start_server):
    """A byte every 0.2 s does not keep a connection alive: the header deadline and the
    whole-request deadline are fixed when the request starts."""
    server = start_server("--header-timeout", "1.5", "--request-timeout", "3")
    started = time.monotonic()
    slow = Trickler(server, header_only=1, body_too=1, interval=0.2)
    try:
        header_sock, body_sock = slow.socks
        assert closed_by_server(header_sock, timeout=4)
        header_closed = time.monotonic() - started
        assert closed_by_server(body_sock, timeout=4)
        body_closed = time.monotonic() - started
        assert 1.3 < header_closed < 2.5, header_closed
        assert 2.8 < body_closed < 4.0, body_closed
    finally:
        slow.close()
    # An idle connection that never sends a byte is closed at the header deadline too.
    with server.connect() as idle:
        t = time.monotonic()
        assert closed_by_server(idle, timeout=4)
        assert 1.3 < time.monotonic() - t < 2.5
    assert_good_traffic(server, "after")


# ---- connections --------------------------------------------------------------------------------

def accepted_again(server, call_id) -> bool:
    """True once a good call is accepted: slots come back as the server sees the closes."""
    for _ in range(50):
        try:
            if server.good(call_id, timeout=2)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def test_connections_are_limited_per_address_and_in_total(start_server):
    per_client = start_server("--max-connections-per-client", "6")
    held = [per_client.connect() for _ in range(6)]
    try:
        time.sleep(0.2)
        with per_client.connect() as extra:
            assert read_response(extra, timeout=2) == 429
    finally:
        for s in held:
            s.close()
    assert accepted_again(per_client, "after-per-client")
    assert call_ids(per_client) == {"after-per-client"}

    total = start_server("--max-connections", "5", "--max-connections-per-client", "0")
    held = [total.connect() for _ in range(5)]
    try:
        time.sleep(0.2)
        with total.connect() as extra:
            assert read_response(extra, timeout=2) == 503
    finally:
        for s in held:
            s.close()
    assert accepted_again(total, "after-total")
    assert_good_traffic(total, "after-total-more", count=2)


# ---- secrets and payloads -------------------------------------------------------------------------

def test_secrets_can_come_from_the_environment(start_server):
    """Kept off the command line, where every local user can read them."""
    server = start_server(env={"CALL_WEBHOOK_RELAY_SECRET": SECRET})
    assert server.post(relay("no-secret"), {})[0] == 401
    with open(f"/proc/{server.proc.pid}/cmdline", "rb") as f:
        assert SECRET.encode() not in f.read()
    assert_good_traffic(server, "env", count=1)


def test_wrong_secrets_at_volume_store_nothing(start_server):
    server = start_server()
    wrong = [{}, {"X-Webhook-Secret": "wrong"}, {"X-Webhook-Secret": SECRET[:-1]},
             {"X-Webhook-Secret": SECRET + "x"}, {"X-Webhook-Secret": SECRET.upper()},
             {"Verification-Token": SECRET}, {"X-Webhook-Secret": ""}]
    statuses = []

    def hammer(t):
        conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
        try:
            for i in range(100):
                conn.request("POST", "/webhook", body=relay(f"evil-{t}-{i}").encode(),
                             headers={"Content-Type": "application/json", **wrong[i % len(wrong)]})
                r = conn.getresponse()
                r.read()
                statuses.append(r.status)
        finally:
            conn.close()

    threads = [threading.Thread(target=hammer, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(statuses) == 400 and set(statuses) == {401}
    store = server.store()
    assert store.count("Helpdesk Call Log") == 0
    assert store.count("RingCentral CRM Payload") == 0
    assert store.count("Error Log") == 0
    assert_good_traffic(server, "after", count=2)


def test_malformed_payloads_are_400_never_500(start_server):
    server = start_server()
    deep_arrays = '{"call_id": "deep", "legs": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep_objects = '{"call_id": "deep2", "legs": ' + '{"a":' * 50_000 + "1" + "}" * 50_000 + "}"
    bad = {
        "1e400": '{"call_id": "big", "from_number": "+14155550100", "duration": 1e400}',
        "-1e400": '{"call_id": "big2", "from_number": "+14155550100", "duration": -1e400}',
        "1e400 id": '{"call_id": 1e400, "from_number": "+14155550100"}',
        "huge integer": '{"call_id": ' + "9" * 400 + ', "from_number": "+14155550100"}',
        "deep arrays": deep_arrays,
        "deep objects": deep_objects,
        "unclosed nesting": "[" * (MiB - 100),
        "broken": '{"call_id": "x", "from_number": [1, 2',
        "empty": "",
        "null": "null",
        "array": "[1, 2]",
        "no call": '{"hello": "world"}',
        "invalid utf-8": b'{"call_id": "\xff\xfe", "from_number": "+14155550100"}',
        "nul bytes": b'{"call_id": "a\x00b"\x00}',
        "huge string, unterminated": '{"call_id": "' + "x" * (MiB - 100),
    }
    for name, body in bad.items():
        status, reply, _, _ = server.post(body, {"X-Webhook-Secret": SECRET})
        assert status == 400 and reply["success"] is False, (name, status, reply)
    # A huge but well-formed string is not an attack on the parser: it is read, and bounded
    # by the body limit.
    status, reply, _, _ = server.post(relay("long-name", from_name="n" * 500_000), {"X-Webhook-Secret": SECRET})
    assert status in (200, 400), reply
    store = server.store()
    assert store.count("Error Log") == 0  # no 500 anywhere
    assert {"big", "big2", "deep", "deep2"}.isdisjoint(call_ids(server))
    assert_good_traffic(server, "after", count=2)
    assert {"after-0", "after-1"} <= call_ids(server)
