"""The customer stage of a run: a customer file → HubSpot contacts.

Reading is offline (`read_customer_file`); `sync_customers` plans the contacts against
HubSpot and, unless it is a dry run, writes them. It receives its options and the run's
contact directory and returns its outcome, plus every customer number of the file whose
contact exists now (waiting deals are adopted from those).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from hubsync.customers.contacts import (
    ContactOptions,
    apply_contacts,
    plan_contacts,
    preview_contacts,
)
from hubsync.customers.directory import ContactDirectory
from hubsync.customers.reading import CustomerBatch, read_customers
from hubsync.hubspot import HubSpotClient
from hubsync.intake.csvread import Table
from hubsync.mapping.columns import Mapping
from hubsync.report.errors_csv import hide_own_columns
from hubsync.report.progress import batches
from hubsync.summary import FileKind, FileOutcome, FileStatus

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class CustomerFile:
    """A customer file as read offline: its records and the outcome so far."""

    batch: CustomerBatch
    outcome: FileOutcome

    @property
    def facilities(self) -> set[str]:
        return {r.facility for r in self.batch.records if r.facility}


@dataclass(frozen=True)
class CustomersDone:
    """The outcome of a synced customer file and the numbers whose contact exists now."""

    outcome: FileOutcome
    known_numbers: tuple[str, ...] = ()


def read_customer_file(
    name: str, table: Table, mapping: Mapping, *, category: str | None, today: date, dry_run: bool
) -> CustomerFile:
    """Read a customer export (offline); the outcome counts the contacts it would make."""
    batch = read_customers(table, mapping, category=category, today=today)
    rejected = (*batch.errors, *batch.reviews)
    outcome = FileOutcome(
        name=name,
        kind=FileKind.CUSTOMERS,
        status=FileStatus.PREVIEWED if dry_run else FileStatus.PROCESSED,
        rows=batch.rows,
        errors=tuple(sorted(rejected, key=lambda e: e.line)),
        warnings=batch.warnings,
        reviews=batch.reviews,
        unmapped_columns=hide_own_columns(batch.unmapped),
        contacts_created=len(batch.records),
    )
    return CustomerFile(batch, outcome)


def sync_customers(
    read: CustomerFile,
    client: HubSpotClient,
    mapping: Mapping,
    options: ContactOptions,
    directory: ContactDirectory,
    progress: Progress,
    *,
    dry_run: bool,
) -> CustomersDone:
    """Plan the file's contacts against HubSpot and write them (a dry run previews them
    in `directory` for the later stages instead)."""
    records, base = read.batch.records, read.outcome
    progress(
        f"{base.name}: reading {len(records)} contacts from HubSpot",
        2 * batches(len(records)),  # by customer number, then by e-mail
    )
    plan = plan_contacts(records, client, directory, mapping, options)
    counts = replace(
        base,
        contacts_created=len(plan.creates),
        contacts_updated=len(plan.updates),
        contacts_unchanged=len(plan.unchanged),
        updated_properties=plan.updated_properties(),
        errors=tuple(sorted((*base.errors, *plan.errors), key=lambda e: e.line)),
    )
    if dry_run:
        preview_contacts(plan, directory)
        return CustomersDone(counts)
    writes = len(plan.creates) + len(plan.updates)
    progress(f"{base.name}: writing {writes} contacts", batches(writes))
    result = apply_contacts(plan, client, directory)
    errors = sorted((*base.errors, *result.errors), key=lambda e: e.line)
    outcome = replace(
        counts,
        warnings=(*counts.warnings, *result.warnings),
        contacts_created=result.created,
        contacts_updated=result.updated,
        contacts_unchanged=result.unchanged,
        errors=tuple(errors),
    )
    return CustomersDone(outcome, result.known_numbers)
