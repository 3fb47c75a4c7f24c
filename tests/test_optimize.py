"""Tests for uhi.optimize: budget, plan consistency, baselines, brute force, outputs, errors."""

from __future__ import annotations

import functools
import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
from rasterio import features
from shapely.geometry import box

from uhi._paths import data_path
from uhi.cooling import parameters_from_landcover, urban_cooling
from uhi.errors import CRSError, GridMismatchError, InputValueError, OutputExistsError
from uhi.interventions import apply_intervention, cost_eur, load_catalogue, local_air_cooling, placement_fraction
from uhi.optimize import OUTPUT_FILES, optimize, risk_weights

CELL = 30.0
CATALOGUE = load_catalogue()
#: Short kernels keep the test city small: d_cool 150 m (5 px), r 180 m (6 px).
MODEL = {"ref_et": 5.0, "t_ref": 21.0, "uhi_max": 3.5, "cooling_distance": 150.0, "mixing_radius": 180.0}
NEIGHBOURHOOD = ["street_trees", "pocket_park", "cool_roof", "green_roof", "cool_pavement"]
#: These tests check the optimiser against full InVEST runs (uhi.cooling.urban_cooling): the "invest" cooling model.
#: The literature model (the default) is checked in tests/test_optimize_sites.py and tests/test_optimize_literature.py.
OPT = {**MODEL, "cooling_model": "invest"}


@pytest.fixture(scope="module")
def grid(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with x0=3.0e5, dtype=None."""
    return functools.partial(make_grid, x0=3.0e5, dtype=None)


def _small_city(grid, n=72, seed=11):
    """Dense core, mid-rise ring, suburbs, a road grid, a park and bare lots; residents by class."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n]
    dist = np.hypot(yy - n / 2, xx - n / 2) / (n / 2)
    lc = np.where(dist < 0.35, 1, np.where(dist < 0.7, 2, 3)).astype(np.float32)
    blocks = np.kron(rng.random((n // 6 + 1, n // 6 + 1)), np.ones((6, 6)))[:n, :n]
    lc[(blocks < 0.12) & (dist < 0.9)] = 11  # bare lots
    lc[(blocks > 0.93)] = 4  # industry
    lc[::9, :] = 5
    lc[:, ::9] = 5
    lc[10:18, 50:60] = 6
    density = {1: 120.0, 2: 80.0, 3: 30.0, 4: 2.0, 5: 5.0, 6: 0.0, 11: 0.0}  # residents per 900 m2 pixel (assumption)
    pop = np.vectorize(density.get)(lc).astype(np.float32) * (0.6 + 0.8 * rng.random((n, n), dtype=np.float32))
    vul = np.clip(0.3 + 0.5 * np.kron(rng.random((n // 12 + 1, n // 12 + 1)), np.ones((12, 12)))[:n, :n], 0, 1)
    lulc = grid(lc)
    return lulc, grid(pop), grid(vul.astype(np.float32))


def _block_parcels(lulc, size_px=3):
    """Square parcels of size_px pixels tiling the raster (labels b<row>_<col>)."""
    t = lulc.rio.transform()
    ny, nx = lulc.shape
    rows = []
    for r in range(0, ny, size_px):
        for c in range(0, nx, size_px):
            x0, y0 = t * (c, r)
            x1, y1 = t * (min(nx, c + size_px), min(ny, r + size_px))
            rows.append({"parcel": f"b{r}_{c}", "geometry": box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=lulc.rio.crs)


_SHARES: dict = {}


def _option(lulc, geometry, key):
    """The option semantics documented in uhi.optimize: treat all the room of the placement in the parcel
    (whole trees/devices for countable units). Returns (treated share, units, cost) or None."""
    it = CATALOGUE[key]
    mask = features.geometry_mask([geometry], out_shape=lulc.shape, transform=lulc.rio.transform(), invert=True)
    cache_key = (id(lulc), key)
    if cache_key not in _SHARES:
        _SHARES[cache_key] = placement_fraction(lulc, it.placement).fillna(0)
    share = _SHARES[cache_key] * mask
    area = float(share.sum()) * CELL**2
    if area <= 0:
        return None
    if it.unit == "m2":
        units = area / it.footprint_m2
    else:
        units = math.floor(area / it.footprint_m2 + 1e-9)
        if units < 1:
            return None
        share = share * (units * it.footprint_m2 / area)
    return share, units, cost_eur(it, units)


def _objective_full_model(params, plan, lulc, parcels, weights, base_t_air):
    """F = Σ w·(-ΔT_air) of a plan [(parcel label, key)] from one full uhi.cooling.urban_cooling run."""
    geoms = parcels.set_index("parcel").geometry
    new = params
    for label, key in plan:
        share, _, _ = _option(lulc, geoms[label], key)
        new = apply_intervention(new, CATALOGUE[key], share)
    dt = urban_cooling(new, **MODEL)["t_air"] - base_t_air
    return float(-(weights * dt.fillna(0)).sum()), dt


@pytest.fixture(scope="module")
def city(grid):
    lulc, pop, vul = _small_city(grid)
    params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    weights = risk_weights(pop, vul)
    parcels = _block_parcels(lulc, size_px=6)
    base = urban_cooling(params, **MODEL)["t_air"]
    return {"lulc": lulc, "pop": pop, "vul": vul, "params": params, "weights": weights, "parcels": parcels, "base": base}


def _run(city, budget, **kw):
    kw.setdefault("interventions", NEIGHBOURHOOD)
    kw.setdefault("candidates", city["parcels"])
    return optimize(city["params"], city["weights"], CATALOGUE, budget, landcover=city["lulc"], label_column="parcel",
                    population=city["pop"], **OPT, **kw)


@pytest.fixture(scope="module")
def plan(city):
    return _run(city, 1.5e6)


# ------------------------------------------------------------------ plan ----

@pytest.mark.parametrize("budget", [2.0e5, 1.5e6])
def test_plan_respects_budget_and_is_consistent(city, plan, budget):
    res = plan if budget == 1.5e6 else _run(city, budget)
    s = res.sites
    assert len(s) > 0
    assert s["cost_eur"].sum() <= budget + 1e-6
    np.testing.assert_allclose(s["cumulative_cost_eur"], s["cost_eur"].cumsum())
    np.testing.assert_allclose(s["cumulative_gain"], s["gain"].cumsum())
    assert list(s["rank"]) == list(range(1, len(s) + 1))
    assert (s["gain"] > 0).all()
    # one measure per (site, placement): a roof takes a cool roof or a green roof, not both
    placements = [(site, p) for site, key in zip(s["site"], s["intervention"]) for p in CATALOGUE[key].placement]
    assert len(placements) == len(set(placements))
    # benefit curve: starts at 0, budget spent and objective never decrease
    c = res.curve
    assert c.iloc[0].tolist() == [0, 0.0, 0.0, 0.0]
    assert (np.diff(c["budget"]) > 0).all() and (np.diff(c["benefit"]) > 0).all()
    # the objective is -Σ w·ΔT_air of the plan's raster (definition of F)
    f = float(-(city["weights"] * res.delta_t_air.fillna(0)).sum())
    assert res.objective == pytest.approx(f, rel=1e-5)
    assert res.delta_t_air.attrs["units"] == "K" and res.delta_t_air.rio.crs == city["lulc"].rio.crs


def test_plan_delta_t_equals_full_model_run(city, plan):
    # Expected: one full uhi.cooling.urban_cooling run with every chosen measure applied through
    # uhi.interventions.apply_intervention (option semantics re-implemented in _option); float32 model -> 5e-5 K.
    plan_rows = list(zip(plan.sites["site"], plan.sites["intervention"]))
    f, dt = _objective_full_model(city["params"], plan_rows, city["lulc"], city["parcels"], city["weights"], city["base"])
    np.testing.assert_allclose(plan.delta_t_air.fillna(0).values, dt.fillna(0).values, atol=5e-5)
    assert plan.objective == pytest.approx(f, rel=1e-3)
    costs = [_option(city["lulc"], city["parcels"].set_index("parcel").geometry[site], key)[2] for site, key in plan_rows]
    np.testing.assert_allclose(plan.sites["cost_eur"], costs, rtol=1e-4)


def test_beats_random_and_hottest_first_baselines(city, plan):
    # Issue 5 requirement. Baselines use the same options (parcel x measure) and budget: random feasible
    # plans (mean of 20 seeds) and "hottest first" (parcels by baseline T_air, every affordable measure on
    # each in turn). F of the baselines comes from the same exact oracle (objective_of); the hottest-first
    # value is cross-checked against a full uhi.cooling.urban_cooling run.
    options = plan.options()
    budget = plan.budget_eur

    def fill(order):
        chosen, spent, used = [], 0.0, set()
        for site, key, cost in order:
            slots = {(site, p) for p in CATALOGUE[key].placement}
            if spent + cost <= budget and not slots & used:
                chosen.append((site, key))
                spent += cost
                used |= slots
        return chosen

    triples = list(zip(options["site"], options["intervention"], options["cost_eur"]))
    rng = np.random.default_rng(0)
    random_scores = [plan.objective_of(fill([triples[i] for i in rng.permutation(len(triples))])) for _ in range(20)]
    lulc, parcels = city["lulc"], city["parcels"]
    heat = {lab: float(city["base"].values[features.geometry_mask([g], out_shape=lulc.shape, transform=lulc.rio.transform(),
                                                                   invert=True)].mean())
            for lab, g in zip(parcels["parcel"], parcels.geometry)}
    hottest_plan = fill(sorted(triples, key=lambda o: -heat[o[0]]))
    hottest = plan.objective_of(hottest_plan)
    full, _ = _objective_full_model(city["params"], hottest_plan, lulc, parcels, city["weights"], city["base"])
    assert hottest == pytest.approx(full, rel=1e-3)
    assert plan.objective > 1.5 * np.mean(random_scores)
    assert plan.objective > 1.05 * hottest
    print(f"\noptimised F = {plan.objective:.1f}, random mean {np.mean(random_scores):.1f} "
          f"(max {np.max(random_scores):.1f}), hottest-first {hottest:.1f} [person·K]")


def test_lazy_greedy_equals_naive_greedy_with_fewer_evaluations(city):
    plan = _run(city, 4e5)
    naive = _run(city, 4e5, method="greedy")
    assert list(naive.sites["site"]) == list(plan.sites["site"])
    assert list(naive.sites["intervention"]) == list(plan.sites["intervention"])
    assert naive.objective == pytest.approx(plan.objective, rel=1e-12)
    assert plan.stats["evaluations"] < naive.stats["evaluations"]
    for k in ("reevaluations", "order_changes", "submodularity_violations"):
        assert plan.stats[k] >= 0


def test_milp_respects_budget_and_reports_exact_gains(city, plan):
    res = _run(city, plan.budget_eur, method="milp")
    assert 0 < res.sites["cost_eur"].sum() <= plan.budget_eur + 1e-6
    assert res.stats["milp_status"] == 0
    # the exact objective of the MILP plan is its linearised objective up to site interactions (a few %)
    assert res.objective == pytest.approx(res.stats["linearised_objective"], rel=0.1)


def test_default_sites_are_whole_connected_patches_filled_to_capacity(city):
    # Default candidates (uhi.optimize._sites): each measure's eligible pixels grouped by label_sites, big patches cut by
    # the 90 m (3 px) block grid. Every chosen site must be one 8-connected patch of at most 3 x 3 pixels, and its units
    # the whole capacity of the site (Σ placement share x 900 m2 / footprint; whole trees rounded down).
    from scipy import ndimage

    risk = city["vul"] * city["pop"] / float(city["pop"].max())
    res = optimize(city["params"], city["weights"], CATALOGUE, 5e5, landcover=city["lulc"], risk=risk,
                   site_size_m=90.0, max_candidates=30, interventions=["street_trees", "cool_roof"], **OPT)
    assert res.stats["candidate_sites"] == 60  # 30 per placement set (street+open_space, roof)
    assert len(res.sites) > 0
    lulc = city["lulc"]
    for row in res.sites.itertuples():
        mask = features.geometry_mask([row.geometry], out_shape=lulc.shape, transform=lulc.rio.transform(), invert=True)
        _, n = ndimage.label(mask, structure=np.ones((3, 3)))
        assert n == 1 and 1 <= mask.sum() <= 9
        share = placement_fraction(lulc, CATALOGUE[row.intervention].placement).fillna(0).values
        assert (share[mask] > 0).all()  # the outline holds only pixels with room for the measure
        capacity = float(share[mask].sum()) * CELL**2 / CATALOGUE[row.intervention].footprint_m2
        expected = math.floor(capacity + 1e-9) if CATALOGUE[row.intervention].unit == "tree" else round(capacity, 2)
        assert row.units == pytest.approx(expected, abs=0.01)


# ------------------------------------------------------------ brute force ----

def test_greedy_bound_against_brute_force_on_tiny_instance(grid):
    # Six 3x3-pixel bare lots in a row beside a 1.8 ha park; pocket parks only. Neighbouring parks push
    # green area over 2 ha (InVEST UCM [invest-ucm], after Zardo et al. 2017 [zardo2017]), so gains interact (not
    # submodular). Exhaustive search over all subsets of up to three lots with full uhi.cooling.urban_cooling runs
    # gives OPT; the greedy must reach at least
    # (1 - 1/e)/2 of it (Khuller et al. 1999; Leskovec et al. 2007).
    n = 40
    lc = np.full((n, n), 2, np.float32)
    lc[14:18, 5:10] = 6  # 20 px = 1.8 ha park
    lc[18:21, 2:20] = 11  # 6 lots of 3x3
    lulc = grid(lc)
    params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    rng = np.random.default_rng(1)
    weights = grid((50 * rng.random((n, n))).astype(np.float32))
    t = lulc.rio.transform()
    lots = []
    for i in range(6):
        x0, y0 = t * (2 + 3 * i, 18)
        x1, y1 = t * (5 + 3 * i, 21)
        lots.append({"parcel": f"lot{i}", "geometry": box(x0, y1, x1, y0)})
    parcels = gpd.GeoDataFrame(lots, geometry="geometry", crs=lulc.rio.crs)
    base = urban_cooling(params, **MODEL)["t_air"]
    cost_one = _option(lulc, parcels.geometry[0], "pocket_park")[2]
    budget = 3.5 * cost_one  # three lots

    res = optimize(params, weights, CATALOGUE, budget, landcover=lulc, candidates=parcels, label_column="parcel",
                   interventions=["pocket_park"], **OPT)
    # the lots are disjoint and the change is per pixel: treat all lots once, then pick lots by mask
    masks = [features.geometry_mask([g], out_shape=lc.shape, transform=t, invert=True) for g in parcels.geometry]
    share = placement_fraction(lulc, CATALOGUE["pocket_park"].placement).fillna(0) * np.any(masks, axis=0)
    treated = apply_intervention(params, CATALOGUE["pocket_park"], share)
    best = 0.0
    for r in range(1, 4):
        for combo in itertools.combinations(range(6), r):
            on = np.any([masks[i] for i in combo], axis=0)
            new = params.copy()
            for k in params.data_vars:
                new[k] = params[k].where(~on, treated[k])
            dt = urban_cooling(new, **MODEL)["t_air"] - base
            best = max(best, float(-(weights * dt.fillna(0)).sum()))
    ratio = res.objective / best
    print(f"\ngreedy / OPT = {ratio:.4f} (bound {(1 - 1 / math.e) / 2:.4f}); stats {res.stats}")
    assert ratio >= (1 - 1 / math.e) / 2
    assert ratio <= 1 + 1e-3  # cannot beat the optimum (float32 tolerance of the full runs)


def test_docstring_example():
    import doctest

    import uhi.optimize._core as core

    result = doctest.testmod(core, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------- edge cases ----

def test_budget_below_cheapest_option_gives_empty_plan(city, tmp_path):
    res = _run(city, 10.0)
    assert len(res.sites) == 0 and res.objective == 0.0
    assert res.curve.shape[0] == 1
    assert float(np.abs(res.delta_t_air.fillna(0)).max()) == 0.0
    assert res.stats["cheapest_option_eur"] > 10.0
    paths = res.write(tmp_path / "empty")
    assert gpd.read_file(paths[0]).empty


def test_zero_budget_is_valid(city):
    assert len(_run(city, 0.0).sites) == 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"budget_eur": -1.0}, InputValueError, "budget_eur must be >= 0"),
        ({"budget_eur": float("nan")}, InputValueError, "budget_eur must be finite"),
        ({"interventions": ["street_trees", "jetpack"]}, InputValueError, "unknown intervention key.*jetpack"),
        ({"method": "simulated-annealing"}, InputValueError, "method must be one of"),
        ({"site_size_m": 0}, InputValueError, "site_size_m must be > 0"),
        ({"max_sites": 0}, InputValueError, "max_sites"),
        ({"uhi_max": -1}, InputValueError, "uhi_max must be >= 0"),
    ],
)
def test_bad_inputs(city, kwargs, error, match):
    args = {"budget_eur": 1e6, "interventions": ["street_trees"], "candidates": city["parcels"]}
    args.update(kwargs)
    model = {**OPT, **{k: args.pop(k) for k in list(args) if k in MODEL}}
    with pytest.raises(error, match=match):
        optimize(city["params"], city["weights"], CATALOGUE, args.pop("budget_eur"), landcover=city["lulc"], **model, **args)


def test_empty_candidate_sets_raise(city):
    far = gpd.GeoDataFrame({"geometry": [box(0, 0, 100, 100)]}, crs=city["lulc"].rio.crs)
    with pytest.raises(InputValueError, match="no candidate site"):
        optimize(city["params"], city["weights"], CATALOGUE, 1e6, candidates=far, **OPT)
    # a parcel inside the park (class 6: no roof, data/interventions.toml placement shares) has no room for roofs
    t = city["lulc"].rio.transform()
    (x0, y0), (x1, y1) = t * (52, 11), t * (57, 16)
    park = gpd.GeoDataFrame({"geometry": [box(x0, y1, x1, y0)]}, crs=city["lulc"].rio.crs)
    with pytest.raises(InputValueError, match="no candidate site offers room"):
        optimize(city["params"], city["weights"], CATALOGUE, 1e6, landcover=city["lulc"], interventions=["cool_roof"],
                 candidates=park, **OPT)
    with pytest.raises(CRSError, match="no CRS"):
        optimize(city["params"], city["weights"], CATALOGUE, 1e6, candidates=city["parcels"].set_crs(None, allow_override=True),
                 **OPT)


def test_parcel_labels_and_overlaps(city):
    parcels = city["parcels"].iloc[40:44].copy()
    parcels["parcel"] = ["a", "b", "a", "c"]
    with pytest.raises(InputValueError, match="must be unique.*'a'"):
        optimize(city["params"], city["weights"], CATALOGUE, 1e6, candidates=parcels, label_column="parcel", **OPT)
    with pytest.raises(InputValueError, match="label_column 'name'"):
        optimize(city["params"], city["weights"], CATALOGUE, 1e6, candidates=parcels, label_column="name", **OPT)
    # two copies of one parcel: the pixels belong to the first, the second has none and is dropped
    one = city["parcels"].iloc[[45, 45]].copy()
    one["parcel"] = ["first", "copy"]
    res = optimize(city["params"], city["weights"], CATALOGUE, 1e7, landcover=city["lulc"], candidates=one,
                   label_column="parcel", interventions=["cool_roof"], **OPT)
    assert set(res.options()["site"]) == {"first"}


def test_grid_mismatch_raises(city):
    with pytest.raises(GridMismatchError):
        optimize(city["params"], city["weights"].isel(x=slice(0, 10)), CATALOGUE, 1e6, **MODEL)


def test_local_measures_only_when_named(city):
    # Default set: neighbourhood measures only (uhi.optimize docstring)
    res = _run(city, 3e5, interventions=None, candidates=city["parcels"].iloc[40:80])
    assert not any(CATALOGUE[k].is_local for k in res.sites["intervention"])
    # Named misting: each gain is Σ w · (pixel-mean cooling) of its devices (uhi.interventions.local_air_cooling)
    res = _run(city, 2e6, interventions=["misting"])
    assert len(res.sites) > 0
    row = res.sites.iloc[0]
    geom = city["parcels"].set_index("parcel").geometry[row["site"]]
    share, units, _ = _option(city["lulc"], geom, "misting")
    assert row["units"] == units
    dt = local_air_cooling(CATALOGUE["misting"], share * CELL**2 / CATALOGUE["misting"].footprint_m2)
    assert row["gain"] == pytest.approx(float(-(city["weights"] * dt).sum()), rel=1e-5)


# --------------------------------------------------------------- outputs ----

def test_write_outputs_atomic_and_refuses_overwrite(plan, tmp_path):
    paths = plan.write(tmp_path / "out")
    assert sorted(p.name for p in paths) == sorted(OUTPUT_FILES)
    gpkg = gpd.read_file(tmp_path / "out" / "optimized_sites.gpkg")
    assert list(gpkg["rank"]) == list(plan.sites["rank"])
    csv = pd.read_csv(tmp_path / "out" / "optimized_sites.csv")
    assert {"rank", "site", "intervention", "cost_eur", "gain", "cumulative_cost_eur", "cumulative_gain",
            "residents", "delta_t_air_site_k", "annualised_cost_eur_per_year", "geometry_wkt"} <= set(csv.columns)
    np.testing.assert_allclose(csv["cumulative_cost_eur"], plan.sites["cumulative_cost_eur"])
    assert (tmp_path / "out" / "optimized_sites_map.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(OutputExistsError):
        plan.write(tmp_path / "out")
    plan.write(tmp_path / "out", overwrite=True)
    assert not list((tmp_path / "out").glob("*.partial*"))


def test_plots_label_what_matters(plan):
    import matplotlib.pyplot as plt

    ax = plan.plot()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all(any(k in lab for lab in labels) for k in set(plan.sites["intervention"]))
    cbar_label = ax.figure.axes[-1].get_ylabel()
    assert "residents x vulnerability" in cbar_label
    ax2 = plan.plot_curve()
    assert ax2.get_xlabel() == "Budget [EUR]"
    assert ax2.get_ylabel() == "Risk-weighted cooling (residents x vulnerability x ΔT_air)\n[person·K]"  # the objective, named
    y = ax2.lines[0].get_ydata()
    assert y[-1] == pytest.approx(plan.objective)
    plt.close("all")
