"""frontdesk, the main program: consent before anything destructive, a database only from
`init`, read-only opens, options anywhere, --help and --json everywhere, one exit-code table,
progress bars only on a terminal, and dry runs that see their own earlier items."""
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile

import pytest

import switchboard as sb
from conftest import ROOT
from site_fixture import SITE_JSON

MAILBOX = os.path.join(ROOT, "tests", "data", "routing", "mailbox")


def run(bin_, *args, env=None, stdin=None, cwd=None):
    return subprocess.run([bin_, *args], capture_output=True, text=True, timeout=120, input=stdin,
                          cwd=cwd, env={**os.environ, **(env or {})})


def init(bin_, db):
    """A new database holding the test company's site (mail domains, aliases, numbers)."""
    out = run(bin_, "init", "--db", str(db), "--site", SITE_JSON)
    assert out.returncode == 0, out.stderr
    return str(db)


def file_state(path):
    """Bytes and metadata of a file and its SQLite companions, to prove nothing touched them."""
    state = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = str(path) + suffix
        if os.path.exists(p):
            st = os.stat(p)
            state[suffix] = (open(p, "rb").read(), st.st_mtime_ns, st.st_size)
    return state


# ---- every command, for the checks that hold for all of them ---------------------------------

def subcommands(help_text):
    """The names listed under "Subcommands:" in a --help text."""
    if "Subcommands:" not in help_text:
        return []
    section = help_text.split("Subcommands:")[1].split("\n\n")[0]
    return re.findall(r"^  (\S+)\s", section, re.M)


def all_commands(bin_):
    """Every leaf command, as argument lists, read from the --help of frontdesk and its groups."""
    commands = []
    for name in subcommands(run(bin_, "--help").stdout):
        children = subcommands(run(bin_, name, "--help").stdout)
        commands += [[name, child] for child in children] if children else [[name]]
    return commands


def test_help_lists_commands_and_the_exit_code_table(frontdesk_bin):
    out = run(frontdesk_bin, "--help")
    assert out.returncode == 0
    for word in ("init", "stats", "demo", "route", "calls", "merge", "normalize", "orders"):
        assert word in out.stdout
    table = out.stdout[out.stdout.index("Exit codes"):]
    for code, meaning in (("0", "done"), ("1", "some items of a batch failed"),
                          ("2", "usage error"), ("3", "data or store error")):
        assert re.search(rf"^\s+{code}\s+{meaning}", table, re.M), table
    # The README prints the same table.
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    for code, meaning in (("0", "done"), ("1", "some items of a batch failed"),
                          ("2", "usage error"), ("3", "data or store error")):
        assert re.search(rf"^\| {code} \| {meaning}", readme, re.M), f"README lacks exit code {code}"


def test_every_command_has_help_with_examples(frontdesk_bin):
    commands = all_commands(frontdesk_bin)
    assert len(commands) >= 15
    for cmd in commands:
        out = run(frontdesk_bin, *cmd, "--help")
        assert out.returncode == 0, cmd
        assert "Examples:" in out.stdout and f"frontdesk {cmd[0]}" in out.stdout, cmd
    for group in ("transfer", "orders", "ringcentral"):
        assert "Examples:" in run(frontdesk_bin, group, "--help").stdout


def test_every_command_that_prints_results_has_json(frontdesk_bin):
    no_results = {("demo",), ("ringcentral", "login"), ("ringcentral", "logout")}
    for cmd in all_commands(frontdesk_bin):
        if tuple(cmd) in no_results or cmd[0] == "ringcentral" and cmd[1] == "recording":
            continue
        assert "--json" in run(frontdesk_bin, *cmd, "--help").stdout, cmd


def test_options_before_or_after_the_command(frontdesk_bin, tmp_path):
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    before = run(frontdesk_bin, "--db", db, "stats")
    after = run(frontdesk_bin, "stats", "--db", db)
    assert before.returncode == after.returncode == 0, after.stderr
    assert before.stdout == after.stdout and "HD Ticket Status" in after.stdout
    assert run(frontdesk_bin, "stats", "--db", db, "-q").stdout == ""
    out = run(frontdesk_bin, "route", MAILBOX, "--db", db, "--dry-run", "-q")
    assert out.returncode == 0 and out.stdout == "", out.stderr
    out = run(frontdesk_bin, "orders", "show", "HD Ticket", "0001", "--db", db)
    assert out.returncode == 3 and "not found" in out.stderr


def test_unknown_or_missing_command_is_a_clear_usage_error(frontdesk_bin):
    out = run(frontdesk_bin, "rout", "x")
    assert out.returncode == 2
    assert "unknown command 'rout'; did you mean 'route'?" in out.stderr
    assert "Commands: " in out.stderr and "frontdesk --help" in out.stderr
    out = run(frontdesk_bin, "no-such-command")
    assert out.returncode == 2 and "unknown command 'no-such-command'" in out.stderr
    out = run(frontdesk_bin)
    assert out.returncode == 2 and "a command is required" in out.stderr
    out = run(frontdesk_bin, "orders", "shwo")
    assert out.returncode == 2 and "frontdesk orders: unknown command 'shwo'" in out.stderr
    assert "did you mean 'show'?" in out.stderr
    out = run(frontdesk_bin, "route")
    assert out.returncode == 2 and "inputs is required" in out.stderr
    out = run(frontdesk_bin, "stats", "--no-such-option")
    assert out.returncode == 2 and "--no-such-option" in out.stderr


# ---- consent: demo, and no database created by accident --------------------------------------

def test_demo_never_touches_an_existing_file_without_consent(frontdesk_bin, tmp_path):
    precious = tmp_path / "precious.sqlite"
    precious.write_bytes(b"my real data, not a database\n" * 50)
    before = file_state(precious)
    out = run(frontdesk_bin, "demo", "--db", str(precious))
    assert out.returncode == 3 and "not a switchboard database" in out.stderr
    out = run(frontdesk_bin, "demo", "--db", str(precious), "--force")
    assert out.returncode == 3, "--force never applies to a file that is not a switchboard database"
    assert file_state(precious) == before

    db = init(frontdesk_bin, tmp_path / "existing.sqlite")
    s = sb.SqliteStore(db)
    s.insert("CRM Lead", {"first_name": "Keep me"})
    del s
    before = file_state(db)
    out = run(frontdesk_bin, "demo", "--db", db)
    assert out.returncode == 3 and "only with --force" in out.stderr
    assert file_state(db) == before  # byte for byte, modification time too

    out = run(frontdesk_bin, "demo", "--db", db, "--force")
    assert out.returncode == 0, out.stderr
    assert sb.SqliteStore(db).count("CRM Lead", {"first_name": "Keep me"}) == 0  # replaced


def test_demo_uses_a_new_file_and_ignores_frontdesk_db(frontdesk_bin, tmp_path):
    precious = tmp_path / "crm.sqlite"
    db = init(frontdesk_bin, precious)
    before = file_state(db)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = run(frontdesk_bin, "demo", env={"FRONTDESK_DB": db, "TMPDIR": str(tmp)})
    assert out.returncode == 0, out.stderr
    assert file_state(db) == before
    made = [f for f in os.listdir(tmp) if f.startswith("frontdesk-demo-") and f.endswith(".sqlite")]
    assert len(made) == 1 and str(tmp / made[0]) in out.stdout
    assert sb.SqliteStore(str(tmp / made[0])).count("HD Ticket") > 0
    again = run(frontdesk_bin, "demo", env={"TMPDIR": str(tmp)})
    assert again.returncode == 0
    assert len([f for f in os.listdir(tmp) if f.endswith(".sqlite")]) == 2  # a new file each time


def test_only_init_creates_a_database(frontdesk_bin, tmp_path):
    missing = tmp_path / "typo.sqlite"
    for args in (["stats"], ["route", MAILBOX], ["calls", os.path.join(ROOT, "tests", "data",
                 "telephony", "seed_curl.json")], ["merge"], ["orders", "show", "HD Ticket", "1"],
                 ["transfer", "list", "HD Ticket", "1"]):
        out = run(frontdesk_bin, *args, "--db", str(missing))
        assert out.returncode == 3, (args, out.stderr)
        assert f"no database at '{missing}'" in out.stderr and "frontdesk init" in out.stderr
        assert not os.path.exists(missing), args
    out = run(frontdesk_bin, "stats", env={"FRONTDESK_DB": str(missing)})
    assert out.returncode == 3 and not os.path.exists(missing)
    out = run(frontdesk_bin, "init", "--db", str(missing), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["created"] is True
    out = run(frontdesk_bin, "init", "--db", str(missing), "--json")
    assert json.loads(out.stdout)["created"] is False  # opened (and migrated) in place

    other = tmp_path / "other-app.sqlite"
    subprocess.run(["sqlite3", str(other), "CREATE TABLE t(x); INSERT INTO t VALUES (1);"], check=True)
    before = file_state(other)
    for args in (["init"], ["stats"], ["route", MAILBOX]):
        out = run(frontdesk_bin, *args, "--db", str(other))
        assert out.returncode == 3 and "not a switchboard database" in out.stderr, args
    assert file_state(other) == before


def test_corrupt_file_is_a_store_error(frontdesk_bin, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database" * 100)
    out = run(frontdesk_bin, "--db", str(junk), "stats")
    assert out.returncode == 3 and "frontdesk:" in out.stderr


# ---- read-only databases ---------------------------------------------------------------------

def as_nobody():
    """preexec_fn dropping root, so that file permissions apply (root ignores them)."""
    if os.getuid() != 0:
        return None

    def drop():
        os.setgid(65534)
        os.setuid(65534)
    return drop


def test_read_only_database_works_for_read_only_commands(frontdesk_bin):
    """A database file nobody may write, in a folder nobody may write (so SQLite cannot even
    create its -wal and -shm files): every read-only command works; a write fails clearly."""
    if os.getuid() != 0:
        pytest.skip("needs root to run frontdesk as another user (root ignores permissions)")
    base = tempfile.mkdtemp(prefix="frontdesk-ro-")
    os.chmod(base, 0o755)
    ro_dir = os.path.join(base, "ro")
    os.mkdir(ro_dir)
    try:
        db = init(frontdesk_bin, os.path.join(ro_dir, "crm.sqlite"))
        s = sb.SqliteStore(db)
        ticket = s.insert("HD Ticket", {"subject": "Read me", "raised_by": "a@example.com"})
        deal = s.insert("CRM Deal", {"organization": "x"})
        del s
        before = file_state(db)
        os.chmod(db, 0o444)
        os.chmod(ro_dir, 0o555)
        kw = dict(capture_output=True, text=True, timeout=60, preexec_fn=as_nobody())
        probe = subprocess.run([frontdesk_bin, "--version"], **kw)
        if probe.returncode != 0:
            pytest.skip(f"cannot run {frontdesk_bin} as nobody here: {probe.stderr}")
        for args in (["stats"], ["stats", "--json"], ["orders", "show", "HD Ticket", ticket],
                     ["transfer", "list", "HD Ticket", ticket], ["orders", "check-deal", deal],
                     ["merge", "tickets", "--find", "555 123 4567"]):
            out = subprocess.run([frontdesk_bin, *args, "--db", db], **kw)
            assert out.returncode == 0, (args, out.stderr)
        out = subprocess.run([frontdesk_bin, "stats", "--db", db], **kw)
        assert re.search(r"HD Ticket\s+1\s+\(1 Open\)", out.stdout), out.stdout
        out = subprocess.run([frontdesk_bin, "route", MAILBOX, "--db", db], **kw)
        assert out.returncode == 3 and "frontdesk:" in out.stderr  # a write: a clear error
        assert file_state(db) == before
    finally:
        os.chmod(ro_dir, 0o755)
        shutil.rmtree(base)


def test_python_opens_a_read_only_store(tmp_path):
    path = str(tmp_path / "r.sqlite")
    s = sb.SqliteStore(path)
    s.insert("CRM Lead", {"first_name": "Ann"})
    del s
    ro = sb.SqliteStore(path, read_only=True)
    assert ro.count("CRM Lead") == 1
    with pytest.raises(sb.StoreError):
        ro.insert("CRM Lead", {"first_name": "Bob"})
    with pytest.raises(sb.NotFound):
        sb.SqliteStore(str(tmp_path / "missing.sqlite"), read_only=True)
    assert not os.path.exists(tmp_path / "missing.sqlite")


# ---- --json ----------------------------------------------------------------------------------

def test_json_output_of_each_command(frontdesk_bin, tmp_path):
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    stats = json.loads(run(frontdesk_bin, "stats", "--json", "--db", db).stdout)
    assert stats["doctypes"]["HD Ticket Status"]["count"] > 0
    norm = json.loads(run(frontdesk_bin, "normalize", "--json", "555.123.4567 x 89", "12").stdout)
    assert norm[0]["key"] == "+15551234567" and norm[0]["extension"] == "89"
    assert norm[1]["key"] is None
    routed = json.loads(run(frontdesk_bin, "route", MAILBOX, "--json", "--db", db).stdout)
    assert len(routed["mails"]) == 26 and routed["by_action"]["create_ticket"] == 9
    assert routed["mails"][0]["source"] == "01-gmail-new-support-request.eml"
    calls = json.loads(run(frontdesk_bin, "calls", "--json", "--db", db, os.path.join(
        ROOT, "tests", "data", "telephony", "seed_curl.json")).stdout)
    assert calls["summary"]["created"] == 1 and calls["events"][0]["source"] == "seed_curl.json"
    merged = json.loads(run(frontdesk_bin, "merge", "--json", "--dry-run", "--db", db).stdout)
    assert merged["dry_run"] is True and [d["doctype"] for d in merged["doctypes"]] == ["CRM Lead", "HD Ticket"]
    ticket = routed["mails"][0]["name"]
    shown = json.loads(run(frontdesk_bin, "orders", "show", "HD Ticket", ticket, "--json", "--db", db).stdout)
    assert shown == {"doctype": "HD Ticket", "name": ticket, "rows": []}
    listed = json.loads(run(frontdesk_bin, "transfer", "list", "HD Ticket", ticket, "--json", "--db", db).stdout)
    assert listed and listed[0]["sent_or_received"] == "Received"
    assert json.loads(run(frontdesk_bin, "orders", "status", "done", "--json").stdout) == {"status": "DONE"}


# ---- progress bars ---------------------------------------------------------------------------

def run_on_terminal(argv):
    """Runs argv with stdout and stderr on a pseudo-terminal; returns (exit code, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bars_only_when_stdout_is_a_terminal(frontdesk_bin, tmp_path):
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    code, screen = run_on_terminal([frontdesk_bin, "route", MAILBOX, "--db", db, "--dry-run"])
    assert code == 0, screen
    assert "planning [" in screen and "100% (26/26)" in screen
    piped = run(frontdesk_bin, "route", MAILBOX, "--db", db, "--dry-run")
    assert piped.returncode == 0 and "planning [" not in piped.stdout + piped.stderr
    code, screen = run_on_terminal([frontdesk_bin, "route", MAILBOX, "--db", db, "--json"])
    assert code == 0 and "routing [" not in screen  # --json output stays clean


# ---- dry runs --------------------------------------------------------------------------------

def test_route_dry_run_sees_the_records_earlier_mails_create(frontdesk_bin, tmp_path):
    """A reply routed after the mail that opened its ticket joins that ticket in a dry run
    too, exactly as in the real run; and the dry run writes nothing."""
    box = tmp_path / "box"
    box.mkdir()
    (box / "1.eml").write_text("From: Ann <ann@example.com>\nTo: support@cozycornerpatios.com\n"
                               "Subject: Broken chair\nMessage-ID: <a1@example.com>\n\nHelp.\n")
    (box / "2.eml").write_text("From: Ann <ann@example.com>\nTo: support@cozycornerpatios.com\n"
                               "Subject: Re: Broken chair\nMessage-ID: <a2@example.com>\n"
                               "In-Reply-To: <a1@example.com>\nReferences: <a1@example.com>\n\nPhotos.\n")
    (box / "3.eml").write_text((box / "1.eml").read_text())  # the first mail, delivered again
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    dry = run(frontdesk_bin, "route", str(box), "--db", db, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert sb.SqliteStore(db, read_only=True).count("HD Ticket") == 0
    assert sb.SqliteStore(db, read_only=True).count("Communication") == 0
    real = run(frontdesk_bin, "route", str(box), "--db", db, "--json")
    assert real.returncode == 0, real.stderr
    planned, done = json.loads(dry.stdout), json.loads(real.stdout)
    assert planned["dry_run"] is True and done["dry_run"] is False
    stable = ("source", "action", "reason", "doctype", "name", "contact", "match")
    assert [{k: m.get(k) for k in stable} for m in planned["mails"]] == \
        [{k: m.get(k) for k in stable} for m in done["mails"]]
    assert [m["action"] for m in done["mails"]] == ["create_ticket", "link_ticket", "skip"]
    assert done["mails"][1]["name"] == done["mails"][0]["name"]


def test_calls_dry_run_is_the_real_run_rolled_back(frontdesk_bin, tmp_path):
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    data = os.path.join(ROOT, "tests", "data", "telephony")
    files = [os.path.join(data, f) for f in ("seed_curl.json", "seed_curl.json", "telephony_seq1.json",
                                             "telephony_seq4.json", "telephony_seq2.json")]
    dry = run(frontdesk_bin, "calls", *files, "--db", db, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    assert sb.SqliteStore(db, read_only=True).count("Helpdesk Call Log") == 0
    real = run(frontdesk_bin, "calls", *files, "--db", db, "--json")
    stable = ("source", "action", "reason", "customer_key", "ticket", "lead", "contact")
    assert [{k: e[k] for k in stable} for e in json.loads(dry.stdout)["events"]] == \
        [{k: e[k] for k in stable} for e in json.loads(real.stdout)["events"]]
    assert [e["action"] for e in json.loads(real.stdout)["events"]] == \
        ["created", "duplicate", "created", "updated", "duplicate"]


# ---- inputs as users have them ---------------------------------------------------------------

def test_calls_reads_every_shipped_sample_and_every_json_shape(frontdesk_bin, tmp_path):
    data = os.path.join(ROOT, "tests", "data", "telephony")
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    out = run(frontdesk_bin, "calls", data, "--db", db, "--company-number", "+15559876543")
    assert out.returncode == 0, out.stdout + out.stderr  # the folder of pretty-printed samples
    assert "10 events" in out.stdout and "0 failed" in out.stdout

    bodies = [json.loads(open(os.path.join(data, f)).read()) for f in
              ("seed_curl.json", "call_log_simple.json", "telephony_seq1.json")]
    shapes = {
        "lines.jsonl": "\n".join(json.dumps(b) for b in bodies) + "\n",
        "array.json": json.dumps(bodies, indent=2),
        "pretty-sequence.json": "\n".join(json.dumps(b, indent=4) for b in bodies),
    }
    for name, text in shapes.items():
        (tmp_path / name).write_text(text)
        db = init(frontdesk_bin, tmp_path / f"{name}.sqlite")
        out = run(frontdesk_bin, "calls", str(tmp_path / name), "--db", db, "--json")
        assert out.returncode == 0, (name, out.stderr)
        assert json.loads(out.stdout)["summary"]["created"] == 3, name
    db = init(frontdesk_bin, tmp_path / "stdin.sqlite")
    out = run(frontdesk_bin, "calls", "-", "--db", db, stdin=json.dumps(bodies[0], indent=2))
    assert out.returncode == 0 and "1 created" in out.stdout, out.stderr

    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"call_id": "a", "direction": "Inbound"},\n  {"call_id": \n')
    out = run(frontdesk_bin, "calls", str(broken), "--db", db)
    assert out.returncode == 1 and "not a valid JSON array" in out.stderr


def test_route_reads_maildir_mbox_eml_folders_and_json_lines(frontdesk_bin, tmp_path):
    names = sorted(os.listdir(MAILBOX))[:4]
    maildir = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for i, name in enumerate(names):
        sub = "cur" if i < 2 else "new"
        shutil.copy(os.path.join(MAILBOX, name), maildir / sub / f"17000000{i}.M1P1.host:2,S")
    (maildir / "tmp" / "partial").write_text("From: half a mail")  # not yet delivered
    db = init(frontdesk_bin, tmp_path / "md.sqlite")
    out = run(frontdesk_bin, "route", str(maildir), "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    sources = [m["source"] for m in json.loads(out.stdout)["mails"]]
    assert sources == ["Maildir/new/170000002.M1P1.host:2,S", "Maildir/new/170000003.M1P1.host:2,S",
                       "Maildir/cur/170000000.M1P1.host:2,S", "Maildir/cur/170000001.M1P1.host:2,S"]

    mbox = tmp_path / "inbox.mbox"
    with open(mbox, "wb") as f:
        for name in names:
            f.write(b"From x@y Mon Mar  3 15:13:52 2025\n" + open(os.path.join(MAILBOX, name), "rb").read() + b"\n")
    jsonl = tmp_path / "mails.jsonl"
    jsonl.write_text(json.dumps({"message_id": "j1@x.com", "sender": "bob@y.com",
                                 "to": ["sales@zipcushions.com"], "subject": "Quote"}) + "\n")
    db = init(frontdesk_bin, tmp_path / "all.sqlite")
    out = run(frontdesk_bin, "route", str(mbox), str(jsonl), MAILBOX, "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    sources = [m["source"] for m in json.loads(out.stdout)["mails"]]
    assert sources[:5] == ["inbox.mbox#1", "inbox.mbox#2", "inbox.mbox#3", "inbox.mbox#4", "mails.jsonl"]
    assert len(sources) == 5 + 26
    out = run(frontdesk_bin, "route", "-", "--db", db, stdin=open(os.path.join(MAILBOX, names[0])).read())
    assert out.returncode == 0 and "stdin" in out.stdout


def test_init_then_stats(frontdesk_bin, tmp_path):
    db = str(tmp_path / "fd.sqlite")
    out = run(frontdesk_bin, "--db", db, "init")
    assert out.returncode == 0, out.stderr
    assert "created" in out.stdout and "schema version" in out.stdout
    out = run(frontdesk_bin, "stats", env={"FRONTDESK_DB": db})
    assert out.returncode == 0
    assert "HD Ticket Status" in out.stdout and "CRM Lead Status" in out.stdout


def test_site_shows_and_stores_the_site_facts(frontdesk_bin, tmp_path, site_json):
    db = str(tmp_path / "site.sqlite")
    out = run(frontdesk_bin, "--db", db, "site")
    assert out.returncode == 3 and not os.path.exists(db)  # only init creates a database
    assert run(frontdesk_bin, "init", "--db", db).returncode == 0
    out = run(frontdesk_bin, "--db", db, "site")
    assert out.returncode == 0, out.stderr
    fresh = json.loads(out.stdout)
    assert fresh["region"] == "US" and fresh["company_domains"] == [] and fresh["support_aliases"] == []
    out = run(frontdesk_bin, "site", site_json, "--db", db)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["company_domains"] == ["cozycornerpatios.com", "zipcushions.com"]
    stored = json.loads(run(frontdesk_bin, "--db", db, "site", "--json").stdout)
    assert stored["support_aliases"] == ["support@cozycornerpatios.com", "support@zipcushions.com"]
    assert sb.SqliteStore(db).site.company_numbers == ["+15559876543"]  # in the settings document
    bad = tmp_path / "bad.json"
    bad.write_text('{"region": "Britain"}')
    out = run(frontdesk_bin, "--db", db, "--site", str(bad), "stats")
    assert out.returncode == 3 and "region" in out.stderr  # a data error
    out = run(frontdesk_bin, "--db", db, "site", str(tmp_path / "missing.json"))
    assert out.returncode == 3 and "missing.json" in out.stderr


def test_site_on_a_command_that_only_reads_is_not_stored(frontdesk_bin, tmp_path, site_json):
    db = init(frontdesk_bin, tmp_path / "fd.sqlite")
    gb = tmp_path / "gb.json"
    gb.write_text(json.dumps({"region": "GB"}))
    before = file_state(db)[""]
    out = run(frontdesk_bin, "site", "--db", db, "--site", str(gb))
    assert out.returncode == 0 and json.loads(out.stdout)["region"] == "GB"  # this run's facts
    assert run(frontdesk_bin, "stats", "--db", db, "--site", str(gb)).returncode == 0
    assert file_state(db)[""] == before  # read-only: nothing stored
    assert os.path.getsize(db + "-wal") == 0 if os.path.exists(db + "-wal") else True
    assert json.loads(run(frontdesk_bin, "site", "--db", db).stdout)["company_domains"] == \
        ["cozycornerpatios.com", "zipcushions.com"]
    # normalize reads numbers in the region of --site, else of the database's site.
    out = run(frontdesk_bin, "normalize", "--json", "020 7946 0958", "--site", str(gb))
    assert json.loads(out.stdout)[0]["key"] == "+442079460958"
    assert run(frontdesk_bin, "site", str(gb), "--db", db).returncode == 0
    out = run(frontdesk_bin, "normalize", "--json", "020 7946 0958", "--db", db)
    assert json.loads(out.stdout)[0]["key"] == "+442079460958"


def test_stored_phone_keys_follow_the_site_and_init_migrates_them(frontdesk_bin, tmp_path):
    """Storing other regions (`frontdesk site FILE`, `store.save_site()`) rekeys what is
    stored; `init` on an existing database rekeys rows an older version keyed."""
    import sqlite3

    db = init(frontdesk_bin, tmp_path / "keys.sqlite")
    store = sb.SqliteStore(db)
    ticket = store.insert("HD Ticket", {"subject": "London", "contact_mobile": "020 7946 0958"})
    lead = store.insert("CRM Lead", {"first_name": "Ann", "mobile_no": "(555) 010-4242"})
    del store
    key = lambda: sb.SqliteStore(db).get("HD Ticket", ticket)["custom_contact_mobile_key"]  # noqa: E731
    assert key() is None  # a US site cannot read a British national number
    gb = tmp_path / "gb.json"
    gb.write_text(json.dumps({**json.load(open(SITE_JSON)), "fallback_regions": ["GB"]}))
    assert run(frontdesk_bin, "site", str(gb), "--db", db).returncode == 0
    assert key() == "+442079460958"
    store = sb.SqliteStore(db)
    site = store.site
    site.fallback_regions = []
    store.site = site
    store.save_site()
    assert store.get("HD Ticket", ticket)["custom_contact_mobile_key"] is None
    del store

    # Rows keyed by an older version of the library (or written by another program).
    with sqlite3.connect(db) as raw:
        raw.execute('UPDATE "tabCRM Lead" SET custom_mobile_no_key = NULL, custom_phone_key_version = 1')
    out = run(frontdesk_bin, "init", "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    refreshed = json.loads(out.stdout)["keys_refreshed"]
    assert refreshed["CRM Lead"] == 1 and refreshed["HD Ticket"] == 0 and set(refreshed) == set(sb.keyed_doctypes())
    lead_row = sb.SqliteStore(db).get("CRM Lead", lead)
    assert (lead_row["custom_mobile_no_key"], lead_row["custom_phone_key_version"]) == ("+15550104242", sb.PHONE_KEY_VERSION)
    out = run(frontdesk_bin, "init", "--db", db)
    assert out.returncode == 0 and "refreshed" not in out.stdout  # nothing left to do
    reports = sb.rekey_all_phone_keys(sb.SqliteStore(db))
    assert [r.doctype for r in reports] == sb.keyed_doctypes() and all(r.updated == 0 for r in reports)


def test_an_older_versions_keys_are_recomputed_on_first_open(tmp_path):
    """A database whose settings record keys of an older version (the signature) is rekeyed,
    once, when a writable store opens it; a read-only open leaves it alone."""
    import sqlite3

    db = str(tmp_path / "old.sqlite")
    store = sb.SqliteStore(db)
    assert sb.phone_keys_signature(store.site) == f"v{sb.PHONE_KEY_VERSION} US"
    assert store.get("Switchboard Settings", "Switchboard Settings")[sb.PHONE_KEYS_SIGNATURE_FIELD] == \
        sb.phone_keys_signature(store.site)
    lead = store.insert("CRM Lead", {"first_name": "Ann", "mobile_no": "(555) 010-4242"})
    assert sb.refresh_phone_keys(store) == []
    del store
    with sqlite3.connect(db) as raw:  # what an older version left: its keys and its signature
        raw.execute('UPDATE "tabCRM Lead" SET custom_mobile_no_key = NULL, custom_phone_key_version = 1')
        raw.execute("UPDATE \"tabSwitchboard Settings\" SET phone_keys_signature = 'v1 US'")
    row = lambda s: s.get("CRM Lead", lead)  # noqa: E731
    assert row(sb.SqliteStore(db, read_only=True))["custom_mobile_no_key"] is None
    store = sb.SqliteStore(db)
    assert (row(store)["custom_mobile_no_key"], row(store)["custom_phone_key_version"]) == \
        ("+15550104242", sb.PHONE_KEY_VERSION)
    assert sb.refresh_phone_keys(store) == []


def test_init_reports_the_keys_an_older_version_computed(frontdesk_bin, tmp_path):
    """`frontdesk init` rekeys a database whose settings record an older version's keys
    itself, and says how many it rewrote (the open leaves them to it)."""
    import sqlite3

    db = init(frontdesk_bin, tmp_path / "upgrade.sqlite")
    store = sb.SqliteStore(db)
    lead = store.insert("CRM Lead", {"first_name": "Ann", "mobile_no": "(555) 010-4242"})
    del store
    with sqlite3.connect(db) as raw:
        raw.execute('UPDATE "tabCRM Lead" SET custom_mobile_no_key = NULL, custom_phone_key_version = 1')
        raw.execute("UPDATE \"tabSwitchboard Settings\" SET phone_keys_signature = 'v1 US'")
    out = run(frontdesk_bin, "init", "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    refreshed = json.loads(out.stdout)["keys_refreshed"]
    assert refreshed["CRM Lead"] == 1 and set(refreshed) == set(sb.keyed_doctypes())
    store = sb.SqliteStore(db, read_only=True)
    assert store.get("CRM Lead", lead)["custom_mobile_no_key"] == "+15550104242"
    assert store.get("Switchboard Settings", "Switchboard Settings")["phone_keys_signature"] == \
        sb.phone_keys_signature(store.site)


def test_demo_configures_its_own_site(frontdesk_bin, tmp_path):
    db = str(tmp_path / "demo.sqlite")
    assert run(frontdesk_bin, "--db", db, "demo").returncode == 0
    site = json.loads(run(frontdesk_bin, "--db", db, "site").stdout)
    assert site["company_domains"] == ["cozycornerpatios.com", "zipcushions.com"]
    assert site["company_numbers"] == ["+15559876543"]
