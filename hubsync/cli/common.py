"""What every command shares: the common options, settings loading, errors → exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import LANGUAGES, Lang
from hubsync.config import Settings, load_settings
from hubsync.errors import ConfigError, HubsyncError, LockedError, TransientError
from hubsync.summary import ExitCode

F = TypeVar("F", bound=Callable[..., Any])

env_file_option = click.option(
    "--env-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".env"),
    show_default=True,
    help="Read settings from this file; the real environment wins.",
)
data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder holding inbox/, processed/, errorprocessed/ (default: HUBSYNC_DATA_DIR or .).",
)
verbose_option = click.option("-v", "--verbose", count=True, help="Log progress (-vv: debug).")


def fail(code: ExitCode, message: str) -> None:
    click.echo(message, err=True)
    sys.exit(int(code))


def say(env_file: Path | None = None) -> Lang:
    """The console's texts in HUBSYNC_LANGUAGE, read without the settings (they may be what
    failed): the environment, else the `.env` file, else German."""
    from dotenv import dotenv_values

    language = os.environ.get("HUBSYNC_LANGUAGE")
    if language is None and env_file is not None and env_file.is_file():
        language = dotenv_values(env_file).get("HUBSYNC_LANGUAGE")
    return Lang(language if language in LANGUAGES else "de", CONSOLE)


def handle_errors(func: F) -> F:
    """Turn hubsync's errors into a message and an exit code: never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LockedError as exc:
            fail(ExitCode.TEMPFAIL, f"hubsync: {exc}")
        except ConfigError as exc:
            problems = "\n".join(f"  - {p}" for p in exc.problems)
            t = say(kwargs.get("env_file"))
            fail(ExitCode.CONFIG, t("configuration_problem", problems=problems))
        except TransientError as exc:
            fail(ExitCode.TEMPFAIL, say(kwargs.get("env_file"))("temporary_failure", e=exc))
        except HubsyncError as exc:
            fail(ExitCode.REJECTED, f"hubsync: {exc}")
        except KeyboardInterrupt:
            fail(ExitCode.TEMPFAIL, say(kwargs.get("env_file"))("interrupted"))

    return wrapper  # type: ignore[return-value]


def command_settings(
    env_file: Path, data_dir: Path | None, verbose: int, require: frozenset[str] = frozenset()
) -> Settings:
    from hubsync.report.logsetup import configure_logging

    settings = load_settings(env_file, data_dir=data_dir, require=require)
    configure_logging(verbose=verbose, log_file=settings.log_file, secrets=settings.secrets())
    return settings
