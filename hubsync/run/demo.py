"""`hubsync demo`: the whole pipeline against the built-in HubSpot emulator.

Starts the emulator on localhost, runs `setup`, drops the bundled sample exports into
a fresh inbox, runs the job, prints what happened and what HubSpot now holds, then
imports the same files again to show that an unchanged re-import writes nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import Lang
from hubsync.config import Language, Settings
from hubsync.emulator import Emulator
from hubsync.mapping.load import load_mapping
from hubsync.portal.setup import setup_portal
from hubsync.report.console import render_console
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import connect, open_client, portal_options
from hubsync.summary import ExitCode

FACILITY = "McArena Schorndorf"
SAMPLES = (
    "kunden_2026-11-27.csv",
    "rechnungsausgangsjournal_2026-11.csv",
)


def sample_files() -> list[Path]:
    """The bundled sample exports (shipped inside the package)."""
    folder = resources.files("hubsync") / "demo_data"
    return [Path(str(folder / name)) for name in SAMPLES]


def drop_samples(inbox: Path, *, age_seconds: int = 3600) -> list[Path]:
    """Copy the samples into `inbox`, dated back so they count as fully uploaded."""
    inbox.mkdir(parents=True, exist_ok=True)
    copied = []
    stamp = time.time() - age_seconds
    for offset, source in enumerate(sample_files()):
        target = inbox / source.name
        shutil.copyfile(source, target)
        os.utime(target, (stamp + offset, stamp + offset))
        copied.append(target)
    return copied


def _holdings(emulator: Emulator, echo: Callable[[str], None], t: Lang) -> None:
    store = emulator.store
    contacts = list(store.contacts.values())
    deals = list(store.deals.values())
    associations = len(store.associations)
    echo(t("d_holds", contacts=len(contacts), deals=len(deals), associations=associations))
    echo(t("d_top"))
    ranked = sorted(contacts, key=lambda c: float(c.get("buchungsumsatz_eur") or 0), reverse=True)[
        :8
    ]
    bookings, hours, last = t("d_head_bookings"), t("d_head_hours"), t("d_head_last")
    echo(f"  {'email':44} {bookings:>8} {'365d':>5} {'€':>9} {hours:>6}  {last}")
    for c in ranked:
        echo(
            f"  {c.get('email') or '':44} {c.get('anzahl_buchungen') or '0':>8} "
            f"{c.get('anzahl_buchungen_zeitraum') or '0':>5} "
            f"{c.get('buchungsumsatz_eur') or '0':>9} {c.get('buchungsstunden') or '0':>6}  "
            f"{c.get('letzte_buchung') or '-'}"
        )
    _companies(emulator, echo, t)
    cancelled = [d for d in deals if d.get("dealstage") == "closedlost"]
    numbers = sorted(d.get("rechnungsnummer") or "" for d in cancelled)
    echo(t("d_cancelled", numbers=", ".join(numbers)))


def _companies(emulator: Emulator, echo: Callable[[str], None], t: Lang) -> None:
    """Every company with its contact persons and the figures of all its deals."""
    store = emulator.store
    if not store.companies:
        return
    echo(t("d_companies"))
    company, people, bookings = t("d_head_company"), t("d_head_people"), t("d_head_bookings")
    hours, last = t("d_head_hours"), t("d_head_last")
    echo(f"  {company:28} {people:>8} {bookings:>9} {'€':>9} {hours:>7}  {last}")
    ranked = sorted(
        store.companies.items(),
        key=lambda item: float(item[1].get("buchungsumsatz_eur") or 0),
        reverse=True,
    )
    for oid, c in ranked:
        persons = sum(
            1 for _, other, _ in store.links.pairs("contacts", "companies") if other == oid
        )
        echo(
            f"  {(c.get('name') or '')[:28]:28} {persons:>8} {c.get('anzahl_buchungen') or '0':>9} "
            f"{c.get('buchungsumsatz_eur') or '0':>9} {c.get('buchungsstunden') or '0':>7}  "
            f"{c.get('letzte_buchung') or '-'}"
        )


def run_demo(
    keep: Path | None, *, language: str = "de", echo: Callable[[str], None] = print
) -> ExitCode:
    """Run the demo, printing in `language`; returns OK when both runs behaved as designed."""
    t = Lang(language, CONSOLE)
    data_dir = keep or Path(tempfile.mkdtemp(prefix="hubsync-demo-"))
    with Emulator() as emulator:
        settings = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category=FACILITY,
            settle_seconds=60,
            language=Language(language),
            retention_days=0,
        )
        mapping = load_mapping(None)
        echo(t("d_emulator", url=emulator.url, data_dir=data_dir))
        with connect(settings) as client:
            done = setup_portal(client, portal_options(settings))
        echo(t("d_setup", n=len(done)))
        summaries = []
        for attempt in (t("d_first"), t("d_again")):
            drop_samples(settings.inbox)
            echo(t("d_run", attempt=attempt))
            with open_client(settings, journal=True) as client:  # `hubsync history`
                services = JobServices(Collaborators(client))
                summary = run_job(settings, mapping, services, RunOptions())
            echo(render_console(summary, max_rows=5, language=language))
            code, name = int(summary.exit_code), summary.exit_code.name
            rejected = summary.exit_code is ExitCode.REJECTED
            echo(t("d_exit_rejected", code=code, name=name) if rejected else t("d_exit", code=code))
            summaries.append(summary)
        echo("")
        _holdings(emulator, echo, t)
    if keep is None:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        echo(t("d_kept", data_dir=data_dir))
    first, second = summaries
    ok = first.hubspot_writes > 0 and second.hubspot_writes == 0 and not first.fatal
    echo(t("d_ok") if ok else t("d_unexpected"))
    return ExitCode.OK if ok else ExitCode.REJECTED
