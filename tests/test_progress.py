"""The terminal status line: drawn on a terminal, never under cron."""

from __future__ import annotations

import io
import time

from hubsync.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_stage_and_calls_on_a_terminal_and_clears_at_the_end() -> None:
    stream = Terminal()
    with ProgressLine(lambda: 7, stream) as line:
        line.update("kunden.csv: writing 34 contacts")
        time.sleep(0.6)
    output = stream.getvalue()
    assert "kunden.csv: writing 34 contacts · 7 HubSpot calls" in output
    assert output.endswith("\r\x1b[2K")


def test_not_wanted_when_output_is_not_a_terminal() -> None:
    assert ProgressLine.wanted(io.StringIO()) is False
    assert ProgressLine.wanted(Terminal()) is True
