"""Write policies, and constant properties written under them.

A policy says how a value goes over what HubSpot already holds: overwrite (default) writes
every non-empty value; if_empty writes only when HubSpot's value is empty; append adds
';'-separated values to a multi-checkbox; skip_blank is overwrite that never clears.

Constants are values the admin wants on every record hubsync writes (a portal's own
rules, which HubSpot enforces on API writes from 2026-09, or its conventions: "every deal
has a type and an owner"), values the exports do not carry. The mapping file names them
(`[deals.constants]`, `[contacts.constants]`); they are written when a record is created
and, under their policy (default if_empty, changeable in `[deals.policies]` and
`[contacts.policies]`), when it is updated, so a value a person curated survives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hubsync.mapping.compare import same_value


class WritePolicy(StrEnum):
    """How a mapped value is written over what HubSpot already holds."""

    OVERWRITE = "overwrite"
    IF_EMPTY = "if_empty"
    SKIP_BLANK = "skip_blank"
    APPEND = "append"


def merge_value(
    policy: WritePolicy, current: str | None, new: str | None, *, clear_blanks: bool
) -> str | None:
    """The value to write for one property under `policy`, or None for "no write".

    Returns "" only to clear HubSpot: policy overwrite, `clear_blanks`, a blank cell and a
    non-empty current value. Append forms the set union of ';'-separated values, order kept.
    """
    cur = (current or "").strip()
    value = (new or "").strip()
    if not value:
        clears = policy is WritePolicy.OVERWRITE and clear_blanks and cur
        return "" if clears else None
    if policy is WritePolicy.IF_EMPTY:
        return value if not cur else None
    if policy is WritePolicy.APPEND:
        have = _split_multi(cur)
        merged = have + [v for v in dict.fromkeys(_split_multi(value)) if v not in have]
        return ";".join(merged) if merged != have else None
    return value if value != cur else None


def _split_multi(value: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in value.split(";") if part.strip()))


@dataclass(frozen=True)
class Constants:
    """Property → value for every record of one object type, with their write policies."""

    values: dict[str, str] = field(default_factory=dict)
    policies: dict[str, WritePolicy] = field(default_factory=dict)

    def policy(self, name: str) -> WritePolicy:
        return self.policies.get(name, WritePolicy.IF_EMPTY)

    def changes(self, held: Mapping[str, str | None] | None) -> dict[str, str]:
        """What to write for a record holding `held` (None: a record to be created)."""
        if held is None:
            return dict(self.values)
        out: dict[str, str] = {}
        for name, value in self.values.items():
            current = held.get(name)
            policy = self.policy(name)
            new = merge_value(policy, current, value, clear_blanks=False)
            if new is not None and not same_value(current, new, multi=policy is WritePolicy.APPEND):
                out[name] = new
        return out


NO_CONSTANTS = Constants()
