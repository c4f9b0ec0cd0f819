"""Which kind of export is a file: customers, bookings, or neither?

Decided by the header columns (a booking export has a document number, a date and an
amount; a customer export has an e-mail or a customer number plus names), with the
mapping file's filename patterns taking precedence. Customer files come first in a run,
so that new customers exist before their bookings; each group oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hubsync.errors import InputError
from hubsync.intake.csvread import Table, open_table
from hubsync.mapping.booking_columns import is_booking_header
from hubsync.mapping.columns import Mapping
from hubsync.summary import FileKind


@dataclass(frozen=True)
class Classified:
    """A file of the inbox, opened (header found) and classified, or the reason it can't be."""

    path: Path
    kind: FileKind
    table: Table | None
    error: InputError | None = None


def known_columns(mapping: Mapping) -> frozenset[str]:
    return frozenset(mapping.known_columns())


def has_email_column(normalized: tuple[str, ...], mapping: Mapping) -> bool:
    fields = mapping.contact_fields
    return any(n in fields and fields[n].kind == "email" for n in normalized)


def classify_header(normalized: tuple[str, ...], mapping: Mapping) -> FileKind:
    """Booking exports also have an e-mail column, so they are recognised first."""
    if is_booking_header(normalized, mapping.booking_fields):
        return FileKind.BOOKINGS
    if has_email_column(normalized, mapping):
        return FileKind.CUSTOMERS
    return FileKind.UNKNOWN


def classify(path: Path, mapping: Mapping) -> Classified:
    """Open `path` and decide its kind; a file that can't be used carries its InputError."""
    try:
        table = open_table(path, known_columns(mapping))
    except InputError as exc:
        return Classified(path, FileKind.UNKNOWN, None, exc)
    named = mapping.classify(path.name)
    kind = FileKind(named) if named else classify_header(table.info.normalized, mapping)
    if kind is FileKind.UNKNOWN:
        header = ", ".join(table.info.header[:8])
        return Classified(
            path,
            kind,
            table,
            InputError(
                path.name,
                line=table.info.header_line,
                reason="unknown_kind",
                params=(("reason_header", header),),
            ),
        )
    if kind is FileKind.CUSTOMERS and not has_email_column(table.info.normalized, mapping):
        return Classified(
            path,
            kind,
            table,
            InputError(
                path.name,
                line=table.info.header_line,
                reason="no_email_column",
            ),
        )
    return Classified(path, kind, table)


def classify_inbox(paths: Iterable[Path], mapping: Mapping) -> list[Classified]:
    """Classify every path; customers first, then bookings, then unusable files (each in
    the order given, which is oldest first)."""
    items = [classify(p, mapping) for p in paths]
    order = {FileKind.CUSTOMERS: 0, FileKind.BOOKINGS: 1, FileKind.UNKNOWN: 2}
    return sorted(items, key=lambda c: order[c.kind])
