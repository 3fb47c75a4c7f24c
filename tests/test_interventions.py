"""Intervention catalogue, parameter edits, placement shares, hyper-local cooling, costs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi.cooling import urban_cooling
from uhi.errors import InputValueError, ScenarioError
from uhi.interventions import (
    apply_intervention,
    catalogue_table,
    cost_eur,
    footprint_kernel,
    load_catalogue,
    local_air_cooling,
    placement_fraction,
    placement_shares,
    surface_cooling,
    toml_key_line,
)

KEYS = {"street_trees": "green", "pocket_park": "green", "green_roof": "green", "green_wall": "green",
        "cool_roof": "white", "cool_pavement": "white",
        "water_body": "blue", "fountain": "blue", "misting": "blue", "permeable_paving": "blue"}
PARAMS = ("shade", "albedo", "kc", "green_area", "building_intensity")


def grid(values: dict, shape=(40, 40), cell=30.0) -> xr.Dataset:
    """Uniform parameter Dataset on a projected grid."""
    y = 4_800_000 - cell * (np.arange(shape[0]) + 0.5)
    x = 500_000 + cell * (np.arange(shape[1]) + 0.5)
    ds = xr.Dataset({k: (("y", "x"), np.full(shape, v, np.float32)) for k, v in values.items()}, coords={"y": y, "x": x})
    return ds.rio.write_crs("EPSG:32634")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_catalogue_has_every_measure_with_sources(catalogue):
    # issue 5 lists these ten measures in three categories
    assert {k: v.category for k, v in catalogue.items()} == KEYS
    for it in catalogue.values():
        assert it.cost_source and it.lst_source and it.sources, it.key
        assert it.unit in ("tree", "m2", "device") and it.footprint_m2 > 0 and it.lifetime_years > 0
        assert it.lst_change_k <= 0
    # hyper-local measures (green walls [jccr-vgs; living-walls-review], fountains [urban-green-blue-grids],
    # misting [buildings2024-misting]) never enter the cooling model
    local = {k for k, v in catalogue.items() if v.is_local}
    assert local == {"green_wall", "fountain", "misting"}
    assert all(not catalogue[k].parameter_changes and catalogue[k].local_radius_m > 0 for k in local)
    # published costs exist only for trees [thred-lisbon-trees], green roofs [ecomii-green-roof] and cool roofs [gcca];
    # the rest are flagged defaults
    assert {k for k, v in catalogue.items() if not v.cost_is_default} == {"street_trees", "green_roof", "cool_roof"}
    # figures straight from the sources: EUR 2,000 per Lisbon tree [thred-lisbon-trees]; misting -2.42 degC mean
    # (Buildings 2024, 14(2):336, doi:10.3390/buildings14020336 [buildings2024-misting])
    assert catalogue["street_trees"].unit_cost_eur == 2000.0
    assert catalogue["misting"].local_air_cooling_k == 2.42
    assert len(catalogue_table(catalogue)) == 10


def test_user_overrides_and_additions(catalogue, tmp_path):
    cat = load_catalogue(extra={"street_trees": {"unit_cost_eur": 1200.0}})
    assert cat["street_trees"].unit_cost_eur == 1200.0
    assert cat["street_trees"].parameter_changes == catalogue["street_trees"].parameter_changes
    new = {"name": "Shade sail", "category": "white", "unit": "m2", "footprint_m2": 1.0, "unit_cost_eur": 40.0, "cost_source": "local quote",
               "cost_is_default": False, "lifetime_years": 10.0, "placement": ["street"], "scale": "neighbourhood", "local_radius_m": 0.0,
               "local_air_cooling_k": 0.0, "lst_change_k": -5.0, "parameter_changes": {"shade": ["max", 0.8]}}
    assert load_catalogue(extra={"shade_sail": new})["shade_sail"].parameter_changes == {"shade": ("max", 0.8)}
    with pytest.raises(ScenarioError, match=r"intervention\.shade_sail\.category"):
        load_catalogue(extra={"shade_sail": {**new, "category": "purple"}})
    with pytest.raises(ScenarioError, match=r"intervention\.shade_sail\.parameter_changes.*unknown cooling-model parameter"):
        load_catalogue(extra={"shade_sail": {**new, "parameter_changes": {"leafiness": ["set", 1.0]}}})
    with pytest.raises(ScenarioError, match=r"intervention\.street_trees\.name.*missing|intervention\.new\.name"):
        load_catalogue(extra={"new": {"unit_cost_eur": 1.0}})


def test_override_file_error_names_key_and_line(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text("[intervention.cool_roof]\n# local price\nunit_cost_eur = -3\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"mine\.toml, line 3: key 'intervention\.cool_roof\.unit_cost_eur'"):
        load_catalogue(extra=p)
    p.write_text("[intervention.cool_roof\nunit_cost_eur = 3\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"mine\.toml: TOML syntax error.*line 1"):
        load_catalogue(extra=p)


def test_toml_key_line_counts_arrays_of_tables():
    text = "a = 1\n[[intervention]]\ntype = 'x'\n\n[[intervention]]\ntype = 'y'\namount = 3\n[baseline]\nt_ref = 2\n"
    # hand-counted line numbers of the text above
    assert toml_key_line(text, ("intervention", 1, "amount")) == 7
    assert toml_key_line(text, ("intervention", 0, "type")) == 3
    assert toml_key_line(text, ("intervention", 1, "coverage")) == 5  # missing key -> its table header
    assert toml_key_line(text, ("baseline", "t_ref")) == 9
    assert toml_key_line(text, ("nothing",)) is None


def test_apply_intervention_closed_forms(catalogue):
    base = grid({"shade": 0.2, "albedo": 0.1, "kc": 0.3, "green_area": 0.0, "building_intensity": 0.6}, shape=(1, 3))
    f = xr.DataArray(np.array([[0.0, 0.5, 1.0]]), dims=("y", "x"), coords={"y": base.y, "x": base.x})
    trees = apply_intervention(base, catalogue["street_trees"], f)
    # coverage 0 -> unchanged; full -> target (shade max 1.0, kc max 1.0); half -> midpoint (p + 0.5 (t - p))
    np.testing.assert_allclose(trees["shade"].values, [[0.2, 0.6, 1.0]], rtol=1e-6)
    np.testing.assert_allclose(trees["kc"].values, [[0.3, 0.65, 1.0]], rtol=1e-6)
    np.testing.assert_array_equal(trees["albedo"].values, base["albedo"].values)  # not touched
    park = apply_intervention(base, catalogue["pocket_park"], f)
    np.testing.assert_allclose(park["building_intensity"].values, [[0.6, 0.3, 0.0]], rtol=1e-6)  # set 0
    np.testing.assert_allclose(park["green_area"].values, [[0.0, 0.5, 1.0]], rtol=1e-6)  # set 1
    # "max" never lowers a parameter that is already above the target: kc 0.3 vs green roof target 0.6 ...
    high = grid({"shade": 0.2, "albedo": 0.9, "kc": 0.3, "green_area": 0.0, "building_intensity": 0.6}, shape=(1, 3))
    roof = apply_intervention(high, catalogue["cool_roof"], f)  # ... and albedo 0.9 > cool-roof 0.6 stays 0.9
    np.testing.assert_allclose(roof["albedo"].values, 0.9, rtol=1e-6)
    with pytest.raises(InputValueError, match="hyper-local"):
        apply_intervention(base, catalogue["misting"], f)
    with pytest.raises(InputValueError, match=r"within \[0, 1\]"):
        apply_intervention(base, catalogue["street_trees"], f * 2)


def test_raising_albedo_everywhere_matches_ucm_closed_form():
    # InVEST UCM [invest-ucm]: CC = 0.6 shade + 0.2 albedo + 0.2 ETI, T_nomix = T_ref + (1 - HM) UHI_max, HM = CC with no green
    # area; +d_alpha everywhere -> dCC = 0.2 d_alpha and dT_nomix = -UHI_max 0.2 d_alpha (and T_air, a normalised mean, too).
    d_alpha, uhi_max = 0.25, 4.0
    up = {"name": "paint", "category": "white", "unit": "m2", "footprint_m2": 1.0, "unit_cost_eur": 1.0, "cost_source": "test",
              "cost_is_default": True, "lifetime_years": 1.0, "placement": ["roof"], "scale": "neighbourhood", "local_radius_m": 0.0,
              "local_air_cooling_k": 0.0, "lst_change_k": 0.0, "parameter_changes": {"albedo": ["add", d_alpha]}}
    paint = load_catalogue(extra={"paint": up})["paint"]
    p0 = grid({"shade": 0.1, "albedo": 0.15, "kc": 0.4, "green_area": 0.0, "building_intensity": 0.5})
    p1 = apply_intervention(p0, paint, 1.0)
    kw = {"ref_et": 5.0, "t_ref": 25.0, "uhi_max": uhi_max}
    c0, c1 = urban_cooling(p0, **kw), urban_cooling(p1, **kw)
    np.testing.assert_allclose((c1["cc"] - c0["cc"]).values, 0.2 * d_alpha, atol=1e-6)
    np.testing.assert_allclose((c1["t_air_nomix"] - c0["t_air_nomix"]).values, -uhi_max * 0.2 * d_alpha, atol=1e-5)
    np.testing.assert_allclose((c1["t_air"] - c0["t_air"]).values, -uhi_max * 0.2 * d_alpha, atol=1e-5)


def test_placement_fraction_reads_the_share_table():
    shares = placement_shares()
    lc = grid({"lc": 0.0}, shape=(1, 4))["lc"].copy(data=np.array([[1, 5, 6, 10]], np.float32))
    street = placement_fraction(lc, "street")
    # data/interventions.toml [placement_shares]: street 0.30 (core), 0.90 (roads), 0.05 (park), 0 (water)
    np.testing.assert_allclose(street.values, [[0.30, 0.90, 0.05, 0.0]], rtol=1e-6)
    both = placement_fraction(lc, ("street", "open_space"))
    np.testing.assert_allclose(both.values, [[0.35, 0.95, 0.95, 0.0]], rtol=1e-6)
    assert list(shares.columns) == ["roof", "street", "open_space", "water"]
    with pytest.raises(InputValueError, match=r"\[42\]"):
        placement_fraction(lc.copy(data=np.array([[1, 42, 6, 10]], np.float32)), "roof")
    with pytest.raises(InputValueError, match="placement"):
        placement_fraction(lc, "balcony")


def test_surface_cooling_and_cost(catalogue):
    f = xr.DataArray(np.array([[0.0, 0.5, 1.0]]), dims=("y", "x"))
    # -6.25 K at full canopy: 1 degC per 16 % canopy (Marando et al. 2022, doi:10.1016/j.scs.2021.103564 [marando2022])
    np.testing.assert_allclose(surface_cooling(catalogue["street_trees"], f).values, [[0.0, -3.125, -6.25]])
    assert float(surface_cooling(catalogue["misting"], f).max()) == 0.0
    assert cost_eur(catalogue["street_trees"], 400) == 800_000.0  # 400 x EUR 2,000 (hand)
    assert catalogue["cool_roof"].annual_cost_eur(1500) == pytest.approx(1500 * 8.0 / 15.0)
    with pytest.raises(InputValueError):
        cost_eur(catalogue["misting"], -1)


def test_local_air_cooling_stays_within_its_radius(catalogue):
    mist = load_catalogue(extra={"misting": {"local_radius_m": 25.0, "footprint_m2": math.pi * 25.0**2}})["misting"]
    units = grid({"u": 0.0}, shape=(21, 21), cell=10.0)["u"]
    units[10, 10] = 1.0
    dt = local_air_cooling(mist, units).values
    yy, xx = np.mgrid[0:21, 0:21]
    dist = np.hypot(yy - 10, xx - 10) * 10.0
    # zero beyond the radius plus half a pixel diagonal (the farthest point of a touched pixel)
    assert np.all(dt[dist > 25.0 + 10.0 * math.sqrt(2) / 2] == 0.0)
    # the host pixel lies wholly inside the disc: the full at-device cooling
    assert dt[10, 10] == pytest.approx(-2.42, rel=1e-6)
    # area-weighted: sum of pixel cooling x pixel area = -k x pi r^2 (kernel normalised to the footprint); 1e-3 because
    # the 16x16-point disc sampling is off by ~1e-4 and fully covered pixels are capped at the at-device cooling
    assert dt.sum() * 100.0 == pytest.approx(-2.42 * math.pi * 625.0, rel=1e-3)
    # a 10 m disc inside a 30 m pixel: pixel mean -2.42 x pi 100 / 900 (hand), nothing next door
    small = grid({"u": 0.0}, shape=(5, 5))["u"]
    small[2, 2] = 1.0
    dt30 = local_air_cooling(catalogue["misting"], small).values
    assert dt30[2, 2] == pytest.approx(-2.42 * math.pi * 100 / 900, rel=1e-4)
    assert np.count_nonzero(dt30) == 1
    assert footprint_kernel(catalogue["misting"], 30.0).shape == (1, 1)
