"""The consent stage of a run: a customer file's Newsletter column → HubSpot subscription status.

After a customer file's contacts (and companies) are written, `sync_consent` reads the
statuses of the file's addresses in batches (unchanged ones cost no write), plans with
`plan.plan_consent` and, unless a dry run, sets what changes: SUBSCRIBED with legal basis
and an explanation naming file and line, and the contact's MARKER with the instant HubSpot
gave that status, so a later "Nein" knows hubsync made it. Returns counts and row errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsync.consent.options import LEGAL_BASIS, ConsentOptions
from hubsync.consent.plan import (
    ConsentPlan,
    Wish,
    candidates,
    plan_consent,
    wishes_to_read,
)
from hubsync.customers.directory import ContactDirectory
from hubsync.hubspot import HubSpotClient, RecordFailure
from hubsync.hubspot.journal import StatusSet
from hubsync.hubspot.subscriptions import (
    NOT_SPECIFIED,
    SUBSCRIBED,
    UNSUBSCRIBED,
    StatusRead,
    StatusWrite,
)
from hubsync.intake.formats import FormatError, parse_bool
from hubsync.records import CustomerRecord, RowError
from hubsync.summary import ConsentCounts

PLANNED = "planned:"  # the directory's id of a contact a dry run would create


@dataclass(frozen=True)
class ConsentDone:
    counts: ConsentCounts
    errors: tuple[RowError, ...] = ()


def _answer(text: str) -> bool | None:
    """Ja (True), Nein (False), or no clear answer (None: nothing to do)."""
    try:
        return parse_bool(text)
    except FormatError:
        return None


def collect_wishes(
    records: Sequence[CustomerRecord],
    directory: ContactDirectory,
    options: ConsentOptions,
    *,
    dry_run: bool,
) -> list[Wish]:
    """One wish per address with a Ja/Nein and a contact (a planned one in a dry run).
    An address answering both in one file counts as "Nein": no consent without a clear one."""
    found: dict[str, Wish] = {}
    for record in records:
        # "true"/"false" as a bool column is parsed; a column a mapping file gave another
        # kind still says Ja/Nein, 1/0, x …
        value = _answer(record.properties.get(options.property) or "")
        email = record.email.strip().lower()
        contact = directory.by_email.get(email)
        if value is None or contact is None:
            continue
        if contact.startswith(PLANNED) and not dry_run:
            continue  # HubSpot rejected the contact: its row says so already
        marker = directory.get(contact).get(options.marker)
        wish = Wish(email, contact, value, record.lines[0], marker)
        prior = found.get(email)
        if prior is None or (prior.consent and not wish.consent):
            found[email] = wish
    return list(found.values())


def _error(wish: Wish, failure: RecordFailure) -> RowError:
    hubspot = f"newsletter status not set: {failure.message or failure.category}"
    return RowError.of(wish.line, None, "consent_rejected", email=wish.email, hubspot=hubspot)


def sync_consent(
    client: HubSpotClient,
    options: ConsentOptions,
    records: Sequence[CustomerRecord],
    directory: ContactDirectory,
    file_name: str,
    *,
    dry_run: bool,
) -> ConsentDone:
    """Plan the file's newsletter statuses and, unless `dry_run`, set those that change."""
    collected = collect_wishes(records, directory, options, dry_run=dry_run)
    wishes = wishes_to_read(collected, options)
    name = options.subscription_name
    # A "Nein" hubsync cannot withdraw (no marker) under sync: unchanged, without a read.
    settled = sum(1 for w in collected if options.withdraw and not w.consent and not w.marker)
    if not wishes:
        return ConsentDone(ConsentCounts(unchanged=settled, subscription=name if settled else ""))
    statuses = client.subscriptions.statuses([w.email for w in wishes])
    maybe = candidates(wishes, statuses, options)
    opted_out = client.subscriptions.opted_out(maybe) if maybe else StatusRead({})
    plan = plan_consent(wishes, statuses, opted_out, options)
    errors = [_error(w, f) for w, f in plan.unknown]
    if dry_run:
        counts = ConsentCounts(
            len(plan.subscribe),
            len(plan.unsubscribe),
            len(plan.opted_out),
            len(plan.unchanged) + settled,
            name,
            tuple(w.email for w in plan.opted_out),
        )
        return ConsentDone(counts, tuple(errors))
    subscribed, unsubscribed, more = apply_consent(client, options, plan, file_name)
    left, unchanged = len(plan.opted_out), len(plan.unchanged) + settled
    who = tuple(w.email for w in plan.opted_out)
    counts = ConsentCounts(subscribed, unsubscribed, left, unchanged, name, who)
    return ConsentDone(counts, tuple(sorted((*errors, *more), key=lambda e: e.line)))


def apply_consent(
    client: HubSpotClient, options: ConsentOptions, plan: ConsentPlan, file_name: str
) -> tuple[int, int, list[RowError]]:
    """Set the plan's statuses, then the MARKER of every contact subscribed; returns how
    many were subscribed and unsubscribed, and a row error for each that failed."""
    sid = options.subscription_id

    def write(wish: Wish, status: str, what: str) -> StatusWrite:
        why = f"{what} im Buchungssystem, Export {file_name}, Zeile {wish.line}"
        return StatusWrite(wish.email, sid, status, LEGAL_BASIS, why)

    wishes = {w.email: w for w in (*plan.subscribe, *(w for w, _ in plan.unsubscribe))}
    writes = [write(w, SUBSCRIBED, "Einwilligung") for w in plan.subscribe]
    writes += [write(w, UNSUBSCRIBED, "Widerruf") for w, _ in plan.unsubscribe]
    if not writes:
        return 0, 0, []
    done = client.subscriptions.write(writes)
    errors = [_error(wishes[f.key], f) for f in done.failures if f.key in wishes]
    markers: dict[str, dict[str, str]] = {}
    for status in done.statuses:
        old = NOT_SPECIFIED if status.status == SUBSCRIBED else SUBSCRIBED
        if client.journal is not None:
            client.journal.status(StatusSet(status.email, sid, old, status.status))
        if status.status == SUBSCRIBED and status.timestamp:
            markers[wishes[status.email].contact_id] = {options.marker: status.timestamp}
    if markers:
        by_id = {wishes[s.email].contact_id: wishes[s.email] for s in done.statuses}
        result = client.update("contacts", markers)
        errors += [_error(by_id[f.key], f) for f in result.failures if f.key in by_id]
    count = {s: sum(1 for d in done.statuses if d.status == s) for s in (SUBSCRIBED, UNSUBSCRIBED)}
    return count[SUBSCRIBED], count[UNSUBSCRIBED], errors
