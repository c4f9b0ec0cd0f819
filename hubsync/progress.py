"""A one-line progress display for people at a terminal (never under cron).

The pipeline reports what it is doing through `Collaborators.progress`; this line shows
that text with the running count of HubSpot calls, redrawn a few times a second on
stderr. It draws nothing when stderr is not a terminal, so cron mails stay clean.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TextIO


class ProgressLine:
    """Redraws `<stage> · <n> HubSpot calls` on one terminal line until stopped."""

    def __init__(self, calls: Callable[[], int], stream: TextIO | None = None) -> None:
        self.calls = calls
        self.stream = stream or sys.stderr
        self.text = "starting"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hubsync-progress", daemon=True)

    @staticmethod
    def wanted(stream: TextIO | None = None) -> bool:
        return (stream or sys.stderr).isatty()

    def update(self, text: str) -> None:
        self.text = text

    def _draw(self) -> None:
        line = f"{self.text} · {self.calls()} HubSpot calls"
        self.stream.write("\r\x1b[2K" + line[:120])
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
        self.stream.write("\r\x1b[2K")
        self.stream.flush()
