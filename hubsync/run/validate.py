"""`hubsync validate`: the offline part of a run, for whoever programs the export.

Reads each file exactly as a run would (encoding, delimiter, header row, mapping,
every row's problems) and says what it found; it sends, writes and moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hubsync.bookings.reading import read_bookings
from hubsync.config import Settings
from hubsync.customers.reading import read_customers
from hubsync.errors import InputError
from hubsync.inbox.classify import classify
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.records import RowError, RowWarning
from hubsync.report.errors_csv import hide_own_columns
from hubsync.report.messages import describe
from hubsync.summary import FileKind

MAX_LINES = 50


def _problems(kind: str, items: Sequence[RowError | RowWarning], language: str) -> list[str]:
    lines = []
    for item in items[:MAX_LINES]:
        column = f", column {item.column!r}" if item.column else ""
        lines.append(f"  {kind} line {item.line}{column}: {describe(item, language)}")
    if len(items) > MAX_LINES:
        lines.append(f"  … and {len(items) - MAX_LINES} more {kind}s")
    return lines


def validate_file(
    path: Path, mapping: Mapping, settings: Settings, today: date, *, language: str = "de"
) -> tuple[list[str], bool]:
    """The report lines for one file and whether it is free of row errors.

    Row errors and warnings are written in `language` ("de" or "en"). A file that turns
    out unreadable while its rows are read (a field over the CSV limit) is REJECTED,
    like one whose header cannot be read.
    """
    try:
        return _validate_file(path, mapping, settings, today, language)
    except InputError as error:
        return [f"{path}: REJECTED: {error}"], False


def _validate_file(
    path: Path, mapping: Mapping, settings: Settings, today: date, language: str
) -> tuple[list[str], bool]:
    if not path.is_file():
        return [f"{path}: no such file"], False
    item = classify(path, mapping)
    if item.table is None or item.error is not None:
        error = item.error or InputError(path.name, "unreadable", reason="unreadable")
        return [f"{path}: REJECTED: {error}"], False
    info = item.table.info
    delimiter = {"\t": "TAB", ";": ";", ",": ",", "|": "|"}.get(info.delimiter, info.delimiter)
    lines = [
        f"{path}: {item.kind} export, encoding {info.encoding}, delimiter {delimiter!r}, "
        f"header on line {info.header_line} ({len(info.header)} columns)"
    ]
    if item.kind is FileKind.CUSTOMERS:
        fields = mapping.contact_fields
        mapped = [
            f"{name} → {fields[norm].property}"
            for name, norm in zip(info.header, info.normalized, strict=False)
            if norm in fields
        ]
        lines.append("  columns: " + ", ".join(mapped))
        batch = read_customers(
            item.table, mapping, category=settings.contact_category, today=today, keep=False
        )
        lines.append(
            f"  {batch.rows} rows → {batch.contacts} contacts; rejected {len(batch.errors)}, "
            f"for review {len(batch.reviews)}, merged {len(batch.merges)}, "
            f"warnings {len(batch.warnings)}"
        )
        errors: Sequence[RowError] = sorted((*batch.errors, *batch.reviews), key=lambda e: e.line)
        warnings: Sequence[RowWarning] = batch.warnings
        unmapped = batch.unmapped
    else:
        bookings = read_bookings(item.table, today=today, columns=mapping.booking_fields)
        deals = [d for d in bookings.documents if not d.cancels]
        stornos = len(bookings.documents) - len(deals)
        lines.append(
            f"  {bookings.rows} rows → {len(bookings.documents)} documents ({len(deals)} deals, "
            f"{stornos} stornos); rejected {len(bookings.errors)}, "
            f"warnings {len(bookings.warnings)}"
        )
        if bookings.checksum:
            lines.append(f"  checksum: {bookings.checksum}")
        errors, warnings, unmapped = bookings.errors, bookings.warnings, bookings.unmapped
    unmapped = hide_own_columns(unmapped)
    if unmapped:
        lines.append("  columns not mapped (not imported): " + ", ".join(unmapped))
    lines += _problems("error", errors, language)
    lines += _problems("warning", warnings, language)
    return lines, not errors


def validate_files(
    paths: Sequence[Path],
    mapping_file: Path | None,
    settings: Settings,
    *,
    today: date,
    language: str = "de",
) -> tuple[str, bool]:
    """Validate every file as a run on `today` would; returns the report and if all were clean."""
    mapping = load_mapping(mapping_file)
    report: list[str] = []
    ok = True
    for path in paths:
        lines, clean = validate_file(path, mapping, settings, today, language=language)
        report += lines
        ok = ok and clean
    return "\n".join(report), ok
