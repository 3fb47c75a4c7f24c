"""Raster maps: LST, heat-risk classes, Gi* hot spots, scenario differences.

Every function draws on the raster's own x/y coordinates (any CRS), takes
``ax=None`` (a new figure) or an existing axes, returns the axes, labels units,
and adds a scale bar and north arrow (see :mod:`uhi.plot._decor`). Titles default
to what is shown plus the city and date from the data's attrs (``city``,
``acquisition_time``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm
from matplotlib.patches import Patch

from ..errors import InputValueError
from ..units import ZERO_CELSIUS_K
from ._decor import CELSIUS_UNITS, KELVIN_UNITS, _axes, crs_of, finish_map, legend_outside, map_title, raster_extent

__all__ = ["HOTSPOT_COLOURS", "HOTSPOT_LABELS", "RISK_COLOURS", "delta_map", "hotspot_map", "lst_map", "risk_map"]

#: Five risk classes, very low ... very high: ColorBrewer YlOrRd-5 (Brewer, colorbrewer2.org; sequential, print-safe).
RISK_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
_RISK_NAMES = ("very low", "low", "moderate", "high", "very high")
#: Gi* bins -3..3 (cold 99/95/90 %, not significant, hot 90/95/99 %): ColorBrewer RdBu-7 reversed, grey centre.
HOTSPOT_COLOURS = ("#2166ac", "#67a9cf", "#d1e5f0", "#e8e8e8", "#fddbc7", "#ef8a62", "#b2182b")
HOTSPOT_LABELS = (
    "cold spot, 99 % confidence",
    "cold spot, 95 % confidence",
    "cold spot, 90 % confidence",
    "not significant",
    "hot spot, 90 % confidence",
    "hot spot, 95 % confidence",
    "hot spot, 99 % confidence",
)


def _as_2d(da, what: str) -> xr.DataArray:
    if not isinstance(da, xr.DataArray):
        raise InputValueError(f"{what} must be an xarray DataArray, got {type(da).__name__}")
    extra = [d for d in da.dims[:-2] if da.sizes[d] != 1]
    if da.ndim < 2 or extra:
        raise InputValueError(f"{what} must be a 2-D (y, x) raster, got dims {da.dims}")
    da = da.squeeze(drop=True) if da.ndim > 2 else da
    return da.transpose("y", "x") if set(da.dims) == {"y", "x"} else da


def _show(ax: Axes, da: xr.DataArray, values: np.ndarray, **kwargs):
    extent, origin = raster_extent(da)
    return ax.imshow(values, extent=extent, origin=origin, interpolation="nearest", **kwargs)


def _districts(ax: Axes, districts, crs) -> None:
    if districts is None:
        return
    if not isinstance(districts, gpd.GeoDataFrame):
        raise InputValueError(f"districts must be a GeoDataFrame, got {type(districts).__name__}")
    gdf = districts
    if crs is not None and gdf.crs is not None and gdf.crs != crs:
        gdf = gdf.to_crs(crs)
    # one LineCollection per style, as GeoSeries.plot draws lines, but without its canvas.draw_idle(), which
    # on the Agg backend renders the whole figure (twice per map: most of a demo's plotting time)
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    lines = [np.asarray(part.coords) for part in shapely.get_parts(gdf.boundary.values) if not part.is_empty]
    ax.add_collection(LineCollection(lines, colors="white", linewidths=1.6, alpha=0.8))
    ax.add_collection(LineCollection(lines, colors="0.15", linewidths=0.6))
    ax.set_xlim(xlim)  # the raster's extent, and autoscaling off for what is drawn later
    ax.set_ylim(ylim)


def _colorbar(ax: Axes, mappable, label: str, **kwargs):
    cbar = ax.figure.colorbar(mappable, ax=ax, shrink=0.8, pad=0.02, **kwargs)
    cbar.set_label(label)
    return cbar


def _temperature(da: xr.DataArray, celsius: bool) -> tuple[np.ndarray, str]:
    """Values and unit label: kelvin (the internal unit; also assumed when ``units`` is missing) or degC."""
    units = da.attrs.get("units", "K")
    values = np.asarray(da.values, dtype=np.float64)
    if units in KELVIN_UNITS:
        return (values - ZERO_CELSIUS_K, "°C") if celsius else (values, "K")
    if units in CELSIUS_UNITS:
        return (values, "°C") if celsius else (values + ZERO_CELSIUS_K, "K")
    raise InputValueError(f"LST units {units!r} are neither kelvin {KELVIN_UNITS} nor degree Celsius {CELSIUS_UNITS}")


def lst_map(
    lst: xr.DataArray,
    *,
    ax: Axes | None = None,
    celsius: bool = True,
    title: str | None = None,
    cmap: str = "inferno",
    districts: gpd.GeoDataFrame | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Axes:
    """Map of land surface temperature in °C (default) or K, with colour bar, scale bar and north arrow.

    Colour limits default to the 2nd and 98th percentiles of the valid pixels (so a few
    extreme pixels do not wash out the city). ``lst`` in kelvin (the library's internal
    unit, assumed when ``units`` is missing) or ``degC``. ``districts`` outlines are drawn
    on top, reprojected to the raster CRS.
    """
    da = _as_2d(lst, "lst")
    values, unit = _temperature(da, celsius)
    finite = values[np.isfinite(values)]
    if finite.size and (vmin is None or vmax is None):
        lo, hi = np.percentile(finite, [2, 98])
        vmin = lo if vmin is None else vmin
        vmax = hi if vmax is None else vmax
    ax = _axes(ax)
    im = _show(ax, da, values, cmap=cmap, vmin=vmin, vmax=vmax)
    _colorbar(ax, im, f"Land surface temperature [{unit}]", extend="both")
    crs = crs_of(da)
    _districts(ax, districts, crs)
    ax.set_title(map_title("Land surface temperature", da, title=title))
    finish_map(ax, crs)
    return ax


def risk_map(
    risk_class: xr.DataArray,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    colours=RISK_COLOURS,
    legend_loc: str = "outside",
) -> Axes:
    """Map of the five heat-risk classes (1 very low ... 5 very high) with a class legend.

    ``risk_class`` is the output of :func:`uhi.risk.classify` (0 = unclassified, drawn
    transparent). Legend labels come from its ``flag_meanings`` when present. ``districts``
    outlines are drawn on top; the legend sits beside the map (``legend_loc="outside"``) or at
    a matplotlib location.
    """
    da = _as_2d(risk_class, "risk_class")
    values = np.asarray(da.values, dtype=np.float64)
    fill = da.attrs.get("_FillValue", 0)
    values = np.where((values == fill) | ~np.isfinite(values), np.nan, values)
    bad = np.isfinite(values) & ~np.isin(values, (1, 2, 3, 4, 5))
    if bad.any():
        raise InputValueError(f"risk_class must hold classes 1..5 (0 = none); found {sorted(set(np.unique(values[bad]).tolist()))[:10]}")
    meanings = str(da.attrs.get("flag_meanings", "")).split()
    names = [m.replace("_", " ") for m in meanings] if len(meanings) == 5 else list(_RISK_NAMES)
    cmap = ListedColormap(list(colours), name="uhi_risk")
    norm = BoundaryNorm(np.arange(0.5, 6.5), cmap.N)
    ax = _axes(ax)
    _show(ax, da, values, cmap=cmap, norm=norm)
    crs = crs_of(da)
    _districts(ax, districts, crs)
    handles = [Patch(facecolor=c, edgecolor="0.4", linewidth=0.5, label=n) for c, n in zip(colours, names)]
    legend_outside(ax, handles[::-1], title="Heat risk class", loc=legend_loc, fontsize=8, title_fontsize=9)
    ax.set_title(map_title("Heat risk", da, title=title))
    finish_map(ax, crs)
    return ax


def hotspot_map(
    hotspots: xr.Dataset | xr.DataArray,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    legend_loc: str = "outside",
) -> Axes:
    """Map of Getis-Ord Gi* confidence bins (hot/cold spots at 90/95/99 %) with a 7-entry legend beside the map.

    ``hotspots`` is the Dataset of :func:`uhi.metrics.hotspots` (its ``gi_bin``; pixels with a
    NaN ``gi_zscore`` are drawn as no data) or the ``gi_bin`` DataArray itself (int, -3..3;
    out-of-range = no data).
    """
    if isinstance(hotspots, xr.Dataset):
        if "gi_bin" not in hotspots:
            raise InputValueError(f"hotspot_map needs a 'gi_bin' variable (uhi.metrics.hotspots); the Dataset has {list(hotspots.data_vars)}")
        da, attrs_src = hotspots["gi_bin"], (hotspots["gi_bin"], hotspots)
    else:
        da, attrs_src = hotspots, (hotspots,)
    da = _as_2d(da, "gi_bin")
    values = np.asarray(da.values, dtype=np.float64)
    values = np.where(np.isin(values, np.arange(-3, 4)), values, np.nan)
    if isinstance(hotspots, xr.Dataset) and "gi_zscore" in hotspots:
        # gi_bin is 0 (not significant) where the z-score is NaN (no data): draw those pixels as no data
        z = _as_2d(hotspots["gi_zscore"], "gi_zscore")
        values = np.where(np.isfinite(np.asarray(z.values, dtype=np.float64)), values, np.nan)
    cmap = ListedColormap(list(HOTSPOT_COLOURS), name="uhi_gi_bin")
    norm = BoundaryNorm(np.arange(-3.5, 4.5), cmap.N)
    ax = _axes(ax)
    _show(ax, da, values, cmap=cmap, norm=norm)
    crs = crs_of(da) or crs_of(hotspots)
    _districts(ax, districts, crs)
    handles = [Patch(facecolor=c, edgecolor="0.4", linewidth=0.5, label=n) for c, n in zip(HOTSPOT_COLOURS, HOTSPOT_LABELS)]
    distance = next((o.attrs.get("distance_m") for o in attrs_src if "distance_m" in o.attrs), None)
    legend_title = "Getis-Ord Gi*" + (f" ({float(distance):g} m band)" if distance is not None else "")
    legend_outside(ax, handles[::-1], title=legend_title, loc=legend_loc, fontsize=7.5, title_fontsize=8.5)
    ax.set_title(map_title("Surface heat hot spots", *attrs_src, title=title))
    finish_map(ax, crs)
    return ax


def delta_map(
    delta: xr.DataArray,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    cmap: str = "RdBu_r",
    districts: gpd.GeoDataFrame | None = None,
    vmax: float | None = None,
    label: str = "Temperature change",
    treated: np.ndarray | xr.DataArray | None = None,
    mask_below: float = 0.01,
) -> Axes:
    """Diverging map of a temperature difference (after − before) in °C, centred on zero.

    A difference in K equals one in °C, so ``units`` K or degC are both labelled °C; other
    units are shown as given. Cells with ``|delta| < mask_below`` (default 0.01 K: below any
    meaningful change, e.g. float round-off of a convolution) are left blank. Colour limits
    are symmetric: ±``vmax`` (default: the largest ``|delta|`` over the ``treated`` cells when
    given, else the 98th percentile of the shown ``|delta|``), so the treated sites do not
    saturate. Cooling is blue, warming red.
    """
    da = _as_2d(delta, "delta")
    values = np.asarray(da.values, dtype=np.float64)
    units = da.attrs.get("units", "K")
    unit = "°C" if units in KELVIN_UNITS + CELSIUS_UNITS else units
    if mask_below > 0:
        values = np.where(np.abs(values) < mask_below, np.nan, values)
    finite = np.abs(values[np.isfinite(values)])
    if vmax is None:
        sel = None if treated is None else np.asarray(treated, dtype=bool) & np.isfinite(values)
        if sel is not None and sel.any():
            vmax = float(np.abs(values[sel]).max())
        else:
            vmax = float(np.percentile(finite, 98)) if finite.size else 1.0
    vmax = vmax if vmax > 0 else 1.0
    ax = _axes(ax)
    im = _show(ax, da, values, cmap=cmap, norm=TwoSlopeNorm(vcenter=0.0, vmin=-vmax, vmax=vmax))
    _colorbar(ax, im, f"{label} [{unit}]", extend="both")
    crs = crs_of(da)
    _districts(ax, districts, crs)
    ax.set_title(map_title(label, da, title=title))
    finish_map(ax, crs)
    return ax

