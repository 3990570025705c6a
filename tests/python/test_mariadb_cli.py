"""The programs take a MariaDB URL wherever they take a database: frontdesk --db, FRONTDESK_DB,
call_webhook_server --db; passwords never show in their output."""
from __future__ import annotations

import json
import os
import subprocess
import urllib.request

import mariadb_support
from site_fixture import SITE_JSON
import switchboard as sb

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SWITCHBOARD_BUILD_DIR", os.path.join(ROOT, "build"))


def frontdesk(*args, env=None):
    binary = os.path.join(BUILD, "examples", "frontdesk", "frontdesk")
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_frontdesk_on_mariadb():
    url = mariadb_support.url_for(mariadb_support.new_database())
    out = frontdesk("--db", url, "--site", SITE_JSON, "init")  # the test company's site, stored
    assert out.returncode == 0, out.stderr
    assert "initialized mariadb://" in out.stdout
    mailbox = os.path.join(ROOT, "tests", "data", "routing", "mailbox")
    out = frontdesk("route", mailbox, env={"FRONTDESK_DB": url})
    assert out.returncode == 0, out.stderr
    store = sb.MariaDbStore(url)
    assert store.count("Communication") > 10 and store.count("HD Ticket") > 0
    out = frontdesk("stats", env={"FRONTDESK_DB": url})
    assert out.returncode == 0 and "HD Ticket" in out.stdout
    out = frontdesk("--db", url, "demo")  # wipes its database first: SQLite only
    assert out.returncode != 0 and "SQLite" in out.stderr


def test_a_password_never_shows():
    url = mariadb_support.url_for(mariadb_support.new_database())
    wrong = url.replace("://root@", "://root:s3cr3t-pw@", 1)
    out = frontdesk("--db", wrong, "stats")
    assert out.returncode == 3  # a store error (frontdesk's exit-code table)
    assert "s3cr3t-pw" not in out.stdout + out.stderr and "***" in out.stderr
    assert sb.describe_database(wrong).count("***") == 1


def test_call_webhook_server_on_mariadb():
    url = mariadb_support.url_for(mariadb_support.new_database())
    sb.MariaDbStore(url)
    binary = os.path.join(BUILD, "examples", "call_webhook_server", "call_webhook_server")
    proc = subprocess.Popen([binary, "--db", url, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on"), line + proc.stderr.read()
        with open(os.path.join(ROOT, "tests", "data", "telephony", "seed_curl.json"), "rb") as f:
            body = f.read()
        for expected in ("Call log created", None):
            req = urllib.request.Request(line.split()[-1] + "/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                reply = json.loads(resp.read())
            assert reply["success"] is True
            if expected:
                assert reply["message"] == expected
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert sb.MariaDbStore(url).count("Helpdesk Call Log") == 1
