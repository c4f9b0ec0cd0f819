"""Invoice-journal rows → `BookingDocument` records, with row errors, warnings and checksums.

Reading is pure apart from iterating the `Table`. Lines with the same document number
form one document (amounts and hours summed). A line is rejected with a `RowError`
when its number, amount, hours or dates are unusable; a rejected line rejects its whole
document (its other lines get `document_rejected`), so no deal is ever written with a
partial amount. Footer lines ("Summe", "Anzahl …") are skipped and cross-checked.

Cancellations: a document whose description starts with "Storno zu <NR>" or "Storno <NR>"
is a storno with `cancels=<NR>`. A "Gutschrift zu <NR>" is not: a goodwill credit is
often partial, so it stays a credit note (a deal with a negative amount) and the invoice
keeps counting. A document numbered `ST-`/`SR-`
with a negative amount is a storno too, even without a reference (a warning says the
original is unknown). "Status storniert" on a line cancels its own document unless the
document is a storno (exporters mark both halves `storniert`). A storno in the same
batch also marks its original `cancelled`. A negative document without a reference is
a credit note: an ordinary deal with a negative amount.

Order problem: a storno may arrive in an earlier export than its invoice (or the
invoice is re-exported after the storno). This module only reports what one file says;
`deal_fields.cancellation_targets()` names the originals. A storno is never a deal of its
own: the planner moves the original's deal to the cancelled stage and sets `storniert_durch`
(creating it from the storno's data when the invoice is not in HubSpot yet), and keeps
any deal carrying `storniert_durch` cancelled when the invoice is imported later.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from hubsync.catalogue.rows import english
from hubsync.intake.csvread import Row, Table
from hubsync.intake.emails import check_emails
from hubsync.intake.formats import (
    FormatError,
    format_date,
    format_decimal,
    parse_date,
    parse_decimal,
    parse_hours,
)
from hubsync.mapping.booking_columns import BOOKING_COLUMNS, BOOKING_ROLES, DATE_ROLES
from hubsync.records import BookingDocument, Params, RowError, RowWarning, params

_KEY_ROLES = DATE_ROLES + ("gross", "customer_number", "customer_name", "email", "description")
_SUMMED_ROLES = ("gross", "net", "vat", "hours")
_NUMBER_RE = re.compile(r"^[A-Za-z]{0,6}[-/ ]?\d[A-Za-z0-9._/-]*$")
_STORNO_RE = re.compile(
    r"^\s*storno\b(?:\s+zu)?\s*:?\s*(?:rechnung\s+|nr\.?\s*)?"
    r"(?P<ref>[A-Za-z]{0,6}[-/]?\d[A-Za-z0-9._/-]*?)[.:,;)]?(?:\s|$)",
    re.IGNORECASE,
)
_STORNO_PREFIX_RE = re.compile(r"^(?:ST|SR)[-/]", re.IGNORECASE)
_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")
_COUNT_RE = re.compile(r"anzahl\s+(belege|positionen)\s*:?\s*(\d+)", re.IGNORECASE)
BOOKING_YEARS_AHEAD = 10  # two-digit years up to today's + 10 are 20yy in booking dates


@dataclass(frozen=True)
class BookingBatch:
    """What one journal file yields: documents, rejected rows and warnings.

    `rows` counts booking lines read (footers and blank lines excluded); `checksum` is a
    message when the footer's "Summe"/"Anzahl" disagree with the rows, else None, and
    `checksum_params` its values for `messages`.
    """

    documents: tuple[BookingDocument, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[RowWarning, ...]
    rows: int
    checksum: str | None
    unmapped: tuple[str, ...]
    checksum_params: Params = ()


@dataclass(frozen=True)
class _Line:
    line: int
    number: str
    service_date: date
    amount: Decimal
    hours: Decimal | None
    customer_number: str
    email: str
    customer_name: str
    facility: str
    description: str
    status: str
    extra: dict[str, str] = field(default_factory=dict)


def _columns(normalized: Sequence[str], aliases: Mapping[str, str]) -> dict[str, int]:
    """Role → column index; per role the column whose alias comes first in `aliases` wins."""
    rank = {alias: i for i, alias in enumerate(aliases)}
    found: dict[str, int] = {}
    for index, name in enumerate(normalized):
        role = aliases.get(name)
        if role not in BOOKING_ROLES:
            continue
        if role not in found or rank[name] < rank[normalized[found[role]]]:
            found[role] = index
    return found


class _Reader:
    """State of one pass over a journal: the column roles and everything collected."""

    def __init__(self, table: Table, aliases: Mapping[str, str], today: date) -> None:
        self.header = table.info.header
        self.cols = _columns(table.info.normalized, aliases)
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.lines: dict[str, list[_Line]] = {}
        self.rejected: dict[str, int] = {}  # document number → first rejected line
        self.sums = dict.fromkeys(_SUMMED_ROLES, Decimal(0))
        self.unreadable = dict.fromkeys(_SUMMED_ROLES, 0)
        self.rows = 0
        self.footer_sum: Row | None = None
        self.footer_counts: dict[str, int] = {}

    def name(self, role: str) -> str | None:
        index = self.cols.get(role)
        return None if index is None else self.header[index]

    def cell(self, row: Row, role: str) -> str:
        index = self.cols.get(role)
        if index is None or index >= len(row.cells):
            return ""
        return row.cells[index].strip()

    def fail(self, row: Row, role: str | None, code: str, values: Params = ()) -> None:
        self.errors.append(RowError.of(row.line, role and self.name(role), code, values))

    def read(self, row: Row) -> None:
        if row.footer:
            self.note_footer(row)
            return
        number = self.cell(row, "number")
        if not number:
            if any(self.cell(row, role) for role in _KEY_ROLES):
                self.count(row)
                self.fail(row, "number", "number_missing")
            elif any(cell.strip() for cell in row.cells):
                self.warnings.append(RowWarning.of(row.line, None, "skipped"))
            return
        if not _NUMBER_RE.match(number):
            if not any(self.cell(row, role) for role in DATE_ROLES):
                # Subtotals or "Übertrag" lines some exporters add: no date, no booking.
                self.note_footer(row)
                column = self.name("number")
                warning = RowWarning.of(row.line, column, "subtotal_skipped", value=number[:40])
                self.warnings.append(warning)
                return
            self.count(row)
            self.fail(row, "number", "number_invalid", params(value=number))
            return
        self.count(row)
        parsed = self.parse(row, number.upper())
        if parsed is None:
            self.rejected.setdefault(number.upper(), row.line)
        else:
            self.lines.setdefault(parsed.number, []).append(parsed)

    def count(self, row: Row) -> None:
        """Count a booking line, rejected or not, and add its amounts for the footer check."""
        self.rows += 1
        for role in _SUMMED_ROLES:
            text = self.cell(row, role)
            if text:
                try:
                    self.sums[role] += _summed(role, text)
                except ValueError:
                    self.unreadable[role] += 1

    def note_footer(self, row: Row) -> None:
        first = next((c.strip() for c in row.cells if c.strip()), "")
        if first.casefold().startswith("summe"):
            self.footer_sum = row
        for cell in row.cells:
            for kind, count in _COUNT_RE.findall(cell):
                self.footer_counts[kind.casefold()] = int(count)

    def parse(self, row: Row, number: str) -> _Line | None:
        """One position line, or None after recording its RowError(s)."""
        ok = True
        dates: dict[str, date] = {}
        for role in DATE_ROLES:
            text = self.cell(row, role)
            if text:
                try:
                    # Bookings lie near today, also in the next years: "02.01.27" is 2027.
                    dates[role] = parse_date(text, self.today, years_ahead=BOOKING_YEARS_AHEAD)
                except ValueError as exc:
                    self.fail(row, role, "date_invalid", _reason(exc, text))
                    ok = False
        if ok and not dates:
            self.fail(row, "service_date", "date_missing")
            ok = False
        gross = self.cell(row, "gross")
        amount = Decimal(0)
        if not gross:
            self.fail(row, "gross", "amount_missing")
            ok = False
        else:
            try:
                amount = parse_decimal(gross)
            except ValueError as exc:
                self.fail(row, "gross", "amount_invalid", _reason(exc, gross))
                ok = False
        hours_ok, hours = self.hours(row, amount)
        ok = ok and hours_ok
        email = self.email(row)
        if not ok:
            return None
        extra = (
            {"invoice_date": format_date(dates["invoice_date"])} if "invoice_date" in dates else {}
        )
        extra |= {r: v for r in ("booked_at", "payment", "status") if (v := self.cell(row, r))}
        return _Line(
            line=row.line,
            number=number,
            service_date=dates.get("service_date") or dates["invoice_date"],
            amount=amount,
            hours=hours,
            customer_number=self.cell(row, "customer_number"),
            email=email,
            customer_name=" ".join(self.cell(row, "customer_name").split()),
            facility=self.cell(row, "facility"),
            description=" ".join(self.cell(row, "description").split()),
            status=self.cell(row, "status"),
            extra=extra,
        )

    def hours(self, row: Row, amount: Decimal) -> tuple[bool, Decimal | None]:
        """(ok, hours): hours from the hours column, else from Beginn/Ende, else None."""
        text = self.cell(row, "hours")
        if text:
            try:
                return True, parse_hours(text)
            except ValueError as exc:
                self.fail(row, "hours", "hours_invalid", _reason(exc, text))
                return False, None
        start, end = self.cell(row, "start"), self.cell(row, "end")
        if not (start and end):
            return True, None
        begin, finish = _minutes(start), _minutes(end)
        if begin is None or finish is None:
            role = "start" if begin is None else "end"
            self.fail(row, role, "time_invalid", params(start=start, end=end))
            return False, None
        # End before start: the booking runs past midnight.
        hours = (Decimal((finish - begin) % (24 * 60)) / 60).quantize(Decimal("0.01"))
        hours = hours.normalize() if hours else Decimal(0)
        return True, -hours if amount < 0 else hours  # a storno line gives its hours back

    def email(self, row: Row) -> str:
        text = self.cell(row, "email")
        if not text:
            return ""
        valid, problems = check_emails(text)
        if not valid:
            first = problems[0] if problems else FormatError("email_not_address", value=text)
            values = params(value=text) + first.params()
            column = self.name("email")
            self.warnings.append(RowWarning.of(row.line, column, "email_ignored", values))
            return ""
        return valid[0]

    def documents(self) -> list[BookingDocument]:
        docs: list[BookingDocument] = []
        for number, lines in self.lines.items():
            bad = self.rejected.get(number)
            if bad is None:
                bad = self.conflict(number, lines)
            if bad is not None:
                for ln in lines:
                    if ln.line != bad:
                        values = params(number=number, other_line=bad)
                        error = RowError.of(ln.line, None, "document_rejected", values)
                        self.errors.append(error)
                continue
            docs.append(self.merge(number, lines))
        stornos = {d.cancels for d in docs if d.cancels}
        return [replace(d, cancelled=True) if d.number in stornos else d for d in docs]

    def conflict(self, number: str, lines: list[_Line]) -> int | None:
        first = next((ln for ln in lines if ln.customer_number), None)
        for ln in lines:
            if first is not None and ln.customer_number not in ("", first.customer_number):
                values = params(
                    number=number,
                    value=ln.customer_number,
                    expected=first.customer_number,
                    other_line=first.line,
                )
                column = self.name("customer_number")
                self.errors.append(RowError.of(ln.line, column, "document_conflict", values))
                return ln.line
        return None

    def merge(self, number: str, lines: list[_Line]) -> BookingDocument:
        amount = sum((ln.amount for ln in lines), Decimal(0))
        known = [ln.hours for ln in lines if ln.hours is not None]
        descriptions = list(dict.fromkeys(ln.description for ln in lines if ln.description))
        cancels = next((r for d in descriptions if (r := _storno_reference(d))), None)
        if cancels == number:
            cancels = None
        storno = cancels is not None or (amount < 0 and bool(_STORNO_PREFIX_RE.match(number)))
        if storno and cancels is None:
            warning = RowWarning.of(lines[0].line, None, "storno_unreferenced", number=number)
            self.warnings.append(warning)
        extra: dict[str, str] = {}
        for ln in reversed(lines):
            extra |= ln.extra
        return BookingDocument(
            number=number,
            service_date=format_date(min(ln.service_date for ln in lines)),
            customer_number=_first(ln.customer_number for ln in lines),
            email=_first(ln.email for ln in lines),
            customer_name=_first(ln.customer_name for ln in lines),
            amount=amount,
            hours=sum(known, Decimal(0)) if known else None,
            facility=_first(ln.facility for ln in lines),
            description=" | ".join(descriptions),
            lines=tuple(ln.line for ln in lines),
            cancels=cancels,
            cancelled=not storno and any(_is_cancelled(ln.status) for ln in lines),
            extra=extra,
        )

    def checksum(self, documents: int) -> tuple[str | None, Params]:
        problems = []
        unreadable = 0
        if self.footer_sum is not None:
            for role in _SUMMED_ROLES:
                text = self.cell(self.footer_sum, role)
                try:
                    expected = _summed(role, text)
                except ValueError:
                    continue
                if expected != self.sums[role]:
                    unreadable += self.unreadable[role]
                    problems.append(
                        f"{self.name(role)} {format_decimal(expected)} ≠ "
                        f"{format_decimal(self.sums[role])}"
                    )
        for kind, actual in (("positionen", self.rows), ("belege", documents)):
            expected_count = self.footer_counts.get(kind)
            if expected_count is not None and expected_count != actual:
                problems.append(f"Anzahl {kind.capitalize()} {expected_count} ≠ {actual}")
        if not problems:
            return None, ()
        values = params(details="; ".join(problems), unreadable=unreadable or "")
        return english("checksum", values), values


def read_bookings(
    table: Table, *, today: date, columns: Mapping[str, str] = BOOKING_COLUMNS
) -> BookingBatch:
    """Read every row of an invoice journal into documents, row errors and warnings.

    `columns` maps normalized header names to roles (default `BOOKING_COLUMNS`). Never
    raises for bad rows; the `Table` may raise `InputError` for an unreadable file.
    """
    reader = _Reader(table, columns, today)
    for row in table.rows():
        reader.read(row)
    documents = reader.documents()
    used = set(reader.cols.values())
    unmapped = tuple(name for i, name in enumerate(reader.header) if i not in used and name.strip())
    checksum, checksum_params = reader.checksum(
        len(reader.lines) + len(reader.rejected.keys() - reader.lines)
    )
    return BookingBatch(
        documents=tuple(documents),
        errors=tuple(sorted(reader.errors, key=lambda e: e.line)),
        warnings=tuple(sorted(reader.warnings, key=lambda w: w.line)),
        rows=reader.rows,
        checksum=checksum,
        unmapped=unmapped,
        checksum_params=checksum_params,
    )


def _reason(exc: ValueError, text: str) -> Params:
    """Params of a row error about `text`: the value, and why, when formats names it."""
    return params(value=text) + (exc.params() if isinstance(exc, FormatError) else ())


def _summed(role: str, text: str) -> Decimal:
    return parse_hours(text) if role == "hours" else parse_decimal(text)


def _minutes(text: str) -> int | None:
    """Minutes since midnight of "hh:mm" (or "hh.mm"), None when it is not a time."""
    match = _TIME_RE.fullmatch(text)
    if match is None or int(match[1]) > 24 or int(match[2]) > 59:
        return None
    return int(match[1]) * 60 + int(match[2])


def _storno_reference(description: str) -> str | None:
    """The document a storno description refers to, upper-cased, or None."""
    match = _STORNO_RE.match(description)
    ref = match["ref"] if match else ""
    # "Storno RE-21" and "Storno 4711" refer to documents, "Storno 2 Std." does not.
    if not ref or (ref[0].isdigit() and sum(c.isdigit() for c in ref) < 3):
        return None
    return ref.upper()


def _is_cancelled(status: str) -> bool:
    return status.casefold().startswith(("storn", "cancel"))


def _first(values: Iterable[str]) -> str | None:
    return next((v for v in values if v), None)
