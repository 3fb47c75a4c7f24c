"""Benchmark: the acupuncture optimiser's time against the number of candidate sites.

Subject ``lazy_greedy``: :func:`uhi.optimize.optimize` with ``method="lazy-greedy"`` (CELF: cost-benefit
and unit-cost lazy passes + best single option, exact windowed gains of the default literature cooling
configuration). Reference ``naive_greedy``: the same search with ``method="greedy"`` (every feasible option
re-evaluated at every step), i.e. the speed-up of lazy evaluation measured in the same run; both return the
same plan here. ``milp``: the linearised knapsack with scipy's HiGHS (``method="milp"``), for comparison.
``lazy_greedy_invest``: the lazy greedy with ``cooling_model="invest"`` (windowed InVEST UCM, two
convolutions on ``site + 10·450 m + 10·600 m`` instead of one on ``site + 10·150 m``).

Cases ``optimize_25_sites``, ``optimize_100_sites``, ``optimize_400_sites``: a seeded blocky city of
``min(n, 1000)²`` 30 m pixels (the optimiser's cost grows with the candidates, and the window of one
evaluation is fixed by the kernels), the ``k`` highest-weight sites per placement (connected patches cut into
150 m pieces, :mod:`uhi.optimize._sites`), street trees and cool roofs, at most 5 measures.
"""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401
import xarray as xr
from common import Case, case

from uhi._paths import data_path
from uhi.cooling import parameters_from_landcover
from uhi.interventions import load_catalogue
from uhi.optimize import optimize

CELL = 30.0
MAX_RASTER = 1000


def _city(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    y = 4.7e6 - (np.arange(n) + 0.5) * CELL
    x = 3.0e5 + (np.arange(n) + 0.5) * CELL
    yy, xx = np.mgrid[0:n, 0:n]
    dist = np.hypot(yy - n / 2, xx - n / 2) / (n / 2)
    blocks = np.kron(rng.random((n // 8 + 1, n // 8 + 1)), np.ones((8, 8)))[:n, :n]
    lc = np.where(dist < 0.3, 1, np.where(dist < 0.6, 2, 3)).astype(np.float32)
    lc[blocks > 0.92] = 6
    lc[::10, :] = 5
    lc[:, ::10] = 5

    def da(a):
        return xr.DataArray(a.astype(np.float32), coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs("EPSG:32634")

    density = np.choose(lc.astype(int), [0, 120, 80, 30, 2, 5, 0])  # residents per pixel by class (assumption)
    weights = da(density * (0.3 + 0.7 * rng.random((n, n))))
    landcover = da(lc)
    return landcover, parameters_from_landcover(landcover, data_path("landcover.csv")), weights


def _setup(n: int, sites: int) -> Case:
    side = min(n, MAX_RASTER)
    landcover, params, weights = _city(side)
    catalogue = load_catalogue()
    kw = {"landcover": landcover, "interventions": ["street_trees", "cool_roof"], "max_candidates": sites, "max_sites": 5,
              "ref_et": 6.0, "t_ref": 21.0, "uhi_max": 3.5, "site_size_m": 150.0}

    def run(method, model="literature"):
        return lambda: optimize(params, weights, catalogue, 5e6, method=method, cooling_model=model, **kw).objective

    return Case(
        implementations={"lazy_greedy": run("lazy-greedy"), "naive_greedy": run("greedy"), "milp": run("milp"),
                         "lazy_greedy_invest": run("lazy-greedy", "invest")},
        pixels=side * side,
        input_mib=6 * side * side * 4 / 2**20,
        notes=f"{sites} candidate sites per placement x (street_trees, cool_roof), <= 5 measures, {side}^2 raster, "
              "literature λ 150 m (invest: d 450 m, r 600 m)",
    )


@case("optimize_25_sites")
def setup_25(n: int) -> Case:
    return _setup(n, 25)


@case("optimize_100_sites")
def setup_100(n: int) -> Case:
    return _setup(n, 100)


@case("optimize_400_sites")
def setup_400(n: int) -> Case:
    return _setup(n, 400)
