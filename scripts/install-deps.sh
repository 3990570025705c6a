#!/usr/bin/env bash
# Installs everything switchboard's build, tests, examples and benchmarks need on Debian 12.
# Idempotent: checks first and does nothing when every package is already present.
# Usage: scripts/install-deps.sh            (as root, or with sudo available)
#        PYTHON=/path/to/python3 scripts/install-deps.sh
#        scripts/install-deps.sh fuzz       (also clang, for `make fuzz`)
set -euo pipefail

PYTHON="${PYTHON:-python3}"

APT_PACKAGES=(
  g++ make cmake ninja-build pkg-config git ca-certificates
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libglib2.0-dev
  libcurl4-openssl-dev libssl-dev
  libfmt-dev
  doctest-dev
  libcli11-dev nlohmann-json3-dev
  libphonenumber-dev libprotobuf-dev libicu-dev
  libgmime-3.0-dev
  libcpp-httplib-dev libboost-dev
  libmariadb-dev mariadb-server mariadb-client
  python3 python3-dev python3-venv python3-pip
  ccache
  debootstrap   # the wheel's test on a Debian 12 without -dev packages (make test, online)
)
if [ "${1:-}" = "fuzz" ]; then
  APT_PACKAGES+=(clang libclang-rt-dev)  # the compiler and its libFuzzer and sanitizer runtimes
fi

# pip requirement -> python import check (module, minimum version or empty)
PIP_PACKAGES=(
  "pybind11>=3.0,<4|pybind11|3.0"
  "scikit-build-core>=0.10|scikit_build_core|0.10"
  "pytest>=7|pytest|7.0"
  "pytest-xdist>=3|xdist|"   # make test runs pytest on every core
  "pybind11-stubgen>=2.5|pybind11_stubgen|"
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "install-deps: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python packages go into the interpreter that builds and tests the module.
py_has() {  # module min_version
  "$PYTHON" - "$1" "$2" <<'PY' >/dev/null 2>&1
import importlib, sys
from importlib import metadata
mod, minimum = sys.argv[1], sys.argv[2]
importlib.import_module(mod)
if minimum:
    dist = {"pybind11": "pybind11", "scikit_build_core": "scikit-build-core", "pytest": "pytest"}[mod]
    have = tuple(int(x) for x in metadata.version(dist).split(".")[:2] if x.isdigit())
    want = tuple(int(x) for x in minimum.split("."))
    sys.exit(0 if have >= want else 1)
PY
}

pip_missing=()
for entry in "${PIP_PACKAGES[@]}"; do
  IFS='|' read -r req mod minimum <<<"$entry"
  py_has "$mod" "$minimum" || pip_missing+=("$req")
done
if [ ${#pip_missing[@]} -gt 0 ]; then
  echo "install-deps: pip installing ${pip_missing[*]}"
  if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    as_root apt-get install -y -qq --no-install-recommends python3-pip
  fi
  # Debian's own interpreter is "externally managed" (PEP 668); our build needs these in it.
  PIP_BREAK_SYSTEM_PACKAGES=1 "$PYTHON" -m pip install --quiet --disable-pip-version-check \
    --root-user-action=ignore "${pip_missing[@]}"
fi
exit 0
