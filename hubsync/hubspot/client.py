"""HubSpotClient: batch reads and writes, search, associations and schema calls.

All calls share one `requests.Session` (owned and closed by the caller), one rate limiter
and one set of counters; chunks of one logical call run concurrently on a few threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import requests

from hubsync.hubspot.archiving import Archiving
from hubsync.hubspot.associations import AssociationMethods, Associations
from hubsync.hubspot.batching import BatchWriter, chunked, run_parallel
from hubsync.hubspot.journal import WriteJournal
from hubsync.hubspot.journaling import journaled_read, journaled_update, journaled_upsert
from hubsync.hubspot.limiter import RateLimiter
from hubsync.hubspot.models import (
    CallStats,
    ClientOptions,
    HubSpotObject,
    Pipeline,
    PropertyDef,
    SearchPage,
    Stage,
    WriteResult,
)
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.pipelines import PipelineCalls, PipelineLimitReached, PipelineUsage
from hubsync.hubspot.rejections import raise_if_key_problem, raise_if_schema_problem
from hubsync.hubspot.search import (  # re-exported: bookings/stage.py imports them from here
    SEARCH_MAX_RESULTS,
    SEARCH_PAGE,
    SEARCH_PER_SECOND,
    Searcher,
    search_batches,
)
from hubsync.hubspot.subscriptions import SubscriptionCalls
from hubsync.hubspot.transport import Transport

__all__ = ["SEARCH_MAX_RESULTS", "SEARCH_PAGE", "HubSpotClient", "search_batches"]

log = logging.getLogger(__name__)

OBJECT_BATCH = 100  # HubSpot's limit per objects batch call


def _key(id_property: str | None, value: str) -> str:
    # HubSpot stores emails lower-cased: compare and send them that way.
    return value.strip().lower() if id_property == "email" else value


class HubSpotClient(AssociationMethods):
    """HubSpot CRM calls for hubsync; see ClientOptions for limits, retries and timeouts.
    Association calls (`associate`, `associate_typed`, `associations`, `associations_typed`)
    come from `AssociationMethods`.

    Raises AuthError (401/403), DailyLimitError, TransientError (HubSpot unreachable or
    retries exhausted), ConfigError (schema problems) and HubSpotError (anything else).
    """

    def __init__(
        self,
        session: requests.Session,
        options: ClientOptions,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options
        self.paths = ApiPaths(options.api_version)
        self.stats = CallStats()
        # Told of every write when a run keeps a ledger (`hubsync.history`); None: not kept.
        self.journal: WriteJournal | None = None
        self.limiter = RateLimiter(options.rate_limit, 10.0, monotonic=monotonic, sleep=sleep)
        self.search_limiter = RateLimiter(
            SEARCH_PER_SECOND, 1.0, headroom=0.0, monotonic=monotonic, sleep=sleep
        )
        self._http = Transport(
            session,
            options,
            limiter=self.limiter,
            stats=self.stats,
            sleep=sleep,
        )
        self._search = Searcher(self._http, self.paths, self.search_limiter)
        self._associations = Associations(self._http, self.paths, options.concurrency)
        self._pipelines = PipelineCalls(self._http, self.paths)
        self.subscriptions = SubscriptionCalls(self._http, self.paths, options.concurrency)
        self.archive = Archiving(self._http, self.paths, options.concurrency)  # for undo

    # objects ------------------------------------------------------------------------------

    @journaled_read  # with a journal: what was found and missed is remembered
    def read(
        self,
        object_type: str,
        ids: Iterable[str],
        properties: Sequence[str],
        *,
        id_property: str | None = None,
    ) -> dict[str, HubSpotObject]:
        """Records by id value (emails lower-cased), keyed by that value; missing ids are absent."""
        keys = list(dict.fromkeys(_key(id_property, i) for i in ids))
        path = self.paths.objects(object_type, "batch/read")

        # The key is asked for too: results are matched to the ids by it. The 2026-09 spec
        # (BatchReadInputSimplePublicObjectId) marks propertiesWithHistory as required.
        names = list(dict.fromkeys([*properties, *([id_property] if id_property else [])]))

        def one(chunk: list[str]) -> dict[str, HubSpotObject]:
            body: dict[str, Any] = {"properties": names, "propertiesWithHistory": []}
            if id_property:
                body["idProperty"] = id_property
            body["inputs"] = [{"id": k} for k in chunk]
            reply = self._http.call("POST", path, body, safe=True, accept=(400, 404))
            if reply.status == 400:
                raise_if_key_problem(reply, object_type, id_property)
                raise_if_schema_problem(reply, object_type)
            # A 404 listing the ids in errors[] means none of them exists: an empty result.
            if reply.status == 400 or (reply.status == 404 and not reply.errors()):
                self._http.fail(reply, f"POST {path}")
            return self._key_results(reply.results(), set(chunk), id_property)

        found: dict[str, HubSpotObject] = {}
        for part in run_parallel(one, chunked(keys, OBJECT_BATCH), self.options.concurrency):
            found.update(part)
        return found

    @staticmethod
    def _key_results(
        results: list[dict[str, Any]], asked: set[str], id_property: str | None
    ) -> dict[str, HubSpotObject]:
        found: dict[str, HubSpotObject] = {}
        for result in results:
            obj = HubSpotObject.from_api(result)
            if id_property is None:
                found[obj.id] = obj
                continue
            # HubSpot may match an email against hs_additional_emails; key by what was asked.
            candidates = [obj.properties.get(id_property) or ""]
            candidates += (obj.properties.get("hs_additional_emails") or "").split(";")
            key = next(
                (_key(id_property, c) for c in candidates if _key(id_property, c) in asked), None
            )
            if key is None:
                log.warning("batch/read returned record %s not matching any id asked", obj.id)
            else:
                found[key] = obj
        return found

    @journaled_upsert  # with a journal: old values read first (hubspot/journaling.py)
    def upsert(
        self, object_type: str, id_property: str, items: Mapping[str, Mapping[str, str]]
    ) -> WriteResult:
        """Create-or-update by `id_property` (key → properties); rejected inputs become
        RecordFailures, the rest is written. Raises ConfigError for schema problems."""
        merged: dict[str, dict[str, str]] = {}
        for key, props in items.items():
            merged.setdefault(_key(id_property, key), {}).update(props)
        # The key goes into `properties` too (free, and results list what was sent), yet
        # HubSpot does not promise to echo it in an updated record's result: results
        # without it are read back by record id below (one call per 100, none if echoed).
        inputs = [
            {"idProperty": id_property, "id": k, "properties": {id_property: k, **p}}
            for k, p in merged.items()
        ]

        def result_key(result: dict[str, Any]) -> str | None:
            value = result.get("properties", {}).get(id_property)
            return None if value is None else _key(id_property, str(value))

        written = self._write(object_type, "batch/upsert", inputs, result_key)
        unkeyed = [o.id for o in written.objects if not o.properties.get(id_property)]
        if not unkeyed:
            return written
        found = self.read(object_type, unkeyed, [id_property])
        objects = tuple(
            replace(
                o, properties={**o.properties, id_property: found[o.id].properties.get(id_property)}
            )
            if o.id in found and not o.properties.get(id_property)
            else o
            for o in written.objects
        )
        return WriteResult(objects, written.failures)

    @journaled_update
    def update(self, object_type: str, items: Mapping[str, Mapping[str, str]]) -> WriteResult:
        """Update records by record id (key → properties); same failure rules as `upsert`."""
        inputs = [{"id": str(k), "properties": dict(p)} for k, p in items.items()]
        return self._write(object_type, "batch/update", inputs, lambda r: str(r.get("id")))

    def _write(
        self,
        object_type: str,
        action: str,
        inputs: list[dict[str, Any]],
        result_key: Callable[[dict[str, Any]], str | None],
    ) -> WriteResult:
        writer = BatchWriter(
            self._http,
            self.paths.objects(object_type, action),
            object_type,
            input_key=lambda i: str(i["id"]),
            result_key=result_key,
        )
        parts = run_parallel(writer.write, chunked(inputs, OBJECT_BATCH), self.options.concurrency)
        objects = tuple(HubSpotObject.from_api(r) for results, _ in parts for r in results)
        return WriteResult(objects, tuple(f for _, failures in parts for f in failures))

    def search(
        self,
        object_type: str,
        filter_groups: Sequence[Mapping[str, Any]],
        properties: Sequence[str],
    ) -> list[HubSpotObject]:
        """Records matching any of `filter_groups`, each once; see `Searcher.search`."""
        return self._search.search(object_type, filter_groups, properties)

    def first_page(
        self,
        object_type: str,
        filter_groups: Sequence[Mapping[str, Any]],
        properties: Sequence[str],
    ) -> SearchPage:
        """The first page of a search and its total; see `Searcher.first_page`."""
        return self._search.first_page(object_type, filter_groups, properties)

    # schema -------------------------------------------------------------------------------

    def properties(self, object_type: str) -> dict[str, PropertyDef]:
        """The portal's property definitions for `object_type`, by name."""
        reply = self._http.call("GET", self.paths.properties(object_type), safe=True)
        return {p.name: p for p in map(PropertyDef.from_api, reply.results()) if p.name}

    def create_property(self, object_type: str, definition: Mapping[str, Any]) -> None:
        """Create a property; one that already exists (409) is fine. Never retried on failure."""
        path = self.paths.properties(object_type)
        reply = self._http.call(
            "POST", path, dict(definition), safe=False, write=True, accept=(409,)
        )
        if reply.status == 409:
            log.info("property %s.%s exists already", object_type, definition.get("name"))

    def update_property(self, object_type: str, name: str, patch: Mapping[str, Any]) -> None:
        """Change a property definition (e.g. add enumeration options)."""
        self._http.call(
            "PATCH", self.paths.properties(object_type, name), dict(patch), safe=True, write=True
        )

    def groups(self, object_type: str) -> set[str]:
        """Names of the property groups of `object_type`."""
        reply = self._http.call("GET", self.paths.property_groups(object_type), safe=True)
        return {str(g["name"]) for g in reply.results() if "name" in g}

    def create_group(self, object_type: str, name: str, label: str) -> None:
        """Create a property group; one that already exists (409) is fine."""
        body = {"name": name, "label": label, "displayOrder": -1}
        self._http.call(
            "POST",
            self.paths.property_groups(object_type),
            body,
            safe=False,
            write=True,
            accept=(409,),
        )

    # pipelines: see PipelineCalls (never a blind retry of a create) ------------------------

    def pipelines(self, object_type: str = "deals") -> tuple[Pipeline, ...]:
        """The portal's pipelines with their stages."""
        return self._pipelines.list(object_type)

    def pipeline_usage(self) -> PipelineUsage | None:
        """Deal pipelines allowed and used, None when the portal does not say."""
        return self._pipelines.usage()

    def create_pipeline(
        self, label: str, stages: Sequence[Stage], display_order: int = 0
    ) -> Pipeline | PipelineLimitReached:
        """A new deal pipeline, or PipelineLimitReached; see `PipelineCalls.create`."""
        return self._pipelines.create(label, stages, display_order)

    def create_stage(self, pipeline_id: str, stage: Stage, display_order: int) -> Stage:
        """Add a stage to a deal pipeline; see `PipelineCalls.add_stage`."""
        return self._pipelines.add_stage(pipeline_id, stage, display_order)
