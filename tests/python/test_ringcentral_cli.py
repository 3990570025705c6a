"""`frontdesk ringcentral` end to end against the mock RingCentral: login with the
authorization code pasted back, status, a recording, logout, and login with a JWT."""
import json
import os
import subprocess
import urllib.request

from ringcentral_support import (CLIENT_ID, CLIENT_SECRET, FIXED_SECRETS, JWT, KEY_B64, REDIRECT,
                                 MockRingCentral)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def follow_authorize(url: str) -> str:
    """What a browser does: the authorize endpoint answers 302 to the redirect URI."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("no redirect")


def test_frontdesk_ringcentral_end_to_end(frontdesk_bin, tmp_path):
    db = str(tmp_path / "fd.sqlite")
    subprocess.run([frontdesk_bin, "init", "--db", db], check=True, capture_output=True)
    env = {**os.environ, "SWITCHBOARD_SECRET_KEY": KEY_B64, "RINGCENTRAL_CLIENT_SECRET": CLIENT_SECRET}
    env.pop("RINGCENTRAL_JWT", None)
    outputs = []
    with MockRingCentral() as rc:
        allow = ["--allow-origin", rc.platform_url, "--allow-origin", rc.media_url]

        def fd(*args, stdin=None, extra_env=None):
            proc = subprocess.run([frontdesk_bin, "--db", db, "ringcentral", *args], input=stdin,
                                  capture_output=True, text=True, timeout=60, env={**env, **(extra_env or {})})
            outputs.append(proc.stdout + proc.stderr)
            return proc

        # login: the URL is printed, the pasted redirect completes the exchange
        login = subprocess.Popen(
            [frontdesk_bin, "--db", db, "ringcentral", "login", "--client-id", CLIENT_ID,
             "--server", rc.platform_url, "--media-server", rc.media_url, "--redirect-uri", REDIRECT, *allow],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        url = ""
        while not url:
            line = login.stdout.readline()
            assert line, login.stderr.read()
            if line.strip().startswith(rc.platform_url):
                url = line.strip()
        redirect = follow_authorize(url)
        out, err = login.communicate(redirect + "\n", timeout=60)
        outputs.append(url + out + err)
        assert login.returncode == 0, err
        assert "Connected to RingCentral as Front Desk (extension 101" in out

        status = fd("status", "--json", *allow)
        assert status.returncode == 0, status.stderr
        s = json.loads(status.stdout)
        assert s["connected"] and s["extension"]["name"] == "Front Desk"
        assert s["access_expires_at"] > 0 and s["owner_id"] == "400100201"
        assert {g["group"] for g in s["rate_limits"]} == {"Light"}

        text = fd("status", *allow)
        assert text.returncode == 0 and "connected as Front Desk" in text.stdout
        assert "refresh token expires" in text.stdout

        rec = tmp_path / "call.mp3"
        got = fd("recording", "9001", "--out", str(rec), *allow)
        assert got.returncode == 0, got.stderr
        assert rec.stat().st_size == 300000 and "audio/mpeg" in got.stdout
        missing = fd("recording", "7777", "--out", str(tmp_path / "none.mp3"), *allow)
        assert missing.returncode == 3 and "not available" in missing.stderr
        refused = fd("recording", "9007", "--out", str(tmp_path / "x.mp3"), *allow)
        assert refused.returncode == 3 and "refused" in refused.stderr

        assert fd("logout", *allow).returncode == 0
        gone = fd("status", *allow)
        assert gone.returncode == 3 and "not connected" in gone.stdout
        assert rc.snapshot()["revokes"] == 1

        # JWT sign-in; the secret key is required to store anything
        nokey = fd("login", "--jwt", *allow, extra_env={"RINGCENTRAL_JWT": JWT, "SWITCHBOARD_SECRET_KEY": ""})
        assert nokey.returncode == 3 and "SWITCHBOARD_SECRET_KEY" in nokey.stderr
        jwt = fd("login", "--jwt", *allow, extra_env={"RINGCENTRAL_JWT": JWT})
        assert jwt.returncode == 0, jwt.stderr
        assert "Front Desk" in jwt.stdout
        issued = [t.value for t in rc.state.access.values()] + [t.value for t in rc.state.refresh.values()]

    everything = "\n".join(outputs)
    for secret in FIXED_SECRETS + issued:
        assert secret not in everything
    assert "access_token=" not in everything
