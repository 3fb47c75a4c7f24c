r"""Hot-spot detection with the Getis-Ord Gi* statistic on a raster (Ord & Getis 1995, doi:10.1111/j.1538-4632.1995.tb00912.x).

The statistic is the one of PySAL's ``esda.G_Local(y, w, transform="B", star=True)``
[esda] with a binary distance-band weight in metres (self included, ``w_ii = 1``), on the
valid (finite) pixels only:

.. math::

    z_i = \frac{\sum_j w_{ij} y_j - \bar y\, W_i}
               {s \sqrt{W_i (n - W_i) / (n - 1)}},
    \qquad W_i = \sum_j w_{ij},

where ``n`` is the number of valid pixels, :math:`\bar y` their mean and ``s`` their
population standard deviation (``ddof = 0``, as esda's ``E[y^2] - E[y]^2``). This is the
classic Ord & Getis (1995) form with :math:`\sum_j w_{ij}^2 = W_i` for binary weights; esda
writes it as ``(G - E[G]) / sqrt(Var[G])`` with ``G = sum_j w_ij y_j / sum_j y_j``, which is
the same number whenever :math:`\bar y > 0` (always true for LST in kelvin; for a negative mean
esda's ``sqrt(ybar^2)`` flips the sign).

Significance bins follow ArcGIS "Hot Spot Analysis (Getis-Ord Gi*)" ``Gi_Bin`` [arcgis-hotspot]: +-3 for
99 %, +-2 for 95 %, +-1 for 90 % confidence, 0 not significant, from two-sided normal p-values.

Multiple testing: every cell of a raster is a test, so a per-cell 95 % cut-off flags about 5 % of pure
noise, and autocorrelated LST flags large contiguous areas (47 % of the synthetic demo frame at a
500 m band on 30 m pixels). :func:`hotspots` therefore, by default,

* aggregates the raster to cells of about ``cell_m = 100`` m (block means of ``round(100 / pixel)``
  pixels; the native TIRS resolution, so 30 m resampled pixels do not count as independent tests), and
* controls the false discovery rate with the Benjamini-Hochberg step-up procedure (Benjamini & Hochberg
  1995, J. R. Stat. Soc. B 57:289, doi:10.1111/j.2517-6161.1995.tb02031.x; ArcGIS's "FDR correction"
  option [arcgis-hotspot]) over the two-sided p-values of all valid cells: a cell is significant at
  level ``q`` when ``p <= p_(k)`` with ``k = max{i : p_(i) <= i q / m}``. The bins use ``q`` = 0.10,
  0.05, 0.01 for the 90 / 95 / 99 % levels, as ArcGIS does.

``correction="none"`` and ``cell_m=None`` give the uncorrected statistic on the native grid (equal to
esda). The share of valid cells flagged is reported in ``attrs``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import ndtr

from .._backend import apply_neighbourhood, apply_pointwise, is_dask, pixel_size_m, set_cf
from ..errors import InputValueError
from ._common import require_2d
from ._kernels import disc_half_widths, gi_star_kernel, row_sums_kernel

__all__ = [
    "DEFAULT_CELL_M",
    "DEFAULT_DISTANCE_M",
    "GI_BIN_MEANINGS",
    "bh_threshold",
    "coarsen_mean",
    "gi_bin",
    "gi_star",
    "hotspots",
]

#: Cell size Gi* runs on by default [m]: the native ~100 m TIRS resolution (30 m products are resampled).
DEFAULT_CELL_M = 100.0
#: Default distance band [m] (at least 1.5 cells on coarser grids).
DEFAULT_DISTANCE_M = 500.0

#: Two-sided confidence levels of ArcGIS ``Gi_Bin`` +-1, +-2, +-3 [arcgis-hotspot].
GI_BIN_CONFIDENCE = (0.90, 0.95, 0.99)
#: CF flag meanings of the bins -3..3.
GI_BIN_MEANINGS = (
    "cold_spot_99 cold_spot_95 cold_spot_90 not_significant hot_spot_90 hot_spot_95 hot_spot_99"
)


def gi_star(y: np.ndarray, radius_px: float, *, stats: tuple[float, float, int] | None = None) -> np.ndarray:
    """Gi* z-scores of a 2-D array with a binary disc band of ``radius_px`` pixels (array layer).

    Parameters
    ----------
    y : numpy.ndarray
        2-D values; NaN marks pixels outside the data (excluded from ``n``, the mean,
        the standard deviation and every neighbour sum).
    radius_px : float
        Band radius in pixels (centre distance ``<= radius_px`` is a neighbour).
    stats : (mean, std, n), optional
        Global mean, population standard deviation and count of the valid values.
        Computed from ``y`` when omitted; given when ``y`` is one block of a larger raster.

    Returns
    -------
    numpy.ndarray
        float32 z-scores, NaN where ``y`` is NaN or the variance is zero.
    """
    y = np.asarray(y)
    if y.dtype not in (np.float32, np.float64):
        y = y.astype(np.float64)
    if stats is None:
        stats = _global_stats(y)
    ybar, s, n = stats
    out = np.empty(y.shape, dtype=np.float32)
    gi_star_kernel(np.ascontiguousarray(y), disc_half_widths(radius_px), float(ybar), float(s), float(n), out)
    return out


def _global_stats(y) -> tuple[float, float, int]:
    """Mean, population std and count of the finite values (float64 accumulation)."""
    if is_dask(y):
        import dask

        valid = ~np.isnan(y)
        n, total, total2 = dask.compute(valid.sum(), np.nansum(y, dtype=np.float64), np.nansum(y.astype(np.float64) ** 2))
        n = int(n)
        mean = total / n if n else np.nan
        var = total2 / n - mean * mean if n else np.nan
        # one more pass for a well-conditioned variance (E[y^2] - E[y]^2 cancels for LST ~ 300 K)
        if n:
            var = float(dask.compute(np.nansum((y.astype(np.float64) - mean) ** 2))[0]) / n
        return float(mean), float(np.sqrt(max(var, 0.0))), n
    y = np.asarray(y)
    if y.ndim != 2 or y.dtype not in (np.float32, np.float64):
        y = np.atleast_2d(np.asarray(y, dtype=np.float64))
    rows = np.empty((3, y.shape[0]))
    row_sums_kernel(y, 0.0, *rows)  # count and sum (two passes: the variance is taken about the mean)
    n = int(rows[0].sum())
    if n == 0:
        return np.nan, np.nan, 0
    mean = float(rows[1].sum()) / n
    row_sums_kernel(y, mean, *rows)
    return mean, float(np.sqrt(rows[2].sum() / n)), n


def gi_bin(z, confidence: tuple[float, float, float] = GI_BIN_CONFIDENCE) -> np.ndarray:
    """ArcGIS ``Gi_Bin`` (-3..3, int8) from z-scores; two-sided normal cut-offs of ``confidence``."""
    from scipy.stats import norm

    z = np.asarray(z, dtype=np.float64)
    cuts = [norm.isf((1 - c) / 2) for c in confidence]  # 1.645, 1.960, 2.576
    out = np.zeros(z.shape, dtype=np.int8)
    az = np.abs(np.nan_to_num(z, nan=0.0))
    for level, cut in enumerate(cuts, start=1):
        out[az >= cut] = level
    return (out * np.sign(np.nan_to_num(z, nan=0.0))).astype(np.int8)


def bh_threshold(p: np.ndarray, q: float) -> float:
    """Largest p-value rejected by the Benjamini-Hochberg step-up procedure at FDR level ``q`` (-1 if none).

    ``k = max{i : p_(i) <= i q / m}`` over the ``m`` finite p-values (Benjamini & Hochberg 1995, eq. 1);
    every test with ``p <= p_(k)`` is rejected. The adjusted p-values come from
    :func:`scipy.stats.false_discovery_control` (``method="bh"``): a test is rejected when its adjusted
    value is ``<= q``, which is the same set.
    """
    return _bh_thresholds(p, (q,))[0]


def _bh_thresholds(p: np.ndarray, qs) -> tuple[float, ...]:
    """:func:`bh_threshold` at each FDR level of ``qs``, from one computation of the adjusted p-values (one sort)."""
    from scipy.stats import false_discovery_control

    p = np.asarray(p, dtype=np.float64).ravel()
    p = p[np.isfinite(p)]
    if p.size == 0:
        return tuple(-1.0 for _ in qs)
    adjusted = false_discovery_control(p, method="bh")
    out = []
    for q in qs:
        rejected = p[adjusted <= q]
        out.append(float(rejected.max()) if rejected.size else -1.0)
    return tuple(out)


def coarsen_mean(da: xr.DataArray, factor: int, *, min_valid: float = 0.5) -> xr.DataArray:
    """Block means over ``factor`` x ``factor`` pixels (trailing partial blocks dropped).

    A block needs at least ``min_valid`` of its pixels finite, else it is NaN. The coordinates are the
    block centres, the CRS and attrs are kept; dask input stays lazy.
    """
    factor = int(factor)
    if factor <= 1:
        return da
    y, x = da.dims
    if is_dask(da.data):
        cy, cx = (max(1, c[0] // factor) * factor for c in da.chunks)
        da = da.chunk({y: cy, x: cx})
    window = {y: factor, x: factor}
    valid = da.notnull().coarsen(window, boundary="trim").sum()
    mean = da.coarsen(window, boundary="trim").mean()
    out = mean.where(valid >= min_valid * factor * factor).astype(np.float32)
    out.attrs = dict(da.attrs)
    crs = da.rio.crs
    return out.rio.write_crs(crs) if crs is not None else out


def _bins_from_p(z, p, cuts):
    """Gi_Bin -3..3 from z and p with the p cut-offs of the 90 / 95 / 99 % levels (FDR thresholds)."""
    z = np.asarray(z, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    level = np.zeros(z.shape, dtype=np.int8)
    ok = np.isfinite(z) & np.isfinite(p)
    for lev, cut in enumerate(cuts, start=1):
        level[ok & (p <= cut)] = lev
    return (level * np.sign(np.nan_to_num(z, nan=0.0))).astype(np.int8)


def _p_two_sided(z):
    return (2.0 * ndtr(-np.abs(z.astype(np.float64)))).astype(np.float32)


def hotspots(
    lst: xr.DataArray,
    *,
    distance_m: float | None = None,
    alpha: float = 0.05,
    correction: str = "fdr",
    cell_m: float | None = DEFAULT_CELL_M,
) -> xr.Dataset:
    """Getis-Ord Gi* hot and cold spots of a raster, on ~100 m cells with false-discovery-rate control.

    Parameters
    ----------
    lst : xarray.DataArray
        2-D ``(y, x)`` raster on a projected CRS with square pixels (usually LST [K]; any
        variable works). NaN pixels are excluded from ``n``, the global mean and standard
        deviation and from every neighbour sum; they get NaN / 0 in the outputs.
    distance_m : float, optional
        Radius of the binary distance band [m]: cell ``j`` is a neighbour of ``i`` when the
        distance between their centres is ``<= distance_m`` (self included). Default 500 m, or 1.5
        cells where cells are coarser than 333 m. Must be at least one cell.
    alpha : float, default 0.05
        Significance level of the ``hotspot`` class (+1 hot, -1 cold, 0 neither): the FDR level
        ``q`` with ``correction="fdr"``, the per-cell two-sided level with ``"none"``.
    correction : {"fdr", "none"}
        Benjamini-Hochberg false-discovery-rate control over all valid cells (default), or
        per-cell p-values without correction (the ArcGIS default; flags ~``alpha`` of pure noise).
    cell_m : float or None, default 100
        Aggregate the raster to block means of ``round(cell_m / pixel)`` pixels first (no
        aggregation when that is 1); None runs on the native grid.

    Returns
    -------
    xarray.Dataset
        On the (aggregated) grid: ``gi_zscore`` (float32, Gi* z-score [1]), ``gi_pvalue``
        (float32, uncorrected two-sided normal p [1]), ``gi_bin`` (int8, ArcGIS bins -3..3 = cold
        99/95/90 %, not significant, hot 90/95/99 %, FDR-controlled unless ``correction="none"``)
        and ``hotspot`` (int8, -1/0/1 at ``alpha``). Attrs: ``distance_m``, ``cell_m``,
        ``coarsen_factor``, ``correction``, ``n_valid``, the global mean / std, and
        ``flagged_share`` / ``hot_share`` / ``cold_share`` (share of valid cells with ``hotspot``
        != 0, +1, -1), plus ``p_thresholds`` (p cut-offs of the 90/95/99 % bins).

    Raises
    ------
    uhi.errors.CRSError
        The raster has no CRS or a geographic one (degrees).
    uhi.errors.InputValueError
        ``distance_m`` smaller than a cell, ``alpha`` outside (0, 1), unknown ``correction``,
        fewer than 3 valid cells, a constant raster.

    Notes
    -----
    With ``cell_m=None`` the z-scores equal ``esda.G_Local(y, w, transform="B", star=True).Zs`` with
    ``w`` = ``libpysal.weights.DistanceBand(centres, distance_m, binary=True)`` on the valid pixel
    centres (tested to 1e-6). The neighbour sums use row-wise prefix sums in a Numba kernel
    (exact, O(n r)); dask input computes the global statistics and the FDR thresholds first (two
    reductions), the maps stay lazy through :func:`uhi._backend.apply_neighbourhood`.

    Examples
    --------
    A 3x3 raster 300..308 K with a one-pixel (30 m) band, native grid, no correction: the corner's
    neighbours 300, 301, 303 sum to 8 K less than ``W ybar = 3 x 304`` K, ``s = sqrt(60/9)``, so
    ``z = -8 / (s sqrt(3 x 6 / 8))``; the opposite corner is +2.0656, a 95 % hot spot (bin 2).

    >>> import numpy as np, xarray as xr, rioxarray
    >>> t = xr.DataArray(300 + np.arange(9.0).reshape(3, 3), dims=("y", "x"),
    ...                  coords={"y": [75.0, 45.0, 15.0], "x": [15.0, 45.0, 75.0]}).rio.write_crs("EPSG:32634")
    >>> ds = hotspots(t, distance_m=30, correction="none", cell_m=None)
    >>> round(float(ds.gi_zscore[0, 0]), 4), round(float(ds.gi_zscore[1, 1]), 4), int(ds.gi_bin[2, 2])
    (-2.0656, 0.0, 2)
    """
    require_2d(lst, "lst")
    pixel = pixel_size_m(lst, "hotspots (Getis-Ord Gi*)")
    if correction not in ("fdr", "none"):
        raise InputValueError(f"correction must be 'fdr' (Benjamini-Hochberg) or 'none', got {correction!r}")
    if not 0.0 < float(alpha) < 1.0:
        raise InputValueError(f"alpha must be in (0, 1), got {alpha}")
    factor = 1
    if cell_m is not None:
        if not np.isfinite(cell_m) or cell_m <= 0:
            raise InputValueError(f"cell_m must be a positive size in metres or None, got {cell_m!r}")
        factor = max(1, int(round(float(cell_m) / pixel)))
    grid = coarsen_mean(lst, factor) if factor > 1 else lst
    cell = pixel * factor
    distance_m = max(DEFAULT_DISTANCE_M, 1.5 * cell) if distance_m is None else float(distance_m)
    if not np.isfinite(distance_m) or distance_m < cell * (1 - 1e-9):
        raise InputValueError(
            f"distance_m={distance_m} is smaller than one cell ({cell:.6g} m): the band would hold only the cell itself"
        )
    extent_m = max(lst.shape) * pixel
    if distance_m > extent_m:
        raise InputValueError(
            f"distance_m={distance_m:g} exceeds the raster's extent ({lst.shape[1] * pixel:g} m x {lst.shape[0] * pixel:g} m): "
            "every band would hold (nearly) the whole raster, so Gi* would compare it with itself; use a smaller distance_m"
        )
    radius_px = distance_m / cell
    depth = int(np.floor(radius_px * (1 + 1e-9)))
    mean, std, n = _global_stats(grid.data)
    if n < 3:
        raise InputValueError(f"hotspots needs at least 3 valid pixels (cells of {cell:.6g} m), lst has {n}")
    if not std > 0:
        raise InputValueError("lst is constant over its valid pixels; Gi* z-scores are undefined")
    z = apply_neighbourhood(gi_star, grid, depth, boundary=np.nan, kwargs={"radius_px": radius_px, "stats": (mean, std, n)})
    common = {"distance_m": distance_m, "method": "Getis-Ord Gi*, binary distance band, self included (esda G_Local star=True, transform='B')"}
    z = set_cf(z, name="gi_zscore", units="1", long_name="Getis-Ord Gi* z-score", **common)
    p = set_cf(apply_pointwise(_p_two_sided, z), name="gi_pvalue", units="1",
               long_name="two-sided normal p-value of the Gi* z-score (uncorrected)")
    levels = tuple(1.0 - c for c in GI_BIN_CONFIDENCE)  # 0.10, 0.05, 0.01
    if correction == "fdr":
        p_values = np.asarray(p.values if not is_dask(p.data) else p.data.compute())
        *cuts, hot_cut = _bh_thresholds(p_values, (*levels, float(alpha)))
        cuts = tuple(cuts)
        how = f"Benjamini-Hochberg FDR over {n} valid cells"
    else:
        cuts, hot_cut = levels, float(alpha)
        how = "none (per-cell p-values)"
    bins = apply_pointwise(_bins_from_p, z, p, dtype=np.int8, kwargs={"cuts": cuts})
    bins = set_cf(bins, name="gi_bin", units="1", long_name=f"Gi* confidence bin (ArcGIS Gi_Bin; correction: {how})")
    bins.attrs.update(flag_values=np.arange(-3, 4, dtype=np.int8), flag_meanings=GI_BIN_MEANINGS)
    cls = apply_pointwise(_bins_from_p, z, p, dtype=np.int8, kwargs={"cuts": (hot_cut,)})
    cls = set_cf(cls, name="hotspot", units="1", long_name=f"hot (+1) / cold (-1) spot at alpha={alpha} ({how})",
                 alpha=float(alpha))
    cls.attrs.update(flag_values=np.array([-1, 0, 1], dtype=np.int8), flag_meanings="cold_spot not_significant hot_spot")
    ds = xr.Dataset({"gi_zscore": z, "gi_pvalue": p, "gi_bin": bins, "hotspot": cls})
    if correction == "fdr":  # the p-values are computed already: the shares cost one more cheap pass
        flags = _bins_from_p(np.asarray(z.values), p_values, (hot_cut,))
        hot_share, cold_share = float((flags > 0).sum()) / n, float((flags < 0).sum()) / n
    else:
        flags = cls.data.compute() if is_dask(cls.data) else cls.values
        hot_share, cold_share = float((flags > 0).sum()) / n, float((flags < 0).sum()) / n
    ds.attrs.update(
        distance_m=distance_m,
        pixel_size_m=pixel,
        cell_m=cell,
        coarsen_factor=factor,
        correction=correction,
        n_valid=n,
        global_mean=mean,
        global_std=std,
        alpha=float(alpha),
        p_thresholds=np.array(cuts, dtype=np.float64),
        flagged_share=hot_share + cold_share,
        hot_share=hot_share,
        cold_share=cold_share,
        references="Getis & Ord 1992 Geogr. Anal. 24:189, doi:10.1111/j.1538-4632.1992.tb00261.x; "
        "Ord & Getis 1995 Geogr. Anal. 27:286, doi:10.1111/j.1538-4632.1995.tb00912.x; "
        "Benjamini & Hochberg 1995 J. R. Stat. Soc. B 57:289, doi:10.1111/j.2517-6161.1995.tb02031.x; "
        "PySAL esda G_Local; ArcGIS Gi_Bin",
    )
    crs = lst.rio.crs
    return ds.rio.write_crs(crs) if crs is not None else ds
