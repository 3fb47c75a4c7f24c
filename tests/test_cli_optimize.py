"""``uhi optimize`` through typer's CliRunner on a small synthetic scene."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from uhi.cli.optimize import optimize
from uhi.optimize import OUTPUT_FILES

APP = typer.Typer()
APP.command()(optimize)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(64, 64), out=tmp_path_factory.mktemp("scene"))


@pytest.fixture(autouse=True)
def _no_health_env(monkeypatch):
    monkeypatch.delenv("UHI_HEALTH_DATA", raising=False)


def _invoke(*args):
    return CliRunner().invoke(APP, [str(a) for a in args])


def test_optimize_writes_ranked_sites(scene, tmp_path):
    out = tmp_path / "plan"
    r = _invoke(scene, "--budget", 400000, "--interventions", "street_trees,cool_roof", "--site-size", 150, "--out", out)
    assert r.exit_code == 0, r.output
    assert "person·K" in r.output and "wrote 6 files" in r.output
    assert "SYNTHETIC" in r.output and "literature cooling" in r.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    sites = gpd.read_file(out / "optimized_sites.gpkg")
    assert len(sites) >= 1 and set(sites["intervention"]) <= {"street_trees", "cool_roof"}
    assert sites["cumulative_cost_eur"].iloc[-1] <= 400000
    # sites are connected patches of at most 150 m x 150 m = 5 x 5 pixels of 30 m (uhi.optimize._sites)
    assert sites.geometry.area.max() <= 150.0 * 150.0 + 1e-6
    csv = pd.read_csv(out / "optimized_sites.csv")
    assert list(csv["rank"]) == list(sites["rank"])
    summary = json.loads((out / "optimization_summary.json").read_text())
    # no health data given (UHI_HEALTH_DATA unset by the fixture): the stated fallback objective, and the synthetic stamp
    assert summary["objective"] == "person_k" and summary["cooling_model"] == "literature"
    assert summary["synthetic"] is True and "SYNTHETIC SCENE" in summary["synthetic_note"]
    import rasterio

    with rasterio.open(out / "delta_t_air.tif") as src:  # the GeoTIFF says so too, and names the model and objective
        tags = src.tags()
    assert "SYNTHETIC SCENE" in tags["synthetic"] and tags["cooling_model"] == "literature" and tags["objective"] == "person_k"

    # a second run refuses to replace the outputs before doing any work (the library's write is tested
    # with overwrite=True in tests/test_optimize.py)
    again = _invoke(scene, "--budget", 400000, "--out", out)
    assert again.exit_code == 1 and "--overwrite" in again.output


def test_defaults_to_the_city_synthetic_scene(scene, tmp_path, monkeypatch):
    import uhi.synthetic

    calls = []

    def fake_default_scene(city):
        calls.append(city)
        return scene

    monkeypatch.setattr(uhi.synthetic, "default_scene", fake_default_scene)
    r = _invoke("--city", "Sofia", "--budget", 10, "--out", tmp_path / "empty")
    assert r.exit_code == 0, r.output
    assert calls == ["Sofia"]
    assert "no measure fits a budget of 10 EUR" in r.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--interventions", "street_trees,jetpack"], "unknown intervention key"),
        (["--interventions", " , "], "names no measure"),
        (["--budget", "-5"], "--budget must be >= 0"),
        (["--method", "annealing"], "method must be one of"),
        (["--cooling-model", "ucm"], "cooling model must be one of"),
        (["--objective", "happiness"], "objective must be one of"),
        (["--objective", "deaths_avoided"], "needs exposure-response curves"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(scene, tmp_path, args, message):
    r = _invoke(scene, *args, "--out", tmp_path / "bad")
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output


def test_sofia_health_objective_and_invest_model(scene, shared_data, tmp_path):
    # With the shared Masselot et al. 2023 curves (../shared/data/health) the default objective is heat deaths avoided;
    # --cooling-model invest runs the InVEST Urban Cooling Model path. Expected: a plan within the budget whose site
    # rows add up to the plan totals (the row outcomes are marginal differences of the plan with and without them).
    out = tmp_path / "deaths"
    r = _invoke(scene, "--budget", 300000, "--interventions", "street_trees,cool_roof", "--health-data",
                shared_data / "health", "--max-candidates", 20, "--out", out)
    assert r.exit_code == 0, r.output
    assert "heat deaths avoided per summer" in r.output
    summary = json.loads((out / "optimization_summary.json").read_text())
    assert summary["objective"] == "deaths_avoided" and "Sofia (BG001C)" in summary["health_curve"]
    sites = gpd.read_file(out / "optimized_sites.gpkg")
    assert summary["deaths_avoided_low"] <= summary["deaths_avoided_central"] <= summary["deaths_avoided_high"]
    assert sites["deaths_avoided_central"].sum() == pytest.approx(summary["deaths_avoided_central"], rel=1e-6)
    assert sites["person_degree_hours_reduced"].sum() == pytest.approx(summary["person_degree_hours_reduced"], rel=1e-6)
    assert summary["annualised_cost_eur_per_year"] == pytest.approx(sites["annualised_cost_eur_per_year"].sum())
    r = _invoke(scene, "--budget", 300000, "--interventions", "cool_roof", "--cooling-model", "invest", "--max-candidates", 3,
                "--objective", "person_degree_hours", "--health-data", shared_data / "health", "--out", tmp_path / "invest")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "invest" / "optimization_summary.json").read_text())
    assert summary["cooling_model"] == "invest" and summary["objective"] == "person_degree_hours"
