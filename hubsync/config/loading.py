"""Loading `Settings`: the `.env` file under the real environment, every problem at once."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from hubsync.config.settings import Settings
from hubsync.config.variables import read_variables
from hubsync.errors import ConfigError

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def read_environment(
    env_file: Path | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Merge the `.env` file (if it exists) under the real environment, which wins."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    return merged


def load_settings(
    env_file: Path | None = Path(".env"),
    environ: Mapping[str, str] | None = None,
    *,
    data_dir: Path | None = None,
    require: frozenset[str] = frozenset(),
) -> Settings:
    """Build validated `Settings`; raises ConfigError listing every problem found.

    `data_dir` wins over HUBSYNC_DATA_DIR. `require` names what the command needs beyond
    valid values: "token" (a usable HubSpot token) and "category" (the facility), so those
    are reported in the same message as everything else.
    """
    problems: list[str] = []
    values = read_variables(read_environment(env_file, environ), problems)
    if data_dir is not None:
        values["data_dir"] = data_dir
    settings = Settings(**values)
    if "token" in require:
        problems += token_problems(settings)
    if "category" in require and not settings.contact_category:
        problems.append(
            "HUBSYNC_CONTACT_CATEGORY is not set: name the facility every contact is "
            "assigned to, e.g. HUBSYNC_CONTACT_CATEGORY=McArena Schorndorf"
        )
    if problems:
        raise ConfigError(problems)
    return settings


def token_problems(settings: Settings) -> list[str]:
    """What is wrong with the HubSpot token for commands that talk to HubSpot."""
    problems = []
    token = settings.hubspot_token
    if not token:
        problems.append(
            "HUBSPOT_ACCESS_TOKEN is not set: create a Service Key (or use a private-app "
            "token) with the scopes listed in the README and put it in .env."
        )
    if token.startswith(("hapikey", "?hapikey")) or _UUID.fullmatch(token):
        problems.append(
            "HUBSPOT_ACCESS_TOKEN looks like a legacy hapikey (a bare UUID): HubSpot switched "
            "API keys off in November 2022. Create a Service Key instead (see README)."
        )
    return problems


def require_for_run(settings: Settings) -> None:
    """Raise ConfigError when the token is missing or a legacy API key."""
    problems = token_problems(settings)
    if problems:
        raise ConfigError(problems)
