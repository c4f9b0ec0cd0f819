"""Batch mechanics: chunking, running chunks on threads, and writing a batch with bisection.

HubSpot rejects a whole upsert/update batch with 400/409 when one input is bad and does not
document which one; `BatchWriter` splits the batch in halves until each bad input stands
alone, so the good ones still get written and each bad one becomes a `RecordFailure`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from hubsync.errors import ConfigError
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Row problems a bisect could isolate are everything else; these two are schema problems
# (the mapping names a property HubSpot lacks or may not be written) and hit every row.
SCHEMA_CODES = ("PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE")


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


def _context_keys(error: dict[str, Any]) -> list[str]:
    context = error.get("context")
    if not isinstance(context, dict):
        return []
    keys: list[str] = []
    for name in ("id", "ids"):
        values = context.get(name)
        if isinstance(values, list):
            keys.extend(str(v) for v in values)
        elif isinstance(values, str | int):
            keys.append(str(values))
    return keys


def raise_if_schema_problem(reply: Reply, object_type: str) -> None:
    """Raise ConfigError when HubSpot says a property does not exist or is read-only."""
    problems: list[str] = []
    entries = reply.errors() or [{"message": reply.field("message")}]
    for error in entries:
        code = str(error.get("code") or "")
        text = str(error.get("message") or "")
        # Real HubSpot sometimes embeds the codes in the message text instead of `code`.
        found = code if code in SCHEMA_CODES else next((c for c in SCHEMA_CODES if c in text), "")
        if not found:
            continue
        context = error.get("context")
        names = context.get("propertyName") if isinstance(context, dict) else None
        label = ", ".join(map(str, names)) if isinstance(names, list) and names else text
        if found == "PROPERTY_DOESNT_EXIST":
            problem = (
                f"HubSpot has no {object_type} property {label} (PROPERTY_DOESNT_EXIST): "
                "run `hubsync setup` or fix the mapping"
            )
        else:
            problem = (
                f"the {object_type} property {label} is read-only in HubSpot (READ_ONLY_VALUE): "
                "remove it from the mapping"
            )
        if problem not in problems:
            problems.append(problem)
    if problems:
        raise ConfigError(problems)


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
        """Send `inputs`; return HubSpot's results and the inputs it rejected."""
        reply = self._transport.call(
            "POST", self._path, {"inputs": inputs}, safe=True, write=True, accept=(400, 409)
        )
        raise_if_schema_problem(reply, self._object_type)
        if reply.status in (400, 409):
            return self._rejected(inputs, reply)
        raw = reply.body.get("results") if isinstance(reply.body, dict) else None
        results = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
        return results, self._partial(inputs, results, reply)

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
        self, inputs: list[dict[str, Any]], reply: Reply
    ) -> tuple[list[dict[str, Any]], list[RecordFailure]]:
        keys = [self._input_key(i) for i in inputs]
        if len(inputs) == 1:
            return [], [self._failure(keys[0], reply, None)]
        # Undocumented but cheap: when errors[].context.id names the bad inputs, take them
        # out directly instead of bisecting; the rest is sent again (and bisected if needed).
        named: dict[str, dict[str, Any]] = {}
        for error in reply.errors():
            for key in _context_keys(error):
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
            results, more = self.write(rest)
            return results, failures + more
        middle = len(inputs) // 2
        log.info("%s: batch of %d rejected (%d), bisecting", self._path, len(inputs), reply.status)
        left, left_failures = self.write(inputs[:middle])
        right, right_failures = self.write(inputs[middle:])
        return left + right, left_failures + right_failures

    def _partial(
        self, inputs: list[dict[str, Any]], results: list[dict[str, Any]], reply: Reply
    ) -> list[RecordFailure]:
        keys = [self._input_key(i) for i in inputs]
        failures: dict[str, RecordFailure] = {}
        unattributed: list[dict[str, Any]] = []
        for error in reply.errors():
            named = [k for k in _context_keys(error) if k in keys]
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
