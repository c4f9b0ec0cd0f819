"""`hubsync undo RUN`: put HubSpot back the way it was before one run, as far as that is safe.

Under the inbox lock: find the run in the ledger (an undo that already undid it: nothing
to do, said so), plan against what HubSpot holds now (`undo_plan`), then archive the
records the run created (deals, then contacts and companies), restore the properties it
overwrote, remove the associations it added and recompute the booking figures of every
contact and company it touched. The undo's writes are journaled like a run's and its own
ledger record is appended, so an undo can be undone (its property changes). A dry run
reads, plans and predicts the figures, and writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from hubsync.bookings.figures_stage import DealCache, FigureOptions, figures_of, read_deals
from hubsync.clock import Clock
from hubsync.history.entries import UNDO, LedgerRecord, Problem
from hubsync.history.ledger import Ledger, run_id
from hubsync.history.undo_plan import Key, UndoPlan, plan_undo
from hubsync.hubspot import HubSpotClient, RecordFailure
from hubsync.hubspot.journal import WriteJournal
from hubsync.inbox.folders import Inbox
from hubsync.mapping.compare import same_value
from hubsync.summary import ExitCode

Figures = dict[Key, dict[str, str]]  # (type, id) → figure properties that change


@dataclass(frozen=True)
class UndoOptions:
    """The figure rules per object type (None: the portal keeps no figures there)."""

    contacts: FigureOptions | None = None
    companies: FigureOptions | None = None
    dry_run: bool = False

    def figures(self) -> dict[str, FigureOptions]:
        found = {"contacts": self.contacts, "companies": self.companies}
        return {kind: o for kind, o in found.items() if o is not None and o.names}


@dataclass(frozen=True)
class UndoReport:
    """What an undo did (or, in a dry run, would do) to run `run`."""

    run: LedgerRecord
    plan: UndoPlan = UndoPlan()
    figures: Figures = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    record: LedgerRecord | None = None  # the undo's own ledger record
    already: LedgerRecord | None = None  # the undo that undid `run` before
    dry_run: bool = False

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.REJECTED if self.problems else ExitCode.OK


def undo_run(
    client: HubSpotClient, data_dir: Path, wanted: str, options: UndoOptions, clock: Clock
) -> UndoReport:
    """Undo run `wanted` of the ledger in `data_dir`. Raises UnknownRun, LockedError and
    the client's errors (a transient one leaves a partial undo: run it again)."""
    inbox = Inbox(data_dir)
    with inbox.lock():
        ledger = Ledger(inbox.state_dir)
        run = ledger.find(wanted)
        done = ledger.undone_by(run.run_id)
        if done is not None:
            return UndoReport(run, already=done, dry_run=options.dry_run)
        started = clock()
        journal = client.journal = WriteJournal()
        rules = options.figures()
        plan = plan_undo(client, run, {kind: o.names for kind, o in rules.items()})
        if options.dry_run:
            figures = _figures(client, plan, rules, predict=True)
            return UndoReport(run, plan, figures, plan.problems, dry_run=True)
        problems = list(plan.problems) + _apply(client, plan)
        figures = _figures(client, plan, rules, predict=False)
        problems += _write_figures(client, figures)
        entries = journal.entries()
        record = LedgerRecord(
            run_id=run_id(started, seq := ledger.next_seq()),
            seq=seq,
            started=started,
            finished=clock(),
            exit_code=int(ExitCode.REJECTED if problems else ExitCode.OK),
            kind=UNDO,
            counts={
                "archived": len(plan.archive),
                "restored": len(plan.restore),
                "unlinked": len(plan.unlink),
                "refigured": len(figures),
                "not_undone": len(problems),
            },
            changed=entries.changed,
            undoes=run.run_id,
            archived=plan.archive,
            unlinked=plan.unlink,
            not_undone=tuple(problems),
        )
        ledger.append(record)
        return UndoReport(run, plan, figures, tuple(problems), record)


def _apply(client: HubSpotClient, plan: UndoPlan) -> list[Problem]:
    """Archive, restore and unlink; returns the restores HubSpot refused."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for record in plan.archive:
        by_type[record.object_type].append(record.record_id)
    for kind in ("deals", "contacts", "companies"):
        if by_type[kind]:
            client.archive.records(kind, by_type[kind])
    writes: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for r in plan.restore:
        writes[r.object_type].setdefault(r.record_id, {})[r.name] = r.value or ""
    problems: list[Problem] = []
    for kind, items in sorted(writes.items()):
        for failure in client.update(kind, items).failures:
            problems += [
                Problem("property", kind, r.record_id, r.name, "refused", failure.message, r.wrote)
                for r in plan.restore
                if r.object_type == kind and r.record_id == failure.key
            ]
    links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for link in plan.unlink:
        links[(link.from_type, link.to_type)].append((link.from_id, link.to_id))
    for (a, b), pairs in sorted(links.items()):
        client.archive.links(a, b, pairs)
    return problems


def _figures(
    client: HubSpotClient, plan: UndoPlan, rules: Mapping[str, FigureOptions], *, predict: bool
) -> Figures:
    """The figures that change for every record of `plan.refigure`, from the deals HubSpot
    associates with it; `predict`: as they will be once the plan's writes are made."""
    archived = {c.record_id for c in plan.archive if c.object_type == "deals"}
    unlinked = {(link.from_id, link.to_id) for link in plan.unlink}
    unlinked |= {(b, a) for a, b in unlinked}
    restored: dict[str, dict[str, str | None]] = defaultdict(dict)
    for r in plan.restore:
        if r.object_type == "deals":
            restored[r.record_id][r.name] = r.value
    cache: DealCache = {}
    changes: Figures = {}
    for kind, options in sorted(rules.items()):
        ids = sorted(oid for k, oid in plan.refigure if k == kind)
        if not ids:
            continue
        deals_of = {k: set(v) for k, v in client.associations(kind, "deals", ids).items()}
        if predict:
            deals_of = {
                k: {d for d in v if d not in archived and (k, d) not in unlinked}
                for k, v in deals_of.items()
            }
        read_deals(client, {d for v in deals_of.values() for d in v}, options.key, cache)
        if predict:
            for deal, values in restored.items():
                cache.setdefault(deal, {}).update(values)
        held = client.read(kind, ids, options.names)
        for oid in ids:
            now = held[oid].properties if oid in held else {}
            mine = deals_of.get(oid, set())
            if not mine and not any(now.get(n) for n in options.names):
                continue  # no deals and never had figures: nothing to say (as in a run)
            figures = figures_of(mine, cache, options)
            diff = {n: figures[n] for n in options.names if not same_value(now.get(n), figures[n])}
            if diff and oid in held:
                changes[(kind, oid)] = diff
    return changes


def _write_figures(client: HubSpotClient, figures: Figures) -> list[Problem]:
    """Write the recomputed figures; returns those HubSpot refused."""
    problems: list[Problem] = []
    for kind in ("contacts", "companies"):
        items = {oid: values for (k, oid), values in figures.items() if k == kind}
        if items:
            problems += _refused(kind, client.update(kind, items).failures)
    return problems


def _refused(kind: str, failures: Iterable[RecordFailure]) -> list[Problem]:
    return [Problem("figures", kind, f.key, "", "refused", f.message) for f in failures]
