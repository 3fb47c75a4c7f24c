"""``optimize``: candidate sites, options and the budgeted search (see the package docstring)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from uhi._backend import check_same_grid, pixel_size_m, set_cf
from uhi._validate import check_scalar, check_t_ref, check_uhi_max
from uhi.constants import UCM_DEFAULTS
from uhi.cooling.biophysical import PARAMETERS
from uhi.errors import InputValueError
from uhi.interventions.catalogue import PLACEMENTS
from uhi.optimize._objective import make_objective
from uhi.optimize._search import Option, Problem, lazy_greedy, milp_plan, naive_greedy
from uhi.optimize._sites import measure_sites, parcel_sites, park_sites
from uhi.optimize._window import CoolingState, LiteratureState

__all__ = ["COOLING_MODELS", "METHODS", "optimize", "risk_weights"]

#: Search methods: CELF lazy greedy (default), the same greedy without lazy evaluation, and a MILP
#: on the linearised single-site gains.
METHODS = ("lazy-greedy", "greedy", "milp")

#: Default number of candidate sites kept per measure (the highest-scoring ones) when no candidates are given.
DEFAULT_MAX_CANDIDATES = 200

#: Cooling models the optimiser can search with (as scenarios: ``[baseline] cooling_model``).
COOLING_MODELS = ("literature", "invest")


def risk_weights(population: xr.DataArray, vulnerability: xr.DataArray) -> xr.DataArray:
    """Objective weight per pixel: residents × vulnerability [persons] (NaN -> 0).

    ``vulnerability`` is the [0, 1] component of :func:`uhi.risk.assess_risk`; ``F = Σ w·(-ΔT_air)`` is
    then in vulnerability-weighted person·kelvin.
    """
    check_same_grid(population, vulnerability, names=("population", "vulnerability"))
    w = (population.fillna(0) * vulnerability.fillna(0)).astype(np.float32)
    return set_cf(w, name="risk_weight", units="1", long_name="residents x vulnerability (objective weight)")


def _patch_dataset(state, rows, cols):
    return xr.Dataset({k: (("y", "x"), state.params[k][rows, cols].astype(np.float32)) for k in PARAMETERS})


def _neighbourhood_params(intervention, rows, cols, frac, baseline):
    """Closure: the site's parameters after the intervention, given the current plan's parameters.

    ``baseline = (before, after)`` holds the patch before and after the intervention on the baseline
    parameters (computed once for all sites); it is reused while the site is untouched by the plan.
    """
    from uhi.interventions import apply_intervention

    f = xr.DataArray(frac.astype(np.float32), dims=("y", "x"))
    before, after = baseline

    def new_params(state):
        if all(np.array_equal(state.params[k][rows, cols], before[k], equal_nan=True) for k in PARAMETERS):
            return after
        out = apply_intervention(_patch_dataset(state, rows, cols), intervention, f)
        return {k: out[k].values.astype(np.float64) for k in PARAMETERS}

    return new_params


def _local_effect(intervention, like, rows, cols, units_patch):
    """(rows, cols, ΔT) of a hyper-local measure placed as ``units_patch`` on the site, padded by its footprint."""
    from uhi.interventions import footprint_kernel, local_air_cooling

    cell = pixel_size_m(like, "optimize")
    half = footprint_kernel(intervention, cell).shape[0] // 2
    ny, nx = like.shape
    r0, r1 = max(0, rows.start - half), min(ny, rows.stop + half)
    c0, c1 = max(0, cols.start - half), min(nx, cols.stop + half)
    units = np.zeros((r1 - r0, c1 - c0))
    units[rows.start - r0:rows.stop - r0, cols.start - c0:cols.stop - c0] = units_patch
    da = xr.DataArray(units, coords={"y": like["y"].values[r0:r1], "x": like["x"].values[c0:c1]}, dims=("y", "x"))
    if like.rio.crs is not None:
        da = da.rio.write_crs(like.rio.crs)
    return slice(r0, r1), slice(c0, c1), local_air_cooling(intervention, da).values.astype(np.float64)


def _site_fractions(site, it, fractions, cell):
    """Treated share of each site pixel, units and treated area of one option (None if no room)."""
    frac = np.where(site.mask, fractions[site.rows, site.cols] if site.share is None else site.share, 0.0)
    area = float(frac.sum()) * cell**2
    if area <= 0:
        return None
    if it.unit == "m2":
        units = round(area / it.footprint_m2, 2)  # float32 land-cover shares: keep cents of a m2, not noise
        return frac, units, units * it.footprint_m2
    units = math.floor(area / it.footprint_m2 + 1e-9)  # whole trees / devices that fit in the room
    if units < 1:
        return None
    return frac * (units * it.footprint_m2 / area), units, units * it.footprint_m2


def _baseline_after(params, sites, it, fractions, cell):
    """Parameters after ``it`` on every site at once (a measure's sites do not overlap), from the baseline parameters."""
    from uhi.interventions import apply_intervention

    total = np.zeros(params["shade"].shape, dtype=np.float32)
    for site in sites:
        got = _site_fractions(site, it, fractions, cell)
        if got is not None:
            total[site.rows, site.cols] += got[0].astype(np.float32)
    ds = xr.Dataset({k: (("y", "x"), np.asarray(params[k], dtype=np.float32)) for k in PARAMETERS})
    out = apply_intervention(ds, it, xr.DataArray(np.clip(total, 0, 1), dims=("y", "x")))
    return {k: out[k].values.astype(np.float64) for k in PARAMETERS}


def _options(sites_by_key, chosen, fractions, cell, like, plain):
    """(site, intervention) options: each fills its site to capacity; conflicts = (placement, pixel) pairs it uses."""
    from uhi.interventions import cost_eur

    nx = like.shape[1]
    options = []
    for key, it in chosen.items():
        sites = sites_by_key[key]
        after = None if it.is_local else _baseline_after(plain, sites, it, fractions[key], cell)
        codes = [PLACEMENTS.index(p) for p in it.placement]
        for site in sites:
            got = _site_fractions(site, it, fractions[key], cell)
            if got is None:
                continue
            frac, units, area = got
            cost = cost_eur(it, units)
            if cost <= 0:
                raise InputValueError(f"intervention {key!r} has unit cost {it.unit_cost_eur!r} EUR; the optimizer needs a positive cost")
            pix = site.pixels(nx)
            conflicts = frozenset(int(c) * like.size + int(q) for c in codes for q in pix)
            if it.is_local:
                local = _local_effect(it, like, site.rows, site.cols, frac * cell**2 / it.footprint_m2)
                new_params = None
            else:
                local = None
                before = {k: plain[k][site.rows, site.cols] for k in PARAMETERS}
                done = {k: after[k][site.rows, site.cols] for k in PARAMETERS}
                new_params = _neighbourhood_params(it, site.rows, site.cols, frac, (before, done))
            options.append(Option(len(options), site.index, key, site.rows, site.cols, float(units), float(cost),
                                  conflicts, new_params, local, area, float(it.annual_cost_eur(units))))
    return options


def _cooling_state(cooling_model, plain, *, eti_scale, cell, uhi_max, objective, table, cooling_config, cooling_distance,
                   mixing_radius, cc_method, cc_weights):
    """The empty plan's windowed state of the chosen cooling model, and a description of the model for the outputs."""
    common = {"eti_scale": eti_scale, "cell": cell, "weights": objective.weights, "value": objective.value,
              "local_counts": objective.counts_local}
    if cooling_model == "invest":
        state = CoolingState(plain, uhi_max=uhi_max, cooling_distance=cooling_distance, mixing_radius=mixing_radius,
                             cc_method=cc_method, cc_weights=cc_weights, **common)
        return state, {"cooling_model": "invest", "cooling_distance_m": cooling_distance, "mixing_radius_m": mixing_radius}, None
    from uhi.cooling import CoolingConfig, load_cooling_config, mixing_kernel, potential_coefficients

    cfg = cooling_config if isinstance(cooling_config, CoolingConfig) else load_cooling_config(cooling_config)
    coef = potential_coefficients(uhi_max, table=table, config=cfg)
    state = LiteratureState(plain, coefficients=coef, kernel=mixing_kernel(cell, cfg), **common)
    source = "data/cooling_literature.toml (shipped)" if cooling_config is None else str(cfg.source)
    return state, {"cooling_model": "literature", "cooling_config": source, "decay_length_m": cfg.decay_length_m,
                   "albedo_sensitivity_k": coef["albedo"], "evaporative_sensitivity_k": coef["eti"]}, cfg


def optimize(
    params: xr.Dataset,
    weights: xr.DataArray,
    catalogue,
    budget_eur: float,
    *,
    landcover: xr.DataArray | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    site_size_m: float = 150.0,
    interventions=None,
    ref_et,
    t_ref: float,
    uhi_max: float,
    cooling_model: str = "literature",
    cooling_config=None,
    table=None,
    objective: str | None = None,
    health=None,
    cooling_distance: float = UCM_DEFAULTS["cooling_distance"],
    mixing_radius: float = UCM_DEFAULTS["mixing_radius"],
    max_sites: int | None = None,
    method: str = "lazy-greedy",
    risk: xr.DataArray | None = None,
    population: xr.DataArray | None = None,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    placement_table: pd.DataFrame | None = None,
    label_column: str | None = None,
    cc_method: str = "factors",
    cc_weights=UCM_DEFAULTS["weights"],
    park_area_m2: float | None = None,
    synthetic: bool = False,
):
    """Choose (site, intervention) options that maximise the objective within a capital budget (:mod:`uhi.optimize`).

    Parameters
    ----------
    params : xarray.Dataset
        Baseline parameters ``shade, albedo, kc, green_area, building_intensity`` on a projected grid
        (:func:`uhi.cooling.parameters_from_landcover`).
    weights : xarray.DataArray
        Residents × vulnerability per pixel (:func:`risk_weights`), same grid: the weights of ``objective="person_k"``.
    catalogue : dict of str -> Intervention or None
        :func:`uhi.interventions.load_catalogue` (None: the shipped catalogue).
    budget_eur : float
        Capital budget [EUR], >= 0.
    landcover : xarray.DataArray, optional
        Land-cover codes for :func:`uhi.interventions.placement_fraction` (what may go where). Without it
        every valid pixel is fully available to every measure.
    candidates : geopandas.GeoDataFrame, optional
        Parcels (polygons, any CRS) to choose among; a parcel holds the pixels whose centre it contains
        (a pixel claimed by several overlapping parcels goes to the first). Default: each measure's sites,
        connected patches of the pixels with room for it, cut into pieces of at most ``site_size_m`` squared
        (:mod:`uhi.optimize._sites`), the ``max_candidates`` with the largest summed ``risk`` (or weight) per measure.
    site_size_m : float
        Side of the largest site [m] (rounded to whole pixels).
    interventions : sequence of str, optional
        Catalogue keys to consider (default: every neighbourhood-scale entry; hyper-local measures only
        when named, see :mod:`uhi.optimize`).
    ref_et, t_ref, uhi_max
        Reference evapotranspiration [mm/day], rural air temperature [degC] and UHI magnitude [K] as in
        :func:`uhi.cooling.literature_cooling` / :func:`uhi.cooling.urban_cooling`. ``t_ref`` does not change
        ΔT_air and a scalar ``ref_et`` cancels in ETI = kc·ETo/max(ETo).
    cooling_model : {"literature", "invest"}
        The scenarios' default literature configuration (:func:`uhi.cooling.literature_cooling`, read from
        ``cooling_config``: a path, a :class:`uhi.cooling.CoolingConfig` or None for the shipped one; reference
        classes from the biophysical ``table``, default ``data/landcover.csv``) or the InVEST Urban Cooling Model
        (:func:`uhi.cooling.urban_cooling` with ``cooling_distance``, ``mixing_radius``, ``cc_method``, ``cc_weights``).
    objective : {"deaths_avoided", "person_degree_hours", "person_k"}, optional
        What to maximise (:mod:`uhi.optimize._objective`); default deaths avoided when ``health`` is given,
        else ``person_k``.
    health : uhi.health.HealthModel, optional
        The city's exposure-response curves and summer temperatures (:func:`uhi.health.load_health_folder`): the
        health objectives and the deaths / person-degree-hour columns of the result.
    max_sites : int, optional
        Upper bound on the number of chosen options.
    method : {"lazy-greedy", "greedy", "milp"}
        See :mod:`uhi.optimize`.
    risk : xarray.DataArray, optional
        Risk map used to rank candidate sites and as the background of :meth:`OptimizationResult.plot`.
    population : xarray.DataArray, optional
        Residents per pixel: the health objectives' weights and the residents columns of the site table.
    max_candidates : int
        Candidate sites kept per measure.
    placement_table : DataFrame, optional
        Placement shares per land-cover class (:func:`uhi.interventions.placement_shares`).
    label_column : str, optional
        Column of ``candidates`` naming each parcel in the site table.
    park_area_m2 : float, optional
        Offer measures placed on open space only (pocket park, water body) as contiguous parks of this area [m²],
        grown as scenarios grow them (:func:`uhi.interventions.sites.grow_site`); default: their sites like the others'.
    synthetic : bool
        The inputs come from a synthetic (made-up) scene: every output says so (:data:`uhi.synthetic.SYNTHETIC_NOTE`).

    Returns
    -------
    OptimizationResult

    Examples
    --------
    A 600 m square of mid-rise blocks (land-cover class 2: 35 % roof, ``data/interventions.toml``), equal
    weights, cool roofs only: the roofs form one patch, cut into 150 m sites; one site has 25 px x 900 m2 x 0.35 =
    7875 m2 of roof at 8 EUR/m2, so a 100,000 EUR budget buys exactly one site.

    >>> import numpy as np, xarray as xr, rioxarray
    >>> from uhi._paths import data_path
    >>> from uhi.cooling import parameters_from_landcover
    >>> y, x = 4.7e6 - 30.0 * (np.arange(20) + 0.5), 3.0e5 + 30.0 * (np.arange(20) + 0.5)
    >>> lulc = xr.DataArray(np.full((20, 20), 2.0), coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs("EPSG:32634")
    >>> params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    >>> res = optimize(params, xr.ones_like(lulc), None, 1e5, landcover=lulc, interventions=["cool_roof"],
    ...                ref_et=6.0, t_ref=21.0, uhi_max=3.5)
    >>> row = res.sites.iloc[0]
    >>> print(len(res.sites), row["intervention"], row["units"], row["cost_eur"], res.stats["cooling_model"])
    1 cool_roof 7875.0 63000.0 literature

    Notes
    -----
    Inputs are loaded into memory (dask arrays are computed); the plan state holds about a dozen float64
    rasters (~100 bytes per pixel: 100 MB for a 1000² city). One literature evaluation is one FFT convolution
    on a window of ``(site + 10·λ)`` pixels, an InVEST one two on ``(site + 10·d_cool + 10·r_mix)``, whatever
    the raster size.

    Raises
    ------
    InputValueError
        Negative or non-finite budget, unknown intervention key, method, cooling model or objective, grids
        that differ, a health objective without health data, no candidate site where any chosen measure can be placed.
    """
    from uhi.interventions import load_catalogue, placement_fraction
    from uhi.optimize._result import OptimizationResult

    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputValueError(f"params lacks variable(s) {missing}; build it with uhi.cooling.parameters_from_landcover()")
    cell = pixel_size_m(params, "optimize")
    like = params["shade"]
    if not isinstance(weights, xr.DataArray):
        raise InputValueError(f"weights must be an xarray.DataArray on the params grid, got {type(weights).__name__}")
    check_same_grid(like, weights, names=("params", "weights"))
    for name, extra in (("landcover", landcover), ("risk", risk), ("population", population)):
        if extra is not None:
            check_same_grid(like, extra, names=("params", name))
    budget = check_scalar("budget_eur", budget_eur, nonneg=True)
    site_size_m = check_scalar("site_size_m", site_size_m, positive=True)
    uhi_max = check_uhi_max(uhi_max)
    if uhi_max == 0:
        raise InputValueError("uhi_max=0 means no heat island, so the cooling model gives no measure any effect and there is "
                              "nothing to optimise; give the city's UHI magnitude in K (e.g. 3.5)")
    t_ref = check_t_ref(t_ref)
    if cooling_model not in COOLING_MODELS:
        raise InputValueError(f"cooling_model must be one of {COOLING_MODELS}, got {cooling_model!r}")
    cooling_distance = check_scalar("cooling_distance", cooling_distance, positive=True)
    mixing_radius = check_scalar("mixing_radius", mixing_radius, positive=True)
    if method not in METHODS:
        raise InputValueError(f"method must be one of {METHODS}, got {method!r}")
    if cc_method not in ("factors", "intensity"):
        raise InputValueError(f"cc_method must be 'factors' or 'intensity', got {cc_method!r}")
    if max_sites is not None and (int(max_sites) != max_sites or max_sites < 1):
        raise InputValueError(f"max_sites must be a positive integer, got {max_sites!r}")
    if int(max_candidates) != max_candidates or max_candidates < 1:
        raise InputValueError(f"max_candidates must be a positive integer, got {max_candidates!r}")
    cw = np.asarray(cc_weights, dtype=np.float64)
    if cw.shape != (3,) or not np.all(np.isfinite(cw)) or np.any(cw < 0) or cw.sum() <= 0:
        raise InputValueError(f"cc_weights must be three finite non-negative numbers not all zero, got {cc_weights!r}")

    catalogue = load_catalogue() if catalogue is None else dict(catalogue)
    if interventions is None:
        keys = [k for k, it in catalogue.items() if not it.is_local]
    else:
        keys = [str(k).strip() for k in interventions]
    unknown = [k for k in keys if k not in catalogue]
    if unknown or not keys:
        raise InputValueError(f"unknown intervention key(s) {unknown or keys!r}; the catalogue has {sorted(catalogue)}")
    chosen = {k: catalogue[k] for k in dict.fromkeys(keys)}

    if isinstance(ref_et, xr.DataArray):
        check_same_grid(like, ref_et, names=("params", "ref_et"))
        eto = np.asarray(ref_et.values, dtype=np.float64)
        et_max = float(np.nanmax(eto))
        if not np.isfinite(et_max) or et_max <= 0:
            raise InputValueError(f"ref_et must have a positive maximum, got {et_max!r}")
        eti_scale = eto / et_max
    else:
        check_scalar("ref_et", ref_et, positive=True)
        eti_scale = 1.0

    plain = {k: np.asarray(params[k].values, dtype=np.float64) for k in PARAMETERS}
    valid = np.ones(like.shape, dtype=bool)
    for k in PARAMETERS:
        valid &= np.isfinite(plain[k])
    w = np.nan_to_num(np.asarray(weights.values, dtype=np.float64), nan=0.0)
    if np.any(w < 0):
        raise InputValueError(f"weights must be >= 0 (residents x vulnerability), found minimum {w.min()!r}")
    pop = None if population is None else np.nan_to_num(np.asarray(population.values, dtype=np.float64))
    obj = make_objective(objective, weights=w, population=pop, health=health)

    fractions = {}
    for key, it in chosen.items():
        if landcover is not None:
            f = np.asarray(placement_fraction(landcover, it.placement, table=placement_table).values, dtype=np.float64)
            fractions[key] = np.where(valid, np.nan_to_num(f), 0.0)
        else:
            fractions[key] = valid.astype(np.float64)
    if candidates is None:
        score = obj.weights if risk is None else np.asarray(risk.values, dtype=np.float64)
        block = max(1, round(site_size_m / cell))
        sites, sites_by_key, by_eligible = [], {}, {}
        park = park_area_m2 is not None and check_scalar("park_area_m2", park_area_m2, positive=True)
        for key, it in chosen.items():
            eligible = fractions[key] > 0
            is_park = park and tuple(it.placement) == ("open_space",) and it.unit == "m2"
            sig = ("park" if is_park else "+".join(it.placement), eligible.tobytes())
            if sig not in by_eligible:  # measures with the same placement share their sites
                found = (park_sites(fractions[key], score, park_area_m2, cell, block, int(max_candidates)) if is_park
                         else measure_sites(eligible, score, block, int(max_candidates), prefix=sig[0]))
                for site in found:
                    site.index = len(sites)
                    sites.append(site)
                by_eligible[sig] = found
            sites_by_key[key] = by_eligible[sig]
    elif isinstance(candidates, gpd.GeoDataFrame):
        sites = parcel_sites(candidates, like, valid, label_column)
        sites_by_key = {key: sites for key in chosen}
    else:
        raise InputValueError(f"candidates must be a GeoDataFrame of parcels or None, got {type(candidates).__name__}")
    if not sites:
        raise InputValueError("no candidate site: no parcel covers a valid pixel, or no pixel with room for "
                              f"{list(chosen)} has a positive risk or weight")
    options = _options(sites_by_key, chosen, fractions, cell, like, plain)
    if not options:
        raise InputValueError(
            f"no candidate site offers room for any of {list(chosen)} (placements "
            f"{sorted({p for it in chosen.values() for p in it.placement})}) -- check the land cover and placement shares"
        )

    empty_plan, model, config = _cooling_state(
        cooling_model, plain, eti_scale=eti_scale, cell=cell, uhi_max=uhi_max, objective=obj, table=table,
        cooling_config=cooling_config, cooling_distance=cooling_distance, mixing_radius=mixing_radius,
        cc_method=cc_method, cc_weights=cc_weights)

    def make_state():
        return empty_plan.copy()

    problem = Problem(options, make_state)
    if method == "lazy-greedy":
        sel = lazy_greedy(problem, budget, max_sites=max_sites)
    elif method == "greedy":
        sel = naive_greedy(problem, budget, max_sites=max_sites)
    else:
        sel = milp_plan(problem, budget, max_sites=max_sites)
    sel.stats.update(method=method, candidate_sites=len(sites), options=len(options),
                     cheapest_option_eur=min(o.cost for o in options), **model)
    return OptimizationResult.build(
        sel, problem, sites, chosen, like=like, budget=budget, valid=valid, risk=risk, weights=weights,
        population=population, uhi_max=uhi_max, cell=cell, objective=obj, health=health, config=config,
        synthetic=synthetic,
    )
