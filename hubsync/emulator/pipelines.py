"""Deal pipeline endpoints: list, read, create a pipeline or a stage, and the pipeline limit.

Validation follows HubSpot's published spec (`CRM/Pipelines/.../2026-09/pipelines.json`):
`PipelineInput` requires `label`, `displayOrder`, `stages`; `PipelineStageInput` requires
`label`, `displayOrder`, `metadata`, whose values are strings; deal stages need
`metadata.probability` between 0.0 and 1.0 in steps of 0.1, and stage labels are unique
within a pipeline. Past `store.pipeline_limit` (HubSpot Free allows one deal pipeline,
Starter two) a create answers 400 naming the limit, and a label in use 409: what HubSpot
answers in both cases is not documented. `GET /crm/limits/{version}/pipelines` answers
as `limitsTracking.json` says.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from hubsync.emulator.store import Store, now_text
from hubsync.emulator.validation import JSON, ApiError

# Ids as HubSpot gives a portal's own pipelines and stages: numbers, as strings.
_IDS = itertools.count(70_000_001)


def list_pipelines(store: Store, object_type: str) -> JSON:
    """GET .../pipelines/{type}."""
    return {"results": copy.deepcopy(store.pipelines.get(object_type, []))}


def get_pipeline(store: Store, object_type: str, pipeline_id: str) -> JSON:
    """GET .../pipelines/{type}/{id}: one pipeline or 404."""
    return copy.deepcopy(_existing(store, object_type, pipeline_id))


def create_pipeline(store: Store, body: JSON) -> JSON:
    """POST .../pipelines/deals: the new pipeline; 409 for a label in use, 400 past the limit."""
    _require(body, ("label", "displayOrder", "stages"), "PipelineInput")
    stages = body["stages"]
    if not isinstance(stages, list) or not stages:
        raise ApiError(400, "stages must be a non-empty list of PipelineStageInput")
    label = str(body["label"])
    pipelines = store.pipelines["deals"]
    if any(_fold(p["label"]) == _fold(label) for p in pipelines):
        raise ApiError(409, f"A pipeline labelled '{label}' already exists.", "CONFLICT")
    live = [p for p in pipelines if not p.get("archived")]
    if len(live) >= store.pipeline_limit:
        raise ApiError(
            400,
            f"Your portal has reached its limit of {store.pipeline_limit} deal pipeline(s).",
            "VALIDATION_ERROR",
        )
    pipeline_id = str(next(_IDS))
    new: list[JSON] = []
    for stage in stages:
        new.append(_stage(stage, new))
    now = now_text()
    pipeline: JSON = {
        "id": pipeline_id,
        "label": label,
        "displayOrder": body["displayOrder"],
        "archived": False,
        "createdAt": now,
        "updatedAt": now,
        "stages": new,
    }
    pipelines.append(pipeline)
    _add_option(store, "pipeline", pipeline["id"], label)
    for stage in new:
        _add_option(store, "dealstage", stage["id"], stage["label"])
    return copy.deepcopy(pipeline)


def create_stage(store: Store, pipeline_id: str, body: JSON) -> JSON:
    """POST .../pipelines/deals/{id}/stages: the new stage; 400 for a label in use."""
    pipeline = _existing(store, "deals", pipeline_id)
    stage = _stage(body, pipeline["stages"])
    pipeline["stages"].append(stage)
    pipeline["updatedAt"] = stage["updatedAt"]
    _add_option(store, "dealstage", stage["id"], stage["label"])
    return copy.deepcopy(stage)


def pipeline_limits(store: Store) -> JSON:
    """GET /crm/limits/{version}/pipelines: limit and usage for deals (`0-3`)."""
    used = sum(1 for p in store.pipelines["deals"] if not p.get("archived"))
    limit = store.pipeline_limit
    return {
        "hubspotDefinedObjectTypes": [
            {
                "objectTypeId": "0-3",
                "singularLabel": "Deal",
                "pluralLabel": "Deals",
                "limit": limit,
                "usage": used,
                "percentage": round(100.0 * used / limit, 1) if limit else 100.0,
            }
        ],
        "customObjectTypes": {
            "byObjectType": [],
            "overallLimit": 0,
            "overallUsage": 0,
            "overallPercentage": 0.0,
        },
    }


def _existing(store: Store, object_type: str, pipeline_id: str) -> JSON:
    for pipeline in store.pipelines.get(object_type, []):
        if pipeline["id"] == pipeline_id:
            return pipeline
    raise ApiError(404, f"Pipeline {pipeline_id} not found", "OBJECT_NOT_FOUND")


def _stage(body: Any, existing: list[JSON]) -> JSON:
    """A validated deal stage from a `PipelineStageInput`."""
    if not isinstance(body, dict):
        raise ApiError(400, "a stage must be a PipelineStageInput object")
    _require(body, ("label", "displayOrder", "metadata"), "PipelineStageInput")
    metadata = body["metadata"]
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ApiError(400, "metadata must be an object of string values")
    try:
        probability = float(metadata["probability"])
    except (KeyError, ValueError):
        raise ApiError(400, "deal stages need metadata.probability (0.0 to 1.0)") from None
    if not 0.0 <= probability <= 1.0 or abs(probability * 10 - round(probability * 10)) > 1e-9:
        raise ApiError(400, "probability must be between 0.0 and 1.0 in increments of 0.1")
    label = str(body["label"])
    if any(_fold(s["label"]) == _fold(label) for s in existing):
        # The spec: "Each pipeline stage's label must be unique within that pipeline."
        raise ApiError(400, f"A stage labelled '{label}' already exists in this pipeline.")
    now = now_text()
    return {
        "id": str(next(_IDS)),
        "label": label,
        "displayOrder": body["displayOrder"],
        "archived": False,
        "createdAt": now,
        "updatedAt": now,
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
        "metadata": {
            "isClosed": "true" if probability in (0.0, 1.0) else "false",
            **metadata,
        },
    }


def _require(body: JSON, fields: tuple[str, ...], schema: str) -> None:
    missing = [f for f in fields if body.get(f) is None or body.get(f) == ""]
    if missing:
        raise ApiError(400, f"{schema}: missing required fields: {', '.join(missing)}")


def _add_option(store: Store, name: str, value: str, label: str) -> None:
    # HubSpot lists every pipeline as an option of `pipeline`, every stage of `dealstage`.
    options = store.properties["deals"][name]["options"]
    options.append({"label": label, "value": value, "displayOrder": len(options), "hidden": False})


def _fold(label: Any) -> str:
    return " ".join(str(label).split()).casefold()
