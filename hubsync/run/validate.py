"""`hubsync validate`: the offline part of a run, for whoever programs the export.

Reads each file exactly as a run would (encoding, delimiter, header row, mapping,
every row's problems) and says what it found; it sends, writes and moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from hubsync.bookings.reading import read_bookings
from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import Lang
from hubsync.config import Settings
from hubsync.customers.reading import read_customers
from hubsync.errors import InputError
from hubsync.inbox.classify import classify
from hubsync.intake.csvread import Table
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.records import RowError, RowWarning
from hubsync.report.errors_csv import hide_own_columns
from hubsync.report.messages import describe, explain
from hubsync.summary import FileKind

MAX_LINES = 50


def _problems(kind: str, items: Sequence[RowError | RowWarning], t: Lang) -> list[str]:
    lines = []
    for item in items[:MAX_LINES]:
        where = t("at_line", line=item.line)
        where += t("at_column", column=item.column) if item.column else ""
        lines.append(t(f"v_{kind}", where=where, text=describe(item, t.code)))
    if len(items) > MAX_LINES:
        lines.append(t(f"v_more_{kind}s", n=len(items) - MAX_LINES))
    return lines


def validate_file(
    path: Path, mapping: Mapping, settings: Settings, today: date, *, language: str = "de"
) -> tuple[list[str], bool]:
    """The report lines for one file and whether it is free of row errors.

    Written in `language` ("de" or "en"). A file that turns out unreadable while its rows
    are read (a field over the CSV limit) is REJECTED, like one whose header cannot be read.
    """
    t = Lang(language, CONSOLE)
    try:
        return _validate_file(path, mapping, settings, today, t)
    except InputError as error:
        return [t("v_rejected", path=path, reason=explain(error, language))], False


def _validate_file(
    path: Path, mapping: Mapping, settings: Settings, today: date, t: Lang
) -> tuple[list[str], bool]:
    if not path.is_file():
        return [t("v_missing", path=path)], False
    item = classify(path, mapping)
    if item.table is None or item.error is not None:
        error = item.error or InputError(path.name, reason="unreadable")
        return [t("v_rejected", path=path, reason=explain(error, t.code))], False
    info = item.table.info
    delimiter = {"\t": "TAB", ";": ";", ",": ",", "|": "|"}.get(info.delimiter, info.delimiter)
    kind = t(f"v_kind_{item.kind}")
    lines = [
        t(
            "v_file",
            path=path,
            kind=kind,
            encoding=info.encoding,
            delimiter=delimiter,
            line=info.header_line,
            columns=len(info.header),
        )
    ]
    if item.kind is FileKind.CUSTOMERS:
        errors, warnings, unmapped = _customers(item.table, mapping, settings, today, t, lines)
    else:
        errors, warnings, unmapped = _bookings(item.table, mapping, today, t, lines)
    unmapped = hide_own_columns(unmapped)
    if unmapped:
        lines.append(t("v_unmapped", columns=", ".join(unmapped)))
    lines += _problems("error", errors, t)
    lines += _problems("warning", warnings, t)
    return lines, not errors


_Found = tuple[Sequence[RowError], Sequence[RowWarning], tuple[str, ...]]


def _customers(
    table: Table, mapping: Mapping, settings: Settings, today: date, t: Lang, lines: list[str]
) -> _Found:
    info, fields = table.info, mapping.contact_fields
    mapped = [
        f"{name} → {fields[norm].property}"
        for name, norm in zip(info.header, info.normalized, strict=False)
        if norm in fields
    ]
    lines.append(t("v_columns", columns=", ".join(mapped)))
    batch = read_customers(
        table, mapping, category=settings.contact_category, today=today, keep=False
    )
    lines.append(
        t(
            "v_customers",
            rows=batch.rows,
            contacts=batch.contacts,
            errors=len(batch.errors),
            reviews=len(batch.reviews),
            merges=len(batch.merges),
            warnings=len(batch.warnings),
        )
    )
    errors = sorted((*batch.errors, *batch.reviews), key=lambda e: e.line)
    return errors, batch.warnings, batch.unmapped


def _bookings(table: Table, mapping: Mapping, today: date, t: Lang, lines: list[str]) -> _Found:
    bookings = read_bookings(table, today=today, columns=mapping.booking_fields)
    deals = [d for d in bookings.documents if not d.cancels]
    lines.append(
        t(
            "v_bookings",
            rows=bookings.rows,
            documents=len(bookings.documents),
            deals=len(deals),
            stornos=len(bookings.documents) - len(deals),
            errors=len(bookings.errors),
            warnings=len(bookings.warnings),
        )
    )
    if bookings.checksum:
        checksum = RowWarning.of(0, None, "checksum", bookings.checksum_params)
        lines.append(t("v_checksum", text=describe(checksum, t.code)))
    return bookings.errors, bookings.warnings, bookings.unmapped


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
