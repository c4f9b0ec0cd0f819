"""Customer export rows → contact records, with every row problem collected and duplicates merged.

Rows stream through one at a time; each row's problems are all reported (never only the
first). Rows are keyed by their normalised e-mail: two rows with the same e-mail and the same
first name (or one of them empty) are one person and merge; a different first name is a
shared family mailbox, and the later row goes to review instead of being imported.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hubsync.customers.rows import Column, ParsedRow, RowParser
from hubsync.errors import InputError
from hubsync.intake.csvread import Row, Table
from hubsync.mapping.columns import Mapping
from hubsync.records import CustomerRecord, RowError, RowWarning

ADDITIONAL_EMAILS = "hs_additional_emails"


@dataclass(frozen=True)
class CustomerBatch:
    """What one customer file yields: records to sync plus everything to report.

    `errors` are rejected rows, `reviews` rows held back for a person to decide (shared
    mailbox), `merges` pairs (merged line, kept line), `rows` the data rows read.
    """

    records: tuple[CustomerRecord, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[RowWarning, ...]
    reviews: tuple[RowError, ...]
    merges: tuple[tuple[int, int], ...]
    unmapped: tuple[str, ...]
    rows: int
    contacts: int = -1  # distinct contacts; equals len(records) unless records were not kept

    def __post_init__(self) -> None:
        if self.contacts < 0:
            object.__setattr__(self, "contacts", len(self.records))


def read_customers(
    table: Table,
    mapping: Mapping,
    *,
    category: str | None,
    today: date,
    keep: bool = True,
    workers: int | None = None,
) -> CustomerBatch:
    """Read every customer row of `table` into records keyed by e-mail, merging duplicates.

    With `keep=False` (`hubsync validate`) no records are kept: per e-mail only the line
    and first name of its first row are remembered, as small integers, so a million-row
    file is checked in constant memory per contact; `contacts` still counts them, and a
    shared-mailbox review names the other line (not the other person). Rows of a large
    file are then parsed on `workers` processes (default: one per core).
    Raises InputError when the file has no e-mail column at all.
    """
    if not keep:
        if workers is None:
            large = Path(table.info.path).stat().st_size >= PARALLEL_FROM_BYTES
            workers = (os.cpu_count() or 1) if large else 1
        return _check_customers(table, mapping, category=category, today=today, workers=workers)
    stream = _RowStream(table, mapping, category, today)
    groups: dict[str, list[ParsedRow]] = {}
    reviews: list[RowError] = []
    merges: list[tuple[int, int]] = []
    for parsed, parser in stream:
        group = groups.setdefault(parsed.email, [])
        kept = next((p for p in group if p.first_key), group[0]) if group else None
        if kept is None or not parsed.first_key or parsed.first_key == kept.first_key:
            if group:
                merges.append((parsed.line, group[0].line))
            group.append(parsed)
            continue
        reviews.append(
            RowError.of(
                parsed.line,
                parser.email_column,
                "shared_mailbox",
                email=parsed.email,
                other_line=kept.line,
                other_name=kept.name(),
                other_number=kept.number,
            )
        )
    # Popping while merging keeps the peak near one copy of the data, not two.
    records = tuple(_merge(groups.pop(email)) for email in list(groups))
    return CustomerBatch(
        records=records,
        errors=tuple(stream.errors),
        warnings=tuple(stream.warnings),
        reviews=tuple(reviews),
        merges=tuple(merges),
        unmapped=mapping.unmapped(table.info.header),
        rows=stream.rows,
    )


def _columns(table: Table, mapping: Mapping) -> tuple[Column, ...]:
    columns = tuple(
        Column(i, table.info.header[i], spec)
        for i, norm in enumerate(table.info.normalized)
        if (spec := mapping.contact_fields.get(norm)) is not None
    )
    if not any(c.spec.property == "email" for c in columns):
        raise InputError(
            table.info.path,
            reason="no_email_column",
        )
    return columns


class _RowStream:
    """The accepted rows of a customer table, one at a time; collects row problems."""

    def __init__(self, table: Table, mapping: Mapping, category: str | None, today: date):
        self.table = table
        self.columns = _columns(table, mapping)
        self.category = category
        self.today = today
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.rows = 0

    def __iter__(self) -> Iterator[tuple[ParsedRow, RowParser]]:
        header = self.table.info.header
        for row in self.table.rows():
            if row.footer:
                continue
            self.rows += 1
            parser = RowParser(row, header, self.category, self.today)
            parsed = parser.parse(self.columns)
            self.errors += parser.errors
            self.warnings += parser.warnings
            if parsed is not None:
                yield parsed, parser


# One accepted row as `validate` needs it: line, e-mail, first-name key, e-mail column.
_Accepted = tuple[int, str, str, str | None]
_Chunk = tuple[list[_Accepted], list[RowError], list[RowWarning]]
CHUNK_ROWS = 2_000
PARALLEL_FROM_BYTES = 20_000_000  # smaller files are read faster than processes start


def _parse_chunk(
    rows: list[Row],
    header: tuple[str, ...],
    columns: tuple[Column, ...],
    category: str | None,
    today: date,
) -> _Chunk:
    """Parse rows (in a worker process, for large files): accepted rows and row problems."""
    accepted: list[_Accepted] = []
    errors: list[RowError] = []
    warnings: list[RowWarning] = []
    for row in rows:
        parser = RowParser(row, header, category, today)
        parsed = parser.parse(columns)
        errors += parser.errors
        warnings += parser.warnings
        if parsed is not None:
            accepted.append((parsed.line, parsed.email, parsed.first_key, parser.email_column))
    return accepted, errors, warnings


def _chunks(
    table: Table, columns: tuple[Column, ...], category: str | None, today: date, workers: int
) -> Iterator[tuple[int, _Chunk]]:
    """(rows, parsed chunk) in file order; spread over `workers` processes when > 1.

    The file is read here and parsed there: parsing (phone numbers, e-mails, dates) is
    what costs, and results are consumed in submission order, so the outcome is the
    same as reading sequentially.
    """
    data = (row for row in table.rows() if not row.footer)
    header = table.info.header
    pieces = iter(lambda: list(itertools.islice(data, CHUNK_ROWS)), [])
    if workers <= 1:
        for piece in pieces:
            yield len(piece), _parse_chunk(piece, header, columns, category, today)
        return
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: collections.deque[tuple[int, concurrent.futures.Future[_Chunk]]] = (
            collections.deque()
        )
        for piece in pieces:
            job = pool.submit(_parse_chunk, piece, header, columns, category, today)
            pending.append((len(piece), job))
            if len(pending) > 2 * workers:  # bounded: memory stays flat
                count, done = pending.popleft()
                yield count, done.result()
        while pending:
            count, done = pending.popleft()
            yield count, done.result()


def _check_customers(
    table: Table, mapping: Mapping, *, category: str | None, today: date, workers: int = 1
) -> CustomerBatch:
    """`read_customers(keep=False)`: the same errors, warnings, reviews and counts."""
    columns = _columns(table, mapping)
    # hash(e-mail) → (line << 32) | hash(first name) & 0xFFFFFFFF: two ints per contact.
    seen: dict[int, int] = {}
    errors: list[RowError] = []
    warnings: list[RowWarning] = []
    reviews: list[RowError] = []
    merges: list[tuple[int, int]] = []
    rows = 0
    for count, (accepted, chunk_errors, chunk_warnings) in _chunks(
        table, columns, category, today, workers
    ):
        rows += count
        errors += chunk_errors
        warnings += chunk_warnings
        for line, email, first_key, email_column in accepted:
            key = hash(email)
            first = hash(first_key) & 0xFFFFFFFF if first_key else 0
            kept = seen.get(key)
            if kept is None:
                seen[key] = (line << 32) | first
                continue
            kept_line, kept_first = kept >> 32, kept & 0xFFFFFFFF
            if not first or not kept_first or first == kept_first:
                merges.append((line, kept_line))
                if not kept_first and first:
                    seen[key] = (kept_line << 32) | first
                continue
            reviews.append(
                RowError.of(
                    line,
                    email_column,
                    "shared_mailbox",
                    email=email,
                    other_line=kept_line,
                    other_name="",
                    other_number="",
                )
            )
    return CustomerBatch(
        records=(),
        errors=tuple(errors),
        warnings=tuple(warnings),
        reviews=tuple(reviews),
        merges=tuple(merges),
        unmapped=mapping.unmapped(table.info.header),
        rows=rows,
        contacts=len(seen),
    )


def _merge(rows: list[ParsedRow]) -> CustomerRecord:
    """One record from rows of one person: the newest row wins each field it has."""
    ordered = sorted(rows, key=ParsedRow.age)
    props: dict[str, str] = {}
    blank: set[str] = set()
    facility: str | None = None
    extra: list[str] = []
    for row in ordered:
        props |= row.props
        blank |= row.blank
        facility = row.facility or facility
        extra += row.extra_emails
    numbers = tuple(dict.fromkeys(row.number for row in ordered if row.number))
    email = ordered[0].email
    additional = [e for e in dict.fromkeys(extra) if e != email]
    if additional:
        props[ADDITIONAL_EMAILS] = ";".join(additional)
    if numbers:  # the earliest registration is the primary number: stable across runs
        props[ordered[0].number_property] = numbers[0]
    props["email"] = email
    first_key = next((r.first_key for r in reversed(ordered) if r.first_key), "")
    return CustomerRecord(
        email=email,
        customer_numbers=numbers,
        properties=props,
        blank=frozenset(blank - props.keys()),
        facility=facility,
        lines=tuple(sorted(row.line for row in rows)),
        first_name=first_key,
    )
