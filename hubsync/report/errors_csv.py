"""Per-file reports for people: `<name>.errors.csv` (rows to fix) and `<name>.errors.txt`.

The CSV keeps the original header and cells of every rejected row, plus two columns
with the line number and the reason, so a person can fix the rows in Excel and drop the
file back into the inbox: hubsync ignores its own two columns when reading. It is
written as UTF-8 with BOM and `;`, which German Excel opens correctly.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from hubsync.inbox.folders import write_private
from hubsync.intake.csvread import Table, normalize_header
from hubsync.records import RowError
from hubsync.report.messages import describe

LINE_COLUMN = "hubsync_zeile"
REASON_COLUMN = "hubsync_fehler"
OWN_COLUMNS = frozenset({"hubsynczeile", "hubsyncfehler"})  # normalized, skipped on re-import

# A cell a spreadsheet would run as a formula. Plain numbers and phone numbers such as
# "-72,00" or "+49 30 1234" stay as they are, so the fixed file still imports cleanly.
_FORMULA = re.compile(r"^[=@\t\r]|^[+-].*[^\d\s().,/+-]", re.DOTALL)


def hide_own_columns(names: Iterable[str]) -> tuple[str, ...]:
    """Column names without hubsync's own report columns (a fixed report dropped back)."""
    return tuple(n for n in names if normalize_header(n) not in OWN_COLUMNS)


def neutralize(cell: str) -> str:
    """Prefix a formula-like cell with `'` (OWASP CSV injection advice)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def errors_csv(table: Table, errors: Iterable[RowError], *, language: str = "de") -> bytes:
    """The rejected rows of `table` with line and reason columns, as UTF-8-BOM CSV bytes.

    The reasons are written in `language` ("de" or "en"), for whoever fixes the rows.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        where = f"{error.column}: " if error.column else ""
        reasons[error.line].append(where + describe(error, language))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*(neutralize(c) for c in table.info.header), LINE_COLUMN, REASON_COLUMN])
    seen: set[int] = set()
    for row in table.rows():
        if row.line in reasons:
            seen.add(row.line)
            writer.writerow(
                [neutralize(c) for c in row.cells] + [str(row.line), " | ".join(reasons[row.line])]
            )
    for line in sorted(set(reasons) - seen):  # errors not tied to a readable row
        blank = [""] * len(table.info.header)
        writer.writerow([*blank, str(line), " | ".join(reasons[line])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_errors_csv(
    path: Path, table: Table, errors: Iterable[RowError], *, language: str = "de"
) -> Path:
    """Write `errors_csv` to `path` (owner-only: it holds personal data)."""
    write_private(path, errors_csv(table, errors, language=language))
    return path


def write_errors_txt(path: Path, file_name: str, reason: str) -> Path:
    """Write why the whole file was rejected: its name and `reason`, already in words."""
    text = f"{file_name}\n\n{reason}\n"
    write_private(path, text.encode("utf-8"))
    return path
