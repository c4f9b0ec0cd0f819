"""Communication preferences calls: subscription definitions and e-mail subscription statuses.

Sources: HubSpot's published spec (HubSpot/HubSpot-public-api-spec-collection,
`PublicApiSpecs/Communication Preferences/Subscriptions/Rollouts/176901/{2026-09,v4}/
subscriptions.json`) and the v4 guide (developers.hubspot.com/docs/api-reference/legacy/
communication-preferences/guide). Date versions and v4 take the same bodies under
`/communication-preferences/{2026-09|v4}/...`; HUBSPOT_API_VERSION=v3 uses v4 here, because
v3's `subscribe` has no batch form and reports `NOT_SUBSCRIBED` instead of v4's statuses.
- `GET .../definitions`: `results[]` of `SubscriptionDefinition`, `id` a string.
- `POST .../statuses/batch/read?channel=EMAIL` and `.../statuses/batch/unsubscribe-all/read`
  take `{"inputs": [email]}`; `batch/write` takes `PublicStatusRequest`s whose
  `subscriptionId` is an integer. The spec gives no batch size: 100 is the convention
  of public code, not a documented limit.
- Scopes: `communication_preferences.read` for definitions; the batch endpoints only take
  `communication_preferences.statuses.batch.read` / `.write`, which the guide says need
  Marketing Hub Enterprise. A 403 becomes AuthError naming the scope (see `Transport`).
- v4 declares 207 for batch reads; errors of a 2xx become per-address `RecordFailure`s.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hubsync.hubspot.batching import chunked, run_parallel
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

STATUS_BATCH = 100  # undocumented (no maxItems in the spec); 100 is what public code sends
SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED = "SUBSCRIBED", "UNSUBSCRIBED", "NOT_SPECIFIED"
READ_SCOPE = "communication_preferences.read"
BATCH_READ_SCOPE = "communication_preferences.statuses.batch.read"
BATCH_WRITE_SCOPE = "communication_preferences.statuses.batch.write"


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


def _email(value: object) -> str:
    return str(value or "").strip().lower()


def _status(item: dict[str, Any]) -> SubscriptionStatus:
    return SubscriptionStatus(
        _email(item.get("subscriberIdString")),
        str(item.get("subscriptionId", "")),
        str(item.get("status", "")),
        str(item.get("timestamp", "")),
    )


def _failures(reply: Reply, asked: Sequence[str], answered: set[str]) -> list[RecordFailure]:
    """Per-address failures from a 2xx's `errors[]`: an error naming asked addresses in its
    `context` (StandardError: lists of strings) fails those; one naming none fails every
    address without an answer (a 2xx never means all were applied)."""
    failures: dict[str, RecordFailure] = {}
    for error in reply.errors():
        context = error.get("context")
        values = context.values() if isinstance(context, dict) else ()
        named = {_email(v) for vs in values if isinstance(vs, list) for v in vs} & set(asked)
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


class SubscriptionCalls:
    """Communication preferences requests of one client: its transport and paths."""

    def __init__(self, transport: Transport, paths: ApiPaths, concurrency: int = 1) -> None:
        self._http = transport
        self._concurrency = concurrency
        version = "v4" if paths.legacy else paths.api_version
        self.base = f"/communication-preferences/{version}"

    def definitions(self) -> tuple[SubscriptionDefinition, ...]:
        """The portal's subscription types (scope communication_preferences.read)."""
        reply = self._http.call("GET", f"{self.base}/definitions", safe=True)
        return tuple(SubscriptionDefinition.from_api(d) for d in reply.results())

    def probe(self) -> None:
        """Raise AuthError when the token lacks a batch scope: a batch read and a batch write
        with no inputs (nothing is read or changed; a 400 for the empty list is fine)."""
        for action in ("read?channel=EMAIL", "write"):
            path = f"{self.base}/statuses/batch/{action}"
            self._http.call("POST", path, {"inputs": []}, safe=True, accept=(400,))

    def statuses(self, emails: Iterable[str]) -> StatusRead:
        """Every listed status of `emails` on the e-mail channel, 100 addresses a call."""
        path = f"{self.base}/statuses/batch/read?channel=EMAIL"

        def one(chunk: list[str]) -> StatusRead:
            reply = self._http.call("POST", path, {"inputs": chunk}, safe=True)
            found: dict[str, dict[str, SubscriptionStatus]] = {}
            for result in reply.results():
                email = _email(result.get("subscriberIdString"))
                listed = result.get("statuses")
                for item in listed if isinstance(listed, list) else ():
                    if isinstance(item, dict):
                        status = _status(item)
                        found.setdefault(email, {})[status.subscription_id] = status
                found.setdefault(email, {})
            failures = _failures(reply, chunk, set(found))
            for failure in failures:
                found.pop(failure.key, None)  # unknown, not NOT_SPECIFIED
            return StatusRead(found, tuple(failures))

        return self._merge(run_parallel(one, self._chunks(emails), self._concurrency))

    def opted_out(self, emails: Iterable[str]) -> StatusRead:
        """The addresses that opted out of all e-mail (portal- or business-unit-wide), as
        UNSUBSCRIBED statuses under subscription id "" (absent: not opted out of all)."""
        path = f"{self.base}/statuses/batch/unsubscribe-all/read?channel=EMAIL"

        def one(chunk: list[str]) -> StatusRead:
            reply = self._http.call("POST", path, {"inputs": chunk}, safe=True)
            found: dict[str, dict[str, SubscriptionStatus]] = {}
            answered: set[str] = set()
            for result in reply.results():
                email = _email(result.get("subscriberIdString"))
                answered.add(email)
                wide = result.get("wideStatuses")
                for item in wide if isinstance(wide, list) else ():
                    if isinstance(item, dict) and item.get("status") == UNSUBSCRIBED:
                        stamp = str(item.get("timestamp", ""))
                        found[email] = {"": SubscriptionStatus(email, "", UNSUBSCRIBED, stamp)}
            # The spec: no results for a contact who has not opted out of all; so only
            # errors[] tell an unanswered address, and only those count as failures.
            failures = _failures(reply, chunk, set(chunk)) if reply.errors() else []
            return StatusRead(found, tuple(failures))

        return self._merge(run_parallel(one, self._chunks(emails), self._concurrency))

    def write(self, writes: Sequence[StatusWrite]) -> StatusWritten:
        """Set `writes`, 100 a call. Safe to repeat: a status is set, not toggled, so a
        request resent after a lost answer leaves the state it asked for (HubSpot answers
        NO_STATUS_CHANGE). A status HubSpot did not take becomes a failure."""
        path = f"{self.base}/statuses/batch/write"
        parts = run_parallel(
            lambda chunk: self._write(path, chunk),
            chunked(list(writes), STATUS_BATCH),
            self._concurrency,
        )
        return StatusWritten(
            tuple(s for p in parts for s in p.statuses),
            tuple(f for p in parts for f in p.failures),
        )

    def _write(self, path: str, chunk: list[StatusWrite]) -> StatusWritten:
        body = {"inputs": [w.body() for w in chunk]}
        reply = self._http.call("POST", path, body, safe=True, write=True, accept=(400,))
        if reply.status == 400:
            if len(chunk) == 1:
                return StatusWritten((), tuple(_failures(reply, [chunk[0].email], set())))
            # Undocumented which input a whole-batch 400 means: halve until it stands alone.
            halves = [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
            parts = [self._write(path, half) for half in halves]
            return StatusWritten(
                tuple(s for p in parts for s in p.statuses),
                tuple(f for p in parts for f in p.failures),
            )
        wanted = {(w.email, w.subscription_id): w.status for w in chunk}
        done = [s for s in map(_status, reply.results()) if (s.email, s.subscription_id) in wanted]
        taken = [s for s in done if wanted[(s.email, s.subscription_id)] == s.status]
        asked = [w.email for w in chunk]
        failures = _failures(reply, asked, {s.email for s in taken})
        failed = {f.key for f in failures}
        for s in done:
            if s not in taken and s.email not in failed:
                # The guide's own example answers UNSUBSCRIBED to a SUBSCRIBED request.
                message = f"HubSpot kept the status {s.status}"
                failures.append(RecordFailure(s.email, reply.status, "STATUS_NOT_SET", message))
        seen = failed | {s.email for s in done}
        for write in chunk:
            if write.email not in seen:
                message = "HubSpot listed no result for this status"
                failures.append(RecordFailure(write.email, reply.status, "STATUS_NOT_SET", message))
        return StatusWritten(tuple(taken), tuple(failures))

    @staticmethod
    def _chunks(emails: Iterable[str]) -> list[list[str]]:
        return chunked(list(dict.fromkeys(_email(e) for e in emails if _email(e))), STATUS_BATCH)

    @staticmethod
    def _merge(parts: list[StatusRead]) -> StatusRead:
        statuses: dict[str, dict[str, SubscriptionStatus]] = {}
        for part in parts:
            statuses.update(part.statuses)
        return StatusRead(statuses, tuple(f for p in parts for f in p.failures))
