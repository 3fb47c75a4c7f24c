"""The benchmark suite cannot rot: every case runs, results are written, the floor check works.

No test here asserts a time. The smoke run uses a 64 x 64 raster (seconds); the speed-up floors
are checked on ratios from fake results. The real ``--quick --check`` run (2000^2, about a
minute) runs only in CI (the ``CI`` environment variable is set by GitHub Actions, GitLab CI and
most others), because on a developer laptop other work skews the ratios.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def harness():
    """``benchmarks/run.py`` and ``common.py`` imported with every case module registered."""
    sys.path.insert(0, str(BENCH))
    try:
        run = importlib.import_module("run")
        common = importlib.import_module("common")
        for mod in run.MODULES:
            importlib.import_module(mod)
        yield run, common
    finally:
        sys.path.remove(str(BENCH))


def _bench(args: list[str], tmp_path: Path, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / "run.py"), *args, "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=timeout, cwd=BENCH.parent,
    )


def test_every_case_runs_and_writes_json_and_markdown(harness, tmp_path):
    run, common = harness
    registered = set(common.CASES)
    assert {"cooling_model", "gi_star", "risk_product"} <= registered  # the first cases of the suite
    proc = _bench(["--quick", "--sizes", "64", "--repeat", "1", "--budget", "0"], tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads((tmp_path / "quick.json").read_text())
    errors = [r for r in rows if "error" in r]
    assert not errors, errors
    assert {r["case"] for r in rows} == registered
    for r in rows:
        assert r["n"] == 64 and r["pixels"] == 64 * 64
        assert r["wall_s"] > 0 and r["first_call_s"] > 0 and r["peak_mib"] >= 0
        # every case compares its subject against at least one reference measured in the same run
        assert r["speedup_of_subject"] == pytest.approx(r["wall_s"] / _subject_row(rows, r)["wall_s"])
    assert all(sum(1 for r in rows if r["case"] == c) >= 2 for c in registered)
    table = (tmp_path / "quick.md").read_text().splitlines()
    assert table[0].startswith("| case | n | implementation |")
    assert len(table) == 2 + len(rows)


def _subject_row(rows, row):
    return next(r for r in rows if r["case"] == row["case"] and r["n"] == row["n"] and r["impl"] == row["subject"])


def _row(case, impl, ratio, n=2000):
    return {"case": case, "n": n, "impl": impl, "subject": "numba", "speedup_of_subject": ratio}


def test_check_floors_flags_ratios_below_floor(harness):
    run, _ = harness
    floors = {"gi_star/numpy": 1.5, "risk_product/numpy": 2.0}
    rows = [
        _row("gi_star", "numba", 1.0),  # the subject itself has no floor
        _row("gi_star", "numpy", 1.49),  # below 1.5: fails
        _row("risk_product", "numpy", 2.0),  # exactly at the floor: passes
        _row("zonal_stats", "numpy", 0.1),  # no floor for this pair: ignored
    ]
    failures = run.check_floors(rows, floors)
    assert len(failures) == 1
    assert failures[0].startswith("gi_star/numpy at n=2000") and "1.49x < floor 1.5x" in failures[0]
    assert run.check_floors([_row("gi_star", "numpy", 3.0)], floors) == []


def test_check_floors_counts_a_crashed_reference_as_failure(harness):
    run, _ = harness
    rows = [{"case": "gi_star", "n": 2000, "impl": "numpy", "error": "MemoryError: "}]
    (failure,) = run.check_floors(rows, {"gi_star/numpy": 1.5})
    assert "no speed-up measured" in failure and "MemoryError" in failure


def test_floor_retries_pass_noise_and_fail_regressions(harness, monkeypatch):
    run, _ = harness
    floors = {"gi_star/numpy": 1.5}
    calls = []

    def fake_run(names, sizes, repeat, ratios):
        calls.append(names)
        return [_row(names[0], "numpy", ratios[len(calls) - 1], sizes[0])]

    # noise: the first re-measurement is back above the floor
    monkeypatch.setattr(run, "run", lambda names, sizes, repeat: fake_run(names, sizes, repeat, [1.8, 1.8]))
    assert run.check_with_retries([_row("gi_star", "numpy", 1.2)], repeat=1, retries=2, floors=floors) == []
    assert len(calls) == 1
    # a regression fails every attempt
    calls.clear()
    monkeypatch.setattr(run, "run", lambda names, sizes, repeat: fake_run(names, sizes, repeat, [1.1, 1.0]))
    failures = run.check_with_retries([_row("gi_star", "numpy", 1.2)], repeat=1, retries=2, floors=floors)
    assert len(calls) == 2 and len(failures) == 1 and "gi_star/numpy" in failures[0]


def test_floors_file_names_registered_pairs(harness):
    """Every floor refers to a registered case (a renamed case must not silently lose its floor)."""
    run, common = harness
    data_cases = importlib.import_module("bench_zonal").DATA_CASES  # registered only when their file exists
    floors = run.load_floors()
    assert floors
    absent = []
    for key, value in floors.items():
        case, impl = key.split("/")
        assert value > 0
        if case in data_cases and not data_cases[case].exists():
            absent.append(f"{key} ({data_cases[case].name})")
            continue
        assert case in common.CASES, key
    if absent:
        pytest.skip(f"shared data absent, floors not checked: {', '.join(absent)}")


def test_measure_reports_peak_memory_of_the_call(harness):
    _, common = harness

    def allocate():
        a = np.ones(25 * 2**20 // 8 * 4)  # 100 MiB of float64, touched
        return float(a[::4096].sum())

    result = common.measure(allocate, repeat=1)
    # the allocation is the call's whole footprint: between the array and twice the array
    assert 90 <= result["peak_mib"] <= 200
    assert set(result) >= {"wall_s", "best_s", "first_call_s", "peak_mib"}
    assert result["best_s"] <= result["wall_s"]


@pytest.mark.skipif(not os.environ.get("CI"), reason="speed-up floors are checked in CI only (set CI=1 to run); ratios on a busy laptop are noise")
def test_quick_benchmarks_meet_floors(tmp_path):
    proc = _bench(["--quick", "--check", "--repeat", "3"], tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
