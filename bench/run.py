"""The hubsync benchmark: HubSpot calls, wall time against the rate-limit floor, validate speed.

Generates synthetic exports (bench/generate.py), runs the real job (`run_job`, the real
client over real HTTP) against the emulator with HubSpot's rate limit and a per-call
latency, and prints a Markdown report that is also written to bench/results.md:

    uv run python bench/run.py                 # full: 10,000 customers, 50,000 lines
    uv run python bench/run.py --quick         # smoke run, well under two minutes
    uv run python bench/run.py --only-validate # validate of 1,000,000 rows: its section only

Not a test: nothing here asserts; targets are reported as met or missed.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import logging
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generate import ExportSet, generate, write_customers
from phones import PhoneComparison, compare_phones

from hubsync.choices import Switch
from hubsync.config import Settings
from hubsync.emulator import Emulator
from hubsync.emulator.server import WINDOW_SECONDS
from hubsync.mapping.load import load_mapping
from hubsync.portal.setup import setup_portal
from hubsync.run.job import JobServices, run_job
from hubsync.run.pipeline import Collaborators, RunOptions
from hubsync.run.services import open_client, portal_options
from hubsync.summary import CompanyCounts, RunSummary

HERE = Path(__file__).resolve().parent
FACILITY = "McArena Schorndorf"
UNLIMITED = 10_000  # the client's own limit when the emulator runs without one
# The generated private addresses (example.com/.net/.org) stand for gmx.de, web.de …:
# free-mail, never a company's domain (bench/organisations.py).
MAPPING_FILE = HERE / "mapping.toml"

# Targets of issue "Prove it" (item 1) and issue "Bookings".
MAX_CALLS_PER_1000_ROWS = 30.0
MAX_BOOKINGS_FIRST_CALLS = 150
MAX_BOOKINGS_AGAIN_CALLS = 80
# Issue "Companies": companies cost batch calls; the two call targets above predate them
# and hold with companies off, with companies on they get this many calls more.
COMPANY_CALL_BUDGET = 15
MAX_FLOOR_RATIO = 1.15
MAX_VALIDATE_SECONDS = 20.0
MAX_VALIDATE_MB = 300.0


@dataclass(frozen=True)
class BenchOptions:
    """What to run; `rate_limit` None runs the emulator without a limit."""

    customers: int = 10_000
    journal_lines: int = 50_000
    latency: float = 0.15
    rate_limit: int | None = 100
    concurrency: int = 3
    validate_rows: int = 1_000_000
    seed: int = 1
    bookings_case: bool = True  # also run 1,000 customers + 5,000 lines (issue "Bookings")
    companies_baseline: bool = True  # each scenario again with HUBSYNC_COMPANIES=off
    profile: bool = False
    label: str = "full"

    @property
    def only_validate(self) -> bool:
        """No sync runs at all (`--only-validate`, or 0 customers and 0 journal lines)."""
        return not (self.customers or self.journal_lines)


@dataclass(frozen=True)
class RunMeasure:
    """One `hubsync run`: what HubSpot saw (from the emulator's log) and how long it took."""

    scenario: str
    name: str
    rows: int
    calls: int
    reads: int
    writes: int
    searches: int
    status_429: int
    seconds: float
    rate_limit: int | None
    client_calls: int
    retries: int
    endpoints: dict[str, int]
    outcome: str
    profile: str = ""
    companies: CompanyCounts = CompanyCounts()
    companies_on: bool = True  # HUBSYNC_COMPANIES of this run

    @property
    def company_calls(self) -> int:
        """Calls to company endpoints (objects, properties and associations of companies)."""
        return sum(n for name, n in self.endpoints.items() if "compan" in name)

    @property
    def per_1000_rows(self) -> float:
        return self.calls * 1000 / self.rows if self.rows else 0.0

    @property
    def floor(self) -> float:
        """Seconds the rate limit alone needs for these calls (calls ÷ limit per second)."""
        return self.calls / (self.rate_limit / WINDOW_SECONDS) if self.rate_limit else 0.0

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor if self.floor else None


@dataclass(frozen=True)
class ValidateMeasure:
    rows: int
    seconds: float
    peak_mb: float  # the validate process itself (VmHWM)
    exit_code: int
    first_line: str
    all_processes_mb: float = 0.0  # with its worker processes: largest sampled sum of PSS
    phones: PhoneComparison | None = None  # the phone fast path against libphonenumber
    profile: str = ""  # cProfile of the validate process (not its workers), with --profile

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class Report:
    options: BenchOptions
    machine: dict[str, str]
    runs: list[RunMeasure] = field(default_factory=list)
    baseline: list[RunMeasure] = field(default_factory=list)  # the runs with companies off
    validation: ValidateMeasure | None = None
    generated: list[str] = field(default_factory=list)


# -- machine -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, Python and date: the context every number needs."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "hubsync": _commit(),
        "CPU": model,
        "cores": str(os.cpu_count()),
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _commit() -> str:
    """The git commit measured (and whether hubsync/ had uncommitted changes)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "hubsync"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"commit {head or 'unknown'}" + (" + uncommitted changes in hubsync/" if dirty else "")


# -- one scenario against one emulator ---------------------------------------------------


def _drop(inbox: Path, files: Sequence[Path]) -> None:
    """Copy `files` into the inbox, dated back an hour so they count as fully uploaded."""
    inbox.mkdir(parents=True, exist_ok=True)
    stamp = time.time() - 3600
    for offset, source in enumerate(files):
        target = inbox / source.name
        shutil.copyfile(source, target)
        os.utime(target, (stamp + offset, stamp + offset))


def _endpoint(method: str, path: str, body: Any) -> str:
    """`POST contacts batch/read by kundennummer`: the call as a person would name it."""
    parts = [p for p in path.split("/") if p]
    if parts[1] in ("v3", "v4"):  # /crm/v3/<area>/<type>/...
        area, rest = parts[2], parts[3:]
    else:  # /crm/<area>/<version>/<type>/...
        area, rest = parts[1], parts[3:]
    name = f"{method} {area} " + "/".join(rest)
    if isinstance(body, dict) and name.endswith("batch/read") and "objects" in name:
        name += f" by {body.get('idProperty') or 'id'}"
    return name


def _outcome(summary: RunSummary) -> str:
    c = Counter[str]()
    for f in summary.files:
        c.update(
            contacts_created=f.contacts_created,
            contacts_updated=f.contacts_updated,
            contacts_unchanged=f.contacts_unchanged,
            deals_created=f.deals_created,
            deals_updated=f.deals_updated,
            deals_unchanged=f.deals_unchanged,
            deals_cancelled=f.deals_cancelled,
            unassigned=f.unassigned,
            rejected=len(f.errors),
        )
    text = (
        f"contacts +{c['contacts_created']} ~{c['contacts_updated']} ={c['contacts_unchanged']}; "
        f"deals +{c['deals_created']} ~{c['deals_updated']} ={c['deals_unchanged']} "
        f"(cancelled {c['deals_cancelled']}, without contact {c['unassigned']}); "
        f"rejected rows {c['rejected']}"
    )
    return text + (f"; FATAL: {summary.fatal}" if summary.fatal else "")


def _companies(summary: RunSummary) -> CompanyCounts:
    """The companies of every customer file of the run, added up."""
    created: list[str] = []
    adopted: list[str] = []
    updated = unchanged = 0
    for f in summary.files:
        created += f.companies.created
        adopted += f.companies.adopted
        updated += f.companies.updated
        unchanged += f.companies.unchanged
    return CompanyCounts(tuple(created), tuple(adopted), updated, unchanged)


def run_scenario(
    scenario: str,
    files: ExportSet,
    options: BenchOptions,
    workdir: Path,
    echo: Callable[[str], None],
    companies: Switch = Switch.ON,
) -> list[RunMeasure]:
    """Setup (not counted), then: empty portal, the same files again, 10 % changed."""
    runs = [
        ("empty portal", [files.customers, files.journal]),
        ("same files again", [files.customers, files.journal]),
        ("10 % of customers changed", [files.changed_customers, files.journal]),
    ]
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=workdir))
    mapping = load_mapping(MAPPING_FILE)
    measures: list[RunMeasure] = []
    with Emulator(rate_limit=options.rate_limit, latency=options.latency) as emulator:
        settings = Settings(
            data_dir=data_dir,
            hubspot_token=emulator.token,
            hubspot_base_url=emulator.url,
            hubspot_rate_limit=options.rate_limit or UNLIMITED,
            hubspot_concurrency=options.concurrency,
            contact_category=FACILITY,
            settle_seconds=60,
            retention_days=0,
            companies=companies,
        )
        with open_client(settings) as client:
            assert client is not None
            setup_portal(client, portal_options(settings))
        last_call = time.monotonic()
        for name, paths in runs:
            _drop(settings.inbox, paths)
            if options.rate_limit:
                # Cron runs are hours apart: start each run with the portal's window empty.
                time.sleep(max(0.0, WINDOW_SECONDS - (time.monotonic() - last_call)))
            emulator.reset_log()
            profiler = cProfile.Profile() if options.profile else None
            started = time.perf_counter()
            with open_client(settings, journal=True) as client:  # as `hubsync run`
                assert client is not None
                services = JobServices(Collaborators(client))
                if profiler is not None:
                    profiler.enable()
                try:
                    summary: RunSummary | None = run_job(settings, mapping, services, RunOptions())
                    crash = ""
                except Exception as exc:  # a crash is a result to report, not the end of the run
                    logging.getLogger(__name__).exception("%s / %s crashed", scenario, name)
                    summary, crash = None, f"CRASH: {type(exc).__name__}: {exc}"
                if profiler is not None:
                    profiler.disable()
                stats = client.stats.snapshot()
            seconds = time.perf_counter() - started
            last_call = time.monotonic()
            log = list(emulator.log)
            kinds = Counter(entry.kind for entry in log)
            measure = RunMeasure(
                scenario=scenario,
                name=name,
                rows=sum(f.rows for f in summary.files) if summary else 0,
                calls=len(log),
                reads=kinds["read"],
                writes=kinds["write"],
                searches=kinds["search"],
                status_429=sum(1 for entry in log if entry.status == 429),
                seconds=seconds,
                rate_limit=options.rate_limit,
                client_calls=stats.calls,
                retries=stats.retries,
                endpoints=dict(
                    Counter(_endpoint(e.method, e.path, e.body) for e in log).most_common()
                ),
                outcome=_outcome(summary) if summary else crash,
                profile=_profile_text(profiler) if profiler is not None else "",
                companies=_companies(summary) if summary else CompanyCounts(),
                companies_on=companies is Switch.ON,
            )
            measures.append(measure)
            echo(
                f"  {scenario} / {name} (companies {companies}): {measure.calls} calls "
                f"({measure.writes} writes, {measure.searches} searches), {measure.seconds:.1f} s, "
                f"{measure.status_429}× 429; {measure.outcome}"
            )
    shutil.rmtree(data_dir, ignore_errors=True)
    return measures


def _profile_text(profiler: cProfile.Profile) -> str:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


# -- offline validate --------------------------------------------------------------------


# The child reports its own peak (VmHWM of its own address space). The kernel's ru_maxrss
# would not do: it keeps the high-water mark from before exec, i.e. of this forked
# benchmark process with all its data, which inflated the first measurement to 542 MB.
_CHILD = """
import atexit, cProfile, pstats, sys
PROFILE_FILE = sys.argv.pop()
PEAK_FILE = sys.argv.pop()
def _peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(PEAK_FILE, "w") as out:
        out.write(kib)
atexit.register(_peak)
from hubsync.cli import main
if PROFILE_FILE:
    profiler = cProfile.Profile()
    def _stats():
        with open(PROFILE_FILE, "w") as out:
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    atexit.register(_stats)
    profiler.enable()
main()
"""


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


def _pss_kib(pids: list[int]) -> int:
    """Proportional set size of these processes together: shared pages counted once."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, StopIteration, ValueError):
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            total += int(next(line.split()[1] for line in rollup if line.startswith("Pss:")))
    return total


def measure_validate(
    path: Path, rows: int, workdir: Path, *, profile: bool = False
) -> ValidateMeasure:
    """`hubsync validate FILE` in a child process: wall time and the child's peak RSS."""
    peak_file = workdir / "validate.peak"
    profile_file = workdir / "validate.profile" if profile else None
    command = [sys.executable, "-c", _CHILD, "validate", str(path), str(peak_file)]
    command.append(str(profile_file or ""))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "HUBSYNC_"))}
    output = workdir / "validate.out"
    with output.open("wb") as sink:
        started = time.perf_counter()
        with subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, cwd=workdir, env=env
        ) as proc:
            # Sample the memory of the child and its workers while it runs.
            biggest = 0
            while proc.poll() is None:
                biggest = max(biggest, _pss_kib(_tree(proc.pid)))
                time.sleep(0.2)
            status = proc.returncode
        seconds = time.perf_counter() - started
    text = output.read_text(encoding="utf-8", errors="replace")
    # "  1000000 rows → 974160 contacts; …" (in the console's language: "Zeilen → …").
    summary = re.compile(r"\s+\d+ \S+ → ")
    first = next((ln.strip() for ln in text.splitlines() if summary.match(ln)), text[:200])
    if not peak_file.is_file():
        raise RuntimeError(f"validate child wrote no peak memory: {proc.returncode}")
    peak_mb = int(peak_file.read_text()) / 1024
    profiled = profile_file.read_text() if profile_file and profile_file.is_file() else ""
    return ValidateMeasure(rows, seconds, peak_mb, status, first, biggest / 1024, profile=profiled)


# -- the whole benchmark -----------------------------------------------------------------


def run_benchmark(
    options: BenchOptions, workdir: Path, echo: Callable[[str], None] = print
) -> Report:
    """Generate, run every scenario and the validate measurement; returns the report."""
    report = Report(options, machine())
    sizes = [] if options.only_validate else [(options.customers, options.journal_lines)]
    if sizes and options.bookings_case and sizes[0] != (1000, 5000):
        sizes.insert(0, (1000, 5000))
    for customers, lines in sizes:
        started = time.perf_counter()
        files = generate(workdir / "exports", customers, lines, seed=options.seed)
        report.generated.append(
            f"{customers:,} customers + {files.journal_lines:,} journal lines "
            f"({files.documents:,} documents) generated in {time.perf_counter() - started:.1f} s"
        )
        scenario = f"{customers:,} customers + {lines:,} lines"
        echo(f"{scenario}: running (latency {options.latency * 1000:.0f} ms) …")
        report.runs += run_scenario(scenario, files, options, workdir, echo)
        if options.companies_baseline:
            report.baseline += run_scenario(
                scenario, files, options, workdir, echo, companies=Switch.OFF
            )
    if options.validate_rows:
        path = workdir / f"kunden_{options.validate_rows}.csv"
        write_customers(path, options.validate_rows, seed=options.seed + 1)
        echo(f"validate: {options.validate_rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) …")
        measured = measure_validate(path, options.validate_rows, workdir, profile=options.profile)
        echo(f"validate: {measured.seconds:.1f} s; comparing the phone fast path …")
        report.validation = replace(measured, phones=compare_phones(path))
        path.unlink()
    return report


# -- rendering ---------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def _call_targets(run: RunMeasure, main: str) -> list[tuple[str, str, bool]]:
    """The call and write targets one run speaks to (with companies on or off)."""
    at = f"{run.name}{'' if run.companies_on else ', companies off'}"
    found: list[tuple[str, str, bool]] = []
    if run.scenario == main and run.name == "empty portal":
        target = f"{main}, {at}: ≤ {MAX_CALLS_PER_1000_ROWS:.0f} calls / 1,000 rows"
        measured = f"{run.per_1000_rows:.1f} ({run.calls} calls, {run.rows:,} rows)"
        found.append((target, measured, run.per_1000_rows <= MAX_CALLS_PER_1000_ROWS))
    if run.scenario == main and run.name == "same files again":
        found.append((f"{main}, {at}: 0 writes", f"{run.writes} writes", run.writes == 0))
    if run.scenario != "1,000 customers + 5,000 lines":
        return found
    extra = COMPANY_CALL_BUDGET if run.companies_on else 0
    if run.name == "empty portal":
        limit = MAX_BOOKINGS_FIRST_CALLS + extra
        target = f"1,000 + 5,000, {at}: ≤ {limit} calls"
        found.append((target, f"{run.calls} calls", run.calls <= limit))
    if run.name == "same files again":
        limit = MAX_BOOKINGS_AGAIN_CALLS + extra
        target = f"1,000 + 5,000, {at}: 0 writes in ≤ {limit} calls"
        met = run.writes == 0 and run.calls <= limit
        found.append((target, f"{run.writes} writes in {run.calls} calls", met))
    return found


def targets(report: Report) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target the runs can speak to."""
    found: list[tuple[str, str, bool]] = []
    options = report.options
    main = f"{options.customers:,} customers + {options.journal_lines:,} lines"
    for run in [*report.runs, *report.baseline]:
        found += _call_targets(run, main)
    for run in [*report.runs, *report.baseline]:
        if run.ratio is not None:
            found.append(
                (
                    f"{run.scenario}, {run.name}{'' if run.companies_on else ', companies off'}: "
                    f"wall ≤ {MAX_FLOOR_RATIO} × floor",
                    f"{run.seconds:.1f} s / {run.floor:.1f} s = {run.ratio:.2f}×",
                    run.ratio <= MAX_FLOOR_RATIO,
                )
            )
    unlimited = [r for r in [*report.runs, *report.baseline] if r.rate_limit]
    if unlimited:
        total = sum(r.status_429 for r in unlimited)
        found.append(("429 answers from the emulator: 0", f"{total}", total == 0))
    v = report.validation
    if v is not None:
        found.append(
            (
                f"validate {v.rows:,} rows: ≤ {MAX_VALIDATE_SECONDS:.0f} s",
                f"{v.seconds:.1f} s ({v.rows_per_second:,.0f} rows/s)",
                v.seconds <= MAX_VALIDATE_SECONDS,
            )
        )
        found.append(
            (
                f"validate {v.rows:,} rows: ≤ {MAX_VALIDATE_MB:.0f} MB peak",
                f"{max(v.peak_mb, v.all_processes_mb):.0f} MB",
                max(v.peak_mb, v.all_processes_mb) <= MAX_VALIDATE_MB,
            )
        )
    return found


def render(report: Report) -> str:
    """The report as Markdown."""
    o = report.options
    limit = f"{o.rate_limit} requests / 10 s" if o.rate_limit else "none"
    lines = [
        f"# hubsync benchmark ({o.label})",
        "",
        "Produced by `uv run python bench/run.py"
        + (" --quick" if o.label == "quick" else "")
        + "`; the real job (`run_job`, the real client over real HTTP) against the emulator.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report.machine.items()],
        f"| emulator | rate limit {limit}, latency {o.latency * 1000:.0f} ms per call |",
        f"| client | HUBSPOT_RATE_LIMIT={o.rate_limit or UNLIMITED}, "
        f"HUBSPOT_CONCURRENCY={o.concurrency} |",
        "",
        *[f"- {g}" for g in report.generated],
        "",
        "## HubSpot calls and wall time",
        "",
        "Calls as the emulator logged them (`hubsync setup` before the first run is not "
        "counted). Floor = calls ÷ (rate limit per second): the wall time the rate limit "
        "alone forces. Each run starts with an empty rate-limit window (cron runs are hours "
        "apart).",
        "",
        "| scenario | run | rows | calls | reads | writes | searches | calls / 1,000 rows "
        "| wall s | floor s | wall ÷ floor | 429s |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in report.runs:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        lines.append(
            f"| {r.scenario} | {r.name} | {r.rows:,} | {r.calls:,} | {r.reads:,} | {r.writes:,} "
            f"| {r.searches:,} | {r.per_1000_rows:.1f} | {r.seconds:.1f} | {r.floor:.1f} "
            f"| {ratio} | {r.status_429} |"
        )
    for r in report.baseline:
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "–"
        lines.append(
            f"| {r.scenario} | {r.name}, companies off | {r.rows:,} | {r.calls:,} | {r.reads:,} "
            f"| {r.writes:,} | {r.searches:,} | {r.per_1000_rows:.1f} | {r.seconds:.1f} "
            f"| {r.floor:.1f} | {ratio} | {r.status_429} |"
        )
    lines += render_companies(report)
    v = report.validation
    if v is not None:
        lines += [
            "",
            "## Offline `hubsync validate`",
            "",
            "| rows | wall s | rows / s | peak MB (process) | peak MB (with workers, PSS) | exit |",
            "|--:|--:|--:|--:|--:|--:|",
            f"| {v.rows:,} | {v.seconds:.1f} | {v.rows_per_second:,.0f} | {v.peak_mb:.0f} "
            f"| {v.all_processes_mb:.0f} | {v.exit_code} |",
            "",
            f"`{v.first_line}`",
        ]
        if v.phones is not None:
            lines += ["", f"Phone fast path over this file: {v.phones.line()}."]
    lines += ["", "## Targets", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {_mark(ok)} |" for t, m, ok in targets(report)]
    lines += ["", "## What the runs did", ""]
    lines += [f"- {r.scenario}, {r.name}: {r.outcome}{_counts(r)}" for r in report.runs]
    lines += [f"- {r.scenario}, {r.name}, companies off: {r.outcome}" for r in report.baseline]
    lines += ["", "## Calls per endpoint", ""]
    for r in report.runs:
        lines.append(
            f"- {r.scenario}, {r.name}: " + ", ".join(f"{k} {n}" for k, n in r.endpoints.items())
        )
    for r in report.baseline:
        lines.append(
            f"- {r.scenario}, {r.name}, companies off: "
            + ", ".join(f"{k} {n}" for k, n in r.endpoints.items())
        )
    return "\n".join(lines) + "\n"


# -- companies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyCost:
    """What companies cost one run: the same files with HUBSYNC_COMPANIES on and off."""

    on: RunMeasure
    off: RunMeasure

    @property
    def extra_calls(self) -> int:
        return self.on.calls - self.off.calls

    @property
    def extra_per_1000_rows(self) -> float:
        return self.extra_calls * 1000 / self.on.rows if self.on.rows else 0.0


def company_costs(report: Report) -> list[CompanyCost]:
    """Each run with companies on beside the same run with companies off."""
    off = {(r.scenario, r.name): r for r in report.baseline}
    return [
        CompanyCost(r, off[r.scenario, r.name]) for r in report.runs if (r.scenario, r.name) in off
    ]


def _counts(run: RunMeasure) -> str:
    c = run.companies
    if not c:
        return ""
    return f"; companies +{len(c.created)} adopted {len(c.adopted)} ~{c.updated} ={c.unchanged}"


def company_summary(report: Report, scenario: str) -> str | None:
    """The README's line for one scenario, None without a companies-off baseline."""
    costs = {c.on.name: c for c in company_costs(report) if c.on.scenario == scenario}
    first, again = costs.get("empty portal"), costs.get("same files again")
    if first is None or again is None:
        return None
    return (
        f"Companies ({scenario}): {first.extra_per_1000_rows:+.1f} calls per 1,000 rows on a "
        f"first import ({first.extra_calls:+d} calls), {again.extra_per_1000_rows:+.1f} on an "
        f"unchanged re-run ({again.extra_calls:+d}), {again.on.writes} writes on the re-run"
    )


def render_companies(report: Report) -> list[str]:
    """The companies section: counts, company calls, and the calls on minus off."""
    costs = company_costs(report)
    if not costs:
        return []
    lines = [
        "",
        "## Companies",
        "",
        "Every scenario ran twice on the same files: with `HUBSYNC_COMPANIES=on` (the default, "
        "the runs above) and `off`. Extra calls = calls on − calls off. Company calls = the "
        "on-run's calls to company endpoints (company objects, properties and associations); "
        "the other extra calls read the contact persons' deals and their associations.",
        "",
        "| scenario | run | companies + / adopted / ~ / = | company calls | calls on "
        "| calls off | extra calls | extra / 1,000 rows | writes on | writes off |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for c in costs:
        k = c.on.companies
        lines.append(
            f"| {c.on.scenario} | {c.on.name} | {len(k.created)} / {len(k.adopted)} / "
            f"{k.updated} / {k.unchanged} | {c.on.company_calls} | {c.on.calls:,} "
            f"| {c.off.calls:,} | {c.extra_calls:+d} | {c.extra_per_1000_rows:+.1f} "
            f"| {c.on.writes} | {c.off.writes} |"
        )
    scenarios = dict.fromkeys(c.on.scenario for c in costs)
    lines.append("")
    lines += [f"- {line}." for s in scenarios if (line := company_summary(report, s))]
    return lines


def parse_options(argv: Sequence[str] | None) -> tuple[BenchOptions, Path, bool]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--journal-lines", type=int, default=50_000)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per call")
    parser.add_argument("--rate-limit", type=int, default=100, help="per 10 s; 0: none")
    parser.add_argument("--concurrency", type=int, default=3, help="HUBSPOT_CONCURRENCY")
    parser.add_argument("--validate-rows", type=int, default=1_000_000, help="0: skip")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="1,000 + 5,000, no latency")
    parser.add_argument("--profile", action="store_true", help="cProfile each run")
    parser.add_argument("--results", type=Path, default=None, help="Markdown output file")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--only-validate",
        action="store_true",
        help="only the validate measurement; updates just its section of the results file",
    )
    args = parser.parse_args(argv)
    if args.only_validate:
        args.customers = args.journal_lines = 0
    options = BenchOptions(
        customers=args.customers,
        journal_lines=args.journal_lines,
        latency=args.latency,
        rate_limit=args.rate_limit or None,
        concurrency=args.concurrency,
        validate_rows=args.validate_rows,
        seed=args.seed,
        profile=args.profile,
    )
    if args.quick:
        options = BenchOptions(
            customers=1000,
            journal_lines=5000,
            latency=0.0,
            rate_limit=options.rate_limit,
            concurrency=options.concurrency,
            validate_rows=100_000,
            seed=options.seed,
            profile=options.profile,
            label="quick",
        )
    default = HERE / ("results-quick.md" if args.quick else "results.md")
    return options, args.results or default, args.keep


def main(argv: Sequence[str] | None = None) -> None:
    options, results, keep = parse_options(argv)
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    workdir = Path(tempfile.mkdtemp(prefix="hubsync-bench-"))
    try:
        report = run_benchmark(options, workdir, echo=lambda s: print(s, flush=True))
    finally:
        if keep:
            print(f"generated files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = render(report)
    if options.only_validate and results.is_file():
        text = with_validate_section(results.read_text(encoding="utf-8"), text, report.machine)
    results.write_text(text, encoding="utf-8")
    print()
    print(text)
    if options.profile:
        for run in report.runs:
            print(f"\n### profile: {run.scenario}, {run.name}\n{run.profile}")
        if report.validation is not None:
            print(f"\n### profile: validate (main process)\n{report.validation.profile}")
    print(f"written to {results}")


_VALIDATE_HEADING = "## Offline `hubsync validate`"


def with_validate_section(existing: str, fresh: str, machine: dict[str, str]) -> str:
    """`existing` results with the validate section and targets of the `fresh` report."""

    def section(text: str) -> tuple[int, int]:
        start = text.index(_VALIDATE_HEADING)
        end = text.find("\n## ", start + 1)
        return start, len(text) if end < 0 else end + 1

    if _VALIDATE_HEADING not in existing or _VALIDATE_HEADING not in fresh:
        return fresh
    start, end = section(fresh)
    note = f"Measured alone (`--only-validate`): {machine['hubsync']}, {machine['started']}.\n\n"
    new = fresh[start:end].replace("\n\n", "\n\n" + note, 1)
    start, end = section(existing)
    text = existing[:start] + new + existing[end:]
    rows = [ln for ln in fresh.splitlines() if ln.startswith("| validate ")]
    lines = text.splitlines()
    old = [i for i, ln in enumerate(lines) if ln.startswith("| validate ")]
    at = old[0] if old else lines.index("## Targets") + 4  # after the heading, blank, head, rule
    kept = [ln for i, ln in enumerate(lines) if i not in old]
    return "\n".join(kept[:at] + rows + kept[at:]) + "\n"


if __name__ == "__main__":
    main()
