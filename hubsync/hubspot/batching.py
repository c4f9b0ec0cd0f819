"""Batch mechanics: chunking, running chunks on threads, and writing a batch with bisection.

HubSpot rejects a whole upsert/update batch with 400/409 when one input is bad and does not
document which one; `BatchWriter` splits the batch in halves until each bad input stands
alone, so the good ones still get written and each bad one becomes a `RecordFailure`.
Failures that are the same whatever the records (a missing property, a key without
`hasUniqueValue`, a portal rule no input meets) are configuration: ConfigError at once.
"""

from __future__ import annotations

import logging
import re
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
# Codes about one record's own values: never a reason to stop the run.
VALUE_CODES = ("INVALID_EMAIL", "INVALID_OPTION", "INVALID_DATE", "INVALID_INTEGER", "CONFLICT")
ADDITIONAL = "hs_additional_emails"
KEY_SETTINGS = {
    "contacts": "HUBSYNC_CUSTOMER_NUMBER_PROPERTY",
    "deals": "HUBSYNC_INVOICE_NUMBER_PROPERTY",
}
# "Unable to perform update/upsert by non-unique 0-2 property hs_object_id in portal ID
# 21939747" (400 VALIDATION_ERROR, quoted in segmentio/action-destinations#3957).
_NON_UNIQUE = re.compile(r"non-unique\s+(?:\S+\s+)?property\s+([A-Za-z0-9_]+)", re.IGNORECASE)
_MISSING_LIST = re.compile(r"missing:\s*\[([^\]]*)\]")
_IS_REQUIRED = re.compile(r"\b([a-z][a-z0-9_]*) is required\b")


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


def _names(error: dict[str, Any]) -> list[str]:
    context = error.get("context")
    names = context.get("propertyName") if isinstance(context, dict) else None
    if isinstance(names, str):
        return [names]
    return [str(n) for n in names] if isinstance(names, list) else []


def raise_if_key_problem(reply: Reply, object_type: str, id_property: str | None = None) -> None:
    """Raise ConfigError when HubSpot will not read or upsert by a non-unique property."""
    for text in [reply.field("message")] + [str(e.get("message") or "") for e in reply.errors()]:
        if "non-unique" not in text.lower():
            continue
        match = _NON_UNIQUE.search(text)
        name = match.group(1) if match else id_property or "(unnamed)"
        setting = KEY_SETTINGS.get(object_type, " / ".join(KEY_SETTINGS.values()))
        raise ConfigError(
            f"the property {name} is not unique-valued in HubSpot (HubSpot: {text}); HubSpot "
            "cannot change that on an existing property: create a new unique property with "
            f"`hubsync setup` after setting {setting} to a new property name"
        )


def _requirements(reply: Reply) -> list[tuple[str | None, str]]:
    """(property or None, message) of each "required property" failure in `reply`.

    HubSpot documents no code for its 2026-09 rule enforcement, so a code naming REQUIRED
    or a message saying "required" counts, unless the code is about a value.
    """
    found: list[tuple[str | None, str]] = []
    for error in reply.errors() or [{"message": reply.field("message")}]:
        code = str(error.get("code") or "").upper()
        text = str(error.get("message") or "")
        if code in VALUE_CODES or ("REQUIRED" not in code and "required" not in text.lower()):
            continue
        names = _names(error)
        if not names and (match := _MISSING_LIST.search(text)):
            names = [n.strip() for n in match.group(1).split(",") if n.strip()]
        if not names:
            names = _IS_REQUIRED.findall(text)
        found.extend([(n, text) for n in names] if names else [(None, text)])
    return found


def _sends(item: dict[str, Any], name: str) -> bool:
    props = item.get("properties")
    return isinstance(props, dict) and props.get(name) not in (None, "")


def rule_problem(object_type: str, name: str, text: str) -> str:
    """The message for a portal rule that requires property `name`, which hubsync never sends."""
    example = "existingbusiness" if name == "dealtype" else "..."
    return (
        f"HubSpot requires the {object_type} property {name}, and hubsync sends none: a "
        f'validation rule of the portal, enforced on API writes since version 2026-09 ("{text}"). '
        f"Give it a fixed value in the mapping file under [{object_type}.constants], e.g. "
        f'{name} = "{example}", map a column to it, or ask the portal\'s admin to change the rule'
    )


def raise_if_rule_problem(reply: Reply, inputs: list[dict[str, Any]], object_type: str) -> None:
    """Raise ConfigError when a rejected batch breaks a "required property" rule on a
    property no input of the batch carries (the same for every record: not a row error)."""
    problems: list[str] = []
    for name, text in _requirements(reply):
        if name is not None and not any(_sends(i, name) for i in inputs):
            problem = rule_problem(object_type, name, text)
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise ConfigError(problems)


def _signature(reply: Reply) -> tuple[Any, ...] | None:
    """What a rejection says apart from which inputs it names; None for value problems."""
    entries = reply.errors() or [{}]
    if any(_context_keys(e) or str(e.get("code") or "") in VALUE_CODES for e in entries):
        return None
    said = frozenset((str(e.get("code") or ""), str(e.get("message") or "")) for e in entries)
    return (reply.status, reply.field("category"), reply.field("message"), said)


def _split(items: list[T]) -> list[list[T]]:
    middle = len(items) // 2
    return [items[:middle], items[middle:]]


def _alike(whole: Reply, parts: list[Reply]) -> bool:
    """True when every part was rejected exactly like `whole`, which names no input, no
    value code and no property (a named requirement is decided by `raise_if_rule_problem`)."""
    signature = _signature(whole)
    if signature is None or any(name for name, _ in _requirements(whole)):
        return False
    return all(_signature(r) == signature for r in parts)


def _refused_additional(error: dict[str, Any]) -> bool:
    text = str(error.get("message") or "")
    read_only = error.get("code") == "READ_ONLY_VALUE" or "READ_ONLY_VALUE" in text
    return read_only and (ADDITIONAL in _names(error) or ADDITIONAL in text)


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
        if any(_refused_additional(e) for e in reply.errors()):
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
        hits = [e for e in reply.errors() if _refused_additional(e)]
        named = {k for e in hits for k in _context_keys(e)}
        carrying = [i for i in inputs if _sends(i, ADDITIONAL)]
        affected = [i for i in carrying if self._input_key(i) in named] or carrying
        if not affected:
            raise_if_schema_problem(reply, self._object_type)
        bare = {
            id(i): {
                **i,
                "properties": {k: v for k, v in i["properties"].items() if k != ADDITIONAL},
            }
            for i in affected
        }
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
        notes = [
            RecordFailure(
                key=self._input_key(i),
                status=reply.status,
                category="VALIDATION_ERROR",
                message=f"HubSpot refused the additional e-mail address(es) "
                f"{i['properties'][ADDITIONAL]} ({ADDITIONAL}: READ_ONLY_VALUE); the record was "
                "written without them: add them in HubSpot by hand",
                code="READ_ONLY_VALUE",
            )
            for i in affected
        ]
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
            results, more = self._settle(rest, self._send(rest))
            return results, failures + more
        log.info("%s: batch of %d rejected (%d), bisecting", self._path, len(inputs), reply.status)
        halves = _split(inputs)
        replies = [self._send(half) for half in halves]
        if top and len(inputs) >= 4 and _alike(reply, replies):
            # Both halves fail like the whole, naming no input, property or value: perhaps
            # the portal's doing, not a record's. Every quarter failing too rules out up to
            # three bad records; bisecting on would cost ~2 calls a record. The quarters are
            # the bisection's next step anyway, so nothing is sent in vain.
            halves = [q for half in halves for q in _split(half)]
            replies = [self._send(q) for q in halves]
            if _alike(reply, replies):
                raise ConfigError(
                    f"HubSpot rejects every {self._object_type} write alike, whatever the "
                    f"records ({reply.status} {reply.field('category')}: "
                    f"{reply.field('message')}); this is a portal setting, e.g. an admin's "
                    "validation rule (enforced on API writes since version 2026-09): meet it "
                    f"in the mapping file (e.g. [{self._object_type}.constants]) or ask the "
                    "portal's admin to change it"
                )
        parts = [self._settle(h, r) for h, r in zip(halves, replies, strict=True)]
        return [r for p in parts for r in p[0]], [f for p in parts for f in p[1]]

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
