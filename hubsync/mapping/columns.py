"""Which CSV column goes to which HubSpot property, and how each property may be written.

The built-in mapping knows the usual German and English column names of booking-system
exports. A TOML mapping file can add, change or remove column mappings and set write
policies and file-name patterns; every key is optional::

    [contacts]
    clear_blanks = false            # true: an empty cell clears HubSpot (policy "overwrite" only)

    [contacts.columns]              # column name as in the file (matched normalised) = property
    "Lieblingsplatz" = "lieblingsplatz"                          # kind "text"
    "Telefon privat" = { property = "phone", kind = "phone" }
    "Platz" = { property = "kontaktkategorie", kind = "facility", policy = "append" }
    "Bemerkung" = ""                                             # do not import this column

    [contacts.policies]             # property = overwrite | if_empty | skip_blank | append
    phone = "if_empty"

    [bookings.columns]              # column name = role (see booking_columns)
    "Belegnr." = "number"

    [files]                         # fnmatch patterns, case-insensitive; replace the defaults
    customers = ["kunden*.csv"]
    bookings = ["*journal*.csv"]

Without `kind`, a property the built-in mapping knows keeps its kind (`phone` → phone);
any other property is "text". Write policies (what the planner does per property):
overwrite (default) writes every non-empty value; if_empty writes only when HubSpot's value
is empty; append adds ';'-separated values to a multi-checkbox; skip_blank is overwrite
that never clears. A blank cell is never sent, except under "overwrite" with
`clear_blanks = true`, where it clears HubSpot's value.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from hubsync.intake.csvread import normalize_header
from hubsync.mapping.booking_columns import BOOKING_COLUMNS
from hubsync.mapping.company_rules import CompanyRules
from hubsync.mapping.policies import Constants, WritePolicy, merge_value

FileKindName = Literal["customers", "bookings"]


KINDS = frozenset(
    {"text", "email", "phone", "mobile", "date", "zip", "country", "number", "bool", "street"}
    | {"housenumber", "customer_number", "facility", "salutation", "datetime_date"}
)

# (property, kind, column names as exports write them); normalised when the mapping is built.
_CONTACT_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("email", "email", ("E-Mail", "Email", "eMail", "Mail", "E-Mail-Adresse")),
    ("firstname", "text", ("Vorname", "First name")),
    ("lastname", "text", ("Name", "Nachname", "Last name", "Familienname")),
    ("salutation", "salutation", ("Anrede",)),
    (
        "company",
        "text",
        ("Firma", "Firma/Verein", "Verein", "Schule", "Organisation", "Organization")
        + ("Company", "Company name", "Organisation/Firma", "Firmenname"),
    ),
    ("address", "street", ("Straße", "Strasse", "Str.")),
    ("address", "housenumber", ("Hausnummer", "Hausnr.", "Nr.")),
    ("address", "text", ("Adresse", "Anschrift")),
    ("zip", "zip", ("PLZ", "Postleitzahl", "ZIP")),
    ("city", "text", ("Ort", "Wohnort", "Stadt", "City")),
    ("country", "country", ("Land", "Country")),
    ("phone", "phone", ("Telefon", "Tel.", "Telefonnummer", "Phone")),
    ("mobilephone", "mobile", ("Mobil", "Handy", "Mobiltelefon", "Mobile")),
    ("date_of_birth", "date", ("Geburtsdatum", "Geb.-Datum", "Geburtstag")),
    (
        "kundennummer",
        "customer_number",
        ("Kundennummer", "Kunden-Nr.", "Kd.-Nr.", "KdNr", "Kunden-ID", "Customer number"),
    ),
    ("kontaktkategorie", "facility", ("Anlage", "Standort", "Einrichtung", "Facility")),
    ("titel", "text", ("Titel",)),
    ("kunde_seit", "date", ("Kunde seit", "Kundin seit", "Mitglied seit")),
    ("kundengruppe", "text", ("Kundengruppe", "Gruppe")),
    ("newsletter", "bool", ("Newsletter", "Newsletter (J/N)")),
    ("buchungssystem_umsatz_eur", "number", ("Umsatz gesamt", "Umsatz gesamt (EUR)")),
    ("buchungssystem_letzte_buchung", "datetime_date", ("Letzte Buchung",)),
    ("bemerkung", "text", ("Bemerkung", "Notiz", "Kommentar")),
)
_DEFAULT_KIND = {prop: kind for prop, kind, _ in reversed(_CONTACT_COLUMNS)}
_DEFAULT_KIND["address"] = "text"
_DEFAULT_POLICIES = {
    "kontaktkategorie": WritePolicy.APPEND,
    "hs_additional_emails": WritePolicy.APPEND,
}
_DEFAULT_CUSTOMER_FILES = ("*kunden*.csv", "*customer*.csv", "*stammdaten*.csv")
_DEFAULT_BOOKING_FILES = ("*journal*.csv", "*rechnung*.csv", "*buchung*.csv", "*invoice*.csv")


# Custom contact properties the built-in mapping writes, as `hubsync setup` creates them
# (kundennummer and the category property are hubsync's own; schema.py defines those).
CUSTOM_CONTACT_PROPERTIES: tuple[dict[str, str], ...] = (
    {"name": "titel", "label": "Titel", "type": "string", "fieldType": "text"},
    {"name": "kunde_seit", "label": "Kunde seit", "type": "date", "fieldType": "date"},
    {"name": "kundengruppe", "label": "Kundengruppe", "type": "string", "fieldType": "text"},
    {"name": "newsletter", "label": "Newsletter", "type": "bool", "fieldType": "booleancheckbox"},
    {
        "name": "buchungssystem_umsatz_eur",
        "label": "Umsatz laut Buchungssystem (EUR)",
        "type": "number",
        "fieldType": "number",
    },
    {
        "name": "buchungssystem_letzte_buchung",
        "label": "Letzte Buchung laut Buchungssystem",
        "type": "date",
        "fieldType": "date",
    },
    {"name": "bemerkung", "label": "Bemerkung", "type": "string", "fieldType": "textarea"},
)


@dataclass(frozen=True)
class FieldSpec:
    """Where one customer column goes: the HubSpot property and how its value is parsed."""

    property: str
    kind: str


@dataclass(frozen=True)
class Mapping:
    """Column → property mappings (keys are normalised column names), policies, file patterns.

    `ignored` holds columns deliberately not imported (mapped to "" in the mapping file).
    """

    contact_fields: dict[str, FieldSpec]
    booking_fields: dict[str, str]
    policies: dict[str, WritePolicy]
    customer_file_patterns: tuple[str, ...]
    booking_file_patterns: tuple[str, ...]
    clear_blanks: bool = False
    ignored: frozenset[str] = frozenset()
    contact_constants: Constants = Constants()
    deal_constants: Constants = Constants()
    companies: CompanyRules = CompanyRules()

    def policy(self, prop: str) -> WritePolicy:
        """The write policy of `prop` (overwrite unless the mapping says otherwise)."""
        return self.policies.get(prop, WritePolicy.OVERWRITE)

    def known_columns(self, kind: FileKindName | None = None) -> frozenset[str]:
        """Normalised column names this mapping understands, for header detection."""
        contacts = frozenset(self.contact_fields) if kind != "bookings" else frozenset()
        bookings = frozenset(self.booking_fields) if kind != "customers" else frozenset()
        return contacts | bookings | self.ignored

    def unmapped(
        self, header: tuple[str, ...], kind: FileKindName = "customers"
    ) -> tuple[str, ...]:
        """Header names (as written) that no mapping of this file kind covers."""
        fields = self.contact_fields if kind == "customers" else self.booking_fields
        return tuple(
            name
            for name in header
            if (norm := normalize_header(name)) and norm not in fields and norm not in self.ignored
        )

    def contact_properties(self) -> frozenset[str]:
        """Every contact property this mapping may write (for the schema pre-flight)."""
        # Facility columns go to the configured category property, not to their own.
        mapped = {s.property for s in self.contact_fields.values() if s.kind != "facility"}
        return frozenset(mapped | {"email", "hs_additional_emails"})

    def classify(self, filename: str) -> FileKindName | None:
        """Return "customers" or "bookings" when the file name matches a pattern, else None."""
        name = filename.lower()
        if any(fnmatchcase(name, p.lower()) for p in self.customer_file_patterns):
            return "customers"
        if any(fnmatchcase(name, p.lower()) for p in self.booking_file_patterns):
            return "bookings"
        return None


def default_kind(prop: str) -> str:
    """The kind of `prop` when a mapping file names none: the built-in mapping's, else "text"."""
    return _DEFAULT_KIND.get(prop, "text")


def builtin_mapping() -> Mapping:
    """The built-in mapping (a mapping file changes it: see `hubsync.mapping.load`)."""
    contact_fields = {
        normalize_header(name): FieldSpec(prop, kind)
        for prop, kind, names in _CONTACT_COLUMNS
        for name in names
    }
    booking_fields = dict(BOOKING_COLUMNS)
    return Mapping(
        contact_fields=contact_fields,
        booking_fields=booking_fields,
        policies=dict(_DEFAULT_POLICIES),
        customer_file_patterns=_DEFAULT_CUSTOMER_FILES,
        booking_file_patterns=_DEFAULT_BOOKING_FILES,
    )


__all__ = ["Constants", "FieldSpec", "Mapping", "WritePolicy", "builtin_mapping", "merge_value"]
