"""Newsletter wishes of a customer file → the statuses to set, read-only and pure.

The rules (issue 11): a "Ja" subscribes only an address whose status is NOT_SPECIFIED and
that has not opted out of all e-mail; an opt-out recorded in HubSpot always wins, so no
order of exports ever resubscribes anyone. A "Nein" does nothing unless withdrawing is on,
and then only takes back a subscription hubsync itself made (`owned`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from hubsync.consent.options import ConsentOptions
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.subscriptions import (
    NOT_SPECIFIED,
    SUBSCRIBED,
    UNSUBSCRIBED,
    StatusRead,
    SubscriptionStatus,
)


@dataclass(frozen=True)
class Wish:
    """One address's newsletter answer in the export, and what HubSpot's contact holds."""

    email: str
    contact_id: str
    consent: bool  # True: "Ja"
    line: int
    marker: str | None = None  # the contact's MARKER value (None: empty)


@dataclass(frozen=True)
class ConsentPlan:
    """Every wish, sorted by what it needs."""

    subscribe: tuple[Wish, ...] = ()
    unsubscribe: tuple[tuple[Wish, SubscriptionStatus], ...] = ()
    opted_out: tuple[Wish, ...] = ()
    unchanged: tuple[Wish, ...] = ()
    unknown: tuple[tuple[Wish, RecordFailure], ...] = ()  # HubSpot did not say


def wishes_to_read(wishes: Sequence[Wish], options: ConsentOptions) -> list[Wish]:
    """The wishes whose status must be read: every "Ja" (also to report an opt-out), a
    "Nein" only when withdrawing and only where hubsync made a subscription (the marker)."""
    return [w for w in wishes if w.consent or (options.withdraw and w.marker)]


def candidates(wishes: Sequence[Wish], statuses: StatusRead, options: ConsentOptions) -> list[str]:
    """The addresses a "Ja" may subscribe (NOT_SPECIFIED): only these need the opt-out-of-all
    read; an address with any other status is never written for a "Ja"."""
    failed = {f.key for f in statuses.failures}
    return [
        w.email
        for w in wishes
        if w.consent
        and w.email not in failed
        and statuses.of(w.email, options.subscription_id).status == NOT_SPECIFIED
    ]


def _instant(text: str | None) -> datetime | None:
    """A HubSpot instant (ISO 8601 or epoch milliseconds), to the millisecond; None if not one."""
    value = (text or "").strip()
    try:
        if value.isdigit():
            moment = datetime.fromtimestamp(int(value) / 1000, UTC)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def owned(marker: str | None, status: SubscriptionStatus) -> bool:
    """Whether hubsync made this subscription: it is SUBSCRIBED and still carries the very
    timestamp HubSpot gave hubsync's write (kept in the contact's MARKER). Any later change,
    by a person, a form or the contact's preference page, gives the status a new timestamp,
    so that subscription is theirs and a "Nein" leaves it alone."""
    mine, stamp = _instant(marker), _instant(status.timestamp)
    return status.status == SUBSCRIBED and mine is not None and mine == stamp


def plan_consent(
    wishes: Sequence[Wish],
    statuses: StatusRead,
    opted_out: StatusRead,
    options: ConsentOptions,
) -> ConsentPlan:
    """Sort `wishes` (those `wishes_to_read` chose) by HubSpot's statuses and opt-outs."""
    failures = {f.key: f for f in (*statuses.failures, *opted_out.failures)}
    subscribe: list[Wish] = []
    unsubscribe: list[tuple[Wish, SubscriptionStatus]] = []
    left: list[Wish] = []
    unchanged: list[Wish] = []
    unknown: list[tuple[Wish, RecordFailure]] = []
    for wish in wishes:
        status = statuses.of(wish.email, options.subscription_id)
        if wish.email in failures:
            unknown.append((wish, failures[wish.email]))
        elif wish.consent and status.status == UNSUBSCRIBED:
            left.append(wish)
        elif wish.consent and status.status == NOT_SPECIFIED:
            everything = opted_out.statuses.get(wish.email, {})
            (left if everything else subscribe).append(wish)
        elif not wish.consent and options.withdraw and owned(wish.marker, status):
            unsubscribe.append((wish, status))
        else:
            unchanged.append(wish)
    return ConsentPlan(
        tuple(subscribe), tuple(unsubscribe), tuple(left), tuple(unchanged), tuple(unknown)
    )
