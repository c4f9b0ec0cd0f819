"""Settings: `.env` from an explicit path, the real environment wins, every problem at once."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from hubsync.cli import main
from hubsync.config import (
    FetchAfter,
    Language,
    MailWhen,
    Settings,
    SmtpSecurity,
    load_settings,
    require_for_run,
    token_problems,
)
from hubsync.config.variables import VARIABLES, Var
from hubsync.emulator import Emulator
from hubsync.errors import ConfigError

DATA = Path(__file__).parent / "data"
FACILITY = "McArena Schorndorf"
UUID_TOKEN = "6f1c2a4e-93b1-4d7e-b0a5-2c8e9f4d1a37"


def write_env(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- sources and precedence ----------------------------------------------------------------
def test_env_file_is_read_from_the_given_path(tmp_path: Path) -> None:
    env_file = write_env(
        tmp_path / "hubsync.env",
        "# hubsync settings\n"
        "HUBSPOT_ACCESS_TOKEN=pat-eu1-1234\n"
        'HUBSYNC_CONTACT_CATEGORY="McArena Schorndorf"\n'
        "HUBSYNC_SETTLE_SECONDS=5\n"
        "MAIL_TO=a@example.org, b@example.org\n"
        f"HUBSYNC_DATA_DIR={tmp_path / 'data'}\n",
    )

    settings = load_settings(env_file, environ={})

    assert settings.hubspot_token == "pat-eu1-1234"
    assert settings.contact_category == FACILITY
    assert settings.settle_seconds == 5
    assert settings.mail_to == ("a@example.org", "b@example.org")
    assert settings.data_dir == tmp_path / "data"
    assert settings.inbox == tmp_path / "data" / "inbox"


def test_real_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = write_env(
        tmp_path / ".env",
        "HUBSPOT_ACCESS_TOKEN=from-file\nHUBSYNC_SETTLE_SECONDS=5\nHUBSYNC_LANGUAGE=en\n",
    )

    settings = load_settings(
        env_file, environ={"HUBSPOT_ACCESS_TOKEN": "from-env", "HUBSYNC_SETTLE_SECONDS": "7"}
    )

    assert settings.hubspot_token == "from-env"
    assert settings.settle_seconds == 7
    assert settings.language == "en"  # only in the file: still read


def test_data_dir_argument_wins_over_environment(tmp_path: Path) -> None:
    settings = load_settings(
        None, environ={"HUBSYNC_DATA_DIR": str(tmp_path / "env")}, data_dir=tmp_path / "arg"
    )

    assert settings.data_dir == tmp_path / "arg"


def test_missing_env_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.env", environ={})

    assert settings == Settings(data_dir=Path("."))


def test_blank_values_count_as_unset(tmp_path: Path) -> None:
    settings = load_settings(
        None, environ={"HUBSPOT_RATE_LIMIT": "  ", "HUBSYNC_CONTACT_CATEGORY": ""}
    )

    assert settings.hubspot_rate_limit == 100
    assert settings.contact_category is None


def test_smtp_port_defaults_follow_the_security_mode() -> None:
    ports = {
        mode: load_settings(None, environ={"SMTP_SECURITY": mode}).smtp_port
        for mode in ("starttls", "SSL", "none")
    }

    assert ports == {"starttls": 587, "SSL": 465, "none": 25}


# -- validation ----------------------------------------------------------------------------
def test_every_problem_is_listed_in_one_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            None,
            environ={
                "HUBSPOT_API_VERSION": "2026-9",
                "HUBSPOT_RATE_LIMIT": "viel",
                "SMTP_SECURITY": "tls",
            },
        )

    assert caught.value.problems == [
        "HUBSPOT_API_VERSION='2026-9' is not valid: expected a date version such as "
        "2026-09, or v3.",
        "SMTP_SECURITY='tls' is not valid: expected one of starttls, ssl, none.",
        "HUBSPOT_RATE_LIMIT='viel' is not valid: expected a whole number from 1 to 10000.",
    ]


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("HUBSPOT_API_VERSION", "v4", "HUBSPOT_API_VERSION='v4' is not valid"),
        ("HUBSPOT_BASE_URL", "api.hubapi.com", "must start with https://"),
        ("HUBSPOT_RATE_LIMIT", "0", "expected a whole number from 1 to 10000"),
        ("HUBSYNC_SETTLE_SECONDS", "-1", "expected a whole number from 0 to 86400"),
        ("HUBSYNC_RETENTION_DAYS", "90d", "expected a whole number from 0 to 36500"),
        ("HUBSYNC_CATEGORY_PROPERTY", "Kontakt-Kategorie", "not a HubSpot internal"),
        ("HUBSYNC_MAPPING", "/nonexistent/mapping.toml", "no such file"),
        ("HUBSYNC_DEAL_NAME", "{anlage} {nummer}", "HUBSYNC_DEAL_NAME="),
        ("HUBSYNC_FETCH_URL", "https://example.org/export", "must start with ftp://"),
        ("MAIL_WHEN", "sometimes", "expected one of always, problems, never"),
        ("HUBSYNC_FETCH_AFTER", "keep", "expected one of move, delete"),
        ("HUBSYNC_LANGUAGE", "fr", "expected one of de, en"),
        ("SMTP_HOST", "mail.example.org", "MAIL_TO is empty"),
    ],
)
def test_bad_values_are_named(name: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={name: value})

    assert len(caught.value.problems) >= 1
    assert problem in caught.value.problems[0]


def test_choices_are_read_as_enums_in_any_case() -> None:
    settings = load_settings(
        None,
        environ={
            "HUBSYNC_LANGUAGE": "EN",
            "SMTP_SECURITY": "Ssl",
            "MAIL_WHEN": "always",
            "HUBSYNC_FETCH_AFTER": "DELETE",
        },
    )

    assert settings.language is Language.EN
    assert settings.smtp_security is SmtpSecurity.SSL
    assert settings.mail_when is MailWhen.ALWAYS
    assert settings.fetch_after is FetchAfter.DELETE
    assert settings.language == "en"  # a StrEnum still equals its text


def test_every_settings_field_is_one_variable() -> None:
    declared = [item.field for item in VARIABLES if isinstance(item, Var)]

    assert sorted(declared) == sorted(f.name for f in fields(Settings))
    assert len({item.name for item in VARIABLES if isinstance(item, Var)}) == len(declared)


@pytest.mark.parametrize("version", ["2026-00", "2026-13", "26-09", "v3.1"])
def test_api_versions_the_client_would_refuse_are_refused_here(version: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={"HUBSPOT_API_VERSION": version})

    assert caught.value.problems == [
        f"HUBSPOT_API_VERSION={version!r} is not valid: expected a date version such as "
        "2026-09, or v3."
    ]


@pytest.mark.parametrize("version", ["2026-09", "2025-03", "v3"])
def test_good_api_versions(version: str) -> None:
    assert load_settings(None, environ={"HUBSPOT_API_VERSION": version}).hubspot_api_version == (
        version
    )


def test_uuid_token_is_rejected_as_legacy_hapikey(tmp_path: Path) -> None:
    settings = load_settings(None, environ={"HUBSPOT_ACCESS_TOKEN": UUID_TOKEN})

    with pytest.raises(ConfigError) as caught:
        require_for_run(settings)

    assert caught.value.problems == [
        "HUBSPOT_ACCESS_TOKEN looks like a legacy hapikey (a bare UUID): HubSpot switched "
        "API keys off in November 2022. Create a Service Key instead (see README)."
    ]


def test_missing_token_is_named_for_a_run() -> None:
    with pytest.raises(ConfigError) as caught:
        require_for_run(load_settings(None, environ={}))

    assert caught.value.problems == [
        "HUBSPOT_ACCESS_TOKEN is not set: create a Service Key (or use a private-app "
        "token) with the scopes listed in the README and put it in .env."
    ]


def test_private_app_token_is_accepted() -> None:
    settings = load_settings(None, environ={"HUBSPOT_ACCESS_TOKEN": "pat-eu1-a1b2c3"})

    assert token_problems(settings) == []
    assert require_for_run(settings) is None  # does not raise


# -- secrets -------------------------------------------------------------------------------
def test_secrets_returns_token_and_passwords() -> None:
    settings = load_settings(
        None,
        environ={
            "HUBSPOT_ACCESS_TOKEN": "pat-eu1-secret-token",
            "SMTP_HOST": "mail.example.org",
            "SMTP_USER": "hubsync@example.org",
            "SMTP_PASSWORD": "smtp-secret",
            "MAIL_TO": "buero@example.org",
            "HUBSYNC_FETCH_URL": "sftp://export:url-secret@files.example.org/out",
            "HUBSYNC_FETCH_PASSWORD": "fetch-secret",
        },
    )

    assert set(settings.secrets()) == {
        "pat-eu1-secret-token",
        "smtp-secret",
        "fetch-secret",
        "url-secret",
    }
    shown = repr(settings)
    assert not [s for s in settings.secrets() if s in shown]


def test_secrets_leaves_out_what_is_not_set() -> None:
    assert Settings(data_dir=Path(".")).secrets() == ()


# -- through the command line --------------------------------------------------------------
def test_cli_reads_env_file_and_real_environment_wins(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "inbox").mkdir(parents=True)
    (data_dir / "inbox" / "kunden.csv").write_bytes((DATA / "cli_clean_customers.csv").read_bytes())
    with Emulator(with_hubsync_schema=True) as emulator:
        env_file = write_env(
            tmp_path / "hubsync.env",
            "HUBSPOT_ACCESS_TOKEN=wrong-token-from-file\n"
            f"HUBSPOT_BASE_URL={emulator.url}\n"
            f"HUBSYNC_CONTACT_CATEGORY={FACILITY}\n"
            "HUBSYNC_SETTLE_SECONDS=0\n"
            f"HUBSYNC_DATA_DIR={data_dir}\n",
        )
        result = CliRunner().invoke(
            main,
            ["run", "--env-file", str(env_file)],
            env={"HUBSPOT_ACCESS_TOKEN": emulator.token},
        )

        assert result.exit_code == 0, result.output
        assert len(emulator.store.contacts) == 3
    assert [p.name for p in (data_dir / "inbox").iterdir()] == []
    assert len(list((data_dir / "processed").iterdir())) == 1


def test_cli_lists_every_configuration_problem_in_one_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["run", "--env-file", str(tmp_path / "absent.env")],
        env={
            "HUBSYNC_DATA_DIR": str(tmp_path),
            "HUBSPOT_API_VERSION": "2026-9",
            "HUBSPOT_RATE_LIMIT": "viel",
            "SMTP_SECURITY": "tls",
            "HUBSYNC_LANGUAGE": "en",  # the frame is in HUBSYNC_LANGUAGE
        },
    )

    assert result.exit_code == 2
    assert result.output == (
        "hubsync: configuration problem:\n"
        "  - HUBSPOT_API_VERSION='2026-9' is not valid: expected a date version such as "
        "2026-09, or v3.\n"
        "  - SMTP_SECURITY='tls' is not valid: expected one of starttls, ssl, none.\n"
        "  - HUBSPOT_RATE_LIMIT='viel' is not valid: expected a whole number from 1 to "
        "10000.\n"
        "  - HUBSPOT_ACCESS_TOKEN is not set: create a Service Key (or use a private-app "
        "token) with the scopes listed in the README and put it in .env.\n"
        "  - HUBSYNC_CONTACT_CATEGORY is not set: name the facility every contact is "
        "assigned to, e.g. HUBSYNC_CONTACT_CATEGORY=McArena Schorndorf\n"
    )
    assert list(tmp_path.iterdir()) == []  # not even the lock file


def test_cli_rejects_a_uuid_token_with_the_explanation(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["run", "--env-file", str(tmp_path / "absent.env")],
        env={
            "HUBSYNC_DATA_DIR": str(tmp_path),
            "HUBSPOT_ACCESS_TOKEN": UUID_TOKEN,
            "HUBSYNC_CONTACT_CATEGORY": FACILITY,
            "HUBSYNC_LANGUAGE": "en",  # the frame is in HUBSYNC_LANGUAGE
        },
    )

    assert result.exit_code == 2
    assert result.output == (
        "hubsync: configuration problem:\n"
        "  - HUBSPOT_ACCESS_TOKEN looks like a legacy hapikey (a bare UUID): HubSpot "
        "switched API keys off in November 2022. Create a Service Key instead (see README).\n"
    )
    assert UUID_TOKEN not in result.output.replace("looks like", "")


def test_cli_run_reports_value_token_and_category_problems_together(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["run", "--env-file", str(tmp_path / "absent.env")],
        env={"HUBSYNC_DATA_DIR": str(tmp_path), "HUBSPOT_RATE_LIMIT": "viel"},
    )

    assert result.exit_code == 2
    assert "HUBSPOT_RATE_LIMIT='viel'" in result.output
    assert "HUBSPOT_ACCESS_TOKEN is not set" in result.output
    assert "HUBSYNC_CONTACT_CATEGORY is not set" in result.output
