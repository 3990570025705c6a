"""switchboard's diagnostics in Python's ``logging``.

Every line the C++ core logs (opening and migrating databases, RingCentral requests, retries
and token refreshes, ...) goes to the logger ``switchboard.<category>``: ``switchboard.sqlite``,
``switchboard.ringcentral``, ... Configure them like any logger, e.g.
``logging.basicConfig(level=logging.INFO)`` or
``logging.getLogger("switchboard").setLevel(logging.DEBUG)``. Lines never hold a secret or a
mail body. With the environment variable SWITCHBOARD_LOG set to debug, info, warning or error,
lines at that level and above are also printed on stderr.
"""
from __future__ import annotations

import atexit
import logging
import os

from . import _core

_LEVELS = (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR)
_ENV_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
               "error": logging.ERROR}


def _forward(level: int, category: str, message: str) -> None:
    logger = logging.getLogger("switchboard." + category)
    py_level = _LEVELS[level] if 0 <= level < len(_LEVELS) else logging.INFO
    if logger.isEnabledFor(py_level):
        logger.log(py_level, "%s", message)


def install() -> None:
    """Routes the core's lines into ``logging`` (done on import)."""
    env = _ENV_LEVELS.get(os.environ.get("SWITCHBOARD_LOG", "").strip().lower())
    if env is not None:
        handler = logging.StreamHandler()
        handler.setLevel(env)
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        root = logging.getLogger("switchboard")
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > env:
            root.setLevel(env)
    _core._set_log_sink(_forward, 0)
    atexit.register(_core._set_log_sink, None)
