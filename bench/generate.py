"""Synthetic booking-system exports for the benchmark: customers and an invoice journal.

The files look like `hubsync/demo_data`: Windows-1252, `;`, CRLF, German dates and
amounts, the same columns (the journal with three preamble lines and a `Summe` footer),
and a few percent dirty rows of the kinds real exports have. Everything is invented:
e-mails only at example.com/.net/.org, phones only Bundesnetzagentur drama numbers
(never assigned to a subscriber, Amtsblatt 7/2021). The same seed gives the same bytes.

    uv run python bench/generate.py --customers 1000 --journal-lines 5000 OUT_DIR
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO

from organisations import ORGANISATION_BOOKINGS, Organisations

ENCODING = "cp1252"
CUSTOMER_HEADER = [
    "Kundennummer",
    "Anrede",
    "Titel",
    "Vorname",
    "Name",
    "Firma",
    "Straße",
    "Hausnummer",
    "PLZ",
    "Ort",
    "Land",
    "Telefon",
    "Mobil",
    "E-Mail",
    "Geburtsdatum",
    "Kunde seit",
    "Kundengruppe",
    "Newsletter",
    "Umsatz gesamt",
    "Letzte Buchung",
    "Bemerkung",
    "",
]
JOURNAL_HEADER = [
    "Rechnungsnr.",
    "Rechnungsdatum",
    "Leistungsdatum",
    "Gebucht am",
    "Kd.-Nr.",
    "Kunde",
    "E-Mail",
    "Anlage",
    "Leistung",
    "Beginn",
    "Ende",
    "Dauer (Std.)",
    "Netto",
    "USt-Satz",
    "USt",
    "Brutto",
    "Zahlart",
    "Status",
]
FIRST_NUMBER = 10001
PERIOD_END = date(2026, 11, 27)  # the journal covers the year up to this day

# Bundesnetzagentur drama numbers: (area code, subscriber prefix); the last 3 digits are free.
DRAMA_FIXED: tuple[tuple[str, str], ...] = (
    ("030", "23125"),
    ("069", "90009"),
    ("040", "66969"),
    ("0221", "4710"),
    ("089", "99998"),
)
DRAMA_MOBILE = ("0152 28817386", "0172 9980752")
DOMAINS = ("example.com", "example.net", "example.org")

MALE = "Jonas Michael Stefan Daniel Wolfgang Andreas Patrick Bernd Kai Markus Florian Tobias"
MALE += " Lukas Sven Dominik Marco Günther Jürgen Timo Ömer Felix Jan Max Paul Leon Moritz"
FEMALE = "Sabine Laura Katrin Melanie Jana Nicole Sarah Christina Anna-Lena Julia Tanja Lisa"
FEMALE += " Franziska Elif Stefanie Miriam Carina Petra Lea Hannah Sophie Marie Emma Johanna"
LAST = "Kübler Wörner Hägele Rapp Schäfer Aydin Fischer Ziegler Brenner Krauß Pfeiffer Eberle"
LAST += " Haas Koch Lehmann Maier Vogel Schuster Wolf Lang Bauer Weber Hoffmann Neumann Sauer"
LAST += " Frank Schmid Rossi Demir Maurer Kraft Graf Seitz Kuhn Böhm Ott Nagel Brandt Müller"
LAST += " Schneider Becker Wagner Schulz Keller Huber Fuchs Weiß Zimmermann Hartmann Köhler"
STREETS = "Gartenstraße Lindenweg Schillerstraße Weinstraße Bahnhofstraße Mühlweg Rosenstraße"
STREETS += " Kirchplatz Birkenweg Talstraße Uhlandstraße Goethestraße Hauptstraße Panoramaweg"
TOWNS = (
    ("73614", "Schorndorf"),
    ("73660", "Urbach"),
    ("71332", "Waiblingen"),
    ("73650", "Winterbach"),
    ("73630", "Remshalden"),
    ("71384", "Weinstadt"),
    ("73642", "Welzheim"),
    ("73635", "Rudersberg"),
    ("73547", "Lorch"),
    ("73525", "Schwäbisch Gmünd"),
    ("73655", "Plüderhausen"),
    ("70174", "Stuttgart"),
)
LEIPZIG = ("4103", "4107", "4109", "4155")  # German PLZ with a leading zero lost by Excel
GROUPS = ("Stammkunde", "Stammkunde", "Stammkunde", "Gast", "Senioren", "Kinder")
PLACEHOLDERS = ("-", "keine@example.com", "k.A.", "noemail@example.org", "x@x.de")
INVALID_EMAILS = ("{local}@example", "{local}@example,com", "{local}example.net")
BAD_PHONES = ("07181/", "030 /", "0-0", "12", "tel. folgt")
PAYMENTS = ("EC-Karte", "Bar", "PayPal", "Überweisung", "Lastschrift")

# Facility services: (Anlage choices, Leistung, hours, gross price, VAT %, with times)
SERVICES = (
    (("Soccer Court 1", "Soccer Court 2"), "Platzmiete Soccer 60 Min (Abendtarif)", "1", "72"),
    (("Soccer Court 1", "Soccer Court 2"), "Platzmiete Soccer 90 Min (Abendtarif)", "1.5", "108"),
    (("Soccer Court 1", "Soccer Court 2"), "Platzmiete Soccer 60 Min (Tagtarif)", "1", "54"),
    (("Soccer Court 1", "Soccer Court 2"), "Platzmiete Soccer 120 Min", "2", "144"),
    (("Padel Court A", "Padel Court B"), "Padel 60 Min (Abend)", "1", "44"),
    (("Padel Court A", "Padel Court B"), "Padel 90 Min (Abend)", "1.5", "66"),
    (("Padel Court A", "Padel Court B"), "Padel 60 Min (Tag)", "1", "36"),
    (("Kursraum",), "Kursraum 2 Std.", "2", "50"),
)
SUBSCRIPTION = ("Padel Court A", "Saisonabo Padel Do 19:00 (10 Termine à 60 Min)", "10", "396")
CUP = ("Soccer Court 1+2", "Firmencup ganztägig (Hallenmiete komplett)", "8", "2380")
# Second lines of two-line invoices: (Leistung, gross price, VAT %)
ITEMS = (
    ("Pizza-Paket Kindergeburtstag", "58.50", 7),
    ("Schlägermiete Padel (2 Stk.)", "8", 19),
    ("Getränke", "12.50", 19),
    ("Gutschein 50 € (Mehrzweckgutschein)", "50", 0),
)


@dataclass(frozen=True)
class Customer:
    """What the journal needs to know of a generated customer."""

    number: str
    first: str
    last: str
    email: str  # the usable address ("" when the row has none or a broken one)
    organisation: str = ""  # the club, school or firm the row names


@dataclass
class Journal:
    """The generated journal lines, with the totals its footer states."""

    lines: list[list[str]] = field(default_factory=list)
    documents: int = 0


def german(amount: Decimal, places: int = 2) -> str:
    """`1234.5` → `1.234,50` (thousands dot, decimal comma)."""
    text = f"{amount:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe"})
    return text.translate(table).lower().replace(" ", "")


def _phone(rng: random.Random) -> str:
    area, prefix = rng.choice(DRAMA_FIXED)
    tail = f"{rng.randrange(1000):03d}"
    national = area.lstrip("0")
    styles = (
        f"{area} {prefix}{tail}",
        f"+49 (0) {national} {prefix}{tail}",
        f"{area}/{prefix}{tail}",
        f"{area}-{prefix}{tail}",
        f"({area}) {prefix}{tail}",
        f"0049 {national} {prefix}{tail}",
        f"+49 {national} {prefix[:3]} {prefix[3:]} {tail}",
        f"{area} / {prefix[:3]} {prefix[3:]} - {tail}",
    )
    return rng.choice(styles)


def _mojibake(text: str) -> str:
    """The classic UTF-8-read-as-cp1252 damage ("Jürgen" → "JÃ¼rgen")."""
    return text.encode("utf-8").decode(ENCODING, errors="replace")


def _day(rng: random.Random, start: date, span_days: int) -> date:
    return start + timedelta(days=rng.randrange(span_days))


def customer_rows(
    count: int, *, seed: int = 1, changed: float = 0.0
) -> Iterator[tuple[Customer, list[str]]]:
    """`count` customer rows (cells without the trailing empty one), streamed.

    With `changed` > 0 that fraction of customers gets a new phone number and town; the
    other rows, and which rows change, depend only on `seed`.
    """
    rng = random.Random(seed)
    change_rng = random.Random(seed * 7919 + 17)
    organisations = Organisations(count, [town for _, town in TOWNS], seed)
    used: list[tuple[str, str, str]] = []  # recent (first, last, email) for duplicates
    for index in range(count):
        number = str(FIRST_NUMBER + index)
        male = rng.random() < 0.5
        first = rng.choice((MALE if male else FEMALE).split())
        last = rng.choice(LAST.split())
        local = rng.choice((f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}"))
        email = f"{_ascii(local)}.{number}@{rng.choice(DOMAINS)}"
        since = _day(rng, date(2015, 1, 1), 4000)
        zip_code, town = rng.choice(TOWNS)
        row = {
            "Anrede": "Herr" if male else "Frau",
            "Titel": "Dr." if rng.random() < 0.03 else "",
            "Vorname": first,
            "Name": last,
            "Firma": "",
            "Straße": rng.choice(STREETS.split()),
            "Hausnummer": str(rng.randrange(1, 120)) + ("/1" if rng.random() < 0.02 else ""),
            "PLZ": zip_code,
            "Ort": town,
            "Land": "DE",
            "Telefon": _phone(rng),
            "Mobil": rng.choice(DRAMA_MOBILE) if rng.random() < 0.1 else "",
            "Geburtsdatum": _day(rng, date(1950, 1, 1), 20000).strftime("%d.%m.%Y"),
            "Kunde seit": since.strftime("%d.%m.%Y"),
            "Kundengruppe": rng.choice(GROUPS),
            "Newsletter": rng.choice(("Ja", "Nein")),
            "Umsatz gesamt": german(Decimal(rng.randrange(0, 400_000)) / 100),
            "Letzte Buchung": _day(rng, date(2026, 1, 1), 330).strftime("%d.%m.%Y 19:00"),
            "Bemerkung": "",
        }
        usable = email
        roll = rng.random()
        if roll < 0.010:  # no e-mail at all
            email = usable = ""
        elif roll < 0.016:  # a placeholder the booking system demands
            email, usable = rng.choice(PLACEHOLDERS), ""
        elif roll < 0.020:  # a typo that fails the syntax check
            email, usable = rng.choice(INVALID_EMAILS).format(local=_ascii(local)), ""
        elif roll < 0.024 and used:  # the same person registered twice: merged
            first, last, email = used[rng.randrange(len(used))]
            row["Vorname"], row["Name"], usable = first, last, email
            row["Bemerkung"] = "neu angelegt nach Umzug"
        elif roll < 0.026 and used:  # a family mailbox: another first name, set aside
            _, last, email = used[rng.randrange(len(used))]
            row["Name"], usable = last, ""
            row["Bemerkung"] = f"Kind von {last}"
        elif roll < 0.030:  # two addresses in one cell
            email = f"{email}; {_ascii(first)}.privat.{number}@example.net"
        elif roll < 0.040:  # harmless noise: case and blanks
            email = f"  {email.capitalize()} "
        roll = rng.random()
        if roll < 0.010:
            row["Telefon"] = rng.choice(BAD_PHONES)
        elif roll < 0.015:  # a German PLZ Excel stripped of its leading zero
            row["PLZ"], row["Ort"] = rng.choice(LEIPZIG), "Leipzig"
        elif roll < 0.017:  # Austrian: four digits are right
            row["PLZ"], row["Ort"], row["Land"], row["Telefon"] = "6900", "Bregenz", "AT", ""
        elif roll < 0.020:
            row["Vorname"], row["Name"] = _mojibake(first), _mojibake(last)
        elif roll < 0.050:  # a contact person of a club, school or firm
            clean = bool(usable) and email == usable
            business = organisations.assign(row, number, clean_email=clean)
            if business:
                email = usable = business
        roll = rng.random()
        if roll < 0.005:
            row["Bemerkung"] = "Rechnung an Kassier; Training Di+Do"
        elif roll < 0.008:
            row["Bemerkung"] = 'Firmenfeier "Sommerfest"\r\nRechnung bitte an Geschäftsstelle'
        if change_rng.random() < changed:
            _change(row, change_rng)
        if usable and email == usable and rng.random() < 0.5:
            used.append((first, last, usable))
            if len(used) > 2000:
                used.pop(0)
        cells = [number] + [row[name] for name in CUSTOMER_HEADER[1:13]]
        cells += [email] + [row[name] for name in CUSTOMER_HEADER[14:21]]
        yield Customer(number, row["Vorname"], row["Name"], usable, row["Firma"]), cells


def _change(row: dict[str, str], rng: random.Random) -> None:
    """A customer who moved: new phone number and town."""
    old_phone, old_town = row["Telefon"], row["Ort"]
    while row["Telefon"] == old_phone:
        row["Telefon"] = _phone(rng)
    while row["Ort"] == old_town:
        row["PLZ"], row["Ort"] = rng.choice(TOWNS)
    row["Land"] = "DE"


def _writer(handle: TextIO) -> Any:
    # Minimal quoting, CRLF: what Windows exporters write (see samples/README.md).
    return csv.writer(handle, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def write_customers(
    path: Path, count: int, *, seed: int = 1, changed: float = 0.0
) -> list[Customer]:
    """Write the customer export and return its customers (for the journal)."""
    customers: list[Customer] = []
    keep = count <= 200_000  # the 1,000,000-row validate file is streamed, not kept
    with path.open("w", encoding=ENCODING, newline="") as handle:
        out = _writer(handle)
        out.writerow(CUSTOMER_HEADER)
        for index, (customer, cells) in enumerate(customer_rows(count, seed=seed, changed=changed)):
            out.writerow([*cells, ""])  # every line ends with ";" like the sample
            if keep:
                customers.append(customer)
            if index == count // 2:  # exporters leave the odd blank and all-delimiter line
                handle.write("\r\n")
                out.writerow([""] * len(CUSTOMER_HEADER))
    return customers


def _split(gross: Decimal, rate: int) -> tuple[Decimal, Decimal]:
    net = (gross / (1 + Decimal(rate) / 100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return net, gross - net


class _JournalBuilder:
    """Builds the journal's lines; stornos mark their originals `storniert`."""

    def __init__(self, customers: list[Customer], rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.customers = customers
        self.journal = Journal()
        self.cancellable: list[int] = []  # indexes of single-line invoices
        self.invoices = 0
        self.stornos = 0
        guests = max(10, len(customers) // 50)
        self.guests = [
            (f"{rng.choice(LAST.split())}, {rng.choice(FEMALE.split())}", f"gast{k}")
            for k in range(guests)
        ]
        self.unknown = [str(90001 + k) for k in range(max(3, len(customers) // 200))]
        # Organisations book far more than private customers (weekly training, PE lessons):
        # drawn from a stream of their own, so the other documents stay as they were.
        self.members = [c for c in customers if c.organisation]
        self.boost = random.Random(seed * 613 + 11)

    def who(self) -> tuple[str, str, str]:
        """(Kd.-Nr., Kunde, E-Mail) of the next document."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:  # a guest without customer record: e-mail only
            name, local = rng.choice(self.guests)
            domain = "example.net" if len(local) % 2 else "example.org"
            email = f"{local}.{_ascii(name.split(',')[0])}@{domain}"
            return "", name, email.upper() if rng.random() < 0.1 else email
        if roll < 0.025:  # a customer number the customer export does not have
            return rng.choice(self.unknown), f"{rng.choice(LAST.split())}, Simon", ""
        if roll < 0.028:
            return "", "Barverkauf", ""
        customer = rng.choice(self.customers)
        name = f"{customer.last}, {customer.first}"
        if roll < 0.045 and customer.email:  # known customer, booked online with e-mail
            return "", name, customer.email + (" " if rng.random() < 0.3 else "")
        if self.members and self.boost.random() < ORGANISATION_BOOKINGS:
            customer = self.boost.choice(self.members)
            name = f"{customer.last}, {customer.first}"
        return customer.number, name, ""

    def line(
        self, number: str, day: date, who: tuple[str, str, str], service: tuple[str, ...]
    ) -> list[str]:
        rng = self.rng
        facility, text, hours, gross, rate, timed = service
        net, vat = _split(Decimal(gross), int(rate))
        start = rng.randrange(8, 21) if timed == "yes" else None
        span = Decimal(hours) if hours else Decimal(0)
        booked = day - timedelta(days=rng.randrange(0, 14))
        return [
            number,
            day.strftime("%d.%m.%Y"),
            day.strftime("%d.%m.%y"),
            booked.strftime("%d.%m.%Y ") + f"{rng.randrange(7, 23):02d}:{rng.randrange(60):02d}",
            *who,
            facility,
            text,
            "" if start is None else f"{start:02d}:00",
            "" if start is None else _end(start, span),
            german(Decimal(hours), 1) if hours else "",
            german(net),
            f"{rate} %",
            german(vat),
            german(Decimal(gross)),
            rng.choice(PAYMENTS),
            "offen" if rng.random() < 0.05 else "bezahlt",
        ]

    def service(self) -> tuple[str, ...]:
        roll = self.rng.random()
        if roll < 0.01:
            return (*CUP, "19", "yes")
        if roll < 0.04:
            return (*SUBSCRIPTION, "19", "no")
        facilities, text, hours, gross = self.rng.choice(SERVICES)
        return (self.rng.choice(facilities), text, hours, gross, "19", "yes")

    def invoice(self, day: date, room: int) -> None:
        self.invoices += 1
        number = f"RE-2026-{self.invoices:06d}"
        who = self.who()
        first = self.line(number, day, who, self.service())
        self.journal.lines.append(first)
        if room >= 2 and self.rng.random() < 0.06:  # a two-line invoice: court plus an item
            text, gross, rate = self.rng.choice(ITEMS)
            self.journal.lines.append(
                self.line(number, day, who, ("", text, "", gross, str(rate), "no"))
            )
        else:
            self.cancellable.append(len(self.journal.lines) - 1)
        self.journal.documents += 1

    def storno(self, day: date) -> None:
        index = self.cancellable.pop(self.rng.randrange(len(self.cancellable)))
        original = self.journal.lines[index]
        original[17] = "storniert"
        self.stornos += 1
        line = list(original)
        line[0] = f"ST-2026-{self.stornos:05d}"
        line[1] = day.strftime("%d.%m.%Y")
        line[3] = day.strftime("%d.%m.%Y 09:12")
        line[8] = f"Storno zu {original[0]}: {original[8]}"
        for column in (11, 12, 14, 15):
            if line[column]:
                line[column] = "-" + line[column]
        self.journal.lines.append(line)
        self.journal.documents += 1


def _end(start: int, hours: Decimal) -> str:
    minutes = start * 60 + int(hours * 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def build_journal(customers: list[Customer], lines: int, *, seed: int = 1) -> Journal:
    """`lines` journal lines over the year up to PERIOD_END, about 6 % of invoices with two
    lines and 1.5 % of documents stornos of an earlier invoice."""
    rng = random.Random(seed * 31 + 5)
    builder = _JournalBuilder(customers, rng, seed)
    start = PERIOD_END - timedelta(days=364)
    while len(builder.journal.lines) < lines:
        done = len(builder.journal.lines)
        day = start + timedelta(days=done * 365 // lines)
        if builder.cancellable and rng.random() < 0.015 and done > lines // 10:
            builder.storno(day)
        else:
            builder.invoice(day, lines - done)
    return builder.journal


def _padded(*cells: str) -> list[str]:
    return [*cells, *[""] * (len(JOURNAL_HEADER) - len(cells))]


def write_journal(path: Path, journal: Journal) -> None:
    """Write the journal with its preamble and its `Summe`/`Anzahl` footer."""
    totals = dict.fromkeys((11, 12, 14, 15), Decimal(0))
    for line in journal.lines:
        for column in totals:
            if line[column]:
                totals[column] += Decimal(line[column].replace(".", "").replace(",", "."))
    start = PERIOD_END - timedelta(days=364)
    with path.open("w", encoding=ENCODING, newline="") as handle:
        out = _writer(handle)
        out.writerow(_padded("Rechnungsausgangsjournal"))
        period = f"Zeitraum: {start:%d.%m.%Y} - {PERIOD_END:%d.%m.%Y}"
        out.writerow(_padded(period, "", "", f"Erstellt am {PERIOD_END:%d.%m.%Y} 16:42 von buero"))
        out.writerow(_padded())
        out.writerow(JOURNAL_HEADER)
        out.writerows(journal.lines)
        summe = ["Summe", *[""] * 10, german(totals[11], 1), german(totals[12]), ""]
        out.writerow(_padded(*summe, german(totals[14]), german(totals[15])))
        count = f"Anzahl Belege: {journal.documents}"
        out.writerow(_padded(count, "", "", f"Anzahl Positionen: {len(journal.lines)}"))


@dataclass(frozen=True)
class ExportSet:
    """The generated files of one benchmark size."""

    customers: Path
    journal: Path
    changed_customers: Path  # the customer export again with 10 % of customers changed
    customer_rows: int
    journal_lines: int
    documents: int


def generate(
    folder: Path, customers: int, journal_lines: int, *, seed: int = 1, changed: float = 0.1
) -> ExportSet:
    """Write the customer export, its changed twin and the journal into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{customers}_{journal_lines}"
    paths = (
        folder / f"kunden_{tag}.csv",
        folder / f"kunden_{tag}_geaendert.csv",
        folder / f"rechnungsausgangsjournal_{tag}.csv",
    )
    master = write_customers(paths[0], customers, seed=seed)
    write_customers(paths[1], customers, seed=seed, changed=changed)
    journal = build_journal(master, journal_lines, seed=seed)
    write_journal(paths[2], journal)
    return ExportSet(paths[0], paths[2], paths[1], customers, len(journal.lines), journal.documents)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--journal-lines", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    files = generate(args.folder, args.customers, args.journal_lines, seed=args.seed)
    print(f"{files.customers}\n{files.changed_customers}\n{files.journal}")
    print(f"{files.journal_lines} journal lines, {files.documents} documents")


if __name__ == "__main__":
    main()
