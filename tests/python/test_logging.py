"""The core's diagnostics in Python's logging (switchboard.<category> loggers), from any thread,
and $SWITCHBOARD_LOG for a quick look on stderr."""
import logging
import os
import subprocess
import sys
import threading

import switchboard as sb
from site_fixture import with_site


def test_core_lines_reach_python_logging(tmp_path, caplog):
    path = str(tmp_path / "logged.sqlite")
    with caplog.at_level(logging.DEBUG, logger="switchboard"):
        sb.SqliteStore(path)
        done = []
        # A store opened on another thread: the core logs there, the sink takes the GIL.
        t = threading.Thread(target=lambda: done.append(sb.SqliteStore(path, read_only=True)))
        t.start()
        t.join(30)
        assert done
    lines = [(r.name, r.levelname, r.getMessage()) for r in caplog.records]
    assert ("switchboard.sqlite", "INFO",
            f"'{path}': creating the tables (schema version {sb.SQLITE_SCHEMA_VERSION})") in lines
    assert ("switchboard.sqlite", "DEBUG", f"opened '{path}' read-only") in lines


def test_levels_follow_the_python_logger(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="switchboard"):
        sb.SqliteStore(str(tmp_path / "quiet.sqlite"))
    assert not [r for r in caplog.records if r.name.startswith("switchboard.")]


def test_switchboard_log_prints_on_stderr(tmp_path):
    code = f"import switchboard as sb; sb.SqliteStore({str(tmp_path / 'env.sqlite')!r})"
    env = {**os.environ, "SWITCHBOARD_LOG": "info"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "switchboard.sqlite INFO: " in out.stderr and "creating the tables" in out.stderr
    env.pop("SWITCHBOARD_LOG")
    out = subprocess.run([sys.executable, "-c", code.replace("env.sqlite", "env2.sqlite")],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == ""


def test_frontdesk_verbose_logs_on_stderr(frontdesk_bin, tmp_path):
    db = str(tmp_path / "v.sqlite")
    out = subprocess.run([frontdesk_bin, "init", "--db", db, "-v"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "frontdesk [sqlite] info: " in out.stderr and "creating the tables" in out.stderr
    out = subprocess.run([frontdesk_bin, "stats", "--db", db], capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "SWITCHBOARD_LOG"})
    assert out.returncode == 0 and out.stderr == ""
    out = subprocess.run([frontdesk_bin, "--verbose", "stats", "--db", db], capture_output=True,
                         text=True)
    assert "frontdesk [frontdesk] info: database '" + db + "', read-only" in out.stderr


def test_routing_decisions_go_to_logging_not_to_error_log(caplog):
    """Error Log holds errors only by default; each routing step is a debug line of the
    logger switchboard.routing (the decision log), never with the body."""
    store = with_site(sb.MemoryStore())  # the test company's support alias
    mail = sb.InboundEmail(message_id="log-1@x.com", sender="ann@x.com",
                           to=["support@cozycornerpatios.com"], subject="Broken",
                           content="a body that is never logged", email_account="Support")
    with caplog.at_level(logging.DEBUG, logger="switchboard.routing"):
        r = sb.Router(store).route(mail)
    assert r.action == "create_ticket"
    assert store.count("Error Log") == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "switchboard.routing"]
    assert lines[0] == "Route: Start\n[START] ann@x.com | Broken"
    assert any(l.startswith("Route: Support Created\n") for l in lines)
    assert not any("never logged" in l for l in lines)
    logged = sb.Router(store, sb.RoutingRules(error_log="all")).route(
        sb.InboundEmail(message_id="log-2@x.com", sender="bob@x.com",
                        to=["support@cozycornerpatios.com"], email_account="Support"))
    assert store.count("Error Log") == len(logged.log) == 4
