"""One customer row → HubSpot-formatted values, with every problem of the row collected.

`RowParser` turns the mapped cells of one row into a `ParsedRow` (or None when the row
must be rejected), recording errors and warnings as it goes; `customers` merges the
parsed rows of a file into records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from hubsync.intake.csvread import Row
from hubsync.intake.formats import (
    FormatError,
    check_emails,
    format_date,
    format_decimal,
    normalize_phone,
    normalize_zip,
    parse_bool,
    parse_date,
    parse_decimal,
)
from hubsync.mapping.columns import FieldSpec
from hubsync.records import Params, RowError, RowWarning, params

# Warning codes for a value left out; `messages` translates each (tests/test_messages.py).
_INVALID_CODE = {"phone": "phone_invalid", "mobile": "phone_invalid", "zip": "zip_invalid"}
_INVALID_CODE |= {"date": "date_ignored", "datetime_date": "date_ignored"}
# Values an Anrede column holds for organisations: no salutation for a person.
_NOT_SALUTATIONS = frozenset({"firma", "fa.", "verein", "schule", "-"})
# A "?" next to a letter is a character the exporter's code page could not write ("?ukasz").
_LOST_LETTER = re.compile(r"\?(?=\w)|(?<=\w)\?")
_NAME_PROPERTIES = ("firstname", "lastname", "company", "address", "city")


@dataclass(frozen=True)
class Column:
    index: int
    name: str  # as written in the file
    spec: FieldSpec


@dataclass(slots=True)
class ParsedRow:
    """One accepted row, its values already HubSpot-formatted."""

    line: int
    email: str
    props: dict[str, str]
    blank: set[str]
    number: str
    number_property: str
    facility: str | None
    first_key: str
    extra_emails: list[str] = field(default_factory=list)

    def age(self) -> tuple[str, int]:
        """Sort key: later "Kunde seit" (ISO date; missing = oldest) is newer, then later line."""
        return self.props.get("kunde_seit", ""), self.line

    def name(self) -> str:
        return " ".join(filter(None, (self.props.get("firstname"), self.props.get("lastname"))))


def clean(cell: str) -> str:
    """Trim all whitespace (NBSP too); Windows line breaks inside a cell become "\\n"."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def name_key(name: str) -> str:
    """A first name as compared: case, accents, non-letters ignored ("Anna-Lena" = "annalena")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum())


class RowParser:
    """Turns one row into a `ParsedRow` (or None), collecting its errors and warnings."""

    def __init__(self, row: Row, header: tuple[str, ...], category: str | None, today: date):
        self.row = row
        self.header = header
        self.category = category
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.email_column: str | None = None
        self.dropped: set[str] = set()  # properties left out after a warning: not blank

    def warn(self, column: str | None, code: str, values: Params = ()) -> None:
        self.warnings.append(RowWarning.of(self.row.line, column, code, values))

    def parse(self, columns: tuple[Column, ...]) -> ParsedRow | None:
        cells = {c.index: clean(self.row.cells[c.index]) for c in columns}
        country = next((cells[c.index] for c in columns if c.spec.kind == "country"), "")
        props: dict[str, str] = {}
        mentioned: set[str] = set()
        address: dict[str, list[str]] = {}
        email: str | None = None
        email_cell: Column | None = None
        email_columns: list[Column] = []
        extra_emails: list[str] = []
        number, number_property = "", "kundennummer"
        facility: str | None = None
        for column in columns:
            value, spec = cells[column.index], column.spec
            if spec.property == "email":
                email_columns.append(column)
                if email_cell is None and value:
                    email_cell = column
                    email, extra_emails = self.email(column.name, value)
                continue
            if spec.kind == "facility":
                facility = facility or value or None
                continue
            mentioned.add(spec.property)
            if not value or spec.property in props:
                continue  # the first non-empty column of a property wins
            if spec.kind in ("street", "housenumber"):
                address.setdefault(spec.property, []).append(value)
                continue
            converted = self.convert(column, value, country)
            if converted is not None:
                props[spec.property] = converted
            if spec.kind == "customer_number":
                number, number_property = value, spec.property
        for prop, parts in address.items():
            props.setdefault(prop, " ".join(parts))
        self.check_text(columns, cells)
        if self.row.extra:
            self.warn(None, "extra_cells", params(cells=", ".join(self.row.extra)))
        self.email_column = (email_cell or email_columns[0]).name
        if email is None:
            if email_cell is None:
                self.errors.append(RowError.of(self.row.line, self.email_column, "email_missing"))
            return None
        blank = {p for p in mentioned if p not in props} - self.dropped
        return ParsedRow(
            line=self.row.line,
            email=email,
            props=props,
            blank=blank,
            number=number,
            number_property=number_property,
            facility=facility or self.category,
            first_key=name_key(props.get("firstname", "")),
            extra_emails=extra_emails,
        )

    def email(self, column: str, value: str) -> tuple[str | None, list[str]]:
        """The key address and further valid ones, or (None, []) after recording the error."""
        valid, problems = check_emails(value)
        if not valid:
            placeholder = problems and all(p.code == "email_placeholder" for p in problems)
            self.errors.append(
                RowError.of(
                    self.row.line,
                    column,
                    "email_placeholder" if placeholder else "email_invalid",
                    value=value,
                )
            )
            return None, []
        if len(valid) > 1:
            others = ", ".join(valid[1:])
            self.warn(column, "email_additional", params(key=valid[0], others=others))
        for problem in problems:
            self.warn(column, "email_part_ignored", problem.params())
        return valid[0], valid[1:]

    def convert(self, column: Column, value: str, country: str) -> str | None:
        """`value` formatted for HubSpot, or None after a warning (the property is left out)."""
        kind = column.spec.kind
        try:
            if kind in ("phone", "mobile"):
                region = country.upper() if re.fullmatch(r"[A-Za-z]{2}", country) else "DE"
                return normalize_phone(value, region)
            if kind in ("date", "datetime_date"):
                return format_date(parse_date(value, self.today))
            if kind == "zip":
                zip_code, padded = normalize_zip(value, country)
                if padded:
                    self.warn(column.name, "zip_padded", params(value=value, zip=zip_code))
                return zip_code
            if kind == "number":
                return format_decimal(parse_decimal(value))
            if kind == "bool":
                return "true" if parse_bool(value) else "false"
            if kind == "salutation" and value.casefold() in _NOT_SALUTATIONS:
                self.dropped.add(column.spec.property)
                return None
            if kind == "email":
                valid, _ = check_emails(value)
                if not valid:
                    raise FormatError("email_unusable", value=value)
                return ";".join(valid)
        except ValueError as exc:
            self.dropped.add(column.spec.property)
            if isinstance(exc, FormatError):
                self.warn(column.name, _INVALID_CODE.get(kind, "value_invalid"), exc.params())
            else:  # a ValueError formats did not name (none is known): its own words
                text = f"{exc}; left out, the rest of the contact is imported"
                code = _INVALID_CODE.get(kind, "value_invalid")
                self.warnings.append(RowWarning(self.row.line, column.name, text, code))
            return None
        return value

    def check_text(self, columns: Iterable[Column], cells: dict[int, str]) -> None:
        """Warn about repaired mojibake and letters the exporter replaced with "?"."""
        if self.row.repaired:
            names = [self.header[i] for i in self.row.repaired]
            values = ", ".join(f"{self.header[i]} {self.row.cells[i]!r}" for i in self.row.repaired)
            self.warn(
                names[0] if len(names) == 1 else None, "mojibake_repaired", params(values=values)
            )
        lossy = [
            c
            for c in columns
            if c.spec.property in _NAME_PROPERTIES and _LOST_LETTER.search(cells[c.index])
        ]
        if lossy:
            values = ", ".join(f"{c.name} {cells[c.index]!r}" for c in lossy)
            self.warn(
                lossy[0].name if len(lossy) == 1 else None, "lossy_export", params(values=values)
            )
