"""One fixed clock for tests, and files dated from it.

A test that needs time passes `fixed()` (or a clock of its own instant) to the run and
dates its files with `settled` from the same instant, so nothing depends on the
machine's date or speed (the suite is also run with the date moved a year ahead).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from hubsync.clock import Clock

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def fixed(now: datetime = NOW) -> Clock:
    """A clock that always answers `now`."""
    return lambda: now


def settled(path: Path, *, age: float = 3600.0, now: datetime = NOW) -> Path:
    """Date `path` `age` seconds before `now`: long enough ago to count as settled."""
    stamp = now.timestamp() - age
    os.utime(path, (stamp, stamp))
    return path
