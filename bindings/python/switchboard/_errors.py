"""switchboard's exception classes. The C++ core raises these (with ``code`` set from its
machine-readable ErrorCode) and translates them back when a Python store raises them."""
from __future__ import annotations

from typing import Any, Optional


class Error(Exception):
    """Base of every switchboard error. ``code`` is a stable machine-readable string
    ('not_found', 'duplicate', 'validation', ...)."""

    code: str = "internal"

    def __init__(self, message: str = "", code: Optional[str] = None, **attrs: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        for key, value in attrs.items():
            setattr(self, key, value)

    def __reduce__(self):  # keep code and extra attributes through pickling
        return (self.__class__, (str(self),), dict(self.__dict__))


class ValidationError(Error, ValueError):
    """A business rule or input check failed; the message is meant for a person."""

    code = "validation"


class NotFound(Error, LookupError):
    """A document, doctype or resource that must exist does not."""

    code = "not_found"


class StoreError(Error):
    """The storage backend failed: duplicate, busy, io, corrupt, backend, injected_fault, ..."""

    code = "backend"


class NotSupported(Error, NotImplementedError):
    """The backend lacks an optional capability."""

    code = "not_supported"


class ParseError(Error, ValueError):
    """Malformed input; ``position`` is the byte offset where parsing stopped, or None."""

    code = "parse"
    position: Optional[int] = None


class HttpError(Error):
    """An HTTP exchange failed; ``status`` is the HTTP status (0 when none was received),
    ``api_code`` the server's error code ("CMN-301", "OAU-213", "invalid_grant"; "" when
    none), ``retry_after`` the seconds it asked to wait (None when it did not say)."""

    code = "http"
    status: int = 0
    api_code: str = ""
    retry_after: Optional[float] = None


class AuthError(Error):
    """Credentials, tokens or signatures were missing or wrong. ``code`` is "auth", or
    "reauthorization_required" when only a new sign-in can help."""

    code = "auth"


__all__ = ["Error", "ValidationError", "NotFound", "StoreError", "NotSupported", "ParseError",
           "HttpError", "AuthError"]
