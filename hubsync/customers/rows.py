"""One customer row → HubSpot-formatted values, with every problem of the row collected.

A `RowParser` is built once per table: it knows the mapped columns and keeps, per column,
the verdict on each distinct value it met (exports repeat dates, postal codes, towns and
salutations a lot), so each distinct value is converted once. `parse` turns one row into a
`ParsedRow` (or None when the row must be rejected) with the row's errors and warnings;
`customers.reading` merges the parsed rows of a file into records.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import NamedTuple

from hubsync.customers.parsed import Column, Parsed, ParsedRow, clean, name_key
from hubsync.intake.csvread import Row
from hubsync.intake.emails import check_emails
from hubsync.intake.formats import (
    FormatError,
    normalize_date,
    normalize_decimal,
    normalize_zip,
    parse_bool,
)
from hubsync.intake.phones import normalize_phone
from hubsync.records import Params, RowError, RowWarning, params

# Warning codes for a value left out; `messages` translates each (tests/test_messages.py).
_INVALID_CODE = {"phone": "phone_invalid", "mobile": "phone_invalid", "zip": "zip_invalid"}
_INVALID_CODE |= {"date": "date_ignored", "datetime_date": "date_ignored"}
# Values an Anrede column holds for organisations: no salutation for a person.
_NOT_SALUTATIONS = frozenset({"firma", "fa.", "verein", "schule", "-"})
# A "?" next to a letter is a character the exporter's code page could not write ("?ukasz").
_LOST_LETTER = re.compile(r"\?(?=\w)|(?<=\w)\?")
_NAME_PROPERTIES = ("firstname", "lastname", "company", "address", "city")
_CONVERTED = frozenset({"phone", "mobile", "date", "datetime_date", "zip", "number", "bool"})
_CONVERTED |= {"salutation", "email"}
_BY_COUNTRY = frozenset({"phone", "mobile", "zip"})  # their verdict depends on the country
_REGION = re.compile(r"[A-Za-z]{2}")
CACHE_VALUES = 16384  # per column (see _Values): a few MB at most
_PROBE_VALUES = 2048  # a column's first distinct values: do they repeat at all?
# What the parser does with a column's cell (the order matters to `RowParser._fill`).
_EMAIL, _FACILITY, _ADDRESS, _CONVERT, _PLAIN, _NUMBER = range(6)


class _Converted(NamedTuple):
    """A value's verdict: the HubSpot value (None: left out) and a warning (its line is 0)."""

    value: str | None
    warning: RowWarning | None = None


def _convert(column: Column, value: str, country: str, today: date) -> _Converted:
    """`value` formatted for HubSpot, or None after a warning (the property is left out)."""
    kind = column.spec.kind
    try:
        if kind in ("phone", "mobile"):
            region = country.upper() if _REGION.fullmatch(country) else "DE"
            return _Converted(normalize_phone(value, region))
        if kind in ("date", "datetime_date"):
            return _Converted(normalize_date(value, today))
        if kind == "zip":
            zip_code, padded = normalize_zip(value, country)
            if padded:
                values = params(value=value, zip=zip_code)
                return _Converted(zip_code, RowWarning.of(0, column.name, "zip_padded", values))
            return _Converted(zip_code)
        if kind == "number":
            return _Converted(normalize_decimal(value))
        if kind == "bool":
            return _Converted("true" if parse_bool(value) else "false")
        if kind == "salutation" and value.casefold() in _NOT_SALUTATIONS:
            return _Converted(None)
        if kind == "email":
            valid, _ = check_emails(value)
            if not valid:
                raise FormatError("email_unusable", value=value)
            return _Converted(";".join(valid))
    except ValueError as exc:
        if isinstance(exc, FormatError):
            found = exc.params()
            return _Converted(
                None, RowWarning.of(0, column.name, _INVALID_CODE.get(kind, "value_invalid"), found)
            )
        # A ValueError formats did not name (none is known): its own words.
        text = f"{exc}; left out, the rest of the contact is imported"
        code = _INVALID_CODE.get(kind, "value_invalid")
        return _Converted(None, RowWarning(0, column.name, text, code))
    return _Converted(value)


class _Values:
    """The verdicts on one column's values, kept while its values repeat (dates, PLZ, towns).

    A full cache starts over, unless its values repeated less often than new ones came; a
    column whose first 2048 values hardly repeated (amounts, phone numbers) stops caching
    at once. Either way every verdict is `_convert`'s: the cache only saves time.
    """

    __slots__ = ("column", "today", "by_country", "cache", "hits")

    def __init__(self, column: Column, today: date) -> None:
        self.column = column
        self.today = today
        self.by_country = column.spec.kind in _BY_COUNTRY
        self.cache: dict[object, _Converted] | None = {}
        self.hits = 0

    def __call__(self, value: str, country: str) -> _Converted:
        cache = self.cache
        if cache is None:
            return _convert(self.column, value, country, self.today)
        key = (value, country) if self.by_country else value
        found = cache.get(key)
        if found is not None:
            self.hits += 1
            return found
        found = _convert(self.column, value, country, self.today)
        size = len(cache)
        if size == _PROBE_VALUES and self.hits * 8 < size:  # values that hardly ever repeat
            self.cache = cache = None
        elif size == CACHE_VALUES:  # full: start over, unless repeats were the fewer
            self.cache = cache = {} if self.hits >= size else None
            self.hits = 0
        if cache is not None:
            cache[key] = found
        return found


class RowParser:
    """Turns the rows of one table into `Parsed` values; one parser per table."""

    def __init__(
        self,
        columns: tuple[Column, ...],
        header: tuple[str, ...],
        category: str | None,
        today: date,
    ):
        self.columns = columns
        self.header = header
        self.category = category
        self._all = [c.index for c in columns] == list(range(len(header)))  # each column, in order
        countries = [i for i, c in enumerate(columns) if c.spec.kind == "country"]
        self._country = countries[0] if countries else None
        self._email_column = next(c.name for c in columns if c.spec.property == "email")
        self._names = [i for i, c in enumerate(columns) if c.spec.property in _NAME_PROPERTIES]
        roles = [_role(c) for c in columns]
        self._plan = tuple(
            (i, c.name, c.spec.property, role, _Values(c, today) if role == _CONVERT else None)
            for i, (c, role) in enumerate(zip(columns, roles, strict=True))
        )
        # The properties a row mentions (all but e-mail and facility): not in it is blank.
        self._mentioned = {prop for _, _, prop, role, _ in self._plan if role > _FACILITY}

    def parse(self, row: Row) -> Parsed:
        """The row's values, errors and warnings; `Parsed.row` is None for a rejected row."""
        cells = row.cells if self._all else [row.cells[c.index] for c in self.columns]
        values = [c.strip() if "\r" not in c else clean(c) for c in cells]  # clean, inlined
        found = _Found(row.line)
        self._fill(found, values)
        props = found.props
        for prop, parts in found.address.items():
            props.setdefault(prop, " ".join(parts))
        self._check_text(row, values, found.warnings)
        if row.extra:
            extra = ", ".join(row.extra)
            found.warnings.append(RowWarning.of(row.line, None, "extra_cells", cells=extra))
        column = found.email_column or self._email_column
        if found.email is None:
            if found.email_column is None:
                found.errors.append(RowError.of(row.line, column, "email_missing"))
            return Parsed(None, found.errors, found.warnings, column)
        parsed = ParsedRow(
            line=row.line,
            email=found.email,
            props=props,
            blank={p for p in self._mentioned if p not in props} - found.dropped,
            number=found.number,
            number_property=found.number_property,
            facility=found.facility or self.category,
            first_key=name_key(props.get("firstname", "")),
            extra_emails=found.extra_emails,
        )
        return Parsed(parsed, found.errors, found.warnings, column)

    def _fill(self, found: _Found, values: list[str]) -> None:
        """Go through the row's cells in column order: the first non-empty one per property."""
        country = values[self._country] if self._country is not None else ""
        props, warnings = found.props, found.warnings
        for position, name, prop, role, convert in self._plan:
            value = values[position]
            if role > _FACILITY:  # most columns: the first non-empty one of a property wins
                if not value or prop in props:
                    continue
                if convert is not None:
                    converted = convert(value, country)
                    if converted.warning is not None:
                        warnings.append(replace(converted.warning, line=found.line))
                    if converted.value is None:
                        found.dropped.add(prop)
                    else:
                        props[prop] = converted.value
                elif role == _ADDRESS:
                    found.address.setdefault(prop, []).append(value)
                else:
                    props[prop] = value
                    if role == _NUMBER:
                        found.number, found.number_property = value, prop
            elif role == _EMAIL:
                if found.email_column is None and value:
                    found.email_column = name
                    self._email(found, name, value)
            else:
                found.facility = found.facility or value or None

    def _email(self, found: _Found, column: str, value: str) -> None:
        """The key address and further valid ones into `found`, or the row's error."""
        valid, problems = check_emails(value)
        if not valid:
            placeholder = problems and all(p.code == "email_placeholder" for p in problems)
            found.errors.append(
                RowError.of(
                    found.line,
                    column,
                    "email_placeholder" if placeholder else "email_invalid",
                    value=value,
                )
            )
            return
        if len(valid) > 1:
            others = ", ".join(valid[1:])
            found.warn(column, "email_additional", params(key=valid[0], others=others))
        for problem in problems:
            found.warn(column, "email_part_ignored", problem.params())
        found.email, found.extra_emails = valid[0], valid[1:]

    def _check_text(self, row: Row, values: list[str], warnings: list[RowWarning]) -> None:
        """Warn about repaired mojibake and letters the exporter replaced with "?"."""
        if row.repaired:
            names = [self.header[i] for i in row.repaired]
            found = ", ".join(f"{self.header[i]} {row.cells[i]!r}" for i in row.repaired)
            column = names[0] if len(names) == 1 else None
            warnings.append(RowWarning.of(row.line, column, "mojibake_repaired", values=found))
        lossy = [i for i in self._names if "?" in values[i] and _LOST_LETTER.search(values[i])]
        if lossy:
            found = ", ".join(f"{self.columns[i].name} {values[i]!r}" for i in lossy)
            column = self.columns[lossy[0]].name if len(lossy) == 1 else None
            warnings.append(RowWarning.of(row.line, column, "lossy_export", values=found))


def _role(column: Column) -> int:
    prop, kind = column.spec.property, column.spec.kind
    if prop == "email":
        return _EMAIL
    if kind == "facility":
        return _FACILITY
    if kind in ("street", "housenumber"):
        return _ADDRESS
    if kind == "customer_number":
        return _NUMBER
    return _CONVERT if kind in _CONVERTED else _PLAIN


class _Found:
    """What one row yields so far, while `RowParser` goes through its cells."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.props: dict[str, str] = {}
        self.dropped: set[str] = set()  # properties left out (after a warning): not blank
        self.address: dict[str, list[str]] = {}
        self.email: str | None = None
        self.email_column: str | None = None
        self.extra_emails: list[str] = []
        self.number, self.number_property = "", "kundennummer"
        self.facility: str | None = None

    def warn(self, column: str | None, code: str, values: Params) -> None:
        self.warnings.append(RowWarning.of(self.line, column, code, values))
