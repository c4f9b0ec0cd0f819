"""Render a run summary (or a missing-export alert) as a mail: subject, text, HTML, attachments.

Pure functions: nothing here reads files or the clock, so every mail can be tested as a value.
Every value that ends up in the HTML is escaped, because cell contents come from untrusted CSV.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hubsync import __version__
from hubsync.records import RowError
from hubsync.report.mail_texts import Lang
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


@dataclass(frozen=True)
class _Block:
    """A small table of rows (line, column, reason) under a title, cut after `max_rows`."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # table cells for the HTML part
    lines: tuple[str, ...]  # the same rows as sentences for the text part
    more: str


@dataclass(frozen=True)
class _Section:
    title: str
    lines: tuple[str, ...] = ()
    blocks: tuple[_Block, ...] = ()


@dataclass(frozen=True)
class _Report:
    """The content shared by the text and the HTML part."""

    intro: tuple[str, ...]
    files_title: str
    header: tuple[str, ...]  # file table column titles
    files: tuple[tuple[str, ...], ...]  # one tuple of cells per file
    sections: tuple[_Section, ...]
    footer: str


def render_summary(
    summary: RunSummary, *, language: str = "de", data_dir: Path, max_rows: int = 20
) -> Mail:
    """Render the mail for one run; attach every `.errors.csv`/`.errors.txt` report.

    Raises ValueError for an unsupported language.
    """
    t = Lang(language)
    report = _Report(
        intro=_intro(summary, t),
        files_title=t("files"),
        header=(t("col_file"), t("col_outcome"), t("col_rows"), t("contacts"), t("deals"))
        + (t("unassigned"), t("rejected")),
        files=tuple(_file_cells(f, t) for f in summary.files),
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
    return Mail(subject, _text(report), _html(subject, report, t.code), attachments)


def render_missing_export(hours: int, last_seen: datetime | None, *, language: str = "de") -> Mail:
    """Render the alert sent when no new export arrived for `hours` (`last_seen`: last file)."""
    t = Lang(language)
    seen = t("missing_seen", hours, when=t.when(last_seen)) if last_seen else t("missing_never")
    report = _Report(
        intro=(seen,),
        files_title="",
        header=(),
        files=(),
        sections=(_Section(t("sec_todo"), (t("todo_missing"),)),),
        footer=f"hubsync {__version__}",
    )
    subject = "hubsync: " + t("missing_subject", hours)
    return Mail(subject, _text(report), _html(subject, report, t.code))


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


def _file_cells(f: FileOutcome, t: Lang) -> tuple[str, ...]:
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
    return (f.name, outcome, rows, contacts, deals, unassigned, rejected)


def _counts(t: Lang, **counts: int) -> str:
    return ", ".join(f"{t.num(n)} {t(key)}" for key, n in counts.items())


def _sections(summary: RunSummary, t: Lang, max_rows: int) -> tuple[_Section, ...]:
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
    events = [t("fetched", len(summary.fetched))] if summary.fetched else []
    if summary.fetch_error is not None:
        events.append(t("fetch_error", e=summary.fetch_error))
    if summary.retention_deleted:
        events.append(t("retention", summary.retention_deleted))
    events.extend(summary.alerts)
    if summary.mail_error is not None:
        events.append(t("mail_error", e=summary.mail_error))
    candidates = (
        _Section(t("sec_rejected"), blocks=rejected),
        _Section(t("sec_reviews"), blocks=reviews),
        _Section(t("sec_warnings"), warnings),
        _Section(t("sec_unmapped"), unmapped),
        _Section(t("sec_events"), tuple(events)),
    )
    shown = tuple(s for s in candidates if s.lines or s.blocks)
    return (*shown, _Section(t("sec_todo"), _todo(summary, t)))


def _block_title(f: FileOutcome, t: Lang) -> str:
    if f.report is not None and f.report.endswith(_ATTACHED_SUFFIXES):
        return t("report", name=f.name, report=f.report)
    return f.name


def _by_reason(counts: Counter[str], t: Lang) -> str:
    """ "keine E-Mail-Adresse 1, …": how many rows each reason affected, in words."""
    return ", ".join(f"{label(code, t.code)} {t.num(n)}" for code, n in counts.items())


def _by_code(f: FileOutcome, t: Lang) -> str:
    return _by_reason(Counter(w.code for w in f.warnings), t)


def _block(title: str, errors: tuple[RowError, ...], t: Lang, max_rows: int) -> _Block:
    shown = [(e, describe(e, t.code)) for e in errors[:max_rows]]
    rows = tuple(
        (t.num(e.line), e.column if e.column is not None else t("whole_row"), reason)
        for e, reason in shown
    )
    lines = tuple(
        t("row_whole", line=t.num(e.line), reason=reason)
        if e.column is None
        else t("row_column", line=t.num(e.line), column=e.column, reason=reason)
        for e, reason in shown
    )
    more = t("more", len(errors) - max_rows) if len(errors) > max_rows else ""
    header = (t("col_line"), t("col_column"), t("col_reason"))
    return _Block(title, header, rows, lines, more)


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


def _text(report: _Report) -> str:
    out = [*report.intro, ""] if report.intro else []
    if report.files:
        head = report.header
        out.extend([report.files_title, "-" * len(report.files_title)])
        for cells in report.files:
            extra = [f"{h}: {c}" for h, c in zip(head[2:], cells[2:], strict=True) if c]
            out.append(" · ".join([f"- {cells[0]}: {cells[1]}", *extra]))
        out.append("")
    for section in report.sections:
        out.extend([section.title, "-" * len(section.title)])
        out.extend(f"- {line}" for line in section.lines)
        for block in section.blocks:
            out.append(f"{block.title}:")
            out.extend(f"  {line}" for line in block.lines)
            if block.more:
                out.append(f"  {block.more}")
        out.append("")
    out.extend(["--", report.footer])
    return "\n".join(out) + "\n"


def _html(subject: str, report: _Report, language: str) -> str:
    e = html.escape
    out = [
        f'<!DOCTYPE html>\n<html lang="{e(language)}"><head><meta charset="utf-8">',
        f"<title>{e(subject)}</title></head>",
        '<body style="font-family: sans-serif; font-size: 14px;">',
    ]
    out.extend(f"<p><strong>{e(line)}</strong></p>" for line in report.intro)
    if report.files:
        out.append(f"<h3>{e(report.files_title)}</h3>")
        out.append(_table(report.header, report.files))
    for section in report.sections:
        out.append(f"<h3>{e(section.title)}</h3>")
        if section.lines:
            out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in section.lines) + "</ul>")
        for block in section.blocks:
            out.append(f"<p>{e(block.title)}</p>")
            out.append(_table(block.header, block.rows))
            if block.more:
                out.append(f"<p>{e(block.more)}</p>")
    out.append(f'<hr><p style="color: #666; font-size: 12px;">{e(report.footer)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> str:
    e = html.escape
    cell = 'style="border: 1px solid #ccc; padding: 2px 6px; text-align: left;"'
    out = ['<table style="border-collapse: collapse;">']
    out.append("<tr>" + "".join(f"<th {cell}>{e(h)}</th>" for h in header) + "</tr>")
    out.extend("<tr>" + "".join(f"<td {cell}>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    out.append("</table>")
    return "\n".join(out)
