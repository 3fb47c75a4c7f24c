"""Zonal statistics per district: one rasterisation, one Numba pass per variable.

:func:`zonal_stats` summarises a raster (or every variable of a Dataset) inside
each polygon of a zone layer; :func:`population_weighted_mean` and
:func:`people_in_classes` answer the two questions a heat plan asks per district:
how hot is it *where people live*, and how many residents live in the highest
risk classes.

Statistics (column ``<var>_<stat>``, or ``<stat>`` for an unnamed DataArray):

=====================  ==========================================================
``count``              number of valid (finite, non-nodata) pixels whose centre is in the zone
``sum``                sum of the valid values
``mean``               arithmetic mean
``std``                population standard deviation (``ddof=0``, as ``numpy.std`` and rasterstats)
``min``, ``max``       extremes
``median``, ``p<q>``   exact percentile ``q`` in [0, 100] (``p90``, ``p99.5``; median = ``p50``), numpy's
                       default ``"linear"`` method (Hyndman & Fan 1996, definition 7)
``area_m2``            area of the valid pixels [m2] (projected CRS only)
``area_share_above``   share of the valid area with value ``> threshold`` [1] (projected CRS only)
``weighted_mean``      ``sum(w v) / sum(w)`` over pixels where value and weight are valid (needs ``weights``)
=====================  ==========================================================

A zone without any valid pixel (outside the raster, under clouds, all-NaN
raster) gets ``count`` 0 and NaN for every other statistic (``area_m2`` 0); a
:class:`UserWarning` names such zones. Units of every column are in
``gdf.attrs["units"]``.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import xarray as xr
from numba import get_num_threads

from .._backend import check_same_grid, grid_transform, pixel_size_m
from ..errors import InputValueError
from . import _kernels
from .zones import ZoneLayers, rasterize_zones, spatial_2d

__all__ = ["DEFAULT_STATS", "parse_stats", "people_in_classes", "population_weighted_mean", "zonal_stats", "zone_sums"]

#: Statistics computed when none are named (``area_share_above`` needs a ``threshold``, so name it
#: together with one: ``stats=DEFAULT_STATS + ("area_share_above",), threshold=308.15``).
DEFAULT_STATS = ("mean", "min", "max", "std", "count", "p90")
_SIMPLE = ("count", "sum", "mean", "std", "min", "max", "area_m2", "area_share_above", "weighted_mean")
_PERCENTILE = re.compile(r"^p(\d+(?:\.\d+)?)$")


def parse_stats(stats: Iterable[str]) -> tuple[list[str], dict[str, float]]:
    """Validated statistic names and the percentiles they ask for (``{"p90": 90.0, "median": 50.0}``)."""
    if isinstance(stats, str):
        stats = (stats,)
    names, percentiles = [], {}
    for s in stats:
        if s in names:
            continue
        if s == "median":
            percentiles[s] = 50.0
        elif (m := _PERCENTILE.match(str(s))) is not None:
            q = float(m.group(1))
            if not 0.0 <= q <= 100.0:
                raise InputValueError(f"percentile statistic {s!r} is outside p0..p100")
            percentiles[s] = q
        elif s not in _SIMPLE:
            raise InputValueError(f"unknown statistic {s!r}; expected one of {_SIMPLE + ('median', 'p<q>')}")
        names.append(s)
    if not names:
        raise InputValueError("stats is empty; name at least one statistic")
    return names, percentiles


def _float_values(da: xr.DataArray, what: str) -> np.ndarray:
    """2-D float array with nodata (rioxarray ``nodata`` / ``_FillValue``) as NaN; ints become float64."""
    arr = np.asarray(spatial_2d(da, what).values)
    if arr.dtype == bool:
        arr = arr.astype(np.float32)
    nodata = da.rio.nodata
    if np.issubdtype(arr.dtype, np.integer):
        out = arr.astype(np.float64)
    elif arr.dtype in (np.float32, np.float64):
        out = arr
    else:
        raise InputValueError(f"{what} has dtype {arr.dtype}; expected a numeric raster")
    if nodata is not None and not np.isnan(nodata):
        out = np.where(arr == nodata, np.nan, out)
    return np.ascontiguousarray(out)


def _weights64(da: xr.DataArray, what: str) -> np.ndarray:
    """Weights as float64 (one kernel signature per value dtype; weights are summed in float64 anyway)."""
    return np.ascontiguousarray(_float_values(da, what), dtype=np.float64)


def _variables(raster: xr.DataArray | xr.Dataset) -> dict[str, xr.DataArray]:
    if isinstance(raster, xr.Dataset):
        out = {}
        for name, var in raster.data_vars.items():
            if var.ndim >= 2:
                out[str(name)] = var
        if not out:
            raise InputValueError("the Dataset has no 2-D variable to summarise")
        return out
    if isinstance(raster, xr.DataArray):
        return {raster.name if raster.name is not None else "": raster}
    raise InputValueError(f"expected an xarray DataArray or Dataset, got {type(raster).__name__}")


def _column(var: str, stat: str) -> str:
    return f"{var}_{stat}" if var else stat


def _pixel_area_m2(da: xr.DataArray) -> float:
    pixel_size_m(da, "area statistics (area_m2, area_share_above)")
    transform = grid_transform(da, "area statistics (area_m2, area_share_above)")
    return abs(float(transform.a) * float(transform.e))


def _typical_value(values: np.ndarray) -> float:
    """A finite value of the raster (median of a sparse sample) to shift sums of squares by; 0 if none."""
    step = max(1, int(np.sqrt(values.size / 4096)))
    sample = values[::step, ::step]
    sample = sample[np.isfinite(sample)]
    if sample.size:
        return float(np.median(sample))
    finite = values[np.isfinite(values)]
    return float(finite[0]) if finite.size else 0.0


def _n_buckets(n_labels: int) -> int:
    """Histogram buckets per zone for the percentile selection: 4096, fewer when there are many zones
    (the per-thread histograms stay below ~2^22 counts, 32 MiB); exactness does not depend on it."""
    return int(max(16, min(4096, 2**22 // (max(1, n_labels) * max(1, get_num_threads())))))


def _stats_of_variable(values, zl: ZoneLayers, names, percentiles, threshold, weights, pixel_area):
    """Per-zone statistics (arrays of length n_zones) of one 2-D value array, valid counts and weight totals."""
    n_labels = zl.n_labels
    shift = _typical_value(values)
    thr = np.nan if threshold is None else float(threshold)
    acc = {k: np.zeros(n_labels, dtype=np.int64) for k in ("count", "above")}
    acc.update({k: np.zeros(n_labels) for k in ("total", "total_sq", "min", "max")})
    acc["min"][:] = np.nan
    acc["max"][:] = np.nan
    qs = np.array(list(percentiles.values()), dtype=np.float64)
    pct = np.full((n_labels, qs.size), np.nan)
    wsums = {k: np.zeros(n_labels) for k in ("weight_valid", "weighted_total", "weight_all")}
    for labels, mask in zip(zl.layers, zl.members):
        part = {k: np.zeros_like(v) for k, v in acc.items()}
        _kernels.zone_moments_kernel(
            values, labels, shift, thr, get_num_threads(), part["count"], part["total"], part["total_sq"], part["min"], part["max"], part["above"]
        )
        for k in acc:
            acc[k][mask] = part[k][mask]
        if qs.size:
            part_pct = np.empty_like(pct)
            _kernels.zone_percentiles_kernel(
                values, labels, part["count"], part["min"], part["max"], qs, _n_buckets(n_labels), get_num_threads(), part_pct
            )
            pct[mask] = part_pct[mask]
        if weights is not None:
            part_w = {k: np.zeros(n_labels) for k in wsums}
            _kernels.zone_weighted_kernel(values, weights, labels, get_num_threads(), part_w["weight_valid"], part_w["weighted_total"], part_w["weight_all"])
            for k in wsums:
                wsums[k][mask] = part_w[k][mask]
    count = acc["count"]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_shifted = acc["total"] / count
        var = np.maximum(acc["total_sq"] / count - mean_shifted**2, 0.0)
        computed = {
            "count": count,
            "sum": np.where(count > 0, acc["total"] + shift * count, np.nan),
            "mean": mean_shifted + shift,
            "std": np.sqrt(var),
            "min": acc["min"],
            "max": acc["max"],
            "area_share_above": acc["above"] / count,
            "weighted_mean": wsums["weighted_total"] / wsums["weight_valid"],
        }
    if pixel_area is not None:
        computed["area_m2"] = count * pixel_area
    for i, name in enumerate(percentiles):
        computed[name] = pct[:, i]
    return {name: computed[name][1:] for name in names}, count[1:], wsums["weight_all"][1:]


def zonal_stats(
    raster: xr.DataArray | xr.Dataset,
    zones: gpd.GeoDataFrame | str | os.PathLike | ZoneLayers,
    stats: Iterable[str] = DEFAULT_STATS,
    *,
    id_column: str | None = None,
    threshold: float | Mapping[str, float] | None = None,
    weights: xr.DataArray | None = None,
    all_touched: bool = False,
) -> gpd.GeoDataFrame:
    """Statistics of a raster (or of each variable of a Dataset) inside each zone.

    The zones are reprojected to the raster's CRS and rasterised once onto its grid
    (centre-of-pixel rule, see :mod:`uhi.zonal.zones`); then one Numba pass per
    variable accumulates count, sum, sum of squares, min, max and the values above
    ``threshold`` per zone, and percentiles are exact (selection per zone). Dask-backed
    input is computed (the statistics need every pixel once).

    Parameters
    ----------
    raster : xarray.DataArray or xarray.Dataset
        Georeferenced 2-D raster(s) on one grid. NaN and the raster's nodata are missing.
        A geographic CRS is fine except for the area statistics.
    zones : GeoDataFrame, path or ZoneLayers
        Polygons in any CRS (a file is read with geopandas), or zones already rasterised onto
        this grid with :func:`uhi.zonal.rasterize_zones` (reused, not rasterised again).
    stats : iterable of str
        See the module docstring; default :data:`DEFAULT_STATS` (mean, min, max, std, count, p90).
    id_column : str, optional
        Column with unique zone ids (checked); the output keeps every column anyway.
    threshold : float or mapping var -> float, optional
        For ``area_share_above``, in the raster's units (e.g. 308.15 K for 35 degC).
    weights : xarray.DataArray, optional
        Weights on the raster grid (e.g. residents per pixel) for ``weighted_mean``, which
        is added to ``stats`` when weights are given; column ``weight_total`` holds the sum
        of the finite weights in each zone.
    all_touched : bool
        Burn every pixel a polygon touches instead of the centre-of-pixel rule.

    Returns
    -------
    geopandas.GeoDataFrame
        ``zones`` (original CRS, columns and order) plus one column per variable and
        statistic; ``attrs["units"]`` maps column -> units.

    Raises
    ------
    InputValueError
        Unknown statistic, missing threshold, duplicate ids, zones outside the raster.
    CRSError
        Missing CRS, or area statistics on a geographic grid.
    GridMismatchError
        ``weights`` not on the raster grid.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> da = xr.DataArray(np.arange(16.0).reshape(4, 4), dims=("y", "x"),
    ...                   coords={"y": [35.0, 25.0, 15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]}, name="lst")
    >>> da = da.rio.write_crs("EPSG:32633")
    >>> zones = gpd.GeoDataFrame({"zone": ["west", "east"]}, geometry=[box(0, 0, 20, 40), box(20, 0, 40, 40)], crs="EPSG:32633")
    >>> zonal_stats(da, zones, ("mean", "max", "count"), id_column="zone")[["zone", "lst_mean", "lst_max", "lst_count"]]
       zone  lst_mean  lst_max  lst_count
    0  west       6.5     13.0          8
    1  east       8.5     15.0          8
    """
    names, percentiles = parse_stats(stats)
    if weights is not None and "weighted_mean" not in names:
        names.append("weighted_mean")
    if "weighted_mean" in names and weights is None:
        raise InputValueError("statistic 'weighted_mean' needs weights= (a raster on the same grid, e.g. population)")
    variables = _variables(raster)
    if "area_share_above" in names:
        if threshold is None:
            raise InputValueError("statistic 'area_share_above' needs threshold= (in the raster's units, e.g. 308.15 K)")
        if isinstance(threshold, Mapping):
            missing = [v for v in variables if v not in threshold]
            if missing:
                raise InputValueError(f"threshold has no value for variable(s) {missing}; given for {sorted(threshold)}")
    first = next(iter(variables.values()))
    if len(variables) > 1:
        check_same_grid(*[spatial_2d(v, k) for k, v in variables.items()], names=tuple(variables))
    pixel_area = _pixel_area_m2(first) if {"area_m2", "area_share_above"} & set(names) else None
    w = None
    if weights is not None:
        w2 = spatial_2d(weights, "weights")
        check_same_grid(spatial_2d(first, "raster"), w2, names=("raster", "weights"))
        w = _weights64(weights, "weights")
    zl = rasterize_zones(zones, first, id_column=id_column, all_touched=all_touched)
    columns: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    empty_zones = np.zeros(len(zl.zones), dtype=bool)
    for var, da in variables.items():
        values = _float_values(da, f"variable {var!r}" if var else "the raster")
        thr = threshold.get(var) if isinstance(threshold, Mapping) else threshold
        per_zone, count, weight_all = _stats_of_variable(values, zl, names, percentiles, thr, w, pixel_area)
        var_units = str(da.attrs.get("units", ""))
        for stat, arr in per_zone.items():
            col = _column(var, stat)
            columns[col] = arr
            units[col] = {"count": "1", "area_m2": "m2", "area_share_above": "1"}.get(stat, var_units)
        empty_zones |= count == 0
    if w is not None:
        columns["weight_total"] = weight_all
        units["weight_total"] = str(weights.attrs.get("units", ""))
    out = zl.zones.assign(**columns)
    if empty_zones.any():
        ids = out[id_column] if id_column else out.index
        shown = [str(i) for i in np.asarray(ids)[empty_zones][:20]]
        warnings.warn(f"{int(empty_zones.sum())} zone(s) of {zl.source} have no valid pixel (NaN statistics, count 0): {shown}", stacklevel=2)
    out.attrs["units"] = units
    return out


def _weighted_sums(values, weights, zl: ZoneLayers) -> dict[str, np.ndarray]:
    n = zl.n_labels
    sums = {k: np.zeros(n) for k in ("weight_valid", "weighted_total", "weight_all")}
    for labels, mask in zip(zl.layers, zl.members):
        part = {k: np.zeros(n) for k in sums}
        _kernels.zone_weighted_kernel(values, weights, labels, get_num_threads(), part["weight_valid"], part["weighted_total"], part["weight_all"])
        for k in sums:
            sums[k][mask] = part[k][mask]
    return {k: v[1:] for k, v in sums.items()}


def _prepare_pair(values: xr.DataArray, population: xr.DataArray, what: str):
    v2, p2 = spatial_2d(values, what), spatial_2d(population, "population")
    check_same_grid(v2, p2, names=(what, "population"))
    return v2, p2


def population_weighted_mean(
    lst: xr.DataArray,
    population: xr.DataArray,
    zones: gpd.GeoDataFrame | str | os.PathLike | ZoneLayers,
    *,
    id_column: str | None = None,
    all_touched: bool = False,
) -> gpd.GeoDataFrame:
    """Population-weighted mean of ``lst`` (or any raster) per zone: the temperature where people live.

    .. math:: \\bar T_w = \\frac{\\sum_i P_i T_i}{\\sum_i P_i}

    over the zone's pixels where both LST ``T`` and population ``P`` (residents per
    pixel, e.g. from :func:`uhi.io.load_population`) are valid.

    Returns
    -------
    geopandas.GeoDataFrame
        ``zones`` plus ``population`` (residents on pixels with a finite population),
        ``population_with_data`` (those on valid-LST pixels) and ``<name>_population_weighted_mean``
        (units of ``lst``; NaN where no resident has a valid value).

    Examples
    --------
    Two pixels of one zone, 300 K with 1 resident and 310 K with 3: (300 + 3 x 310) / 4 = 307.5 K.

    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> from affine import Affine  # one row of 10 m pixels: the row height comes from the transform
    >>> grid = {"dims": ("y", "x"), "coords": {"y": [5.0], "x": [5.0, 15.0]}}
    >>> cells = Affine(10.0, 0.0, 0.0, 0.0, -10.0, 10.0)
    >>> lst = xr.DataArray([[300.0, 310.0]], name="lst", attrs={"units": "K"}, **grid).rio.write_crs("EPSG:32633").rio.write_transform(cells)
    >>> population = xr.DataArray([[1.0, 3.0]], **grid).rio.write_crs("EPSG:32633").rio.write_transform(cells)
    >>> zone = gpd.GeoDataFrame({"name": ["z"]}, geometry=[box(0, 0, 20, 10)], crs="EPSG:32633")
    >>> float(population_weighted_mean(lst, population, zone)["lst_population_weighted_mean"].iloc[0])
    307.5
    """
    v2, p2 = _prepare_pair(lst, population, "lst")
    zl = rasterize_zones(zones, v2, id_column=id_column, all_touched=all_touched)
    sums = _weighted_sums(_float_values(lst, "lst"), _weights64(population, "population"), zl)
    out = zl.zones.copy()
    name = f"{lst.name or 'value'}_population_weighted_mean"
    out["population"] = sums["weight_all"]
    out["population_with_data"] = sums["weight_valid"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out[name] = np.where(sums["weight_valid"] > 0, sums["weighted_total"] / sums["weight_valid"], np.nan)
    out.attrs["units"] = {"population": "1", "population_with_data": "1", name: str(lst.attrs.get("units", ""))}
    return out


def zone_sums(labels, weights, n: int) -> np.ndarray:
    """Sum of ``weights`` per zone ``1..n`` of a label raster (zone ``i + 1`` at index ``i``), float64.

    ``labels`` are integers ``>= 0`` of any shape (0 = outside every zone; labels above ``n`` are
    dropped); ``weights`` has the same number of elements. One :func:`numpy.bincount` pass.
    """
    lab = np.asarray(labels, dtype=np.int64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    return np.bincount(lab, weights=w, minlength=n + 1)[1 : n + 1]


def people_in_classes(
    risk_class: xr.DataArray,
    population: xr.DataArray,
    zones: gpd.GeoDataFrame | str | os.PathLike | ZoneLayers,
    classes: Iterable[int] = (4, 5),
    *,
    id_column: str | None = None,
    all_touched: bool = False,
) -> gpd.GeoDataFrame:
    """Residents per zone living on pixels of the given risk classes (default 4-5: high, very high).

    ``risk_class`` is the integer class raster of :func:`uhi.risk.classify` (``0`` =
    unclassified, its ``_FillValue``); pixels with no class are not counted as in or out.

    Returns
    -------
    geopandas.GeoDataFrame
        ``zones`` plus ``population`` (all residents with a finite population value),
        ``population_with_data`` (residents on classified pixels), ``people_in_classes``
        and ``share_in_classes`` = ``people_in_classes / population_with_data`` (NaN where 0);
        ``attrs["classes"]`` lists the classes.

    Examples
    --------
    Classes 2 and 5 with 10 and 30 residents: 30 people in classes 4-5, a share of 0.75.

    >>> import geopandas as gpd, numpy as np, xarray as xr, rioxarray  # noqa: F401
    >>> from shapely.geometry import box
    >>> from affine import Affine  # one row of 10 m pixels: the row height comes from the transform
    >>> grid = {"dims": ("y", "x"), "coords": {"y": [5.0], "x": [5.0, 15.0]}}
    >>> cells = Affine(10.0, 0.0, 0.0, 0.0, -10.0, 10.0)
    >>> risk_class = xr.DataArray(np.array([[2, 5]], dtype=np.uint8), **grid).rio.write_crs("EPSG:32633").rio.write_transform(cells)
    >>> population = xr.DataArray([[10.0, 30.0]], **grid).rio.write_crs("EPSG:32633").rio.write_transform(cells)
    >>> zone = gpd.GeoDataFrame({"name": ["z"]}, geometry=[box(0, 0, 20, 10)], crs="EPSG:32633")
    >>> people_in_classes(risk_class, population, zone)[["people_in_classes", "share_in_classes"]]
       people_in_classes  share_in_classes
    0               30.0              0.75
    """
    classes = tuple(int(c) for c in classes)
    if not classes:
        raise InputValueError("classes is empty; name the risk classes to count (e.g. (4, 5))")
    rc2, _ = _prepare_pair(risk_class, population, "risk_class")
    cls = _float_values(risk_class, "risk_class")
    fill = risk_class.attrs.get("_FillValue", risk_class.encoding.get("_FillValue", 0))
    unclassified = ~np.isfinite(cls) | (cls == float(fill))
    indicator = np.where(unclassified, np.nan, np.isin(cls, classes)).astype(np.float32)
    zl = rasterize_zones(zones, rc2, id_column=id_column, all_touched=all_touched)
    sums = _weighted_sums(indicator, _weights64(population, "population"), zl)
    out = zl.zones.copy()
    out["population"] = sums["weight_all"]
    out["population_with_data"] = sums["weight_valid"]
    out["people_in_classes"] = sums["weighted_total"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_in_classes"] = np.where(sums["weight_valid"] > 0, sums["weighted_total"] / sums["weight_valid"], np.nan)
    out.attrs["units"] = {"population": "1", "population_with_data": "1", "people_in_classes": "1", "share_in_classes": "1"}
    out.attrs["classes"] = classes
    return out
