"""The rows of a customer table, parsed in chunks: here, or on worker processes for large files.

One pipeline for `run`, `--dry-run` and `validate`: the csv reader runs here and cuts the file
into chunks of whole records (`Table.line_chunks`); each chunk's lines become records, rows
(`make_row`) and parsed rows (`RowParser`) in one place, here or in a worker. Lines travel to
a worker more cheaply than cells, and results come back as plain tuples. They are consumed in
file order, so the outcome is the same however many processes parse.
"""

from __future__ import annotations

import collections
import concurrent.futures
import multiprocessing
from collections.abc import Iterator
from typing import NamedTuple

from hubsync.customers.mailboxes import Mailbox
from hubsync.customers.parsed import ParsedRow
from hubsync.customers.rows import RowParser
from hubsync.intake.csvread import Table, make_row
from hubsync.intake.lines import LineChunk
from hubsync.records import RowError, RowWarning

CHUNK_ROWS = 2_000
PARALLEL_FROM_BYTES = 20_000_000  # smaller files are read faster than processes start

# One accepted row: its e-mail, its e-mail column, its `Mailbox` as a plain tuple (what the
# merge rule needs) and, when kept, the parsed row.
Accepted = tuple[str, str, tuple[int, int, str, str, str], ParsedRow | None]


class Chunk(NamedTuple):
    """A chunk's data rows (footers not counted), accepted rows and row problems."""

    rows: int
    accepted: list[Accepted]
    errors: list[RowError]
    warnings: list[RowWarning]


class _ChunkParser:
    """Records → `Chunk`; `keep=False` drops the parsed rows once summarized (`validate`)."""

    def __init__(self, parser: RowParser, keep: bool) -> None:
        self.parser = parser
        self.width = len(parser.header)
        self.keep = keep

    def __call__(self, lines: LineChunk) -> Chunk:
        chunk = Chunk(0, [], [], [])
        rows = 0
        for start, record in lines.records():
            row = make_row(record, start, self.width)
            if row is None or row.footer:
                continue
            rows += 1
            parsed, errors, warnings, column = self.parser.parse(row)
            chunk.errors.extend(errors)
            chunk.warnings.extend(warnings)
            if parsed is not None:
                kept = parsed if self.keep else None
                chunk.accepted.append((parsed.email, column, Mailbox.fields(parsed), kept))
        return chunk._replace(rows=rows)


_WORKER: list[_ChunkParser] = []  # a worker process's parser, set once when it starts


def _start_worker(job: _ChunkParser) -> None:
    _WORKER.append(job)


def _in_worker(lines: LineChunk) -> Chunk:
    return _WORKER[0](lines)


def parse_chunks(table: Table, parser: RowParser, *, keep: bool, workers: int) -> Iterator[Chunk]:
    """The parsed chunks of `table` in file order; spread over `workers` processes when > 1.

    The file is read here and parsed there: parsing (phone numbers, e-mails, dates) is what
    costs. Raises InputError as `Table.records` does.
    """
    job = _ChunkParser(parser, keep)
    pieces = table.line_chunks(CHUNK_ROWS)
    if workers <= 1:
        yield from map(job, pieces)
        return
    # fork: the workers inherit the parser; only records go there and chunks come back.
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        pending: collections.deque[concurrent.futures.Future[Chunk]] = collections.deque()
        for piece in pieces:
            pending.append(pool.submit(_in_worker, piece))
            if len(pending) > 2 * workers:  # bounded: memory stays flat
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
