"""Invoice-journal rows → `BookingDocument` records, with row errors, warnings and checksums.

Reading is pure apart from iterating the `Table`. Lines with the same document number
form one document (amounts and hours summed). A line is rejected with a `RowError`
when its number, amount, hours or dates are unusable; a rejected line rejects its whole
document (its other lines get `document_rejected`), so no deal is ever written with a
partial amount. Footer lines ("Summe", "Anzahl …") are skipped and cross-checked. The
line-by-line part (`LineReader`) is `bookings.lines`; documents and the checksum are here.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from hubsync.bookings.lines import SUMMED_ROLES, Line, LineReader, summed
from hubsync.catalogue.rows import english
from hubsync.intake.csvread import Table
from hubsync.intake.formats import format_date, format_decimal
from hubsync.mapping.booking_columns import BOOKING_COLUMNS
from hubsync.records import BookingDocument, Params, RowError, RowWarning, params

_STORNO_RE = re.compile(
    r"^\s*storno\b(?:\s+zu)?\s*:?\s*(?:rechnung\s+|nr\.?\s*)?"
    r"(?P<ref>[A-Za-z]{0,6}[-/]?\d[A-Za-z0-9._/-]*?)[.:,;)]?(?:\s|$)",
    re.IGNORECASE,
)
_STORNO_PREFIX_RE = re.compile(r"^(?:ST|SR)[-/]", re.IGNORECASE)


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


def read_bookings(
    table: Table, *, today: date, columns: Mapping[str, str] = BOOKING_COLUMNS
) -> BookingBatch:
    """Read every row of an invoice journal into documents, row errors and warnings.

    `columns` maps normalized header names to roles (default `BOOKING_COLUMNS`). Never
    raises for bad rows; the `Table` may raise `InputError` for an unreadable file.
    """
    reader = LineReader(table, columns, today)
    for row in table.rows():
        reader.read(row)
    documents = _documents(reader)
    used = set(reader.cols.values())
    unmapped = tuple(name for i, name in enumerate(reader.header) if i not in used and name.strip())
    checksum, checksum_params = _checksum(
        reader, len(reader.lines) + len(reader.rejected.keys() - reader.lines)
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


def _documents(reader: LineReader) -> list[BookingDocument]:
    docs: list[BookingDocument] = []
    for number, lines in reader.lines.items():
        bad = reader.rejected.get(number)
        if bad is None:
            bad = _conflict(reader, number, lines)
        if bad is not None:
            for ln in lines:
                if ln.line != bad:
                    values = params(number=number, other_line=bad)
                    error = RowError.of(ln.line, None, "document_rejected", values)
                    reader.errors.append(error)
            continue
        docs.append(_merge(reader, number, lines))
    stornos = {d.cancels for d in docs if d.cancels}
    return [replace(d, cancelled=True) if d.number in stornos else d for d in docs]


def _conflict(reader: LineReader, number: str, lines: list[Line]) -> int | None:
    first = next((ln for ln in lines if ln.customer_number), None)
    for ln in lines:
        if first is not None and ln.customer_number not in ("", first.customer_number):
            values = params(
                number=number,
                value=ln.customer_number,
                expected=first.customer_number,
                other_line=first.line,
            )
            column = reader.name("customer_number")
            reader.errors.append(RowError.of(ln.line, column, "document_conflict", values))
            return ln.line
    return None


def _merge(reader: LineReader, number: str, lines: list[Line]) -> BookingDocument:
    amount = sum((ln.amount for ln in lines), Decimal(0))
    known = [ln.hours for ln in lines if ln.hours is not None]
    descriptions = list(dict.fromkeys(ln.description for ln in lines if ln.description))
    cancels = next((r for d in descriptions if (r := _storno_reference(d))), None)
    if cancels == number:
        cancels = None
    storno = cancels is not None or (amount < 0 and bool(_STORNO_PREFIX_RE.match(number)))
    if storno and cancels is None:
        warning = RowWarning.of(lines[0].line, None, "storno_unreferenced", number=number)
        reader.warnings.append(warning)
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


def _checksum(reader: LineReader, documents: int) -> tuple[str | None, Params]:
    problems = []
    unreadable = 0
    if reader.footer_sum is not None:
        for role in SUMMED_ROLES:
            text = reader.cell(reader.footer_sum, role)
            try:
                expected = summed(role, text)
            except ValueError:
                continue
            if expected != reader.sums[role]:
                unreadable += reader.unreadable[role]
                problems.append(
                    f"{reader.name(role)} {format_decimal(expected)} ≠ "
                    f"{format_decimal(reader.sums[role])}"
                )
    for kind, actual in (("positionen", reader.rows), ("belege", documents)):
        expected_count = reader.footer_counts.get(kind)
        if expected_count is not None and expected_count != actual:
            problems.append(f"Anzahl {kind.capitalize()} {expected_count} ≠ {actual}")
    if not problems:
        return None, ()
    values = params(details="; ".join(problems), unreadable=unreadable or "")
    return english("checksum", values), values


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
