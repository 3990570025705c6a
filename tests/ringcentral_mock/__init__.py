"""A mock RingCentral (platform API, media host, OAuth with rotation, rate limits, faults)
written for switchboard's tests. Standard library only."""
from .server import MockRingCentral, error_body  # noqa: F401
from .state import State  # noqa: F401
