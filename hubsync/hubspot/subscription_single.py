"""One address a call: the status endpoints for a token without the batch scopes.

HubSpot grants `communication_preferences.statuses.batch.read/.write` only with Marketing
Hub Enterprise (v4 guide); below it, the single-contact endpoints of the same spec
(`Communication Preferences/Subscriptions/Rollouts/176901/{2026-09,v4}/subscriptions.json`)
serve, with `communication_preferences.read` (or `.read_write`) for the GETs and
`communication_preferences.write` (or `.read_write`) for the POST:
- `GET .../statuses/{email}?channel=EMAIL`: `results[]` of `PublicStatus`, every subscription;
- `GET .../statuses/{email}/unsubscribe-all?channel=EMAIL`: `results[]` of `PublicWideStatus`,
  empty when the address has not opted out of all;
- `POST .../statuses/{email}` with a `PartialPublicStatusRequest`: `results[]` of `PublicStatus`.
Each call goes through the client's transport (rate limit, retries). All three are safe to
repeat: reading changes nothing and a status is set, not toggled.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from hubsync.hubspot.batching import run_parallel
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.subscription_models import (
    UNSUBSCRIBED,
    StatusRead,
    StatusWrite,
    StatusWritten,
    SubscriptionStatus,
    failures_of,
    refusal,
    status_of,
)
from hubsync.hubspot.transport import Transport

REFUSED = (400, 404)  # an address HubSpot will not answer for is that address's failure
PLACEHOLDER = "hubsync-check@example.invalid"  # `probe` reads it and sets nothing for it


class SingleStatusCalls:
    """The per-address form of `SubscriptionCalls.statuses/opted_out/write`: same results."""

    def __init__(self, transport: Transport, base: str, concurrency: int = 1) -> None:
        self._http = transport
        self._base = base
        self._concurrency = concurrency

    def _path(self, email: str) -> str:
        return f"{self._base}/statuses/{quote(email, safe='@')}"

    def probe(self) -> None:
        """Raise AuthError when the token lacks the single calls' scopes: a read of a
        placeholder address, and a write without status or subscription, which HubSpot
        refuses as invalid (400) once the scope is granted; nothing is changed."""
        path = self._path(PLACEHOLDER)
        self._http.call("GET", f"{path}?channel=EMAIL", safe=True, accept=REFUSED)
        self._http.call("POST", path, {"channel": "EMAIL"}, safe=True, accept=REFUSED)

    def statuses(self, emails: Sequence[str]) -> StatusRead:
        """Every listed status of each address: one GET per address."""

        def one(email: str) -> StatusRead:
            path = f"{self._path(email)}?channel=EMAIL"
            reply = self._http.call("GET", path, safe=True, accept=REFUSED)
            if reply.status in REFUSED or reply.errors():
                return StatusRead({}, (refusal(reply, email),))
            found: dict[str, SubscriptionStatus] = {}
            for item in reply.results():
                status = status_of({"subscriberIdString": email, **item})
                found[status.subscription_id] = status
            return StatusRead({email: found})

        return _merge(run_parallel(one, list(emails), self._concurrency))

    def opted_out(self, emails: Sequence[str]) -> StatusRead:
        """The addresses that opted out of all e-mail, as `SubscriptionCalls.opted_out`
        gives them: one GET per address."""

        def one(email: str) -> StatusRead:
            path = f"{self._path(email)}/unsubscribe-all?channel=EMAIL"
            reply = self._http.call("GET", path, safe=True, accept=REFUSED)
            if reply.status in REFUSED or reply.errors():
                return StatusRead({}, (refusal(reply, email),))
            for item in reply.results():
                if item.get("status") == UNSUBSCRIBED:
                    stamp = str(item.get("timestamp", ""))
                    return StatusRead(
                        {email: {"": SubscriptionStatus(email, "", UNSUBSCRIBED, stamp)}}
                    )
            return StatusRead({})

        return _merge(run_parallel(one, list(emails), self._concurrency))

    def write(self, writes: Sequence[StatusWrite]) -> StatusWritten:
        """Set each of `writes`: one POST per status; a status HubSpot did not take is a
        failure, as in the batch write."""
        parts = run_parallel(self._write, list(writes), self._concurrency)
        return StatusWritten(
            tuple(s for p in parts for s in p.statuses),
            tuple(f for p in parts for f in p.failures),
        )

    def _write(self, wanted: StatusWrite) -> StatusWritten:
        path = self._path(wanted.email)
        reply = self._http.call(
            "POST", path, wanted.partial(), safe=True, write=True, accept=REFUSED
        )
        if reply.status in REFUSED:
            return StatusWritten((), (refusal(reply, wanted.email),))
        if reply.errors():
            return StatusWritten((), tuple(failures_of(reply, [wanted.email], set())))
        listed = [status_of({"subscriberIdString": wanted.email, **i}) for i in reply.results()]
        mine = [s for s in listed if s.subscription_id == wanted.subscription_id]
        if not mine:
            message = "HubSpot listed no result for this status"
        elif mine[0].status != wanted.status:
            message = f"HubSpot kept the status {mine[0].status}"
        else:
            return StatusWritten((mine[0],))
        failure = RecordFailure(wanted.email, reply.status, "STATUS_NOT_SET", message)
        return StatusWritten((), (failure,))


def _merge(parts: list[StatusRead]) -> StatusRead:
    statuses: dict[str, dict[str, SubscriptionStatus]] = {}
    for part in parts:
        statuses.update(part.statuses)
    return StatusRead(statuses, tuple(f for p in parts for f in p.failures))
