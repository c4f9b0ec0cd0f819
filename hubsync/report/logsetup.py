"""Logging for the CLI: stderr (quiet under cron unless -v), an optional rotating file,
and a filter that blanks every secret, as a second line of defence behind code that
never logs secrets in the first place."""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Iterable
from pathlib import Path

from hubsync.secrets import scrub

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SecretFilter(logging.Filter):
    """Replace any secret value in a record's final message with `***`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Shorter values would blank ordinary words all over the log.
        self.secrets = tuple(s for s in secrets if len(s) >= 4)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        cleaned = scrub(message, self.secrets)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure_logging(*, verbose: int, log_file: Path | None, secrets: Iterable[str] = ()) -> None:
    """Only the CLI calls this; library modules just use `logging.getLogger(__name__)`."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    secret_filter = SecretFilter(secrets)
    stderr = logging.StreamHandler()
    stderr.setLevel(level)
    stderr.setFormatter(logging.Formatter(FORMAT))
    stderr.addFilter(secret_filter)
    root.addHandler(stderr)
    root.setLevel(min(level, logging.INFO) if log_file else level)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        rotating = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
        log_file.chmod(0o600)  # the log names files and contacts' e-mail domains: owner only
        rotating.setLevel(logging.INFO)
        rotating.setFormatter(logging.Formatter(FORMAT))
        rotating.addFilter(secret_filter)
        root.addHandler(rotating)
    logging.getLogger("urllib3").setLevel(logging.WARNING)
