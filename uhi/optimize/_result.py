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


_COLUMNS = ["rank", "site", "intervention", "category", "units", "unit", "treated_area_m2", "cost_eur", "gain",
            "cumulative_cost_eur", "cumulative_gain", "residents", "mean_delta_t_k", "geometry"]


@dataclass
class OptimizationResult:
    """What :func:`~uhi.optimize.optimize` chose and why.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        One row per chosen (site, intervention) in rank order: ``rank``, ``site`` (block id or parcel label),
        ``intervention``, ``category``, ``units`` and ``unit`` (trees, m², devices), ``treated_area_m2``,
        ``cost_eur``, ``gain`` (exact marginal risk-weighted cooling when added [person·K]),
        ``cumulative_cost_eur``, ``cumulative_gain``, ``residents`` (on the site; NaN without population),
        ``mean_delta_t_k`` (mean ΔT_air of the whole plan over the site [K], negative = cooler), ``geometry``.
    curve : pandas.DataFrame
        Benefit vs budget: ``n_sites``, ``budget`` (EUR spent), ``benefit`` (F [person·K]) after each rank
        (units in ``curve.attrs["units"]``).
    delta_t_air : xarray.DataArray
        Air temperature change of the whole plan [K] (negative = cooler).
    objective : float
        ``F = -Σ w·ΔT_air`` of the plan [person·K].
    budget_eur : float
    stats : dict
        Method, candidate and option counts, oracle evaluations, lazy re-evaluations, order changes,
        observed submodularity violations, which greedy pass (cost-benefit or unit-cost) won.
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

    def objective_of(self, plan) -> float:
        """F [person·K] of any plan over the same options, e.g. a planner's own choice or a baseline.

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
    def build(cls, sel, problem, sites, chosen, *, like, budget, valid, risk, weights, population, uhi_max, cell):
        delta = np.where(valid, sel.state.delta_t, np.nan).astype(np.float32)
        da = xr.DataArray(delta, coords=like.coords, dims=like.dims)
        if like.rio.crs is not None:
            da = da.rio.write_crs(like.rio.crs)
        da = set_cf(da, name="delta_t_air", units="K", long_name="air temperature change of the optimised plan",
                    source="InVEST Urban Cooling Model equations, windowed (uhi.optimize)", uhi_max_degC=uhi_max)
        pop = None if population is None else np.nan_to_num(np.asarray(population.values, dtype=np.float64))
        rows = []
        cum_cost = cum_gain = 0.0
        for rank, (idx, gain) in enumerate(zip(sel.order, sel.gains), 1):
            o = problem.options[idx]
            site = sites[o.site]
            it = chosen[o.key]
            cum_cost += o.cost
            cum_gain += gain
            on_site = delta[o.rows, o.cols][site.mask]
            rows.append({
                "rank": rank, "site": site.label, "intervention": o.key, "category": it.category,
                "units": o.units, "unit": it.unit, "treated_area_m2": o.treated_area_m2, "cost_eur": o.cost,
                "gain": gain, "cumulative_cost_eur": cum_cost, "cumulative_gain": cum_gain,
                "residents": float(pop[o.rows, o.cols][site.mask].sum()) if pop is not None else np.nan,
                "mean_delta_t_k": float(np.nanmean(on_site)) if on_site.size else np.nan,
                "geometry": site.geometry,
            })
        table = gpd.GeoDataFrame(pd.DataFrame(rows, columns=_COLUMNS), geometry="geometry", crs=like.rio.crs)
        curve = pd.DataFrame({
            "n_sites": np.arange(len(rows) + 1),
            "budget": np.concatenate([[0.0], table["cumulative_cost_eur"].to_numpy(dtype=float)]),
            "benefit": np.concatenate([[0.0], table["cumulative_gain"].to_numpy(dtype=float)]),
        })
        curve.attrs["units"] = {"budget": "EUR", "benefit": "person·K"}
        stats = dict(sel.stats, selected=len(rows), budget_eur=budget, spent_eur=cum_cost, cell_m=cell)
        background = risk if risk is not None else weights
        index = {(sites[o.site].label, o.key): o.index for o in problem.options}
        return cls(table, curve, da, float(cum_gain), float(budget), stats, background, problem, index)

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
                summary = {"objective_person_k": self.objective, "budget_eur": self.budget_eur,
                           **{k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.stats.items()}}
                tmp.write_text(json.dumps(summary, indent=1, default=str))
        return io_write.written_paths(paths.values(), folder, out_dir)
