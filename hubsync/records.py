"""Values that flow from the readers to the planner: records, row errors, warnings.

All frozen; property values are already HubSpot-formatted strings (dates `YYYY-MM-DD`,
numbers with `.`, phones E.164), so the planner only compares and sends them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Self

from hubsync.catalogue.rows import english

# The values a message is built from, as (name, text) pairs: hashable, so records stay frozen.
Params = tuple[tuple[str, str], ...]


def params(**values: object) -> Params:
    """The named values of a row message, as text, for the catalogue to render."""
    return tuple((name, str(value)) for name, value in values.items())


class _Said:
    """What RowError and RowWarning share: a code and params the catalogue renders."""

    text: str
    code: str
    params: Params

    @classmethod
    def of(
        cls, line: int, column: str | None, code: str, given: Params = (), **values: object
    ) -> Self:
        """The item `code` with params `given` and `values`, its text from the catalogue."""
        return cls(line, column, "", code, given + params(**values))  # type: ignore[call-arg]

    @property
    def message(self) -> str:
        """The English text (logs, tests): the catalogue's template for `code` with `params`."""
        return self.text or english(self.code, self.params)


@dataclass(frozen=True)
class RowError(_Said):
    """One rejected row (or one problem of it): where, which column, and why in plain words.

    `line` is the physical line of the file where the record starts (1-based);
    `column` the header name as written in the file, or None for the whole row.
    Build one with `RowError.of(line, column, code, **params)`: `code` and `params` let
    the catalogue say it in English (`message`) and in the run's language. `text` is an
    English text given by hand, only for call sites not yet converted and for tests.
    """

    line: int
    column: str | None
    text: str = ""
    code: str = "invalid"  # short machine reason, e.g. "email_missing", "hubspot_rejected"
    params: Params = ()


@dataclass(frozen=True)
class RowWarning(_Said):
    """A row that was imported, but with something the reader should know (phone dropped …)."""

    line: int
    column: str | None
    text: str = ""
    code: str = "warning"
    params: Params = ()


@dataclass(frozen=True)
class CustomerRecord:
    """One contact to be, built from one or several (merged) customer rows.

    `customer_numbers[0]` is the primary customer number (written to `kundennummer`);
    further numbers come from merged duplicate rows. `properties` maps HubSpot property
    names to formatted values for non-empty cells; `blank` names properties whose
    mapped cell was empty (the write policy decides whether that clears HubSpot).
    """

    email: str
    customer_numbers: tuple[str, ...]
    properties: dict[str, str]
    blank: frozenset[str]
    facility: str | None
    lines: tuple[int, ...]
    first_name: str = ""


@dataclass(frozen=True)
class BookingDocument:
    """One booking document (invoice, storno, credit note): its lines grouped and summed.

    `cancels` is the document number a storno refers to ("Storno zu RE-…"), if known;
    `cancelled` is True when the document itself is marked `storniert` or is a storno.
    """

    number: str
    service_date: str  # YYYY-MM-DD
    customer_number: str | None
    email: str | None
    customer_name: str | None
    amount: Decimal  # gross, € (negative for storno / credit note)
    hours: Decimal | None
    facility: str | None
    description: str
    lines: tuple[int, ...]
    cancels: str | None = None
    cancelled: bool = False
    extra: dict[str, str] = field(default_factory=dict)
