"""What a run prints on stdout: one block per file, plus the run's verdict.

The frame is English (it is for the admin); row errors and warnings are in the run's
language, like the mail and the `.errors.csv` the same people read.
"""

from __future__ import annotations

from hubsync.report.messages import describe, label
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

_STATUS = {
    FileStatus.PROCESSED: "processed",
    FileStatus.ERRORPROCESSED: "errorprocessed",
    FileStatus.LEFT: "left in the inbox",
    FileStatus.PREVIEWED: "preview",
}


def _file_lines(outcome: FileOutcome, dry_run: bool, max_rows: int, language: str) -> list[str]:
    would = "would be " if dry_run else ""
    lines = [f"{outcome.name} [{outcome.kind}] → {_STATUS[outcome.status]}"]
    if outcome.destination:
        lines[0] += f" ({outcome.destination})"
    rejected = (describe(e, language) for e in outcome.errors if e.code == "file_rejected")
    reason = next(rejected, outcome.reason)
    if reason and outcome.status is not FileStatus.PROCESSED:
        lines.append(f"  reason: {reason}")
    if outcome.kind is FileKind.CUSTOMERS and outcome.rows:
        lines.append(
            f"  {outcome.rows} rows; contacts {would}created {outcome.contacts_created}, "
            f"{would}updated {outcome.contacts_updated}, unchanged {outcome.contacts_unchanged}"
        )
        if outcome.updated_properties:
            props = ", ".join(f"{k} ({v})" for k, v in outcome.updated_properties.items())
            lines.append(f"  properties {would}updated: {props}")
    if outcome.kind is FileKind.BOOKINGS and outcome.rows:
        lines.append(
            f"  {outcome.rows} rows; deals {would}created {outcome.deals_created}, "
            f"{would}updated {outcome.deals_updated}, unchanged {outcome.deals_unchanged}, "
            f"cancelled {outcome.deals_cancelled}; without contact {outcome.unassigned}"
        )
        if outcome.contacts_created:
            lines.append(f"  guest contacts {would}created: {outcome.contacts_created}")
    if outcome.errors:
        counts = outcome.errors_by_reason().most_common()
        reasons = ", ".join(f"{label(code, language)} {n}" for code, n in counts)
        lines.append(f"  rejected rows: {len(outcome.errors)} ({reasons})")
        for error in outcome.errors[:max_rows]:
            column = f", column {error.column!r}" if error.column else ""
            where = f"line {error.line}" if error.line else "file"
            lines.append(f"    {where}{column}: {describe(error, language)}")
        if len(outcome.errors) > max_rows:
            lines.append(f"    … and {len(outcome.errors) - max_rows} more (see the report)")
    if outcome.warnings:
        lines.append(f"  warnings: {len(outcome.warnings)}")
        for warning in outcome.warnings[:max_rows]:
            column = f", column {warning.column!r}" if warning.column else ""
            lines.append(f"    line {warning.line}{column}: {describe(warning, language)}")
    if outcome.unmapped_columns:
        lines.append("  columns not mapped: " + ", ".join(outcome.unmapped_columns))
    if outcome.report:
        lines.append(f"  report: {outcome.report}")
    return lines


def render_console(
    summary: RunSummary,
    *,
    max_rows: int = 10,
    validated_only: bool = False,
    language: str = "de",
) -> str:
    """Plain-text summary for the terminal (and cron's mail, if anyone reads it).

    Row errors and warnings are written in `language` ("de" or "en", HUBSYNC_LANGUAGE).
    """
    lines: list[str] = []
    if summary.dry_run:
        lines.append(
            "DRY RUN: nothing was written, moved or mailed."
            + (" No HubSpot token: the files were only validated." if validated_only else "")
        )
    for name in summary.fetched:
        lines.append(f"fetched {name}")
    if summary.fetch_error:
        lines.append(f"fetch failed: {summary.fetch_error}")
    for outcome in summary.files:
        lines += _file_lines(outcome, summary.dry_run, max_rows, language)
    for name in summary.settling:
        lines.append(f"{name}: modified moments ago (still uploading?), left for the next run")
    if not summary.files and not summary.fatal and not summary.settling:
        lines.append("inbox: nothing to do")
    for alert in summary.alerts:
        lines.append(f"ALERT: {alert}")
    if summary.fatal:
        lines.append(f"STOPPED: {summary.fatal}")
        if summary.fatal_kind is ExitCode.TEMPFAIL:
            lines.append("The files stay in the inbox; the next run retries them.")
    if summary.mail_error:
        lines.append(f"mail not sent: {summary.mail_error}")
    if summary.hubspot_calls:
        lines.append(f"HubSpot calls: {summary.hubspot_calls} (writes: {summary.hubspot_writes})")
    return "\n".join(lines)
