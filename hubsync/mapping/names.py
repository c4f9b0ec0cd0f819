"""HubSpot internal property names: the one rule the settings and the mapping file check."""

from __future__ import annotations

import re

_PROPERTY_NAME = re.compile(r"[a-z][a-z0-9_]*")


def is_property_name(text: str) -> bool:
    """True for a HubSpot internal property name: lower case letters, digits and `_`,
    starting with a letter."""
    return _PROPERTY_NAME.fullmatch(text) is not None
