"""Associations of companies: contact persons, and the deals of those contacts.

A contact is associated with its company (279); as primary too (1, sent in the same input)
only when the contact has no primary company yet, so an existing primary is never moved.
Associations already in HubSpot are read first (typed, 1,000 records per call), so a
re-run sends nothing. Deals are associated with the unlabeled type (341) only: a deal's
primary company is left to people and HubSpot.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubsync.companies.directory import CompanyDirectory
from hubsync.hubspot import HubSpotClient, RecordFailure
from hubsync.hubspot.assoc_types import (
    CONTACT_TO_COMPANY,
    CONTACT_TO_PRIMARY_COMPANY,
    DEAL_TO_COMPANY,
)
from hubsync.hubspot.models import TypedAssociation
from hubsync.records import RowError

Pairs = list[tuple[str, str]]
PRIMARY_TYPES = (CONTACT_TO_COMPANY, CONTACT_TO_PRIMARY_COMPANY)  # one input: both types


def contact_links(
    client: HubSpotClient, directory: CompanyDirectory, contacts: Iterable[str]
) -> dict[str, tuple[TypedAssociation, ...]]:
    """Each contact's companies with their type ids, read once per run (1,000 per call)."""
    wanted = sorted(set(contacts))
    unknown = [c for c in wanted if c not in directory.links_of]
    if unknown:
        held = client.associations_typed("contacts", "companies", unknown)
        for contact in unknown:
            directory.links_of[contact] = held.get(contact, ())
    return {c: directory.links_of[c] for c in wanted}


def link_contacts(
    client: HubSpotClient, directory: CompanyDirectory, wanted: Iterable[tuple[str, str, int]]
) -> tuple[int, list[RowError]]:
    """Associate each (contact, company, line) that is not yet; returns how many were
    associated and the pairs HubSpot refused, as row errors at their line."""
    lines = {(contact, company): line for contact, company, line in wanted}
    if not lines:
        return 0, []
    held = contact_links(client, directory, {c for c, _ in lines})
    primary: Pairs = []
    plain: Pairs = []
    for (contact, company), _ in sorted(lines.items()):
        links = held.get(contact, ())
        if any(link.to_id == company for link in links):
            continue
        has_primary = any(CONTACT_TO_PRIMARY_COMPANY in link.type_ids for link in links)
        # One new primary per contact: a contact named by two companies in one run
        # gets the first as primary.
        if not has_primary and all(contact != c for c, _ in primary):
            primary.append((contact, company))
        else:
            plain.append((contact, company))
    failures: list[RecordFailure] = []
    if primary:
        failures += client.associate_typed("contacts", "companies", primary, *PRIMARY_TYPES)
    if plain:
        failures += client.associate_typed("contacts", "companies", plain, CONTACT_TO_COMPANY)
    refused = {f.key for f in failures}
    errors = _outcome(directory, lines, refused, primary, PRIMARY_TYPES)
    errors += _outcome(directory, lines, refused, plain, (CONTACT_TO_COMPANY,))
    return len(primary) + len(plain) - len(errors), errors


def _outcome(
    directory: CompanyDirectory,
    lines: dict[tuple[str, str], int],
    refused: set[str],
    pairs: Pairs,
    types: tuple[int, ...],
) -> list[RowError]:
    """Row errors for the pairs HubSpot refused; the others are linked in the directory."""
    errors = []
    for contact, company in pairs:
        if f"{contact}->{company}" in refused:
            line = lines[(contact, company)]
            errors.append(
                RowError.of(line, None, "company_link_failed", contact=contact, company=company)
            )
        else:
            directory.linked(contact, company, types)
    return errors


def company_deals(client: HubSpotClient, companies: Iterable[str]) -> dict[str, set[str]]:
    """Every company's deals in HubSpot (1,000 companies per call)."""
    ids = sorted(set(companies))
    held = client.associations("companies", "deals", ids) if ids else {}
    return {company: set(held.get(company, ())) for company in ids}


def add_deal_links(client: HubSpotClient, missing: Iterable[tuple[str, str]]) -> list[RowError]:
    """Associate each (deal, company) pair, which the caller found missing; returns the
    pairs HubSpot refused."""
    pairs = sorted(set(missing))
    if not pairs:
        return []
    failures = client.associate_typed("deals", "companies", pairs, DEAL_TO_COMPANY)
    refused = {f.key for f in failures}
    return [
        RowError.of(0, None, "company_deal_failed", deal=deal, company=company)
        for deal, company in pairs
        if f"{deal}->{company}" in refused
    ]
