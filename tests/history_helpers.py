"""Shared by the history tests: a journaling portal, a second customer export, an undo."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from clocks import NOW, fixed
from portal import CUSTOMERS, Portal

from hubsync.cli.history import undo_options
from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.history.entries import LedgerRecord
from hubsync.history.ledger import Ledger
from hubsync.history.undo import UndoReport, undo_run
from hubsync.hubspot import HubSpotClient
from hubsync.run.services import connect, open_client

LATER = NOW + timedelta(hours=1)
PHONE_BEFORE = "030 23125101"  # customer 10001 in the sample export


@contextlib.contextmanager
def journaled(settings: Settings) -> Iterator[HubSpotClient | None]:
    """The run's client as `hubsync run` opens it: journaling, so the run keeps a ledger."""
    with open_client(settings, journal=True) as client:
        yield client


def portal(emulator: Emulator, data_dir: Path, **settings: object) -> Portal:
    return Portal(emulator, data_dir, client=journaled, **settings)


def ledger(p: Portal) -> list[LedgerRecord]:
    return Ledger(p.settings.data_dir / ".hubsync").records()


def first_customer(phone: str) -> bytes:
    """A customer export of customer 10001 alone, with `phone` (cp1252, as the sample)."""
    lines = CUSTOMERS.read_bytes().decode("cp1252").splitlines()
    assert PHONE_BEFORE in lines[1]
    return "\r\n".join([lines[0], lines[1].replace(PHONE_BEFORE, phone), ""]).encode("cp1252")


def undo(p: Portal, run_id: str, *, dry_run: bool = False, at: datetime = LATER) -> UndoReport:
    """`hubsync undo RUN` at the tests' clock."""
    with connect(p.settings, journal=True) as client:
        options = undo_options(client, p.settings, dry_run=dry_run, today=at.date())
        return undo_run(client, p.settings.data_dir, run_id, options, fixed(at))


def contact(p: Portal, email: str) -> tuple[str, dict[str, str]]:
    store = p.emulator.store
    return next(
        (oid, props) for oid, props in store.contacts.items() if props.get("email") == email
    )
