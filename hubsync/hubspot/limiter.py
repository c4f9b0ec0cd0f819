"""A thread-safe rolling-window rate limiter: at most N calls in any window of `period` s.

HubSpot counts requests per portal in a rolling 10-second window shared with every other
integration of that portal, so the limiter keeps a little headroom below the plan's limit.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

# Never spin: a sleep shorter than this buys nothing and would busy-loop on float rounding.
_MIN_WAIT = 0.001


class RateLimiter:
    """Grants at most `limit` (less `headroom`) calls in any rolling window of `period` seconds.

    `acquire()` blocks (through the injected `sleep`) until a slot is free; the clock and
    the sleep are injectable so tests run on a fake clock.
    """

    def __init__(
        self,
        limit: int,
        period: float,
        *,
        headroom: float = 0.05,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("rate limit and period must be positive")
        if not 0 <= headroom < 1:
            raise ValueError("headroom must be in [0, 1)")
        self.limit = max(1, math.floor(limit * (1 - headroom)))
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._grants: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait for a free slot, take it and return the (monotonic) time it was granted."""
        while True:
            with self._lock:
                now = self._monotonic()
                horizon = now - self.period
                while self._grants and self._grants[0] <= horizon:
                    self._grants.popleft()
                if len(self._grants) < self.limit:
                    self._grants.append(now)
                    return now
                wait = self._grants[0] + self.period - now
            # Sleep outside the lock so other threads can check (and the clock can move).
            self._sleep(max(wait, _MIN_WAIT))
