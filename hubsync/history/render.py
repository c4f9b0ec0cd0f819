"""What `hubsync history` and `hubsync undo` print: pure functions of ledger records.

`history_table` lists the runs, `run_detail` shows one, `json_lines` gives the records to
scripts (each with its `run_id`), `undo_lines` reports an undo. Texts in the catalogue
(`catalogue.history`), in German or English.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from hubsync.catalogue.history import HISTORY
from hubsync.catalogue.text import Lang
from hubsync.history.entries import UNDO, LedgerRecord, Problem
from hubsync.history.undo import UndoReport
from hubsync.hubspot.journal import Created, Linked


def json_lines(records: Sequence[LedgerRecord]) -> list[str]:
    """One JSON object per record, as the ledger holds it."""
    return [json.dumps(r.to_json(), ensure_ascii=False, sort_keys=True) for r in records]


def history_table(records: Sequence[LedgerRecord], language: str) -> list[str]:
    """The runs as a table, oldest first: run id, when, files, created, updated, rejected,
    exit code; an undone run says by which undo."""
    t = Lang(language, HISTORY)
    if not records:
        return [t("empty")]
    undone = {r.undoes: r.run_id for r in records if r.kind == UNDO and r.undoes}
    heads = [t(k) for k in ("col_created", "col_updated", "col_rejected", "col_exit")]
    lines = [
        f"{t('col_run'):20} {t('col_when'):16}  "
        + " ".join(f"{h:>12}" for h in heads)
        + f"  {t('col_files')}"
    ]
    for r in records:
        files = t("undo_of", run=r.undoes) if r.kind == UNDO else ", ".join(f.name for f in r.files)
        numbers = (r.created_count, r.updated_count, r.rejected_count, r.exit_code)
        line = f"{r.run_id:20} {t.when(r.started):16}  " + " ".join(f"{n:>12}" for n in numbers)
        lines.append(
            f"{line}  {files}" + (t("undone_by", by=undone[r.run_id]) if r.run_id in undone else "")
        )
    return lines


def run_detail(record: LedgerRecord, language: str) -> list[str]:
    """One run in detail: files, created records, changed properties old → new,
    associations, subscription statuses; an undo's archives, removals and problems."""
    t = Lang(language, HISTORY)
    key = "undo_run" if record.kind == UNDO else "run"
    times = (t.when(record.started), t.when(record.finished))
    lines = [t(key, run=record.run_id, of=record.undoes, code=record.exit_code,
               started=times[0], finished=times[1])]  # fmt: skip
    if record.files:
        lines.append(t("files"))
        lines += [
            t("file", name=f.name, kind=f.kind, status=f.status,
              destination=f.destination or "", rows=f.rows, rejected=f.rejected)
            for f in record.files
        ]  # fmt: skip
    for key, rows in _sections(record, t):
        if rows:
            lines.append(t(key, len(rows)))
            lines += rows
    if record.not_undone:
        lines.append(t("not_undone", len(record.not_undone)))
        lines += problem_lines(record.not_undone, language)
    return lines


def _sections(record: LedgerRecord, t: Lang) -> list[tuple[str, list[str]]]:
    """The journal of `record`, a heading key and its lines per kind of write."""

    def value(text: str | None) -> str:
        return text if text else t("blank")

    def records(entries: Sequence[Created]) -> list[str]:
        return [t("record_line", type=c.object_type, id=c.record_id) for c in entries]

    def links(entries: Sequence[Linked]) -> list[str]:
        return [
            t("link_line", a_type=k.from_type, a=k.from_id, b_type=k.to_type, b=k.to_id)
            for k in entries
        ]

    changed = [
        t("change_line", type=c.object_type, id=c.record_id, name=c.name,
          old=value(c.old), new=value(c.new))
        for c in record.changed
    ]  # fmt: skip
    statuses = [
        t("status_line", email=s.email, subscription=s.subscription_id, old=s.old, new=s.new)
        for s in record.statuses
    ]
    return [
        ("created", records(record.created)),
        ("changed", changed),
        ("linked", links(record.linked)),
        ("statuses", statuses),
        ("archived", records(record.archived)),
        ("unlinked", links(record.unlinked)),
    ]


def problem_lines(problems: Sequence[Problem], language: str) -> list[str]:
    """One line per thing an undo left as it is, and why."""
    t = Lang(language, HISTORY)
    return [
        t(
            f"p_{p.what}_{p.reason}",
            type=p.object_type,
            id=p.record_id,
            name=p.name,
            now=p.now or t("blank"),
            wrote=p.wrote or t("blank"),
        )
        for p in problems
    ]


def undo_lines(report: UndoReport, language: str) -> list[str]:
    """What an undo did, or in a dry run would do, and what it could not undo."""
    t = Lang(language, HISTORY)
    if report.already is not None:
        by = report.already
        return [t("already", run=report.run.run_id, when=t.when(by.finished), by=by.run_id)]
    plan = report.plan
    lines = [t("dry_run" if report.dry_run else "undo_done", run=report.run.run_id)]
    lines.append(
        t(
            "undo_counts",
            would=t("would") if report.dry_run else "",
            archived=len(plan.archive),
            restored=len(plan.restore),
            unlinked=len(plan.unlink),
            refigured=len(report.figures),
            settled=plan.settled,
        )
    )
    if report.problems:
        lines.append(t("not_undone", len(report.problems)))
        lines += problem_lines(report.problems, language)
    elif not report.dry_run:
        lines.append(t("undo_all"))
    if report.record is not None:
        lines.append(t("undo_record", run=report.record.run_id))
    return lines
