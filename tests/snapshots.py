"""Comparing two emulator snapshots (`Store.snapshot()`) so a failure says what differs."""

from __future__ import annotations

from typing import Any


def differences(actual: dict[str, Any], expected: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(kind, key, property, actual, expected) for every difference of two snapshots."""
    found: list[tuple[Any, ...]] = []
    for kind in ("contacts", "deals"):
        for key in sorted(actual[kind].keys() | expected[kind].keys()):
            mine, theirs = actual[kind].get(key, {}), expected[kind].get(key, {})
            for name in sorted(mine.keys() | theirs.keys()):
                if mine.get(name) != theirs.get(name):
                    found.append((kind, key, name, mine.get(name), theirs.get(name)))
    extra = set(actual["associations"]) ^ set(expected["associations"])
    found += [("association", *pair) for pair in sorted(extra)]
    if len(actual["associations"]) != len(set(actual["associations"])):
        found.append(("association", "duplicates"))
    return found
