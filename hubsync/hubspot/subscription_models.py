"""Values of the communication preferences calls: definitions, statuses, status writes.

Shared by the batch calls (`subscriptions`) and the one-address calls (`subscription_single`),
which give the same values whichever way they were fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.transport import Reply

SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED = "SUBSCRIBED", "UNSUBSCRIBED", "NOT_SPECIFIED"


@dataclass(frozen=True)
class SubscriptionDefinition:
    """One subscription type of the portal (`id` as HubSpot lists it: digits, a string)."""

    id: str
    name: str
    active: bool = True

    @classmethod
    def from_api(cls, item: dict[str, Any]) -> SubscriptionDefinition:
        return cls(
            str(item.get("id", "")), str(item.get("name", "")), item.get("isActive") is not False
        )


@dataclass(frozen=True)
class SubscriptionStatus:
    """An address's status for one subscription; `timestamp` is when it was last set."""

    email: str
    subscription_id: str
    status: str
    timestamp: str = ""


@dataclass(frozen=True)
class StatusWrite:
    """One status to set, with the legal basis a GDPR portal requires."""

    email: str
    subscription_id: str
    status: str
    legal_basis: str
    explanation: str

    def body(self) -> dict[str, Any]:
        return {
            "channel": "EMAIL",
            "statusState": self.status,
            "subscriberIdString": self.email,
            "subscriptionId": int(self.subscription_id),
            "legalBasis": self.legal_basis,
            "legalBasisExplanation": self.explanation,
        }

    def partial(self) -> dict[str, Any]:
        """The one-address body (`PartialPublicStatusRequest`): the address is in the path."""
        return {k: v for k, v in self.body().items() if k != "subscriberIdString"}


@dataclass(frozen=True)
class StatusRead:
    """Statuses by address and subscription id; addresses HubSpot could not answer for."""

    statuses: dict[str, dict[str, SubscriptionStatus]]
    failures: tuple[RecordFailure, ...] = ()

    def of(self, email: str, subscription_id: str) -> SubscriptionStatus:
        """The status (NOT_SPECIFIED when HubSpot lists none for this subscription)."""
        found = self.statuses.get(email, {}).get(subscription_id)
        return found or SubscriptionStatus(email, subscription_id, NOT_SPECIFIED)


@dataclass(frozen=True)
class StatusWritten:
    """What a batch write did: the statuses now set, and the writes that failed."""

    statuses: tuple[SubscriptionStatus, ...]
    failures: tuple[RecordFailure, ...] = ()


def email_of(value: object) -> str:
    """An address as hubsync compares them: trimmed, lower case."""
    return str(value or "").strip().lower()


def status_of(item: dict[str, Any]) -> SubscriptionStatus:
    """A `PublicStatus` of HubSpot's answer."""
    return SubscriptionStatus(
        email_of(item.get("subscriberIdString")),
        str(item.get("subscriptionId", "")),
        str(item.get("status", "")),
        str(item.get("timestamp", "")),
    )


def failures_of(reply: Reply, asked: Sequence[str], answered: set[str]) -> list[RecordFailure]:
    """Per-address failures from a 2xx's `errors[]`: an error naming asked addresses in its
    `context` (StandardError: lists of strings) fails those; one naming none fails every
    address without an answer (a 2xx never means all were applied)."""
    failures: dict[str, RecordFailure] = {}
    for error in reply.errors():
        context = error.get("context")
        values = context.values() if isinstance(context, dict) else ()
        named = {email_of(v) for vs in values if isinstance(vs, list) for v in vs} & set(asked)
        for email in named or [a for a in asked if a not in answered]:
            failures.setdefault(
                email,
                RecordFailure(
                    email,
                    reply.status,
                    str(error.get("category") or ""),
                    str(error.get("message") or ""),
                    str(error.get("code") or ""),
                ),
            )
    return list(failures.values())


def refusal(reply: Reply, email: str) -> RecordFailure:
    """The failure of one address HubSpot refused outright (a 400 or 404 without errors[])."""
    found = failures_of(reply, [email], set())
    if found:
        return found[0]
    return RecordFailure(email, reply.status, reply.field("category"), reply.field("message"))
