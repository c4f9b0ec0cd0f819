"""Batch mechanics: chunking, running chunks on threads, and writing a batch with bisection.

HubSpot rejects a whole upsert/update batch with 400/409 when one input is bad and does not
document which one; `BatchWriter` splits the batch in halves until each bad input stands
alone, so the good ones still get written and each bad one becomes a `RecordFailure`.
Failures that are the same whatever the records are configuration: `rejections` tells
them apart and raises ConfigError at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.rejections import (
    ADDITIONAL,
    additional_note,
    alike,
    context_keys,
    raise_if_key_problem,
    raise_if_rule_problem,
    raise_if_schema_problem,
    refused_additional,
    sends,
    uniform_failure,
    without_additional,
)
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` in consecutive lists of at most `size`."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def run_parallel(fn: Callable[[T], R], chunks: Sequence[T], workers: int) -> list[R]:
    """`fn` over `chunks` on up to `workers` threads; the first exception is raised and
    chunks not yet started are cancelled."""
    if len(chunks) <= 1 or workers <= 1:
        return [fn(chunk) for chunk in chunks]
    with ThreadPoolExecutor(min(workers, len(chunks)), thread_name_prefix="hubspot") as pool:
        futures = [pool.submit(fn, chunk) for chunk in chunks]
        _, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
        return [future.result() for future in futures]


def _split(items: list[T]) -> list[list[T]]:
    middle = len(items) // 2
    return [items[:middle], items[middle:]]


class BatchWriter:
    """Writes one batch (≤ the endpoint's limit) to `path`, bisecting whole-batch rejections.

    `input_key` names an input as the caller knows it; `result_key` finds that name in a
    result (None when it cannot), used to attribute `errors[]` of a 2xx without ids.
    """

    def __init__(
        self,
        transport: Transport,
        path: str,
        object_type: str,
        *,
        input_key: Callable[[dict[str, Any]], str],
        result_key: Callable[[dict[str, Any]], str | None],
    ) -> None:
        self._transport = transport
        self._path = path
        self._object_type = object_type
        self._input_key = input_key
        self._result_key = result_key

    def write(
        self, inputs: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[RecordFailure]]:
        """Send `inputs`; return HubSpot's results and the inputs it rejected. Raises
        ConfigError for failures no record can fix (schema, key, portal rules)."""
        return self._settle(inputs, self._send(inputs), top=True)

    def _send(self, inputs: list[dict[str, Any]]) -> Reply:
        return self._transport.call(
            "POST", self._path, {"inputs": inputs}, safe=True, write=True, accept=(400, 409)
        )

    def _settle(
        self, inputs: list[dict[str, Any]], reply: Reply, *, top: bool = False
    ) -> tuple[list[dict[str, Any]], list[RecordFailure]]:
        raise_if_key_problem(reply, self._object_type)
        if any(refused_additional(e) for e in reply.errors()):
            return self._without_additional(inputs, reply, top)
        raise_if_schema_problem(reply, self._object_type)
        if reply.status in (400, 409):
            if top:
                raise_if_rule_problem(reply, inputs, self._object_type)
            return self._rejected(inputs, reply, top)
        raw = reply.body.get("results") if isinstance(reply.body, dict) else None
        results = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
        return results, self._partial(inputs, results, reply)

    def _without_additional(
        self, inputs: list[dict[str, Any]], reply: Reply, top: bool
    ) -> tuple[list[dict[str, Any]], list[RecordFailure]]:
        """HubSpot refused `hs_additional_emails` (READ_ONLY_VALUE) although the schema lets
        it be written (its write path is not documented): write those inputs without it,
        and report each one's addresses instead of stopping the run."""
        hits = [e for e in reply.errors() if refused_additional(e)]
        named = {k for e in hits for k in context_keys(e)}
        carrying = [i for i in inputs if sends(i, ADDITIONAL)]
        affected = [i for i in carrying if self._input_key(i) in named] or carrying
        if not affected:
            raise_if_schema_problem(reply, self._object_type)
        bare = {id(i): without_additional(i) for i in affected}
        results: list[dict[str, Any]] = []
        failures: list[RecordFailure] = []
        if 200 <= reply.status < 300:
            rest = [e for e in reply.errors() if e not in hits]
            results, failures = self._settle(
                inputs, Reply(reply.status, {**reply.body, "errors": rest})
            )
            resend = [bare[id(i)] for i in affected]
        else:
            resend = [bare.get(id(i), i) for i in inputs]
        more, more_failures = self._settle(resend, self._send(resend), top=top)
        notes = [additional_note(self._input_key(i), reply.status, i) for i in affected]
        return results + more, failures + more_failures + notes

    def _failure(self, key: str, reply: Reply, error: dict[str, Any] | None) -> RecordFailure:
        error = error or next(iter(reply.errors()), {})
        return RecordFailure(
            key=key,
            status=reply.status,
            category=str(error.get("category") or reply.field("category")),
            message=str(error.get("message") or reply.field("message")),
            code=str(error.get("code") or ""),
        )

    def _rejected(
        self, inputs: list[dict[str, Any]], reply: Reply, top: bool = False
    ) -> tuple[list[dict[str, Any]], list[RecordFailure]]:
        keys = [self._input_key(i) for i in inputs]
        if len(inputs) == 1:
            return [], [self._failure(keys[0], reply, None)]
        # Undocumented but cheap: when errors[].context.id names the bad inputs, take them
        # out directly instead of bisecting; the rest is sent again (and bisected if needed).
        named: dict[str, dict[str, Any]] = {}
        for error in reply.errors():
            for key in context_keys(error):
                if key in keys:
                    named.setdefault(key, error)
        if named:
            failures = [self._failure(k, reply, named[k]) for k in keys if k in named]
            rest = [i for i, k in zip(inputs, keys, strict=True) if k not in named]
            log.info(
                "%s: %d input(s) named as rejected, resending %d",
                self._path,
                len(failures),
                len(rest),
            )
            if not rest:
                return [], failures
            results, more = self._settle(rest, self._send(rest))
            return results, failures + more
        log.info("%s: batch of %d rejected (%d), bisecting", self._path, len(inputs), reply.status)
        halves = _split(inputs)
        replies = [self._send(half) for half in halves]
        if top and len(inputs) >= 4 and alike(reply, replies):
            # Both halves fail like the whole, naming no input, property or value: perhaps
            # the portal's doing, not a record's. Every quarter failing too rules out up to
            # three bad records; bisecting on would cost ~2 calls a record. The quarters are
            # the bisection's next step anyway, so nothing is sent in vain.
            halves = [q for half in halves for q in _split(half)]
            replies = [self._send(q) for q in halves]
            if alike(reply, replies):
                raise uniform_failure(self._object_type, reply)
        parts = [self._settle(h, r) for h, r in zip(halves, replies, strict=True)]
        return [r for p in parts for r in p[0]], [f for p in parts for f in p[1]]

    def _partial(
        self, inputs: list[dict[str, Any]], results: list[dict[str, Any]], reply: Reply
    ) -> list[RecordFailure]:
        keys = [self._input_key(i) for i in inputs]
        failures: dict[str, RecordFailure] = {}
        unattributed: list[dict[str, Any]] = []
        for error in reply.errors():
            named = [k for k in context_keys(error) if k in keys]
            for key in named:
                failures.setdefault(key, self._failure(key, reply, error))
            if not named:
                unattributed.append(error)
        if not unattributed:
            return list(failures.values())
        written = {self._result_key(r) for r in results}
        missing = [k for k in keys if k not in written and k not in failures]
        if None in written or not missing:
            # Cannot tell which inputs the errors belong to: report them without a key
            # rather than drop them (a 2xx does not mean every input was applied).
            log.warning(
                "%s: %d error(s) not attributable to an input", self._path, len(unattributed)
            )
            return list(failures.values()) + [self._failure("", reply, e) for e in unattributed]
        for key in missing:
            failures[key] = self._failure(key, reply, unattributed[0])
        return list(failures.values())
