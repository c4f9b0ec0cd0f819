"""Communication preferences v3: `subscribe` and `unsubscribe`, one address a call.

The v3 `subscribe` refuses an address that opted out: the v3 guide says it "will not allow
you to resubscribe contacts who have opted out" without giving the error, so the 400 and its
message here are the emulator's choice.
"""

from __future__ import annotations

from typing import Protocol

from hubsync.emulator.subscriptions import SUBSCRIBED, UNSUBSCRIBED, Subscriptions
from hubsync.emulator.validation import JSON, ApiError

Query = dict[str, list[str]]


class Portal(Protocol):
    subscriptions: Subscriptions


def _v3_input(state: Subscriptions, body: JSON) -> tuple[str, str]:
    email = str(body.get("emailAddress") or "").strip().lower()
    sid = str(body.get("subscriptionId") or "")
    if not email or not sid:
        raise ApiError(400, "emailAddress and subscriptionId are required")
    if state.known(sid) is None:
        raise ApiError(400, f"No subscription definition with id {sid}")
    return email, sid


def _v3_status(state: Subscriptions, email: str, sid: str, body: JSON) -> JSON:
    definition = state.known(sid) or {}
    status = state.status(email, sid)
    result: JSON = {
        "id": sid,
        "name": definition.get("name", ""),
        "description": definition.get("description", ""),
        "status": SUBSCRIBED if status == SUBSCRIBED else "NOT_SUBSCRIBED",
        "sourceOfStatus": "SUBSCRIPTION_STATUS",
    }
    for name in ("legalBasis", "legalBasisExplanation"):
        if body.get(name):
            result[name] = body[name]
    return result


def v3_subscribe(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
    """POST /communication-preferences/v3/subscribe: never for an address that opted out."""
    state = portal.subscriptions
    email, sid = _v3_input(state, body)
    if email in state.opted_out or state.status(email, sid) == UNSUBSCRIBED:
        # Emulator's choice of status and words: HubSpot documents the refusal, not its error.
        raise ApiError(400, f"{email} has opted out; v3 subscribe does not resubscribe contacts")
    state.set(
        email,
        sid,
        SUBSCRIBED,
        str(body.get("legalBasis") or ""),
        str(body.get("legalBasisExplanation") or ""),
    )
    return 200, _v3_status(state, email, sid, body)


def v3_unsubscribe(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
    """POST /communication-preferences/v3/unsubscribe: the address opts out of one type."""
    state = portal.subscriptions
    email, sid = _v3_input(state, body)
    state.set(
        email,
        sid,
        UNSUBSCRIBED,
        str(body.get("legalBasis") or ""),
        str(body.get("legalBasisExplanation") or ""),
    )
    return 200, _v3_status(state, email, sid, body)
