"""Scenario engine on a small synthetic city: bounds, placement, hyper-local radius, risk, accounting, compare."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from uhi.errors import ScenarioError
from uhi.scenarios import Scenario, comparison_table, risk_after, run_all

TREES = """
[[intervention]]
type = "street_trees"
amount = 2000
districts = ["North-West"]
"""
MISTING = """
[[intervention]]
type = "misting"
amount = 5
top_risk = { share = 0.05 }
"""


@pytest.fixture(scope="module")
def baseline(city, write_scenario):
    s = Scenario.from_toml(write_scenario(city, TREES, "trees.toml"))
    return s.prepare_baseline()


@pytest.fixture(scope="module")
def trees(city, baseline):
    return Scenario.from_toml(city / "trees.toml").run(baseline=baseline)


def test_invest_cooling_model_stays_bounded_by_uhi_max(city, baseline, write_scenario):
    # [baseline] cooling_model = "invest": T_air in [T_ref, T_ref + UHI_max] (InVEST UCM user guide) -> cooling <= UHI_max
    s = Scenario.from_toml(write_scenario(city, TREES, "trees_invest.toml"))
    spec = s.spec.model_copy(update={"baseline": s.spec.baseline.model_copy(update={"cooling_model": "invest"})})
    r = Scenario(spec).run()
    d = r.maps["delta_t_air_model"].values
    assert np.nanmin(d) >= -4.0 and np.nanmax(d) <= 1e-5
    assert np.nanmin(r.maps["t_air_scenario"].values) >= 22.0 - 1e-4
    assert r.totals["cooling_model"] == "invest"
    np.testing.assert_array_equal(r.maps["delta_t_air_low"].values, r.maps["delta_t_air"].values)  # no range for InVEST


def test_cooling_concentrated_where_placed(trees, city_grid):
    CELL = city_grid.CELL
    maps, t = trees.maps, trees.table.set_index("district")
    assert trees.totals["cooling_model"] == "literature"  # the default scenario cooling configuration
    d = maps["delta_t_air_model"].values
    assert np.nanmax(d) <= 1e-5  # trees never warm (float32 FFT round-off only)
    lo, hi = maps["delta_t_air_low"].values, maps["delta_t_air_high"].values
    assert np.nanmax(d - lo) <= 1e-6 and np.nanmax(hi - d) <= 1e-6  # the effect-size range brackets the central value
    # trees planted only in the North-West quarter: it cools most; the far South-East least
    assert t.loc["North-West", "mean_delta_t_air"] < t.loc["North-East", "mean_delta_t_air"] < 0
    assert t.loc["North-West", "mean_delta_t_air"] < t.loc["South-East", "mean_delta_t_air"]
    # surface change only where trees stand (ΔLST is local to the treated share)
    assert t.loc["North-West", "mean_delta_lst"] < 0
    assert t.loc["South-East", "mean_delta_lst"] == 0.0
    # 2000 trees x 50 m2 crown = 100,000 m2 treated (catalogue footprint, hand)
    assert trees.totals["treated_area_m2"] == pytest.approx(100_000.0)
    assert maps["treated_fraction"].sum().item() * CELL**2 == pytest.approx(100_000.0, rel=1e-5)


def test_risk_classes_only_improve_and_accounting_adds_up(trees):
    t, tot, maps = trees.table, trees.totals, trees.maps
    assert (t["pixels_risk_class_higher"] == 0).all()  # cooling never raises a class (breaks held fixed)
    assert (t["residents_protected"] <= t["residents_high_risk_before"] + 1e-6).all()
    assert tot["people_protected"] == pytest.approx(t["residents_protected"].sum())
    assert tot["degc_person_reduced"] == pytest.approx(t["degc_person_reduced"].sum(), rel=1e-9)
    # °C·person = Σ residents x cooling (hand, from the maps)
    pop, d = maps["population"].values.astype(float), np.nan_to_num(maps["delta_t_air"].values.astype(float))
    assert tot["degc_person_reduced"] == pytest.approx(-(pop * d).sum(), rel=1e-9)
    # cost arithmetic: 2000 trees x EUR 2,000 (Lisbon [thred-lisbon-trees]) = EUR 4 M; ratios by hand
    assert tot["cost_eur"] == 4_000_000.0
    assert tot["cost_per_degc_person"] == pytest.approx(4e6 / tot["degc_person_reduced"])
    if tot["people_protected"] > 0:
        assert tot["eur_per_resident_protected"] == pytest.approx(4e6 / tot["people_protected"])
    # 40-year lifetime + EUR 42 per tree and year of maintenance (catalogue, Soares et al. 2011)
    assert tot["annualised_cost_eur_per_year"] == pytest.approx(4e6 / 40.0 + 2000 * 42.0)
    assert tot["lead_category"] == "green"


def test_risk_after_without_change_reproduces_baseline(baseline):
    risk, cls = risk_after(baseline.risk, baseline.lst)
    np.testing.assert_allclose(risk.values, baseline.risk["risk"].values, atol=1e-6)
    np.testing.assert_array_equal(cls.values, baseline.risk["risk_class"].values)


def test_zero_coverage_changes_nothing(city, baseline, write_scenario):
    s = Scenario.from_toml(write_scenario(city, '\n[[intervention]]\ntype = "cool_roof"\ncoverage = 0.0\ntop_risk = { share = 0.1 }\n', "zero.toml"))
    r = s.run(baseline=baseline)
    assert np.nanmax(np.abs(r.maps["delta_t_air"].values)) == 0.0
    assert np.nanmax(np.abs(r.maps["delta_lst"].values)) == 0.0
    assert r.totals["cost_eur"] == 0.0 and r.totals["people_protected"] == 0.0
    assert r.totals["cost_per_degc_person"] is None  # undefined, not infinite


def test_misting_cools_only_its_own_pixels(city, baseline, write_scenario):
    r = Scenario.from_toml(write_scenario(city, MISTING, "mist.toml")).run(baseline=baseline)
    d = r.maps["delta_t_air"].values
    # 5 devices, one per highest-risk pixel; a 10 m disc inside a 30 m pixel: -2.42 x pi 10^2 / 30^2 each (hand)
    assert np.count_nonzero(np.nan_to_num(d)) == 5
    np.testing.assert_allclose(d[np.nan_to_num(d) != 0], -2.42 * math.pi * 100 / 900, rtol=1e-4)
    assert np.nanmax(np.abs(r.maps["delta_t_air_model"].values)) == 0.0  # never through the district-scale model
    assert r.totals["cost_eur"] == 5 * 15_000.0  # catalogue default EUR 15,000 per device
    assert r.totals["cost_includes_defaults"] is True
    assert any(c["check"] == "hyper-local misting" for c in r.checks)


def test_polygons_location_and_relative_paths(city, baseline, tmp_path, monkeypatch, city_grid, write_scenario):
    # a 600 m square in the core, written next to the scenario and referred to by a relative path
    N, CELL, X0, Y0, CRS = city_grid.N, city_grid.CELL, city_grid.X0, city_grid.Y0, city_grid.CRS
    xm, ym = X0 + N * CELL / 2, Y0 - N * CELL / 2
    gpd.GeoDataFrame(geometry=[box(xm - 300, ym - 300, xm + 300, ym + 300)], crs=CRS).to_file(city / "block.geojson")
    p = write_scenario(city, '\n[[intervention]]\ntype = "cool_pavement"\ncoverage = 1.0\npolygons = "block.geojson"\n', "poly.toml")
    monkeypatch.chdir(tmp_path)  # resolution must not depend on the working directory
    r = Scenario.from_toml(p).run(baseline=baseline)
    lst = r.maps["delta_lst"].values
    inside = np.zeros((N, N), bool)
    inside[N // 2 - 10 : N // 2 + 10, N // 2 - 10 : N // 2 + 10] = True
    assert np.all(lst[~inside] == 0.0) and lst[inside].min() < 0
    # full coverage of the street share: roads (0.90 street share) get -10 K x 0.90 (catalogue, hand)
    assert lst[N // 2, N // 2] == pytest.approx(-10.0 * 0.90, rel=1e-5)


def test_placement_errors_are_scenario_errors(city, baseline, write_scenario):
    too_many = write_scenario(city, '\n[[intervention]]\ntype = "green_roof"\namount = 1e9\ntop_risk = { share = 0.01 }\n', "big.toml")
    with pytest.raises(ScenarioError, match=r"need .* m2 but only .* of roof area"):
        Scenario.from_toml(too_many).run(baseline=baseline)
    nowhere = write_scenario(city, '\n[[intervention]]\ntype = "street_trees"\namount = 1\ndistricts = ["Atlantis"]\n', "nowhere.toml")
    with pytest.raises(ScenarioError, match=r"'Atlantis' is not in the districts layer; it has \['North-West'"):
        Scenario.from_toml(nowhere).run(baseline=baseline)
    half = write_scenario(city, '\n[[intervention]]\ntype = "misting"\namount = 2.5\ntop_risk = { share = 0.01 }\n', "half.toml")
    with pytest.raises(ScenarioError, match="whole number"):
        Scenario.from_toml(half).run(baseline=baseline)


def test_variants_and_compare_rank_by_cost_per_degc_person(city, baseline, write_scenario):
    body = """
[[variant]]
name = "trees"
[[variant.intervention]]
type = "street_trees"
amount = 500
top_risk = { share = 0.05 }

[[variant]]
name = "dear trees"
[variant.catalogue.street_trees]
unit_cost_eur = 8000
[[variant.intervention]]
type = "street_trees"
amount = 500
top_risk = { share = 0.05 }
"""
    p = write_scenario(city, body, "variants.toml")
    with pytest.raises(ScenarioError, match="2 variants"):
        Scenario.from_toml(p)
    scenarios = Scenario.load_all(p)
    assert [s.variant for s in scenarios] == ["trees", "dear trees"]
    results = [s.run(baseline=baseline) for s in scenarios]
    df = comparison_table(results[::-1])
    # same cooling, 4x the unit price (8000 vs 2000) -> 4x the cost per °C·person, ranked second
    assert list(df["scenario"]) == ["variants / trees", "variants / dear trees"]  # name = file stem / variant
    assert df["cost_per_degc_person"].iloc[1] == pytest.approx(4 * df["cost_per_degc_person"].iloc[0], rel=1e-9)
    assert list(df["rank"]) == [1, 2]


def test_run_all_shares_one_baseline(city, monkeypatch, write_scenario):
    import uhi.scenarios.scenario as mod

    calls = []
    real = mod.prepare_baseline

    def counting(spec, **kw):
        calls.append(spec.name)
        return real(spec, **kw)

    monkeypatch.setattr(mod, "prepare_baseline", counting)
    results = run_all([write_scenario(city, TREES, "trees.toml"), write_scenario(city, MISTING, "mist.toml")])
    assert len(results) == 2 and len(calls) == 1  # identical inputs -> one baseline analysis


def test_default_scene_analysis_is_shared_only_when_it_is_the_baseline(tmp_path, monkeypatch):
    """uhi demo hands its analysis of a pilot city's default scene to the scenarios: used only for scenarios whose
    baseline input is exactly that scene (no layer override, default LST settings), never for others."""
    import uhi.scenarios.scenario as mod
    from uhi.scenarios.scenario import default_scene_city

    def spec(text):
        p = tmp_path / "s.toml"
        p.write_text(text + '\n[[intervention]]\ntype = "cool_roof"\ncoverage = 0.1\ntop_risk = { share = 0.05 }\n')
        return Scenario.from_toml(p).spec

    assert default_scene_city(spec('city = "Nis"\n[baseline]\nt_ref = 25.0')) == "Niš"
    assert default_scene_city(spec('city = "Sofia"\nshape = [96, 96]')) is None
    assert default_scene_city(spec('city = "Sofia"\n[baseline]\nlst_method = "simple"')) is None
    assert default_scene_city(spec('city = "Sofia"\npopulation = "p.tif"')) is None
    # run_all passes the shared analysis to prepare_baseline for the matching city only
    seen = []
    monkeypatch.setattr(mod.Scenario, "prepare_baseline", lambda self, progress=None, *, analysis=None: seen.append(analysis) or "b")
    monkeypatch.setattr(mod.Scenario, "run", lambda self, progress=None, *, baseline=None, analysis=None: baseline)
    sofia = Scenario.from_dict({"city": "Sofia", "intervention": [{"type": "cool_roof", "coverage": 0.1, "top_risk": 0.05}]})
    nis = Scenario.from_dict({"city": "Niš", "intervention": [{"type": "cool_roof", "coverage": 0.1, "top_risk": 0.05}]})
    assert run_all([sofia, nis], city_analyses={"Sofia": "sofia-analysis"}) == ["b", "b"]
    assert seen == ["sofia-analysis", None]


def test_risk_classes_are_fitted_on_residents():
    import xarray as xr

    from uhi.scenarios.baseline import classes_on_residents

    # product risk: unpopulated pixels have risk 0; on all pixels the quantile breaks would all be 0
    risk = np.array([[0, 0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    pop = np.array([[0, 0, 0, 0, 0, 0, 5, 5, 5, 5]], dtype=np.float32)
    ds = xr.Dataset({"risk": (("y", "x"), risk), "risk_class": (("y", "x"), np.ones_like(risk, dtype=np.uint8))},
                    attrs={"scheme": "quantile"})
    out = classes_on_residents(ds, xr.DataArray(pop, dims=("y", "x")))
    # np.quantile([.1, .2, .3, .4], [.2, .4, .6, .8]) = .16, .22, .28, .34 (linear interpolation, by hand)
    np.testing.assert_allclose(out["risk_class"].attrs["class_breaks"], [0.16, 0.22, 0.28, 0.34], rtol=1e-6)
    assert out["risk_class"].values.tolist() == [[1, 1, 1, 1, 1, 1, 1, 2, 4, 5]]
    np.testing.assert_array_equal(out["risk"].values, risk)  # risk values untouched
    with pytest.raises(ScenarioError, match="no resident"):
        classes_on_residents(ds, xr.DataArray(pop * 0, dims=("y", "x")))


def test_residents_protected_stays_a_consistent_secondary_column(trees):
    # "residents leaving the top risk classes" is secondary (issue 10): it must still add up
    assert trees.totals["people_protected"] >= 0
    assert trees.totals["residents_high_risk_after"] == pytest.approx(
        trees.totals["residents_high_risk_before"] - trees.totals["people_protected"], rel=1e-9)


def test_more_trees_never_warm_and_cool_more(city, baseline, write_scenario):
    # monotonicity: the same location with twice the trees cools at least as much everywhere (UCM is monotone in
    # shade and kc with the "max" edits; more vegetation warmed in
    # peer models: github.com/ladybug-tools/uwg issue #107, github.com/UMEP-dev/UMEP issue #72)
    runs = []
    for n in (400, 800):
        body = f'\n[[intervention]]\ntype = "street_trees"\namount = {n}\ndistricts = ["South-West"]\n'
        runs.append(Scenario.from_toml(write_scenario(city, body, f"t{n}.toml")).run(baseline=baseline))
    d400, d800 = (np.nan_to_num(r.maps["delta_t_air"].values) for r in runs)
    assert d400.max() <= 1e-6 and np.all(d800 <= d400 + 1e-6)
    assert runs[1].totals["degc_person_reduced"] > runs[0].totals["degc_person_reduced"]


def test_lst_layer_units_come_from_its_tag(city, tmp_path, write_scenario):
    """An LST layer written in degC with a units tag (as `uhi lst --celsius` writes it) gives the same baseline
    LST as the kelvin layer: expected LST_K = LST_degC + 273.15 (exact up to float32 rounding)."""
    import shutil

    import rioxarray

    from uhi.scenarios.baseline import baseline_analysis

    folder = tmp_path / "c"
    shutil.copytree(city, folder)
    lst = rioxarray.open_rasterio(folder / "lst.tif", masked=True).squeeze("band", drop=True)
    (lst - 273.15).rio.to_raster(folder / "lst.tif", tags={"units": "degC"})
    body = '\n[[intervention]]\ntype = "cool_roof"\ncoverage = 0.0\ntop_risk = { share = 0.1 }\n'
    a = baseline_analysis(Scenario.from_toml(write_scenario(city, body, name="kelvin.toml")).spec)
    b = baseline_analysis(Scenario.from_toml(write_scenario(folder, body)).spec)
    assert float(b.lst.mean()) > 250  # converted, not refused or read as kelvin
    np.testing.assert_allclose(b.lst.values, a.lst.values, atol=1e-4)
