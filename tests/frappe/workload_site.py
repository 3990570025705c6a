"""The generated workload (bench/workload) on the real Frappe site, the way a site lives it.

Every mail is put in a POP3 mailbox on loopback and fetched by its Email Account (the class the
site uses: switchboard's over Helpdesk's), stored by Frappe's email receiving, threaded by
Frappe and Helpdesk where they can and routed by the app's Communication hook; call events go
through CallLogger on the site's FrappeStore; records, agents' answers, closures and the bulk
merge are the site's documents. Frappe's clock and the library's are frozen at each event's
time (freezegun, and the store the hook opens). The figures are evaluate.py's, scored the same
way, so they compare with the same workload routed into SQLite.

    PYTHONPATH=build/python $BENCH/env/bin/python tests/frappe/workload_site.py WORKLOAD_DIR
        [--site test.localhost] [--json out.json] [--compare] [--commit]

--compare also routes the same workload into SQLite and lists every mail decided otherwise
(`make workload-frappe` generates a workload and runs this). Without --commit everything is
rolled back at the end.
"""
from __future__ import annotations

import argparse
import datetime
import json
import mailbox
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench", "workload"))
sys.path.insert(0, HERE)

import evaluate as E  # noqa: E402
import score as S  # noqa: E402

import switchboard as sb  # noqa: E402
from pop3 import Pop3Mailbox  # noqa: E402

try:
    from freezegun.api import real_perf_counter  # the clock freezegun leaves running
except ImportError:  # pragma: no cover - freezegun is in the test site's requirements
    from time import perf_counter as real_perf_counter

LOG_FIELDS = ["action", "reason", "reference_doctype", "reference_name", "mail_kind"]


def raw_messages(path: str) -> list[bytes]:
    """The workload's mails as the bytes a mail server hands out, in mbox order."""
    box = mailbox.mbox(os.path.join(path, "mail.mbox"), create=False)
    try:
        return [box.get_bytes(key) for key in box.iterkeys()]
    finally:
        box.close()


class Clock:
    """Frappe's clock (freezegun) and the library's stores, frozen at one instant."""

    def __init__(self):
        import freezegun

        self._factory = freezegun.freeze_time
        self._frozen = None
        self._freezer = None
        self.at = None

    def set(self, at, *stores) -> None:
        """Frappe's clock and `stores` at `at` (Unix seconds; None: the system clock)."""
        self.at = at
        for store in stores:
            store.freeze_time(at)
        if at is None:
            if self._freezer is not None:
                self._freezer.stop()
                self._freezer = self._frozen = None
            return
        instant = datetime.datetime.fromtimestamp(float(at), tz=datetime.timezone.utc)
        if self._freezer is None:
            self._freezer = self._factory(instant)
            self._frozen = self._freezer.start()
        else:
            self._frozen.move_to(instant)

    def stamp(self, store):
        """`store`, frozen at the clock's time."""
        if self.at is not None:
            store.freeze_time(self.at)
        return store


def site_store(frappe, clock: Clock):
    """A FrappeStore acting for the system, on the clock's time."""
    from switchboard.frappe import FrappeStore

    return clock.stamp(FrappeStore(frappe, ignore_permissions=True))


def email_accounts(frappe, manifest: dict, names: set, box: Pop3Mailbox) -> dict:
    """An Email Account per account name of the timeline ("<Brand> Support", ...), fetching from
    the POP3 mailbox, with its brand's alias as its address."""
    aliases = {}
    for b in manifest["brands"]:
        for kind in ("support", "sales", "info"):
            for alias in b[kind]:
                aliases.setdefault(f"{b['name']} {kind.title()}", alias)
    return {name: box.email_account(frappe, name, aliases.get(name) or f"inbox{n}@{manifest['brands'][0]['domain']}")
            for n, name in enumerate(sorted(names))}


_EXTENSION = re.compile(r"\s*(?:;ext=|x|ext\.?)\s*(\d+)$", re.IGNORECASE)
PHONE_FIELDS = ("mobile_no", "phone", "contact_mobile")


def site_workload(frappe, wl: "E.Workload") -> "E.Workload":
    """`wl` with its records as a Frappe site accepts them: a Phone field holds at most 20
    digits, spaces and + - . , * # ( ) (an extension typed "x 101" or ";ext=101" is "#101"), and Frappe CRM wants a
    reason for a lead whose status is of type Lost. Route the SQLite side of a comparison on
    the same Workload."""
    def phone(text: str) -> str:
        text = _EXTENSION.sub(r" #\1", text)
        return text if len(text) <= 20 else text.replace(" ", "")  # at most 20 characters

    lost = set(frappe.get_all("CRM Lead Status", filters={"type": "Lost"}, pluck="name"))
    for item in wl.records:
        fields = item["fields"]
        for f in PHONE_FIELDS:
            if isinstance(fields.get(f), str):
                fields[f] = phone(fields[f])
        if "phones" in item:
            item["phones"] = [phone(p) for p in item["phones"]]
        if item["doctype"] == E.LEAD and fields.get("status") in lost:
            fields.setdefault("lost_reason", "Poor Fit")
    return wl


def link_targets(frappe, records: list) -> list:
    """Creates the documents the records link to that the site lacks (a CRM Lead Source such as
    "Trade Show"; its name is the value). Returns [(doctype, name)] created."""
    created = []
    for item in records:
        meta = frappe.get_meta(item["doctype"])
        for df in meta.get_link_fields():
            value = item["fields"].get(df.fieldname)
            if not value or df.options in ("Contact", item["doctype"]) or frappe.db.exists(df.options, value):
                continue
            target = frappe.get_meta(df.options)
            doc = {"doctype": df.options}
            if (target.autoname or "").startswith("field:"):
                doc[target.autoname[len("field:"):]] = value
            else:
                doc["name"] = value
            frappe.get_doc(doc).insert(ignore_permissions=True, set_name=value)
            created.append((df.options, value))
    return created


class SiteReceiving:
    """Mail fetched and stored by the site's Email Accounts; calls through CallLogger on the
    site's store. route(email, i) -> S.Outcome as evaluate.py's replay wants it."""

    def __init__(self, frappe, store, raws, box: Pop3Mailbox, accounts: dict, company_numbers):
        self.frappe, self.store, self.raws, self.box, self.accounts = frappe, store, raws, box, accounts
        self.logger = sb.CallLogger(store, company_numbers=company_numbers)

    def route(self, email, i: int) -> S.Outcome:
        from frappe.email.receive import SentEmailInInboxError

        f = self.frappe
        self.box.messages = [self.raws[i]]
        [mail] = self.accounts[email.email_account].get_inbound_mails()
        try:
            comm = mail.process()
        except SentEmailInInboxError:
            return S.Outcome("skip", reason="sent_from_own_inbox")
        if not mail.flags.is_new_communication:  # Frappe has this Message-ID already
            return S.Outcome("skip", reason="duplicate")
        logged = f.get_all("Switchboard Route Log", filters={"communication": comm.name},
                           fields=LOG_FIELDS, order_by="creation desc", limit=1)
        if not logged:  # filed by Frappe or Helpdesk themselves (its thread's record)
            comm.reload()
            if not comm.reference_name:
                return S.Outcome("skip", reason="not_routed")
            kind = "link_ticket" if comm.reference_doctype == E.TICKET else "link_lead"
            return S.Outcome(kind, comm.reference_doctype, str(comm.reference_name), "frappe_thread")
        log = logged[0]
        outcome = S.Outcome(log.action or "skip", log.reference_doctype or "", str(log.reference_name or ""),
                            log.reason or "", log.mail_kind or "human")
        if outcome.action == "create_ticket" and outcome.name:
            outcome.follow_up_of = str(f.db.get_value(E.TICKET, outcome.name, "ticket_split_from") or "")
        return outcome

    def ingest(self, body: str) -> dict:
        return self.logger.ingest(body)


def run(path: str, frappe, progress=None, per_mail: bool = False) -> dict:
    """The workload in `path` on the connected site (in the current transaction). Its "speed"
    holds the wall time only (Frappe's clock is frozen; see bench-frappe for rates)."""
    from switchboard_frappe import handlers

    wl = site_workload(frappe, E.Workload(path))
    raws = raw_messages(path)
    if len(raws) != len(wl.truth["mails"]):
        raise RuntimeError(f"mail.mbox holds {len(raws)} mails, truth.json {len(wl.truth['mails'])}")
    clock = Clock()
    store = site_store(frappe, clock)
    system_store = handlers.system_store
    handlers.system_store = lambda: site_store(frappe, clock)  # the hook's store, on the same clock
    try:
        settings = frappe.get_doc("Switchboard Settings")
        # Duplicates stay until the bulk merge, as in the SQLite evaluation (the app would
        # merge them as their numbers are saved).
        settings.update({"route_incoming_email": 1, "merge_on_phone_change": 0, "routing_log": "",
                         "company_domains": "",
                         "support_aliases": "", "sales_aliases": "", "info_aliases": ""})
        settings.save(ignore_permissions=True)
        frappe.clear_document_cache("Switchboard Settings", "Switchboard Settings")
        with Pop3Mailbox() as box:
            names = {ev["account"] for ev in wl.timeline if ev["type"] == "mail"}
            names |= {b for brand in wl.manifest["brands"] for b in brand.get("accounts", ())}
            accounts = email_accounts(frappe, wl.manifest, names, box)
            link_targets(frappe, wl.records)

            def receiving(store_, book):
                return SiteReceiving(frappe, store_, raws, box, accounts, store_.site.all_company_numbers())

            started = real_perf_counter()
            result = E.evaluate(wl, store=store, routing_factory=receiving, progress=progress,
                                clock=lambda at: clock.set(at, store), per_mail=per_mail)
            result["speed"] = {"wall_s": round(real_perf_counter() - started, 1)}
            return result
    finally:
        handlers.system_store = system_store
        clock.set(None)


# Verdicts that mean the same: a redelivery that changed nothing, by either reason.
_SAME = {"skipped_again": "duplicate"}


def compare(site: dict, sqlite: dict, truth: list) -> list:
    """The mails whose verdict on the site differs from SQLite's: (mail, truth, site, sqlite)."""
    return [(i, t, a, b) for i, (t, a, b) in enumerate(zip(truth, site["per_mail"], sqlite["per_mail"]))
            if _SAME.get(a["verdict"], a["verdict"]) != _SAME.get(b["verdict"], b["verdict"])]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workload", help="folder written by bench/workload/generate.py")
    ap.add_argument("--site", default=os.environ.get("FRAPPE_SITE", "test.localhost"))
    ap.add_argument("--json", default="")
    ap.add_argument("--commit", action="store_true", help="keep what the workload wrote")
    ap.add_argument("--compare", action="store_true",
                    help="also route the same workload into SQLite and list the mails decided otherwise")
    a = ap.parse_args(argv)
    import conftest

    conftest.SITE = a.site
    frappe = conftest.connect()
    frappe.db.rollback()

    def progress(done, total):
        print(f"\r  received {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        r = run(a.workload, frappe, progress if sys.stderr.isatty() else None, per_mail=a.compare)
        if a.compare:
            lite_wl = site_workload(frappe, E.Workload(a.workload))
            sqlite = E.evaluate(lite_wl, per_mail=True)
    finally:
        if a.commit:
            frappe.db.commit()
        else:
            frappe.db.rollback()
    print(file=sys.stderr)
    print(E.markdown(r))
    if a.compare:
        differ = compare(r, sqlite, lite_wl.truth["mails"])
        print(f"\nMails decided otherwise than in SQLite: {len(differ)}\n")
        for i, t, site_, lite in differ:
            print(f"- mail {i} ({t['kind']}/{t['variant']}): site {site_}, SQLite {lite}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(r, f, indent=1)
    frappe.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
