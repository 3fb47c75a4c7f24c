"""Map furniture shared by every plot: extent, scale bar, north arrow, titles, colour bars, saving.

The scale bar measures the axes' own coordinates: metres on a projected CRS
(length chosen as a round 1/2/5 x 10^k close to a fifth of the map width); on a
geographic CRS (degrees) it is drawn for the east-west distance at the map's
central latitude (one degree of longitude = 111.32 km x cos(latitude), spherical
Earth, WGS 84 equatorial circumference / 360) and says so in its label. Without a
CRS there is neither scale bar nor north arrow (the axes are not a map).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

from ..errors import InputValueError
from ..io.write import atomic_path
from ..units import CELSIUS_UNITS, KELVIN_UNITS

__all__ = [
    "CELSIUS_UNITS",
    "KELVIN_UNITS",
    "add_north_arrow",
    "add_scale_bar",
    "crs_of",
    "legend_outside",
    "label_points",
    "use_font",
    "finish_map",
    "map_title",
    "nice_length",
    "raster_extent",
    "save_figure",
]

#: Length of one degree of latitude / of longitude at the equator [m] (WGS 84 equatorial circumference / 360).
METRES_PER_DEGREE = 111_319.49
_HALO = [pe.withStroke(linewidth=3, foreground="white")]
#: Font for every uhi figure: DejaVu Sans ships with matplotlib and covers Latin Extended (Niš, Timișoara,
#: Győr), Cyrillic (София, Ниш) and Greek, so place names in any script of the pilot cities render.
FONT_FAMILY = ["DejaVu Sans", "sans-serif"]


def use_font(ax: Axes) -> Axes:
    """Set :data:`FONT_FAMILY` on every text of ``ax``'s figure (titles, labels, legends, annotations, ticks)."""
    from matplotlib.text import Text

    for text in ax.figure.findobj(Text):
        text.set_fontfamily(FONT_FAMILY)
    return ax


def legend_outside(ax: Axes, handles, *, title: str, loc: str = "outside", **kwargs):
    """A legend beside the map (``loc="outside"``, right of the axes, top-aligned) or at a matplotlib ``loc``.

    Outside, it never hides data; the figure is saved with ``bbox_inches="tight"`` so it stays in the image.
    """
    if loc == "outside":
        return ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                         frameon=False, **kwargs)
    return ax.legend(handles=handles, title=title, loc=loc, framealpha=0.85, **kwargs)


def label_points(ax: Axes, xs, ys, texts, *, fontsize: float = 7, **kwargs) -> list:
    """Write ``texts`` next to the points ``(xs, ys)`` (data coordinates) without overlapping one another.

    Greedy placement: each label tries sixteen directions around its point at growing distances
    (6 to 56 points) and takes the first position whose box overlaps no label already placed and
    stays inside the axes; a label moved beyond the first ring gets a thin leader line to its point.
    When every position is taken, the one with the least overlap is used. Returns the text artists.
    """
    from matplotlib.text import Text

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed, artists = [], []
    axes_box = ax.get_window_extent(renderer)
    angles = np.deg2rad(np.array([0, 90, 180, 270, 45, 135, 225, 315, 22.5, 67.5, 112.5, 157.5, 202.5, 247.5, 292.5, 337.5]))

    def overlap(box) -> float:
        return sum(max(0.0, min(box.x1, o.x1) - max(box.x0, o.x0)) * max(0.0, min(box.y1, o.y1) - max(box.y0, o.y0))
                   for o in placed)

    for x, y, text in zip(xs, ys, texts):
        best = None  # (overlap, artist, box)
        for radius in (6, 12, 20, 30, 42, 56):
            for angle in angles:
                dx, dy = float(np.cos(angle)), float(np.sin(angle))
                ha = "left" if dx > 0.3 else "right" if dx < -0.3 else "center"
                va = "bottom" if dy > 0.3 else "top" if dy < -0.3 else "center"
                leader = {"arrowprops": {"arrowstyle": "-", "color": "0.6", "lw": 0.6, "shrinkA": 0, "shrinkB": 3}} if radius > 6 else {}
                artist = ax.annotate(text, (x, y), xytext=(dx * radius, dy * radius), textcoords="offset points",
                                     ha=ha, va=va, fontsize=fontsize, **leader, **kwargs)
                artist.update_positions(renderer)
                box = Text.get_window_extent(artist, renderer).expanded(1.05, 1.1)  # the text, not its leader line
                inside = axes_box.contains(box.x0, box.y0) and axes_box.contains(box.x1, box.y1)
                cost = overlap(box) + (0.0 if inside else 1e9)
                if best is None or cost < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (cost, artist, box)
                else:
                    artist.remove()
                if cost == 0.0:
                    break
            if best[0] == 0.0:
                break
        placed.append(best[2])
        artists.append(best[1])
    return artists


def _axes(ax: Axes | None, figsize=(7.5, 6.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def nice_length(target: float) -> float:
    """The round length 1, 2 or 5 x 10^k nearest below ``target`` (``target`` > 0)."""
    if not target > 0:
        raise InputValueError(f"scale bar length must be positive, got {target}")
    exp = math.floor(math.log10(target))
    base = 10.0**exp
    for mult in (5.0, 2.0, 1.0):
        if mult * base <= target:
            return mult * base
    return base


def _format_length(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def add_scale_bar(ax: Axes, crs=None, *, location: str = "lower left", fraction: float = 0.2) -> AnchoredSizeBar | None:
    """Add a scale bar about ``fraction`` of the map width long; returns it (None without a CRS).

    ``crs`` is anything :class:`pyproj.CRS` accepts. Projected CRSs must be in metres
    (feet and other units get no bar rather than a wrong one).
    """
    if crs is None:
        return None
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    if crs.is_geographic:
        lat = 0.5 * (y0 + y1)
        metres_per_unit = METRES_PER_DEGREE * math.cos(math.radians(lat))
        note = f" (at {abs(lat):.1f}°{'N' if lat >= 0 else 'S'})"
    else:
        units = (crs.axis_info[0].unit_name if crs.axis_info else "").lower()
        if units not in ("metre", "meter", "m"):
            return None
        metres_per_unit, note = 1.0, ""
    length_m = nice_length(fraction * (x1 - x0) * metres_per_unit)
    bar = AnchoredSizeBar(
        ax.transData,
        length_m / metres_per_unit,
        _format_length(length_m) + note,
        location,
        pad=0.5,
        borderpad=0.6,
        sep=4,
        frameon=True,
        size_vertical=(y1 - y0) * 0.008,
        color="black",
        fontproperties={"size": 8},
    )
    bar.patch.set_alpha(0.75)
    bar.patch.set_edgecolor("none")
    bar.set_gid("scale_bar")
    ax.add_artist(bar)
    return bar


def add_north_arrow(ax: Axes, *, x: float = 0.95, y: float = 0.95, length: float = 0.1):
    """Add an upward north arrow with an ``N`` in axes-fraction coordinates (the grid is north-up)."""
    arrow = ax.annotate(
        "N",
        xy=(x, y),
        xytext=(x, y - length),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "white", "width": 4, "headwidth": 11, "headlength": 9},
        path_effects=_HALO,
    )
    arrow.set_gid("north_arrow")
    return arrow


def _date_of(value) -> str:
    text = str(value)
    return text[:10] if len(text) >= 10 and text[4] == "-" else text


def map_title(what: str, *objs, title: str | None = None) -> str:
    """``title`` if given, else ``what`` plus city and date found in the attrs of ``objs`` (first wins).

    Looks for ``city`` (or ``city_name``) and ``acquisition_time`` (or ``date``, ``scene_date``).
    """
    if title is not None:
        return title
    city = date = None
    for obj in objs:
        attrs = getattr(obj, "attrs", None) or {}
        city = city or attrs.get("city") or attrs.get("city_name")
        date = date or attrs.get("acquisition_time") or attrs.get("date") or attrs.get("scene_date")
    where = ", ".join(str(p) for p in (city, _date_of(date) if date else None) if p)
    return f"{what} — {where}" if where else what


def raster_extent(da) -> tuple[list[float], str]:
    """``imshow`` extent (pixel edges) and ``origin`` from the x/y pixel-centre coordinates of a 2-D DataArray."""
    y_dim, x_dim = da.dims[-2], da.dims[-1]
    x = np.asarray(da[x_dim].values, dtype=float)
    y = np.asarray(da[y_dim].values, dtype=float)
    if x.size < 1 or y.size < 1:
        raise InputValueError("cannot map an empty raster")
    dx = abs(x[1] - x[0]) if x.size > 1 else 1.0
    dy = abs(y[1] - y[0]) if y.size > 1 else 1.0
    extent = [x.min() - dx / 2, x.max() + dx / 2, y.min() - dy / 2, y.max() + dy / 2]
    origin = "upper" if y.size < 2 or y[0] > y[-1] else "lower"
    return extent, origin


def crs_of(obj):
    """CRS of a DataArray/Dataset (rioxarray) or GeoDataFrame, or None."""
    crs = getattr(obj, "crs", None)
    if crs is None and hasattr(obj, "rio"):
        try:
            crs = obj.rio.crs
        except Exception:
            crs = None
    return crs


def finish_map(ax: Axes, crs) -> None:
    """Equal aspect, no tick clutter, CRS note, scale bar and north arrow (when ``crs`` is known)."""
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if crs is None:
        ax.text(0.99, 0.01, "no CRS: no scale bar", transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.3")
        use_font(ax)
        return
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    ax.text(
        0.99, 0.01, f"EPSG:{epsg}" if epsg else crs.name, transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color="0.25",
        path_effects=_HALO,
    )
    add_scale_bar(ax, crs)
    add_north_arrow(ax)
    use_font(ax)


def save_figure(fig, path: str | os.PathLike, *, overwrite: bool = False, dpi: int = 150) -> Path:
    """Save ``fig`` to ``path`` (format from the extension: png, pdf, svg...) atomically; no clobbering."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise InputValueError(f"cannot save a figure as {path}: extension {path.suffix!r} is not one of {sorted(supported)}")
    with atomic_path(path, overwrite=overwrite) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight")
    return path


def save_figures(draws, out_dir: str | os.PathLike, *, figsize=(8, 7), overwrite: bool = False, progress=None) -> list[Path]:
    """Draw and save one figure per ``(file name, draw(ax))`` into ``out_dir`` (:func:`save_figure`); the paths written."""
    import matplotlib.pyplot as plt

    from ..io.write import safe_output_path

    written = []
    for name, draw in draws:
        if progress is not None:
            progress(f"drawing {name}")
        fig, ax = plt.subplots(figsize=figsize)
        try:
            draw(ax)
            path = save_figure(fig, safe_output_path(out_dir, name), overwrite=overwrite)
        finally:
            plt.close(fig)
        written.append(path)
    return written
