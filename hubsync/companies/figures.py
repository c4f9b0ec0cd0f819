"""Booking figures of companies: the contacts' figures, computed from all the company's deals.

Same rules and property names as a contact's (`bookings.figures`): recomputed from every
deal HubSpot associates with the company, never added up, written only when they change.
"""

from __future__ import annotations

from collections.abc import Mapping

from hubsync.bookings.figures_stage import DealCache, FigureOptions, figures_of, read_deals
from hubsync.companies.directory import CompanyDirectory
from hubsync.hubspot import HubSpotClient
from hubsync.mapping.compare import same_value
from hubsync.records import RowError


def refresh_company_figures(
    client: HubSpotClient,
    deals_of: Mapping[str, set[str]],
    options: FigureOptions,
    directory: CompanyDirectory,
    deals: DealCache,
) -> list[RowError]:
    """Recompute the figures of every company in `deals_of` (company id → its deals in
    HubSpot) and write those that changed; `options.names` are the company's figure
    properties."""
    if not options.names or not deals_of:
        return []
    read_deals(client, {d for ids in deals_of.values() for d in ids}, options.key, deals)
    updates: dict[str, dict[str, str]] = {}
    for company, ids in sorted(deals_of.items()):
        held = directory.get(company)
        if not ids and not any(held.get(n) for n in options.names):
            continue  # a company without bookings: nothing to say, nothing to write
        figures = figures_of(ids, deals, options)
        changes = {n: figures[n] for n in options.names if not same_value(held.get(n), figures[n])}
        if changes:
            updates[company] = changes
    if not updates:
        return []
    result = client.update("companies", updates)
    failed = {f.key for f in result.failures}
    for company, changes in updates.items():
        if company not in failed:
            directory.remember(company, changes)
    return [
        RowError.of(0, None, "company_figures_rejected", company=f.key, hubspot=f.message)
        for f in result.failures
    ]
