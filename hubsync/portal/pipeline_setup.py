"""`hubsync setup --pipeline LABEL`: a deal pipeline of the bookings' own, so they stay out
of the sales team's pipeline.

The pipeline has two stages, "Gebucht" (closed won) and "Storniert" (closed lost), named in
HUBSYNC_LANGUAGE ("Booked", "Cancelled"). Idempotent: a pipeline of that label (case and
spacing ignored, as `deal_target` matches labels) is reused. In it, each stage is found
  1. by its label in either language ("Gebucht" or "Booked"; the run's language first),
  2. else as the pipeline's only stage HubSpot marks that way (probability "1.0" = closed
     won, "0.0" = closed lost, and not `isClosed` "false"), so a stage an admin renamed
     in HubSpot is not added a second time,
  3. else it is added.
Deals already in another pipeline stay where they are: moving them is not this command's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubsync.catalogue.pipeline import PIPELINE
from hubsync.catalogue.text import LANGUAGES, Lang
from hubsync.errors import ConfigError
from hubsync.hubspot import HubSpotClient, Pipeline, Stage
from hubsync.hubspot.pipelines import PipelineLimitReached, PipelineUsage, folded

WON, LOST = "1.0", "0.0"
# (catalogue key of the label, probability, catalogue key of the role) per stage, in order
ROLES = (("stage_booked", WON, "role_booked"), ("stage_cancelled", LOST, "role_cancelled"))


@dataclass(frozen=True)
class BookingsPipeline:
    """What `setup_pipeline` found or made: the pipeline, its booked and cancelled stages,
    whether the pipeline was created and which stages were added (by id)."""

    pipeline: Pipeline
    booked: Stage
    cancelled: Stage
    created: bool
    added: frozenset[str]

    def env_lines(self) -> list[str]:
        """The `.env` lines that send bookings to this pipeline (ids, as `run` writes them)."""
        return [
            f"HUBSYNC_DEAL_PIPELINE={self.pipeline.id}",
            f"HUBSYNC_DEAL_STAGE={self.booked.id}",
            f"HUBSYNC_DEAL_CANCELLED_STAGE={self.cancelled.id}",
        ]


def role_of(stage: Stage) -> str | None:
    """WON or LOST when HubSpot marks `stage` closed won or closed lost, else None."""
    try:
        probability = float(stage.probability)
    except ValueError:
        return None
    if stage.is_closed == "false":
        return None
    return WON if probability == 1.0 else LOST if probability == 0.0 else None


def _wanted(t: Lang) -> list[Stage]:
    return [Stage("", t(key), probability, "true") for key, probability, _ in ROLES]


def _find(stages: Sequence[Stage], key: str, probability: str, language: str) -> Stage | None:
    """The stage playing role `key`: by label (either language), else the only one so marked."""
    order = [language, *(code for code in LANGUAGES if code != language)]
    for code in order:
        label = folded(PIPELINE[key].get(code))
        found = next((s for s in stages if folded(s.label) == label), None)
        if found is not None:
            return found
    marked = [s for s in stages if role_of(s) == probability]
    return marked[0] if len(marked) == 1 else None


def setup_pipeline(client: HubSpotClient, label: str, *, language: str) -> BookingsPipeline:
    """Find or create the deal pipeline `label` with its booked and cancelled stages.

    Raises ConfigError for an empty label, a label several pipelines carry, or a portal
    whose subscription allows no further pipeline (the message says what to do instead).
    """
    t = Lang(language, PIPELINE)
    label = " ".join(label.split())
    if not label:
        raise ConfigError(t("no_label"))
    pipelines = client.pipelines()
    matches = [p for p in pipelines if folded(p.label) == folded(label)]
    if len(matches) > 1:
        raise ConfigError(t("ambiguous", label=label, ids=", ".join(p.id for p in matches)))
    created = not matches
    pipeline = matches[0] if matches else _create(client, label, pipelines, t)
    booked, cancelled, added = _ensure_stages(client, pipeline, language)
    return BookingsPipeline(pipeline, booked, cancelled, created, added)


def _create(client: HubSpotClient, label: str, pipelines: Sequence[Pipeline], t: Lang) -> Pipeline:
    usage = client.pipeline_usage()
    if usage is not None and usage.full:
        raise ConfigError(_limit_message(t, pipelines, usage))
    made = client.create_pipeline(label, _wanted(t), display_order=len(pipelines))
    if isinstance(made, PipelineLimitReached):
        raise ConfigError(_limit_message(t, pipelines, made))
    return made


def _ensure_stages(
    client: HubSpotClient, pipeline: Pipeline, language: str
) -> tuple[Stage, Stage, frozenset[str]]:
    """The booked and cancelled stages of `pipeline`, adding those it lacks."""
    wanted = _wanted(Lang(language, PIPELINE))
    found: list[Stage] = []
    added: set[str] = set()
    order = len(pipeline.stages)
    for (key, probability, _), new in zip(ROLES, wanted, strict=True):
        others = [s for s in pipeline.stages if s not in found]
        stage = _find(others, key, probability, language)
        if stage is None:
            stage = client.create_stage(pipeline.id, new, display_order=order)
            order += 1
            added.add(stage.id)
        found.append(stage)
    return found[0], found[1], frozenset(added)


def _limit_message(
    t: Lang, pipelines: Sequence[Pipeline], why: PipelineUsage | PipelineLimitReached
) -> str:
    detail = (
        t("usage", usage=why.usage, limit=why.limit)
        if isinstance(why, PipelineUsage)
        else t("hubspot_said", message=why.message)
    )
    first = pipelines[0] if pipelines else Pipeline("default", "Sales Pipeline", ())

    def marked(role: str) -> str:
        stage = next((s for s in first.stages if role_of(s) == role), None)
        return f'"{stage.label}"' if stage else ""

    listing = ", ".join(f"{p.label!r} = {p.id}" for p in pipelines) or "-"
    return t(
        "limit",
        detail=detail,
        pipeline=first.id,
        won=marked(WON),
        lost=marked(LOST),
        pipelines=listing,
    )


def render_pipeline_setup(made: BookingsPipeline, *, language: str) -> list[str]:
    """What `setup --pipeline` prints: what it found or made, then the `.env` lines."""
    t = Lang(language, PIPELINE)
    head = "created" if made.created else "exists"
    lines = [t(head, label=made.pipeline.label, id=made.pipeline.id)]
    for (_, _, role), stage in zip(ROLES, (made.booked, made.cancelled), strict=True):
        how = "stage_added" if made.created or stage.id in made.added else "stage_kept"
        lines.append(t(how, label=stage.label, role=t(role), id=stage.id))
    return [*lines, t("env"), *made.env_lines()]
