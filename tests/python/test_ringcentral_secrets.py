"""No secret in any output: runs the RingCentral test suites (C++ and Python) with the
client's debug logging on, collects every secret they used (the app secret, the JWT, the
secret key, and every token, authorization code and PKCE verifier the mock issued or
received), and scans everything the suites printed for them and for `access_token=`.

The ten-process test is left out to keep the wall time down; it runs the same code paths."""
import os
import subprocess
import sys

import pytest

from ringcentral_support import FIXED_SECRETS

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("SWITCHBOARD_BUILD_DIR", os.path.join(ROOT, "build"))


def test_no_secret_appears_in_any_output(tmp_path):
    tests_bin = os.path.join(BUILD, "tests", "cpp", "switchboard_tests")
    if not os.path.exists(tests_bin):
        pytest.fail(f"{tests_bin} is missing: run `make build` first")
    secrets_log = tmp_path / "issued.txt"
    env = {**os.environ, "RC_MOCK_SECRETS_LOG": str(secrets_log), "SWITCHBOARD_LOG": "debug",
           "SWITCHBOARD_BUILD_DIR": BUILD}
    runs = [
        [tests_bin, "-tc=ringcentral*"],
        [sys.executable, "-m", "pytest", "-q", "-rP", "-p", "no:cacheprovider",
         os.path.join(HERE, "test_ringcentral.py"), os.path.join(HERE, "test_ringcentral_cli.py")],
    ]
    output = []
    for cmd in runs:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
        output.append(proc.stdout + proc.stderr)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = "\n".join(output)
    issued = {line.strip() for line in secrets_log.read_text().splitlines() if line.strip()}
    assert len(issued) > 50  # the suites did sign in, refresh and rotate many times
    assert "switchboard ringcentral" in text  # and the client's log lines are in the output
    leaked = [s for s in issued | set(FIXED_SECRETS) if s in text]
    assert leaked == []
    assert "access_token=" not in text
    assert "Bearer " not in text.replace("Bearer [redacted]", "")
