"""Fault injection: which calls fail, and how, decided by a seeded random generator."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class FaultPlan:
    """What goes wrong, and how often; assign a new plan to `Emulator.faults` to switch."""

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503, 423)
    drop_rate: float = 0.0
    apply_then_drop_rate: float = 0.0
    burst_429_every: int | None = None
    burst_429_length: int = 3
    daily_limit: int | None = None
    seed: int = 0


class Fault(Enum):
    """The fault chosen for one call (NONE: answer normally)."""

    NONE = "none"
    ERROR = "error"
    DROP = "drop"
    APPLY_THEN_DROP = "apply_then_drop"
    BURST_429 = "burst_429"
    DAILY = "daily"


class FaultState:
    """Counters and the random generator of one plan; thread-safe."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._rng = random.Random(plan.seed)
        self._lock = threading.Lock()
        self._calls = 0
        self._burst_left = 0

    @property
    def calls(self) -> int:
        """Calls seen under this plan (the daily counter)."""
        return self._calls

    def decide(self, write: bool) -> tuple[Fault, int]:
        """The fault for the next call and, for ERROR, the status to answer with."""
        plan = self.plan
        with self._lock:
            self._calls += 1
            if plan.daily_limit is not None and self._calls > plan.daily_limit:
                return Fault.DAILY, 429
            if plan.burst_429_every and self._calls % plan.burst_429_every == 0:
                self._burst_left = plan.burst_429_length
            if self._burst_left > 0:
                self._burst_left -= 1
                return Fault.BURST_429, 429
            roll = self._rng.random()
            if roll < plan.error_rate and plan.error_statuses:
                return Fault.ERROR, self._rng.choice(plan.error_statuses)
            if roll < plan.error_rate + plan.drop_rate:
                return Fault.DROP, 0
            if (
                write
                and plan.apply_then_drop_rate
                and self._rng.random() < plan.apply_then_drop_rate
            ):
                return Fault.APPLY_THEN_DROP, 0
            return Fault.NONE, 0
