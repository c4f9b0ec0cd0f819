"""Settings: read once from the environment and a `.env` file, validated, frozen.

Precedence: command-line option > real environment > `.env` file > default. The `.env`
file is read with `dotenv_values()` from an explicit path (never `load_dotenv()`, whose
upward search is unpredictable under cron). Every variable is declared once, in
`variables.VARIABLES`; its default is the `Settings` field's. Every problem is collected
and reported in one `ConfigError`, so the admin fixes them all at once.
"""

from __future__ import annotations

from hubsync.choices import FetchAfter, Language, MailWhen, SmtpSecurity
from hubsync.config.loading import load_settings, read_environment, require_for_run, token_problems
from hubsync.config.settings import Settings
from hubsync.config.variables import RESERVED_CONTACT_PROPERTIES

__all__ = [
    "RESERVED_CONTACT_PROPERTIES",
    "FetchAfter",
    "Language",
    "MailWhen",
    "Settings",
    "SmtpSecurity",
    "load_settings",
    "read_environment",
    "require_for_run",
    "token_problems",
]
