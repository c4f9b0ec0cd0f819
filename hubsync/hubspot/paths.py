"""URL paths of the HubSpot CRM endpoints hubsync uses, for date-based or v3/v4 versions.

HubSpot's date-based versions (`2026-09`) and the older v3/v4 family take the same JSON
bodies; only the path prefix differs, so the whole difference lives here, together with
the check of a version string (the settings use it too).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hubsync.errors import ConfigError

_API_VERSION = re.compile(r"v3|\d{4}-(0[1-9]|1[0-2])")


def is_api_version(text: str) -> bool:
    """True for `"v3"` or a date version like `"2026-09"`: the versions `ApiPaths` takes."""
    return _API_VERSION.fullmatch(text) is not None


def _seg(value: str) -> str:
    # Object types and property names are plain identifiers, but quoting keeps a stray "/"
    # or "?" from silently turning into a different endpoint.
    return quote(value, safe="")


class ApiPaths:
    """Builds endpoint paths for one `api_version`: `"v3"` or a date version like `"2026-09"`.

    Raises ConfigError for any other version string.
    """

    def __init__(self, api_version: str) -> None:
        version = api_version.strip()
        if not is_api_version(version):
            raise ConfigError(
                f"HUBSPOT_API_VERSION must be 'v3' or a date version like '2026-09', "
                f"not {api_version!r}"
            )
        self.api_version = version
        self.legacy = version == "v3"

    def _family(self, area: str, legacy_version: str) -> str:
        if self.legacy:
            return f"/crm/{legacy_version}/{area}"
        return f"/crm/{area}/{self.api_version}"

    def objects(self, object_type: str, action: str) -> str:
        """`.../objects/{type}/{action}`, e.g. action `"batch/upsert"` or `"search"`."""
        return f"{self._family('objects', 'v3')}/{_seg(object_type)}/{action}"

    def associations(self, from_type: str, to_type: str, action: str) -> str:
        """`.../associations/{from}/{to}/{action}` (v4 in the legacy family)."""
        base = self._family("associations", "v4")
        return f"{base}/{_seg(from_type)}/{_seg(to_type)}/{action}"

    def properties(self, object_type: str, name: str | None = None) -> str:
        """`.../properties/{type}` or `.../properties/{type}/{name}`."""
        path = f"{self._family('properties', 'v3')}/{_seg(object_type)}"
        return path if name is None else f"{path}/{_seg(name)}"

    def property_groups(self, object_type: str) -> str:
        """`.../properties/{type}/groups`."""
        return f"{self.properties(object_type)}/groups"

    def pipelines(self, object_type: str = "deals") -> str:
        """`.../pipelines/{type}`."""
        return f"{self._family('pipelines', 'v3')}/{_seg(object_type)}"
