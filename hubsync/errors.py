"""One error hierarchy: every failure hubsync raises on purpose is a HubsyncError.

The four kinds of failure (row, file, configuration, transient) are decided here, by
type, so the pipeline never sorts errors by matching strings. Row problems are not
exceptions at all: they travel as `RowError` values (see `records.py`).
"""

from __future__ import annotations

from typing import Any

from hubsync.catalogue.reasons import file_place, reason_text


class HubsyncError(Exception):
    """Root of every error hubsync raises on purpose."""


class ConfigError(HubsyncError):
    """Settings, mapping file or HubSpot portal set-up is wrong: nothing is written, exit 2.

    `problems` lists every problem found, so the user fixes all of them in one go.
    """

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class InputError(HubsyncError):
    """A whole input file cannot be used (binary, empty, no header, unclassifiable).

    The file goes to `errorprocessed/` with a `.errors.txt` naming the reason; `line`
    and `column` point at the spot when there is one. `reason` (a code of the catalogue's
    `REASONS`) and `params` (its `reason_*` values) say why; `message` is the English text
    rendered from them (a text passed as `message` wins, for old call sites).
    """

    def __init__(
        self,
        path: str,
        message: str = "",
        *,
        line: int | None = None,
        column: str | None = None,
        reason: str | None = None,
        params: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if not message and reason is not None:
            try:
                message = reason_text(reason, params)
            except KeyError:
                message = reason
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        self.reason = reason
        self.params = params
        super().__init__(f"{file_place(path, line, column)}: {message}")


class HubSpotError(HubsyncError):
    """HubSpot answered in a way hubsync cannot attribute to one record.

    Carries the HTTP status, HubSpot's `category` and the parsed body (never the token).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        category: str | None = None,
        body: Any = None,
    ) -> None:
        self.status = status
        self.category = category
        self.body = body
        super().__init__(message)


class AuthError(HubSpotError, ConfigError):
    """401/403: the token is wrong, revoked, or lacks a scope. Configuration kind: exit 2."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        category: str | None = None,
        body: Any = None,
        missing_scopes: tuple[str, ...] = (),
    ) -> None:
        HubSpotError.__init__(self, message, status=status, category=category, body=body)
        self.problems = [message]
        self.missing_scopes = missing_scopes


class TransientError(HubsyncError):
    """Temporary trouble (network, 5xx, 423, 429 after retries): files stay in the inbox."""


class DailyLimitError(TransientError):
    """HubSpot's DAILY rate limit is used up: retrying today is pointless."""


class LockedError(TransientError):
    """Another hubsync run holds the lock."""


class MailError(HubsyncError):
    """The summary mail could not be sent (logged; reflected in the exit code, never loses data)."""


class FetchError(TransientError):
    """The vendor's FTP/SFTP server could not be read; files already in the inbox still run."""
