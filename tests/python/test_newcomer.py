"""A newcomer's first hour, exactly as the README tells it: `make install` into a fresh home,
then every frontdesk step of "Your first hour with frontdesk", with every shipped sample.
(The same frontdesk steps run from the wheel on a bare Debian 12 in test_wheel.py.)"""
import json
import os
import subprocess
import sys

from conftest import BUILD, ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
readme_steps = __import__("readme-steps")  # scripts/readme-steps.py


def test_readme_steps_after_make_install(tmp_path):
    home, work, tmp = tmp_path / "home", tmp_path / "work", tmp_path / "tmp"
    for d in (home, work, tmp):
        d.mkdir()
    os.symlink(os.path.join(ROOT, "tests"), work / "tests")  # the samples, as in a checkout
    script = "\n".join([
        "set -euo pipefail",
        f"cd {ROOT}",
        readme_steps.steps("install"),
        "command -v frontdesk",
        f"cd {work}",
        readme_steps.steps("use"),
        "frontdesk stats --json > stats.json",
    ])
    # A newcomer's environment: nothing of the build on any path; make's own variables gone.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "FRONTDESK_DB", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(HOME=str(home), TMPDIR=str(tmp), BUILD=BUILD)
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                         timeout=900)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert f"{home}/.local/bin/frontdesk" in out.stdout  # the installed one ran
    for line in ("demo on a new SQLite file", "created crm.sqlite",
                 "planned 26 mails (dry run: nothing written): 6 create_lead, 9 create_ticket, "
                 "3 link_ticket, 8 skip",
                 "routed 26 mails: 6 create_lead, 9 create_ticket, 3 link_ticket, 8 skip",
                 "10 events — 5 created, 4 updated, 0 duplicate, 0 skipped, 0 failed; "
                 "1 transcript stored",
                 "HD Ticket 0001: 3 email(s), oldest first"):
        assert line in out.stdout, line
    stats = json.load(open(work / "stats.json"))
    assert stats["doctypes"]["HD Ticket"]["count"] == 9
    assert stats["doctypes"]["Helpdesk Call Log"]["count"] == 5
    assert "Error Log" not in stats["doctypes"]  # routine routing is not an error
    assert os.listdir(tmp)  # the demo's database went to a new temporary file
    for name in ("include/switchboard/switchboard.h", "lib/libswitchboard.a",
                 "lib/pkgconfig/switchboard.pc", "lib/cmake/switchboard/switchboardConfig.cmake"):
        assert (home / ".local" / name).exists(), name
