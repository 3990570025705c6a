#!/usr/bin/env bash
# The wheel on a Debian 12 system that has none of switchboard's -dev packages and none of the
# libraries it links (libcurl, GMime, GLib, libphonenumber, protobuf, ICU, fmt, MariaDB
# Connector/C): a minimal
# Debian 12 (debootstrap minbase + python3 + python3-venv) in a chroot. There, exactly as the
# README says, a new venv, `pip install` of the wheel (no package index), then the README's
# frontdesk steps with every shipped sample; finally the libraries the module loaded are
# listed and checked to come from the wheel or the base system.
#
# Needs root (debootstrap, chroot, mount). The pristine system is kept as a tarball in
# ${XDG_CACHE_HOME:-~/.cache}/switchboard/, so only the first run downloads it.
# Usage: scripts/test-clean-system.sh dist/switchboard-*.whl     (exit 77: cannot run here)
set -euo pipefail
cd "$(dirname "$0")/.."
wheel="${1:?usage: scripts/test-clean-system.sh dist/switchboard-*.whl}"
BUILD="${BUILD:-$PWD/build}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/switchboard"
tarball="$CACHE/debian12-minbase-python3.tar"
root="$BUILD/clean-system"

if [ "$(id -u)" -ne 0 ]; then
  echo "test-clean-system: needs root for debootstrap and chroot" >&2
  exit 77
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "test-clean-system: debootstrap is missing (scripts/install-deps.sh installs it)" >&2
  exit 77
fi

cleanup() {
  if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
  if [ -d "$root" ]; then rm -rf --one-file-system "$root"; fi
}
cleanup
trap cleanup EXIT
mkdir -p "$root" "$CACHE"

if [ -f "$tarball" ]; then
  tar -xf "$tarball" -C "$root"
else
  echo "test-clean-system: debootstrap Debian 12 (minbase, python3, python3-venv) from $MIRROR"
  if ! debootstrap --variant=minbase --include=python3,python3-venv bookworm "$root" "$MIRROR" \
      >"$BUILD/debootstrap.log" 2>&1; then
    tail -20 "$BUILD/debootstrap.log" >&2
    exit 1
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb
  tar -cf "$tarball.tmp" -C "$root" . && mv "$tarball.tmp" "$tarball"
fi

# The system really lacks what the wheel must bring along.
dev=$(chroot "$root" dpkg-query -W -f='${Package}\n' | grep -E -- '-dev$' || true)
if [ -n "$dev" ]; then
  echo "test-clean-system: the chroot has -dev packages: $dev" >&2
  exit 1
fi
present=$(find "$root/usr/lib" "$root/lib" \( -name 'libcurl*.so*' -o -name 'libgmime*.so*' \
  -o -name 'libphonenumber*.so*' -o -name 'libprotobuf*.so*' -o -name 'libicuuc*.so*' \
  -o -name 'libfmt*.so*' -o -name 'libmariadb*.so*' \
  -o -name 'libglib-2.0*.so*' -o -name 'libgobject-2.0*.so*' \) \
  2>/dev/null || true)
if [ -n "$present" ]; then
  echo "test-clean-system: the chroot has libraries the wheel must bundle: $present" >&2
  exit 1
fi
echo "test-clean-system: Debian $(cat "$root/etc/debian_version"), no -dev package, none of" \
     "libcurl, GMime, GLib, libphonenumber, protobuf, ICU, fmt, libmariadb"

# The checkout as a newcomer has it: the wheel in dist/, the samples in tests/data/.
mkdir -p "$root/work/dist" "$root/work/tests"
cp "$wheel" "$root/work/dist/"
cp -r tests/data "$root/work/tests/data"
{
  echo "cd /work"
  python3 scripts/readme-steps.py wheel --skip-make   # the wheel was built on this host
  python3 scripts/readme-steps.py use
  cat <<'EOF'
echo "== where the module's libraries come from"
command -v frontdesk
python - <<'PY'
import os, switchboard as sb
site = os.path.dirname(os.path.dirname(sb.__file__))
libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if ".so" in line.split()[-1]})
ours = [l for l in libs if l.startswith(site)]
system = [l for l in libs if not l.startswith(site)]
for l in ours:
    print("  wheel:  " + os.path.relpath(l, site))
for l in system:
    print("  system: " + l)
bad = [l for l in system if any(n in os.path.basename(l) for n in
       ("curl", "gmime", "glib", "gobject", "phonenumber", "protobuf", "icu", "fmt",
        "SQLiteCpp", "mariadb"))]
assert not bad, bad
assert any("switchboard.libs" in l for l in ours), "no bundled library was loaded"
print("switchboard", sb.__version__, "imported with", len(ours), "libraries from the wheel")
PY
EOF
} >"$root/work/newcomer.sh"

mount -t proc proc "$root/proc"
echo "test-clean-system: running the README's steps in the chroot"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  TMPDIR=/tmp /bin/bash -euo pipefail -x /work/newcomer.sh
echo "test-clean-system: ok"
