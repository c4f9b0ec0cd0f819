"""Communication preferences endpoints: definitions, statuses (batch and one address) and v3.

Shapes as HubSpot's spec gives them (see `subscriptions`); the v3 `subscribe`, which refuses
an address that opted out, is in `preferences_v3`. v4 and date versions do resubscribe (the
guide), answering `RESUBSCRIBE_OCCURRED`: that a client never does it is the client's job.
The batch endpoints take only the batch scopes; the one-address ones (`statuses/{email}`,
`statuses/{email}/unsubscribe-all`) take `communication_preferences.read` or `.read_write`
to read and `.write` or `.read_write` to set, on the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import unquote

from hubsync.emulator.preferences_v3 import v3_subscribe, v3_unsubscribe
from hubsync.emulator.subscriptions import (
    BATCH_READ,
    BATCH_WRITE,
    LEGAL_BASES,
    NOT_SPECIFIED,
    READ,
    STATES,
    SUBSCRIBED,
    UNSUBSCRIBED,
    WRITE,
    Subscriptions,
)
from hubsync.emulator.validation import JSON, ApiError

Query = dict[str, list[str]]


class Portal(Protocol):
    subscriptions: Subscriptions


Handler = Callable[[Portal, JSON, Query], tuple[int, JSON]]


def route(method: str, parts: list[str]) -> tuple[str, tuple[tuple[str, ...], ...], Handler] | None:
    """(kind, scopes all-of any-of, handler) for `/communication-preferences/{parts}`."""
    if len(parts) < 2:
        return None
    version, rest = parts[0], parts[1:]
    if version == "v3":
        actions = {"subscribe": v3_subscribe, "unsubscribe": v3_unsubscribe}
        if method == "POST" and len(rest) == 1 and rest[0] in actions:
            return "write", (WRITE,), actions[rest[0]]
        return None
    if version != "v4" and not (len(version) == 7 and version[4] == "-"):
        return None
    if method == "GET" and rest == ["definitions"]:
        return (
            "read",
            (READ,),
            lambda s, b, q: (200, {"results": list(s.subscriptions.definitions)}),
        )
    if rest[:1] == ["statuses"] and len(rest) in (2, 3) and rest[1] != "batch":
        return _single(method, rest[1], rest[2:])
    if method != "POST" or rest[:2] != ["statuses", "batch"]:
        return None
    batch: dict[tuple[str, ...], tuple[str, tuple[str, ...], Handler]] = {
        ("read",): ("read", BATCH_READ, batch_read),
        ("unsubscribe-all", "read"): ("read", BATCH_READ, batch_opted_out),
        ("write",): ("write", BATCH_WRITE, batch_write),
    }
    found = batch.get(tuple(rest[2:]))
    return None if found is None else (found[0], (found[1],), found[2])


def _inputs(body: JSON, query: Query | None) -> list[Any]:
    if query is not None and query.get("channel") != ["EMAIL"]:
        raise ApiError(400, "channel is required and must be EMAIL")
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        raise ApiError(400, "inputs is required (a list)")
    return inputs


def _envelope(results: list[JSON], errors: list[JSON]) -> tuple[int, JSON]:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    body: JSON = {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
    if errors:
        body |= {"errors": errors, "numErrors": len(errors)}
    return (207 if errors else 200), body


def _public(state: Subscriptions, email: str, sid: str) -> JSON:
    record = state.statuses.get((email, sid)) or {"status": NOT_SPECIFIED, "source": ""}
    definition = state.known(sid) or {}
    status: JSON = {
        "channel": "EMAIL",
        "subscriberIdString": email,
        "subscriptionId": int(sid),
        "subscriptionName": definition.get("name", ""),
        "status": record["status"],
        "source": record.get("source") or "",
        "timestamp": record.get("timestamp") or "2024-01-15T09:00:00.000Z",
        "businessUnitId": 0,
    }
    for name in ("legalBasis", "legalBasisExplanation"):
        if record.get(name):
            status[name] = record[name]
    return status


def _error(email: str, message: str) -> JSON:
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": message,
        "context": {"subscriberIdString": [email]},
        "errors": [],
        "links": {},
    }


def batch_read(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
    """POST .../statuses/batch/read?channel=EMAIL: every subscription's status per address."""
    state = portal.subscriptions
    results, errors = [], []
    for item in _inputs(body, query):
        email = str(item).strip().lower()
        if "@" not in email:
            errors.append(_error(str(item), f"{item!r} is not an email address"))
            continue
        statuses = [_public(state, email, str(d["id"])) for d in state.definitions]
        results.append({"subscriberIdString": email, "statuses": statuses})
    return _envelope(results, errors)


def _wide(state: Subscriptions, email: str) -> list[JSON]:
    """The `PublicWideStatus`es of `email`: one when it opted out of all, else none."""
    if email not in state.opted_out:
        return []
    return [
        {
            "channel": "EMAIL",
            "status": UNSUBSCRIBED,
            "subscriberIdString": email,
            "timestamp": state.opted_out[email],
            "wideStatusType": "PORTAL_WIDE",
            "businessUnitId": 0,
        }
    ]


def batch_opted_out(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
    """POST .../statuses/batch/unsubscribe-all/read: the wide statuses per address."""
    state = portal.subscriptions
    results = []
    for item in _inputs(body, query):
        email = str(item).strip().lower()
        results.append({"subscriberIdString": email, "wideStatuses": _wide(state, email)})
    return _envelope(results, [])


def _write_problem(state: Subscriptions, item: Any) -> str | None:
    if not isinstance(item, dict):
        return "each input must be a PublicStatusRequest object"
    missing = [
        k
        for k in ("channel", "statusState", "subscriberIdString", "subscriptionId")
        if item.get(k) in (None, "")
    ]
    if missing:
        return f"PublicStatusRequest: missing required fields: {', '.join(missing)}"
    if item["channel"] != "EMAIL" or item["statusState"] not in STATES:
        return "channel must be EMAIL and statusState one of " + ", ".join(STATES)
    if not isinstance(item["subscriptionId"], int) or isinstance(item["subscriptionId"], bool):
        return "subscriptionId must be an integer"
    if state.known(str(item["subscriptionId"])) is None:
        return f"No subscription definition with id {item['subscriptionId']}"
    legal = item.get("legalBasis")
    if legal is not None and legal not in LEGAL_BASES:
        return f"legalBasis {legal!r} is not one of " + ", ".join(sorted(LEGAL_BASES))
    if state.gdpr and (not legal or not str(item.get("legalBasisExplanation") or "").strip()):
        return "legalBasis and legalBasisExplanation are required in this portal (GDPR)"
    return None


def _apply(state: Subscriptions, email: str, item: JSON) -> JSON:
    """Set a valid `PublicStatusRequest` for `email`; the `PublicStatus` now held."""
    sid, wanted = str(item["subscriptionId"]), item["statusState"]
    before = state.status(email, sid)
    if before != wanted:
        state.set(
            email,
            sid,
            wanted,
            item.get("legalBasis") or "",
            item.get("legalBasisExplanation") or "",
        )
    status = _public(state, email, sid)
    status["setStatusSuccessReason"] = (
        "NO_STATUS_CHANGE"
        if before == wanted
        else "RESUBSCRIBE_OCCURRED"
        if before == UNSUBSCRIBED and wanted == SUBSCRIBED
        else "REQUESTED_CHANGE_OCCURRED"
    )
    return status


def batch_write(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
    """POST .../statuses/batch/write: set each valid input; invalid ones are errors[]."""
    state = portal.subscriptions
    results, errors = [], []
    for item in _inputs(body, None):
        problem = _write_problem(state, item)
        email = str(item.get("subscriberIdString", "")) if isinstance(item, dict) else ""
        if problem is not None:
            errors.append(_error(email, problem))
            continue
        results.append(_apply(state, email.strip().lower(), item))
    # The spec declares only 200 for batch/write: errors travel in a 200 body.
    return 200, _envelope(results, errors)[1]


# -- one address a call (scopes communication_preferences.read/.write/.read_write) ----------
def _address(raw: str) -> str:
    email = unquote(raw).strip().lower()
    if "@" not in email:
        raise ApiError(400, f"{unquote(raw)!r} is not an email address", "VALIDATION_ERROR")
    return email


def _single(
    method: str, raw: str, rest: list[str]
) -> tuple[str, tuple[tuple[str, ...], ...], Handler] | None:
    """`GET statuses/{email}`, `GET statuses/{email}/unsubscribe-all`, `POST statuses/{email}`."""

    def read(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
        _inputs({"inputs": []}, query)  # channel=EMAIL is required
        state, email = portal.subscriptions, _address(raw)
        return _envelope([_public(state, email, str(d["id"])) for d in state.definitions], [])

    def opted_out(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
        _inputs({"inputs": []}, query)
        return _envelope(_wide(portal.subscriptions, _address(raw)), [])

    def write(portal: Portal, body: JSON, query: Query) -> tuple[int, JSON]:
        state, email = portal.subscriptions, _address(raw)
        item = {**body, "subscriberIdString": email}  # PartialPublicStatusRequest + the path
        problem = _write_problem(state, item)
        if problem is not None:
            raise ApiError(400, problem, "VALIDATION_ERROR")
        return _envelope([_apply(state, email, item)], [])

    if method == "GET" and not rest:
        return "read", (READ,), read
    if method == "GET" and rest == ["unsubscribe-all"]:
        return "read", (READ,), opted_out
    if method == "POST" and not rest:
        return "write", (WRITE,), write
    return None
