"""The ``frontdesk`` console script of the wheel: runs the frontdesk program shipped inside the
package (``switchboard/_bin/frontdesk``) with the same arguments, exit code and streams."""
from __future__ import annotations

import os
import sys


def executable() -> str:
    """Path of the bundled frontdesk program."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin", "frontdesk")


def main() -> None:
    exe = executable()
    if not os.access(exe, os.X_OK):
        sys.exit(f"frontdesk: {exe} is missing; this switchboard was installed without the "
                 "frontdesk program (build it with `make build`, or install the wheel)")
    os.execv(exe, ["frontdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
