"""`hubsync history` and `hubsync undo`: the run ledger, and putting one run back."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hubsync.catalogue.history import HISTORY
from hubsync.catalogue.text import Lang
from hubsync.cli.common import (
    command_settings,
    data_dir_option,
    env_file_option,
    fail,
    handle_errors,
    verbose_option,
)
from hubsync.config import Settings
from hubsync.hubspot import HubSpotClient
from hubsync.summary import ExitCode

if TYPE_CHECKING:
    from hubsync.history.undo import UndoOptions


@click.command()
@click.argument("run", required=False)
@click.option("--json", "as_json", is_flag=True, help="The ledger's records as JSON Lines.")
@env_file_option
@data_dir_option
@verbose_option
@handle_errors
def history(
    run: str | None, as_json: bool, env_file: Path, data_dir: Path | None, verbose: int
) -> None:
    """List the runs that wrote to HubSpot, or show one run in detail.

    The ledger is `.hubsync/ledger.jsonl` in the data dir (kept for
    HUBSYNC_RETENTION_DAYS). RUN is a run id as listed (or a unique prefix of one).

    \b
        hubsync history                       # run id, when, files, created, updated, ...
        hubsync history 20261128-120000-0001  # files, records, old → new, associations
        hubsync history --json | jq .run_id   # for scripts
    """
    from hubsync.history.ledger import Ledger, UnknownRun
    from hubsync.history.render import history_table, json_lines, run_detail
    from hubsync.inbox.folders import Inbox

    settings = command_settings(env_file, data_dir, verbose)
    ledger = Ledger(Inbox(settings.data_dir).state_dir)
    t = Lang(settings.language, HISTORY)
    if run is None:
        records = ledger.records()
        lines = json_lines(records) if as_json else history_table(records, settings.language)
    else:
        try:
            record = ledger.find(run)
        except UnknownRun:
            fail(ExitCode.CONFIG, t("unknown_run", run=run, path=ledger.path))
            return
        lines = json_lines([record]) if as_json else run_detail(record, settings.language)
    click.echo("\n".join(lines))


@click.command()
@click.argument("run")
@click.option("--dry-run", is_flag=True, help="Show what the undo would do; write nothing.")
@env_file_option
@data_dir_option
@verbose_option
@handle_errors
def undo(run: str, dry_run: bool, env_file: Path, data_dir: Path | None, verbose: int) -> None:
    """Put HubSpot back the way it was before run RUN, as far as that is safe.

    Archives the records the run created (if nobody changed them since), restores the
    properties it overwrote (where HubSpot still holds the run's value), removes the
    associations it added and recomputes the booking figures; reports what it could not
    undo. Exit 0 when everything was undone, 1 when something was left. The run's files
    stay in processed/: move one back to inbox/ to import it again.

    \b
        hubsync undo 20261128-120000-0001 --dry-run
        hubsync undo 20261128-120000-0001
    """
    from hubsync.clock import utc_now
    from hubsync.history.ledger import Ledger, UnknownRun
    from hubsync.history.render import undo_lines
    from hubsync.history.undo import undo_run
    from hubsync.inbox.folders import Inbox
    from hubsync.run.services import connect

    settings = command_settings(env_file, data_dir, verbose, frozenset({"token"}))
    t = Lang(settings.language, HISTORY)
    ledger = Ledger(Inbox(settings.data_dir).state_dir)
    try:
        ledger.find(run)  # before any call: a typo costs nothing
    except UnknownRun:
        fail(ExitCode.CONFIG, t("unknown_run", run=run, path=ledger.path))
        return
    with connect(settings, journal=True) as client:
        options = undo_options(client, settings, dry_run=dry_run, today=utc_now().date())
        report = undo_run(client, settings.data_dir, run, options, utc_now)
    click.echo("\n".join(undo_lines(report, settings.language)))
    sys.exit(int(report.exit_code))


def undo_options(
    client: HubSpotClient, settings: Settings, *, dry_run: bool, today: date
) -> UndoOptions:
    """The figure rules of this portal, as a run on `today` would use them."""
    from hubsync.history.undo import UndoOptions
    from hubsync.mapping.load import load_mapping
    from hubsync.portal.schema import read_schema
    from hubsync.run.online import go_online

    schema = read_schema(client, companies=bool(settings.companies))
    mapping = load_mapping(settings.mapping_file)
    online = go_online(client, schema, settings, mapping, None, today=today, dry_run=dry_run)
    return UndoOptions(online.bookings.figures, online.company_figures, dry_run=dry_run)
