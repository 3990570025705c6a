"""Raw RFC 5322 mails and call payloads of a generated workload: customers' mail as their
clients write it, auto-replies and out-of-office notices in twelve languages (with and without
the headers that announce them), delivery reports, newsletters, system notifications, and
RingCentral / Pabbly call events."""
from __future__ import annotations

import dataclasses
import datetime as dt
import email.header
import email.utils
import json
import random

# ---- the mail itself -------------------------------------------------------------------------


@dataclasses.dataclass
class Mail:
    message_id: str                  # without brackets; "" = the mail carries no Message-ID
    sender: tuple                    # (display name, address)
    to: list                         # addresses or (name, address)
    subject: str
    date: dt.datetime
    body: str
    cc: list = dataclasses.field(default_factory=list)
    in_reply_to: str = ""
    references: list = dataclasses.field(default_factory=list)
    reply_to: str = ""
    headers: list = dataclasses.field(default_factory=list)   # extra (name, value)
    delivered_to: str = ""
    return_path: str | None = None   # None: the sender's address
    report: tuple | None = None      # (delivery-status text, original headers text): a DSN
    html: bool = False


def _addr(a) -> str:
    if isinstance(a, tuple):
        name, address = a
        return email.utils.formataddr((name, address), charset="utf-8") if name else address
    return a


def _subject(s: str) -> str:
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return email.header.Header(s, "utf-8").encode(maxlinelen=76, linesep="\n")


def render(m: Mail) -> bytes:
    """The mail as bytes (LF line ends, UTF-8 8bit bodies, RFC 2047 encoded headers)."""
    h = []
    rp = m.sender[1] if m.return_path is None else m.return_path
    h.append(f"Return-Path: <{rp}>")
    if m.delivered_to:
        h.append(f"Delivered-To: {m.delivered_to}")
    stamp = email.utils.format_datetime(m.date)
    h.append(f"Received: from mx.{m.sender[1].rsplit('@', 1)[-1]} (mx [192.0.2.25])\n"
             f"\tby mail.switchboard.example with ESMTPS; {stamp}")
    if m.message_id:
        h.append(f"Message-ID: <{m.message_id}>")
    h.append(f"Date: {stamp}")
    h.append(f"From: {_addr(m.sender)}")
    h.append("To: " + ", ".join(_addr(a) for a in m.to))
    if m.cc:
        h.append("Cc: " + ", ".join(_addr(a) for a in m.cc))
    if m.reply_to:
        h.append(f"Reply-To: {m.reply_to}")
    h.append(f"Subject: {_subject(m.subject)}")
    if m.in_reply_to:
        h.append(f"In-Reply-To: <{m.in_reply_to}>")
    if m.references:
        refs = [f"<{r}>" for r in m.references]
        lines, line = [], "References:"
        for r in refs:
            if len(line) + len(r) + 1 > 76 and line != "References:":
                lines.append(line)
                line = " "
            line += " " + r if line.strip() else r
        lines.append(line)
        h.append("\n".join(lines))
    for name, value in m.headers:
        h.append(f"{name}: {value}")
    h.append("MIME-Version: 1.0")
    if m.report:
        status, original = m.report
        boundary = f"=_report_{abs(hash_text(m.message_id or stamp)):x}"
        h.append(f'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"')
        body = (f"This is a MIME-encapsulated message.\n\n--{boundary}\n"
                "Content-Type: text/plain; charset=us-ascii\n\n"
                f"{m.body}\n\n--{boundary}\nContent-Type: message/delivery-status\n\n{status}\n\n"
                f"--{boundary}\nContent-Type: text/rfc822-headers\n\n{original}\n\n--{boundary}--\n")
    elif m.html:
        boundary = f"=_alt_{abs(hash_text(m.message_id or stamp)):x}"
        h.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        html = "".join(f"<p>{p}</p>" for p in m.body.split("\n\n"))
        body = (f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
                f"Content-Transfer-Encoding: 8bit\n\n{m.body}\n\n--{boundary}\n"
                f"Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                f"<html><body>{html}</body></html>\n\n--{boundary}--\n")
    else:
        h.append("Content-Type: text/plain; charset=utf-8")
        h.append("Content-Transfer-Encoding: 8bit")
        body = m.body + "\n"
    return ("\n".join(h) + "\n\n" + body).encode("utf-8")


def hash_text(s: str) -> int:
    """A stable hash (Python's hash() of str changes per process)."""
    v = 1469598103934665603
    for ch in s.encode("utf-8"):
        v = ((v ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return v


def mbox_entry(raw: bytes, sender: str, when: dt.datetime) -> bytes:
    """One mbox (mboxrd) entry: the From_ line, the mail with From_-looking lines quoted."""
    lines = raw.split(b"\n")
    quoted = [b">" + l if l.lstrip(b">").startswith(b"From ") else l for l in lines]
    head = f"From {sender or 'MAILER-DAEMON'} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
    return head.encode() + b"\n".join(quoted).rstrip(b"\n") + b"\n\n"


def message_id(rng: random.Random, domain: str) -> str:
    shape = rng.randrange(4)
    token = "".join(rng.choice("0123456789abcdef") for _ in range(24))
    if shape == 0:
        return f"CA+{token[:16].upper()}{token[16:]}@mail.{domain}"
    if shape == 1:
        return f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:]}@{domain}"
    if shape == 2:
        return f"{token}.fsf@{domain}"
    return f"{int(token[:10], 16)}.{token[10:]}@smtp.{domain}"


# ---- what people write -----------------------------------------------------------------------

SUPPORT_SUBJECTS = [
    "Zipper broken on my {p}", "Order {o} has not arrived", "Question about {p} sizes",
    "Return request for order {o}", "Colour fading on {p}", "Wrong colour delivered ({o})",
    "Invoice for order {o}", "Missing parts in order {o}", "{p} arrived damaged",
    "How do I clean the {p}?", "Change delivery address for {o}", "Warranty claim - {p}",
    "Refund still not received for {o}", "Tracking number for {o}?",
    # Human subjects that look like automated ones: must not be taken for auto-replies.
    "Automatic umbrella won't open", "Auto seat cushion order", "Automated invoice question",
    "Out of stock {p}?", "Away from home - delivery instructions for {o}",
    "Vacation home order {o}", "Auto parts order {o} - wrong cushion", "Office chair {p}",
]
SUPPORT_SUBJECTS_NATIVE = {
    "de": ["Reißverschluss am {p} kaputt", "Bestellung {o} nicht angekommen",
           "Rückgabe der Bestellung {o}", "Frage zur Größe"],
    "fr": ["Fermeture éclair cassée", "Commande {o} non reçue", "Retour de la commande {o}",
           "Question sur les dimensions"],
}
SALES_SUBJECTS = [
    "Quote for {n} {p}s", "Wholesale pricing", "Do you ship to {c}?", "Custom size {p}",
    "Bulk order for our hotel", "Trade account", "Price list 2025", "Samples of {p} fabric",
    "Partnership inquiry", "Question before I buy a {p}", "Availability of {p}",
]
BODIES = [
    "Hello,\n\n{ask}\n\nThanks,\n{name}",
    "Hi there,\n\n{ask}\n\nBest regards,\n{name}",
    "{ask}\n\n{name}",
    "Dear team,\n\n{ask}\n\nKind regards,\n{name}\n{phone}",
    "Good morning,\n\n{ask} Please call me if that is easier.\n\nThank you,\n{name}\nTel. {phone}",
]
SUPPORT_ASKS = [
    "The zipper on my {p} broke after two weeks. Can you send a replacement?",
    "My order {o} was due last week and has still not arrived.",
    "I received the wrong colour. Could you exchange it?",
    "Could you tell me how to wash the covers without shrinking them?",
    "I would like to return order {o}; it does not fit our chairs.",
    "The {p} arrived with a tear in the fabric. Photos attached.",
    "I'm away until Monday, so please deliver order {o} on Tuesday or later.",
    "Out of office furniture season already? My order {o} is still open.",
]
SALES_ASKS = [
    "We are furnishing a hotel terrace and need {n} {p}s. What would the price be?",
    "Do you offer trade discounts for landscapers?",
    "Could you send samples of your outdoor fabrics?",
    "Can you make a {p} in a custom size (120 x 45 cm)?",
    "Do you ship to {c}, and how long does it take?",
]
REPLY_ASKS = [
    "Thanks for getting back to me. {more}",
    "Thank you. {more}",
    "{more}",
    "Sorry, one more thing: {more}",
]
REPLY_MORE = [
    "The replacement has not arrived yet.", "Here is the photo you asked for.",
    "Yes, the order number is {o}.", "That works for me, please go ahead.",
    "It still does not work after trying that.", "Could you send the return label again?",
    "I have not received the refund yet.", "Please change the colour to navy.",
]


def fill(rng: random.Random, template: str, **kw) -> str:
    values = dict(p=kw.get("p", "cushion"), o=kw.get("o", "SO-00000"), n=rng.choice([12, 20, 40, 150]),
                  c=rng.choice(["Canada", "Ireland", "Norway", "Australia"]), name=kw.get("name", ""),
                  phone=kw.get("phone", ""), ask=kw.get("ask", ""), more=kw.get("more", ""))
    return template.format(**values)


def quoted(text: str, who: str, when: dt.datetime) -> str:
    head = f"On {when.strftime('%a, %d %b %Y at %H:%M')}, {who} wrote:"
    return head + "\n" + "\n".join("> " + l for l in text.splitlines()[:8])


# ---- auto-replies ----------------------------------------------------------------------------

# Subject labels mail systems put in front of the original subject, per language.
AUTO_SUBJECTS = {
    "en": ["Automatic reply: {s}", "Out of Office: {s}", "Out of Office AutoReply: {s}",
           "Auto: {s}", "Autoreply: {s}", "Auto-Reply: {s}", "Auto Response: {s}",
           "I'm away until {day}", "Out of office until {date}", "[Auto-Reply] {s}"],
    "de": ["Automatische Antwort: {s}", "Abwesenheitsnotiz: {s}", "Abwesend: {s}",
           "Automatische Antwort: Abwesend bis {date}"],
    "fr": ["Réponse automatique : {s}", "Réponse automatique: {s}", "Absence du bureau : {s}",
           "Absent jusqu'au {date}"],
    "es": ["Respuesta automática: {s}", "Fuera de la oficina: {s}"],
    "it": ["Risposta automatica: {s}", "Fuori sede: {s}", "Fuori ufficio: {s}"],
    "nl": ["Automatisch antwoord: {s}", "Afwezig: {s}", "Niet aanwezig: {s}"],
    "pt": ["Resposta automática: {s}", "Ausência temporária: {s}", "Fora do escritório: {s}"],
    "sv": ["Autosvar: {s}", "Frånvaro: {s}", "Automatiskt svar: {s}"],
    "no": ["Automatisk svar: {s}", "Fravær: {s}", "Autosvar: {s}"],
    "da": ["Automatisk svar: {s}", "Fraværende: {s}", "Autosvar: {s}"],
    "fi": ["Automaattinen vastaus: {s}", "Poissa: {s}", "Lomaviesti: {s}"],
    "pl": ["Odpowiedź automatyczna: {s}", "Automatyczna odpowiedź: {s}", "Nieobecność: {s}",
           "Poza biurem: {s}"],
}
# What out-of-office notices say.
AUTO_BODIES = {
    "en": ["Thank you for your email. I am out of the office until {date} with limited access "
           "to email. I will respond to your message when I return.",
           "Hello,\n\nI'm away until {day} and will reply when I'm back. For urgent matters "
           "please contact my colleague at office@{dom}.",
           "I am currently on annual leave, returning on {date}. I will get back to you upon "
           "my return."],
    "de": ["Vielen Dank für Ihre Nachricht. Ich bin bis zum {date} nicht im Büro und habe nur "
           "eingeschränkten Zugriff auf meine E-Mails. Nach meiner Rückkehr melde ich mich.",
           "Guten Tag,\n\nich bin bis einschließlich {date} im Urlaub. In dringenden Fällen "
           "wenden Sie sich bitte an office@{dom}."],
    "fr": ["Bonjour,\n\nJe suis absent(e) du bureau jusqu'au {date}. Je répondrai à votre "
           "message dès mon retour. Pour toute urgence, contactez office@{dom}."],
    "es": ["Gracias por su mensaje. Estoy fuera de la oficina hasta el {date}. Responderé a su "
           "correo a mi regreso."],
    "it": ["Grazie per il messaggio. Sono fuori ufficio fino al {date}. Risponderò al mio "
           "rientro. Per urgenze scrivere a office@{dom}."],
    "nl": ["Bedankt voor uw bericht. Ik ben afwezig tot en met {date}. Na mijn terugkomst zal "
           "ik uw e-mail beantwoorden. Voor dringende zaken kunt u mailen naar office@{dom}."],
    "pt": ["Obrigado pela sua mensagem. Estou ausente do escritório até {date}. Responderei "
           "assim que regressar."],
    "sv": ["Tack för ditt mejl. Jag är på semester till och med {date}. Jag svarar när jag är "
           "tillbaka. I brådskande ärenden, kontakta office@{dom}."],
    "no": ["Takk for din e-post. Jeg er på ferie til {date}. Jeg svarer når jeg er tilbake."],
    "da": ["Tak for din mail. Jeg er på ferie til og med {date}. Jeg svarer, når jeg er "
           "tilbage. I hastende tilfælde kontakt office@{dom}."],
    "fi": ["Kiitos viestistäsi. Olen lomalla {date} asti. Vastaan viestiisi palattuani."],
    "pl": ["Dziękuję za wiadomość. Jestem na urlopie do {date}. Odpowiem po powrocie. W pilnych "
           "sprawach proszę pisać na office@{dom}."],
}
# What ticket systems of customers' companies answer ("we received your request").
ACK_BODIES = {
    "en": "This is an automated response. We have received your message and will get back to "
          "you within two working days. Your reference is #{ref}.",
    "de": "Dies ist eine automatische Antwort. Wir haben Ihre Nachricht erhalten und melden uns "
          "innerhalb von zwei Werktagen. Ihre Referenz: #{ref}.",
    "fr": "Ceci est une réponse automatique. Nous avons bien reçu votre message (référence "
          "#{ref}).",
}

AUTO_HEADER_SETS = [
    [("Auto-Submitted", "auto-replied")],
    [("Auto-Submitted", "auto-replied (vacation)")],
    [("X-Autoreply", "yes")],
    [("Precedence", "auto_reply")],
    [("X-Auto-Response-Suppress", "All"), ("X-MS-Exchange-Inbox-Rules-Loop", "{addr}")],
    [("Auto-Submitted", "auto-generated"), ("X-Autorespond", "1")],
]


def auto_reply(rng: random.Random, language: str, subject: str, when: dt.datetime, domain: str,
               with_headers: bool, addr: str) -> tuple:
    """(subject, body, headers, label) of an out-of-office / auto-reply notice."""
    back = when + dt.timedelta(days=rng.randrange(2, 15))
    date = back.strftime("%d.%m.%Y") if language not in ("en",) else back.strftime("%d %B %Y")
    day = back.strftime("%A")
    body = rng.choice(AUTO_BODIES[language]).format(date=date, day=day, dom=domain)
    if rng.random() < 0.2 and language in ACK_BODIES:
        body = ACK_BODIES[language].format(ref=rng.randrange(10000, 99999))
    # Most notices prefix a label; some keep the original subject ("Re: ...") and only the body
    # tells, which is the hardest case without headers.
    if rng.random() < 0.8:
        template = rng.choice(AUTO_SUBJECTS[language])
        label = "subject"
    else:
        template = "Re: {s}" if rng.random() < 0.7 else "{s}"
        label = "body"
    subj = template.format(s=subject, date=date, day=day)
    headers = []
    if with_headers:
        headers = [(n, v.format(addr=addr)) for n, v in rng.choice(AUTO_HEADER_SETS)]
    return subj, body, headers, label


# ---- bounces, lists, system mail -------------------------------------------------------------


def dsn(rng: random.Random, recipient: str, original_id: str, original_subject: str,
        our_address: str, when: dt.datetime) -> tuple:
    """(body, report) of a delivery status notification for our mail to `recipient`."""
    code = rng.choice(["5.1.1", "5.2.2", "4.4.1", "5.7.1"])
    body = ("This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you "
            "that your message could not be delivered to one or more recipients.\n\n"
            f"<{recipient}>: host mx said: {code} mailbox unavailable")
    status = (f"Reporting-MTA: dns; mx.example.net\nArrival-Date: {email.utils.format_datetime(when)}"
              f"\n\nFinal-Recipient: rfc822; {recipient}\nAction: failed\nStatus: {code}\n"
              f"Diagnostic-Code: smtp; 550 {code} mailbox unavailable")
    original = (f"From: {our_address}\nTo: {recipient}\nSubject: {original_subject}\n"
                f"Message-ID: <{original_id}>\nDate: {email.utils.format_datetime(when)}")
    return body, (status, original)


SYSTEM_SENDERS = [
    # (address, name, subject, headers, Reply-To): automated senders a support inbox receives;
    # some notifications name a mailbox of their own organisation or a team's in Reply-To
    ("noreply@payments.example", "Payments", "Payout {o} completed", [], "Payments Support <support@payments.example>"),
    ("no-reply@marketplace.example", "Marketplace", "New review for {p}", [("Auto-Submitted", "auto-generated")], ""),
    ("notifications@shipping.example", "Shipping", "Shipment {o} delivered", [],
     "customer.service@shipping-help.example"),
    ("donotreply@carrier.example", "Carrier", "Delivery exception for {o}", [], "claims.team@eu.carrier.example"),
    ("alerts@monitoring.example", "Monitoring", "Disk usage above 80% on shop", [], ""),
    ("notifications@reviews.example", "Reviews", "You have a new 5-star review", [], ""),
    ("autoresponder@supplier-b.example", "Supplier B", "Thanks for your order", [], ""),
    ("auto-reply@fabric-mill.example", "Fabric Mill", "Re: Order of outdoor fabric", [], ""),
    ("newsletter@trade-news.example", "Trade News", "This week in outdoor living",
     [("List-Id", "<weekly.trade-news.example>"), ("List-Unsubscribe", "<mailto:unsub@trade-news.example>"),
      ("Precedence", "bulk")], "editor@trade-news.example"),
    ("news@garden-expo.example", "Garden Expo", "Garden Expo 2025: early bird tickets",
     [("List-Unsubscribe", "<https://garden-expo.example/unsub>")], ""),
]


def bounce_subject(rng: random.Random, subject: str) -> str:
    return rng.choice(["Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
                       f"Undeliverable: {subject}", "Mail delivery failed: returning message to sender",
                       f"Unzustellbar: {subject}"])


# ---- calls -----------------------------------------------------------------------------------


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def call_payloads(rng: random.Random, call_id: str, when: dt.datetime, customer_number: str,
                  customer_name: str, company_number: str, inbound: bool, answered: bool,
                  shape: str) -> list:
    """The JSON bodies one call produces: a RingCentral call-log record, a Pabbly relay, or
    telephony-session notifications (two, the later one carrying the end)."""
    caller, callee = (customer_number, company_number) if inbound else (company_number, customer_number)
    direction = "Inbound" if inbound else "Outbound"
    duration = rng.randrange(30, 900) if answered else 0
    result = "Call connected" if answered else rng.choice(["Missed", "No Answer", "Voicemail"])
    if shape == "call_log":
        body = {"uri": f"https://platform.ringcentral.com/restapi/v1.0/account/~/call-log/{call_id}",
                "id": call_id, "sessionId": str(int(hash_text(call_id) % 10**11)),
                "telephonySessionId": f"s-{hash_text('t' + call_id):016x}", "startTime": iso(when),
                "duration": duration, "type": "Voice", "direction": direction, "action": "Phone Call",
                "result": result,
                "from": {"phoneNumber": caller, **({"name": customer_name} if inbound else {})},
                "to": {"phoneNumber": callee, **({} if inbound else {"name": customer_name})}}
        return [body]
    if shape == "relay":
        return [{"call_id": call_id, "direction": direction, "from_number": caller,
                 "from_name": customer_name if inbound else "Front desk", "to_number": callee,
                 "start_time": iso(when), "duration": duration, "result": result}]
    session = f"s-{hash_text('t' + call_id):016x}"
    out = []
    for seq, code in ((1, "Setup"), (2, "Disconnected")):
        status = {"code": code, "rcc": False}
        out.append({"uuid": f"{hash_text(call_id + str(seq)):x}",
                    "event": "/restapi/v1.0/account/1/extension/2/telephony/sessions",
                    "timestamp": iso(when + dt.timedelta(seconds=seq * max(duration, 5))),
                    "body": {"sequence": seq, "sessionId": str(int(hash_text(call_id) % 10**11)),
                             "telephonySessionId": session,
                             "eventTime": iso(when + dt.timedelta(seconds=seq * max(duration, 5))),
                             "parties": [{"direction": direction, "from": {"phoneNumber": caller},
                                          "to": {"phoneNumber": callee}, "status": status,
                                          "missedCall": not answered}]}})
    return out


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
