"""The booking stage of a run: a journal file → deals, associations and booking figures.

Reading is offline (`read_booking_file`, all that `validate` and a run without a token
do); `sync_bookings` then finds the contacts (`bookings.lookup`), plans and writes the
deals (`bookings.deals`) and recomputes the figures of every contact touched
(`bookings.figures_stage`). The stage receives its options and the run's caches; it
returns its outcome as a value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from hubsync.bookings.deals import DealOptions, DealPlan, apply_deals, plan_deals
from hubsync.bookings.figures_stage import DealCache, FigureOptions, refresh_figures
from hubsync.bookings.lookup import LookupOptions, resolve_contacts
from hubsync.bookings.reading import BookingBatch, read_bookings
from hubsync.customers.directory import ContactDirectory
from hubsync.hubspot import HubSpotClient
from hubsync.intake.csvread import Table
from hubsync.records import RowWarning
from hubsync.report.errors_csv import hide_own_columns
from hubsync.report.progress import batches
from hubsync.summary import FileKind, FileOutcome, FileStatus

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class BookingOptions:
    """Everything the online booking stage needs to know, decided once per run."""

    lookup: LookupOptions
    deals: DealOptions
    figures: FigureOptions


@dataclass(frozen=True)
class BookingsDone:
    """The outcome of a synced journal file and its (deal id, contact id) pairs."""

    outcome: FileOutcome
    pairs: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class BookingFile:
    """A journal file as read offline: its documents and the outcome so far."""

    batch: BookingBatch
    outcome: FileOutcome


def read_booking_file(
    name: str, table: Table, *, today: date, columns: Mapping[str, str], dry_run: bool
) -> BookingFile:
    """Read a booking export (offline); the outcome counts the deals it would make."""
    batch = read_bookings(table, today=today, columns=columns)
    warnings = list(batch.warnings)
    if batch.checksum:
        line = table.info.header_line
        warnings.append(RowWarning.of(line, None, "checksum", batch.checksum_params))
    outcome = FileOutcome(
        name=name,
        kind=FileKind.BOOKINGS,
        status=FileStatus.PREVIEWED if dry_run else FileStatus.PROCESSED,
        rows=batch.rows,
        errors=batch.errors,
        warnings=tuple(warnings),
        unmapped_columns=hide_own_columns(batch.unmapped),
        deals_created=sum(1 for d in batch.documents if not d.cancels),
    )
    return BookingFile(batch, outcome)


def _unassigned(plan: DealPlan, resolved: Mapping[str, str]) -> list[RowWarning]:
    warnings = []
    for number in sorted(n for n in plan.documents if n not in resolved):
        doc = plan.documents[number]
        customer = doc.customer_number or doc.customer_name or ""
        warnings.append(
            RowWarning.of(doc.lines[0], None, "unassigned", number=number, customer=customer)
        )
    return warnings


def sync_bookings(
    read: BookingFile,
    client: HubSpotClient,
    options: BookingOptions,
    directory: ContactDirectory,
    deals: DealCache,
    progress: Progress,
) -> BookingsDone:
    """Bring the deals, associations and figures of a read journal file up to date (a dry
    run plans only). `directory` and `deals` are the run's caches."""
    name, documents = read.outcome.name, list(read.batch.documents)
    progress(f"{name}: finding contacts of {len(documents)} documents", 0)
    resolved = resolve_contacts(client, directory, documents, options.lookup)
    progress(f"{name}: reading {len(documents)} deals", batches(len(documents)))
    plan = plan_deals(documents, client, options.deals, assigned=set(resolved.contacts))
    unassigned = _unassigned(plan, resolved.contacts)
    outcome = replace(
        read.outcome,
        deals_created=plan.creates,
        deals_updated=plan.updates,
        deals_unchanged=len(plan.unchanged),
        deals_cancelled=plan.cancelled,
        unassigned=len(unassigned),
        contacts_created=resolved.guests_created,
        warnings=(*read.outcome.warnings, *unassigned),
    )
    if options.lookup.dry_run:
        return BookingsDone(outcome)
    progress(f"{name}: writing {len(plan.writes)} deals", batches(len(plan.writes)))
    result = apply_deals(plan, client)
    deals.update(result.seen)  # the run's cache: the figures need not read these again
    pairs = {(result.ids[n], c) for n, c in resolved.contacts.items() if n in result.ids}
    touched = len({c for _, c in pairs})
    progress(
        f"{name}: booking figures of {touched} contacts",
        batches(touched, 1000) + batches(len(pairs), 2000) + batches(touched),
    )
    errors = [*outcome.errors, *result.errors]
    errors += refresh_figures(client, pairs, options.figures, directory, deals)
    done = replace(outcome, errors=tuple(sorted(errors, key=lambda e: e.line)))
    return BookingsDone(done, frozenset(pairs))
