"""Deals that waited for their customer: adopted when a customer export brings the number."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from hubsync.bookings.deals import OPEN, deal_read
from hubsync.bookings.figures_stage import DealCache, FigureOptions, refresh_figures
from hubsync.bookings.lookup import search_either
from hubsync.customers.directory import ContactDirectory
from hubsync.hubspot import HubSpotClient

log = logging.getLogger(__name__)

DEAL_CUSTOMER = "kundennummer"  # the deal property carrying the booking's customer number
IN_VALUES = 100  # HubSpot's cap on the values of one IN filter (the client refuses more)


def adopt_unassigned(
    client: HubSpotClient,
    numbers: Iterable[str],
    figures: FigureOptions,
    directory: ContactDirectory,
    deals: DealCache,
) -> None:
    """Associate the deals waiting (`hubsync_offen`) for these customer numbers with the
    contacts the directory now knows for them, and mark them no longer waiting.

    Asks only for the given numbers, 100 per IN filter and five filter groups per search,
    so the calls follow the customer file, not the thousands of deals that may wait for
    other customers; where few deals wait, one request reads them all (`search_either`).
    """
    known = sorted({n for n in numbers if n in directory.by_number})
    if not known:
        return
    waiting = {"propertyName": OPEN, "operator": "EQ", "value": "true"}
    # IN takes string values lower-case only (search guide); numbers are compared exactly
    # below, so "K-1" never adopts the deal of "k-1".
    lowered = sorted({n.lower() for n in known})
    chunks = [lowered[i : i + IN_VALUES] for i in range(0, len(lowered), IN_VALUES)]
    narrow = [
        {"filters": [waiting, {"propertyName": DEAL_CUSTOMER, "operator": "IN", "values": c}]}
        for c in chunks
    ]
    read = deal_read(figures.key)
    found, _ = search_either(client, "deals", {"filters": [waiting]}, narrow, read)
    wanted = set(known)
    pairs: set[tuple[str, str]] = set()
    for deal in found:
        number = deal.properties.get(DEAL_CUSTOMER) or ""
        contact = directory.by_number.get(number) if number in wanted else None
        if contact is not None and deal.properties.get(OPEN) == "true":
            deals[deal.id] = dict(deal.properties)
            pairs.add((deal.id, contact))
    if not pairs:
        return
    log.info("adopting %d deals that waited for their customer", len(pairs))
    errors = refresh_figures(client, pairs, figures, directory, deals)
    result = client.update("deals", {deal: {OPEN: "false"} for deal, _ in pairs})
    for failure in result.failures:
        log.warning("deal %s not marked as assigned: %s", failure.key, failure.message)
    for error in errors:
        log.warning("figures: %s", error.message)
