"""Associate deals with their contacts and recompute those contacts' booking figures.

Figures are never incremented: for every contact a run touches, all of its deals are
read back from HubSpot (only those this run has not already seen) and the figures are
computed from scratch, so repeated, overlapping or out-of-order exports cannot double-
count. They are written only when they change.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from hubsync.bookings.deals import deal_read
from hubsync.bookings.figures import compute_figures, deal_facts_from_properties
from hubsync.customers.directory import ContactDirectory
from hubsync.hubspot import HubSpotClient
from hubsync.mapping.compare import same_value
from hubsync.records import RowError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureOptions:
    """What the figures need: the figure properties the portal has, how a cancelled deal
    and a hubsync deal are told apart, and the day and window of the period count."""

    names: tuple[str, ...]
    cancelled_stage: str
    key: str
    today: date
    window_days: int


DealCache = dict[str, dict[str, str | None]]  # deal id → properties known this run


def refresh_figures(
    client: HubSpotClient,
    pairs: set[tuple[str, str]],
    options: FigureOptions,
    directory: ContactDirectory,
    deals: DealCache,
) -> list[RowError]:
    """Make sure every (deal id, contact id) pair is associated, then recompute figures.

    `deals` and `directory` are the run's caches: deals already seen are not read again;
    both learn what this stage reads and writes.
    """
    contacts = sorted({contact for _, contact in pairs})
    if not contacts:
        return []
    deals_of, errors = _associate(client, pairs, contacts)
    target = FigureTarget("contacts", directory, "figures_rejected", "contact")
    return errors + write_figures(
        client, {c: deals_of[c] for c in contacts}, options, target, deals
    )


class Records(Protocol):
    """What the figures need of a run's directory of one object type."""

    def get(self, record_id: str) -> dict[str, str | None]: ...

    def remember(self, record_id: str, properties: Mapping[str, str | None]) -> None: ...


@dataclass(frozen=True)
class FigureTarget:
    """Whose figures are written: the object type, the run's directory of it, and the code
    and param a rejected write is reported with."""

    object_type: str
    records: Records
    code: str
    param: str


def write_figures(
    client: HubSpotClient,
    deals_of: Mapping[str, set[str]],
    options: FigureOptions,
    target: FigureTarget,
    deals: DealCache,
) -> list[RowError]:
    """Recompute the figures of every record in `deals_of` (id → its deals in HubSpot) from
    those deals and write the ones that changed; a record without deals that never had
    figures is left alone (nothing to say, nothing to write)."""
    read_deals(client, {d for ids in deals_of.values() for d in ids}, options.key, deals)
    if not options.names:
        return []
    updates: dict[str, dict[str, str]] = {}
    for record, ids in sorted(deals_of.items()):
        held = target.records.get(record)
        if not ids and not any(held.get(n) for n in options.names):
            continue
        figures = figures_of(ids, deals, options)
        changes = {n: figures[n] for n in options.names if not same_value(held.get(n), figures[n])}
        if changes:
            updates[record] = changes
    if not updates:
        return []
    result = client.update(target.object_type, updates)
    failed = {f.key for f in result.failures}
    for record, changes in updates.items():
        if record not in failed:
            target.records.remember(record, changes)
    return [
        RowError.of(0, None, target.code, ((target.param, f.key),), hubspot=f.message)
        for f in result.failures
    ]


def read_deals(client: HubSpotClient, ids: set[str], key: str, deals: DealCache) -> None:
    """Read the deals among `ids` this run has not seen into the run's cache `deals`."""
    unknown = sorted(ids - set(deals))
    if unknown:
        for obj in client.read("deals", unknown, deal_read(key)).values():
            deals[obj.id] = dict(obj.properties)


def _associate(
    client: HubSpotClient, pairs: set[tuple[str, str]], contacts: list[str]
) -> tuple[dict[str, set[str]], list[RowError]]:
    """Every contact's deals in HubSpot, after associating the pairs that are missing."""
    held = client.associations("contacts", "deals", contacts)
    deals_of: dict[str, set[str]] = defaultdict(set)
    for contact, deal_ids in held.items():
        deals_of[contact].update(deal_ids)
    errors: list[RowError] = []
    missing = sorted((deal, contact) for deal, contact in pairs if deal not in deals_of[contact])
    if missing:
        failed = {f.key for f in client.associate("deals", "contacts", missing)}
        for deal, contact in missing:
            if f"{deal}->{contact}" in failed:
                errors.append(
                    RowError.of(0, None, "association_failed", deal=deal, contact=contact)
                )
            else:
                deals_of[contact].add(deal)
    return deals_of, errors


def figures_of(deal_ids: set[str], deals: DealCache, options: FigureOptions) -> dict[str, str]:
    """The figure properties of a record with these deals (their properties in `deals`)."""
    facts = [
        f
        for deal in deal_ids
        if (
            f := deal_facts_from_properties(
                deals.get(deal, {}), cancelled_stage=options.cancelled_stage, key=options.key
            )
        )
        is not None
    ]
    return compute_figures(
        facts, today=options.today, window_days=options.window_days
    ).as_properties()
