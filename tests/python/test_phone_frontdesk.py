"""frontdesk normalize and merge: output, progress, summaries and exit codes."""
import os
import subprocess

import switchboard as sb


def run(bin_, *args, stdin=None):
    return subprocess.run([bin_, *args], capture_output=True, text=True, timeout=120, input=stdin,
                          env={**os.environ})


def test_normalize_prints_keys_and_links(frontdesk_bin):
    out = run(frontdesk_bin, "normalize", "+1 (555) 123-4567", "555.123.4567 x 89", "--links")
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("+15551234567") >= 2
    assert "ext 89" in out.stdout
    assert "rcapp://r/call?number=15551234567" in out.stdout
    out = run(frontdesk_bin, "normalize", "--region", "IN", "98455 52671")
    assert "+919845552671" in out.stdout and "valid" in out.stdout


def test_normalize_exit_codes(frontdesk_bin):
    out = run(frontdesk_bin, "normalize", "555 123 4567", "123")
    assert out.returncode == 1  # one number has no key: some items failed
    assert "no key" in out.stdout
    out = run(frontdesk_bin, "normalize", stdin="555 123 4567\n+44 20 7946 0958\n")
    assert out.returncode == 0 and "+442079460958" in out.stdout
    out = run(frontdesk_bin, "normalize", stdin="")
    assert out.returncode == 3  # no input at all
    out = run(frontdesk_bin, "normalize", "555", "--region", "XX")
    assert out.returncode == 3 and "unknown phone region" in out.stderr


def test_merge_bulk_with_progress_and_summary(frontdesk_bin, tmp_path):
    db = str(tmp_path / "m.sqlite")
    store = sb.SqliteStore(db)
    tickets = [store.insert("HD Ticket", {"subject": "x", "contact_mobile": p})
               for p in ["555 123 4567", "+1 555-123-4567", "(555) 123 4567"]]
    for t in tickets:
        store.insert("Helpdesk Call Log", {"call_id": f"c-{t}", "ticket": t})
    old = store.insert("CRM Lead", {"first_name": "Old", "mobile_no": "555 222 3333"})
    store.insert("CRM Lead", {"first_name": "New", "phone": "+15552223333"})
    del store

    out = run(frontdesk_bin, "--db", db, "merge", "--dry-run")
    assert out.returncode == 0, out.stderr
    assert "2 records would be merged" in out.stdout and "dry run" in out.stdout
    assert sb.SqliteStore(db).count("HD Ticket", {"is_merged": 1}) == 0

    out = run(frontdesk_bin, "--db", db, "merge", "tickets")
    assert out.returncode == 0, out.stderr
    assert "merging HD Ticket" not in out.stderr  # no progress bar: not a terminal
    assert "1 groups, 2 records merged" in out.stdout
    assert f"{tickets[0]} (oldest_open) <- " in out.stdout
    store = sb.SqliteStore(db)
    assert store.count("Helpdesk Call Log", {"ticket": tickets[0]}) == 3

    out = run(frontdesk_bin, "--db", db, "merge", "tickets")
    assert out.returncode == 0 and "0 groups" in out.stdout  # nothing left to merge: done
    out = run(frontdesk_bin, "--db", db, "merge", "leads", "--record", old)
    assert out.returncode == 0 and "1 record(s) merged" in out.stdout
    out = run(frontdesk_bin, "--db", db, "merge", "leads", "--find", "555.222.3333")
    assert out.stdout.split() == [old]
    out = run(frontdesk_bin, "--db", db, "merge", "--record", old)
    assert out.returncode == 2  # needs leads or tickets
    out = run(frontdesk_bin, "--db", db, "merge", "leads", "--record", "nope")
    assert out.returncode == 3 and "not found" in out.stderr


def test_demo_shows_the_phone_section(frontdesk_bin, tmp_path):
    out = run(frontdesk_bin, "--db", str(tmp_path / "d.sqlite"), "demo")  # a new file
    assert out.returncode == 0, out.stderr
    assert "== phones" in out.stdout
    assert "merged into it, 4 rows moved" in out.stdout
    assert "again: 0 group(s) left to merge" in out.stdout
