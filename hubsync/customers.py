"""Customer export rows → contact records, with every row problem collected and duplicates merged.

Rows stream through one at a time; each row's problems are all reported (never only the
first). Rows are keyed by their normalised e-mail: two rows with the same e-mail and the same
first name (or one of them empty) are one person and merge; a different first name is a
shared family mailbox, and the later row goes to review instead of being imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from hubsync.csvread import Table
from hubsync.customer_rows import Column, ParsedRow, RowParser
from hubsync.errors import InputError
from hubsync.mapping import Mapping
from hubsync.records import CustomerRecord, RowError, RowWarning, params

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
    table: Table, mapping: Mapping, *, category: str | None, today: date, keep: bool = True
) -> CustomerBatch:
    """Read every customer row of `table` into records keyed by e-mail, merging duplicates.

    With `keep=False` (`hubsync validate`) no records are kept: per e-mail only the line
    and first name of its first row are remembered, as small integers, so a million-row
    file is checked in constant memory per contact; `contacts` still counts them, and a
    shared-mailbox review names the other line (not the other person).
    Raises InputError when the file has no e-mail column at all.
    """
    if not keep:
        return _check_customers(table, mapping, category=category, today=today)
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
            RowError(
                parsed.line,
                parser.email_column,
                f"same e-mail {parsed.email} as {kept.who()} but a different first name: "
                f"probably a shared (family) mailbox. Not imported; give this person an own "
                f"e-mail address in the booking system or enter the contact by hand.",
                "shared_mailbox",
                params(
                    email=parsed.email,
                    other_line=kept.line,
                    other_name=kept.name(),
                    other_number=kept.number,
                ),
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
            "no e-mail column (expected e.g. E-Mail or Email)",
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


def _check_customers(
    table: Table, mapping: Mapping, *, category: str | None, today: date
) -> CustomerBatch:
    """`read_customers(keep=False)`: the same errors, warnings, reviews and counts."""
    stream = _RowStream(table, mapping, category, today)
    # hash(e-mail) → (line << 32) | hash(first name) & 0xFFFFFFFF: two ints per contact.
    seen: dict[int, int] = {}
    reviews: list[RowError] = []
    merges: list[tuple[int, int]] = []
    for parsed, parser in stream:
        key = hash(parsed.email)
        first = hash(parsed.first_key) & 0xFFFFFFFF if parsed.first_key else 0
        kept = seen.get(key)
        if kept is None:
            seen[key] = (parsed.line << 32) | first
            continue
        kept_line, kept_first = kept >> 32, kept & 0xFFFFFFFF
        if not first or not kept_first or first == kept_first:
            merges.append((parsed.line, kept_line))
            if not kept_first and first:
                seen[key] = (kept_line << 32) | first
            continue
        reviews.append(
            RowError(
                parsed.line,
                parser.email_column,
                f"same e-mail {parsed.email} as line {kept_line} but a different first name: "
                f"probably a shared (family) mailbox. Not imported; give this person an own "
                f"e-mail address in the booking system or enter the contact by hand.",
                "shared_mailbox",
                params(email=parsed.email, other_line=kept_line, other_name="", other_number=""),
            )
        )
    return CustomerBatch(
        records=(),
        errors=tuple(stream.errors),
        warnings=tuple(stream.warnings),
        reviews=tuple(reviews),
        merges=tuple(merges),
        unmapped=mapping.unmapped(table.info.header),
        rows=stream.rows,
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
