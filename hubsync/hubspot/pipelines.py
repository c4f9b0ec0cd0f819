"""Deal pipeline calls: list, create a pipeline or a stage, and read the portal's pipeline limit.

Sources (HubSpot's published OpenAPI spec, HubSpot/HubSpot-public-api-spec-collection,
`PublicApiSpecs/CRM/Pipelines/Rollouts/145896/{2026-09,v3}/pipelines.json`, and the
pipelines guide, developers.hubspot.com/docs/api/crm/pipelines):
- `POST .../pipelines/{objectType}` takes a `PipelineInput`: `label`, `displayOrder` and
  `stages` are required; each `PipelineStageInput` needs `label`, `displayOrder` and
  `metadata`, whose values are strings. For deals `metadata.probability` is required:
  "0.0 being Closed Lost and 1.0 being Closed Won". `isClosed` is what HubSpot returns on
  closed stages; hubsync sends it too (an extra string the schema allows).
- `POST .../pipelines/{objectType}/{pipelineId}/stages` adds one `PipelineStageInput`.
- Both need the scope `crm.schemas.deals.write`; reading pipelines needs any deals scope.
- `GET /crm/limits/{version}/pipelines` (v3: `/crm/v3/limits/pipelines`; spec
  `CRM/Limits Tracking/.../limitsTracking.json`) lists `limit` and `usage` per object type
  (`objectTypeId` "0-3" = deals). What a create past the limit answers is not documented:
  a 400 or 403 whose message, category or code names a limit is taken for it.
A create is not idempotent: after a lost answer the pipelines are read back by label
before the one further attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hubsync.errors import TransientError
from hubsync.hubspot.models import Pipeline, Stage
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

DEALS_TYPE_ID = "0-3"
_ATTEMPTS = 2  # a create, then (after reading back and finding nothing) one more


@dataclass(frozen=True)
class PipelineUsage:
    """How many deal pipelines the subscription allows and how many exist."""

    limit: int
    usage: int

    @property
    def full(self) -> bool:
        return self.usage >= self.limit


@dataclass(frozen=True)
class PipelineLimitReached:
    """HubSpot refused a new pipeline because the subscription allows no further one."""

    message: str


def folded(label: str) -> str:
    """A label as pipelines and stages are matched: case and spacing ignored."""
    return " ".join(label.split()).casefold()


def _stage_body(stage: Stage, order: int) -> dict[str, Any]:
    metadata = {"probability": stage.probability}
    if stage.is_closed:
        metadata["isClosed"] = stage.is_closed
    return {"label": stage.label, "displayOrder": order, "metadata": metadata}


def names_limit(reply: Reply) -> bool:
    """True for a 400/403 that says a limit is reached (not a missing scope)."""
    if reply.status not in (400, 403) or reply.field("category") == "MISSING_SCOPES":
        return False
    texts = [reply.field(k) for k in ("message", "category", "subCategory")]
    for error in reply.errors():
        texts += [str(error.get(k, "")) for k in ("message", "code", "subCategory")]
    return any("limit" in t.lower() for t in texts)


class PipelineCalls:
    """Pipeline requests of one client: its transport and paths."""

    def __init__(self, transport: Transport, paths: ApiPaths) -> None:
        self._http = transport
        self._paths = paths

    def list(self, object_type: str = "deals") -> tuple[Pipeline, ...]:
        """The portal's pipelines with their stages."""
        reply = self._http.call("GET", self._paths.pipelines(object_type), safe=True)
        return tuple(Pipeline.from_api(p) for p in reply.results())

    def usage(self) -> PipelineUsage | None:
        """The deal pipeline limit and usage, or None when the portal does not say."""
        legacy = self._paths.legacy
        path = "/crm/v3/limits/pipelines" if legacy else self._limits_path()
        reply = self._http.call("GET", path, safe=True, accept=(400, 403, 404))
        entries = reply.body.get("hubspotDefinedObjectTypes") if reply.status == 200 else None
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and entry.get("objectTypeId") == DEALS_TYPE_ID:
                limit, usage = entry.get("limit"), entry.get("usage")
                if isinstance(limit, int) and isinstance(usage, int):
                    return PipelineUsage(limit, usage)
        return None

    def _limits_path(self) -> str:
        return f"/crm/limits/{self._paths.api_version}/pipelines"

    def create(
        self, label: str, stages: Sequence[Stage], display_order: int
    ) -> Pipeline | PipelineLimitReached:
        """A new deal pipeline with `stages` (their ids ignored), or PipelineLimitReached.

        A label HubSpot already has (409), or a create whose answer was lost, yields the
        pipeline read back by label. Raises TransientError when it cannot be told.
        """
        path = self._paths.pipelines("deals")
        body = {
            "label": label,
            "displayOrder": display_order,
            "stages": [_stage_body(s, i) for i, s in enumerate(stages)],
        }
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                reply = self._http.call(
                    "POST", path, body, safe=False, write=True, accept=(400, 403, 409)
                )
            except TransientError:
                found = self._pipeline(label)
                if found is not None:
                    return found
                if attempt == _ATTEMPTS:
                    raise
                log.warning("creating pipeline %r: answer lost and not there; once more", label)
                continue
            return self._created(reply, label, f"POST {path}")
        raise AssertionError("unreachable")  # pragma: no cover

    def _created(self, reply: Reply, label: str, what: str) -> Pipeline | PipelineLimitReached:
        if names_limit(reply):
            return PipelineLimitReached(reply.field("message") or str(reply.status))
        found = self._pipeline(label) if reply.status == 409 else None
        if found is not None:
            return found
        if reply.status >= 400:
            self._http.fail(reply, what)
        return Pipeline.from_api(reply.body if isinstance(reply.body, dict) else {})

    def add_stage(self, pipeline_id: str, stage: Stage, display_order: int) -> Stage:
        """Add `stage` to pipeline `pipeline_id`; a lost answer is settled by reading the
        pipeline's stages back by label. Raises TransientError when it cannot be told."""
        path = f"{self._paths.pipelines('deals')}/{quote(pipeline_id, safe='')}/stages"
        body = _stage_body(stage, display_order)
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                reply = self._http.call("POST", path, body, safe=False, write=True)
            except TransientError:
                found = self._stage(pipeline_id, stage.label)
                if found is not None:
                    return found
                if attempt == _ATTEMPTS:
                    raise
                log.warning("adding stage %r: answer lost and not there; once more", stage.label)
                continue
            return Stage.from_api(reply.body if isinstance(reply.body, dict) else {})
        raise AssertionError("unreachable")  # pragma: no cover

    def _pipeline(self, label: str) -> Pipeline | None:
        matches = [p for p in self.list() if folded(p.label) == folded(label)]
        return matches[0] if len(matches) == 1 else None

    def _stage(self, pipeline_id: str, label: str) -> Stage | None:
        pipeline = next((p for p in self.list() if p.id == pipeline_id), None)
        stages = pipeline.stages if pipeline else ()
        return next((s for s in stages if folded(s.label) == folded(label)), None)
