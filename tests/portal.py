"""One emulated HubSpot portal plus a data directory: drop exports, run jobs, look inside.

The shared way for tests to run whole cron runs (`run_job`) with the real client over
real HTTP against the emulator, with the fixed clock of `clocks` and files dated from it.
A test that needs other collaborators (a mail sender, a fetcher, a client with fast
backoff) passes them here, so no test builds settings, client and services by hand.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from clocks import NOW, fixed, settled

from hubsync.clock import Clock
from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.hubspot import HubSpotClient
from hubsync.mapping.columns import Mapping
from hubsync.mapping.load import load_mapping
from hubsync.report.mail import Mail
from hubsync.run.demo import sample_files
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import client_options, heartbeat, open_client
from hubsync.summary import RunSummary

FACILITY = "McArena Schorndorf"
CUSTOMERS, JOURNAL = sample_files()

# Opens the HubSpot client of one run from the run's settings (None: no token).
ClientFactory = Callable[[Settings], AbstractContextManager[HubSpotClient | None]]
Fetch = Callable[[Path], tuple[tuple[str, ...], str | None]]


def fast_client(*, sleep: Callable[[float], None] = time.sleep, **options: Any) -> ClientFactory:
    """A client whose `ClientOptions` differ from the settings' in `options` (retries,
    backoff, timeouts), with `sleep` for its backoff: for runs against a faulty emulator."""

    @contextlib.contextmanager
    def open_fast(settings: Settings) -> Iterator[HubSpotClient | None]:
        with requests.Session() as session:
            yield HubSpotClient(session, replace(client_options(settings), **options), sleep=sleep)

    return open_fast


class Portal:
    """An emulated portal and a data dir; `run()` is one cron run at the tests' clock.

    `settings` override the defaults (the emulator's URL and token, the sample facility,
    no retention); `client` opens the run's HubSpot client (default: as `hubsync run` does).
    """

    def __init__(
        self,
        emulator: Emulator,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        client: ClientFactory = open_client,
        **settings: Any,
    ) -> None:
        self.emulator = emulator
        base = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            contact_category=FACILITY,
            retention_days=0,
        )
        self.settings = replace(base, **settings)
        self.clock = clock or fixed(NOW)
        self.client = client
        self.dropped = 0

    def target(self, name: str) -> Path:
        """Where a file named `name` lands in the inbox (the inbox is created)."""
        self.settings.inbox.mkdir(parents=True, exist_ok=True)
        return self.settings.inbox / name

    def settle(self, path: Path) -> Path:
        """Date a file in the inbox as settled, in drop order (the first dropped is oldest)."""
        self.dropped += 1
        return settled(path, age=7200 - self.dropped)

    def drop(self, source: Path, name: str | None = None) -> Path:
        """Copy an export into the inbox, settled and in drop order (oldest first)."""
        target = self.target(name or source.name)
        shutil.copyfile(source, target)
        return self.settle(target)

    def write(self, name: str, data: bytes | str, *, encoding: str = "utf-8") -> Path:
        """Write an export of `data` (text is encoded with `encoding`) into the inbox, settled."""
        target = self.target(name)
        target.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return self.settle(target)

    def drop_samples(self) -> None:
        self.drop(CUSTOMERS)
        self.drop(JOURNAL)

    def run(
        self,
        mapping: Mapping | None = None,
        *,
        dry_run: bool = False,
        send_mail: Callable[[Mail], None] | None = None,
        fetch: Fetch | None = None,
        mail_when: str | None = None,
        keep_log: bool = False,
    ) -> RunSummary:
        """One `hubsync run`; the emulator's request log then holds this run's calls only
        (with `keep_log`, those of earlier runs too)."""
        if not keep_log:
            self.emulator.reset_log()
        with self.client(self.settings) as client:
            services = JobServices(
                Collaborators(client, clock=self.clock),
                send_mail=send_mail,
                fetch=fetch,
                heartbeat=heartbeat(self.settings),  # HUBSYNC_PING_URL, as `hubsync run`
            )
            return run_job(
                self.settings,
                mapping or load_mapping(self.settings.mapping_file),
                services,
                RunOptions(dry_run=dry_run),
                mail_when=mail_when,
            )

    def inbox(self) -> list[str]:
        return sorted(p.name for p in self.settings.inbox.iterdir())

    def snapshot(self) -> dict[str, Any]:
        return self.emulator.store.snapshot()
