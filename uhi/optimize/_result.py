"""Result of :func:`uhi.optimize.optimize`: ranked sites, benefit curve, plan ΔT_air, plots and files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from uhi._backend import set_cf

__all__ = ["OUTPUT_FILES", "OptimizationResult"]

#: Files written by :meth:`OptimizationResult.write` (inside ``out_dir``).
OUTPUT_FILES = ("optimized_sites.gpkg", "optimized_sites.csv", "optimized_sites_map.png", "benefit_curve.png",
                "delta_t_air.tif", "optimization_summary.json")


_COLUMNS = ["rank", "site", "intervention", "category", "units", "unit", "treated_area_m2", "cost_eur",
            "annualised_cost_eur_per_year", "gain", "cumulative_cost_eur", "cumulative_annualised_cost_eur_per_year",
            "cumulative_gain", "residents", "delta_t_air_site_k", "deaths_avoided_low", "deaths_avoided_central",
            "deaths_avoided_high", "person_degree_hours_reduced", "residents_cooled_0_5k", "geometry"]

#: Row outcomes from :func:`uhi.scenarios.outcomes.health_columns` (marginal: the plan with the row minus without it).
_OUTCOMES = ("deaths_avoided_low", "deaths_avoided_central", "deaths_avoided_high", "person_degree_hours_reduced",
             "residents_cooled_0_5k")


def _additivity(model: str, objective: str) -> str:
    """How exactly marginal gains add up under this cooling model and objective (for the summary)."""
    if model == "invest":
        text = ("InVEST: ΔT_air is only approximately additive (the 2 ha green-area switch and the HM max rule make "
                "nearby options interact); gains are exact marginal re-evaluations")
    else:
        text = ("literature: ΔT_air of options on different pixels adds up exactly (linear model); options on the same "
                "pixels interact through the parameter edits")
    if objective == "deaths_avoided":
        text += ("; deaths avoided are concave in the cooling (diminishing returns where the cooling of sites overlaps), "
                 "re-evaluated exactly (CELF)")
    elif objective == "person_degree_hours":
        text += ("; degree-hours avoided are piecewise linear and concave in the cooling (diminishing returns where the "
                 "cooling of sites overlaps), re-evaluated exactly (CELF)")
    return text


def _replay(sel, problem, shape):
    """Re-commit the plan in rank order: each change, and the model-only ΔT_air (and albedo part) before it."""
    state = problem.make_state()
    model = np.zeros(shape)
    albedo = np.zeros(shape)
    steps = []
    for idx in sel.order:
        change = problem.evaluate(state, problem.options[idx])
        state.commit(change)
        if change.delta_t is not None:
            w = change.w2
            before = (model[w].copy(), albedo[w].copy())
            model[w] += change.delta_t
            if getattr(change, "delta_albedo", None) is not None:
                albedo[w] += change.delta_albedo
            steps.append((w, before, (model[w].copy(), albedo[w].copy())))
        else:
            steps.append(None)
    return state, model, albedo, steps


def _range(delta, albedo, config):
    """(low, high) ΔT_air of the effect-size range (literature configuration), or (ΔT, ΔT) for InVEST."""
    if config is None:
        return delta, delta
    from uhi.cooling import effect_range

    return effect_range(albedo, delta - albedo, config)


def _row_outcomes(steps, pop, health, config) -> dict:
    """Marginal outcomes per rank: the zone 'after' minus the zone 'before' over the window the row changed, in one
    :func:`uhi.scenarios.outcomes.health_columns` call (zones 2k+1 / 2k+2 of rank k)."""
    from uhi.scenarios.outcomes import health_columns

    n = len(steps)
    parts = {"population": [], "delta_t_air_model": [], "delta_t_air_low": [], "delta_t_air_high": [], "zone": []}
    for k, step in enumerate(steps):
        if step is None:
            continue
        w, before, after = step
        p = pop[w].ravel()
        for j, (d, a) in enumerate((before, after)):
            lo, hi = _range(d, a, config)
            parts["population"].append(p)
            parts["delta_t_air_model"].append(d.ravel())
            parts["delta_t_air_low"].append(np.asarray(lo).ravel())
            parts["delta_t_air_high"].append(np.asarray(hi).ravel())
            parts["zone"].append(np.full(p.size, 2 * k + 1 + j, dtype=np.int64))
    if not parts["zone"]:
        return {k: np.zeros(n) for k in _OUTCOMES}
    flat = {k: np.concatenate(v) for k, v in parts.items()}
    maps = xr.Dataset({k: ("i", flat[k]) for k in ("population", "delta_t_air_model", "delta_t_air_low", "delta_t_air_high")})
    cols = health_columns(maps, flat["zone"], 2 * n, health)
    return {k: np.asarray(cols[k][1::2] - cols[k][0::2], dtype=np.float64) for k in _OUTCOMES}


@dataclass
class OptimizationResult:
    """What :func:`~uhi.optimize.optimize` chose and why.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        One row per chosen (site, intervention) in rank order: ``rank``, ``site`` (``<placement>:r<row>c<col>``
        of the site's top-left pixel, or the parcel label), ``intervention``, ``category``, ``units`` and ``unit``
        (trees, m², devices: the site's whole capacity), ``treated_area_m2``, ``cost_eur`` (capital),
        ``annualised_cost_eur_per_year`` (capital / lifetime + operation and maintenance), ``gain`` (exact
        marginal objective when added, in ``stats["objective_units"]``), cumulative cost, annualised cost and gain,
        ``residents`` (on the site), ``delta_t_air_site_k`` (mean ΔT_air of the whole plan over the site [K],
        negative = cooler; cooling model only, no hyper-local devices), the row's marginal outcomes
        ``deaths_avoided_low/central/high`` [deaths per summer] and ``person_degree_hours_reduced`` [person K h per
        summer] (NaN without health data) and ``residents_cooled_0_5k``, and ``geometry`` (the site's outline).
    curve : pandas.DataFrame
        Benefit vs budget: ``n_sites``, ``budget`` (capital EUR spent), ``annualised_cost`` [EUR/yr], ``benefit``
        (the objective) after each rank (units and objective name in ``curve.attrs``).
    delta_t_air : xarray.DataArray
        Air temperature change of the whole plan [K] (negative = cooler).
    objective : float
        The plan's objective ``F = Σ w·g(ΔT_air)`` (``stats["objective"]``, ``stats["objective_units"]``).
    budget_eur : float
    stats : dict
        Method, cooling model, objective, candidate and option counts, oracle evaluations, lazy re-evaluations,
        order changes, observed submodularity violations, which greedy pass won, how gains add up
        (``additivity``) and how many pixels carry more than one chosen measure.
    totals : dict
        Plan totals with the scenarios' definitions (:func:`uhi.scenarios.outcomes.outcome_totals`): deaths avoided
        low/central/high, person-degree-hours, residents cooled by >= 0.5 K, capital and annualised cost, EUR per
        outcome, health curve and note; ``cooling_model``, ``objective``, ``synthetic`` and its note.
    """

    sites: gpd.GeoDataFrame
    curve: pd.DataFrame
    delta_t_air: xr.DataArray
    objective: float
    budget_eur: float
    stats: dict = field(default_factory=dict)
    background: xr.DataArray | None = None
    _problem: object = field(default=None, repr=False)
    _option_index: dict = field(default_factory=dict, repr=False)
    totals: dict = field(default_factory=dict)
    synthetic: bool = False

    def objective_of(self, plan) -> float:
        """F (the run's objective) of any plan over the same options, e.g. a planner's own choice or a baseline.

        ``plan`` is a sequence of ``(site, intervention)`` pairs naming options of this run (``site`` as in
        the ``site`` column). Uses the same exact windowed model as the optimiser; the budget and
        placement rules are not checked.
        """
        from uhi.errors import InputValueError

        idx = []
        for site, key in plan:
            if (str(site), key) not in self._option_index:
                raise InputValueError(f"({site!r}, {key!r}) is not an option of this run (unknown site, or no room for {key!r} there)")
            idx.append(self._option_index[(str(site), key)])
        return self._problem.objective(idx)

    def options(self) -> pd.DataFrame:
        """Every (site, intervention) option of the run with units and cost [EUR]."""
        rows = [{"site": site, "intervention": key, "units": self._problem.options[i].units,
                 "cost_eur": self._problem.options[i].cost} for (site, key), i in self._option_index.items()]
        return pd.DataFrame(rows, columns=["site", "intervention", "units", "cost_eur"])

    @classmethod
    def build(cls, sel, problem, sites, chosen, *, like, budget, valid, risk, weights, population, uhi_max, cell,
              objective, health, config, synthetic=False):
        from uhi.optimize._sites import site_outline
        from uhi.scenarios.outcomes import outcome_totals
        from uhi.scenarios.placement import Placement
        from uhi.synthetic import SYNTHETIC_NOTE

        state, model, albedo, steps = _replay(sel, problem, like.shape)
        delta = np.where(valid, state.delta_t, np.nan).astype(np.float32)
        da = xr.DataArray(delta, coords=like.coords, dims=like.dims)
        if like.rio.crs is not None:
            da = da.rio.write_crs(like.rio.crs)
        model_name = sel.stats.get("cooling_model", "literature")
        extra = {"synthetic": SYNTHETIC_NOTE} if synthetic else {}
        da = set_cf(da, name="delta_t_air", units="K", long_name="air temperature change of the optimised plan",
                    source=f"{model_name} cooling model, windowed (uhi.optimize)", uhi_max_degC=uhi_max,
                    cooling_model=model_name, objective=objective.name, **extra)
        pop = np.zeros(like.shape) if population is None else np.nan_to_num(np.asarray(population.values, dtype=np.float64))
        marginal = _row_outcomes(steps, pop, health, config)
        transform = like.rio.transform()
        rows, placements = [], []
        treated = np.zeros(like.shape, dtype=np.float32)
        cum_cost = cum_annual = cum_gain = 0.0
        for k, (idx, gain) in enumerate(zip(sel.order, sel.gains)):
            o = problem.options[idx]
            site = sites[o.site]
            it = chosen[o.key]
            cum_cost += o.cost
            cum_annual += o.annual_cost
            cum_gain += gain
            on_site = model[o.rows, o.cols][site.mask]
            treated[o.rows, o.cols] = np.maximum(treated[o.rows, o.cols], site.mask)
            placements.append(Placement(site.label, it, o.units, o.treated_area_m2, o.cost, None, None, None))
            rows.append({
                "rank": k + 1, "site": site.label, "intervention": o.key, "category": it.category,
                "units": o.units, "unit": it.unit, "treated_area_m2": o.treated_area_m2, "cost_eur": o.cost,
                "annualised_cost_eur_per_year": o.annual_cost, "gain": gain, "cumulative_cost_eur": cum_cost,
                "cumulative_annualised_cost_eur_per_year": cum_annual, "cumulative_gain": cum_gain,
                "residents": float(pop[o.rows, o.cols][site.mask].sum()) if population is not None else np.nan,
                "delta_t_air_site_k": float(np.mean(on_site)) if on_site.size else np.nan,
                **{c: float(marginal[c][k]) for c in _OUTCOMES},
                "geometry": site.geometry if site.geometry is not None else site_outline(site, transform),
            })
        table = gpd.GeoDataFrame(pd.DataFrame(rows, columns=_COLUMNS), geometry="geometry", crs=like.rio.crs)
        curve = pd.DataFrame({
            "n_sites": np.arange(len(rows) + 1),
            "budget": np.concatenate([[0.0], table["cumulative_cost_eur"].to_numpy(dtype=float)]),
            "annualised_cost": np.concatenate([[0.0], table["cumulative_annualised_cost_eur_per_year"].to_numpy(dtype=float)]),
            "benefit": np.concatenate([[0.0], table["cumulative_gain"].to_numpy(dtype=float)]),
        })
        curve.attrs.update(units={"budget": "EUR", "annualised_cost": "EUR/yr", "benefit": objective.units},
                           objective=objective.name, label=objective.long_name)
        # plan totals with the scenarios' definitions (uhi.scenarios.outcomes.outcome_totals) on the model ΔT_air
        lo, hi = _range(model, albedo, config)
        maps = xr.Dataset({"population": (like.dims, pop), "delta_t_air_model": (like.dims, model),
                           "delta_t_air_low": (like.dims, np.asarray(lo)), "delta_t_air_high": (like.dims, np.asarray(hi)),
                           "treated_fraction": (like.dims, treated)})
        totals = outcome_totals(maps, placements, health)
        totals.update(capital_cost_eur=cum_cost, objective=objective.name, objective_units=objective.units,
                      objective_long_name=objective.long_name, cooling_model=model_name,
                      synthetic=bool(synthetic), synthetic_note=SYNTHETIC_NOTE if synthetic else "")
        counts = np.zeros(like.shape, dtype=np.int16)
        for idx in sel.order:
            o = problem.options[idx]
            counts[o.rows, o.cols] += sites[o.site].mask
        overlap = int((counts > 1).sum())
        stats = dict(sel.stats, selected=len(rows), budget_eur=budget, spent_eur=cum_cost, cell_m=cell, objective=objective.name,
                     objective_units=objective.units, pixels_with_several_measures=overlap,
                     additivity=_additivity(model_name, objective.name))
        background = risk if risk is not None else weights
        index = {(sites[o.site].label, o.key): o.index for o in problem.options}
        return cls(table, curve, da, float(cum_gain), float(budget), stats, background, problem, index, totals, bool(synthetic))

    # ------------------------------------------------------------------ plots --
    def plot(self, ax=None):
        """Map of the chosen sites (outlined, numbered by rank, coloured by category) over the risk map
        (:func:`uhi.plot.sites_map`)."""
        from uhi.plot import sites_map

        return sites_map(self, ax=ax)

    def plot_curve(self, ax=None):
        """Benefit vs budget (:func:`uhi.plot.budget_curve`): risk-weighted cooling [person·K] against EUR spent."""
        from uhi.plot import budget_curve

        return budget_curve(self, ax=ax)

    # ------------------------------------------------------------------ files --
    def write(self, out_dir, *, overwrite: bool = False) -> list[Path]:
        """Write the site table (GeoPackage + CSV), ΔT_air (COG), map and curve (PNG), summary (JSON).

        The folder is written as a unit (:func:`uhi.io.write.output_folder`); existing outputs are refused
        before anything is written unless ``overwrite``.
        """
        from uhi.io import write as io_write
        from uhi.plot import optimize_pngs

        out_dir = io_write.refuse_existing(out_dir, overwrite=overwrite, names=OUTPUT_FILES)
        pngs = optimize_pngs(self)
        with io_write.output_folder(out_dir, overwrite=overwrite) as folder:
            paths = {name: io_write.safe_output_path(folder, name) for name in OUTPUT_FILES}
            with io_write.atomic_path(paths["optimized_sites.gpkg"], overwrite=overwrite) as tmp:
                self.sites.to_file(tmp, layer="optimized_sites", driver="GPKG")
            with io_write.atomic_path(paths["optimized_sites.csv"], overwrite=overwrite) as tmp:
                table = pd.DataFrame(self.sites.drop(columns="geometry"))
                table["geometry_wkt"] = self.sites.geometry.to_wkt()
                table.to_csv(tmp, index=False)
            for name, png in pngs.items():
                with io_write.atomic_path(paths[name], overwrite=overwrite) as tmp:
                    tmp.write_bytes(png)
            io_write.write_raster(self.delta_t_air, paths["delta_t_air.tif"], overwrite=overwrite)
            with io_write.atomic_path(paths["optimization_summary.json"], overwrite=overwrite) as tmp:
                summary = {"objective": self.stats.get("objective"), "objective_value": self.objective,
                           "budget_eur": self.budget_eur, **self.totals,
                           "stats": {k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.stats.items()}}
                tmp.write_text(json.dumps(summary, indent=1, default=str))
        return io_write.written_paths(paths.values(), folder, out_dir)
