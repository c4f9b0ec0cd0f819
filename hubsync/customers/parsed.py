"""What parsing a customer row yields: the mapped `Column`s, a `ParsedRow`, a `Parsed` row.

`clean` and `name_key` are how a cell is trimmed and a first name compared.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from hubsync.mapping.columns import FieldSpec
from hubsync.records import RowError, RowWarning


@dataclass(frozen=True)
class Column:
    index: int
    name: str  # as written in the file
    spec: FieldSpec


@dataclass(slots=True)
class ParsedRow:
    """One accepted row, its values already HubSpot-formatted."""

    line: int
    email: str
    props: dict[str, str]
    blank: set[str]
    number: str
    number_property: str
    facility: str | None
    first_key: str
    extra_emails: list[str] = field(default_factory=list)

    def age(self) -> tuple[str, int]:
        """Sort key: later "Kunde seit" (ISO date; missing = oldest) is newer, then later line."""
        return self.props.get("kunde_seit", ""), self.line

    def name(self) -> str:
        return " ".join(filter(None, (self.props.get("firstname"), self.props.get("lastname"))))


class Parsed(NamedTuple):
    """What `RowParser.parse` found in one row; `email_column` names the e-mail column used."""

    row: ParsedRow | None
    errors: list[RowError]
    warnings: list[RowWarning]
    email_column: str


def clean(cell: str) -> str:
    """Trim all whitespace (NBSP too); Windows line breaks inside a cell become "\\n"."""
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell.strip()


@functools.lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """A first name as compared: case, accents, non-letters ignored ("Anna-Lena" = "annalena")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum())
