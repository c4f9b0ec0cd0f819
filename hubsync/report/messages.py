"""Row errors, warnings and rejected files in the run's language, from the catalogue.

`describe()` renders an item's code and params (`hubsync.catalogue.rows`); `locate()`
puts its line and column in front; `explain()` says why a whole file was refused.
"""

from __future__ import annotations

from hubsync.catalogue.reasons import file_place, reason_text
from hubsync.catalogue.rows import MESSAGES, ONE_COLUMN, WHOLE_ROW, row_text
from hubsync.catalogue.text import LANGUAGES, render
from hubsync.errors import InputError
from hubsync.records import RowError, RowWarning

__all__ = ["LANGUAGES", "MESSAGES", "describe", "explain", "label", "locate"]


def describe(item: RowError | RowWarning, language: str) -> str:
    """The item's message in `language` ("de" or "en").

    Falls back to the English `item.message` for an unknown code or language, or when a
    param the template needs is missing; never raises.
    """
    try:
        return row_text(item.code, item.params, language)
    except (KeyError, IndexError, ValueError):
        return item.message


def label(code: str, language: str) -> str:
    """The short name of a reason code for per-reason counts; the code itself if unknown."""
    entry = MESSAGES.get(code)
    return entry.label.get(language) if entry and language in LANGUAGES else code


def locate(item: RowError | RowWarning, language: str) -> str:
    """`describe()` prefixed with the item's line and column ("Zeile 3, Spalte „PLZ“: …")."""
    text = describe(item, language)
    if not item.line:
        return text
    values = {"line": item.line, "column": item.column, "text": text}
    return render((ONE_COLUMN if item.column else WHOLE_ROW).get(language), values)


def explain(error: InputError, language: str) -> str:
    """Why the file was refused, in `language`: "kunden.csv, Zeile 1: keine E-Mail-Spalte …".

    Falls back to the English `str(error)` when its reason cannot be rendered.
    """
    if error.reason is None:
        return str(error)
    try:
        why = reason_text(error.reason, error.params, language)
    except (KeyError, IndexError, ValueError):
        return str(error)
    return f"{file_place(error.path, error.line, error.column, language)}: {why}"
