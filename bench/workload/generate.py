#!/usr/bin/env python3
"""Generates a front-desk workload with known ground truth: the records a site already holds,
the mail and calls that arrive over the following weeks, what the agents do meanwhile, and for
every mail and every duplicate group what the right answer is.

    python3 bench/workload/generate.py --seed 1 --out /tmp/wl            # 20,000 mails
    python3 bench/workload/generate.py --seed 1 --mails 500 --out /tmp/small

Same seed and sizes, same bytes. The files (all UTF-8):

  manifest.json   seed, sizes, start and end of the mail period, brands (domains, aliases,
                  company numbers, email accounts): what a site must be configured with
  records.jsonl   what the site holds before the first mail: Contacts, HD Tickets and CRM Leads
                  with their Communications, each with a `ref` and the `customer` it belongs to
  mail.mbox       the raw RFC 5322 mails, in arrival order (mboxrd)
  calls.jsonl     call event bodies, one JSON object per line (RingCentral call-log records,
                  Pabbly relays, telephony-session notifications)
  timeline.jsonl  everything in time order: {"at": epoch, "type": "mail", "mail": i, "account"},
                  {"type": "call", "line": j}, {"type": "agent_reply", "thread", "message_id",
                  "sender", "recipient", "subject"}, {"type": "status", "thread", "status"}
  truth.json      {"mails": [...], "groups": [...], "calls": [...]}: for mail i its thread,
                  customer, `expect` ("thread": belongs to the thread's record, "new": needs a
                  new record of `doctype`, "none": no record, e.g. automated or a redelivery),
                  `kind` and `variant`; for each duplicate group its doctype, customer and
                  member refs; for each call its customer and whether the site knows them.

evaluate.py routes it through the library and scores the result; see bench/README.md."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mails as M  # noqa: E402
from world import BRANDS, COUNTRIES, World, spell  # noqa: E402

START = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
REPLY_PREFIX = {"en": ["Re: ", "RE: "], "de": ["AW: ", "Re: "], "fr": ["RE: ", "Re : "],
                "es": ["RE: "], "it": ["R: ", "Re: "], "nl": ["Antw: ", "Re: "], "pt": ["RE: "],
                "sv": ["SV: "], "no": ["SV: "], "da": ["SV: "], "fi": ["VS: "], "pl": ["Odp: "]}
TEAMS = {"support": "HD Ticket", "sales": "CRM Lead", "info": "CRM Lead"}


def account(brand, team: str) -> str:
    return f"{brand.account} {team.capitalize()}"


@dataclasses.dataclass
class Thread:
    key: str
    customer: object
    brand: object
    team: str
    subject: str
    address: str                 # the customer's address in this conversation
    ids: list = dataclasses.field(default_factory=list)      # Message-IDs, oldest first
    last_agent: str = ""
    cc_alias: str = ""           # another team's alias copied on the first mail
    preloaded: str = ""          # ref of the record it continues
    order: str = ""
    product: str = ""

    @property
    def doctype(self) -> str:
        return TEAMS[self.team]

    @property
    def alias(self) -> str:
        return self.brand.alias(self.team)


class Generator:
    def __init__(self, seed: int, n_mails: int, n_records: int, n_calls: int, days: int = 42):
        self.rng = random.Random(seed)
        self.seed, self.n_mails, self.n_records, self.n_calls = seed, n_mails, n_records, n_calls
        self.end = START + days * DAY
        self.world = World(self.rng, max(40, int(n_records / 2.2)))
        self.records = []            # preload items
        self.events = []             # (time, order, dict) before numbering
        self.seq = 0
        self.threads = {}
        self.orders = 0
        self.groups = []
        self.phone_records = {}      # customer key -> refs of records with a phone
        self.open_tickets = {}       # customer key -> refs of open preloaded tickets
        self.ref_counter = 0
        self.n_added = 0             # mails added so far

    # ---- helpers -------------------------------------------------------------------------
    def ref(self, prefix: str) -> str:
        self.ref_counter += 1
        return f"{prefix}{self.ref_counter:06d}"

    def order_no(self) -> str:
        self.orders += 1
        return f"SO-{24000 + self.orders}"

    def event(self, at: dt.datetime, payload: dict):
        self.seq += 1
        self.events.append((at, self.seq, payload))

    def customer_domain(self, c) -> str:
        return c.emails[0].rsplit("@", 1)[1]

    def new_id(self, c) -> str:
        return M.message_id(self.rng, self.customer_domain(c))

    def agent_id(self, brand) -> str:
        token = "".join(self.rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(20))
        return f"{token}@{brand.domain}"

    def sender(self, c, address: str) -> tuple:
        return (c.display_name(self.rng), address)

    # ---- the records the site holds --------------------------------------------------------
    def preload(self):
        r, w = self.rng, self.world
        n = self.n_records
        customers = list(w.customers)
        colleagues = {c.key for group in w.colleague_groups for c in group}
        plain = [c for c in customers if c.key not in colleagues]
        r.shuffle(plain)
        contacts = {}

        def contact_of(c, at, phones=()):
            if c.key not in contacts:
                ref = self.ref("K")
                contacts[c.key] = ref
                self.records.append({
                    "ref": ref, "doctype": "Contact", "customer": c.key, "at": at.timestamp(),
                    "fields": {"first_name": c.first, "last_name": c.last, "full_name": c.name},
                    "emails": [c.emails[0]], "phones": list(phones)})
            return contacts[c.key]

        def when(recent_share=0.3):
            if r.random() < recent_share:
                return START - dt.timedelta(minutes=r.randrange(60, 30 * 24 * 60))
            return START - dt.timedelta(minutes=r.randrange(30 * 24 * 60, 365 * 24 * 60))

        def ticket(c, at, phone_text="", channel="email", status=None, brand=None, thread=True):
            brand = brand or c.brand
            age = (START - at).days
            if status is None:
                if age < 10:
                    status = r.choice(["Open", "Open", "Replied", "Replied", "Resolved"])
                elif age < 30:
                    status = r.choice(["Open", "Replied", "Resolved", "Resolved", "Closed"])
                else:
                    status = r.choice(["Resolved", "Closed", "Closed", "Closed", "Closed", "Open"])
            product = r.choice(brand.products)
            order = self.order_no()
            if channel == "phone":
                subject = f"Call from {c.name}"
            else:
                subject = M.fill(r, r.choice(M.SUPPORT_SUBJECTS), p=product, o=order)
            ref = self.ref("R")
            address = c.emails[0]
            fields = {"subject": subject, "raised_by": address if channel != "phone" or r.random() < 0.5 else "",
                      "status": status, "priority": r.choice(["Low", "Medium", "Medium", "High"]),
                      "email_account": account(brand, "support") if channel == "email" else "",
                      "via_customer_portal": 1 if channel == "portal" else 0}
            if phone_text:
                fields["contact_mobile"] = phone_text
            item = {"ref": ref, "doctype": "HD Ticket", "customer": c.key, "at": at.timestamp(),
                    "fields": fields, "channel": channel, "contact": contact_of(c, at),
                    "communications": []}
            closed_at = None
            if status in ("Resolved", "Closed"):
                closed_at = at + dt.timedelta(hours=r.randrange(4, 24 * 6))
                closed_at = min(closed_at, START - HOUR)
                item["closed_at"] = closed_at.timestamp()
            else:
                self.open_tickets.setdefault(c.key, []).append(ref)
            if channel == "email":
                self.conversation(item, c, brand, "support", subject, address, at, closed_at,
                                  thread, product, order)
            self.records.append(item)
            return ref

        def lead(c, at, phone_text="", field="mobile_no", channel="email", brand=None, thread=True,
                 status=None):
            brand = brand or c.brand
            ref = self.ref("R")
            team = r.choice(["sales", "sales", "info"])
            subject = M.fill(r, r.choice(M.SALES_SUBJECTS), p=r.choice(brand.products))
            fields = {"first_name": c.first, "last_name": c.last, "lead_name": c.name,
                      "email": c.emails[0] if channel != "phone" or r.random() < 0.6 else "",
                      "status": status or r.choice(["New", "New", "Contacted", "Nurture", "Qualified",
                                                    "Unqualified"]),
                      "source": {"email": "Email", "web": "Website", "phone": "Cold Calling",
                                 "fair": "Trade Show"}[channel]}
            if c.company:
                fields["organization"] = c.company
            if phone_text:
                fields[field] = phone_text
            item = {"ref": ref, "doctype": "CRM Lead", "customer": c.key, "at": at.timestamp(),
                    "fields": fields, "channel": channel, "communications": []}
            if channel == "email":
                self.conversation(item, c, brand, team, subject, c.emails[0], at, None, thread,
                                  "", "")
            self.records.append(item)
            return ref

        def phone_text(c, number=None, style=""):
            return spell(r, number or c.numbers[0], style)[0]

        budget = n
        # Duplicate ticket groups: one customer's request entered through several channels, the
        # number written differently each time; old ones are closed by now.
        n_ticket_groups = max(3, int(n * 0.035))
        n_lead_groups = max(3, int(n * 0.045))
        pick = iter(plain)
        for _ in range(n_ticket_groups):
            c = next(pick)
            size = r.choice([2, 2, 2, 3, 3])
            number = c.numbers[0]
            members = []
            with_ext = r.random() < 0.12
            first = when(0.35)
            for k in range(size):
                # the same request through several channels, within days of each other
                at = min(first + dt.timedelta(hours=r.randrange(0, 10 * 24)) if k else first, START - HOUR)
                nb = number.with_ext("22") if with_ext and k == 0 else number
                channel = r.choice(["phone", "email", "email", "portal"])
                # a duplicate nobody closed when the request was solved
                status = "Open" if k and r.random() < 0.4 else None
                members.append(ticket(c, at, phone_text(c, nb), channel, status=status,
                                      thread=channel == "email"))
            self.groups.append({"doctype": "HD Ticket", "customer": c.key, "members": members})
            self.phone_records.setdefault(c.key, []).extend(members)
            budget -= size
        for _ in range(n_lead_groups):
            c = next(pick)
            size = r.choice([2, 2, 2, 3, 3])
            members = []
            with_ext = r.random() < 0.1
            first = when(0.35)
            for k in range(size):
                at = min(first + dt.timedelta(hours=r.randrange(0, 20 * 24)) if k else first, START - HOUR)
                nb = c.numbers[0].with_ext("22") if with_ext and k == 0 else c.numbers[0]
                if len(c.numbers) > 1 and k == size - 1 and r.random() < 0.5:
                    nb = c.numbers[1]    # and once the other number, next to the first
                    text = phone_text(c)
                else:
                    text = ""
                channel = r.choice(["email", "web", "phone", "fair"])
                field = r.choice(["mobile_no", "mobile_no", "phone"])
                ref = lead(c, at, phone_text(c, nb), field, channel, thread=channel == "email")
                if text:   # the first number in the other field
                    self.records[-1]["fields"]["phone" if field == "mobile_no" else "mobile_no"] = text
                members.append(ref)
            self.groups.append({"doctype": "CRM Lead", "customer": c.key, "members": members})
            self.phone_records.setdefault(c.key, []).extend(members)
            budget -= size
        # Colleagues on one company line, each with an extension: different people.
        for group in self.world.colleague_groups:
            for c in group:
                at = when()
                if r.random() < 0.5:
                    ref = ticket(c, at, phone_text(c, c.numbers[0], "plus_spaced"), "phone", thread=False)
                else:
                    ref = lead(c, at, phone_text(c, c.numbers[0], "plus_spaced"), "phone", "phone",
                               thread=False)
                self.phone_records.setdefault(c.key, []).append(ref)
                budget -= 1
        # A hotel chain's front desk written on many guests' tickets: a shared number.
        desk = self.world.shared_desk
        for _ in range(25 if n >= 5000 else max(3, n // 200)):
            c = next(pick)
            ref = ticket(c, when(), phone_text(c, desk), "phone", status="Open", thread=False)
            self.phone_records.setdefault(c.key, []).append(ref)
            budget -= 1
        # Our own number typed into the customer's phone field by an agent.
        for _ in range(max(2, n // 2500)):
            c = next(pick)
            brand = c.brand
            ticket(c, when(), brand.numbers[0], "phone", status="Open", thread=False)
            budget -= 1
        # Records with one phone: tickets from calls, leads from forms and fairs.
        singles = int(budget * 0.3)
        for k in range(singles):
            c = next(pick)
            at = when()
            if k % 3 == 0:
                ref = ticket(c, at, phone_text(c), r.choice(["phone", "email"]))
            else:
                ref = lead(c, at, phone_text(c), r.choice(["mobile_no", "phone"]),
                           r.choice(["web", "fair", "email", "phone"]))
            self.phone_records.setdefault(c.key, []).append(ref)
            budget -= 1
        # The rest: mail without phone numbers, from returning and one-time customers.
        rest = [c for c in pick]
        regulars = customers[: max(10, len(customers) // 3)]
        while budget > 0:
            c = rest.pop() if rest else r.choice(regulars)
            at = when()
            if r.random() < 0.55:
                ticket(c, at)
            else:
                lead(c, at, status=r.choice(["New", "Contacted", "Qualified", "Unqualified", "Junk"]))
            budget -= 1
        # Contacts hold the customers' numbers too (Contact Phone rows), as agents enter them.
        phones_by_customer = {}
        for item in self.records:
            if item["doctype"] != "Contact":
                text = item["fields"].get("contact_mobile") or item["fields"].get("mobile_no")
                if text and item["customer"] in contacts:
                    phones_by_customer.setdefault(item["customer"], text)
        for item in self.records:
            if item["doctype"] == "Contact" and item["customer"] in phones_by_customer:
                if r.random() < 0.6:
                    item["phones"] = [phones_by_customer[item["customer"]]]
        # A contact exists from its customer's first ticket on.
        first_use = {}
        for item in self.records:
            if item.get("contact"):
                first_use[item["contact"]] = min(first_use.get(item["contact"], item["at"]), item["at"])
        for item in self.records:
            if item["doctype"] == "Contact" and item["ref"] in first_use:
                item["at"] = first_use[item["ref"]] - 60
        self.records.sort(key=lambda x: (x["at"], x["ref"]))

    def conversation(self, item, c, brand, team, subject, address, at, closed_at, thread, product, order):
        """The Communications of a preloaded record, and its thread when it may continue."""
        r = self.rng
        first = self.new_id(c)
        comms = [{"at": at.timestamp(), "sent_or_received": "Received", "message_id": first,
                  "sender": address, "sender_full_name": c.name, "recipients": brand.alias(team),
                  "subject": subject, "content": "(earlier mail)"}]
        last_agent = ""
        if r.random() < 0.85:
            last_agent = self.agent_id(brand)
            reply_at = at + dt.timedelta(minutes=r.randrange(30, 30 * 60))
            if closed_at and reply_at > closed_at:
                reply_at = closed_at - dt.timedelta(minutes=5)
            comms.append({"at": min(reply_at.timestamp(), (START - HOUR).timestamp()),
                          "sent_or_received": "Sent", "message_id": last_agent,
                          "sender": brand.alias(team), "recipients": address,
                          "subject": "Re: " + subject, "content": "(agent's answer)"})
        item["communications"] = comms
        if thread and at > START - 45 * DAY:
            key = f"T{len(self.threads):05d}"
            t = Thread(key, c, brand, team, subject, address, [m["message_id"] for m in comms],
                       last_agent, preloaded=item["ref"], product=product, order=order)
            self.threads[key] = t
            item["thread"] = key

    # ---- the conversations -----------------------------------------------------------------
    def customer_mail(self, t: Thread, at, subject, body, to=None, cc=None, irt="", refs=(),
                      address=None, no_id=False):
        c = t.customer
        mid = "" if no_id else self.new_id(c)
        return M.Mail(mid, self.sender(c, address or t.address), to or [t.alias], subject, at, body,
                      cc=list(cc or []), in_reply_to=irt, references=list(refs),
                      delivered_to=(to or [t.alias])[0], html=self.rng.random() < 0.3)

    def add_mail(self, at, mail: M.Mail, truth: dict, acct: str):
        if at >= self.end:
            return False
        self.event(at, {"type": "mail", "mail_obj": mail, "truth": truth, "account": acct})
        self.n_added += 1
        return True

    def new_thread(self, at, c=None, team=None, preload_ok=True):
        r = self.rng
        c = c or r.choice(self.world.customers)
        team = team or r.choice(["support"] * 6 + ["sales"] * 3 + ["info"])
        brand = c.other_brand if c.other_brand and r.random() < 0.3 else c.brand
        key = f"T{len(self.threads):05d}"
        product, order = r.choice(brand.products), self.order_no()
        if team == "support":
            pool = M.SUPPORT_SUBJECTS + M.SUPPORT_SUBJECTS_NATIVE.get(c.language, []) * 3
            subject = M.fill(r, r.choice(pool), p=product, o=order)
            ask = M.fill(r, r.choice(M.SUPPORT_ASKS), p=product, o=order)
        else:
            subject = M.fill(r, r.choice(M.SALES_SUBJECTS), p=product)
            ask = M.fill(r, r.choice(M.SALES_ASKS), p=product)
        address = c.emails[1] if len(c.emails) > 1 and r.random() < 0.3 else c.emails[0]
        t = Thread(key, c, brand, team, subject, address, product=product, order=order)
        self.threads[key] = t
        phone = spell(r, c.numbers[0])[0]
        body = M.fill(r, r.choice(M.BODIES), ask=ask, name=c.name, phone=phone)
        to = [t.alias]
        if r.random() < 0.02 and team == "support":
            to = [f"{brand.support}+orders@{brand.domain}"]
        cc = []
        if r.random() < 0.06:
            other = "sales" if team == "support" else "support"
            t.cc_alias = brand.alias(other)
            cc = [t.cc_alias]
        mail = self.customer_mail(t, at, subject, body, to=to, cc=cc, no_id=r.random() < 0.01)
        if not self.add_mail(at, mail, {"expect": "new", "kind": "new", "variant": "new",
                                        "thread": key, "customer": c.key, "doctype": t.doctype},
                             account(brand, team)):
            return None
        t.ids.append(mail.message_id)
        return t

    def play(self, t: Thread, at):
        """Agent replies, customer replies, automated answers and closures of one thread,
        starting at `at` (the time of its last customer mail)."""
        r = self.rng
        rounds, status, late_done = 0, "open", False
        while True:
            if status == "open":
                if r.random() < (0.9 if rounds == 0 else 0.7):       # the agent answers
                    at += dt.timedelta(minutes=r.randrange(40, 30 * 60))
                    if at >= self.end:
                        return
                    aid = self.agent_id(t.brand)
                    self.event(at, {"type": "agent_reply", "thread": t.key, "message_id": aid,
                                    "sender": t.alias, "recipient": t.address,
                                    "subject": "Re: " + t.subject})
                    t.ids.append(aid)
                    t.last_agent = aid
                    if r.random() < 0.07:
                        self.automated_answer(t, at + dt.timedelta(minutes=r.randrange(1, 20)))
                    if r.random() < 0.012:
                        self.bounce(t, at + dt.timedelta(minutes=r.randrange(1, 30)))
                if r.random() < [0.62, 0.45, 0.3, 0.2][min(rounds, 3)]:   # the customer writes
                    at += dt.timedelta(minutes=r.randrange(60, 4 * 24 * 60))
                    if at >= self.end:
                        return
                    self.reply(t, at)
                    rounds += 1
                    if t.team == "support" and r.random() < 0.04:
                        self.forward(t, at + dt.timedelta(hours=r.randrange(1, 48)))
                    if t.team == "support" and r.random() < 0.05:   # and wants to buy more
                        start = at + dt.timedelta(hours=r.randrange(1, 72))
                        nt = self.new_thread(start, t.customer, "sales")
                        if nt:
                            self.play(nt, start)
                    continue
                if t.team != "support" or r.random() > 0.78:
                    return
                at += dt.timedelta(hours=r.randrange(12, 5 * 24))   # solved: resolved, closed
                if at >= self.end:
                    return
                self.event(at, {"type": "status", "thread": t.key, "status": "Resolved"})
                status = "Resolved"
                if r.random() < 0.55:
                    closed = at + dt.timedelta(hours=r.randrange(5 * 24, 12 * 24))
                    if closed < self.end:
                        self.event(closed, {"type": "status", "thread": t.key, "status": "Closed"})
                        status, at = "Closed", closed
                continue
            # resolved or closed: now and then the customer writes again, days later
            if late_done or r.random() > 0.33:
                return
            late_done = True
            at += dt.timedelta(hours=r.randrange(12, 24 * 25))
            if at >= self.end:
                return
            self.reply(t, at)
            status = "open"
            rounds += 1

    def reply(self, t: Thread, at):
        r, c = self.rng, t.customer
        prefix = r.choice(REPLY_PREFIX.get(c.language, ["Re: "]))
        subject = prefix + t.subject
        more = M.fill(r, r.choice(M.REPLY_MORE), o=t.order or self.order_no())
        ask = M.fill(r, r.choice(M.REPLY_ASKS), more=more)
        body = f"{ask}\n\n{c.first}\n\n" + M.quoted("(our answer)", t.brand.name, at - DAY)
        target = t.last_agent or (t.ids[-1] if t.ids else "")
        variant = "in_reply_to"
        to, cc, address = [t.alias], [], None
        irt, refs = target, [i for i in t.ids if i][-10:]
        k = r.random()
        if k < 0.11 or not target:
            variant, irt, refs = "no_headers", "", []
        elif k < 0.18:
            variant, irt = "references_only", ""
        elif k < 0.22 and len(c.emails) > 1:
            variant = "other_address"
            address = c.emails[1] if t.address == c.emails[0] else c.emails[0]
        elif k < 0.27:
            variant = "cc_other_team"
            other = "sales" if t.team == "support" else "support"
            cc = [t.brand.alias(other)]
        elif k < 0.45 and t.cc_alias:
            variant = "to_alias_seen_in_thread"
            to, cc = [t.cc_alias], [t.alias]
        mail = self.customer_mail(t, at, subject, body, to=to, cc=cc, irt=irt, refs=refs,
                                  address=address)
        if self.add_mail(at, mail, {"expect": "thread", "kind": "reply", "variant": variant,
                                    "thread": t.key, "customer": c.key, "doctype": t.doctype},
                         account(t.brand, team_of(t.brand, to[0]) or t.team)):
            t.ids.append(mail.message_id)

    def forward(self, t: Thread, at):
        """The customer forwards their support conversation to sales: a new lead."""
        r, c = self.rng, t.customer
        key = f"T{len(self.threads):05d}"
        nt = Thread(key, c, t.brand, "sales", "Fwd: " + t.subject, t.address)
        self.threads[key] = nt
        body = ("Hello sales team,\n\nsupport suggested I ask you: could you quote for two more of "
                f"these?\n\n{c.name}\n\n---------- Forwarded message ---------\nSubject: {t.subject}\n")
        refs = [i for i in t.ids if i][-5:] if r.random() < 0.7 else []
        mail = self.customer_mail(nt, at, "Fwd: " + t.subject, body, to=[t.brand.alias("sales")],
                                  refs=refs)
        if self.add_mail(at, mail, {"expect": "new", "kind": "new", "variant": "forward_to_other_team",
                                    "thread": key, "customer": c.key, "doctype": "CRM Lead",
                                    "forwarded_from": t.key}, account(t.brand, "sales")):
            nt.ids.append(mail.message_id)

    def automated_answer(self, t: Thread, at):
        """The customer's mail system answers our agent: out of office, or an acknowledgement."""
        r, c = self.rng, t.customer
        with_headers = r.random() < 0.45
        subj, body, headers, label = M.auto_reply(r, c.auto_language, "Re: " + t.subject, at,
                                                  self.customer_domain(c), with_headers, t.address)
        irt = t.last_agent if r.random() < 0.75 else ""
        mail = self.customer_mail(t, at, subj, body, irt=irt, refs=[irt] if irt else [])
        mail.headers = headers
        mail.html = False
        variant = "headers" if with_headers else f"no_headers_{label}"
        self.add_mail(at, mail, {"expect": "none", "kind": "automated", "variant": variant,
                                 "thread": t.key, "customer": c.key, "doctype": t.doctype,
                                 "language": c.auto_language}, account(t.brand, t.team))

    def bounce(self, t: Thread, at):
        r, c = self.rng, t.customer
        recipient = t.address
        body, report = M.dsn(r, recipient, t.last_agent, "Re: " + t.subject, t.alias, at)
        domain = self.customer_domain(c)
        mail = M.Mail(M.message_id(r, "mx." + domain), ("Mail Delivery System", f"MAILER-DAEMON@mx.{domain}"),
                      [t.alias], M.bounce_subject(r, "Re: " + t.subject), at, body, report=report,
                      return_path="", delivered_to=t.alias)
        self.add_mail(at, mail, {"expect": "none", "kind": "automated", "variant": "bounce",
                                 "thread": t.key, "customer": c.key, "doctype": t.doctype},
                      account(t.brand, t.team))

    # ---- mail that belongs to no conversation ------------------------------------------------
    def standalone(self, at):
        r = self.rng
        brand = r.choice(BRANDS)
        k = r.random()
        if k < 0.30:
            address, name, subject, headers, reply_to = r.choice(M.SYSTEM_SENDERS)
            to = brand.alias(r.choice(["support", "info"]))
            subject = M.fill(r, subject, p=r.choice(brand.products), o=self.order_no())
            body = "This message was generated by our system.\n\nView details in your dashboard."
            variant = "mailing_list" if any(h[0] == "List-Id" or h[0] == "List-Unsubscribe" for h in headers) \
                else "system_sender"
            mail = M.Mail(M.message_id(r, address.split("@")[1]), (name, address), [to], subject, at,
                          body, headers=list(headers), reply_to=reply_to, delivered_to=to)
            return mail, {"expect": "none", "kind": "automated", "variant": variant}, account(brand, "support")
        if k < 0.55:
            # a customer's auto-reply to our newsletter: answers a mail no record holds
            c = r.choice(self.world.customers)
            with_headers = r.random() < 0.4
            subj, body, headers, label = M.auto_reply(r, c.auto_language, f"{brand.name} spring offers",
                                                      at, self.customer_domain(c), with_headers, c.emails[0])
            to = brand.alias(r.choice(["sales", "info"]))
            mail = M.Mail(self.new_id(c), self.sender(c, c.emails[0]), [to], subj, at, body,
                          in_reply_to=self.agent_id(brand), headers=headers, delivered_to=to)
            variant = "headers" if with_headers else f"no_headers_{label}"
            return mail, {"expect": "none", "kind": "automated", "variant": variant, "customer": c.key,
                          "language": c.auto_language}, account(brand, "sales")
        if k < 0.70:
            # a delivery report for our newsletter
            c = r.choice(self.world.customers)
            our = self.agent_id(brand)
            body, report = M.dsn(r, c.emails[0], our, f"{brand.name} spring offers", brand.alias("info"), at)
            domain = self.customer_domain(c)
            plain = r.random() < 0.15
            sender = (("Microsoft Outlook", f"MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@{domain}")
                      if plain else ("Mail Delivery System", f"MAILER-DAEMON@mx.{domain}"))
            subject = f"Undeliverable: {brand.name} spring offers" if plain else M.bounce_subject(r, "spring offers")
            mail = M.Mail(M.message_id(r, "mx." + domain), sender, [brand.alias("info")], subject, at,
                          body, report=None if plain else report, return_path="" if not plain else None,
                          delivered_to=brand.alias("info"))
            return mail, {"expect": "none", "kind": "automated",
                          "variant": "bounce_no_report" if plain else "bounce"}, account(brand, "info")
        if k < 0.93:
            # staff writing to their own aliases: notes, internal forwards
            who = r.choice(brand.staff)
            to = brand.alias(r.choice(["support", "sales", "info"]))
            subject = r.choice(["Fwd: customer called about delivery", "Shift handover", "Please check stock",
                                "Fwd: Re: Order question", "Holiday rota"])
            mail = M.Mail(M.message_id(r, brand.domain), (who.replace(".", " ").title(), f"{who}@{brand.domain}"),
                          [to], subject, at, "FYI, see below.\n\n" + who, delivered_to=to)
            return mail, {"expect": "none", "kind": "staff", "variant": "staff"}, account(brand, "support")
        # a web form: sent by a form service or the brand's own WordPress site, the customer in
        # Reply-To; some forms do not repeat the address in their text
        c = r.choice(self.world.customers)
        key = f"T{len(self.threads):05d}"
        t = Thread(key, c, brand, "info", "New enquiry from the website", c.emails[0])
        self.threads[key] = t
        to = brand.alias("info")
        n = len(self.threads)
        phone = spell(r, c.numbers[0])[0]
        body = (f"Name: {c.name}\n" + ("" if n % 4 == 0 else f"Email: {c.emails[0]}\n") + f"Phone: {phone}\n"
                f"Message: {M.fill(r, r.choice(M.SALES_ASKS), p=r.choice(brand.products))}")
        service = ("WordPress", f"wordpress@{brand.domain}") if n % 3 == 0 else ("Website", "noreply@forms.example")
        mail = M.Mail(M.message_id(r, service[1].split("@")[1]), service, [to],
                      "New enquiry from the website", at, body, reply_to=c.emails[0], delivered_to=to)
        return mail, {"expect": "new", "kind": "new", "variant": "web_form", "thread": key,
                      "customer": c.key, "doctype": "CRM Lead"}, account(brand, "info")

    # ---- putting it together -------------------------------------------------------------------
    def stream(self):
        r = self.rng
        span = (self.end - START).total_seconds()
        n_redeliver = round(self.n_mails * 0.03)
        n_standalone = round(self.n_mails * 0.10)
        thread_target = self.n_mails - n_redeliver - n_standalone
        # preloaded conversations continue: most open ones, a third of the closed ones
        closed = {x["thread"] for x in self.records if x.get("thread") and "closed_at" in x}
        for t in list(self.threads.values()):
            if r.random() < (0.35 if t.key in closed else 0.85):
                at = START + dt.timedelta(seconds=r.uniform(0, span * 0.5))
                self.play_preloaded(t, at)
        while self.n_added < thread_target:
            at = START + dt.timedelta(seconds=r.uniform(0, span * 0.97))
            t = self.new_thread(at)
            if t:
                self.play(t, at)
        for _ in range(max(0, n_standalone - (self.n_added - thread_target))):
            at = START + dt.timedelta(seconds=r.uniform(0, span))
            mail, truth, acct = self.standalone(at)
            self.add_mail(at, mail, truth, acct)
        # Exactly n_mails - n_redeliver: the newest go, with everything after the last kept mail.
        mails = sorted((e for e in self.events if e[2]["type"] == "mail"), key=lambda e: (e[0], e[1]))
        mails = mails[: self.n_mails - n_redeliver]
        cutoff = mails[-1][0]
        kept = {e[1] for e in mails}
        self.events = [e for e in self.events
                       if (e[1] in kept) or (e[2]["type"] != "mail" and e[0] <= cutoff)]
        self.end = cutoff + dt.timedelta(seconds=1)
        # Redeliveries: the same bytes again, or the same Message-ID through a second mailbox.
        for _ in range(n_redeliver):
            at0, seq0, original = r.choice(mails)
            at = min(at0 + dt.timedelta(minutes=r.randrange(1, 3 * 24 * 60)), cutoff)
            other = original["account"]
            if original["mail_obj"].message_id and r.random() < 0.3:
                other = r.choice([account(b, team) for b in BRANDS for team in ("support", "sales")])
            self.event(at, {"type": "mail", "mail_obj": original["mail_obj"], "account": other,
                            "truth": {"expect": "none", "kind": "redelivery", "variant": "redelivery",
                                      "of_seq": seq0, "thread": original["truth"].get("thread"),
                                      "customer": original["truth"].get("customer")}})

    def play_preloaded(self, t: Thread, at):
        self.reply(t, at)
        self.play(t, at)

    def calls(self):
        r, w = self.rng, self.world
        span = (self.end - START).total_seconds()
        known = [c for c in w.customers if c.key in self.phone_records]
        colleagues = [c for g in w.colleague_groups for c in g]
        lines, truth = 0, []
        n = 0
        while lines < self.n_calls:
            at = START + dt.timedelta(seconds=r.uniform(0, span))
            k = r.random()
            if k < 0.62 and known:
                c, kind = r.choice(known), "known"
            elif k < 0.66 and colleagues:
                c, kind = r.choice(colleagues), "company_line"
            else:
                c = r.choice(w.customers)
                kind = "known" if c.key in self.phone_records else "other"
            inbound = r.random() < 0.85
            answered = r.random() < (0.8 if inbound else 0.6)
            shape = r.choice(["call_log"] * 11 + ["relay"] * 6 + ["telephony"] * 3)
            if self.n_calls - lines < 2 and shape == "telephony":
                shape = "call_log"
            number = r.choice(c.numbers)
            caller_id = number.e164         # what the phone network shows: no extension
            if shape == "relay" and r.random() < 0.35:
                caller_id = spell(r, dataclasses.replace(number, ext=""))[0]
            company = r.choice(c.brand.numbers)
            call_id = f"CL{self.seed:x}{n:06d}"
            n += 1
            bodies = M.call_payloads(r, call_id, at, caller_id, c.name, company, inbound, answered, shape)
            for b in bodies:
                self.seq += 1
                self.events.append((at, self.seq, {"type": "call", "body": b, "call": call_id}))
                lines += 1
            truth.append({"call": call_id, "customer": c.key, "kind": kind, "inbound": inbound,
                          "answered": answered, "shape": shape, "number": number.e164})
        return truth

    def run(self, out: str):
        self.preload()
        self.stream()
        call_truth = self.calls()
        self.events.sort(key=lambda e: (e[0], e[1]))
        os.makedirs(out, exist_ok=True)
        seq_to_mail = {}
        truth_mails, timeline = [], []
        with open(os.path.join(out, "mail.mbox"), "wb") as mbox, \
                open(os.path.join(out, "calls.jsonl"), "w", encoding="utf-8") as calls:
            call_line = 0
            for at, seq, e in self.events:
                if e["type"] == "mail":
                    m = e["mail_obj"]
                    i = len(truth_mails)
                    seq_to_mail[seq] = i
                    raw = M.render(m)
                    mbox.write(M.mbox_entry(raw, m.sender[1], at))
                    tr = dict(e["truth"])
                    if "of_seq" in tr:
                        tr["of"] = seq_to_mail[tr.pop("of_seq")]
                    tr = {"mail": i, "message_id": m.message_id, **tr}
                    truth_mails.append(tr)
                    timeline.append({"at": at.timestamp(), "type": "mail", "mail": i, "account": e["account"]})
                elif e["type"] == "call":
                    calls.write(M.dumps(e["body"]) + "\n")
                    timeline.append({"at": at.timestamp(), "type": "call", "line": call_line, "call": e["call"]})
                    call_line += 1
                else:
                    timeline.append({"at": at.timestamp(), **e})
        label_open_tickets(truth_mails, timeline, self)
        with open(os.path.join(out, "timeline.jsonl"), "w", encoding="utf-8") as f:
            for item in timeline:
                f.write(M.dumps(item) + "\n")
        with open(os.path.join(out, "records.jsonl"), "w", encoding="utf-8") as f:
            for item in self.records:
                f.write(M.dumps(item) + "\n")
        with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
            json.dump({"mails": truth_mails, "groups": self.groups, "calls": call_truth}, f,
                      ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        manifest = {
            "seed": self.seed, "mails": len(truth_mails), "records": sum(
                1 for x in self.records if x["doctype"] != "Contact"),
            "contacts": sum(1 for x in self.records if x["doctype"] == "Contact"),
            "calls": sum(1 for t in timeline if t["type"] == "call"), "call_count": len(call_truth),
            "start": START.timestamp(), "end": self.end.timestamp(), "region": "US",
            # The countries customers abroad write national numbers from, most customers first.
            "fallback_regions": [c for c, _ in sorted(COUNTRIES, key=lambda cw: -cw[1])
                                 if c not in ("US", "CA")],
            "brands": [{"name": b.name, "domain": b.domain, "support": [b.alias("support")],
                        "sales": [b.alias("sales")], "info": [b.alias("info")], "numbers": b.numbers,
                        "accounts": [account(b, t) for t in ("support", "sales", "info")]}
                       for b in BRANDS]}
        with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
            f.write("\n")
        return manifest


def team_of(brand, address: str) -> str:
    for team in ("support", "sales", "info"):
        if address == brand.alias(team):
            return team
    return ""


def label_open_tickets(truth_mails, timeline, gen: Generator):
    """Marks new mail from customers who had an open ticket at the time, and replies that
    reached a thread whose ticket was resolved or closed, by replaying statuses in time order."""
    status = {}                                  # thread -> open / Resolved / Closed
    open_by_customer = {k: set(v) for k, v in gen.open_tickets.items()}
    thread_ticket = {}
    for item in gen.records:
        if item.get("thread"):
            t = gen.threads[item["thread"]]
            st = item["fields"].get("status", "Open") if item["doctype"] == "HD Ticket" else "Open"
            status[t.key] = "open" if st in ("Open", "Replied") else st
            if item["doctype"] == "HD Ticket":
                thread_ticket[t.key] = item["ref"]
    for ev in timeline:
        if ev["type"] == "status":
            status[ev["thread"]] = ev["status"]
            t = gen.threads[ev["thread"]]
            open_by_customer.get(t.customer.key, set()).discard(thread_ticket.get(t.key, t.key))
        elif ev["type"] == "mail":
            tr = truth_mails[ev["mail"]]
            key, cust = tr.get("thread"), tr.get("customer")
            if tr["kind"] == "new":
                has_open = bool(open_by_customer.get(cust))
                if has_open and tr["variant"] == "new":
                    tr["variant"] = "new_while_ticket_open" if tr["doctype"] == "HD Ticket" \
                        else "sales_while_ticket_open"
                status[key] = "open"
                if tr["doctype"] == "HD Ticket":
                    open_by_customer.setdefault(cust, set()).add(thread_ticket.setdefault(key, key))
            elif tr["kind"] == "reply":
                st = status.get(key, "open")
                if st in ("Resolved", "Closed"):
                    tr["variant"] = f"after_{st.lower()}" + ("" if tr["variant"] in ("in_reply_to",) else
                                                              "_" + tr["variant"])
                    tr["closed"] = st
                status[key] = "open"
                if tr["doctype"] == "HD Ticket":
                    open_by_customer.setdefault(cust, set()).add(thread_ticket.setdefault(key, key))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mails", type=int, default=20000)
    ap.add_argument("--records", type=int, default=None, help="default: as many as mails")
    ap.add_argument("--calls", type=int, default=None, help="default: a quarter of the mails")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    records = a.records if a.records is not None else a.mails
    calls = a.calls if a.calls is not None else a.mails // 4
    m = Generator(a.seed, a.mails, records, calls).run(a.out)
    print(f"{m['mails']} mails, {m['records']} records ({m['contacts']} contacts), "
          f"{m['calls']} call events -> {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
