"""Customer records → HubSpot contacts: plan (read-only) and apply.

A contact is found by its customer number first, so an e-mail changed in the booking
system updates the same contact instead of creating a second one; then by e-mail, so a
contact a web form created is updated, never duplicated. Only properties whose value
would change are written, under each property's write policy; new contacts are created
with an upsert by e-mail, which is safe to retry (a create is not).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hubsync.customers.diff import ContactOptions, diff_contact
from hubsync.customers.directory import (
    CUSTOMER_NUMBERS,
    ContactDirectory,
)
from hubsync.hubspot import HubSpotClient, RecordFailure
from hubsync.mapping.columns import Mapping
from hubsync.records import CustomerRecord, RowError, RowWarning

log = logging.getLogger(__name__)

__all__ = ["ContactOptions", "apply_contacts", "diff_contact", "lookup_contacts", "plan_contacts"]


@dataclass(frozen=True)
class ContactWrite:
    """One planned contact write (or a planned no-op, when `changes` is empty)."""

    email: str
    lines: tuple[int, ...]
    numbers: tuple[str, ...]
    contact_id: str | None  # None: to be created
    changes: dict[str, str]


@dataclass(frozen=True)
class ContactPlan:
    creates: tuple[ContactWrite, ...]
    updates: tuple[ContactWrite, ...]
    unchanged: tuple[ContactWrite, ...]
    errors: tuple[RowError, ...]

    def updated_properties(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for write in self.updates:
            counts.update(write.changes.keys())
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class ContactResult:
    created: int
    updated: int
    unchanged: int
    errors: tuple[RowError, ...]
    # Every number of the file's records whose contact exists now, new or not: waiting
    # deals are adopted from these, so a run killed before adopting catches up next time.
    known_numbers: tuple[str, ...] = ()
    warnings: tuple[RowWarning, ...] = ()  # written, but without a value HubSpot refused


def _read_properties(records: Sequence[CustomerRecord], options: ContactOptions) -> list[str]:
    names = {"email", options.key, "hs_additional_emails", *options.read_also}
    if options.category_property:
        names.add(options.category_property)
    if options.aliases:
        names.add(CUSTOMER_NUMBERS)
    for record in records:
        names.update(record.properties)
        names.update(record.blank)
    return sorted(names)


def lookup_contacts(
    client: HubSpotClient,
    directory: ContactDirectory,
    *,
    numbers: Iterable[str] = (),
    emails: Iterable[str] = (),
    properties: Sequence[str],
) -> None:
    """Read contacts by customer number, then by e-mail, for keys the directory lacks."""
    wanted_numbers = sorted(
        {n for n in numbers if n and n not in directory.by_number} - directory.missing_numbers
    )
    if wanted_numbers:
        found = client.read("contacts", wanted_numbers, properties, id_property=directory.key)
        for obj in found.values():
            directory.remember(obj.id, obj.properties)
        directory.missing_numbers.update(n for n in wanted_numbers if n not in found)
    wanted_emails = sorted(
        {e.lower() for e in emails if e and e.lower() not in directory.by_email}
        - directory.missing_emails
    )
    if wanted_emails:
        found = client.read("contacts", wanted_emails, properties, id_property="email")
        for obj in found.values():
            directory.remember(obj.id, obj.properties)
        directory.missing_emails.update(e for e in wanted_emails if e not in directory.by_email)


def plan_contacts(
    records: Sequence[CustomerRecord],
    client: HubSpotClient,
    directory: ContactDirectory,
    mapping: Mapping,
    options: ContactOptions,
) -> ContactPlan:
    """Read what HubSpot holds for these records and decide every write (read-only)."""
    properties = sorted({*_read_properties(records, options), *mapping.contact_constants.values})
    lookup_contacts(
        client,
        directory,
        numbers=[n for r in records for n in r.customer_numbers],
        properties=properties,
    )
    unresolved = [
        r for r in records if not any(n in directory.by_number for n in r.customer_numbers)
    ]
    lookup_contacts(client, directory, emails=[r.email for r in unresolved], properties=properties)
    creates: list[ContactWrite] = []
    updates: list[ContactWrite] = []
    unchanged: list[ContactWrite] = []
    errors: list[RowError] = []
    claimed: dict[str, CustomerRecord] = {}
    for record in records:
        contact_id = directory.find(record.customer_numbers, record.email)
        if contact_id is not None and contact_id in claimed:
            other = claimed[contact_id]
            errors.append(
                RowError.of(
                    record.lines[0],
                    None,
                    "contact_conflict",
                    contact=contact_id,
                    other_line=other.lines[0],
                    other_email=other.email,
                )
            )
            continue
        current = directory.get(contact_id) if contact_id is not None else None
        changes = diff_contact(record, current, mapping, options)
        write = ContactWrite(
            record.email, record.lines, record.customer_numbers, contact_id, changes
        )
        if contact_id is None:
            creates.append(write)
        else:
            claimed[contact_id] = record
            (updates if changes else unchanged).append(write)
    return ContactPlan(tuple(creates), tuple(updates), tuple(unchanged), tuple(errors))


def preview_contacts(plan: ContactPlan, directory: ContactDirectory) -> None:
    """Dry run: let later stages see the planned contacts as if they were written."""
    for write in (*plan.creates, *plan.updates, *plan.unchanged):
        contact_id = write.contact_id or f"planned:{write.email}"
        directory.remember(contact_id, {**write.changes, "email": write.email})
        directory.add_numbers(contact_id, write.numbers)


def _not_written(write: ContactWrite, failure: RecordFailure) -> RowWarning:
    """The contact was written, one value was not: a warning, the rest of the row is in."""
    return RowWarning.of(
        write.lines[0],
        None,
        "contact_partly_written",
        email=write.email,
        hubspot=failure.message,
    )


def _written_without(failure: RecordFailure) -> bool:
    # The client resent the record without hs_additional_emails (READ_ONLY_VALUE).
    return failure.code == "READ_ONLY_VALUE"


def _failure_error(write: ContactWrite, failure: RecordFailure) -> RowError:
    return RowError.of(
        write.lines[0], None, "hubspot_rejected", email=write.email, hubspot=failure.message
    )


def apply_contacts(
    plan: ContactPlan, client: HubSpotClient, directory: ContactDirectory
) -> ContactResult:
    """Write the planned contacts; records HubSpot rejects become row errors."""
    errors = list(plan.errors)
    warnings: list[RowWarning] = []
    known: list[str] = []
    created = updated = 0
    if plan.creates:
        items = {w.email: w.changes for w in plan.creates}
        result = client.upsert("contacts", "email", items)
        by_email = {w.email: w for w in plan.creates}
        partly = [f for f in result.failures if _written_without(f)]
        warnings += [_not_written(by_email[f.key], f) for f in partly if f.key in by_email]
        failed = {f.key.lower(): f for f in result.failures if not _written_without(f)}
        for obj in result.objects:
            email = (obj.properties.get("email") or "").lower()
            write = by_email.get(email)
            directory.remember(obj.id, {**(write.changes if write else {}), **obj.properties})
            if write is not None:
                directory.add_numbers(obj.id, write.numbers)
                known.extend(write.numbers)
            created += 1 if obj.new else 0
            updated += 0 if obj.new else 1
        errors += [_failure_error(by_email[k], f) for k, f in failed.items() if k in by_email]
    if plan.updates:
        items = {w.contact_id: w.changes for w in plan.updates if w.contact_id}
        result = client.update("contacts", items)
        by_id = {w.contact_id: w for w in plan.updates}
        partly = [f for f in result.failures if _written_without(f)]
        warnings += [_not_written(by_id[f.key], f) for f in partly if f.key in by_id]
        rejected = [f for f in result.failures if not _written_without(f)]
        failed_ids = {f.key for f in rejected}
        for obj in result.objects:
            write = by_id.get(obj.id)
            directory.remember(obj.id, {**(write.changes if write else {}), **obj.properties})
            if write is not None:
                directory.add_numbers(obj.id, write.numbers)
                known.extend(write.numbers)
        updated += len(plan.updates) - len(failed_ids)
        errors += [_failure_error(by_id[f.key], f) for f in rejected if f.key in by_id]
    for write in plan.unchanged:
        if write.contact_id:
            directory.add_numbers(write.contact_id, write.numbers)
            known.extend(write.numbers)
    return ContactResult(
        created,
        updated,
        len(plan.unchanged),
        tuple(errors),
        tuple(dict.fromkeys(known)),
        tuple(warnings),
    )
