"""The id-free view of a portal that tests compare: records by their keys, links by those keys."""

from __future__ import annotations

from typing import Any, Protocol

from hubsync.emulator.links import Links
from hubsync.emulator.subscriptions import Subscriptions

SYSTEM_PROPERTIES = frozenset({"hs_object_id", "createdate", "lastmodifieddate"})
Objects = dict[str, dict[str, str]]


class Portal(Protocol):
    """What a snapshot reads of a store."""

    contacts: Objects
    deals: Objects
    companies: Objects
    links: Links
    subscriptions: Subscriptions


def snapshot(portal: Portal) -> dict[str, Any]:
    """contacts by email (or kundennummer), deals by rechnungsnummer (or dealname), companies
    by name (or domain; a second company of one name is "name [2]", in id order);
    `associations` lists (deal, contact) pairs, `company_associations` lists
    (type, record key, company key, primary) for contacts and deals; `subscriptions` the
    e-mail statuses set (email → subscription name or "*" for all → status)."""
    keys = {
        "contacts": {oid: _contact_key(oid, p) for oid, p in portal.contacts.items()},
        "deals": {
            oid: p.get("rechnungsnummer") or p.get("dealname") or f"#{oid}"
            for oid, p in portal.deals.items()
        },
        "companies": _company_keys(portal.companies),
    }
    company = keys["companies"]
    return {
        "contacts": {keys["contacts"][oid]: _plain(p) for oid, p in portal.contacts.items()},
        "deals": {keys["deals"][oid]: _plain(p) for oid, p in portal.deals.items()},
        "associations": sorted(
            (keys["deals"][d], keys["contacts"][c])
            for d, c, _ in portal.links.pairs("deals", "contacts")
        ),
        "companies": {company[oid]: _plain(p) for oid, p in portal.companies.items()},
        "company_associations": sorted(
            (kind, keys[kind][record], company[other], primary)
            for kind in ("contacts", "deals")
            for record, other, primary in portal.links.pairs(kind, "companies")
        ),
        "subscriptions": portal.subscriptions.snapshot(),
    }


def _contact_key(oid: str, props: dict[str, str]) -> str:
    if props.get("email"):
        return props["email"]
    if props.get("kundennummer"):
        return f"kundennummer:{props['kundennummer']}"
    return f"#{oid}"


def _company_keys(companies: Objects) -> dict[str, str]:
    keys: dict[str, str] = {}
    seen: dict[str, int] = {}
    for oid in sorted(companies, key=int):
        props = companies[oid]
        key = props.get("name") or props.get("domain") or f"#{oid}"
        seen[key] = seen.get(key, 0) + 1
        keys[oid] = key if seen[key] == 1 else f"{key} [{seen[key]}]"
    return keys


def _plain(props: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in props.items() if k not in SYSTEM_PROPERTIES}
