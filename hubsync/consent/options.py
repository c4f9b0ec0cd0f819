"""How newsletter consent is written in this run: the subscription type and the opt-out rule.

Decided once per run, in the pre-flight: HUBSYNC_NEWSLETTER_SUBSCRIPTION names the
subscription type by name (case and spacing ignored) or by id, and is resolved against the
portal's definitions before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsync.errors import ConfigError
from hubsync.hubspot.subscriptions import SubscriptionDefinition
from hubsync.portal.specs import NEWSLETTER_MARKER

# The contact property that says hubsync set the subscription: the instant HubSpot gave the
# status hubsync wrote (see `plan.owned`). `hubsync setup` creates it when consent is on.
MARKER = NEWSLETTER_MARKER.name
NEWSLETTER = "newsletter"  # the mapped property of the export's Newsletter column
LEGAL_BASIS = "CONSENT_WITH_NOTICE"


@dataclass(frozen=True)
class ConsentOptions:
    """The subscription a "Ja" subscribes to, and whether a "Nein" withdraws hubsync's own."""

    subscription_id: str
    subscription_name: str
    withdraw: bool = False  # HUBSYNC_NEWSLETTER_OPTOUT=sync
    property: str = NEWSLETTER
    marker: str = MARKER


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def resolve_subscription(
    definitions: Sequence[SubscriptionDefinition], wanted: str
) -> SubscriptionDefinition:
    """The definition `wanted` names (its id, or its name ignoring case and spacing).

    Raises ConfigError listing the portal's subscription types when none or several fit.
    """
    by_id = [d for d in definitions if d.id == wanted.strip()]
    found = by_id or [d for d in definitions if _folded(d.name) == _folded(wanted)]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{d.name!r} ({d.id})" for d in definitions) or "none"
    problem = "is not a" if not found else "names more than one"
    raise ConfigError(
        f"HUBSYNC_NEWSLETTER_SUBSCRIPTION={wanted!r} {problem} subscription type of this "
        f"portal; the portal has: {names}. Set it to one of these names or ids "
        "(HubSpot: Settings → Marketing → Email → Subscriptions), or unset it."
    )
