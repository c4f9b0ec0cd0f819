"""Whole CSV records as physical lines: how a file is cut into chunks another process parses.

`spans` splits the lines of a file into records exactly as `csv.reader` does, while running
the csv reader only for lines with a quote; `LineChunk.records()` parses such a chunk into
what `Table.records` would have given for it (tests/test_csvread.py checks both).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass


class RecordError(Exception):
    """The csv reader refused the record starting on `line`."""

    def __init__(self, line: int, error: csv.Error) -> None:
        super().__init__(line, error)
        self.line, self.error = line, error


def spans(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, lines) of each record, split exactly as `csv.reader` splits.

    At the start of a record, a line without a quote (or NUL) is a whole record: the file
    iterator ends lines at each line break, and only a quote opens a field that spans lines.
    Other lines go through the csv reader, which takes as many lines as their record has.
    Raises RecordError (line, csv.Error) where the csv reader refuses a record.
    """
    limit = csv.field_size_limit()
    line = 0
    for text in lines:
        line += 1
        if '"' not in text and "\x00" not in text and len(text) <= limit:
            yield line, line, [text]
            continue
        record = [text]
        reader = csv.reader(_tee(lines, record, first=text), delimiter=delimiter)
        try:
            next(reader)
        except csv.Error as exc:
            raise RecordError(line, exc) from exc
        yield line, line + reader.line_num - 1, record
        line += reader.line_num - 1


def _tee(lines: Iterator[str], capture: list[str], first: str) -> Iterator[str]:
    """`first`, then `lines` as a reader takes them, each (but `first`) added to `capture`."""
    yield first
    for line in lines:
        capture.append(line)
        yield line


@dataclass(frozen=True)
class LineChunk:
    """Whole records of a table as physical lines, `first_line` the line number of the first."""

    first_line: int
    lines: list[str]
    delimiter: str

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) of each record, as `Table.records` reads them from the file."""
        reader = csv.reader(self.lines, delimiter=self.delimiter)
        before = self.first_line - 1
        line = before
        for record in reader:
            start, line = line + 1, before + reader.line_num
            yield start, record
