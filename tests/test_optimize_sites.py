"""uhi.optimize with the scenarios' science: whole sites, the literature cooling model, health objectives."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pytest
import rioxarray  # noqa: F401
from rasterio import features
from scipy import ndimage

from uhi._paths import data_path
from uhi.cooling import literature_cooling, parameters_from_landcover
from uhi.errors import InputValueError
from uhi.interventions import apply_intervention, load_catalogue, placement_fraction
from uhi.optimize import optimize, risk_weights
from uhi.optimize._sites import measure_sites

CELL = 30.0
CATALOGUE = load_catalogue()
MODEL = {"ref_et": 6.0, "t_ref": 27.0, "uhi_max": 3.5}
#: m2 measures (no whole-tree rounding), so a site's treated share is exactly its placement share
MEASURES = ["cool_roof", "pocket_park", "cool_pavement"]


@pytest.fixture(scope="module")
def grid(make_grid):
    return functools.partial(make_grid, x0=3.0e5, dtype=None)


@pytest.fixture(scope="module")
def city(grid):
    """48 x 48 px: dense core, mid-rise ring, suburbs, a road grid and bare lots; residents by class (assumption)."""
    n = 48
    rng = np.random.default_rng(4)
    yy, xx = np.mgrid[0:n, 0:n]
    dist = np.hypot(yy - n / 2, xx - n / 2) / (n / 2)
    lc = np.where(dist < 0.4, 1, np.where(dist < 0.75, 2, 3)).astype(np.float32)
    lc[::8, :] = 5
    lc[:, ::8] = 5
    lc[20:24, 30:34] = 11
    density = {1: 120.0, 2: 80.0, 3: 30.0, 5: 5.0, 11: 0.0}
    pop = np.vectorize(density.get)(lc) * (0.6 + 0.8 * rng.random((n, n)))
    lulc = grid(lc)
    params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    pop = grid(pop.astype(np.float32))
    vul = grid(np.full((n, n), 0.5, np.float32))
    return {"lulc": lulc, "params": params, "pop": pop, "weights": risk_weights(pop, vul)}


def _run(city, budget, **kw):
    kw.setdefault("interventions", MEASURES)
    return optimize(city["params"], city["weights"], CATALOGUE, budget, landcover=city["lulc"], population=city["pop"],
                    site_size_m=150.0, **MODEL, **kw)


def test_measure_sites_cut_big_patches_by_the_block_grid():
    # Hand-made: a 3 x 12 strip (36 px > 5² = 25 px) and a lone pixel; block 5 px.
    # The strip is cut at columns 5 and 10 into 3 x 5, 3 x 5 and 3 x 2 pieces; the lone pixel stays whole.
    eligible = np.zeros((8, 14), bool)
    eligible[0:3, 0:12] = True
    eligible[6, 13] = True
    score = np.ones(eligible.shape)
    score[6, 13] = 100.0  # ranked first by its summed score (100 > 15 > 15 > 6)
    sites = measure_sites(eligible, score, 5, 10, prefix="roof")
    assert [s.label for s in sites] == ["roof:r6c13", "roof:r0c0", "roof:r0c5", "roof:r0c10"]
    assert [int(s.mask.sum()) for s in sites] == [1, 15, 15, 6]
    for s in sites:  # each site is one 8-connected patch
        assert ndimage.label(s.mask, structure=np.ones((3, 3)))[1] == 1
    # a patch of <= 25 px is never cut, even across block lines
    small = np.zeros((10, 10), bool)
    small[3:7, 3:7] = True
    assert [int(s.mask.sum()) for s in measure_sites(small, np.ones((10, 10)), 5, 10)] == [16]
    assert len(measure_sites(eligible, score, 5, 2)) == 2  # max_candidates


def test_plan_equals_full_literature_run_and_sites_are_filled(city):
    # Expected: one full uhi.cooling.literature_cooling run with every chosen measure applied on its site outline with
    # the site's whole placement share (uhi.interventions.apply_intervention); float32 full runs -> 5e-5 K.
    res = _run(city, 6e5)
    assert res.stats["cooling_model"] == "literature" and res.stats["objective"] == "person_k"
    assert 0 < res.sites["cost_eur"].sum() <= 6e5
    lulc, new = city["lulc"], city["params"]
    for row in res.sites.itertuples():
        mask = features.geometry_mask([row.geometry], out_shape=lulc.shape, transform=lulc.rio.transform(), invert=True)
        assert ndimage.label(mask, structure=np.ones((3, 3)))[1] == 1 and mask.sum() <= 25  # one patch of <= 150 m²
        it = CATALOGUE[row.intervention]
        share = placement_fraction(lulc, it.placement).fillna(0) * mask
        assert row.units == pytest.approx(float(share.sum()) * CELL**2 / it.footprint_m2, abs=0.01)  # capacity filled
        assert row.annualised_cost_eur_per_year == pytest.approx(it.annual_cost_eur(row.units))
        new = apply_intervention(new, it, share)
    full = literature_cooling(new, **MODEL)["t_air"] - literature_cooling(city["params"], **MODEL)["t_air"]
    np.testing.assert_allclose(res.delta_t_air.fillna(0).values, full.fillna(0).values, atol=5e-5)
    assert res.objective == pytest.approx(float(-(city["weights"] * full.fillna(0)).sum()), rel=1e-3)


def test_objective_monotone_in_budget_and_budget_respected(city):
    # The benefit curve rises with every rank, and a larger budget never gives a smaller plan value on this instance
    # (gains are modular here: the literature model is linear and the sites of a plan do not share pixels).
    values = []
    for budget in (1.0e5, 3.0e5, 1.0e6, 3.0e6):
        res = _run(city, budget)
        assert res.sites["cost_eur"].sum() <= budget + 1e-6
        assert (np.diff(res.curve["benefit"]) > 0).all() and (np.diff(res.curve["budget"]) > 0).all()
        values.append(res.objective)
    assert values == sorted(values) and values[0] > 0


def _exhaustive(res, budget):
    """Best objective over every affordable set of non-conflicting options (exact windowed oracle, objective_of)."""
    opts = res.options()
    problem = res._problem
    best, best_set = 0.0, ()
    idx = list(range(len(opts)))
    for r in range(1, len(idx) + 1):
        for combo in itertools.combinations(idx, r):
            if sum(opts["cost_eur"].iloc[i] for i in combo) > budget + 1e-6:
                continue
            used = [problem.options[i].conflicts for i in combo]
            if any(a & b for a, b in itertools.combinations(used, 2)):
                continue
            v = res.objective_of([(opts["site"].iloc[i], opts["intervention"].iloc[i]) for i in combo])
            if v > best:
                best, best_set = v, combo
    return best, best_set


@pytest.mark.parametrize("objective", ["person_k", "deaths_avoided"])
def test_greedy_against_exhaustive_search(city, shared_data, objective):
    # Exhaustive search over all subsets of the options (3 sites per placement x cool roof, pocket park, cool pavement:
    # 9 options) with the same exact oracle gives OPT; the greedy must reach (1 - 1/e)/2 of it (Khuller et al. 1999) and
    # cannot beat it. Deaths avoided use the Masselot et al. 2023 curve of Sofia (../shared/data/health).
    from uhi.health import load_health_folder

    health = load_health_folder(shared_data / "health", "Sofia") if objective == "deaths_avoided" else None
    kw = {"max_candidates": 3, "objective": objective, "health": health}
    probe = _run(city, 0.0, **kw)
    budget = 0.45 * float(probe.options()["cost_eur"].sum())
    res = _run(city, budget, **kw)
    assert len(res.options()) <= 12
    best, _ = _exhaustive(res, budget)
    ratio = res.objective / best
    print(f"\n{objective}: greedy / OPT = {ratio:.4f} over {len(res.options())} options; stats {res.stats['greedy_pass']}")
    assert (1 - 1 / math.e) / 2 <= ratio <= 1 + 1e-9
    assert res.stats["submodularity_violations"] == 0


def test_deaths_objective_rows_add_up_and_match_the_scenario_outcomes(city, shared_data):
    # Row outcomes are marginal (the plan with the row minus without it) and add up to the plan totals of
    # uhi.scenarios.outcomes.outcome_totals; the search's deaths (lattice of HealthModel.deaths_avoided_per_resident)
    # agree with HealthModel.assess (its own interpolation grid) to 1 %.
    from uhi.health import load_health_folder

    health = load_health_folder(shared_data / "health", "Sofia")
    res = _run(city, 5e5, health=health)
    assert res.stats["objective"] == "deaths_avoided" and res.totals["objective_units"] == "deaths per summer"
    t = res.totals
    for col in ("deaths_avoided_central", "person_degree_hours_reduced", "residents_cooled_0_5k"):
        assert res.sites[col].sum() == pytest.approx(t[col], rel=1e-6, abs=1e-9)
    assert t["deaths_avoided_low"] < t["deaths_avoided_central"] < t["deaths_avoided_high"]
    assert res.objective == pytest.approx(t["deaths_avoided_central"], rel=0.01)
    assert t["annualised_cost_eur_per_year"] == pytest.approx(res.sites["annualised_cost_eur_per_year"].sum())
    assert t["eur_per_death_avoided"] == pytest.approx(t["annualised_cost_eur_per_year"] / t["deaths_avoided_central"])
    # hyper-local devices change no resident's daily temperature: under a health objective they are never chosen
    local = _run(city, 5e5, health=health, interventions=["misting", "cool_roof"])
    assert "misting" not in set(local.sites["intervention"])


def test_parks_of_the_requested_area_are_contiguous(city):
    # park_area_m2: pocket parks grown best-first over the open-space patch (uhi.interventions.sites.grow_site, the
    # scenarios' growth step). Each chosen park is one 8-connected patch and treats exactly the requested area.
    res = _run(city, 2e6, interventions=["pocket_park"], park_area_m2=4000.0, max_candidates=5)
    assert len(res.sites) > 0
    lulc = city["lulc"]
    for row in res.sites.itertuples():
        assert row.treated_area_m2 == pytest.approx(4000.0) and row.units == pytest.approx(4000.0)
        mask = features.geometry_mask([row.geometry], out_shape=lulc.shape, transform=lulc.rio.transform(), invert=True)
        assert ndimage.label(mask, structure=np.ones((3, 3)))[1] == 1
    # a park larger than any open-space patch is not offered
    with pytest.raises(InputValueError, match="no candidate site"):
        _run(city, 2e6, interventions=["pocket_park"], park_area_m2=1e9)
