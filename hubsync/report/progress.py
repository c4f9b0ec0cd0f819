"""A progress bar for people at a terminal (never under cron).

The pipeline reports each stage through `Collaborators.progress`: its text and how many
HubSpot calls it should take (HubSpot's rate limit makes calls the measure of time).
This line shows the stage with a bar of the calls made so far, redrawn a few times a
second on stderr; stages of unknown length show only the running count. It draws
nothing when stderr is not a terminal, so cron mails stay clean.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TextIO

BAR = 24


def batches(items: int, size: int = 100) -> int:
    """How many batch calls `items` inputs take (a stage's expected length)."""
    return -(-items // size)


class ProgressLine:
    """Redraws `[####----]  40% <stage> · <n> HubSpot calls` on one terminal line."""

    def __init__(self, calls: Callable[[], int], stream: TextIO | None = None) -> None:
        self.calls = calls
        self.stream = stream or sys.stderr
        self.text = "starting"
        self.expected = 0  # calls this stage should take; 0 = unknown
        self.start = 0  # calls made before this stage
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the ticker thread and `update` both draw
        self._thread = threading.Thread(target=self._loop, name="hubsync-progress", daemon=True)

    @staticmethod
    def wanted(stream: TextIO | None = None) -> bool:
        return (stream or sys.stderr).isatty()

    def update(self, text: str, expected_calls: int = 0) -> None:
        self.start = self.calls()
        self.expected = expected_calls
        self.text = text
        self._draw()  # a new stage shows at once, not at the next tick

    def line(self) -> str:
        calls = self.calls()
        if not self.expected:
            return f"{self.text} · {calls} HubSpot calls"
        share = min(1.0, (calls - self.start) / self.expected)
        filled = round(share * BAR)
        bar = "#" * filled + "-" * (BAR - filled)
        return f"[{bar}] {share:4.0%} {self.text} · {calls} HubSpot calls"

    def _draw(self) -> None:
        with self._lock:
            self.stream.write("\r\x1b[2K" + self.line()[:120])
            self.stream.flush()

    def _loop(self) -> None:
        while not self._stop.wait(0.25):
            self._draw()

    def __enter__(self) -> ProgressLine:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        with self._lock:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
