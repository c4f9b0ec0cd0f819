"""`hubsync check`: a checklist with a verdict per line, for the admin setting things up.

Written in HUBSYNC_LANGUAGE; the verdicts `[ok  ]`, `[FAIL]`, `[skip]` are the same in
every language, so a script can look for them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import Lang
from hubsync.config import Settings, require_for_run
from hubsync.errors import AuthError, ConfigError, HubsyncError
from hubsync.hubspot import HubSpotClient

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


def _try(action: Callable[[], str | None], t: Lang) -> tuple[bool, str]:
    try:
        return True, action() or ""
    except AuthError as exc:
        scopes = ", ".join(exc.missing_scopes)
        hint = t("c_scopes", scopes=scopes) if scopes else ""
        return False, f"{exc}{hint}"
    except ConfigError as exc:
        return False, "\n       ".join(exc.problems)
    except HubsyncError as exc:
        return False, str(exc)


def run_checks(
    settings: Settings | None, problems: list[str], *, language: str | None = None
) -> tuple[list[str], bool]:
    """Every check's line and whether all passed (skipped checks do not fail).

    Written in `language`, by default the settings' (German when they could not be read).
    """
    t = Lang(language or (settings.language if settings else "de"), CONSOLE)
    lines: list[str] = []
    if settings is None:
        lines.append(_line(FAIL, t("c_configuration"), "; ".join(problems)))
        return lines, False
    ok, detail = _try(lambda: require_for_run(settings), t)
    if ok and not settings.contact_category:
        ok, detail = False, t("c_no_category")
    lines.append(_line(OK if ok else FAIL, t("c_configuration"), detail or t("c_complete")))
    all_ok = ok
    for name in ("inbox", "processed", "errorprocessed"):
        problem = _writable(settings.data_dir / name)
        verdict = OK if problem is None else FAIL
        lines.append(_line(verdict, t("c_folder", name=name), problem or ""))
        all_ok = all_ok and problem is None
    if settings.hubspot_token:
        all_ok = _hubspot_checks(settings, lines, t) and all_ok
    else:
        lines.append(_line(FAIL, t("c_token"), t("c_no_token")))
        all_ok = False
    all_ok = _mail_check(settings, lines, t) and all_ok
    all_ok = _fetch_check(settings, lines, t) and all_ok
    lines.append(t("c_all_ok") if all_ok else t("c_some_failed"))
    return lines, all_ok


def _hubspot_checks(settings: Settings, lines: list[str], t: Lang) -> bool:
    from hubsync.mapping.load import load_mapping
    from hubsync.portal.schema import check_schema, read_schema
    from hubsync.run.services import connect, portal_options

    with connect(settings) as client:
        ok, detail = _try(lambda: t("c_readable", n=len(client.properties("contacts"))), t)
        lines.append(_line(OK if ok else FAIL, t("c_token_ok"), detail))
        if not ok:
            return False
        companies_ok = not settings.companies or _company_check(client, lines, t)
        consent_ok = settings.newsletter_subscription is None or _consent_check(
            client, settings.newsletter_subscription, lines, t
        )

        def schema() -> str:
            target = check_schema(
                read_schema(client, companies=bool(settings.companies)),
                portal_options(settings),
                load_mapping(settings.mapping_file),
                facilities=[settings.contact_category] if settings.contact_category else [],
            )
            return t(
                "c_schema_ok",
                contact_key=settings.customer_number_property,
                deal_key=settings.invoice_number_property,
                pipeline=settings.deal_pipeline,
                pipeline_id=target.pipeline,
                stage=settings.deal_stage,
                stage_id=target.stage,
                cancelled=settings.deal_cancelled_stage,
                cancelled_id=target.cancelled_stage,
            )

        ok, detail = _try(schema, t)
        lines.append(_line(OK if ok else FAIL, t("c_schema"), detail))
        return ok and companies_ok and consent_ok


# What companies need (HubSpot's scopes reference; the 2026-09 spec's `security` sections).
COMPANY_SCOPES = ("crm.objects.companies.read", "crm.objects.companies.write")
COMPANY_SETUP_SCOPE = "crm.schemas.companies.write"


def _company_check(client: HubSpotClient, lines: list[str], t: Lang) -> bool:
    """Companies readable (HUBSYNC_COMPANIES=on): the line names every scope they need."""
    scopes = t("c_company_scopes", scopes=", ".join(COMPANY_SCOPES), setup=COMPANY_SETUP_SCOPE)
    ok, detail = _try(lambda: t("c_company_readable", n=len(client.properties("companies"))), t)
    lines.append(_line(OK if ok else FAIL, t("c_companies"), f"{detail}; {scopes}"))
    return ok


def _consent_check(client: HubSpotClient, wanted: str, lines: list[str], t: Lang) -> bool:
    """The newsletter subscription type exists (by name or id), and the mode the token
    allows: batch (the batch scopes, Marketing Hub Enterprise) or one call per address."""
    from hubsync.consent.options import resolve_subscription
    from hubsync.hubspot import subscriptions as calls

    def found() -> str:
        match = resolve_subscription(client.subscriptions.definitions(), wanted)
        if client.subscriptions.probe() == calls.BATCH:
            scopes = (calls.READ_SCOPE, calls.BATCH_READ_SCOPE, calls.BATCH_WRITE_SCOPE)
            mode = t("c_newsletter_batch", scopes=", ".join(scopes))
        else:
            batch = ", ".join((calls.BATCH_READ_SCOPE, calls.BATCH_WRITE_SCOPE))
            mode = t("c_newsletter_single", batch=batch, scopes=calls.SINGLE_SCOPES[0])
        return t("c_newsletter_ok", name=match.name, id=match.id, mode=mode)

    ok, detail = _try(found, t)
    lines.append(_line(OK if ok else FAIL, t("c_newsletter", wanted=wanted), detail))
    return ok


def _mail_check(settings: Settings, lines: list[str], t: Lang) -> bool:
    if not settings.mail_configured:
        lines.append(_line(SKIP, "SMTP", t("c_no_mail")))
        return True
    from hubsync.report.smtp import check_smtp
    from hubsync.run.services import smtp_settings

    ok, detail = _try(lambda: check_smtp(smtp_settings(settings)), t)
    target = t("c_smtp", host=settings.smtp_host, port=settings.smtp_port)
    lines.append(_line(OK if ok else FAIL, target, detail))
    return ok


def _fetch_check(settings: Settings, lines: list[str], t: Lang) -> bool:
    if not settings.fetch_url:
        lines.append(_line(SKIP, t("c_pickup"), t("c_no_fetch")))
        return True
    from hubsync.inbox.fetch.pickup import check_login
    from hubsync.run.services import fetch_settings

    ok, detail = _try(lambda: check_login(fetch_settings(settings)), t)
    lines.append(_line(OK if ok else FAIL, t("c_fetch"), detail))
    return ok
