"""Test helpers shipped with switchboard: the Store contract suite (``store_contract``)."""
from .store_contract import snapshot

__all__ = ["snapshot"]
