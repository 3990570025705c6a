"""switchboard_app: the Frappe hooks and endpoints that put switchboard behind a Frappe site.

Copy this package into a Frappe app (or install it as one) and merge `hooks.py` into the app's
hooks. Every handler works on a `FrappeStore`, so writes happen inside the request's own
transaction: a failed hook rolls back with the save that triggered it.
"""
__version__ = "0.1.0"
