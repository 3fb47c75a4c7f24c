"""Per-district maps and charts: choropleths, residents-at-risk bars, benefit-vs-budget curves.

Tables come from :mod:`uhi.zonal` (their ``attrs["units"]`` give the colour-bar
units) and from the optimiser (a benefit curve: one row per budget level).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize

from ..errors import InputValueError
from ..units import ZERO_CELSIUS_K
from ._decor import _HALO, KELVIN_UNITS, _axes, finish_map, map_title, use_font
from .maps import RISK_COLOURS, _colorbar

__all__ = ["benefit_curve", "column_label", "district_choropleth", "risk_bars"]

#: Statistics that are temperature *differences* (no 273.15 offset when shown in degC).
_DIFFERENCE_SUFFIXES = ("_std",)
#: Display names of glossary variables (docs/ARCHITECTURE.md) and of uhi.zonal statistics.
_VARIABLE_NAMES = {"lst": "LST", "ndvi": "NDVI", "ndbi": "NDBI", "utfvi": "UTFVI", "t_air": "air temperature", "hm": "heat mitigation index"}
_STAT_NAMES = {
    "mean": "mean", "min": "minimum", "max": "maximum", "std": "standard deviation", "median": "median", "count": "valid pixels",
    "sum": "sum", "area_m2": "valid area", "area_share_above": "area share above threshold", "weighted_mean": "weighted mean",
    "population_weighted_mean": "population-weighted mean",
}


def column_label(column: str) -> str:
    """Readable name of a zonal-statistics column: ``lst_p90`` -> ``LST 90th percentile``."""
    for stat in sorted(_STAT_NAMES, key=len, reverse=True):
        if column.endswith("_" + stat):
            var = column[: -len(stat) - 1]
            return f"{_VARIABLE_NAMES.get(var, var.replace('_', ' '))} {_STAT_NAMES[stat]}"
    head, _, stat = column.rpartition("_")
    if head and stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit():
        q = stat[1:]
        suffix = "th" if not q.endswith(("1", "2", "3")) or q.endswith(("11", "12", "13")) else {"1": "st", "2": "nd", "3": "rd"}[q[-1]]
        return f"{_VARIABLE_NAMES.get(head, head.replace('_', ' '))} {q}{suffix} percentile"
    return _VARIABLE_NAMES.get(column, column.replace("_", " "))


def _unit_label(units: str | None) -> str:
    if not units or units == "1":
        return ""
    return {"degC": "°C", "m2": "m²", "km2": "km²"}.get(units, units)


def _label_column(table: pd.DataFrame, label_column: str | None) -> pd.Series:
    if label_column is not None:
        if label_column not in table.columns:
            raise InputValueError(f"label_column {label_column!r} is not a column of the table; columns: {list(table.columns)}")
        return table[label_column].astype(str)
    for col in table.columns:
        if col != getattr(table, "_geometry_column_name", None) and (
            pd.api.types.is_string_dtype(table[col]) or pd.api.types.is_object_dtype(table[col])
        ):
            return table[col].astype(str)
    return pd.Series(table.index.astype(str), index=table.index)


def district_choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    ax: Axes | None = None,
    cmap: str = "inferno",
    title: str | None = None,
    label: str | None = None,
    units: str | None = None,
    celsius: bool = True,
    annotate: bool | None = None,
    label_column: str | None = None,
    fmt: str = "{:.1f}",
) -> Axes:
    """Choropleth of one column of a per-district table, with colour bar, scale bar and north arrow.

    Units come from ``units`` or ``gdf.attrs["units"][column]`` (set by :func:`uhi.zonal.zonal_stats`);
    kelvin columns are shown in °C when ``celsius`` (standard deviations without the offset).
    A geographic (degree) table is drawn in its UTM zone (``estimate_utm_crs``) so shapes and
    the scale bar are true. ``annotate`` writes each value at the district's representative
    point (default: when there are at most 30 districts).
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputValueError(f"district_choropleth needs a GeoDataFrame, got {type(gdf).__name__}")
    if column not in gdf.columns:
        raise InputValueError(f"column {column!r} is not in the table; columns: {[c for c in gdf.columns if c != gdf.geometry.name]}")
    units = units if units is not None else (gdf.attrs.get("units") or {}).get(column)
    values = pd.to_numeric(gdf[column], errors="coerce").to_numpy(dtype=float)
    if units in KELVIN_UNITS and celsius:
        values = values if column.endswith(_DIFFERENCE_SUFFIXES) else values - ZERO_CELSIUS_K
        units = "°C"
    plot_gdf = gdf
    if gdf.crs is not None and gdf.crs.is_geographic:
        plot_gdf = gdf.to_crs(gdf.estimate_utm_crs())
    plot_gdf = plot_gdf.assign(_value=values)
    finite = values[np.isfinite(values)]
    norm = Normalize(float(finite.min()), float(finite.max())) if finite.size else Normalize(0, 1)
    ax = _axes(ax)
    n_before = len(ax.collections)
    plot_gdf.plot(
        column="_value", ax=ax, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.6,
        missing_kwds={"color": "0.85", "hatch": "///", "edgecolor": "white", "label": "no data"},
    )
    unit = _unit_label(units)
    name = label or column_label(column)
    polygons = ax.collections[n_before] if len(ax.collections) > n_before else ScalarMappable(norm=norm, cmap=cmap)
    _colorbar(ax, polygons, f"{name} [{unit}]" if unit else name)
    if annotate is None:
        annotate = len(gdf) <= 30
    if annotate:
        for point, value in zip(plot_gdf.geometry.representative_point(), values):
            if np.isfinite(value) and point is not None and not point.is_empty:
                ax.annotate(fmt.format(value), (point.x, point.y), ha="center", va="center", fontsize=7, path_effects=_HALO)
    ax.set_title(map_title(f"{name[0].upper() + name[1:]} by district", gdf, title=title))
    finish_map(ax, plot_gdf.crs)
    return ax


def risk_bars(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    column: str = "people_in_classes",
    label_column: str | None = None,
    title: str | None = None,
    top: int | None = 15,
    colour: str = RISK_COLOURS[4],
) -> Axes:
    """Horizontal bars of residents in the top risk classes per district, largest first.

    ``table`` is the output of :func:`uhi.zonal.people_in_classes` (``people_in_classes``,
    ``share_in_classes``, ``attrs["classes"]``) or any table with ``column``. Each bar is
    annotated with the share of the district's residents when ``share_in_classes`` is present.
    Only the ``top`` districts are shown (all with ``top=None``).
    """
    if column not in table.columns:
        raise InputValueError(f"column {column!r} is not in the table; columns: {list(table.columns)}")
    labels = _label_column(table, label_column)
    values = pd.to_numeric(table[column], errors="coerce").fillna(0.0)
    order = values.sort_values(ascending=False).index
    shown_all = top is None or len(order) <= top
    if not shown_all:
        order = order[:top]
    ax = _axes(ax, figsize=(7.5, 0.35 * len(order) + 1.5))
    y = np.arange(len(order))[::-1]
    bars = ax.barh(y, values.loc[order].to_numpy(), color=colour, edgecolor="0.3", linewidth=0.5)
    ax.set_yticks(y, labels.loc[order].tolist())
    classes = table.attrs.get("classes")
    what = f"Residents in risk classes {', '.join(map(str, classes))}" if classes else column.replace("_", " ").capitalize()
    ax.set_xlabel(f"{what} [people]")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    if "share_in_classes" in table.columns:
        shares = table["share_in_classes"].loc[order].to_numpy(dtype=float)
        texts = [f" {s:.0%}" if np.isfinite(s) else "" for s in shares]
        ax.bar_label(bars, labels=texts, fontsize=7, padding=2)
    ax.margins(x=0.12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="0.9")
    ax.set_axisbelow(True)
    heading = map_title("Residents at high heat risk", table, title=title)
    if not shown_all:  # a planner must see that districts are missing
        heading += f"\n(top {len(order)} of {len(values)} districts, largest first; all are in the district table)"
    ax.set_title(heading)
    use_font(ax)
    return ax


def benefit_curve(
    curve: pd.DataFrame,
    *,
    ax: Axes | None = None,
    budget: str = "budget",
    benefit: str = "benefit",
    budget_units: str | None = None,
    benefit_units: str | None = None,
    label_column: str | None = None,
    title: str | None = None,
) -> Axes:
    """Benefit versus budget (the optimiser's efficiency frontier), one marker per budget level.

    Units from the arguments or ``curve.attrs["units"]``; ``label_column`` (e.g. the
    interventions chosen) annotates each point.
    """
    for col in (budget, benefit):
        if col not in curve.columns:
            raise InputValueError(f"benefit curve needs a {col!r} column; columns: {list(curve.columns)}")
    units = curve.attrs.get("units") or {}
    budget_units = budget_units if budget_units is not None else units.get(budget)
    benefit_units = benefit_units if benefit_units is not None else units.get(benefit)
    data = curve.sort_values(budget)
    x = pd.to_numeric(data[budget], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(data[benefit], errors="coerce").to_numpy(dtype=float)
    ax = _axes(ax, figsize=(7.0, 4.5))
    ax.plot(x, y, marker="o", color="#1b7837", linewidth=1.8, markersize=5)
    ax.fill_between(x, y, alpha=0.12, color="#1b7837")
    if label_column is not None:
        for xi, yi, text in zip(x, y, _label_column(data, label_column)):
            ax.annotate(text, (xi, yi), xytext=(4, 4), textcoords="offset points", fontsize=7)
    bl, nl = _unit_label(budget_units), _unit_label(benefit_units)
    ax.set_xlabel(f"{budget.replace('_', ' ').capitalize()}" + (f" [{bl}]" if bl else ""))
    ax.set_ylabel(f"{benefit.replace('_', ' ').capitalize()}" + (f" [{nl}]" if nl else ""))
    for axis, vals in ((ax.xaxis, x), (ax.yaxis, y)):
        if np.nanmax(np.abs(vals), initial=0.0) >= 1e4:  # 3,500,000 rather than 3.5 with a 1e6 offset
            axis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(color="0.9")
    ax.set_axisbelow(True)
    ax.set_title(map_title("Cooling benefit versus budget", curve, title=title))
    return ax
