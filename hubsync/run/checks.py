"""`hubsync check`: a checklist with a verdict per line, for the admin setting things up."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hubsync.config import Settings, require_for_run
from hubsync.errors import AuthError, ConfigError, HubsyncError

OK, FAIL, SKIP = "ok  ", "FAIL", "skip"


def _line(verdict: str, what: str, detail: str = "") -> str:
    return f"[{verdict}] {what}" + (f": {detail}" if detail else "")


def _writable(folder: Path) -> str | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".hubsync-check-"):
            pass
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    return None


def _try(action: Callable[[], str | None]) -> tuple[bool, str]:
    try:
        return True, action() or ""
    except AuthError as exc:
        scopes = ", ".join(exc.missing_scopes)
        hint = f" (missing scopes: {scopes})" if scopes else ""
        return False, f"{exc}{hint}"
    except ConfigError as exc:
        return False, "\n       ".join(exc.problems)
    except HubsyncError as exc:
        return False, str(exc)


def run_checks(settings: Settings | None, problems: list[str]) -> tuple[list[str], bool]:
    """Every check's line and whether all passed (skipped checks do not fail)."""
    lines: list[str] = []
    if settings is None:
        lines.append(_line(FAIL, "configuration", "; ".join(problems)))
        return lines, False
    ok, detail = _try(lambda: require_for_run(settings))
    if ok and not settings.contact_category:
        ok, detail = False, "HUBSYNC_CONTACT_CATEGORY is not set (the facility of every contact)"
    lines.append(_line(OK if ok else FAIL, "configuration", detail or "complete"))
    all_ok = ok
    for name in ("inbox", "processed", "errorprocessed"):
        problem = _writable(settings.data_dir / name)
        lines.append(
            _line(OK if problem is None else FAIL, f"folder {name}/ writable", problem or "")
        )
        all_ok = all_ok and problem is None
    if settings.hubspot_token:
        all_ok = _hubspot_checks(settings, lines) and all_ok
    else:
        lines.append(_line(FAIL, "HubSpot token", "HUBSPOT_ACCESS_TOKEN is not set"))
        all_ok = False
    all_ok = _mail_check(settings, lines) and all_ok
    all_ok = _fetch_check(settings, lines) and all_ok
    lines.append(
        "All checks passed." if all_ok else "Some checks failed: fix the lines marked FAIL."
    )
    return lines, all_ok


def _hubspot_checks(settings: Settings, lines: list[str]) -> bool:
    from hubsync.mapping.load import load_mapping
    from hubsync.portal.schema import check_schema, read_schema
    from hubsync.run.services import open_client, portal_options

    with open_client(settings) as client:
        assert client is not None
        ok, detail = _try(
            lambda: f"{len(client.properties('contacts'))} contact properties readable"
        )
        lines.append(_line(OK if ok else FAIL, "HubSpot token accepted", detail))
        if not ok:
            return False

        def schema() -> str:
            target = check_schema(
                read_schema(client),
                portal_options(settings),
                load_mapping(settings.mapping_file),
                facilities=[settings.contact_category] if settings.contact_category else [],
            )
            assert target is not None  # deals are checked: the pipeline was resolved
            return (
                f"properties present, keys {settings.customer_number_property!r} and "
                f"{settings.invoice_number_property!r} unique, pipeline "
                f"{settings.deal_pipeline!r} ({target.pipeline}) with stages "
                f"{settings.deal_stage!r} ({target.stage}) / "
                f"{settings.deal_cancelled_stage!r} ({target.cancelled_stage})"
            )

        ok, detail = _try(schema)
        lines.append(_line(OK if ok else FAIL, "HubSpot properties and pipeline", detail))
        return ok


def _mail_check(settings: Settings, lines: list[str]) -> bool:
    if not settings.mail_configured:
        lines.append(_line(SKIP, "SMTP", "SMTP_HOST/MAIL_TO not set: no summary mails"))
        return True
    from hubsync.report.smtp import check_smtp
    from hubsync.run.services import smtp_settings

    ok, detail = _try(lambda: check_smtp(smtp_settings(settings)))
    target = f"SMTP login {settings.smtp_host}:{settings.smtp_port}"
    lines.append(_line(OK if ok else FAIL, target, detail))
    return ok


def _fetch_check(settings: Settings, lines: list[str]) -> bool:
    if not settings.fetch_url:
        lines.append(_line(SKIP, "FTP/SFTP pickup", "HUBSYNC_FETCH_URL not set"))
        return True
    from hubsync.inbox.fetch.pickup import check_login
    from hubsync.run.services import fetch_settings

    ok, detail = _try(lambda: check_login(fetch_settings(settings)))
    lines.append(_line(OK if ok else FAIL, "FTP/SFTP login", detail))
    return ok
