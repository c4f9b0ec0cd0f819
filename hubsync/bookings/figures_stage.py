"""Associate deals with their contacts and recompute those contacts' booking figures.

Figures are never incremented: for every contact a run touches, all of its deals are
read back from HubSpot (only those this run has not already seen) and the figures are
computed from scratch, so repeated, overlapping or out-of-order exports cannot double-
count. They are written only when they change.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING

from hubsync.bookings.deals import deal_read
from hubsync.bookings.figures import compute_figures, deal_facts_from_properties
from hubsync.mapping.compare import same_value
from hubsync.portal.specs import FIGURE_PROPERTIES
from hubsync.records import RowError, params

if TYPE_CHECKING:
    from hubsync.run.pipeline import Run

log = logging.getLogger(__name__)


def refresh_figures(run: Run, pairs: set[tuple[str, str]]) -> list[RowError]:
    """Make sure every (deal id, contact id) pair is associated, then recompute figures."""
    client = run.client
    assert client is not None and run.schema is not None
    errors: list[RowError] = []
    contacts = sorted({contact for _, contact in pairs})
    if not contacts:
        return errors
    held = client.associations("contacts", "deals", contacts)
    deals_of: dict[str, set[str]] = defaultdict(set)
    for contact, deal_ids in held.items():
        deals_of[contact].update(deal_ids)
    missing = sorted((deal, contact) for deal, contact in pairs if deal not in deals_of[contact])
    if missing:
        failed = {f.key for f in client.associate("deals", "contacts", missing)}
        for deal, contact in missing:
            if f"{deal}->{contact}" in failed:
                errors.append(
                    RowError(
                        0,
                        None,
                        f"deal {deal} could not be associated with contact {contact}",
                        "association_failed",
                        params(deal=deal, contact=contact),
                    )
                )
            else:
                deals_of[contact].add(deal)
    key = run.settings.invoice_number_property
    unknown = sorted({d for ids in deals_of.values() for d in ids} - set(run.deals))
    if unknown:
        for obj in client.read("deals", unknown, deal_read(key)).values():
            run.deals[obj.id] = dict(obj.properties)
    names = [n for n in FIGURE_PROPERTIES if n in run.schema.contacts]
    if not names:
        return errors
    updates: dict[str, dict[str, str]] = {}
    for contact in contacts:
        facts = [
            f
            for deal in deals_of[contact]
            if (
                f := deal_facts_from_properties(
                    run.deals.get(deal, {}),
                    cancelled_stage=run.settings.deal_cancelled_stage,
                    key=key,
                )
            )
            is not None
        ]
        figures = compute_figures(
            facts, today=run.started.date(), window_days=run.settings.booking_window_days
        ).as_properties()
        current = run.directory.get(contact)
        changes = {n: figures[n] for n in names if not same_value(current.get(n), figures[n])}
        if changes:
            updates[contact] = changes
    if updates:
        result = client.update("contacts", updates)
        failed_ids = {f.key for f in result.failures}
        for contact, changes in updates.items():
            if contact not in failed_ids:
                run.directory.remember(contact, changes)
        for failure in result.failures:
            errors.append(
                RowError(
                    0,
                    None,
                    f"figures of contact {failure.key} not written: {failure.message}",
                    "figures_rejected",
                    params(contact=failure.key, hubspot=failure.message),
                )
            )
    return errors
