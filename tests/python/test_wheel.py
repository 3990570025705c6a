"""The wheel pip users get (`make wheel`): built by scikit-build-core, repaired by auditwheel
with tools from PyPI (hence `online`), installed in a fresh venv here and on a minimal
Debian 12 without any -dev package."""
import glob
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import pytest

from conftest import BUILD, ROOT

pytestmark = pytest.mark.online


@pytest.fixture(scope="module")
def wheel():
    """Builds (or, when nothing changed, re-packs) the repaired wheel into dist/."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS")}
    env.update(BUILD=BUILD, PYTHON=sys.executable)
    proc = subprocess.run([os.path.join(ROOT, "scripts", "build-wheel.sh")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    wheels = glob.glob(os.path.join(ROOT, "dist", "switchboard-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_the_wheel_is_manylinux_and_carries_its_libraries(wheel):
    assert re.search(r"-manylinux_2_\d+_x86_64\.whl$", wheel), wheel
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("switchboard.libs/")]
    # auditwheel names a bundled library <name up to the first dot>-<8 hex digits>...
    for lib in ("libcurl", "libgmime-3", "libglib-2", "libgobject-2", "libphonenumber",
                "libprotobuf", "libicuuc", "libfmt", "libsqlite3", "libmariadb"):
        assert any(re.match(re.escape(lib) + r"-[0-9a-f]{8}\.", os.path.basename(n))
                   for n in bundled), (lib, bundled)
    assert "switchboard/_bin/frontdesk" in names and "switchboard/py.typed" in names
    entry_points = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points[0]).decode()
    assert "frontdesk = switchboard._frontdesk:main" in text


def test_the_wheel_installs_and_runs_in_a_fresh_venv(wheel, tmp_path):
    """A fresh venv, no package index, LD_LIBRARY_PATH empty. The bundled libraries carry
    hashed sonames (libcurl-1a2b3c4d.so.4) that only switchboard.libs/ provides, so the loader
    cannot take the system's copies even where they exist; the maps of the process show it."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(LD_LIBRARY_PATH="", TMPDIR=str(tmp_path))
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-index",
                          "--disable-pip-version-check", wheel], env=env, capture_output=True,
                         text=True, timeout=600)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    check = textwrap.dedent("""
        import os, switchboard as sb
        s = sb.SqliteStore("wheel.sqlite")
        name = s.insert("CRM Lead", {"first_name": "Wheel"})
        print(sb.__version__, name, s.get("CRM Lead", name)["status"])
        site = os.path.dirname(os.path.dirname(sb.__file__))
        for line in open("/proc/self/maps"):
            path = line.split()[-1]
            if any(k in os.path.basename(path) for k in ("curl", "gmime", "glib", "phonenumber",
                                                         "protobuf", "icuuc", "fmt",
                                                         "mariadb")):
                assert path.startswith(os.path.join(site, "switchboard.libs")), path
        print("bundled libraries only")
    """)
    out = subprocess.run([str(venv / "bin" / "python"), "-c", check], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "CRM-LEAD-" in out.stdout and "New" in out.stdout and "bundled libraries only" in out.stdout
    fd = subprocess.run([str(venv / "bin" / "frontdesk"), "demo"], cwd=tmp_path, env=env,
                        capture_output=True, text=True, timeout=120)
    assert fd.returncode == 0, fd.stderr
    assert "demo on a new SQLite file" in fd.stdout
    usage = subprocess.run([str(venv / "bin" / "frontdesk"), "rout"], env=env,
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "did you mean 'route'?" in usage.stderr


def test_the_wheel_on_debian12_without_dev_packages(wheel):
    """The README's pip steps and frontdesk steps, with every shipped sample, on a minimal
    Debian 12 made by debootstrap (scripts/test-clean-system.sh)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS")}
    env["BUILD"] = BUILD
    proc = subprocess.run([os.path.join(ROOT, "scripts", "test-clean-system.sh"), wheel],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode == 77:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    out = proc.stdout
    assert "no -dev package" in out
    assert "routed 26 mails: 6 create_lead, 9 create_ticket, 3 link_ticket, 8 skip" in out
    assert "10 events — 5 created, 4 updated, 0 duplicate, 0 skipped, 0 failed" in out
    assert "/root/sb/bin/frontdesk" in out
    assert re.search(r"imported with \d+ libraries from the wheel", out)
