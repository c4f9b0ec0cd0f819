"""The booking stage of a run: contacts for bookings, deals, associations, figures.

Finding the contact of a booking: by customer number (`kundennummer`, then the numbers
of merged contacts in `kundennummern`), else by e-mail; a guest with an e-mail but no
customer record becomes a contact. A contact is never created from a number alone: such
a booking becomes a deal carrying the number, marked `hubsync_offen`, and is adopted
when a later customer export brings that customer (`adopt_unassigned`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from hubsync.bookings.deals import NUMBER, OPEN, apply_deals, deal_read, plan_deals
from hubsync.bookings.figures_stage import refresh_figures
from hubsync.bookings.reading import read_bookings
from hubsync.customers.contacts import lookup_contacts
from hubsync.customers.directory import CUSTOMER_NUMBERS, split_numbers
from hubsync.hubspot import HubSpotClient, HubSpotObject
from hubsync.hubspot.client import SEARCH_MAX_RESULTS, SEARCH_PAGE, search_batches
from hubsync.inbox.classify import Classified
from hubsync.records import BookingDocument, RowError, RowWarning, params
from hubsync.report.errors_csv import hide_own_columns
from hubsync.report.progress import batches
from hubsync.summary import FileKind, FileOutcome, FileStatus

if TYPE_CHECKING:
    from hubsync.run.pipeline import Run

log = logging.getLogger(__name__)

DEAL_CUSTOMER = "kundennummer"  # the deal property carrying the booking's customer number


def _contact_properties(run: Run) -> list[str]:
    # hs_additional_emails: HubSpot may match a booking's e-mail against a contact's
    # secondary address; reading it lets the directory know that contact by that address.
    names = {"email", "hs_additional_emails", "firstname", "lastname", run.directory.key}
    names.update(run.contact_options().read_also)
    schema = run.schema
    if schema is not None:
        names.update(
            n for n in (CUSTOMER_NUMBERS, run.settings.category_property) if n in schema.contacts
        )
    return sorted(names)


def _search_either(
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


def _load_aliases(run: Run, numbers: Iterable[str], properties: list[str]) -> None:
    """Find the merged contacts (`kundennummern`) of numbers no contact has as its key.

    One filter group per number, five per search, so the cost follows this file's unknown
    numbers, never the portal's size (`_search_either`: where few contacts are merged, one
    request loads them all, and later files of the run need none). HubSpot does not
    document whether `10050;10061` is one token or two: `*10050*` matches under both
    readings (wildcards are documented for CONTAINS_TOKEN), and each hit is checked
    exactly, since it also matches `100501`. Numbers still without a contact join
    `missing_numbers`; each number is asked at most once per run.
    """
    assert run.client is not None and run.schema is not None
    directory = run.directory
    if CUSTOMER_NUMBERS not in run.schema.contacts:
        return
    wanted = sorted(
        {n for n in numbers if n and n not in directory.by_number} - directory.alias_checked
    )
    if not wanted:
        return
    directory.alias_checked.update(wanted)
    if not directory.aliases_loaded:
        narrow = [{"filters": [_token(CUSTOMER_NUMBERS, f"*{n}*")]} for n in wanted]
        broad = {"filters": [{"propertyName": CUSTOMER_NUMBERS, "operator": "HAS_PROPERTY"}]}
        found, everything = _search_either(run.client, "contacts", broad, narrow, properties)
        asked = set(wanted)
        for obj in found:
            if everything or asked.intersection(
                split_numbers(obj.properties.get(CUSTOMER_NUMBERS))
            ):
                directory.remember(obj.id, obj.properties)
        directory.aliases_loaded = everything
    directory.missing_numbers.update(n for n in wanted if n not in directory.by_number)


def _token(name: str, value: str) -> dict[str, Any]:
    return {"propertyName": name, "operator": "CONTAINS_TOKEN", "value": value}


def _split_name(name: str | None) -> dict[str, str]:
    """`Sommer, Lea` → first and last name; anything else is kept as the last name."""
    text = (name or "").strip()
    if "," in text:
        last, first = (p.strip() for p in text.split(",", 1))
        return {k: v for k, v in (("firstname", first), ("lastname", last)) if v}
    return {"lastname": text} if text else {}


def _create_guests(run: Run, guests: dict[str, dict[str, str]]) -> int:
    """Create contacts for guests known only by e-mail; returns how many are new.

    An upsert by e-mail, so safe to repeat. A dry run only pretends, so its preview of
    the deals matches what the real run will do.
    """
    assert run.client is not None
    if run.options.dry_run:
        for email, props in guests.items():
            run.directory.remember(f"planned:{email}", props)
        return len(guests)
    if not guests:
        return 0
    created = 0
    result = run.client.upsert("contacts", "email", guests)
    for obj in result.objects:
        email = (obj.properties.get("email") or "").lower()
        run.directory.remember(obj.id, {**guests.get(email, {}), **obj.properties})
        created += 1 if obj.new else 0
    for failure in result.failures:
        # Its bookings stay without contact and are reported as such.
        log.warning("guest contact %s rejected: %s", failure.key, failure.message)
    return created


def _resolve(run: Run, documents: list[BookingDocument]) -> tuple[dict[str, str], int]:
    """Document number → contact id, creating guest contacts where only an e-mail is known;
    also returns how many guest contacts were created."""
    assert run.client is not None
    directory = run.directory
    properties = _contact_properties(run)
    numbers = [d.customer_number for d in documents if d.customer_number]
    lookup_contacts(run.client, directory, numbers=numbers, properties=properties)
    _load_aliases(run, numbers, properties)
    unresolved = [
        d for d in documents if not (d.customer_number and d.customer_number in directory.by_number)
    ]
    emails = [d.email for d in unresolved if d.email]
    lookup_contacts(run.client, directory, emails=emails, properties=properties)
    guests: dict[str, dict[str, str]] = {}
    category = run.contact_options().category_property
    for doc in unresolved:
        if doc.email and doc.email not in directory.by_email and doc.email not in guests:
            props = {
                **run.mapping.contact_constants.values,
                "email": doc.email,
                **_split_name(doc.customer_name),
            }
            if doc.customer_number:
                props[directory.key] = doc.customer_number
            if category and run.settings.contact_category:
                props[category] = run.settings.contact_category
            guests[doc.email] = props
    created = _create_guests(run, guests)
    resolved: dict[str, str] = {}
    for doc in documents:
        contact = None
        if doc.customer_number:
            contact = directory.by_number.get(doc.customer_number)
        if contact is None and doc.email:
            contact = directory.by_email.get(doc.email)
        if contact is not None:
            resolved[doc.number] = contact
    return resolved, created


def process_bookings(run: Run, item: Classified) -> FileOutcome:
    """Read a booking export and bring its deals, associations and figures up to date."""
    assert item.table is not None
    batch = read_bookings(item.table, today=run.started.date(), columns=run.mapping.booking_fields)
    warnings = list(batch.warnings)
    if batch.checksum:
        line = item.table.info.header_line
        warnings.append(RowWarning(line, None, batch.checksum, "checksum", batch.checksum_params))
    outcome = FileOutcome(
        name=item.path.name,
        kind=FileKind.BOOKINGS,
        status=FileStatus.PREVIEWED if run.options.dry_run else FileStatus.PROCESSED,
        rows=batch.rows,
        errors=batch.errors,
        unmapped_columns=hide_own_columns(batch.unmapped),
    )
    documents = list(batch.documents)
    if run.client is None or run.schema is None:
        deals = [d for d in documents if not d.cancels]
        return replace(outcome, deals_created=len(deals), warnings=tuple(warnings))
    run.progress(f"{item.path.name}: finding contacts of {len(documents)} documents", 0)
    resolved, guests_created = _resolve(run, documents)
    # A storno's contact is its original's: tie them so the original counts as assigned.
    for doc in documents:
        if doc.cancels and doc.number in resolved:
            resolved.setdefault(doc.cancels, resolved[doc.number])
    run.progress(f"{item.path.name}: reading {len(documents)} deals", batches(len(documents)))
    plan = plan_deals(
        documents,
        run.client,
        run.settings,
        assigned=set(resolved),
        open_supported=OPEN in run.schema.deals,
        constants=run.mapping.deal_constants,
    )
    unassigned = sorted(n for n in plan.documents if n not in resolved)
    for number in unassigned:
        doc = plan.documents[number]
        who = doc.customer_number or doc.customer_name or "no customer number or e-mail"
        warnings.append(
            RowWarning(
                doc.lines[0],
                None,
                f"{number}: no HubSpot contact for {who}; imported as a deal without contact",
                "unassigned",
                params(number=number, customer=doc.customer_number or doc.customer_name or ""),
            )
        )
    outcome = replace(
        outcome,
        deals_created=plan.creates,
        deals_updated=plan.updates,
        deals_unchanged=len(plan.unchanged),
        deals_cancelled=plan.cancelled,
        unassigned=len(unassigned),
        contacts_created=guests_created,
        warnings=tuple(warnings),
    )
    if run.options.dry_run:
        return outcome
    run.progress(f"{item.path.name}: writing {len(plan.writes)} deals", batches(len(plan.writes)))
    result = apply_deals(plan, run.client, run.deals)
    pairs = {(result.ids[n], contact) for n, contact in resolved.items() if n in result.ids}
    errors = [*outcome.errors, *result.errors]
    touched = len({c for _, c in pairs})
    run.progress(
        f"{item.path.name}: booking figures of {touched} contacts",
        batches(touched, 1000) + batches(len(pairs), 2000) + batches(touched),
    )
    errors += refresh_figures(run, pairs)
    return replace(outcome, errors=tuple(sorted(errors, key=lambda e: e.line)))


def adopt_unassigned(run: Run, numbers: Iterable[str]) -> None:
    """Associate the deals waiting (`hubsync_offen`) for these customer numbers with the
    contacts the directory now knows for them, and mark them no longer waiting.

    Asks only for the given numbers, 100 per IN filter and five filter groups per search,
    so the calls follow the customer file, not the thousands of deals that may wait for
    other customers; where few deals wait, one request reads them all (`_search_either`).
    """
    assert run.client is not None and run.schema is not None
    if OPEN not in run.schema.deals or run.options.dry_run:
        return
    directory = run.directory
    known = sorted({n for n in numbers if n in directory.by_number})
    if not known:
        return
    waiting = {"propertyName": OPEN, "operator": "EQ", "value": "true"}
    per_filter = 100  # HubSpot's cap on IN values (the client refuses more)
    narrow = [
        {
            "filters": [
                waiting,
                {
                    "propertyName": DEAL_CUSTOMER,
                    "operator": "IN",
                    "values": known[i : i + per_filter],
                },
            ]
        }
        for i in range(0, len(known), per_filter)
    ]
    read = deal_read(run.settings.invoice_number_property)
    found, _ = _search_either(run.client, "deals", {"filters": [waiting]}, narrow, read)
    wanted = set(known)
    pairs: set[tuple[str, str]] = set()
    for deal in found:
        number = deal.properties.get(DEAL_CUSTOMER) or ""
        contact = directory.by_number.get(number) if number in wanted else None
        if contact is not None and deal.properties.get(OPEN) == "true":
            run.deals[deal.id] = dict(deal.properties)
            pairs.add((deal.id, contact))
    if not pairs:
        return
    log.info("adopting %d deals that waited for their customer", len(pairs))
    errors: list[RowError] = refresh_figures(run, pairs)
    result = run.client.update("deals", {deal: {OPEN: "false"} for deal, _ in pairs})
    for failure in result.failures:
        log.warning("deal %s not marked as assigned: %s", failure.key, failure.message)
    for error in errors:
        log.warning("figures: %s", error.message)


__all__ = ["NUMBER", "adopt_unassigned", "process_bookings"]
