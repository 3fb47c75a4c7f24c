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

_CATEGORY_COLOURS = {"green": "#1b9e3a", "white": "#f7f7f7", "blue": "#2c7fb8"}

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
        """Map of the chosen sites (outlined, numbered by rank, coloured by category) over the risk map."""
        import matplotlib.pyplot as plt
        from matplotlib import patheffects
        from matplotlib.lines import Line2D
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 6))
        bg = self.background
        label = "risk-weighted objective weight"
        if bg is not None:
            x, y = bg["x"].values, bg["y"].values
            dx = abs(float(x[1] - x[0])) if x.size > 1 else 1.0
            dy = abs(float(y[1] - y[0])) if y.size > 1 else 1.0
            extent = (x.min() - dx / 2, x.max() + dx / 2, y.min() - dy / 2, y.max() + dy / 2)
            origin = "upper" if y.size < 2 or y[0] > y[-1] else "lower"
            im = ax.imshow(bg.values, extent=extent, origin=origin, cmap="magma", interpolation="nearest")
            name = bg.attrs.get("long_name") or bg.name or label
            units = bg.attrs.get("units", "1")
            plt.colorbar(im, ax=ax, shrink=0.8, label=f"{name} [{units}]")
        handles = {}
        for _, row in self.sites.iterrows():
            colour = _CATEGORY_COLOURS.get(row["category"], "cyan")
            gpd.GeoSeries([row.geometry], crs=self.sites.crs).boundary.plot(ax=ax, color=colour, linewidth=1.5)
            c = row.geometry.centroid  # sites are small at city scale: a marker at each one
            ax.plot(c.x, c.y, marker="o", ms=7, mfc=colour, mec="black", mew=0.8, ls="none")
            handles.setdefault(row["intervention"], Line2D([], [], color=colour, marker="o", mec="black", ls="none",
                                                           label=f"{row['intervention']} ({row['category']})"))
        if len(self.sites):
            # one label per site listing the ranks of its measures ("1, 4"), placed where no other label is
            from uhi.plot import label_points

            ranks = self.sites.groupby("site", sort=False)["rank"].apply(lambda r: ", ".join(map(str, sorted(r))))
            centres = self.sites.groupby("site", sort=False).geometry.first().centroid
            label_points(ax, centres.x.to_numpy(), centres.y.to_numpy(), ranks.loc[centres.index].tolist(), color="white",
                         weight="bold", path_effects=[patheffects.withStroke(linewidth=2, foreground="black")])
        if handles:
            ax.legend(handles=list(handles.values()), loc="lower right", fontsize=7, framealpha=0.8)
        ax.set_title(f"{len(self.sites)} measures on {self.sites['site'].nunique()} sites, "
                     f"{self.stats.get('spent_eur', 0):,.0f} of {self.budget_eur:,.0f} EUR")
        from uhi.plot import add_north_arrow, add_scale_bar, use_font

        crs = self.delta_t_air.rio.crs
        if crs is not None:
            add_scale_bar(ax, crs)
            add_north_arrow(ax)
        ax.ticklabel_format(useOffset=False, style="plain")
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.set_xlabel("x [m]")
        ax.set_ylabel("y [m]")
        use_font(ax)
        return ax

    def plot_curve(self, ax=None):
        """Benefit vs budget (:func:`uhi.plot.benefit_curve`): risk-weighted cooling [person·K] against EUR spent
        in rank order, with the budget as a dashed line."""
        from uhi.plot import benefit_curve

        ax = benefit_curve(self.curve, ax=ax, title=f"Cooling benefit versus budget ({self.stats.get('method', '')})")
        ax.axvline(self.budget_eur, color="0.5", ls="--", lw=1, label=f"budget {self.budget_eur:,.0f} EUR")
        ax.legend(loc="lower right", fontsize=8)
        return ax

    # ------------------------------------------------------------------ files --
    def write(self, out_dir, *, overwrite: bool = False) -> list[Path]:
        """Write the site table (GeoPackage + CSV), ΔT_air (COG), map and curve (PNG), summary (JSON).

        Every file is written atomically inside ``out_dir``; existing files are refused unless
        ``overwrite`` (checked for all files before anything is written).
        """
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        from uhi.errors import OutputExistsError
        from uhi.io.write import atomic_path, safe_output_path, write_raster

        out_dir = Path(out_dir)
        paths = {name: safe_output_path(out_dir, name) for name in OUTPUT_FILES}
        if not overwrite:
            existing = [str(p) for p in paths.values() if p.exists()]
            if existing:
                raise OutputExistsError(f"{', '.join(existing)} already exist(s); pass overwrite=True (CLI: --overwrite)")
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(paths["optimized_sites.gpkg"], overwrite=overwrite) as tmp:
            self.sites.to_file(tmp, layer="optimized_sites", driver="GPKG")
        with atomic_path(paths["optimized_sites.csv"], overwrite=overwrite) as tmp:
            table = pd.DataFrame(self.sites.drop(columns="geometry"))
            table["geometry_wkt"] = self.sites.geometry.to_wkt()
            table.to_csv(tmp, index=False)
        for name, draw, size in (("optimized_sites_map.png", self.plot, (7, 6)),
                                 ("benefit_curve.png", self.plot_curve, (6, 4))):
            fig, ax = plt.subplots(figsize=size)
            try:
                draw(ax=ax)
                with atomic_path(paths[name], overwrite=overwrite) as tmp:
                    fig.savefig(tmp, dpi=120, bbox_inches="tight", format="png")
            finally:
                plt.close(fig)
        write_raster(self.delta_t_air, paths["delta_t_air.tif"], overwrite=overwrite)
        with atomic_path(paths["optimization_summary.json"], overwrite=overwrite) as tmp:
            summary = {"objective_person_k": self.objective, "budget_eur": self.budget_eur,
                       **{k: (v.item() if isinstance(v, np.generic) else v) for k, v in self.stats.items()}}
            tmp.write_text(json.dumps(summary, indent=1, default=str))
        return list(paths.values())
