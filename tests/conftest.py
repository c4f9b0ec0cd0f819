"""Shared fixtures: a clean environment for every test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

_PREFIXES = ("HUBSPOT_", "HUBSYNC_", "SMTP_", "MAIL_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's own HubSpot/SMTP settings."""
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    yield
