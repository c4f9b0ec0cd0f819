"""Journal lines → positions (`Line`) or their row errors, and the footer's sums and counts.

`LineReader.read` takes one row at a time: it skips blank and subtotal lines, counts the
booking lines and adds their amounts for the footer check, and keeps each usable line under
its document number; `reading` makes documents of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hubsync.intake.csvread import Row, Table
from hubsync.intake.emails import check_emails
from hubsync.intake.formats import FormatError, format_date, parse_date, parse_decimal, parse_hours
from hubsync.mapping.booking_columns import BOOKING_ROLES, DATE_ROLES
from hubsync.records import Params, RowError, RowWarning, params

_KEY_ROLES = DATE_ROLES + ("gross", "customer_number", "customer_name", "email", "description")
SUMMED_ROLES = ("gross", "net", "vat", "hours")
_NUMBER_RE = re.compile(r"^[A-Za-z]{0,6}[-/ ]?\d[A-Za-z0-9._/-]*$")
_TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")
_COUNT_RE = re.compile(r"anzahl\s+(belege|positionen)\s*:?\s*(\d+)", re.IGNORECASE)
BOOKING_YEARS_AHEAD = 10  # two-digit years up to today's + 10 are 20yy in booking dates


@dataclass(frozen=True)
class Line:
    """One usable position line of a document."""

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


class LineReader:
    """State of one pass over a journal: the column roles and everything collected."""

    def __init__(self, table: Table, aliases: Mapping[str, str], today: date) -> None:
        self.header = table.info.header
        self.cols = _columns(table.info.normalized, aliases)
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.lines: dict[str, list[Line]] = {}
        self.rejected: dict[str, int] = {}  # document number → first rejected line
        self.sums = dict.fromkeys(SUMMED_ROLES, Decimal(0))
        self.unreadable = dict.fromkeys(SUMMED_ROLES, 0)
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
        for role in SUMMED_ROLES:
            text = self.cell(row, role)
            if text:
                try:
                    self.sums[role] += summed(role, text)
                except ValueError:
                    self.unreadable[role] += 1

    def note_footer(self, row: Row) -> None:
        first = next((c.strip() for c in row.cells if c.strip()), "")
        if first.casefold().startswith("summe"):
            self.footer_sum = row
        for cell in row.cells:
            for kind, count in _COUNT_RE.findall(cell):
                self.footer_counts[kind.casefold()] = int(count)

    def parse(self, row: Row, number: str) -> Line | None:
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
        return Line(
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


def _reason(exc: ValueError, text: str) -> Params:
    """Params of a row error about `text`: the value, and why, when formats names it."""
    return params(value=text) + (exc.params() if isinstance(exc, FormatError) else ())


def summed(role: str, text: str) -> Decimal:
    return parse_hours(text) if role == "hours" else parse_decimal(text)


def _minutes(text: str) -> int | None:
    """Minutes since midnight of "hh:mm" (or "hh.mm"), None when it is not a time."""
    match = _TIME_RE.fullmatch(text)
    if match is None or int(match[1]) > 24 or int(match[2]) > 59:
        return None
    return int(match[1]) * 60 + int(match[2])
