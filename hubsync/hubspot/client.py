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

from hubsync.hubspot.batching import (
    BatchWriter,
    chunked,
    raise_if_key_problem,
    raise_if_schema_problem,
    run_parallel,
)
from hubsync.hubspot.limiter import RateLimiter
from hubsync.hubspot.models import (
    CallStats,
    ClientOptions,
    HubSpotObject,
    Pipeline,
    PropertyDef,
    RecordFailure,
    SearchPage,
    WriteResult,
)
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

OBJECT_BATCH = 100  # HubSpot's limit per objects batch call
ASSOC_READ_BATCH = 1000
ASSOC_WRITE_BATCH = 2000
# CRM search caps, from "Search the CRM" (developers.hubspot.com/docs/api-reference/2026-03/
# crm/search-the-crm, "Limitations"): 200 results per page, 10,000 per query (a page past
# that is a 400), 5 filterGroups of 6 filters, 18 filters in all, 100 values per IN/NOT_IN,
# 5 requests per second per account, also counted against the 10-second limit. The 2024
# changelog ("Expanded filtering capabilities") announced 10 per group and 25 in all; the
# stricter set holds under both readings.
SEARCH_PAGE = 200
SEARCH_MAX_RESULTS = 10_000
SEARCH_MAX_GROUPS = 5
SEARCH_MAX_GROUP_FILTERS = 6
SEARCH_MAX_FILTERS = 18
SEARCH_MAX_VALUES = 100
SEARCH_PER_SECOND = 4  # one below HubSpot's 5/s: other integrations of the portal search too
# A stable order makes offset paging return each record once; the spec marks filterGroups,
# sorts, after, limit and properties as required in PublicObjectSearchRequest.
SEARCH_SORTS = ({"propertyName": "hs_object_id", "direction": "ASCENDING"},)


def _key(id_property: str | None, value: str) -> str:
    # HubSpot stores emails lower-cased: compare and send them that way.
    return value.strip().lower() if id_property == "email" else value


def _results(reply: Reply) -> list[dict[str, Any]]:
    raw = reply.body.get("results") if isinstance(reply.body, dict) else None
    return [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []


def _total(reply: Reply) -> int:
    value = reply.body.get("total") if isinstance(reply.body, dict) else None
    return value if isinstance(value, int) else 0


def _nested_id(result: dict[str, Any], side: str) -> str | None:
    value = result.get(side)
    return str(value["id"]) if isinstance(value, dict) and "id" in value else None


def _filter_count(group: Mapping[str, Any]) -> int:
    """Filters in one filter group; ValueError when it breaks a per-group cap."""
    filters = group.get("filters")
    if not isinstance(filters, list) or not filters:
        raise ValueError(f"a search filter group needs a non-empty list of filters: {group!r}")
    if len(filters) > SEARCH_MAX_GROUP_FILTERS:
        raise ValueError(
            f"a search filter group has {len(filters)} filters; HubSpot takes at most "
            f"{SEARCH_MAX_GROUP_FILTERS}"
        )
    for flt in filters:
        values = flt.get("values") if isinstance(flt, dict) else None
        if isinstance(values, list) and len(values) > SEARCH_MAX_VALUES:
            raise ValueError(
                f"a search filter has {len(values)} values; HubSpot takes at most "
                f"{SEARCH_MAX_VALUES} per IN/NOT_IN filter"
            )
    return len(filters)


def search_batches(filter_groups: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """The filter groups split into requests HubSpot accepts (≤ 5 groups, ≤ 18 filters).

    Groups are ORed, so sending them in several requests and joining the results finds
    the same records. Raises ValueError for a group that no request could carry.
    """
    batches: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    filters = 0
    for group in filter_groups:
        count = _filter_count(group)
        if current and (len(current) == SEARCH_MAX_GROUPS or filters + count > SEARCH_MAX_FILTERS):
            batches.append(current)
            current, filters = [], 0
        current.append(dict(group))
        filters += count
    return [*batches, current] if current else batches


class HubSpotClient:
    """HubSpot CRM calls for hubsync; see ClientOptions for limits, retries and timeouts.

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

    # objects ------------------------------------------------------------------------------

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
            return self._key_results(_results(reply), set(chunk), id_property)

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
        """Records matching any of `filter_groups` (any number of them: they are sent in as
        many requests as HubSpot's caps need), each record once, in id order per request.

        A request matching more than 10,000 records returns its first 10,000 and logs a
        warning: HubSpot answers 400 past that, so callers narrow their filters instead.
        Raises ValueError for a filter group beyond HubSpot's caps (a programming error).
        """
        path = self.paths.objects(object_type, "search")
        found: dict[str, HubSpotObject] = {}
        for groups in search_batches(filter_groups) or [[]]:
            for obj in self._search_all(path, groups, properties):
                found.setdefault(obj.id, obj)
        return list(found.values())

    def first_page(
        self,
        object_type: str,
        filter_groups: Sequence[Mapping[str, Any]],
        properties: Sequence[str],
    ) -> SearchPage:
        """The first page (≤ 200) of the records matching `filter_groups` and how many
        match in all (HubSpot's `total`): one request."""
        batches = search_batches(filter_groups) or [[]]
        if len(batches) > 1:
            raise ValueError("first_page takes at most one request's worth of filter groups")
        path = self.paths.objects(object_type, "search")
        reply = self._search_page(path, batches[0], properties, "0", SEARCH_PAGE)
        objects = tuple(HubSpotObject.from_api(r) for r in _results(reply))
        return SearchPage(objects, max(_total(reply), len(objects)))

    def _search_all(
        self, path: str, groups: list[dict[str, Any]], properties: Sequence[str]
    ) -> list[HubSpotObject]:
        found: list[HubSpotObject] = []
        after, limit = "0", SEARCH_PAGE
        while True:
            reply = self._search_page(path, groups, properties, after, limit)
            found.extend(HubSpotObject.from_api(r) for r in _results(reply))
            following = (reply.body or {}).get("paging", {}).get("next", {}).get("after")
            if not following or str(following) == after:
                return found
            try:
                offset = int(following)
            except ValueError:
                offset = len(found)  # an opaque cursor: judge by what was read
            # A page ending past 10,000 is a 400, so the last one may be short, and none
            # starts there: the caller's filters were too wide, which is worth a warning.
            limit = min(SEARCH_PAGE, SEARCH_MAX_RESULTS - offset)
            if limit <= 0:
                log.warning(
                    "search on %s matches %s records; only the first %d were read",
                    path,
                    _total(reply) or "more than 10,000",
                    len(found),
                )
                return found
            after = str(following)

    def _search_page(
        self,
        path: str,
        groups: list[dict[str, Any]],
        properties: Sequence[str],
        after: str,
        limit: int,
    ) -> Reply:
        body: dict[str, Any] = {
            "filterGroups": groups,
            "sorts": [dict(s) for s in SEARCH_SORTS],
            "properties": list(properties),
            "limit": limit,
            "after": after,
        }
        return self._http.call("POST", path, body, safe=True, limiter=self.search_limiter)

    # associations -------------------------------------------------------------------------

    def associate(
        self, from_type: str, to_type: str, pairs: Iterable[tuple[str, str]]
    ) -> tuple[RecordFailure, ...]:
        """Default-type associations from → to; returns the pairs HubSpot rejected, keyed
        `"<from>-><to>"`."""
        unique = list(dict.fromkeys((str(a), str(b)) for a, b in pairs))
        inputs = [{"from": {"id": a}, "to": {"id": b}} for a, b in unique]

        def key(item: dict[str, Any]) -> str | None:
            a, b = _nested_id(item, "from"), _nested_id(item, "to")
            return None if a is None or b is None else f"{a}->{b}"

        writer = BatchWriter(
            self._http,
            self.paths.associations(from_type, to_type, "batch/associate/default"),
            from_type,
            input_key=lambda i: str(key(i)),
            result_key=key,
        )
        parts = run_parallel(
            writer.write, chunked(inputs, ASSOC_WRITE_BATCH), self.options.concurrency
        )
        return tuple(f for _, failures in parts for f in failures)

    def associations(
        self, from_type: str, to_type: str, ids: Iterable[str]
    ) -> dict[str, tuple[str, ...]]:
        """Associated `to_type` ids per `from_type` id; ids without associations are absent."""
        path = self.paths.associations(from_type, to_type, "batch/read")

        def one(chunk: list[str]) -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            pending: list[dict[str, str]] = [{"id": i} for i in chunk]
            while pending:
                reply = self._http.call("POST", path, {"inputs": pending}, safe=True, accept=(404,))
                pending = []
                for result in _results(reply):
                    source = _nested_id(result, "from")
                    if source is None:
                        continue
                    targets = found.setdefault(source, [])
                    for to in result.get("to") or ():
                        if isinstance(to, dict) and str(to.get("toObjectId")) not in targets:
                            targets.append(str(to.get("toObjectId")))
                    after = (result.get("paging") or {}).get("next", {}).get("after")
                    if after:
                        pending.append({"id": source, "after": str(after)})
            return found

        unique = list(dict.fromkeys(str(i) for i in ids))
        merged: dict[str, tuple[str, ...]] = {}
        for part in run_parallel(one, chunked(unique, ASSOC_READ_BATCH), self.options.concurrency):
            merged.update((k, tuple(v)) for k, v in part.items())
        return merged

    # schema -------------------------------------------------------------------------------

    def properties(self, object_type: str) -> dict[str, PropertyDef]:
        """The portal's property definitions for `object_type`, by name."""
        reply = self._http.call("GET", self.paths.properties(object_type), safe=True)
        return {p.name: p for p in map(PropertyDef.from_api, _results(reply)) if p.name}

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
        return {str(g["name"]) for g in _results(reply) if "name" in g}

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

    def pipelines(self, object_type: str = "deals") -> tuple[Pipeline, ...]:
        """The portal's pipelines with their stages."""
        reply = self._http.call("GET", self.paths.pipelines(object_type), safe=True)
        return tuple(Pipeline.from_api(p) for p in _results(reply))
