"""What a rejected HubSpot write says: row problems, or configuration no record can fix.

Failures that are the same whatever the records (a missing property, a key without
`hasUniqueValue`, a portal rule no input meets, a rejection alike for every part of a
batch) become ConfigError here; HubSpot's refusal of `hs_additional_emails` becomes a
note per record, the record itself is written without the addresses.
"""

from __future__ import annotations

import re
from typing import Any

from hubsync.errors import ConfigError
from hubsync.hubspot.models import RecordFailure
from hubsync.hubspot.transport import Reply

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


def context_keys(error: dict[str, Any]) -> list[str]:
    """The input ids an error names in `context.id` / `context.ids` (often none)."""
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


def sends(item: dict[str, Any], name: str) -> bool:
    """True when input `item` carries a non-empty value of property `name`."""
    props = item.get("properties")
    return isinstance(props, dict) and props.get(name) not in (None, "")


def raise_if_key_problem(reply: Reply, object_type: str, id_property: str | None = None) -> None:
    """Raise ConfigError when HubSpot will not read or upsert by a non-unique property."""
    for text in [reply.field("message")] + [str(e.get("message") or "") for e in reply.errors()]:
        if "non-unique" not in text.lower():
            continue
        match = _NON_UNIQUE.search(text)
        name = match.group(1) if match else id_property or "(unnamed)"
        if object_type == "companies":
            raise ConfigError(
                f"the company property {name} is not unique-valued in HubSpot (HubSpot: "
                f"{text}): delete it (it holds only hubsync's company keys) and run "
                "`hubsync setup`, or set HUBSYNC_COMPANIES=off"
            )
        setting = KEY_SETTINGS.get(object_type, " / ".join(KEY_SETTINGS.values()))
        raise ConfigError(
            f"the property {name} is not unique-valued in HubSpot (HubSpot: {text}); HubSpot "
            "cannot change that on an existing property: create a new unique property with "
            f"`hubsync setup` after setting {setting} to a new property name"
        )


def _schema_problem(object_type: str, error: dict[str, Any]) -> str | None:
    code = str(error.get("code") or "")
    text = str(error.get("message") or "")
    # Real HubSpot sometimes embeds the codes in the message text instead of `code`.
    found = code if code in SCHEMA_CODES else next((c for c in SCHEMA_CODES if c in text), "")
    if not found:
        return None
    context = error.get("context")
    names = context.get("propertyName") if isinstance(context, dict) else None
    label = ", ".join(map(str, names)) if isinstance(names, list) and names else text
    if found == "PROPERTY_DOESNT_EXIST":
        return (
            f"HubSpot has no {object_type} property {label} (PROPERTY_DOESNT_EXIST): "
            "run `hubsync setup` or fix the mapping"
        )
    return (
        f"the {object_type} property {label} is read-only in HubSpot (READ_ONLY_VALUE): "
        "remove it from the mapping"
    )


def raise_if_schema_problem(reply: Reply, object_type: str) -> None:
    """Raise ConfigError when HubSpot says a property does not exist or is read-only."""
    problems: list[str] = []
    for error in reply.errors() or [{"message": reply.field("message")}]:
        problem = _schema_problem(object_type, error)
        if problem is not None and problem not in problems:
            problems.append(problem)
    if problems:
        raise ConfigError(problems)


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
        if name is not None and not any(sends(i, name) for i in inputs):
            problem = rule_problem(object_type, name, text)
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise ConfigError(problems)


def _signature(reply: Reply) -> tuple[Any, ...] | None:
    """What a rejection says apart from which inputs it names; None for value problems."""
    entries = reply.errors() or [{}]
    if any(context_keys(e) or str(e.get("code") or "") in VALUE_CODES for e in entries):
        return None
    said = frozenset((str(e.get("code") or ""), str(e.get("message") or "")) for e in entries)
    return (reply.status, reply.field("category"), reply.field("message"), said)


def alike(whole: Reply, parts: list[Reply]) -> bool:
    """True when every part was rejected exactly like `whole`, which names no input, no
    value code and no property (a named requirement is decided by `raise_if_rule_problem`)."""
    signature = _signature(whole)
    if signature is None or any(name for name, _ in _requirements(whole)):
        return False
    return all(_signature(r) == signature for r in parts)


def uniform_failure(object_type: str, reply: Reply) -> ConfigError:
    """The error for a write HubSpot rejects alike whatever the records: a portal setting."""
    return ConfigError(
        f"HubSpot rejects every {object_type} write alike, whatever the "
        f"records ({reply.status} {reply.field('category')}: "
        f"{reply.field('message')}); this is a portal setting, e.g. an admin's "
        "validation rule (enforced on API writes since version 2026-09): meet it "
        f"in the mapping file (e.g. [{object_type}.constants]) or ask the "
        "portal's admin to change it"
    )


def refused_additional(error: dict[str, Any]) -> bool:
    """True for HubSpot's READ_ONLY_VALUE on `hs_additional_emails`."""
    text = str(error.get("message") or "")
    read_only = error.get("code") == "READ_ONLY_VALUE" or "READ_ONLY_VALUE" in text
    return read_only and (ADDITIONAL in _names(error) or ADDITIONAL in text)


def without_additional(item: dict[str, Any]) -> dict[str, Any]:
    """Input `item` without its `hs_additional_emails`."""
    kept = {k: v for k, v in item["properties"].items() if k != ADDITIONAL}
    return {**item, "properties": kept}


def additional_note(key: str, status: int, item: dict[str, Any]) -> RecordFailure:
    """The note for a record written without the additional addresses HubSpot refused."""
    return RecordFailure(
        key=key,
        status=status,
        category="VALIDATION_ERROR",
        message=f"HubSpot refused the additional e-mail address(es) "
        f"{item['properties'][ADDITIONAL]} ({ADDITIONAL}: READ_ONLY_VALUE); the record was "
        "written without them: add them in HubSpot by hand",
        code="READ_ONLY_VALUE",
    )
