"""Throw-away databases on the test MariaDB server named by SWITCHBOARD_TEST_MARIADB_URL
(`make test` starts a private one with scripts/mariadb-test-server)."""
from __future__ import annotations

import atexit
import itertools
import os
import subprocess
import urllib.parse
import weakref

import pytest

import switchboard as sb

URL = os.environ.get("SWITCHBOARD_TEST_MARIADB_URL") or None
SKIP_REASON = ("no MariaDB server: SWITCHBOARD_TEST_MARIADB_URL is not set "
               "(make test starts one with scripts/mariadb-test-server)")


def require_server() -> str:
    if not URL:
        pytest.skip(SKIP_REASON)
    return URL


def url_for(database: str) -> str:
    """The server URL with another database."""
    parts = urllib.parse.urlsplit(require_server())
    return urllib.parse.urlunsplit(parts._replace(path="/" + database))


def client(*args: str, database: str = "") -> str:
    """Runs the mariadb command-line client against the test server; returns its output."""
    parts = urllib.parse.urlsplit(require_server())
    query = dict(urllib.parse.parse_qsl(parts.query))
    cmd = ["mariadb", "--no-defaults", "-N", "-B"]
    if parts.username:
        cmd += ["-u", urllib.parse.unquote(parts.username)]
    if "socket" in query:
        cmd += ["--socket", query["socket"]]
    else:
        cmd += ["-h", parts.hostname or "localhost", "-P", str(parts.port or 3306), "--protocol=tcp"]
    env = dict(os.environ)
    if parts.password:
        env["MYSQL_PWD"] = urllib.parse.unquote(parts.password)
    if database:
        cmd.append(database)
    return subprocess.run(cmd + list(args), check=True, capture_output=True, text=True,
                          env=env).stdout


_names = (f"sbpy_{os.getpid()}_{i}" for i in itertools.count(1))


def new_database() -> str:
    name = next(_names)
    client("-e", f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}` "
                 "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    atexit.register(drop_database, name)
    return name


def drop_database(name: str) -> None:
    try:
        client("-e", f"DROP DATABASE IF EXISTS `{name}`")
    except Exception:  # the server may be gone already
        pass


class StorePool:
    """Fresh stores on reused databases: one whose last store is gone is emptied and reopened
    (creating a database's tables takes about a second)."""

    def __init__(self) -> None:
        self._slots: list[list] = []  # [database, weakref to its store or None]

    def make(self, **options) -> sb.Store:
        for slot in self._slots:
            if slot[1] is None or slot[1]() is None:
                self._empty(slot[0])
                return self._open(slot, options)
        slot = [new_database(), None]
        self._slots.append(slot)
        return self._open(slot, options)

    @staticmethod
    def _open(slot, options) -> sb.Store:
        store = sb.MariaDbStore(url_for(slot[0]), **options)
        slot[1] = weakref.ref(store)
        return store

    @staticmethod
    def _empty(database: str) -> None:
        tables = client("-e", "SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                              f"TABLE_SCHEMA = '{database}' AND TABLE_NAME LIKE 'tab%'").split("\n")
        statements = "".join(f"DELETE FROM `{t}`;" for t in tables if t)
        if statements:
            client("-e", statements, database=database)


POOL = StorePool()
