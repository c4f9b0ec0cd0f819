"""bench/: the validate-only run, its update of the results file, the phone comparison."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType


def test_only_validate_runs_no_sync_and_replaces_just_its_section(
    bench: ModuleType, tmp_path: Path
) -> None:
    options, _, _ = bench.parse_options(["--only-validate", "--validate-rows", "3000"])
    assert options.only_validate and options.validate_rows == 3000
    report = bench.run_benchmark(options, tmp_path, echo=lambda _: None)
    assert report.runs == [] and report.validation is not None
    phones = report.validation.phones
    assert phones is not None and phones.cells > 2000 and phones.fast > 0
    assert phones.disagreements == []
    existing = (Path(bench.__file__).parent / "results.md").read_text(encoding="utf-8")
    merged = bench.with_validate_section(existing, bench.render(report), report.machine)
    assert merged.count("## Offline `hubsync validate`") == 1
    assert "| 3,000 |" in merged and "Phone fast path over this file" in merged
    assert "Measured alone (`--only-validate`)" in merged
    # Everything outside the validate section and its targets stays as it was.
    assert merged.split("## Offline")[0] == existing.split("## Offline")[0]
    validate_rows = [ln for ln in merged.splitlines() if ln.startswith("| validate ")]
    assert [r.split(":")[0] for r in validate_rows] == ["| validate 3,000 rows"] * 2
    assert merged.split("## What the runs did")[1] == existing.split("## What the runs did")[1]
