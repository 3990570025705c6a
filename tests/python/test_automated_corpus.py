"""The automated-mail corpus (tests/data/routing/automated): auto-replies, out-of-office notices
and bounces without automated headers in twelve languages, and human mail that looks like
them. Each mail is classified as expected.tsv says, and routed as it says: automated mail never
creates a record and never reopens the ticket it answers; the look-alikes are routed as human."""
import os

import pytest

import switchboard as sb
from site_fixture import with_site

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "routing",
                    "automated")
AGENT_REPLY = "agent-0001@zipcushions.com"


def expected():
    rows = []
    with open(os.path.join(DATA, "expected.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append(line.rstrip("\n").split("\t"))
    return rows


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return sb.InboundEmail.from_rfc822(f.read(), email_account="Support")


def test_the_corpus_is_complete():
    names = sorted(n for n in os.listdir(DATA) if n.endswith(".eml"))
    assert names == [row[0] for row in expected()]
    kinds = [row[1] for row in expected()]
    assert kinds.count("human") >= 15 and kinds.count("out_of_office") >= 25


@pytest.mark.parametrize("name,kind", [(r[0], r[1]) for r in expected()])
def test_classification(name, kind):
    assert sb.classify_mail(read(name)) == kind


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    s = with_site(sb.MemoryStore() if request.param == "memory"
                  else sb.SqliteStore(str(tmp_path / "corpus.sqlite")))
    ticket = s.insert("HD Ticket", {"subject": "Replacement zipper for the bench cushion",
                                    "raised_by": "ann.baker@example.com", "status": "Replied"})
    for message_id, direction, sender in (("ann-first@example.com", "Received", "ann.baker@example.com"),
                                          (AGENT_REPLY, "Sent", "support@zipcushions.com")):
        s.insert("Communication", {"message_id": message_id, "sent_or_received": direction, "sender": sender,
                                   "reference_doctype": "HD Ticket", "reference_name": ticket,
                                   "subject": "Replacement zipper for the bench cushion"})
    return s


def test_routing_in_order(store):
    router = sb.Router(store)
    (ticket,) = [t["name"] for t in store.find("HD Ticket", fields=["name"])]
    created = 0
    for name, kind, action, doctype, reason in expected():
        r = router.route(read(name))
        assert (name, r.kind, r.action, r.doctype, r.reason) == (name, kind, action, doctype, reason)
        if kind != "human":
            assert not r.action.startswith("create") and not r.reopened
            if r.action != "skip":
                assert r.name == ticket
            # the ticket waits for the customer until the customer writes
            assert store.get("HD Ticket", ticket)["status"] == "Replied"
        created += r.action.startswith("create")
    assert store.count("HD Ticket") + store.count("CRM Lead") == 1 + created
    assert store.get("HD Ticket", ticket)["status"] == "Open"   # reopened by the human reply
