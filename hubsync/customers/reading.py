"""Customer export rows → contact records, with every row problem collected and duplicates merged.

Rows stream through in chunks (`chunks.parse_chunks`); each row's problems are all reported
(never only the first). Rows are keyed by their normalised e-mail, and `mailboxes.MergeRule`
decides which merge and which go to review as a shared mailbox.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hubsync.customers.chunks import PARALLEL_FROM_BYTES, parse_chunks
from hubsync.customers.mailboxes import Mailbox, MergeRule, PackedMailboxes, Verdict, shared_mailbox
from hubsync.customers.parsed import Column, ParsedRow
from hubsync.customers.rows import RowParser
from hubsync.errors import InputError
from hubsync.intake.csvread import Table
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

    With `keep=False` (`hubsync validate`) no records are kept: per e-mail only the merge
    rule's packed summary (`PackedMailboxes`), so a million-row file is checked in little
    memory; `contacts` still counts them. Rows of a large file are then parsed on `workers`
    processes (default: one per core). Errors, warnings, reviews and merges are the same
    either way. Raises InputError when the file has no e-mail column at all.
    """
    if workers is None:
        large = not keep and Path(table.info.path).stat().st_size >= PARALLEL_FROM_BYTES
        workers = (os.cpu_count() or 1) if large else 1
    parser = RowParser(_columns(table, mapping), table.info.header, category, today)
    rule = MergeRule({} if keep else PackedMailboxes())
    groups: dict[str, list[ParsedRow]] = {}
    errors: list[RowError] = []
    warnings: list[RowWarning] = []
    reviews: list[RowError] = []
    merges: list[tuple[int, int]] = []
    rows = 0
    for chunk in parse_chunks(table, parser, keep=keep, workers=workers):
        rows += chunk.rows
        errors += chunk.errors
        warnings += chunk.warnings
        for email, column, fields, parsed in chunk.accepted:
            row = Mailbox._make(fields)
            verdict, kept = rule.decide(email, row)
            if verdict is Verdict.SHARED:
                reviews.append(shared_mailbox(row.line, column, email, kept))
                continue
            if verdict is Verdict.MERGE:
                merges.append((row.line, kept.first_line))
            if parsed is not None:
                groups.setdefault(email, []).append(parsed)
    # Popping while merging keeps the peak near one copy of the data, not two.
    records = tuple(_merge(groups.pop(email)) for email in list(groups))
    return CustomerBatch(
        records=records,
        errors=tuple(errors),
        warnings=tuple(warnings),
        reviews=tuple(reviews),
        merges=tuple(merges),
        unmapped=mapping.unmapped(table.info.header),
        rows=rows,
        contacts=len(rule),
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
