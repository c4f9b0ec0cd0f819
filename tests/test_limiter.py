"""The rolling-window rate limiter: never more than the limit in any window, on a fake clock."""

from __future__ import annotations

import threading
import time

import pytest

from hubsync.hubspot import RateLimiter


class FakeClock:
    """Monotonic time that only moves when somebody sleeps; thread-safe."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


def max_in_window(grants: list[float], period: float) -> int:
    """Largest number of grants falling in any half-open window [t, t + period)."""
    grants = sorted(grants)
    best = 0
    for i, start in enumerate(grants):
        best = max(best, sum(1 for g in grants[i:] if g < start + period))
    return best


def test_sequential_grants_never_exceed_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, 10.0, headroom=0.0, monotonic=clock.monotonic, sleep=clock.sleep)
    grants = [limiter.acquire() for _ in range(250)]
    assert max_in_window(grants, 10.0) == 100
    assert grants[99] == 0.0
    assert grants[100] == pytest.approx(10.0)
    assert grants[200] == pytest.approx(20.0)


def test_default_headroom_keeps_below_the_plan_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, 10.0, monotonic=clock.monotonic, sleep=clock.sleep)
    assert limiter.limit == 95
    grants = [limiter.acquire() for _ in range(250)]
    assert max_in_window(grants, 10.0) == 95
    assert RateLimiter(4, 1.0, headroom=0.0).limit == 4
    assert RateLimiter(1, 1.0).limit == 1  # never rounds down to zero


def test_concurrent_threads_share_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100, 10.0, headroom=0.0, monotonic=clock.monotonic, sleep=clock.sleep)
    grants: list[float] = []
    lock = threading.Lock()

    def worker(count: int) -> None:
        for _ in range(count):
            granted = limiter.acquire()
            with lock:
                grants.append(granted)

    threads = [threading.Thread(target=worker, args=(25,)) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(grants) == 250
    assert max_in_window(grants, 10.0) <= 100
    assert max(grants) >= 20.0  # 250 calls at 100 per 10 s need at least two waits


def test_real_clock_waits() -> None:
    limiter = RateLimiter(2, 0.05, headroom=0.0)
    started = time.monotonic()
    for _ in range(5):
        limiter.acquire()
    assert time.monotonic() - started >= 0.1


@pytest.mark.parametrize(
    ("limit", "period", "headroom"), [(0, 1.0, 0.0), (1, 0.0, 0.0), (1, 1.0, 1.0)]
)
def test_rejects_nonsense(limit: int, period: float, headroom: float) -> None:
    with pytest.raises(ValueError):
        RateLimiter(limit, period, headroom=headroom)
