"""One emulated HubSpot portal plus a data directory: drop exports, run jobs, look inside.

The shared way for tests to run whole cron runs (`run_job`) with the real client over
real HTTP against the emulator, with the fixed clock of `clocks` and files dated from it.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from clocks import NOW, fixed, settled

from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.mapping.columns import Mapping, load_mapping
from hubsync.run.demo import sample_files
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import open_client
from hubsync.summary import RunSummary

FACILITY = "McArena Schorndorf"
CUSTOMERS, JOURNAL = sample_files()


class Portal:
    """An emulated portal and a data dir; `run()` is one cron run at the tests' clock."""

    def __init__(self, emulator: Emulator, data_dir: Path, **settings: Any) -> None:
        self.emulator = emulator
        base = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category=FACILITY,
            retention_days=0,
        )
        self.settings = replace(base, **settings)
        self.dropped = 0

    def drop(self, source: Path, name: str | None = None) -> Path:
        """Copy an export into the inbox, settled and in drop order (oldest first)."""
        self.settings.inbox.mkdir(parents=True, exist_ok=True)
        target = self.settings.inbox / (name or source.name)
        shutil.copyfile(source, target)
        self.dropped += 1
        return settled(target, age=7200 - self.dropped)

    def drop_samples(self) -> None:
        self.drop(CUSTOMERS)
        self.drop(JOURNAL)

    def run(self, mapping: Mapping | None = None, *, dry_run: bool = False) -> RunSummary:
        """One `hubsync run`; the emulator's request log then holds this run's calls only."""
        self.emulator.reset_log()
        with open_client(self.settings) as client:
            services = JobServices(Collaborators(client, clock=fixed(NOW)))
            return run_job(
                self.settings,
                mapping or load_mapping(self.settings.mapping_file),
                services,
                RunOptions(dry_run=dry_run),
            )

    def inbox(self) -> list[str]:
        return sorted(p.name for p in self.settings.inbox.iterdir())

    def snapshot(self) -> dict[str, Any]:
        return self.emulator.store.snapshot()
