"""switchboard_frappe: the Frappe app that puts switchboard behind a Frappe site."""

__version__ = "0.1.0"
