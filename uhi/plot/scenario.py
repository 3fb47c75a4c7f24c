"""Figures of scenario results: maps of the air and surface temperature change, temperatures, risk classes.

The scenario engine draws nothing itself: :meth:`uhi.scenarios.ScenarioResult.plot` and ``.figures()``
call these functions, which read ``result.name``, ``result.maps``, ``result.table``, ``result.sites``
and ``result.totals``.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ._decor import add_north_arrow, add_scale_bar
from .maps import delta_map, risk_map

__all__ = ["figure_png", "figure_pngs", "scenario_figures", "scenario_map"]


def _title_prefix(result) -> str:
    return "SYNTHETIC city - " if result.totals.get("synthetic") else ""


def _imshow(ax, da: xr.DataArray, *, cmap: str, title: str, label: str, vmin=None, vmax=None):
    x, y = da["x"].values, da["y"].values
    extent = [x[0], x[-1], y[-1], y[0]]
    im = ax.imshow(np.asarray(da.values, dtype=np.float64), cmap=cmap, vmin=vmin, vmax=vmax, extent=extent, interpolation="nearest")
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label=label)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("x [m]")
    ax.set_ylabel("y [m]")
    ax.ticklabel_format(style="plain", useOffset=False)
    return ax


_SHORT = {"delta_t_air": "ΔT air", "delta_t_air_model": "ΔT air (cooling model)", "delta_t_air_local": "ΔT air (hyper-local)",
          "delta_lst": "ΔLST", "t_air_baseline": "T air before", "t_air_scenario": "T air after",
          "risk_class_baseline": "risk before", "risk_class_scenario": "risk after"}


def scenario_map(result, variable: str = "delta_t_air", ax=None):
    """Map of one of ``result.maps`` (a :class:`uhi.scenarios.ScenarioResult`; default the air temperature change)
    with district outlines; returns the Axes.

    Differences use :func:`uhi.plot.delta_map` (diverging, centred on 0), risk classes
    :func:`uhi.plot.risk_map`, temperatures a perceptually uniform ``inferno`` map.
    """
    da = result.maps[variable]
    title = f"{_title_prefix(result)}{result.name}: {_SHORT.get(variable, variable)}"
    outlines = result.table[["district", "geometry"]] if result.table is not None else None
    if variable.startswith("risk_class"):
        return risk_map(da, ax=ax, title=title, districts=outlines, legend_loc="lower right")
    if variable.startswith("delta"):
        label = "Surface temperature change" if variable == "delta_lst" else "Air temperature change"
        sites = result.sites
        ax = delta_map(da, ax=ax, title=title, districts=outlines, label=label, treated=sites)
        if sites.any():  # outline the treated sites
            x, y = da["x"].values, da["y"].values
            ax.contour(x, y, sites.astype(float), levels=[0.5], colors="k", linewidths=0.6)
        return ax
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    units = da.attrs.get("units", "")
    _imshow(ax, da, cmap="inferno", title=title, label=f"{_SHORT.get(variable, variable)} [{'°C' if units == 'degC' else units}]")
    add_scale_bar(ax, da.rio.crs)
    add_north_arrow(ax)
    return ax


def scenario_figures(result) -> dict:
    """Matplotlib figures of a scenario result keyed by PNG file name: T_air before / after / difference, risk classes."""
    t0, t1 = result.maps["t_air_baseline"], result.maps["t_air_scenario"]
    vmin = float(np.nanmin([np.nanmin(t0.values), np.nanmin(t1.values)]))
    vmax = float(np.nanmax(t0.values))
    figs = {}
    for fname, da, title in (("t_air_before.png", t0, "air temperature before"), ("t_air_after.png", t1, "air temperature after")):
        fig, ax = plt.subplots(figsize=(6, 5))
        _imshow(ax, da, cmap="inferno", vmin=vmin, vmax=vmax, title=f"{_title_prefix(result)}{result.name}: {title}", label="T_air [°C]")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        add_scale_bar(ax, da.rio.crs)
        add_north_arrow(ax)
        figs[fname] = fig
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    scenario_map(result, "delta_t_air", axes[0])
    scenario_map(result, "delta_lst", axes[1])
    figs["t_air_difference.png"] = fig
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    scenario_map(result, "risk_class_baseline", axes[0])
    scenario_map(result, "risk_class_scenario", axes[1])
    figs["risk_classes.png"] = fig
    for f in figs.values():  # fixed margins: tight_layout costs more than the drawing itself
        f.subplots_adjust(left=0.04, right=0.93 if len(f.axes) <= 2 else 0.95, bottom=0.05, top=0.92, wspace=0.25)
    return figs


def figure_png(fig) -> bytes:
    """PNG bytes of a figure (for embedding)."""
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    return buf.getvalue()


def figure_pngs(figures: dict) -> dict[str, bytes]:
    """PNG bytes of each figure of ``{file name: figure}``; the figures are closed."""
    out = {}
    for name, fig in figures.items():
        out[name] = figure_png(fig)
        plt.close(fig)
    return out
