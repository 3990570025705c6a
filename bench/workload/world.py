"""The people, brands and phone numbers of a generated workload: who writes, to which brand,
from which addresses and numbers, and every way those numbers get written down.

Everything is drawn from one `random.Random`, so a seed gives the same world every time.
All addresses use reserved example domains and all numbers come from ranges set aside for
fiction (NANP 555, Ofcom's drama numbers, ARCEP's 01 99 00, ACMA's 02 5550) or carry 555."""
from __future__ import annotations

import dataclasses
import random

# ---- brands ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Brand:
    key: str
    name: str
    domain: str
    support: str            # local parts of the routing aliases
    sales: str
    info: str
    numbers: list           # the brand's company numbers (E.164)
    account: str            # the Email Account that receives its mail
    staff: list             # local parts of staff mailboxes
    products: list

    def alias(self, team: str) -> str:
        return f"{getattr(self, team)}@{self.domain}"


BRANDS = [
    Brand("ccp", "Cozy Corner Patios", "cozycornerpatios.com", "support", "sales", "info",
          ["+18775550142", "+18775550143"], "Cozy Corner Patios",
          ["maria.ortiz", "tom.baker", "li.wei", "sam.jones", "orders"],
          ["patio cushion", "chair pad", "bench cushion", "sun lounger cover", "parasol",
           "outdoor pillow", "swing seat cushion", "patio set cover"]),
    Brand("zip", "Zip Cushions", "zipcushions.com", "support", "sales", "info",
          ["+18885550199"], "Zip Cushions",
          ["anna.kowalski", "derek.hill", "priya.n", "warehouse"],
          ["zip cushion", "replacement zipper", "cushion cover", "foam insert", "seat pad",
           "boat cushion"]),
    Brand("sc", "Shadecraft", "shadecraft.example", "help", "sales", "hello",
          ["+442079460000", "+442079460001"], "Shadecraft",
          ["olivia.grant", "james.patel", "support.team"],
          ["shade sail", "gazebo canopy", "awning", "pergola cover", "windbreak"]),
]

# ---- people ----------------------------------------------------------------------------------

FIRST = {
    "US": ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
           "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
           "Sarah", "Carlos", "Maria", "Wei", "Aisha", "DeShawn", "Zoë", "José", "Ngozi", "Kevin",
           "Emily", "Brian", "Ashley", "Jamal", "Priya", "Hannah", "Tyler", "Megan", "Luis"],
    "GB": ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Olivia", "Noah",
           "Emily", "Charlie", "Sophie", "Siobhan", "Rhys", "Niamh", "Alistair", "Fiona", "Gareth"],
    "DE": ["Lukas", "Anna", "Jürgen", "Sophie", "Maximilian", "Lea", "Günter", "Marie", "Felix",
           "Johanna", "Björn", "Käthe", "Stefan", "Ulrike"],
    "FR": ["Louis", "Chloé", "Gabriel", "Léa", "Raphaël", "Manon", "François", "Camille",
           "Hélène", "Jérôme", "Renée", "Noël", "Amélie", "Thibault"],
    "AU": ["Jack", "Charlotte", "William", "Mia", "Lachlan", "Chloe", "Hamish", "Matilda"],
}
FIRST["CA"] = FIRST["US"] + ["Gabrielle", "Étienne", "Mathieu", "Geneviève"]
LAST = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
           "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
           "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Nguyen", "O'Brien",
           "De la Cruz", "Washington", "Kim", "Patel", "Chen", "Van Buren", "McAllister"],
    "GB": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas",
           "Roberts", "Walker", "Wright", "Hughes", "O'Neill", "Fitzgerald", "Ap Rhys", "Khan"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Schäfer", "von Braun", "Groß", "Köhler"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Lefèvre", "Moreau", "Fournier", "Girard", "de Villiers", "Béranger"],
    "AU": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Kelly",
           "Mitchell", "O'Connor"],
}
LAST["CA"] = LAST["US"] + ["Tremblay", "Gagnon", "Côté", "Bouchard"]

FREE_DOMAINS = ["example.com", "example.net", "example.org", "mail.example", "inbox.example",
                "post.example", "webmail.example"]
COMPANY_WORDS = ["acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark",
                 "wayne", "wonka", "tyrell", "cyberdyne", "soylent", "gringotts", "oceanic",
                 "pawnee", "dunder", "sterling", "bluth", "prestige", "monarch"]
COMPANY_SUFFIX = ["hotels", "resorts", "outdoor", "living", "homes", "marine", "garden",
                  "design", "group", "supply"]

COUNTRIES = [("US", 66), ("CA", 6), ("GB", 15), ("DE", 5), ("FR", 4), ("AU", 4)]
LANGUAGE = {"US": "en", "CA": "en", "GB": "en", "AU": "en", "DE": "de", "FR": "fr"}
# Languages whose auto-replies customers' mail systems send (by customer, not by country).
AUTO_REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt", "sv", "no", "da", "fi", "pl"]

US_AREAS = ["212", "415", "617", "312", "646", "305", "206", "303", "512", "404", "602", "718"]
CA_AREAS = ["604", "416", "514", "403", "613"]


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


# ---- phone numbers ---------------------------------------------------------------------------


@dataclasses.dataclass
class Number:
    """One phone line: country, E.164, the parts needed to spell it, and an extension."""
    country: str
    e164: str
    cc: str          # country calling code
    nsn: str         # national significant number
    groups: list     # how nationals group the NSN ("415", "555", "0123")
    ext: str = ""

    def with_ext(self, ext: str) -> "Number":
        return dataclasses.replace(self, ext=ext)


class NumberPool:
    """Unique fictional numbers per country."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used = set()

    def _fresh(self, make):
        for _ in range(10000):
            n = make()
            if n.e164 not in self.used:
                self.used.add(n.e164)
                return n
        raise RuntimeError("number pool exhausted")

    def new(self, country: str) -> Number:
        r = self.rng
        if country in ("US", "CA"):
            def make():
                area = r.choice(US_AREAS if country == "US" else CA_AREAS)
                line = f"{r.randrange(10000):04d}"
                return Number(country, f"+1{area}555{line}", "1", f"{area}555{line}", [area, "555", line])
        elif country == "GB":
            def make():
                kind = r.randrange(4)
                tail = f"{r.randrange(1000):03d}"
                if kind == 0:
                    nsn = "2079460" + tail
                    return Number("GB", "+44" + nsn, "44", nsn, ["20", "7946", "0" + tail])
                if kind == 1:
                    nsn = "1134960" + tail
                    return Number("GB", "+44" + nsn, "44", nsn, ["113", "496", "0" + tail])
                if kind == 2:
                    nsn = "1614960" + tail
                    return Number("GB", "+44" + nsn, "44", nsn, ["161", "496", "0" + tail])
                nsn = "7700900" + tail
                return Number("GB", "+44" + nsn, "44", nsn, ["7700", "900", tail])
        elif country == "DE":
            def make():
                city, sub = r.choice([("30", 8), ("40", 8), ("89", 8), ("221", 7)])
                line = "555" + "".join(str(r.randrange(10)) for _ in range(sub - 3))
                nsn = city + line
                return Number("DE", "+49" + nsn, "49", nsn, [city, line[:4], line[4:]])
        elif country == "FR":
            def make():
                tail = f"{r.randrange(10000):04d}"
                nsn = "19900" + tail
                return Number("FR", "+33" + nsn, "33", nsn, ["1", "99", "00", tail[:2], tail[2:]])
        elif country == "AU":
            def make():
                tail = f"{r.randrange(10000):04d}"
                nsn = "25550" + tail
                return Number("AU", "+61" + nsn, "61", nsn, ["2", "5550", tail])
        else:
            raise ValueError(country)
        return self._fresh(make)


TRUNK = {"GB": "0", "DE": "0", "FR": "0", "AU": "0", "US": "1", "CA": "1"}


def spell(rng: random.Random, n: Number, style: str = "") -> tuple:
    """One way a person writes `n` down, and the name of that way. A site in the US reads these;
    styles: e164, intl (spaced +cc), idd00 (00 instead of +), idd011 (the US exit code),
    national (how the number's own country writes it), nanp shapes, with '(0)'."""
    g = n.groups
    nanp = n.country in ("US", "CA")
    styles = (["plus_spaced", "parens", "dots", "dashes", "one_dash", "e164", "bare10",
               "idd00", "plus_parens"] if nanp else
              ["plus_spaced", "e164", "idd00", "idd011", "national", "plus_trunk0", "national"])
    style = style or rng.choice(styles)
    if nanp:
        a, b, c = g
        text = {
            "plus_spaced": f"+1 {a} {b} {c}",
            "parens": f"({a}) {b}-{c}",
            "dots": f"{a}.{b}.{c}",
            "dashes": f"{a}-{b}-{c}",
            "one_dash": f"1-{a}-{b}-{c}",
            "e164": n.e164,
            "bare10": f"{a}{b}{c}",
            "idd00": f"001 {a} {b} {c}",
            "idd011": f"011 1 {a} {b} {c}",
            "plus_parens": f"+1 ({a}) {b}-{c}",
            "national": f"({a}) {b}-{c}",
            "plus_trunk0": f"+1 {a} {b} {c}",
        }[style]
    else:
        spaced = " ".join(g)
        text = {
            "plus_spaced": f"+{n.cc} {spaced}",
            "e164": n.e164,
            "idd00": f"00{n.cc} {spaced}",
            "idd011": f"011 {n.cc} {spaced}",
            "national": f"{TRUNK[n.country]}{g[0]} {' '.join(g[1:])}",
            "plus_trunk0": f"+{n.cc} (0){spaced}",
        }.get(style, f"+{n.cc} {spaced}")
    if n.ext:
        text += rng.choice([f" x{n.ext}", f" ext. {n.ext}", f" ext {n.ext}", f";ext={n.ext}",
                            f" x {n.ext}"])
    return text, style


# ---- customers -------------------------------------------------------------------------------


@dataclasses.dataclass
class Customer:
    key: str
    first: str
    last: str
    country: str
    language: str
    emails: list            # addresses as the customer's mail client writes them
    numbers: list           # Number
    brand: Brand
    other_brand: Brand | None
    company: str = ""       # set for people sharing a company line
    auto_language: str = "en"

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def display_name(self, rng: random.Random) -> str:
        """Names as mail clients show them: usually as typed, sometimes 'Last, First' or cased."""
        k = rng.random()
        if k < 0.70:
            return self.name
        if k < 0.80:
            return f"{self.last}, {self.first}"
        if k < 0.87:
            return self.name.lower()
        if k < 0.92:
            return self.name.upper()
        if k < 0.96:
            return f"{self.first[0]}. {self.last}"
        return ""


def _ascii(s: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                           "ê": "e", "ë": "e", "à": "a", "ç": "c", "ô": "o", "î": "i", "ï": "i",
                           "É": "E", "Ü": "Ue", "Ö": "Oe", "Ä": "Ae", "Ç": "C", "Ô": "O"})
    return "".join(ch for ch in s.translate(table) if ch.isalnum() or ch in " -'").strip()


class World:
    def __init__(self, rng: random.Random, n_customers: int):
        self.rng = rng
        self.pool = NumberPool(rng)
        self.customers: list[Customer] = []
        self._emails = set()
        for i in range(n_customers):
            self.customers.append(self._customer(f"C{i:05d}"))
        # Colleagues on one company line with their own extensions: different customers.
        self.colleague_groups = []
        n_companies = max(2, n_customers // 300)
        for k in range(n_companies):
            country = "US" if k % 3 else "GB"
            main = self.pool.new(country)
            members = []
            for j in range(rng.choice([2, 2, 3])):
                c = self._customer(f"C{len(self.customers):05d}", country=country)
                c.numbers = [main.with_ext(str(101 + j))]
                c.company = f"company{k}"
                self.customers.append(c)
                members.append(c)
            self.colleague_groups.append(members)
        # One front desk number written on many customers' records (a hotel chain's
        # switchboard): a shared number, never a reason to merge.
        self.shared_desk = self.pool.new("US")

    def _customer(self, key: str, country: str = "") -> Customer:
        r = self.rng
        country = country or weighted(r, COUNTRIES)
        first, last = r.choice(FIRST[country]), r.choice(LAST[country])
        emails = [self._email(first, last)]
        if r.random() < 0.18:   # a second address: work and private
            emails.append(self._email(first, last, work=True))
        numbers = [self.pool.new(country)]
        if r.random() < 0.25:
            numbers.append(self.pool.new(country if r.random() < 0.8 else "US"))
        brand = r.choice(BRANDS[:2]) if r.random() < 0.72 else BRANDS[2]
        other = r.choice([b for b in BRANDS if b is not brand]) if r.random() < 0.1 else None
        auto_language = LANGUAGE[country] if r.random() < 0.7 else r.choice(AUTO_REPLY_LANGUAGES)
        return Customer(key, first, last, country, LANGUAGE[country], emails, numbers, brand,
                        other, auto_language=auto_language)

    def _email(self, first: str, last: str, work: bool = False) -> str:
        r = self.rng
        f, l = _ascii(first).lower().replace(" ", ""), _ascii(last).lower().replace(" ", "").replace("'", "")
        for attempt in range(100):
            shape = r.randrange(6)
            local = [f"{f}.{l}", f"{f}{l}", f"{f[0]}{l}", f"{f}_{l}", f"{l}.{f}", f"{f}{l[:1]}"][shape]
            if attempt or r.random() < 0.3:
                local += str(r.randrange(1, 999))
            domain = (f"{r.choice(COMPANY_WORDS)}-{r.choice(COMPANY_SUFFIX)}.example" if work
                      else r.choice(FREE_DOMAINS))
            address = f"{local}@{domain}"
            if address not in self._emails:
                self._emails.add(address)
                # Some people's clients write their address with capitals.
                if r.random() < 0.06:
                    address = f"{local.capitalize()}@{domain}"
                return address
        raise RuntimeError("address pool exhausted")
