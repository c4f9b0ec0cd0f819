"""The answers of a refused request (401, 403, 429, injected errors), as HubSpot words them."""

from __future__ import annotations

import uuid

from hubsync.emulator.validation import JSON, ApiError


def unauthenticated() -> JSON:
    """HubSpot's 401 body for a missing or wrong token."""
    return ApiError(
        401,
        "Authentication credentials not found. This API supports OAuth 2.0 authentication"
        " and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        "INVALID_AUTHENTICATION",
    ).body()


def rate_limited(policy: str) -> JSON:
    """HubSpot's 429 body for `policy` ("TEN_SECONDLY_ROLLING" or "DAILY")."""
    return {
        "status": "error",
        "message": f"You have reached your {policy.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "category": "RATE_LIMIT",
        "policyName": policy,
        "correlationId": str(uuid.uuid4()),
    }


# What HubSpot answers past the per-second search limit (no correlationId, no category).
SEARCH_LIMITED: JSON = {
    "status": "error",
    "message": "You have reached your secondly limit.",
    "errorType": "RATE_LIMIT",
    "policyName": "SECONDLY",
}


def fault_body(status: int) -> JSON | None:
    """The body of an injected server error."""
    if status == 423:
        return None  # HubSpot's 423 often comes without a body
    return ApiError(status, f"Emulated server error {status}", "INTERNAL_ERROR").body()


def missing_scopes(scopes: tuple[str, ...]) -> JSON:
    """HubSpot's 403 body naming the scopes a call needs."""
    return ApiError(
        403,
        "This app hasn't been granted all required scopes to make this call.",
        "MISSING_SCOPES",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": list(scopes)},
            }
        ],
    ).body()
