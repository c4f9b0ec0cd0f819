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

    [bookings.columns]              # column name = role (see BOOKING_ROLES)
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

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

from hubsync.bookings import BOOKING_COLUMNS
from hubsync.csvread import normalize_header
from hubsync.errors import ConfigError

FileKindName = Literal["customers", "bookings"]


class WritePolicy(StrEnum):
    """How a mapped value is written over what HubSpot already holds."""

    OVERWRITE = "overwrite"
    IF_EMPTY = "if_empty"
    SKIP_BLANK = "skip_blank"
    APPEND = "append"


KINDS = frozenset(
    {"text", "email", "phone", "mobile", "date", "zip", "country", "number", "bool", "street"}
    | {"housenumber", "customer_number", "facility", "salutation", "datetime_date"}
)
# One table of booking column aliases: the booking reader's own.
BOOKING_ROLES = frozenset(BOOKING_COLUMNS.values())
_PROPERTY_RE = re.compile(r"^[a-z][a-z0-9_]*$")

# (property, kind, column names as exports write them); normalised when the mapping is built.
_CONTACT_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("email", "email", ("E-Mail", "Email", "eMail", "Mail", "E-Mail-Adresse")),
    ("firstname", "text", ("Vorname", "First name")),
    ("lastname", "text", ("Name", "Nachname", "Last name", "Familienname")),
    ("salutation", "salutation", ("Anrede",)),
    ("company", "text", ("Firma", "Firma/Verein", "Verein", "Company")),
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


def merge_value(
    policy: WritePolicy, current: str | None, new: str | None, *, clear_blanks: bool
) -> str | None:
    """The value to write for one property under `policy`, or None for "no write".

    Returns "" only to clear HubSpot: policy overwrite, `clear_blanks`, a blank cell and a
    non-empty current value. Append forms the set union of ';'-separated values, order kept.
    """
    cur = (current or "").strip()
    value = (new or "").strip()
    if not value:
        clears = policy is WritePolicy.OVERWRITE and clear_blanks and cur
        return "" if clears else None
    if policy is WritePolicy.IF_EMPTY:
        return value if not cur else None
    if policy is WritePolicy.APPEND:
        have = _split_multi(cur)
        merged = have + [v for v in dict.fromkeys(_split_multi(value)) if v not in have]
        return ";".join(merged) if merged != have else None
    return value if value != cur else None


def _split_multi(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in value.split(";") if part.strip()))


def load_mapping(path: Path | None) -> Mapping:
    """The built-in mapping, changed by the TOML file at `path` when given.

    Raises ConfigError listing every problem in the file, each prefixed with its name.
    """
    contact_fields = {
        normalize_header(name): FieldSpec(prop, kind)
        for prop, kind, names in _CONTACT_COLUMNS
        for name in names
    }
    booking_fields = dict(BOOKING_COLUMNS)
    base = Mapping(
        contact_fields=contact_fields,
        booking_fields=booking_fields,
        policies=dict(_DEFAULT_POLICIES),
        customer_file_patterns=_DEFAULT_CUSTOMER_FILES,
        booking_file_patterns=_DEFAULT_BOOKING_FILES,
    )
    if path is None:
        return base
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: mapping file not found (check HUBSYNC_MAPPING)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read mapping file: {exc}") from None
    return _Overlay(base, str(path)).apply(data)


class _Overlay:
    """Applies one parsed mapping file to the built-in mapping, collecting every problem."""

    def __init__(self, base: Mapping, source: str) -> None:
        self.base = base
        self.source = source
        self.problems: list[str] = []
        self.contacts = dict(base.contact_fields)
        self.bookings = dict(base.booking_fields)
        self.policies = dict(base.policies)
        self.ignored: set[str] = set()
        self.seen: dict[tuple[str, str], str] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def table(self, data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        self.problem(where, f"must be a table, not {value!r}")
        return {}

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed):
            self.problem(where, f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")

    def apply(self, data: dict[str, Any]) -> Mapping:
        self.unknown_keys(data, {"contacts", "bookings", "files"}, "top level")
        contacts = self.table(data, "contacts", "[contacts]")
        self.unknown_keys(contacts, {"columns", "policies", "clear_blanks"}, "[contacts]")
        clear_blanks = contacts.get("clear_blanks", False)
        if not isinstance(clear_blanks, bool):
            self.problem("[contacts] clear_blanks", f"must be true or false, not {clear_blanks!r}")
        column_policies: dict[str, WritePolicy] = {}
        for column, target in self.table(contacts, "columns", "[contacts.columns]").items():
            self.contact_column(column, target, column_policies)
        self.read_policies(self.table(contacts, "policies", "[contacts.policies]"), column_policies)
        bookings = self.table(data, "bookings", "[bookings]")
        self.unknown_keys(bookings, {"columns"}, "[bookings]")
        for column, role in self.table(bookings, "columns", "[bookings.columns]").items():
            self.booking_column(column, role)
        files = self.table(data, "files", "[files]")
        self.unknown_keys(files, {"customers", "bookings"}, "[files]")
        customer_files = self.patterns(files, "customers", self.base.customer_file_patterns)
        booking_files = self.patterns(files, "bookings", self.base.booking_file_patterns)
        if self.problems:
            raise ConfigError(self.problems)
        return Mapping(
            contact_fields=self.contacts,
            booking_fields=self.bookings,
            policies=self.policies,
            customer_file_patterns=customer_files,
            booking_file_patterns=booking_files,
            clear_blanks=clear_blanks is True,
            ignored=frozenset(self.ignored),
        )

    def column_key(self, section: str, column: str, where: str) -> str | None:
        norm = normalize_header(column)
        if not norm:
            self.problem(where, "a column name needs at least one letter or digit")
            return None
        other = self.seen.setdefault((section, norm), column)
        if other != column:
            self.problem(where, f"names the same column as {other!r} (case, spaces, '.-/' ignored)")
            return None
        return norm

    def contact_column(
        self, column: str, target: Any, column_policies: dict[str, WritePolicy]
    ) -> None:
        where = f"[contacts.columns] {column!r}"
        if isinstance(target, str):
            target = {"property": target}
        if not isinstance(target, dict):
            self.problem(where, 'must be "property" or { property = "...", kind = "..." }')
            return
        self.unknown_keys(target, {"property", "kind", "policy"}, where)
        prop, kind = target.get("property"), target.get("kind")
        policy = self.check_policy(target["policy"], where) if "policy" in target else None
        bad_kind = kind is not None and kind not in KINDS
        if bad_kind:
            self.problem(where, f"unknown kind {kind!r} (use one of: {', '.join(sorted(KINDS))})")
        norm = self.column_key("contacts", column, where)
        if not self.check_property(prop, where) or bad_kind or norm is None:
            return
        assert isinstance(prop, str)  # check_property accepted it
        self.contacts.pop(norm, None)
        if not prop:
            self.ignored.add(norm)
            return
        self.contacts[norm] = FieldSpec(prop, kind or _DEFAULT_KIND.get(prop, "text"))
        if policy is not None and column_policies.setdefault(prop, policy) != policy:
            self.problem(where, f"conflicting policies for property {prop!r}")

    def booking_column(self, column: str, role: Any) -> None:
        where = f"[bookings.columns] {column!r}"
        if not isinstance(role, str) or (role and role not in BOOKING_ROLES):
            roles = ", ".join(sorted(BOOKING_ROLES))
            self.problem(where, f'unknown role {role!r} (use one of: {roles}, or "" to ignore)')
            return
        norm = self.column_key("bookings", column, where)
        if norm is None:
            return
        self.bookings.pop(norm, None)
        if role:
            self.bookings[norm] = role
        else:
            self.ignored.add(norm)

    def check_property(self, prop: Any, where: str, *, column: bool = True) -> bool:
        if isinstance(prop, str) and ((column and prop == "") or _PROPERTY_RE.match(prop)):
            return True
        hint = '; "" ignores the column' if column else ""
        self.problem(
            where,
            f"property {prop!r} is not a HubSpot internal name "
            f"(a-z, 0-9 and _, starting with a letter{hint})",
        )
        return False

    def check_policy(self, policy: Any, where: str) -> WritePolicy | None:
        try:
            return WritePolicy(policy)
        except ValueError:
            names = ", ".join(p.value for p in WritePolicy)
            self.problem(where, f"unknown policy {policy!r} (use one of: {names})")
            return None

    def read_policies(self, table: dict[str, Any], column_policies: dict[str, WritePolicy]) -> None:
        merged = dict(column_policies)
        for prop, value in table.items():
            where = f"[contacts.policies] {prop!r}"
            if not self.check_property(prop, where, column=False):
                continue
            policy = self.check_policy(value, where)
            if policy is None:
                continue
            if merged.setdefault(prop, policy) != policy:
                self.problem(where, "conflicts with the policy given in [contacts.columns]")
        self.policies.update(merged)

    def patterns(
        self, files: dict[str, Any], key: str, default: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = files.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
            self.problem(f"[files] {key}", f"must be a list of file-name patterns, not {value!r}")
            return default
        return tuple(value)
