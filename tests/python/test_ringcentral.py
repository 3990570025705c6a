"""sb.RingCentralClient from Python against the mock RingCentral on loopback: the binding,
the GIL, secrets kept by a Python SecretCodec, log lines, and a rotation by a worker that
took no lock (adopted on invalid_grant)."""
import threading
import time

import pytest

import switchboard as sb
from dict_store import DictBackend
from ringcentral_support import (CLIENT_SECRET, JWT, REDIRECT, FakeClock, MockRingCentral, client)


@pytest.fixture(scope="module")
def mock_server():
    with MockRingCentral() as m:
        yield m


@pytest.fixture
def rc(mock_server):
    mock_server.state.reset()
    return mock_server


def test_the_binding_end_to_end(rc, tmp_path):
    store = sb.SqliteStore(str(tmp_path / "rc.sqlite"))
    c = client(store, rc)
    assert isinstance(c, sb.TranscriptSource)
    c.login_jwt(JWT)
    assert c.test_connection()["name"] == "Front Desk"
    assert c.get("/restapi/v1.0/account/~/extension/~")["extensionNumber"] == "101"
    records = c.call_log(date_from="2024-03-01T00:00:00Z", per_page=100)
    assert len(records) == 230 and records[0]["startTime"] > records[-1]["startTime"]
    assert c.call_log_record("CL00004")["telephonySessionId"] == "s-mock00004"
    assert c.call_log_record("missing") is None
    assert c.find_call_log("s-mock00009", date_from="2024-03-01")["id"] == "CL00009"
    assert c.recording_metadata("9001")["contentType"] == "audio/mpeg"
    out = tmp_path / "rec.mp3"
    d = c.download_recording("9001", str(out))
    assert d["available"] and d["bytes"] == 300000 and out.stat().st_size == 300000
    assert c.download_recording("4242", str(tmp_path / "no.mp3"))["available"] is False
    assert c.recording_content_url("77") == rc.media_url + "/restapi/v1.0/account/~/recording/77/content"
    log = store.insert("CRM Call Log", {"id": "X1", "recording_id": "9001"})
    t = sb.get_or_create_transcript(store, "CRM Call Log", log, c)
    assert t["success"] and t["transcript"].startswith("[Front Desk]: Thanks")
    assert sb.get_or_create_transcript(store, "CRM Call Log", log, c)["cached"] is True
    status = c.status()
    assert status["connected"] and status["owner_id"] == "400100201"
    assert {g["group"] for g in c.rate_limits()} >= {"Auth", "Heavy", "Light"}
    c.revoke()
    assert c.status()["connected"] is False
    with pytest.raises(sb.AuthError) as err:
        c.test_connection()
    assert err.value.code == "reauthorization_required"


def test_errors_are_typed(rc):
    c = client(sb.MemoryStore(), rc)
    c.login_jwt(JWT)
    rc.fault(match="/extension/", status=400, shape="legacy", error_code="CMN-101",
             message="Parameter [x] is invalid", retry_after="4")
    with pytest.raises(sb.HttpError) as err:
        c.test_connection()
    assert (err.value.status, err.value.api_code, err.value.retry_after) == (400, "CMN-101", 4.0)
    with pytest.raises(sb.ValidationError):
        c.download_recording("9006", "/tmp/never-written.mp3")  # redirect to loopback
    with pytest.raises(sb.ValidationError):
        sb.RingCentralClient(sb.MemoryStore(), server="http://platform.example.test",
                             codec=sb.aes_gcm_codec(b"k" * 32))


def test_waits_use_the_injected_clock_and_sleep(rc):
    clock = FakeClock()
    c = client(sb.MemoryStore(), rc, clock=clock, sleep=clock.sleep)
    c.login_jwt(JWT)
    rc.fault(match="/call-log", status=429, group="Heavy", retry_after="7")
    c.call_log(date_from="2024-03-01", per_page=10, max_pages=1)
    assert len(clock.sleeps) == 1 and 7.0 <= clock.sleeps[0] <= 7.01
    clock.now += 3541  # past the refresh margin of the one-hour token
    c.test_connection()
    grants = [p["grant"] for p in rc.snapshot()["token_posts"]]
    assert grants.count("refresh_token") == 1


def test_the_gil_is_released_while_requests_wait(rc):
    c = client(sb.MemoryStore(), rc)
    c.login_jwt(JWT)
    rc.fault(match="/extension/", delay=0.5)
    ticks = 0
    stop = threading.Event()

    def spin():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=spin)
    t.start()
    c.test_connection()  # the in-process mock itself needs the GIL to answer
    stop.set()
    t.join()
    assert ticks > 1000


class Vault(sb.SecretCodec):
    """Secrets kept outside the settings document, the way Frappe's Password fields keep
    them: the document only holds a placeholder."""

    def __init__(self):
        sb.SecretCodec.__init__(self)
        self.values = {}

    def seal(self, field, plaintext):
        self.values[field] = plaintext
        return "*****"

    def open(self, field, stored):
        return self.values[field]


def test_a_python_secret_codec_keeps_the_secrets(rc):
    store, vault = sb.MemoryStore(), Vault()
    c = client(store, rc, codec=vault, jwt=JWT)
    c.save_configuration()
    c.login_jwt()
    doc = store.get("CRM RingCentral Settings", "CRM RingCentral Settings")
    for field in ("client_secret", "jwt_credential", "access_token", "refresh_token"):
        assert doc[field] == "*****"
    assert vault.values["client_secret"] == CLIENT_SECRET
    again = sb.RingCentralClient(store, codec=vault, allowed_origins=rc.origins)
    assert again.test_connection()["name"] == "Front Desk"


def test_log_lines_never_carry_secrets(rc):
    lines = []
    clock = FakeClock()
    c = client(sb.MemoryStore(), rc, clock=clock, sleep=clock.sleep,
               log=lambda level, message: lines.append(message))
    c.login_jwt(JWT)
    clock.now += 4000
    rc.fault(match="/extension/", status=401)
    rc.fault(match="/call-log", status=503)
    c.test_connection()
    c.call_log(date_from="2024-03-01", per_page=5, max_pages=1)
    rc.fault(match="/restapi/oauth/token", status=400, shape="oauth", oauth_error="invalid_grant",
             error_code="OAU-210", count=5)
    clock.now += 4000
    with pytest.raises(sb.AuthError) as err:
        c.test_connection()
    assert lines and any("refreshed" in line for line in lines)
    text = "\n".join(lines) + str(err.value)
    issued = [t.value for t in rc.state.access.values()] + [t.value for t in rc.state.refresh.values()]
    for secret in issued + [CLIENT_SECRET, JWT]:
        assert secret not in text
    assert "access_token=" not in text


class NoLockBackend(DictBackend):
    """Shares its rows with another instance and neither locks nor isolates: two workers on
    a backend without the lock capability (like the original scripts' unlocked refresh)."""

    def __init__(self, shared=None):
        DictBackend.__init__(self)
        if shared is not None:
            self.data = shared

    def begin(self):
        pass

    def commit(self):
        pass

    def rollback(self):
        pass

    def capabilities(self):
        return 0


def NoLockStore(shared=None):
    return sb.Store(NoLockBackend(shared), seed_defaults=True)


def test_a_rotation_by_another_worker_is_adopted_on_invalid_grant(rc):
    rc.configure(used_grace=0.0)  # the spent refresh token dies as soon as its successor is used
    a_store = NoLockStore()
    b_store = NoLockStore(a_store.backend.data)
    clock = FakeClock()
    a = client(a_store, rc, clock=clock, sleep=clock.sleep)
    b = client(b_store, rc, clock=clock, sleep=clock.sleep)
    a.login_jwt(JWT)
    b.test_connection()  # b reads the stored pair
    clock.now += 3590
    rc.fault(match="/restapi/oauth/token", delay=0.5)  # b's refresh arrives first, answered late
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("b", b.test_connection()))
    t.start()
    time.sleep(0.15)
    a.test_connection()  # a rotates the pair meanwhile and uses the new token
    t.join()
    assert result["b"]["name"] == "Front Desk"
    posts = rc.snapshot()["token_posts"]
    refreshes = [p for p in posts if p["grant"] == "refresh_token"]
    assert [p["status"] for p in refreshes] == [400, 200]  # b arrived first, answered last
    assert not [p for p in posts[1:] if p["grant"] != "refresh_token"]  # no JWT fallback
    ext = [r for r in rc.snapshot()["requests"] if "/extension/" in r["path"]]
    assert ext[-1]["gen"] == 2 and ext[-1]["status"] == 200  # b uses the adopted token
    assert b.status()["connected"]


def test_a_public_app_signs_in_with_pkce(rc):
    c = client(sb.MemoryStore(), rc, client_id="public-app", client_secret="")
    url = c.authorization_url()
    import urllib.parse
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    code = rc.code("public-app", REDIRECT, q["code_challenge"])
    c.complete_login(f"{REDIRECT}?code={code}&state={q['state']}")
    post = rc.snapshot()["token_posts"][-1]
    assert post["client_auth"] == "body" and post["status"] == 200
    assert c.test_connection()["id"]
