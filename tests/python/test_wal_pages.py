"""bench/wal_pages.py: the pages one transaction writes, named by their table or index."""
import os
import sqlite3
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import wal_pages as W  # noqa: E402


def has_dbstat():
    try:
        sqlite3.connect(":memory:").execute("SELECT count(*) FROM dbstat").fetchone()
        return True
    except sqlite3.OperationalError:
        return False


@pytest.mark.skipif(not has_dbstat(), reason="this SQLite has no dbstat table")
def test_each_transaction_writes_a_page_of_each_btree_it_changes(tmp_path):
    rows = {label.split(" (")[0]: (action, pages, trees)
            for label, action, pages, trees in W.measure(str(tmp_path / "w.sqlite"), 60)}
    action, pages, trees = rows["floor: one transaction inserting a Communication"]
    assert action == "insert"
    assert trees == ["idx_Communication_creation", "idx_Communication_message_id",
                     "idx_Communication_reference_doctype_reference_name",
                     "idx_Communication_sender", "sqlite_autoindex_tabCommunication_1",
                     "tabCommunication"]
    assert len(pages) >= len(trees)

    action, pages, trees = rows["route(): new support request"]
    assert action == "create_ticket"
    for written in ("tabHD Ticket", "tabContact", "tabContact Email", "tabCommunication",
                    "tabSwitchboard Route Log", "idx_HD Ticket_raised_by"):
        assert written in trees

    action, pages, trees = rows["route(): reply by In-Reply-To"]
    assert action == "link_ticket"
    assert "idx_Communication_in_reply_to" in trees and "tabHD Ticket" not in trees

    action, pages, trees = rows["route(): redelivery"]
    assert action == "skip"
    assert all("Route Log" in t for t in trees)  # the decision-log row only


def test_an_emptied_wal_reads_no_frames(tmp_path):
    path = str(tmp_path / "e.sqlite")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.commit()
    wal = W.Wal(path)
    wal.mark()
    assert wal.since_mark() == []
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    assert len(wal.since_mark()) == 1
    con.close()
