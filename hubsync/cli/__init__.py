"""Command line: parse options, load settings, call the core, map errors to exit codes.

The commands are thin: each loads its settings (`common`), calls the library core and
turns the result into output and an exit code.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from hubsync import __version__
from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import LANGUAGES, Lang
from hubsync.cli.common import (
    command_settings,
    data_dir_option,
    env_file_option,
    fail,
    handle_errors,
    say,
    verbose_option,
)
from hubsync.cli.history import history, undo
from hubsync.config import Settings, load_settings
from hubsync.errors import ConfigError
from hubsync.summary import ExitCode


@click.group()
@click.version_option(__version__, prog_name="hubsync")
def main() -> None:
    """hubsync: booking-system CSV exports (customers, invoice journal) into HubSpot.

    \b
    Quick start (no account needed):  hubsync demo
    Preview the inbox:                 hubsync run --dry-run
    Check a file offline:              hubsync validate export.csv
    """


@main.command()
@click.option("--dry-run", is_flag=True, help="Read and plan only: write, move and mail nothing.")
@click.option("--no-fetch", is_flag=True, help="Do not pull from HUBSYNC_FETCH_URL first.")
@env_file_option
@data_dir_option
@verbose_option
@handle_errors
def run(dry_run: bool, no_fetch: bool, env_file: Path, data_dir: Path | None, verbose: int) -> None:
    """Import every settled CSV file of inbox/ into HubSpot (the cron job).

    Exit codes: 0 done (or nothing to do), 1 rows or files rejected, 2 configuration
    problem, 75 temporary failure (files stay in the inbox). Example:

    \b
        hubsync run --dry-run      # what would happen, against the real portal
    """
    from hubsync.mapping.load import load_mapping
    from hubsync.report.console import render_console
    from hubsync.report.progress import ProgressLine
    from hubsync.run.job import JobServices, run_job
    from hubsync.run.pipeline import Collaborators, RunOptions
    from hubsync.run.services import fetcher, heartbeat, mail_sender, open_client

    needs = frozenset() if dry_run else frozenset({"token", "category"})
    settings = command_settings(env_file, data_dir, verbose, needs)
    mapping = load_mapping(settings.mapping_file)
    # A run that writes keeps a ledger record (`hubsync history`, `hubsync undo`).
    with open_client(settings, journal=not dry_run) as client, contextlib.ExitStack() as stack:
        collaborators = Collaborators(client)
        if client is not None and ProgressLine.wanted():
            line = stack.enter_context(ProgressLine(lambda: client.stats.snapshot().calls))
            collaborators = Collaborators(client, progress=line.update)
        services = JobServices(
            collaborators,
            send_mail=mail_sender(settings),
            fetch=None if no_fetch else fetcher(settings),
            heartbeat=heartbeat(settings),
        )
        summary = run_job(settings, mapping, services, RunOptions(dry_run=dry_run))
    text = render_console(summary, validated_only=client is None, language=settings.language)
    if verbose or dry_run or summary.exit_code is not ExitCode.OK:
        click.echo(text)
    sys.exit(int(summary.exit_code))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file (default: HUBSYNC_MAPPING or the built-in mapping).",
)
@env_file_option
@handle_errors
def validate(files: tuple[Path, ...], mapping: Path | None, env_file: Path) -> None:
    """Check export files offline: encoding, delimiter, header mapping, row errors.

    Nothing is sent, written or moved. Exit 0 when every row is fine, 1 otherwise.

    \b
        hubsync validate kunden.csv rechnungsausgangsjournal.csv
    """
    from hubsync.clock import utc_now
    from hubsync.run.validate import validate_files

    settings = load_settings(env_file, data_dir=Path("."))
    text, ok = validate_files(
        files,
        mapping or settings.mapping_file,
        settings,
        today=utc_now().date(),  # the date a run now would read the file on (UTC, as `run`)
        language=settings.language,
    )
    click.echo(text)
    sys.exit(int(ExitCode.OK if ok else ExitCode.REJECTED))


@main.command()
@click.option(
    "--facility",
    "facilities",
    multiple=True,
    help="Also add this facility as an option of the category property (repeatable), "
    "for exports whose facility column names other facilities.",
)
@click.option(
    "--pipeline",
    metavar="LABEL",
    default=None,
    help="Also create (or complete) a deal pipeline of this label for the bookings, stages "
    "Gebucht/Storniert (en: Booked/Cancelled); prints the .env lines for it.",
)
@env_file_option
@verbose_option
@handle_errors
def setup(facilities: tuple[str, ...], pipeline: str | None, env_file: Path, verbose: int) -> None:
    """Create the HubSpot properties hubsync needs (idempotent; changes nothing else).

    Creates the property group "hubsync", the contact properties (kontaktkategorie with
    your facility as an option, kundennummer, the booking figures, the mapped custom
    fields) and the deal properties (rechnungsnummer, buchungsstunden, anlage, …).
    With --pipeline also a deal pipeline for the bookings (scope crm.schemas.deals.write).

    \b
        hubsync setup --facility "Soccerhalle Waiblingen"
        hubsync setup --pipeline "Buchungen"
    """
    from hubsync.mapping.load import load_mapping
    from hubsync.portal.pipeline_setup import render_pipeline_setup, setup_pipeline
    from hubsync.portal.setup import setup_portal
    from hubsync.run.services import connect, portal_options

    settings = command_settings(env_file, None, verbose, frozenset({"token"}))
    with connect(settings) as client:
        mapping = load_mapping(settings.mapping_file)
        done = setup_portal(
            client, portal_options(settings), facilities=facilities, mapping=mapping
        )
        click.echo("\n".join(done) if done else "HubSpot portal already set up: nothing to do.")
        if pipeline is not None:
            made = setup_pipeline(client, pipeline, language=settings.language)
            click.echo("\n".join(render_pipeline_setup(made, language=settings.language)))


@main.command()
@env_file_option
@data_dir_option
@verbose_option
@handle_errors
def check(env_file: Path, data_dir: Path | None, verbose: int) -> None:
    """Check the set-up: configuration, token, properties, pipeline, folders, SMTP, FTP.

    Prints a verdict per line; exit 0 when all pass, else 2.
    """
    from hubsync.run.checks import run_checks

    try:
        settings: Settings | None = command_settings(env_file, data_dir, verbose)
        problems: list[str] = []
    except ConfigError as exc:
        settings, problems = None, exc.problems
    lines, ok = run_checks(settings, problems, language=say(env_file).code)
    click.echo("\n".join(lines))
    sys.exit(int(ExitCode.OK if ok else ExitCode.CONFIG))


@main.command()
@env_file_option
@data_dir_option
@verbose_option
@handle_errors
def fetch(env_file: Path, data_dir: Path | None, verbose: int) -> None:
    """Download new exports from HUBSYNC_FETCH_URL into inbox/ (run does this itself)."""
    from hubsync.inbox.folders import Inbox
    from hubsync.run.services import fetcher

    settings = command_settings(env_file, data_dir, verbose)
    get = fetcher(settings)
    if get is None:
        raise ConfigError("HUBSYNC_FETCH_URL is not set: nothing to fetch from.")
    inbox = Inbox(settings.data_dir)
    with inbox.lock():
        inbox.ensure()
        names, problem = get(inbox.inbox)
    t = Lang(settings.language, CONSOLE)
    for name in names:
        click.echo(t("fetched", name=name))
    if problem:
        fail(ExitCode.TEMPFAIL, t("fetch_error", e=problem))
    if not names:
        click.echo(t("nothing_new"))


@main.command()
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Use this folder as the data dir and keep it (default: a temporary one).",
)
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="de",
    show_default=True,
    envvar="HUBSYNC_LANGUAGE",
    help="Language of what the demo prints (default: HUBSYNC_LANGUAGE, else de).",
)
@handle_errors
def demo(keep: Path | None, language: str) -> None:
    """Run the whole pipeline against the built-in HubSpot emulator on sample exports.

    Needs no account and no configuration: starts a local HubSpot emulator, runs
    `setup`, imports the bundled customer and invoice-journal exports, prints what
    happened and what HubSpot now holds, then runs again to show that nothing is
    written twice.
    """
    from hubsync.run.demo import run_demo

    code = run_demo(keep, language=language, echo=click.echo)
    sys.exit(int(code))


main.add_command(history)
main.add_command(undo)
