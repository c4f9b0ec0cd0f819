"""Where deals go: the configured pipeline and stages, by id or by the label an admin sees.

`HUBSYNC_DEAL_PIPELINE`, `HUBSYNC_DEAL_STAGE` and `HUBSYNC_DEAL_CANCELLED_STAGE` take an
internal id (`default`, `closedwon`, `71234567`) or a label (`Buchungen`, `Gebucht`),
case-insensitive; a stage is looked up within the chosen pipeline. hubsync always writes
ids, since `pipeline` and `dealstage` take only ids. Problems list what the portal has,
labels with their ids, because `hubsync setup` creates no pipelines or stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from hubsync.hubspot import Pipeline, Stage

T = TypeVar("T", Pipeline, Stage)


@dataclass(frozen=True)
class DealTarget:
    """The pipeline and stages deals are written to, as HubSpot ids."""

    pipeline: str
    stage: str
    cancelled_stage: str


def _pick(items: Sequence[T], wanted: str) -> list[T]:
    """Items whose id is `wanted`, else those whose label is (ignoring case and spaces)."""
    by_id = [i for i in items if i.id == wanted.strip()]
    if by_id:
        return by_id
    label = " ".join(wanted.split()).casefold()
    return [i for i in items if " ".join(i.label.split()).casefold() == label]


def _listing(items: Sequence[Pipeline] | Sequence[Stage]) -> str:
    return ", ".join(f"{i.label!r} = {i.id}" for i in items) or "none"


def resolve_deal_target(
    pipelines: Sequence[Pipeline], pipeline: str, stage: str, cancelled_stage: str
) -> tuple[DealTarget | None, list[str]]:
    """The ids of the configured pipeline and stages, or the problems that stop it."""
    found = _pick(pipelines, pipeline)
    if len(found) != 1:
        how = "is ambiguous" if found else "does not exist"
        return None, [
            f"deal pipeline {pipeline!r} (HUBSYNC_DEAL_PIPELINE) {how}; the portal's deal "
            f"pipelines (label = id): {_listing(pipelines)}. Set HUBSYNC_DEAL_PIPELINE to "
            "one of them, by label or id."
        ]
    chosen = found[0]
    problems: list[str] = []
    ids: list[str] = []
    for variable, value in (
        ("HUBSYNC_DEAL_STAGE", stage),
        ("HUBSYNC_DEAL_CANCELLED_STAGE", cancelled_stage),
    ):
        stages = _pick(chosen.stages, value)
        if len(stages) == 1:
            ids.append(stages[0].id)
            continue
        how = "matches several stages of" if stages else "is not a stage of"
        problems.append(
            f"deal stage {value!r} ({variable}) {how} pipeline {chosen.label!r} ({chosen.id}); "
            f"its stages (label = id): {_listing(chosen.stages)}. Set {variable} to one of "
            "them, by label or id."
        )
    if problems:
        return None, problems
    if ids[0] == ids[1]:
        return None, [
            "HUBSYNC_DEAL_STAGE and HUBSYNC_DEAL_CANCELLED_STAGE name the same stage "
            f"({ids[0]}): cancelled bookings must go to a stage of their own."
        ]
    return DealTarget(chosen.id, ids[0], ids[1]), []
