"""``uhi optimize`` through typer's CliRunner on a small synthetic scene."""

from __future__ import annotations

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


def _invoke(*args):
    return CliRunner().invoke(APP, [str(a) for a in args])


def test_optimize_writes_ranked_sites(scene, tmp_path):
    out = tmp_path / "plan"
    r = _invoke(scene, "--budget", 400000, "--interventions", "street_trees,cool_roof", "--site-size", 150, "--out", out)
    assert r.exit_code == 0, r.output
    assert "person·K" in r.output and "wrote 6 files" in r.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    sites = gpd.read_file(out / "optimized_sites.gpkg")
    assert len(sites) >= 1 and set(sites["intervention"]) <= {"street_trees", "cool_roof"}
    assert sites["cumulative_cost_eur"].iloc[-1] <= 400000
    # 150 m blocks on the 30 m grid: 5 x 5 pixels = 22,500 m2 (the frame edge may cut a block)
    assert sites.geometry.area.max() == pytest.approx(150.0 * 150.0)
    csv = pd.read_csv(out / "optimized_sites.csv")
    assert list(csv["rank"]) == list(sites["rank"])

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
    ],
)
def test_bad_input_is_one_line_and_exit_1(scene, tmp_path, args, message):
    r = _invoke(scene, *args, "--out", tmp_path / "bad")
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output
