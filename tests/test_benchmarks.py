"""The benchmark harness (``make bench``) without running the benchmarks: the table it
prints, the ratio it computes, that ``--record`` keeps the findings written by hand, and that
a comparison whose two sides disagree stops the run."""

from __future__ import annotations

import math

import pytest

from benchmarks import run
from benchmarks._common import MismatchError, Row, check, markdown_table, median, text_table


def test_ratio_is_alternative_over_kit_and_cells_are_formatted():
    fast = Row("alpha", 0.25, "s", alternative=7.5, alternative_name="pingouin loop",
               target=">= 20x faster", met=True)
    assert fast.ratio == pytest.approx(30.0)
    slow = Row("catalogue", 3.4, "s", target="<= 3 s", met=False, note="runs: 3.4 s")
    assert slow.ratio is None
    failed = Row("x: FAILED", float("nan"), "s", met=False)
    md = markdown_table([fast, slow, failed]).splitlines()
    assert md[0] == "| figure | kit | alternative | ratio alt/kit | target | met? |"
    assert md[2] == "| alpha | 0.250 s | 7.50 s (pingouin loop) | 30.0x | >= 20x faster | yes |"
    assert md[3] == "| catalogue | 3.40 s | - | - | <= 3 s | NO |"
    assert md[4] == "| x: FAILED | - | - | - | - | NO |"
    text = text_table([fast, slow]).splitlines()
    assert text[0].split() == ["figure", "kit", "alternative", "ratio", "alt/kit", "target",
                               "met?"]
    assert set(text[1]) <= {"-", " "}
    assert Row("m", 593.4, "MB").as_dict()["ratio"] is None
    assert markdown_table([Row("m", 593.4, "MB")]).endswith("| m | 593 MB | - | - | - | - |")


def test_median_of_runs():
    assert median([4.9, 4.5, 4.8]) == 4.8
    assert median([1.0, 3.0]) == 2.0
    assert math.isnan(median([float("nan")]))


def test_a_comparison_that_disagrees_stops_the_run():
    check(True, "same numbers")
    with pytest.raises(MismatchError, match="benchmark comparison failed: alphas differ"):
        check(False, "alphas differ")


def test_record_rewrites_the_table_and_keeps_the_findings(tmp_path, monkeypatch):
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nold table\n\n" + run.FINDINGS_MARKER
                       + "\n\n## Findings\nwritten by hand, with a profile\n", encoding="utf-8")
    monkeypatch.setattr(run, "RESULTS", results)
    info = {"date": "2026-11-23 18:00 UTC", "nproc": 2, "ram_gb": 23.5, "platform": "Linux",
            "python": "3.11.7", "pandas": "3.1.1", "numpy": "2.4.6", "load_avg": (0.5, 0.6, 0.7)}
    rows = [Row("catalogue", 2.9, "s", target="<= 3 s", met=True)]
    run.record(info, rows, ["- catalogue: runs: 2.9 s"], "python -m benchmarks.run --record")
    text = results.read_text(encoding="utf-8")
    assert "old table" not in text
    assert "- load average at the start: 0.50, 0.60, 0.70" in text
    assert "| catalogue | 2.90 s | - | - | <= 3 s | yes |" in text
    head, findings = text.split(run.FINDINGS_MARKER)
    assert "- catalogue: runs: 2.9 s" in head
    assert findings == "\n\n## Findings\nwritten by hand, with a profile\n"
    # a second record keeps them again, once
    run.record(info, rows, [], "python -m benchmarks.run --record")
    again = results.read_text(encoding="utf-8")
    assert again.count(run.FINDINGS_MARKER) == 1
    assert again.endswith(findings)
