"""The shipped Store contract, run on every backend (see conftest.BACKENDS)."""
from switchboard.testing.store_contract import *  # noqa: F401,F403
