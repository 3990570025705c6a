"""The mock RingCentral itself behaves as RingCentral documents (so the client's tests test
the right thing): single-use refresh tokens with the grace windows, the old access token
dying on refresh, PKCE, penalties that restart, Retry-After in both forms."""
import base64
import email.utils
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ringcentral_support import CLIENT_ID, CLIENT_SECRET, JWT, REDIRECT, MockRingCentral


@pytest.fixture
def rc():
    with MockRingCentral() as m:
        yield m


def call(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def token(rc, **form):
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    status, _, body = call(rc.platform_url + "/restapi/oauth/token", urllib.parse.urlencode(form).encode(),
                           {"Authorization": "Basic " + basic,
                            "Content-Type": "application/x-www-form-urlencoded"})
    return status, json.loads(body)


def api(rc, access):
    return call(rc.platform_url + "/restapi/v1.0/account/~/extension/~", headers={"Authorization": "Bearer " + access})


def test_rotation_and_grace_windows(rc):
    rc.configure(used_grace=0.3, unused_grace=0.6, rate_limits=False)
    _, first = token(rc, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=JWT)
    assert api(rc, first["access_token"])[0] == 200
    _, second = token(rc, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert api(rc, first["access_token"])[0] == 401             # the old access token died
    # Unused new token: the old refresh token gives the same pair again, until the unused grace ends.
    assert token(rc, grant_type="refresh_token", refresh_token=first["refresh_token"])[1] == second
    time.sleep(0.7)
    status, err = token(rc, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert status == 400 and err["error"] == "invalid_grant" and err["errors"][0]["errorCode"] == "OAU-210"
    # Used new token: the old one lives on for the used grace only.
    _, third = token(rc, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert api(rc, third["access_token"])[0] == 200
    assert token(rc, grant_type="refresh_token", refresh_token=second["refresh_token"])[1] == third
    time.sleep(0.4)
    assert token(rc, grant_type="refresh_token", refresh_token=second["refresh_token"])[0] == 400
    status, err = token(rc, grant_type="refresh_token", refresh_token="RT-unknown")
    assert status == 400 and err["errors"][0]["errorCode"] == "OAU-213"
    assert rc.snapshot()["refresh_posts"] == {"1": 3, "2": 3}


def test_pkce_is_verified(rc):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    code = rc.code(CLIENT_ID, REDIRECT, challenge)
    bad = token(rc, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier="x" * 50)
    assert bad[0] == 400
    code = rc.code(CLIENT_ID, REDIRECT, challenge)
    assert token(rc, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier)[0] == 200
    assert token(rc, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier)[0] == 400


@pytest.mark.parametrize("mode", ["seconds", "date", "none"])
def test_penalties_restart_and_retry_after_forms(rc, mode):
    rc.configure(limits={"Light": [2, 60]}, penalty=1, retry_after=mode)
    _, t = token(rc, grant_type="urn:ietf:params:oauth:grant-type:jwt-bearer", assertion=JWT)
    statuses = [api(rc, t["access_token"]) for _ in range(3)]
    assert [s[0] for s in statuses] == [200, 200, 429]
    assert statuses[1][1]["X-Rate-Limit-Remaining"] == "0"
    ra = statuses[2][1].get("Retry-After")
    if mode == "seconds":
        assert ra == "1"
    elif mode == "date":
        assert -1 <= email.utils.parsedate_to_datetime(ra).timestamp() - time.time() <= 2
    else:
        assert ra is None
    time.sleep(0.6)
    assert api(rc, t["access_token"])[0] == 429  # during the penalty: restarts it
    time.sleep(0.7)
    assert api(rc, t["access_token"])[0] == 429  # still inside the restarted penalty
    assert rc.snapshot()["violations"] == {"Light": 2}
