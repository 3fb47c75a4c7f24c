"""Figures of an optimisation result (:class:`uhi.optimize.OptimizationResult`): chosen sites and benefit vs budget."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib.pyplot as plt
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ._decor import add_north_arrow, add_scale_bar, label_points, use_font
from .charts import benefit_curve

__all__ = ["budget_curve", "optimize_pngs", "sites_map"]

#: Site colours by intervention category.
CATEGORY_COLOURS = {"green": "#1b9e3a", "white": "#f7f7f7", "blue": "#2c7fb8"}


def sites_map(result, ax=None, *, zoom: bool = False):
    """Map of an :class:`uhi.optimize.OptimizationResult`'s chosen sites over the risk map: each site's outline (the
    connected patch or parcel it fills), coloured by category and numbered by rank; the title names the cooling
    model and says so when the scene is synthetic. ``zoom=True`` frames the best site (rank 1) with 600 m around it,
    so the outlines of the sites there can be seen."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 6))
    bg = result.background
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
    for _, row in result.sites.iterrows():
        colour = CATEGORY_COLOURS.get(row["category"], "cyan")
        gpd.GeoSeries([row.geometry], crs=result.sites.crs).boundary.plot(ax=ax, color=colour, linewidth=1.5)
        c = row.geometry.centroid  # sites are small at city scale: a marker at each one
        ax.plot(c.x, c.y, marker="o", ms=7, mfc=colour, mec="black", mew=0.8, ls="none")
        handles.setdefault(row["intervention"], Line2D([], [], color=colour, marker="o", mec="black", ls="none",
                                                       label=f"{row['intervention']} ({row['category']})"))
    if len(result.sites):
        # one label per site listing the ranks of its measures ("1, 4"), placed where no other label is
        ranks = result.sites.groupby("site", sort=False)["rank"].apply(lambda r: ", ".join(map(str, sorted(r))))
        centres = result.sites.groupby("site", sort=False).geometry.first().centroid
        label_points(ax, centres.x.to_numpy(), centres.y.to_numpy(), ranks.loc[centres.index].tolist(), color="white",
                     weight="bold", path_effects=[patheffects.withStroke(linewidth=2, foreground="black")])
    if handles:
        ax.legend(handles=list(handles.values()), loc="lower right", fontsize=7, framealpha=0.8)
    ax.set_title(f"{_prefix(result)}{len(result.sites)} measures on {result.sites['site'].nunique()} sites, "
                 f"{result.stats.get('spent_eur', 0):,.0f} of {result.budget_eur:,.0f} EUR\n"
                 f"({result.stats.get('cooling_model', '')} cooling, objective: {result.stats.get('objective', '')})", fontsize=10)
    if zoom and len(result.sites):
        x0, y0, x1, y1 = result.sites.geometry.iloc[0].bounds
        ax.set_xlim(x0 - 600.0, x1 + 600.0)
        ax.set_ylim(y0 - 600.0, y1 + 600.0)
        ax.set_title(f"{_prefix(result)}around the best site ({result.sites['intervention'].iloc[0]} at "
                     f"{result.sites['site'].iloc[0]}): site outlines", fontsize=10)
    crs = result.delta_t_air.rio.crs
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


def _prefix(result) -> str:
    return "SYNTHETIC city - " if getattr(result, "synthetic", False) else ""


def budget_curve(result, ax=None):
    """Benefit vs budget (:func:`uhi.plot.benefit_curve`): the run's objective (heat deaths avoided per summer,
    person-degree-hours or risk-weighted cooling, named on the axis) against capital EUR spent in rank order,
    with the budget as a dashed line."""
    ax = benefit_curve(result.curve, ax=ax, title=f"{_prefix(result)}Benefit versus budget ({result.stats.get('method', '')})")
    attrs = result.curve.attrs
    if attrs.get("label"):
        ax.set_ylabel(f"{attrs['label'][0].upper()}{attrs['label'][1:]}\n[{attrs['units']['benefit']}]")
    ax.xaxis.set_major_locator(MaxNLocator(4))  # "2,000,000" tick labels: four fit side by side
    ax.axvline(result.budget_eur, color="0.5", ls="--", lw=1, label=f"budget {result.budget_eur:,.0f} EUR")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def optimize_pngs(result) -> dict[str, bytes]:
    """PNG bytes of the site map (the city, and the chosen sites up close) and the benefit curve, keyed by the file
    names :meth:`OptimizationResult.write` uses."""
    out = {}

    def both_maps(result, ax):  # the city, and the chosen sites up close with their outlines
        sites_map(result, ax=ax[0])
        sites_map(result, ax=ax[1], zoom=True)

    for name, draw, size, n in (("optimized_sites_map.png", both_maps, (14, 6), 2), ("benefit_curve.png", budget_curve, (6, 4), 1)):
        fig, ax = plt.subplots(1, n, figsize=size)
        try:
            draw(result, ax=ax)
            buf = io.BytesIO()
            fig.savefig(buf, dpi=120, bbox_inches="tight", format="png")
            out[name] = buf.getvalue()
        finally:
            plt.close(fig)
    return out
