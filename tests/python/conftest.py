import os
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import switchboard as sb  # noqa: E402
from dict_store import CountingDecorator, DictStore  # noqa: E402
from site_fixture import SITE_JSON, with_site  # noqa: E402
import mariadb_support  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SWITCHBOARD_BUILD_DIR", os.path.join(ROOT, "build"))


def _sqlite_factory():
    tmp = tempfile.mkdtemp(prefix="switchboard-py-")
    counter = iter(range(1_000_000))
    return lambda: sb.SqliteStore(os.path.join(tmp, f"s{next(counter)}.sqlite"))


BACKENDS = {
    "memory": lambda: sb.MemoryStore,
    "sqlite": _sqlite_factory,
    "python": lambda: DictStore,
    "faulty": lambda: (lambda: sb.FaultyStore(sb.MemoryStore())),
    "faulty-python": lambda: (lambda: sb.FaultyStore(DictStore())),
    "python-decorator": lambda: (lambda f=_sqlite_factory(): sb.Store(CountingDecorator(f()))),
    "mariadb": lambda: (mariadb_support.require_server() and mariadb_support.POOL.make),
}

# Backends that compare names and unique values under a case- and accent-insensitive
# collation, as Frappe on MariaDB does (see switchboard.testing.store_contract).
COLLATED_NAMES = {"mariadb"}


@pytest.fixture(params=sorted(BACKENDS))
def make_store(request):
    """A factory of fresh stores of the test company's site, once per backend."""
    factory = BACKENDS[request.param]()
    return lambda: with_site(factory())


@pytest.fixture
def site_json():
    """The path of the test company's site (for frontdesk --site)."""
    return SITE_JSON


@pytest.fixture
def collated_names(request):
    """Whether the backend of `make_store` compares names under a case-insensitive collation."""
    return request.node.callspec.params.get("make_store") in COLLATED_NAMES


@pytest.fixture
def frontdesk_bin():
    path = os.path.join(BUILD, "examples", "frontdesk", "frontdesk")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run `make build` first")
    return path
