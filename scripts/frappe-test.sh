#!/usr/bin/env bash
# make test-frappe: switchboard inside a real Frappe site.
# make bench-frappe (scripts/frappe-test.sh bench): the same site, then tests/frappe/bench_frappe.py.
# make workload-frappe (scripts/frappe-test.sh workload): the same site, then a generated workload
# (WORKLOAD_MAILS [2000] mails, WORKLOAD_SEED [1]) through tests/frappe/workload_site.py --compare.
#
# Sets up (or checks) a Frappe v15 site with Helpdesk, CRM and Telephony through
# ../shared/frappe/setup-site (MariaDB + Redis from Debian, a venv from PyPI), installs into
# that bench's venv the freshly built Python module (BUILD/python, by PYTHONPATH), the Frappe
# app (frappe_app/) and the test-only ERPNext stand-in (tests/frappe/erpnext_stub/), runs
# tests/frappe there, then tests/frappe/mariadb_site_check.py (MariaDbStore attached to the
# database of a second site, SWITCHBOARD_MARIADB_SITE [mariadb.localhost], created the first
# time), and stops MariaDB and Redis again unless they were running before.
#
# Environment: BUILD [build], PYTHON [python3], FRAPPE_SHARED_DIR [../shared/frappe],
# FRAPPE_BENCH [$HOME/frappe-bench], FRAPPE_SITE [test.localhost], PYTEST_ARGS [-q].
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$ROOT" && realpath -m "${BUILD:-build}")
SHARED=$(realpath -m "${FRAPPE_SHARED_DIR:-$ROOT/../shared/frappe}")
export FRAPPE_BENCH=${FRAPPE_BENCH:-${HOME:-/root}/frappe-bench}
export FRAPPE_SITE=${FRAPPE_SITE:-test.localhost}
export PYTHON=${PYTHON:-python3}
SOCK=${MARIADB_SOCKET:-/run/mysqld/mysqld.sock}
T0=$(date +%s)
say() { printf '==> [%4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }

[ -x "$SHARED/setup-site" ] || { echo "frappe-test: no $SHARED/setup-site (set FRAPPE_SHARED_DIR)" >&2; exit 2; }
[ -d "$BUILD/python/switchboard" ] || { echo "frappe-test: $BUILD/python is missing: run make build" >&2; exit 2; }

was_up=0
if command -v mariadb-admin >/dev/null && mariadb-admin --socket="$SOCK" ping >/dev/null 2>&1; then was_up=1; fi
stop() {
  local rc=$?
  if [ "$was_up" = 0 ]; then say "stopping MariaDB and Redis (they were not running before)"; "$SHARED/setup-site" stop || true; fi
  say "done (exit $rc)"
  exit $rc
}
trap stop EXIT

# Our two apps, linked into the bench and pip-installed (editable) from this checkout. Run before
# setup-site too when the bench exists: a bench used by another checkout lists them in apps.txt,
# and every Frappe command (new-site included) fails while they import from elsewhere.
link_apps() {
  local vpy="$FRAPPE_BENCH/env/bin/python" pair app src
  for pair in "switchboard_frappe:$ROOT/frappe_app" "sb_erpnext_stub:$ROOT/tests/frappe/erpnext_stub"; do
    app=${pair%%:*}; src=${pair#*:}
    ln -sfn "$src" "$FRAPPE_BENCH/apps/$app"
    if ! "$vpy" -c "import $app, os, sys; sys.exit(os.path.realpath($app.__file__) != os.path.realpath('$src/$app/__init__.py'))" 2>/dev/null; then
      "$vpy" -m pip install -q --disable-pip-version-check --no-deps -e "$FRAPPE_BENCH/apps/$app"
    fi
    grep -qx "$app" "$FRAPPE_BENCH/sites/apps.txt" || {
      [ -z "$(tail -c1 "$FRAPPE_BENCH/sites/apps.txt")" ] || echo >>"$FRAPPE_BENCH/sites/apps.txt"
      echo "$app" >>"$FRAPPE_BENCH/sites/apps.txt"; }
  done
}
[ -x "$FRAPPE_BENCH/env/bin/python" ] && [ -f "$FRAPPE_BENCH/sites/apps.txt" ] && link_apps

pick() { ls "$SHARED"/$1 2>/dev/null | sort | tail -1; }
FRAPPE_SRC=$(pick 'frappe-v15*-src.tar.gz')
APPS="$(pick 'telephony-*-src.tar.gz') $(pick 'helpdesk-*-src.tar.gz') $(pick 'crm-*-src.tar.gz')"
say "site: setup-site $(basename "$FRAPPE_SRC") with $(for a in $APPS; do printf '%s ' "$(basename "$a")"; done)"
(cd "$SHARED" && FRAPPE_APPS="$APPS" PIP_EXTRA="pytest freezegun${PIP_EXTRA:+ $PIP_EXTRA}" ./setup-site "$FRAPPE_SRC") \
  >"${TMPDIR:-/tmp}/switchboard-setup-site.log" 2>&1 || {
  tail -40 "${TMPDIR:-/tmp}/switchboard-setup-site.log"; echo "frappe-test: setup-site failed" >&2; exit 1; }
grep -E '^==> |installed|done' "${TMPDIR:-/tmp}/switchboard-setup-site.log" | tail -3
# shellcheck disable=SC1091
source "$FRAPPE_BENCH/frappe-env.sh"
VPY="$FRAPPE_BENCH/env/bin/python"

say "the built module: $BUILD/python"
suffix=$("$VPY" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
ls "$BUILD/python/switchboard/_core$suffix" >/dev/null 2>&1 || {
  echo "frappe-test: $BUILD/python holds no _core$suffix for the bench's $("$VPY" -V); build with PYTHON=$VPY" >&2; exit 2; }
export PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}"

say "apps: switchboard_frappe and the test-only sb_erpnext_stub into $FRAPPE_BENCH"
link_apps
(cd "$FRAPPE_SITES" && "$VPY" -W ignore "$ROOT/tests/frappe/site_admin.py" "$FRAPPE_SITE" ensure sb_erpnext_stub switchboard_frappe) 2>&1 |
  tr '\r' '\n' | grep -v -e '^Updating DocTypes' -e '^\s*$'

cd "$ROOT/tests/frappe"
if [ "${1:-}" = bench ]; then
  say "bench_frappe.py on $FRAPPE_SITE"
  "$VPY" -W ignore bench_frappe.py ${BENCH_ARGS:-}
elif [ "${1:-}" = workload ]; then
  wl=$(mktemp -d)
  trap 'rm -rf "$wl"; stop' EXIT
  say "a workload of ${WORKLOAD_MAILS:-2000} mails (seed ${WORKLOAD_SEED:-1}) on $FRAPPE_SITE"
  "$VPY" "$ROOT/bench/workload/generate.py" --seed "${WORKLOAD_SEED:-1}" --mails "${WORKLOAD_MAILS:-2000}" --out "$wl"
  "$VPY" -W ignore workload_site.py "$wl" --compare
else
  say "tests/frappe on $FRAPPE_SITE"
  rc=0
  "$VPY" -W ignore -m pytest -p no:cacheprovider ${PYTEST_ARGS:--q} . || rc=$?
  # MariaDbStore attached to a Frappe database, on a site of its own (created the first time).
  say "mariadb_site_check.py on ${SWITCHBOARD_MARIADB_SITE:-mariadb.localhost}"
  "$VPY" -W ignore mariadb_site_check.py || rc=$((rc ? rc : 1))
  exit $rc
fi
