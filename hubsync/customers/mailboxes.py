"""The rule for rows that share an e-mail address: merged, set aside as a shared mailbox, or new.

Two rows with the same e-mail and the same first name (or one of them without one) are one
person and merge; a different first name is a shared (family) mailbox, and the later row goes
to review instead of being imported. `MergeRule.decide` is that rule, for `run`, `--dry-run`
and `validate` alike; only where it keeps what it remembers per e-mail differs: `run` keeps
every parsed row anyway, `validate` keeps a packed summary (`PackedMailboxes`).
"""

from __future__ import annotations

import enum
import marshal
from collections.abc import MutableMapping
from typing import NamedTuple, Protocol

from hubsync.customers.parsed import ParsedRow
from hubsync.records import RowError


class Verdict(enum.Enum):
    NEW = "new"  # the first row with this e-mail
    MERGE = "merge"  # the same person again: merged into the contact of the first row
    SHARED = "shared"  # another first name: a shared mailbox, set aside for review


class Mailbox(NamedTuple):
    """What the rule remembers of one e-mail: its first row's line and the person's row.

    The person's row is the first row with a first name (until there is one: the first row);
    a review names it. `first_key` is its first name as compared (`rows.name_key`).
    """

    first_line: int
    line: int
    first_key: str
    name: str
    number: str

    @classmethod
    def of(cls, row: ParsedRow) -> Mailbox:
        """The summary of a row as the only one with its e-mail so far."""
        return cls(*cls.fields(row))

    @staticmethod
    def fields(row: ParsedRow) -> tuple[int, int, str, str, str]:
        """`Mailbox.of(row)` as a plain tuple: it crosses between processes much faster."""
        return row.line, row.line, row.first_key, row.name(), row.number


class Mailboxes(Protocol):
    """Where `MergeRule` keeps its `Mailbox` per e-mail: a dict, or `PackedMailboxes`."""

    def get(self, email: str) -> Mailbox | None: ...

    def __setitem__(self, email: str, box: Mailbox) -> None: ...

    def __len__(self) -> int: ...


def judge(kept: Mailbox | None, row: Mailbox) -> tuple[Verdict, Mailbox]:
    """The verdict on `row` given what earlier rows with its e-mail left (`kept`), and what the
    rule remembers afterwards."""
    if kept is None:
        return Verdict.NEW, row
    if row.first_key and kept.first_key and row.first_key != kept.first_key:
        return Verdict.SHARED, kept
    if row.first_key and not kept.first_key:  # the first row that names the person
        return Verdict.MERGE, row._replace(first_line=kept.first_line)
    return Verdict.MERGE, kept


class MergeRule:
    """Applies `judge` row by row, in file order; `len()` counts the distinct e-mails."""

    def __init__(self, store: Mailboxes | MutableMapping[str, Mailbox]) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def decide(self, email: str, row: Mailbox) -> tuple[Verdict, Mailbox]:
        """The verdict on `row` and the e-mail's summary before it (for NEW: `row`)."""
        kept = self._store.get(email)
        verdict, remembered = judge(kept, row)
        if remembered is not kept:
            self._store[email] = remembered
        return verdict, kept or row


def shared_mailbox(line: int, column: str | None, email: str, kept: Mailbox) -> RowError:
    """The review of a row that `judge` set aside: it names the person's row."""
    return RowError.of(
        line,
        column,
        "shared_mailbox",
        email=email,
        other_line=kept.line,
        other_name=kept.name,
        other_number=kept.number,
    )


class PackedMailboxes:
    """`Mailbox`es keyed by the e-mail's hash, each packed into bytes (`marshal`): about 180
    bytes per e-mail instead of some 400, so `validate` checks a million rows in little memory.

    Two different e-mails of one file share a 64-bit hash with a probability of about
    n² / 2⁶⁵ (3 in 100 million for a million e-mails): then they would count as one.
    """

    def __init__(self) -> None:
        self._packed: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._packed)

    def get(self, email: str) -> Mailbox | None:
        packed = self._packed.get(hash(email))
        return None if packed is None else Mailbox._make(marshal.loads(packed))

    def __setitem__(self, email: str, box: Mailbox) -> None:
        self._packed[hash(email)] = marshal.dumps(tuple(box))
