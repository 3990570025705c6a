"""frontdesk, the main program: help, exit codes and errors a person understands."""
import json
import os
import subprocess

import switchboard as sb


def run(bin_, *args, env=None):
    return subprocess.run([bin_, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_help_lists_the_subcommands(frontdesk_bin):
    out = run(frontdesk_bin, "--help")
    assert out.returncode == 0
    for word in ("init", "stats", "demo", "Exit codes"):
        assert word in out.stdout


def test_init_then_stats(frontdesk_bin, tmp_path):
    db = str(tmp_path / "fd.sqlite")
    out = run(frontdesk_bin, "--db", db, "init")
    assert out.returncode == 0, out.stderr
    assert "initialized" in out.stdout and "schema version" in out.stdout
    out = run(frontdesk_bin, "stats", env={"FRONTDESK_DB": db})
    assert out.returncode == 0
    assert "HD Ticket Status" in out.stdout and "CRM Lead Status" in out.stdout


def test_usage_errors_exit_2_and_failures_exit_1(frontdesk_bin, tmp_path):
    out = run(frontdesk_bin, "no-such-command")
    assert out.returncode == 2
    out = run(frontdesk_bin)
    assert out.returncode == 2
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database" * 100)
    out = run(frontdesk_bin, "--db", str(junk), "stats")
    assert out.returncode == 1
    assert "frontdesk:" in out.stderr and "[corrupt]" in out.stderr


def test_demo_runs_on_a_fresh_file(frontdesk_bin, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    for _ in range(2):  # twice: the demo starts from scratch each time
        out = run(frontdesk_bin, "--db", db, "demo")
        assert out.returncode == 0, out.stderr
        assert "demo on a fresh SQLite file" in out.stdout
        assert "CRM Lead" in out.stdout and "HD Ticket" in out.stdout


def test_site_shows_and_stores_the_site_facts(frontdesk_bin, tmp_path, site_json):
    db = str(tmp_path / "site.sqlite")
    out = run(frontdesk_bin, "--db", db, "site")
    assert out.returncode == 0, out.stderr
    fresh = json.loads(out.stdout)
    assert fresh["region"] == "US" and fresh["company_domains"] == [] and fresh["support_aliases"] == []
    out = run(frontdesk_bin, "--db", db, "site", site_json)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["company_domains"] == ["cozycornerpatios.com", "zipcushions.com"]
    stored = json.loads(run(frontdesk_bin, "--db", db, "site").stdout)
    assert stored["support_aliases"] == ["support@cozycornerpatios.com", "support@zipcushions.com"]
    assert sb.SqliteStore(db).site.company_numbers == ["+15559876543"]  # in the settings document
    bad = tmp_path / "bad.json"
    bad.write_text('{"region": "Britain"}')
    out = run(frontdesk_bin, "--db", db, "--site", str(bad), "stats")
    assert out.returncode == 1 and "region" in out.stderr
    assert run(frontdesk_bin, "--db", db, "site", str(tmp_path / "missing.json")).returncode != 0


def test_demo_configures_its_own_site(frontdesk_bin, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert run(frontdesk_bin, "--db", db, "demo").returncode == 0
    site = json.loads(run(frontdesk_bin, "--db", db, "site").stdout)
    assert site["company_domains"] == ["cozycornerpatios.com", "zipcushions.com"]
    assert site["company_numbers"] == ["+15559876543"]
