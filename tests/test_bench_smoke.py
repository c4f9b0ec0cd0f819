"""Smoke test of bench/: the generator and a tiny benchmark run to the end and report numbers.

No timing is asserted: the benchmark's targets are reported by `bench/run.py`, not tested.
"""

from __future__ import annotations

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
