"""hubsync.secrets: the one scrubber behind the log filter, fetch messages and mail errors."""

from __future__ import annotations

import logging

import pytest

from hubsync.inbox.fetch.remote import FetchSettings
from hubsync.report.logsetup import SecretFilter
from hubsync.report.smtp import SmtpSettings
from hubsync.secrets import mask_url, scrub, url_password


def test_scrub_replaces_every_secret_and_a_url_password() -> None:
    text = "ftp://u:pw-1234@h/x refused pat-eu1-token and pw-1234 again"

    assert scrub(text, ["pat-eu1-token", "pw-1234", ""]) == (
        "ftp://u:***@h/x refused *** and *** again"
    )


def test_scrub_takes_the_longest_secret_first() -> None:
    # "abcd" inside "abcdef": replaced the other way round, "ef" would survive.
    assert scrub("key abcdef", ["abcd", "abcdef"]) == "key ***"


def test_scrub_ignores_empty_secrets() -> None:
    assert scrub("nothing to hide", ["", ""]) == "nothing to hide"


@pytest.mark.parametrize(
    ("url", "masked", "password"),
    [
        ("sftp://export:url-secret@files.example.org/out", "sftp://export:***@", "url-secret"),
        ("ftp://u:a@b@h/x", "ftp://u:***@h/x", "a@b"),
        ("ftp://h/x", "ftp://h/x", None),
        ("ftp://u@h/x", "ftp://u@h/x", None),
    ],
)
def test_url_passwords(url: str, masked: str, password: str | None) -> None:
    assert mask_url(url).startswith(masked)
    assert url_password(url) == password


def test_the_log_filter_scrubs_with_it_but_leaves_short_values() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "token %s, pin %s", ("tok-1234", "42"), None
    )

    SecretFilter(["tok-1234", "42"]).filter(record)

    assert record.getMessage() == "token ***, pin 42"


def test_fetch_and_mail_settings_name_their_secrets_for_it() -> None:
    fetch = FetchSettings("ftp://u:p%40ss@h/x", password="other")
    smtp = SmtpSettings("h", 25, "u", "mail-pw", "none", "a@b", ("c@d",))  # type: ignore[arg-type]

    assert set(fetch.secrets()) == {"other", "p@ss"}
    assert "mail-pw" not in repr(smtp)
