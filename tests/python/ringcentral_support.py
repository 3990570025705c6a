"""Shared pieces of the RingCentral tests: the mock (tests/ringcentral_mock), the test app's
credentials and a client factory pointing at the mock."""
from __future__ import annotations

import base64
import os
import sys
import time

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

import switchboard as sb  # noqa: E402
from ringcentral_mock import MockRingCentral  # noqa: E402,F401

CLIENT_ID = "confidential-app"
CLIENT_SECRET = "s3cret-client-PASSWORD"
PUBLIC_CLIENT = "public-app"
REDIRECT = "https://desk.example.test/oauth/callback"
JWT = "eyJhbGciOiJSUzI1NiJ9.mock-jwt-credential.c2lnbmF0dXJl"
KEY_B64 = "dGVzdC1rZXktMzItYnl0ZXMtZm9yLWFlcy0yNTYtZ2M="
KEY = base64.b64decode(KEY_B64)
# Every secret the tests use by name (the mock's tokens are added from its secrets log).
FIXED_SECRETS = [CLIENT_SECRET, JWT, KEY_B64]


def client(store, mock, **kwargs):
    options = dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, server=mock.platform_url,
                   media_server=mock.media_url, redirect_uri=REDIRECT,
                   allowed_origins=mock.origins, codec=sb.aes_gcm_codec(KEY), timeout=10.0)
    options.update(kwargs)
    return sb.RingCentralClient(store, **options)


class FakeClock:
    """The client's clock; its sleeps advance it and are recorded."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
