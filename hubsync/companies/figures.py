"""Booking figures of companies: the contacts' figures, computed from all the company's deals.

Same rules and property names as a contact's (`bookings.figures`): recomputed from every
deal HubSpot associates with the company, never added up, written only when they change.
"""

from __future__ import annotations

from collections.abc import Mapping

from hubsync.bookings.figures_stage import DealCache, FigureOptions, FigureTarget, write_figures
from hubsync.companies.directory import CompanyDirectory
from hubsync.hubspot import HubSpotClient
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
    target = FigureTarget("companies", directory, "company_figures_rejected", "company")
    return write_figures(client, deals_of, options, target, deals)
