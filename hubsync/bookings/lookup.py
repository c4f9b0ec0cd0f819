"""Finding the contact of each booking: by customer number, merged numbers, e-mail, guest.

By customer number (the contact key, then the numbers of merged contacts in
`kundennummern`), else by e-mail; a guest with an e-mail but no customer record becomes
a contact. A contact is never created from a number alone: such a booking becomes a deal
carrying the number, marked `hubsync_offen`, adopted when a later customer export brings
that customer (`bookings.adopt`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hubsync.customers.contacts import ContactOptions, lookup_contacts
from hubsync.customers.directory import CUSTOMER_NUMBERS, ContactDirectory, split_numbers
from hubsync.hubspot import HubSpotClient, HubSpotObject
from hubsync.hubspot.search import SEARCH_MAX_RESULTS, SEARCH_PAGE, search_batches
from hubsync.mapping.policies import NO_CONSTANTS, Constants
from hubsync.records import BookingDocument

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LookupOptions:
    """How contacts are found and guests created in this portal."""

    contacts: ContactOptions
    contact_category: str | None = None  # the facility a guest contact gets
    guest_constants: Constants = NO_CONSTANTS  # [contacts.constants] of the mapping file
    dry_run: bool = False


@dataclass(frozen=True)
class Resolved:
    """Document number → contact id, and how many guest contacts were created for it."""

    contacts: dict[str, str]
    guests_created: int


def search_either(
    client: HubSpotClient,
    object_type: str,
    broad: dict[str, Any],
    narrow: list[dict[str, Any]],
    properties: Sequence[str],
) -> tuple[list[HubSpotObject], bool]:
    """Records matching `narrow`, found the cheaper way: one page of `broad` (a superset)
    first; when it holds all of `broad`, or paging `broad` costs fewer requests than the
    `narrow` search (and stays under 10,000), `broad` it is. Callers check each record, so
    a superset is fine. Returns the records and whether they are all of `broad`.

    So the calls are at most 1 + the narrow search's, whatever the portal's size, and a
    portal where little waits costs one request.
    """
    page = client.first_page(object_type, [broad], properties)
    if page.complete:
        return list(page.objects), True
    pages = -(-page.total // SEARCH_PAGE)
    if page.total <= SEARCH_MAX_RESULTS and pages - 1 <= len(search_batches(narrow)):
        return client.search(object_type, [broad], properties), True
    return client.search(object_type, narrow, properties), False


def contact_properties(options: ContactOptions) -> list[str]:
    """What the booking stage reads of a contact: keys, names, company, figures, facility."""
    # hs_additional_emails: HubSpot may match a booking's e-mail against a contact's
    # secondary address; reading it lets the directory know that contact by that address.
    # company: a contact person's bookings go to the company its export row names.
    names = {"email", "hs_additional_emails", "firstname", "lastname", "company", options.key}
    names.update(options.read_also)
    if options.aliases:
        names.add(CUSTOMER_NUMBERS)
    if options.category_property:
        names.add(options.category_property)
    return sorted(names)


def load_aliases(
    client: HubSpotClient,
    directory: ContactDirectory,
    numbers: Iterable[str],
    properties: list[str],
) -> None:
    """Find the merged contacts (`kundennummern`) of numbers no contact has as its key.

    One filter group per number, five per search, so the cost follows this file's unknown
    numbers, never the portal's size (`search_either`: where few contacts are merged, one
    request loads them all, and later files of the run need none). HubSpot does not
    document whether `10050;10061` is one token or two: `*10050*` matches under both
    readings (wildcards are documented for CONTAINS_TOKEN), and each hit is checked
    exactly, since it also matches `100501`. Numbers still without a contact join
    `missing_numbers`; each number is asked at most once per run.
    """
    wanted = sorted(
        {n for n in numbers if n and n not in directory.by_number} - directory.alias_checked
    )
    if not wanted:
        return
    directory.alias_checked.update(wanted)
    if not directory.aliases_loaded:
        narrow = [{"filters": [_token(CUSTOMER_NUMBERS, f"*{n}*")]} for n in wanted]
        broad = {"filters": [{"propertyName": CUSTOMER_NUMBERS, "operator": "HAS_PROPERTY"}]}
        found, everything = search_either(client, "contacts", broad, narrow, properties)
        asked = set(wanted)
        for obj in found:
            merged = split_numbers(obj.properties.get(CUSTOMER_NUMBERS))
            if everything or asked.intersection(merged):
                directory.remember(obj.id, obj.properties)
        directory.aliases_loaded = everything
    directory.missing_numbers.update(n for n in wanted if n not in directory.by_number)


def _token(name: str, value: str) -> dict[str, Any]:
    return {"propertyName": name, "operator": "CONTAINS_TOKEN", "value": value}


def split_name(name: str | None) -> dict[str, str]:
    """`Sommer, Lea` → first and last name; anything else is kept as the last name."""
    text = (name or "").strip()
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return {k: v for k, v in (("firstname", first), ("lastname", last)) if v}
    return {"lastname": text} if text else {}


def create_guests(
    client: HubSpotClient,
    directory: ContactDirectory,
    guests: dict[str, dict[str, str]],
    *,
    dry_run: bool,
) -> int:
    """Create contacts for guests known only by e-mail; returns how many are new.

    An upsert by e-mail, so safe to repeat. A dry run only pretends, so its preview of
    the deals matches what the real run will do.
    """
    if dry_run:
        for email, props in guests.items():
            directory.remember(f"planned:{email}", props)
        return len(guests)
    if not guests:
        return 0
    created = 0
    result = client.upsert("contacts", "email", guests)
    for obj in result.objects:
        email = (obj.properties.get("email") or "").lower()
        directory.remember(obj.id, {**guests.get(email, {}), **obj.properties})
        created += 1 if obj.new else 0
    for failure in result.failures:
        # Its bookings stay without contact and are reported as such.
        log.warning("guest contact %s rejected: %s", failure.key, failure.message)
    return created


def _guest(doc: BookingDocument, email: str, options: LookupOptions, key: str) -> dict[str, str]:
    props = {**options.guest_constants.values, "email": email, **split_name(doc.customer_name)}
    if doc.customer_number:
        props[key] = doc.customer_number
    category = options.contacts.category_property
    if category and options.contact_category:
        props[category] = options.contact_category
    return props


def resolve_contacts(
    client: HubSpotClient,
    directory: ContactDirectory,
    documents: Sequence[BookingDocument],
    options: LookupOptions,
) -> Resolved:
    """The contact of every document that has one, creating guests where only an e-mail
    is known. A storno's contact is its original's, so the original counts as assigned."""
    properties = contact_properties(options.contacts)
    numbers = [d.customer_number for d in documents if d.customer_number]
    lookup_contacts(client, directory, numbers=numbers, properties=properties)
    if options.contacts.aliases:
        load_aliases(client, directory, numbers, properties)
    unresolved = [
        d for d in documents if not (d.customer_number and d.customer_number in directory.by_number)
    ]
    emails = [d.email for d in unresolved if d.email]
    lookup_contacts(client, directory, emails=emails, properties=properties)
    guests: dict[str, dict[str, str]] = {}
    for doc in unresolved:
        if doc.email and doc.email not in directory.by_email and doc.email not in guests:
            guests[doc.email] = _guest(doc, doc.email, options, directory.key)
    created = create_guests(client, directory, guests, dry_run=options.dry_run)
    found: dict[str, str] = {}
    for doc in documents:
        contact = directory.by_number.get(doc.customer_number) if doc.customer_number else None
        if contact is None and doc.email:
            contact = directory.by_email.get(doc.email)
        if contact is not None:
            found[doc.number] = contact
    for doc in documents:
        if doc.cancels and doc.number in found:
            found.setdefault(doc.cancels, found[doc.number])
    return Resolved(found, created)
