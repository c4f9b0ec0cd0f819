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
  Marketing Hub Enterprise. Without them (a 403 naming a batch scope on the first batch
  call) the client switches to one address a call (`subscription_single`) for the rest of
  the run; any other 403 stays an AuthError naming the scope (see `Transport`).
- v4 declares 207 for batch reads; errors of a 2xx become per-address `RecordFailure`s.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from hubsync.errors import AuthError
from hubsync.hubspot.batching import chunked, run_parallel
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.subscription_models import (
    NOT_SPECIFIED,
    SUBSCRIBED,
    UNSUBSCRIBED,
    StatusRead,
    StatusWrite,
    StatusWritten,
    SubscriptionDefinition,
    SubscriptionStatus,
    email_of,
    failures_of,
    status_of,
)
from hubsync.hubspot.subscription_single import SingleStatusCalls
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

STATUS_BATCH = 100  # undocumented (no maxItems in the spec); 100 is what public code sends
READ_SCOPE = "communication_preferences.read"
BATCH_READ_SCOPE = "communication_preferences.statuses.batch.read"
BATCH_WRITE_SCOPE = "communication_preferences.statuses.batch.write"
SINGLE_SCOPES = ("communication_preferences.read_write",)  # or .read plus .write
BATCH, SINGLE = "batch", "single"
T = TypeVar("T")
P = TypeVar("P")
R = TypeVar("R")

__all__ = [
    "BATCH",
    "BATCH_READ_SCOPE",
    "BATCH_WRITE_SCOPE",
    "NOT_SPECIFIED",
    "READ_SCOPE",
    "SINGLE",
    "SINGLE_SCOPES",
    "STATUS_BATCH",
    "SUBSCRIBED",
    "UNSUBSCRIBED",
    "StatusRead",
    "StatusWrite",
    "StatusWritten",
    "SubscriptionCalls",
    "SubscriptionDefinition",
    "SubscriptionStatus",
]


class _NoBatch(Exception):
    """A batch call answered 403 naming a batch scope: the token has no batch access."""

    def __init__(self, scopes: tuple[str, ...]) -> None:
        super().__init__(", ".join(scopes))
        self.scopes = scopes


class SubscriptionCalls:
    """Communication preferences requests of one client: its transport and paths.

    `statuses`, `opted_out` and `write` give the same results in either mode: `batch`
    (100 addresses a call) while the token has the batch scopes, else `single` (one call
    per address). The mode is found by the first batch call of the run, sent alone.
    """

    def __init__(self, transport: Transport, paths: ApiPaths, concurrency: int = 1) -> None:
        self._http = transport
        self._concurrency = concurrency
        version = "v4" if paths.legacy else paths.api_version
        self.base = f"/communication-preferences/{version}"
        self.single = SingleStatusCalls(transport, self.base, concurrency)
        self.mode: str | None = None  # BATCH or SINGLE once a batch call has answered
        self._answered: set[str] = set()  # batch kinds ("read", "write") that worked

    def definitions(self) -> tuple[SubscriptionDefinition, ...]:
        """The portal's subscription types (scope communication_preferences.read)."""
        reply = self._http.call("GET", f"{self.base}/definitions", safe=True)
        return tuple(SubscriptionDefinition.from_api(d) for d in reply.results())

    def probe(self) -> str:
        """The mode the token allows. BATCH: an empty batch read and write answer (nothing
        is read or changed; a 400 for the empty list is fine). Else SINGLE, after a read of a
        placeholder address and a write without a status (refused as 400, nothing changes).
        Raises AuthError when the token lacks the scopes of the single calls too."""
        try:
            for action in ("read?channel=EMAIL", "write"):
                self._post(f"{self.base}/statuses/batch/{action}", {"inputs": []}, accept=(400,))
            return BATCH
        except _NoBatch:
            self.single.probe()
            return SINGLE

    def _post(
        self, path: str, body: Any, *, write: bool = False, accept: Collection[int] = ()
    ) -> Reply:
        """A batch POST; raises _NoBatch for a 403 naming a batch scope."""
        try:
            return self._http.call("POST", path, body, safe=True, write=write, accept=accept)
        except AuthError as exc:
            if {BATCH_READ_SCOPE, BATCH_WRITE_SCOPE} & set(exc.missing_scopes):
                raise _NoBatch(exc.missing_scopes) from exc
            raise

    def _run(
        self,
        kind: str,
        chunks: list[list[T]],
        batch: Callable[[list[T]], P],
        single: Callable[[list[T]], R],
        merge: Callable[[list[P]], R],
    ) -> R:
        """`batch` over `chunks`, or `single` over all items once the mode is SINGLE. Until
        a batch call of this kind has answered, the first chunk goes alone: a 403 for a
        batch scope then costs one call, and the whole job moves to the single calls."""
        if self.mode != SINGLE and kind not in self._answered and chunks:
            try:
                first = batch(chunks[0])
            except _NoBatch as exc:
                self._go_single(exc.scopes)
            else:
                self.mode = BATCH
                self._answered.add(kind)
                rest = run_parallel(batch, chunks[1:], self._concurrency)
                return merge([first, *rest])
        if self.mode == SINGLE:
            return single([item for chunk in chunks for item in chunk])
        return merge(run_parallel(batch, chunks, self._concurrency))

    def _go_single(self, scopes: tuple[str, ...]) -> None:
        self.mode = SINGLE
        log.warning(
            "The HubSpot token lacks %s, which HubSpot grants only with Marketing Hub "
            "Enterprise: newsletter statuses are read and set one address a call for the rest "
            "of this run (one call per address and step instead of one per 100).",
            ", ".join(scopes),
        )

    def statuses(self, emails: Iterable[str]) -> StatusRead:
        """Every listed status of `emails` on the e-mail channel, 100 addresses a call."""
        path = f"{self.base}/statuses/batch/read?channel=EMAIL"

        def one(chunk: list[str]) -> StatusRead:
            reply = self._post(path, {"inputs": chunk})
            found: dict[str, dict[str, SubscriptionStatus]] = {}
            for result in reply.results():
                email = email_of(result.get("subscriberIdString"))
                listed = result.get("statuses")
                for item in listed if isinstance(listed, list) else ():
                    if isinstance(item, dict):
                        status = status_of(item)
                        found.setdefault(email, {})[status.subscription_id] = status
                found.setdefault(email, {})
            failures = failures_of(reply, chunk, set(found))
            for failure in failures:
                found.pop(failure.key, None)  # unknown, not NOT_SPECIFIED
            return StatusRead(found, tuple(failures))

        return self._run("read", self._chunks(emails), one, self.single.statuses, _merge)

    def opted_out(self, emails: Iterable[str]) -> StatusRead:
        """The addresses that opted out of all e-mail (portal- or business-unit-wide), as
        UNSUBSCRIBED statuses under subscription id "" (absent: not opted out of all)."""
        path = f"{self.base}/statuses/batch/unsubscribe-all/read?channel=EMAIL"

        def one(chunk: list[str]) -> StatusRead:
            reply = self._post(path, {"inputs": chunk})
            found: dict[str, dict[str, SubscriptionStatus]] = {}
            for result in reply.results():
                email = email_of(result.get("subscriberIdString"))
                wide = result.get("wideStatuses")
                for item in wide if isinstance(wide, list) else ():
                    if isinstance(item, dict) and item.get("status") == UNSUBSCRIBED:
                        stamp = str(item.get("timestamp", ""))
                        found[email] = {"": SubscriptionStatus(email, "", UNSUBSCRIBED, stamp)}
            # The spec: no results for a contact who has not opted out of all; so only
            # errors[] tell an unanswered address, and only those count as failures.
            failures = failures_of(reply, chunk, set(chunk)) if reply.errors() else []
            return StatusRead(found, tuple(failures))

        return self._run("read", self._chunks(emails), one, self.single.opted_out, _merge)

    def write(self, writes: Sequence[StatusWrite]) -> StatusWritten:
        """Set `writes`, 100 a call. Safe to repeat: a status is set, not toggled, so a
        request resent after a lost answer leaves the state it asked for (HubSpot answers
        NO_STATUS_CHANGE). A status HubSpot did not take becomes a failure."""
        path = f"{self.base}/statuses/batch/write"
        chunks = chunked(list(writes), STATUS_BATCH)
        return self._run(
            "write", chunks, lambda chunk: self._write(path, chunk), self.single.write, _joined
        )

    def _write(self, path: str, chunk: list[StatusWrite]) -> StatusWritten:
        body = {"inputs": [w.body() for w in chunk]}
        reply = self._post(path, body, write=True, accept=(400,))
        if reply.status == 400:
            if len(chunk) == 1:
                return StatusWritten((), tuple(failures_of(reply, [chunk[0].email], set())))
            # Undocumented which input a whole-batch 400 means: halve until it stands alone.
            halves = [chunk[: len(chunk) // 2], chunk[len(chunk) // 2 :]]
            return _joined([self._write(path, half) for half in halves])
        wanted = {(w.email, w.subscription_id): w.status for w in chunk}
        done = [
            s for s in map(status_of, reply.results()) if (s.email, s.subscription_id) in wanted
        ]
        taken = [s for s in done if wanted[(s.email, s.subscription_id)] == s.status]
        asked = [w.email for w in chunk]
        failures = failures_of(reply, asked, {s.email for s in taken})
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
        unique = dict.fromkeys(email_of(e) for e in emails if email_of(e))
        return chunked(list(unique), STATUS_BATCH)


def _merge(parts: list[StatusRead]) -> StatusRead:
    statuses: dict[str, dict[str, SubscriptionStatus]] = {}
    for part in parts:
        statuses.update(part.statuses)
    return StatusRead(statuses, tuple(f for p in parts for f in p.failures))


def _joined(parts: list[StatusWritten]) -> StatusWritten:
    return StatusWritten(
        tuple(s for p in parts for s in p.statuses),
        tuple(f for p in parts for f in p.failures),
    )
