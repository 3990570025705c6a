"""Test only: the ERPNext doctypes switchboard reads, for a site without ERPNext."""

__version__ = "0.0.1"
