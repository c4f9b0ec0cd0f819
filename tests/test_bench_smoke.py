"""Smoke test of bench/: the generator and a tiny benchmark run to the end and report numbers.

No timing is asserted: the benchmark's targets are reported by `bench/run.py`, not tested.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from types import ModuleType


def test_generated_exports_are_deterministic_cp1252_with_footer(
    bench: ModuleType, tmp_path: Path
) -> None:
    import generate

    first = generate.generate(tmp_path / "a", 200, 1000, seed=3)
    again = generate.generate(tmp_path / "b", 200, 1000, seed=3)
    assert first.customers.read_bytes() == again.customers.read_bytes()
    assert first.journal.read_bytes() == again.journal.read_bytes()
    journal = first.journal.read_bytes().decode("cp1252")
    lines = journal.split("\r\n")
    assert lines[3].startswith("Rechnungsnr.;Rechnungsdatum;Leistungsdatum")
    assert lines[-3].startswith("Summe;") and lines[-2].startswith("Anzahl Belege:")
    assert first.journal_lines == 1000 and "Storno zu RE-2026-" in journal
    changed = first.changed_customers.read_bytes().decode("cp1252").split("\r\n")
    original = first.customers.read_bytes().decode("cp1252").split("\r\n")
    assert original[0] == changed[0] and original != changed


def test_generated_organisations_have_several_contact_persons(
    bench: ModuleType, tmp_path: Path
) -> None:
    import generate

    files = generate.generate(tmp_path, 1000, 100, seed=1)
    with files.customers.open(encoding="cp1252", newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter=";") if len(r) > 13 and r[5]][1:]
    persons = Counter(r[5].replace("e. V.", "e.V.").split(" – ")[0].lower() for r in rows)
    groups = {r[16] for r in rows}
    assert {"Verein", "Schule", "Firma"} <= groups
    assert any(name.endswith(" e.v.") and n >= 2 for name, n in persons.items())
    domains = [r[13].rpartition("@")[2] for r in rows if "@" in r[13]]
    assert any(d.endswith(".example") for d in domains)  # writes from the organisation
    assert any(d.startswith("example.") for d in domains)  # from a private mailbox


def test_tiny_benchmark_completes_and_reports(bench: ModuleType, tmp_path: Path) -> None:
    options = bench.BenchOptions(
        customers=200,
        journal_lines=1000,
        latency=0.0,
        rate_limit=None,
        validate_rows=2000,
        bookings_case=False,
        label="smoke",
    )
    report = bench.run_benchmark(options, tmp_path, echo=lambda _: None)
    names = [run.name for run in report.runs]
    assert names == ["empty portal", "same files again", "10 % of customers changed"]
    assert all(run.calls > 0 and run.rows > 0 for run in report.runs)
    assert report.runs[0].writes > 0
    assert report.validation is not None and report.validation.peak_mb > 0
    text = bench.render(report)
    assert "| scenario | run | rows | calls |" in text and "## Targets" in text


def test_tiny_benchmark_counts_companies_and_their_calls(bench: ModuleType, tmp_path: Path) -> None:
    options = bench.BenchOptions(
        customers=200,
        journal_lines=1000,
        latency=0.0,
        rate_limit=None,
        validate_rows=0,
        bookings_case=False,
        label="smoke",
    )
    report = bench.run_benchmark(options, tmp_path, echo=lambda _: None)
    first, again, _ = report.runs
    assert first.companies.created and first.company_calls > 0
    assert not again.companies.created and not again.companies.adopted
    assert again.companies.unchanged == len(first.companies.created)
    assert again.writes == 0  # an unchanged re-run writes nothing, companies included
    assert [r.name for r in report.baseline] == [r.name for r in report.runs]
    assert not any(r.companies or r.company_calls for r in report.baseline)
    costs = bench.company_costs(report)
    assert [c.on.name for c in costs] == [r.name for r in report.runs]
    assert costs[0].extra_calls == first.calls - report.baseline[0].calls
    assert "## Companies" in bench.render(report)
