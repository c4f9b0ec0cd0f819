"""The terminal status line: drawn on a terminal, never under cron."""

from __future__ import annotations

import io

from hubsync.report.progress import ProgressLine, batches


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_draws_stage_and_calls_on_a_terminal_and_clears_at_the_end() -> None:
    stream = Terminal()
    with ProgressLine(lambda: 7, stream) as line:
        line.update("kunden.csv: writing 34 contacts")  # drawn at once, no waiting for a tick
    output = stream.getvalue()
    assert "kunden.csv: writing 34 contacts · 7 HubSpot calls" in output  # length unknown
    assert output.endswith("\r\x1b[2K")


def test_not_wanted_when_output_is_not_a_terminal() -> None:
    assert ProgressLine.wanted(io.StringIO()) is False
    assert ProgressLine.wanted(Terminal()) is True


def test_a_stage_of_known_length_draws_a_bar_of_the_calls_it_made() -> None:
    made = [10]
    line = ProgressLine(lambda: made[0], Terminal())
    line.update("kunden.csv: writing 3400 contacts", batches(3400))
    assert line.line() == f"[{'-' * 24}]   0% kunden.csv: writing 3400 contacts · 10 HubSpot calls"
    made[0] = 27
    assert line.line().startswith(f"[{'#' * 12}{'-' * 12}]  50% ")
    made[0] = 99  # bisecting a bad record costs more calls than planned: the bar stops full
    assert line.line().startswith(f"[{'#' * 24}] 100% ")


def test_batches_rounds_up() -> None:
    assert (batches(0), batches(1), batches(100), batches(101), batches(2500, 1000)) == (
        0,
        1,
        1,
        2,
        3,
    )
