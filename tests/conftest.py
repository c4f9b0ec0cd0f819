"""Shared fixtures: a clean environment for every test; an emulator and a session on it."""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import requests

from hubsync.emulator import Emulator

_PREFIXES = ("HUBSPOT_", "HUBSYNC_", "SMTP_", "MAIL_")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees the developer's own HubSpot/SMTP settings."""
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures the root logger; give the next test a clean one."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator whose portal is set up for hubsync (a test file may override)."""
    with Emulator(with_hubsync_schema=True) as emu:
        yield emu


@pytest.fixture
def http(emulator: Emulator) -> Iterator[requests.Session]:
    """A session with the emulator's token, for tests that talk HTTP themselves."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {emulator.token}"
        yield session


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """bench/run.py as a module (it imports its siblings `generate` and `phones`)."""
    folder = Path(__file__).resolve().parent.parent / "bench"
    monkeypatch.syspath_prepend(str(folder))
    spec = importlib.util.spec_from_file_location("hubsync_bench_run", folder / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module
