"""Booking documents → HubSpot deals: plan (read-only) and apply, keyed by `rechnungsnummer`.

Every write is an upsert by the unique deal property `rechnungsnummer`, so a re-import,
an overlapping export or a lost answer never creates a second deal. Rules that keep
repeated and out-of-order exports convergent:
- a storno does not become a deal: it moves its original's deal to the cancelled stage
  and sets `storniert_durch`; if the original is not known yet, the deal is created
  from the storno (cancelled), and the invoice arriving later fills it in but stays
  cancelled, because a deal carrying `storniert_durch` is never moved back;
- the stage is written when a deal is created and when it is cancelled, never otherwise,
  so hubsync does not fight people who move deals through the pipeline by hand;
- only properties whose value changes are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from hubsync.bookings.deal_fields import cancellation_targets, deal_properties
from hubsync.hubspot import HubSpotClient, HubSpotObject
from hubsync.mapping.compare import same_value
from hubsync.mapping.policies import NO_CONSTANTS, Constants
from hubsync.records import BookingDocument, RowError

NUMBER = "rechnungsnummer"  # the default deal key (HUBSYNC_INVOICE_NUMBER_PROPERTY)
OPEN = "hubsync_offen"
_DEAL_FIELDS = (
    "dealname",
    "amount",
    "closedate",
    "pipeline",
    "dealstage",
    "anlage",
    "kundennummer",
    "buchungsstunden",
    "storniert_durch",
    "description",
    OPEN,
)


def deal_read(key: str = NUMBER) -> tuple[str, ...]:
    """The deal properties hubsync reads: its key property and every field it writes."""
    return (key, *_DEAL_FIELDS)


@dataclass(frozen=True)
class DealOptions:
    """How deals are written in this portal: pipeline and stages as ids (resolved from
    labels by the pre-flight), the name template, the key property and constants."""

    pipeline: str = "default"
    stage: str = "closedwon"
    cancelled_stage: str = "closedlost"
    name_template: str = "{anlage} – {rechnungsnummer}"
    key: str = NUMBER
    constants: Constants = NO_CONSTANTS
    open_supported: bool = True  # the portal has `hubsync_offen` (set up by hubsync)


@dataclass(frozen=True)
class DealWrite:
    number: str
    lines: tuple[int, ...]
    deal_id: str | None  # None: to be created
    changes: dict[str, str]
    cancels_now: bool  # this write moves the deal to the cancelled stage


@dataclass(frozen=True)
class DealPlan:
    writes: tuple[DealWrite, ...]  # creates and updates (changes non-empty)
    unchanged: tuple[str, ...]  # numbers
    existing: dict[str, HubSpotObject]  # number → deal as HubSpot holds it
    documents: dict[str, BookingDocument]  # number → the document (or the storno for it)
    key: str = NUMBER  # the unique deal property the numbers are written to

    @property
    def creates(self) -> int:
        return sum(1 for w in self.writes if w.deal_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for w in self.writes if w.deal_id is not None)

    @property
    def cancelled(self) -> int:
        return sum(1 for w in self.writes if w.cancels_now)


def _as_original(storno: BookingDocument, original: str) -> BookingDocument:
    """The cancelled invoice as far as its storno describes it (same day, amount negated)."""
    hours = None if storno.hours is None else -storno.hours
    return replace(
        storno,
        number=original,
        amount=-storno.amount,
        hours=hours,
        cancels=None,
        cancelled=True,
        description=storno.description,
    )


def _desired_documents(
    documents: Sequence[BookingDocument],
) -> tuple[dict[str, BookingDocument], dict[str, str], set[str]]:
    """Deals wanted (by number), stornos (original → storno) and the numbers whose deal is
    only known from its storno (not in this file)."""
    targets = cancellation_targets(documents)
    wanted = {d.number: d for d in documents if not d.cancels}
    derived: set[str] = set()
    for original, storno_number in targets.items():
        if original not in wanted:
            storno = next(d for d in documents if d.number == storno_number)
            wanted[original] = _as_original(storno, original)
            derived.add(original)
    return wanted, targets, derived


def plan_deals(
    documents: Sequence[BookingDocument],
    client: HubSpotClient,
    options: DealOptions,
    *,
    assigned: set[str],
) -> DealPlan:
    """Read the deals of these documents and decide every write (read-only).

    `assigned` holds the numbers of documents whose contact is known; the others are
    marked `hubsync_offen` so a later customer export can adopt them. The options'
    `constants` go on every deal created and, under their policy, on every deal updated.
    """
    wanted, targets, derived = _desired_documents(documents)
    key, constants = options.key, options.constants
    read = (*deal_read(key), *(n for n in constants.values if n not in deal_read(key)))
    existing = client.read("deals", list(wanted), read, id_property=key)
    writes: list[DealWrite] = []
    unchanged: list[str] = []
    for number, doc in wanted.items():
        current = existing.get(number)
        held = current.properties if current else {}
        cancelled_by = targets.get(number) or held.get("storniert_durch") or None
        desired = deal_properties(
            doc,
            name_template=options.name_template,
            pipeline=options.pipeline,
            stage=options.stage,
            cancelled_stage=options.cancelled_stage,
            cancelled_by=cancelled_by,
            key=key,
        )
        if options.open_supported:
            if current is None:
                desired[OPEN] = "false" if number in assigned else "true"
            elif number in assigned and held.get(OPEN) == "true":
                desired[OPEN] = "false"
        if current is not None and number in derived:
            # The invoice is in HubSpot already: a storno only cancels it; the invoice's
            # own data stays as its own export wrote it.
            keep = ("dealstage", "pipeline", "storniert_durch", OPEN)
            desired = {k: v for k, v in desired.items() if k in keep}
        cancelling = desired["dealstage"] == options.cancelled_stage
        if current is not None:
            was_cancelled = held.get("dealstage") == options.cancelled_stage
            if not cancelling or was_cancelled:
                desired.pop("dealstage")  # never move a deal back, nor fight manual moves
            if "dealstage" not in desired:
                desired.pop("pipeline", None)
        changes = {k: v for k, v in desired.items() if not same_value(held.get(k), v)}
        for name, value in constants.changes(held if current else None).items():
            changes.setdefault(name, value)
        if current is not None and not changes:
            unchanged.append(number)
            continue
        cancels_now = changes.get("dealstage") == options.cancelled_stage
        writes.append(
            DealWrite(number, doc.lines, current.id if current else None, changes, cancels_now)
        )
    return DealPlan(tuple(writes), tuple(unchanged), existing, wanted, key)


@dataclass(frozen=True)
class DealResult:
    ids: dict[str, str]  # number → deal id, for every deal of the plan that exists now
    errors: tuple[RowError, ...]
    seen: dict[str, dict[str, str | None]] = field(default_factory=dict)  # id → properties now


def apply_deals(plan: DealPlan, client: HubSpotClient) -> DealResult:
    """Upsert the planned deals; the result says what each deal of the plan holds now."""
    ids = {number: obj.id for number, obj in plan.existing.items() if number in plan.documents}
    seen = {obj.id: dict(obj.properties) for obj in plan.existing.values()}
    errors: list[RowError] = []
    if plan.writes:
        items = {w.number: w.changes for w in plan.writes}
        result = client.upsert("deals", plan.key, items)
        by_number = {w.number: w for w in plan.writes}
        for obj in result.objects:
            number = obj.properties.get(plan.key) or ""
            write = by_number.get(number)
            if write is None:
                continue
            ids[number] = obj.id
            seen.setdefault(obj.id, {}).update({**obj.properties, **write.changes})
        for failure in result.failures:
            write = by_number.get(failure.key)
            line = write.lines[0] if write else 0
            errors.append(
                RowError.of(
                    line, None, "deal_rejected", number=failure.key, hubspot=failure.message
                )
            )
    return DealResult(ids, tuple(errors), seen)
