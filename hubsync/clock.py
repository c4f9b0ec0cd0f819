"""The one clock of a run: `run`, `validate`, the fetcher and the file moves all read it.

Everything that depends on "now" (settling, two-digit years, the booking-figure window,
archive stamps, retention) receives a `Clock` instead of asking the system, so tests
fix the time and date their files from that same clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC): the production clock."""
    return datetime.now(UTC)
