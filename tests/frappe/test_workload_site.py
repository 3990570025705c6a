"""A generated workload (bench/workload) lived on the real site decides as the library does
on its own SQLite store: every mail fetched by the site's Email Accounts from a POP3 mailbox,
stored and threaded by Frappe and Helpdesk, routed by the app's hook; calls, agents' answers,
closures and the bulk merge as site documents (workload_site.py)."""
from __future__ import annotations

import pytest

import workload_site as W
import evaluate as E  # noqa: E402 - on the path workload_site sets
import generate as G  # noqa: E402


@pytest.fixture(scope="module")
def workload(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("workload"))
    G.main(["--seed", "7", "--mails", "150", "--out", out])
    return out


def test_the_workload_on_the_site_is_decided_as_on_sqlite(site, workload):
    lived = W.run(workload, site, per_mail=True)
    sqlite = E.evaluate(W.site_workload(site, E.Workload(workload)), per_mail=True)
    differ = W.compare(lived, sqlite, E.Workload(workload).truth["mails"])
    # Frappe stores a web form's Reply-To as the mail's sender; the library reads From by
    # default (RoutingRules.reply_to), which skips the form as system mail.
    assert [t["variant"] for _, t, _, _ in differ if t["variant"] != "web_form"] == [], differ
    m, lite = lived["mail"], sqlite["mail"]
    assert m["mails"] == 150 and m["automated_created_record"] == 0
    assert m["replies_on_thread"] == lite["replies_on_thread"] and m["false_forwards"] == 0
    assert m["automated_taken_for_human"] == lite["automated_taken_for_human"]
    assert lived["merge"] == sqlite["merge"]
    assert lived["calls"] == sqlite["calls"]
    assert lived["brands"]["cross_brand_links"] == 0
