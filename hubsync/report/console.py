"""What a run prints on stdout: one block per file, plus the run's verdict.

Everything is written in the run's language (HUBSYNC_LANGUAGE), like the mail and the
`.errors.csv` the same people read; the texts are the catalogue's (`catalogue.console`).
"""

from __future__ import annotations

from collections.abc import Sequence

from hubsync.catalogue.console import CONSOLE
from hubsync.catalogue.text import Lang
from hubsync.records import RowError, RowWarning
from hubsync.report.company_lines import console_company_lines
from hubsync.report.consent_lines import console_consent_lines
from hubsync.report.messages import describe, label
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary


def _file_lines(outcome: FileOutcome, dry_run: bool, max_rows: int, t: Lang) -> list[str]:
    status = t(f"status_{outcome.status}")
    lines = [f"{outcome.name} [{t(f'kind_{outcome.kind}')}] → {status}"]
    if outcome.destination:
        lines[0] += f" ({outcome.destination})"
    rejected = (describe(e, t.code) for e in outcome.errors if e.code == "file_rejected")
    reason = next(rejected, outcome.reason)
    if reason and outcome.status is not FileStatus.PROCESSED:
        lines.append(t("reason", reason=reason))
    lines += _counts(outcome, t("would") if dry_run else "", t)
    lines += console_company_lines(outcome.companies, dry_run, t)
    lines += console_consent_lines(outcome.consent, dry_run, t)
    if outcome.errors:
        counts = outcome.errors_by_reason().most_common()
        reasons = ", ".join(f"{label(code, t.code)} {n}" for code, n in counts)
        lines.append(t("rejected_rows", n=len(outcome.errors), reasons=reasons))
        lines += _items(outcome.errors, max_rows, t)
        if len(outcome.errors) > max_rows:
            lines.append(t("more_rows", n=len(outcome.errors) - max_rows))
    if outcome.warnings:
        lines.append(t("warnings", n=len(outcome.warnings)))
        lines += _items(outcome.warnings, max_rows, t)
    if outcome.unmapped_columns:
        lines.append(t("unmapped", columns=", ".join(outcome.unmapped_columns)))
    if outcome.report:
        lines.append(t("report", report=outcome.report))
    return lines


def _counts(outcome: FileOutcome, would: str, t: Lang) -> list[str]:
    lines: list[str] = []
    if outcome.kind is FileKind.CUSTOMERS and outcome.rows:
        created, updated = outcome.contacts_created, outcome.contacts_updated
        unchanged = outcome.contacts_unchanged
        lines.append(t("customers", **_n(outcome.rows, created, updated, unchanged), would=would))
        if outcome.updated_properties:
            props = ", ".join(f"{k} ({v})" for k, v in outcome.updated_properties.items())
            lines.append(t("properties", would=would, props=props))
    if outcome.kind is FileKind.BOOKINGS and outcome.rows:
        created, updated = outcome.deals_created, outcome.deals_updated
        values = _n(outcome.rows, created, updated, outcome.deals_unchanged)
        cancelled, unassigned = outcome.deals_cancelled, outcome.unassigned
        lines.append(
            t("bookings", **values, cancelled=cancelled, unassigned=unassigned, would=would)
        )
        if outcome.contacts_created:
            lines.append(t("guests", would=would, n=outcome.contacts_created))
    return lines


def _n(rows: int, created: int, updated: int, unchanged: int) -> dict[str, int]:
    return {"rows": rows, "created": created, "updated": updated, "unchanged": unchanged}


def _items(items: Sequence[RowError | RowWarning], max_rows: int, t: Lang) -> list[str]:
    lines = []
    for item in items[:max_rows]:
        column = t("at_column", column=item.column) if item.column else ""
        where = t("at_line", line=item.line) if item.line else t("at_file")
        lines.append(f"    {where}{column}: {describe(item, t.code)}")
    return lines


def render_console(
    summary: RunSummary,
    *,
    max_rows: int = 10,
    validated_only: bool = False,
    language: str = "de",
) -> str:
    """Plain-text summary for the terminal (and cron's mail, if anyone reads it).

    Written in `language` ("de" or "en", HUBSYNC_LANGUAGE); raises ValueError for another.
    """
    t = Lang(language, CONSOLE)
    lines: list[str] = []
    if summary.dry_run:
        lines.append(t("dry_run") + (t("validated_only") if validated_only else ""))
    lines += [t("fetched", name=name) for name in summary.fetched]
    if summary.fetch_error:
        lines.append(t("fetch_failed", e=summary.fetch_error))
    for outcome in summary.files:
        lines += _file_lines(outcome, summary.dry_run, max_rows, t)
    lines += [t("settling", name=name) for name in summary.settling]
    if not summary.files and not summary.fatal and not summary.settling:
        lines.append(t("nothing"))
    lines += [t("alert", alert=alert) for alert in summary.alerts]
    if summary.fatal:
        lines.append(t("stopped", e=summary.fatal))
        if summary.fatal_kind is ExitCode.TEMPFAIL:
            lines.append(t("retry"))
    if summary.mail_error:
        lines.append(t("mail_error", e=summary.mail_error))
    if summary.hubspot_calls:
        lines.append(t("calls", calls=summary.hubspot_calls, writes=summary.hubspot_writes))
    return "\n".join(lines)
