"""The closed choices among the settings, as StrEnums (imports nothing of hubsync).

`config` turns the environment's text into these once; the modules that act on them take the
enum. Being `str`s, they still compare equal to their text ("de", "starttls", ...).
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    """What a person reads is written in (HUBSYNC_LANGUAGE)."""

    DE = "de"
    EN = "en"


class SmtpSecurity(StrEnum):
    """How the connection to the mail server is secured (SMTP_SECURITY)."""

    STARTTLS = "starttls"
    SSL = "ssl"
    NONE = "none"

    @property
    def default_port(self) -> int:
        """The port SMTP_PORT defaults to for this mode."""
        return {"starttls": 587, "ssl": 465, "none": 25}[self.value]


class MailWhen(StrEnum):
    """Which runs are mailed (MAIL_WHEN): every run that did something, runs with problems,
    or none."""

    ALWAYS = "always"
    PROBLEMS = "problems"
    NEVER = "never"


class FetchAfter(StrEnum):
    """What happens on the vendor's server to a file once it is in the inbox
    (HUBSYNC_FETCH_AFTER): moved to its `processed/` folder, or deleted."""

    MOVE = "move"
    DELETE = "delete"


class Switch(StrEnum):
    """A feature that is on or off (HUBSYNC_COMPANIES)."""

    ON = "on"
    OFF = "off"

    def __bool__(self) -> bool:
        return self is Switch.ON


class OptOut(StrEnum):
    """What a "Nein" in the newsletter column does (HUBSYNC_NEWSLETTER_OPTOUT): nothing, or
    withdraw a subscription hubsync itself made."""

    IGNORE = "ignore"
    SYNC = "sync"
