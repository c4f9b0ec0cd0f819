"""Render a run summary as a mail: subject, text, HTML, attachments, in the run's language.

Pure functions: nothing here reads files or the clock, so every mail can be tested as a value.
The words are the catalogue's (`catalogue.mail`); `mail_layout` writes the text and HTML parts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hubsync import __version__
from hubsync.catalogue.mail import MAIL
from hubsync.catalogue.rows import ONE_COLUMN, WHOLE_ROW
from hubsync.catalogue.text import Lang, render
from hubsync.records import RowError
from hubsync.report.company_lines import mail_company_cell, mail_company_lines
from hubsync.report.consent_lines import mail_consent_lines
from hubsync.report.mail_layout import Block, Report, Section, as_html, as_text
from hubsync.report.messages import describe, label
from hubsync.summary import ExitCode, FileKind, FileOutcome, FileStatus, RunSummary

_ATTACHED_SUFFIXES = (".errors.csv", ".errors.txt")


@dataclass(frozen=True)
class Mail:
    """A rendered mail; `attachments` are absolute paths the mailer reads when sending."""

    subject: str
    text: str
    html: str
    attachments: tuple[Path, ...] = ()


def render_summary(
    summary: RunSummary, *, language: str = "de", data_dir: Path, max_rows: int = 20
) -> Mail:
    """Render the mail for one run; attach every `.errors.csv`/`.errors.txt` report.

    Raises ValueError for an unsupported language.
    """
    t = Lang(language, MAIL)
    with_companies = any(f.companies for f in summary.files)  # else no "Firmen" column
    report = Report(
        intro=_intro(summary, t),
        files_title=t("files"),
        header=(t("col_file"), t("col_outcome"), t("col_rows"), t("contacts"))
        + ((t("companies"),) if with_companies else ())
        + (t("deals"), t("unassigned"), t("rejected")),
        files=tuple(_file_cells(f, t, with_companies) for f in summary.files),
        sections=_sections(summary, t, max_rows),
        footer=t(
            "footer",
            start=t.when(summary.started_at),
            end=summary.finished_at.strftime("%H:%M")
            if summary.finished_at.date() == summary.started_at.date()
            else t.when(summary.finished_at),
            duration=t.seconds((summary.finished_at - summary.started_at).total_seconds()),
            calls=t.num(summary.hubspot_calls),
            writes=t.num(summary.hubspot_writes),
            version=__version__,
        ),
    )
    attachments = tuple(
        data_dir / f.report
        for f in summary.files
        if f.report is not None and f.report.endswith(_ATTACHED_SUFFIXES)
    )
    subject = _subject(summary, t)
    return Mail(subject, as_text(report), as_html(subject, report, t.code), attachments)


def summary_subject(summary: RunSummary, *, language: str) -> str:
    """The mail's subject alone: the run in one line (the heartbeat's body)."""
    return _subject(summary, Lang(language, MAIL))


def _subject(summary: RunSummary, t: Lang) -> str:
    left = sum(f.status is FileStatus.LEFT for f in summary.files)
    ok = sum(f.ok for f in summary.files)
    bad = len(summary.files) - left - ok
    reviews = sum(len(f.reviews) for f in summary.files)
    parts: list[str] = []
    if summary.fatal_kind is ExitCode.CONFIG:
        parts.append(t("config"))
    else:
        if left:
            parts.append(t("waiting", left))
        elif summary.fatal_kind is ExitCode.TEMPFAIL:
            parts.append(t("transient"))
        if summary.fetch_error is not None:
            parts.append(t("fetch_failed"))
        if bad:
            parts.append(t("files_bad", bad))
        if ok:
            parts.append(t("ok", ok) if parts else t("files_ok", ok))
        if reviews:
            parts.append(t("to_review", reviews))
        if len(summary.alerts) == 1:
            parts.append(summary.alerts[0])
        elif summary.alerts:
            parts.append(t("alerts", len(summary.alerts)))
    prefix = t("dry") if summary.dry_run else ""
    return f"{prefix}hubsync: {', '.join(parts) or t('nothing')}"


def _intro(summary: RunSummary, t: Lang) -> tuple[str, ...]:
    lines = [t("intro_dry")] if summary.dry_run else []
    if summary.fatal is not None:
        key = "intro_config" if summary.fatal_kind is ExitCode.CONFIG else "intro_transient"
        lines.append(t(key, e=summary.fatal))
    return tuple(lines)


def _file_cells(f: FileOutcome, t: Lang, with_companies: bool) -> tuple[str, ...]:
    outcome = {
        FileStatus.PROCESSED: t("with_errors") if f.errors else t("processed"),
        FileStatus.ERRORPROCESSED: t("with_errors") if f.errors else t("rejected_file"),
        FileStatus.LEFT: t("left"),
        FileStatus.PREVIEWED: t("previewed_errors") if f.errors else t("previewed"),
    }[f.status]
    reason = next((describe(e, t.code) for e in f.errors if e.code == "file_rejected"), f.reason)
    if reason:
        outcome += f": {reason}"
    contacts = deals = ""
    if f.kind is FileKind.CUSTOMERS or f.contacts_created or f.contacts_updated:
        contacts = _counts(
            t,
            created=f.contacts_created,
            updated=f.contacts_updated,
            unchanged=f.contacts_unchanged,
        )
    if f.kind is FileKind.BOOKINGS or f.deals_created or f.deals_updated or f.deals_cancelled:
        deals = _counts(
            t,
            created=f.deals_created,
            updated=f.deals_updated,
            unchanged=f.deals_unchanged,
            cancelled=f.deals_cancelled,
        )
    rejected = ""
    if f.errors:
        by_reason = _by_reason(f.errors_by_reason(), t)
        rejected = f"{t.num(len(f.errors))} ({by_reason})"
    unassigned = t.num(f.unassigned) if f.unassigned else ""
    rows = t.num(f.rows) if f.rows else ""
    companies = (mail_company_cell(f.companies, t),) if with_companies else ()
    return (f.name, outcome, rows, contacts, *companies, deals, unassigned, rejected)


def _counts(t: Lang, **counts: int) -> str:
    return ", ".join(f"{t.num(n)} {t(key)}" for key, n in counts.items())


def _sections(summary: RunSummary, t: Lang, max_rows: int) -> tuple[Section, ...]:
    files = summary.files
    rejected = tuple(_block(_block_title(f, t), f.errors, t, max_rows) for f in files if f.errors)
    reviews = tuple(_block(f.name, f.reviews, t, max_rows) for f in files if f.reviews)
    warnings = tuple(
        f"{f.name}: {t('warnings', len(f.warnings))} ({_by_code(f, t)})"
        for f in files
        if f.warnings
    )
    unmapped = tuple(
        f"{f.name}: {', '.join(f.unmapped_columns)}" for f in files if f.unmapped_columns
    )
    companies = tuple(line for f in files for line in mail_company_lines(f.name, f.companies, t))
    consent = tuple(
        line for f in files for line in mail_consent_lines(f.name, f.consent, summary.dry_run, t)
    )
    events = [t("fetched", len(summary.fetched))] if summary.fetched else []
    if summary.fetch_error is not None:
        events.append(t("fetch_error", e=summary.fetch_error))
    if summary.retention_deleted:
        events.append(t("retention", summary.retention_deleted))
    events.extend(summary.alerts)
    if summary.mail_error is not None:
        events.append(t("mail_error", e=summary.mail_error))
    candidates = (
        Section(t("sec_rejected"), blocks=rejected),
        Section(t("sec_reviews"), blocks=reviews),
        Section(t("sec_warnings"), warnings),
        Section(t("sec_unmapped"), unmapped),
        Section(t("companies"), companies),
        Section(t("sec_newsletter"), consent),
        Section(t("sec_events"), tuple(events)),
    )
    shown = tuple(s for s in candidates if s.lines or s.blocks)
    return (*shown, Section(t("sec_todo"), _todo(summary, t)))


def _block_title(f: FileOutcome, t: Lang) -> str:
    if f.report is not None and f.report.endswith(_ATTACHED_SUFFIXES):
        return t("report", name=f.name, report=f.report)
    return f.name


def _by_reason(counts: Counter[str], t: Lang) -> str:
    """ "keine E-Mail-Adresse 1, …": how many rows each reason affected, in words."""
    return ", ".join(f"{label(code, t.code)} {t.num(n)}" for code, n in counts.items())


def _by_code(f: FileOutcome, t: Lang) -> str:
    return _by_reason(Counter(w.code for w in f.warnings), t)


def _block(title: str, errors: tuple[RowError, ...], t: Lang, max_rows: int) -> Block:
    shown = [(e, describe(e, t.code)) for e in errors[:max_rows]]
    rows = tuple(
        (t.num(e.line), e.column if e.column is not None else t("whole_row"), reason)
        for e, reason in shown
    )
    lines = tuple(_place(e, reason, t) for e, reason in shown)
    more = t("more", len(errors) - max_rows) if len(errors) > max_rows else ""
    header = (t("col_line"), t("col_column"), t("col_reason"))
    return Block(title, header, rows, lines, more)


def _place(e: RowError, reason: str, t: Lang) -> str:
    """ "Zeile 3, Spalte „PLZ“: …" (the line written even when 0: a whole file)."""
    values = {"line": t.num(e.line), "column": e.column, "text": reason}
    return render((WHOLE_ROW if e.column is None else ONE_COLUMN).get(t.code), values)


def _todo(summary: RunSummary, t: Lang) -> tuple[str, ...]:
    files = summary.files
    wanted = {
        "todo_config": summary.fatal_kind is ExitCode.CONFIG,
        "todo_transient": summary.fatal_kind is ExitCode.TEMPFAIL
        or any(f.status is FileStatus.LEFT for f in files),
        "todo_rows": any(f.errors for f in files),
        "todo_file": any(f.status is FileStatus.ERRORPROCESSED and not f.errors for f in files),
        "todo_fetch": summary.fetch_error is not None,
        "todo_reviews": any(f.reviews for f in files),
        "todo_unassigned": any(f.unassigned for f in files),
        "todo_alerts": bool(summary.alerts),
        "todo_mail": summary.mail_error is not None,
        "todo_dry": summary.dry_run,
    }
    return tuple(t(key) for key, on in wanted.items() if on) or (t("todo_none"),)
