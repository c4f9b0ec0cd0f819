"""The HubSpot CRM client: batching, rate limiting, retries and error mapping for hubsync."""

from hubsync.hubspot.client import HubSpotClient
from hubsync.hubspot.limiter import RateLimiter
from hubsync.hubspot.models import (
    CallStats,
    ClientOptions,
    HubSpotObject,
    Pipeline,
    PropertyDef,
    RecordFailure,
    Stage,
    StatsSnapshot,
    WriteResult,
)
from hubsync.hubspot.paths import ApiPaths

__all__ = [
    "ApiPaths",
    "CallStats",
    "ClientOptions",
    "HubSpotClient",
    "HubSpotObject",
    "Pipeline",
    "PropertyDef",
    "RateLimiter",
    "RecordFailure",
    "Stage",
    "StatsSnapshot",
    "WriteResult",
]
