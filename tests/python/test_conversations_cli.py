"""frontdesk transfer / orders on a real SQLite file: output, JSON and exit codes."""
import json
import os
import subprocess

import switchboard as sb
from site_fixture import site
from test_conversations import lead_with_thread
from test_orders import shop


def run(bin_, db, *args):
    return subprocess.run([bin_, "--db", db, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ})


def test_transfer_commands(frontdesk_bin, tmp_path):
    db = str(tmp_path / "fd.sqlite")
    s = sb.SqliteStore(db)
    s.save_site(site())  # frontdesk reads the site from the database
    lead, comms = lead_with_thread(s, 3)
    del s
    out = run(frontdesk_bin, db, "transfer", "list", "CRM Lead", lead)
    assert out.returncode == 0, out.stderr
    assert "3 email(s)" in out.stdout and comms[0] in out.stdout and "Order status" in out.stdout

    out = run(frontdesk_bin, db, "transfer", "lead-to-ticket", lead, "-c", comms[0], "-c", comms[1],
              "--keep-source", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["success"] is True and result["transferred_count"] == 2
    assert set(result["copies"]) == {comms[0], comms[1]}
    ticket = result["ticket_name"]

    out = run(frontdesk_bin, db, "transfer", "ticket-to-lead", ticket)
    assert out.returncode == 0, out.stderr
    assert "created CRM Lead" in out.stdout and "2 email(s)" in out.stdout
    s = sb.SqliteStore(db)
    assert s.get("HD Ticket", ticket) is None
    assert len(sb.list_communications(s, "CRM Lead", lead)) == 3  # kept

    # Not found and a bad selection are data errors (3); a bad command line is 2.
    assert run(frontdesk_bin, db, "transfer", "lead-to-ticket", "CRM-LEAD-NOPE").returncode == 3
    other = s.insert("CRM Lead", {"first_name": "x"})
    out = run(frontdesk_bin, db, "transfer", "lead-to-ticket", other, "-c", comms[2])
    assert out.returncode == 3 and "is not filed on" in out.stderr
    assert run(frontdesk_bin, db, "transfer").returncode == 2
    out = run(frontdesk_bin, db, "transfer", "list", "CRM Lead", other)
    assert out.returncode == 0 and "0 email(s)" in out.stdout  # nothing to list is no error
    assert run(frontdesk_bin, db, "transfer", "list", "CRM Lead", "CRM-LEAD-NOPE").returncode == 3


def test_orders_commands(frontdesk_bin, tmp_path):
    db = str(tmp_path / "fd.sqlite")
    s = sb.SqliteStore(db)
    shop(s)
    ticket = s.insert("HD Ticket", {"subject": "x"})
    deal = s.insert("CRM Deal", {"organization": "x"})
    del s
    out = run(frontdesk_bin, db, "orders", "sync", "HD Ticket", ticket, "john doe")
    assert out.returncode == 0, out.stderr
    assert "Successfully synced 3 items from 2 orders" in out.stdout and "BLOCKED FACTORY" in out.stdout
    out = run(frontdesk_bin, db, "orders", "sync", "HD Ticket", ticket, "John Doe", "--json")
    assert json.loads(out.stdout)["items"] == 3
    out = run(frontdesk_bin, db, "orders", "show", "HD Ticket", ticket)
    assert out.returncode == 0 and "3 order-history row(s)" in out.stdout
    assert run(frontdesk_bin, db, "orders", "sync", "HD Ticket", ticket, "Nobody").returncode == 3
    out = run(frontdesk_bin, db, "orders", "status", "done", "-", "blocked_ops")
    assert out.returncode == 0 and out.stdout.strip() == "BLOCKED OPS"
    out = run(frontdesk_bin, db, "orders", "check-deal", deal, "--status", "Won")
    assert out.returncode == 1  # the rule refuses
    assert "Please add at least one Sales Order before marking the deal as Won." in out.stderr
    assert run(frontdesk_bin, db, "orders", "check-deal", deal).returncode == 0
    assert run(frontdesk_bin, db, "orders", "check-deal", "NOPE").returncode == 3


def test_demo_shows_conversations_and_orders(frontdesk_bin, tmp_path):
    out = run(frontdesk_bin, str(tmp_path / "demo.sqlite"), "demo")
    assert out.returncode == 0, out.stderr
    assert "transfer_lead_to_ticket -> HD Ticket" in out.stdout
    assert "Please add at least one Sales Order" in out.stdout
    assert "still 2 rows (replaced, not appended)" in out.stdout
