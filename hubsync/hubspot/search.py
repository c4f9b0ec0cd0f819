"""CRM search within HubSpot's caps: filter groups split into requests, paged in id order.

Caps from "Search the CRM" (developers.hubspot.com/docs/api-reference/2026-03/crm/
search-the-crm, "Limitations"): 200 results per page, 10,000 per query (a page past that
is a 400), 5 filterGroups of 6 filters, 18 filters in all, 100 values per IN/NOT_IN,
5 requests per second per account, also counted against the 10-second limit. The 2024
changelog ("Expanded filtering capabilities") announced 10 per group and 25 in all; the
stricter set holds under both readings.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from hubsync.hubspot.limiter import RateLimiter
from hubsync.hubspot.models import HubSpotObject, SearchPage
from hubsync.hubspot.paths import ApiPaths
from hubsync.hubspot.transport import Reply, Transport

log = logging.getLogger(__name__)

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


class Searcher:
    """Search requests of one client: its transport, paths and per-second search limiter."""

    def __init__(self, transport: Transport, paths: ApiPaths, limiter: RateLimiter) -> None:
        self._http = transport
        self._paths = paths
        self._limiter = limiter

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
        path = self._paths.objects(object_type, "search")
        found: dict[str, HubSpotObject] = {}
        for groups in search_batches(filter_groups) or [[]]:
            for obj in self._all(path, groups, properties):
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
        path = self._paths.objects(object_type, "search")
        reply = self._page(path, batches[0], properties, "0", SEARCH_PAGE)
        objects = tuple(HubSpotObject.from_api(r) for r in reply.results())
        return SearchPage(objects, max(reply.total(), len(objects)))

    def _all(
        self, path: str, groups: list[dict[str, Any]], properties: Sequence[str]
    ) -> list[HubSpotObject]:
        found: list[HubSpotObject] = []
        after, limit = "0", SEARCH_PAGE
        while True:
            reply = self._page(path, groups, properties, after, limit)
            found.extend(HubSpotObject.from_api(r) for r in reply.results())
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
                    reply.total() or "more than 10,000",
                    len(found),
                )
                return found
            after = str(following)

    def _page(
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
        return self._http.call("POST", path, body, safe=True, limiter=self._limiter)
