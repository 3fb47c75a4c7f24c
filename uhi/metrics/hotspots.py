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
99 %, +-2 for 95 %, +-1 for 90 % confidence, 0 not significant, from two-sided normal p-values
without FDR correction.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.special import ndtr

from .._backend import apply_neighbourhood, apply_pointwise, is_dask, pixel_size_m, set_cf
from ..errors import InputValueError
from ._common import require_2d
from ._kernels import disc_half_widths, gi_star_kernel

__all__ = ["hotspots", "gi_star", "gi_bin", "GI_BIN_MEANINGS"]

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
    valid = np.isfinite(y)
    n = int(valid.sum())
    if n == 0:
        return np.nan, np.nan, 0
    v = y[valid].astype(np.float64)
    mean = float(v.mean())
    return mean, float(np.sqrt(np.mean((v - mean) ** 2))), n


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


def _p_two_sided(z):
    return (2.0 * ndtr(-np.abs(z.astype(np.float64)))).astype(np.float32)


def _hotspot_class(z, alpha):
    p = 2.0 * ndtr(-np.abs(z.astype(np.float64)))
    return np.where(np.isfinite(z) & (p < alpha), np.sign(z), 0).astype(np.int8)


def hotspots(lst: xr.DataArray, *, distance_m: float = 500.0, alpha: float = 0.05) -> xr.Dataset:
    """Getis-Ord Gi* hot and cold spots of a raster with a distance band in metres.

    Parameters
    ----------
    lst : xarray.DataArray
        2-D ``(y, x)`` raster on a projected CRS with square pixels (usually LST [K]; any
        variable works). NaN pixels are excluded from ``n``, the global mean and standard
        deviation and from every neighbour sum; they get NaN / 0 in the outputs.
    distance_m : float, default 500
        Radius of the binary distance band [m]: pixel ``j`` is a neighbour of ``i`` when the
        distance between their centres is ``<= distance_m`` (self included). Must be at
        least one pixel. 500 m spans about 4 pixels at the 120 m of the Sofia stack and 5 TIRS
        pixels of 100 m; the TIRS native resolution is ~100 m, and running on ~100 m cells avoids to avoid spurious
        significance from resampled 30 m pixels.
    alpha : float, default 0.05
        Two-sided significance level of the ``hotspot`` class (+1 hot, -1 cold, 0 neither).

    Returns
    -------
    xarray.Dataset
        ``gi_zscore`` (float32, Gi* z-score [1]), ``gi_pvalue`` (float32, two-sided normal p [1]),
        ``gi_bin`` (int8, ArcGIS bins -3..3 = cold 99/95/90 %, not significant, hot 90/95/99 %)
        and ``hotspot`` (int8, -1/0/1 at ``alpha``). Attrs carry ``distance_m``, ``n_valid``,
        the global mean / std and ``method``.

    Raises
    ------
    uhi.errors.CRSError
        The raster has no CRS or a geographic one (degrees).
    uhi.errors.InputValueError
        ``distance_m`` smaller than a pixel, ``alpha`` outside (0, 1), fewer than 3 valid pixels.

    Notes
    -----
    Equal to ``esda.G_Local(y, w, transform="B", star=True).Zs`` with ``w`` =
    ``libpysal.weights.DistanceBand(centres, distance_m, binary=True)`` on the valid pixel
    centres (tested to 1e-6). The neighbour sums use row-wise prefix sums in a Numba kernel
    (exact, O(n r)); dask input computes the three global statistics first, then the local
    sums stay lazy through :func:`uhi._backend.apply_neighbourhood` with a halo of
    ``floor(distance_m / pixel)`` pixels.

    Examples
    --------
    A 3x3 raster 300..308 K with a one-pixel (30 m) band: the corner's neighbours 300, 301, 303 sum
    to 8 K less than ``W ybar = 3 x 304`` K, ``s = sqrt(60/9)``, so ``z = -8 / (s sqrt(3 x 6 / 8))``;
    the opposite corner is +2.0656, a 95 % hot spot (bin 2).

    >>> import numpy as np, xarray as xr, rioxarray
    >>> t = xr.DataArray(300 + np.arange(9.0).reshape(3, 3), dims=("y", "x"),
    ...                  coords={"y": [75.0, 45.0, 15.0], "x": [15.0, 45.0, 75.0]}).rio.write_crs("EPSG:32634")
    >>> ds = hotspots(t, distance_m=30)
    >>> round(float(ds.gi_zscore[0, 0]), 4), round(float(ds.gi_zscore[1, 1]), 4), int(ds.gi_bin[2, 2])
    (-2.0656, 0.0, 2)
    """
    require_2d(lst, "lst")
    pixel = pixel_size_m(lst, "hotspots (Getis-Ord Gi*)")
    distance_m = float(distance_m)
    if not np.isfinite(distance_m) or distance_m < pixel:
        raise InputValueError(
            f"distance_m={distance_m} is smaller than one pixel ({pixel} m): the band would hold only the pixel itself"
        )
    if not 0.0 < float(alpha) < 1.0:
        raise InputValueError(f"alpha must be in (0, 1), got {alpha}")
    radius_px = distance_m / pixel
    depth = int(np.floor(radius_px * (1 + 1e-9)))
    mean, std, n = _global_stats(lst.data)
    if n < 3:
        raise InputValueError(f"hotspots needs at least 3 valid pixels, lst has {n}")
    if not std > 0:
        raise InputValueError("lst is constant over its valid pixels; Gi* z-scores are undefined")
    z = apply_neighbourhood(gi_star, lst, depth, boundary=np.nan, kwargs={"radius_px": radius_px, "stats": (mean, std, n)})
    common = {"distance_m": distance_m, "method": "Getis-Ord Gi*, binary distance band, self included (esda G_Local star=True, transform='B')"}
    z = set_cf(z, name="gi_zscore", units="1", long_name="Getis-Ord Gi* z-score", **common)
    p = set_cf(apply_pointwise(_p_two_sided, z), name="gi_pvalue", units="1", long_name="two-sided normal p-value of the Gi* z-score")
    bins = apply_pointwise(gi_bin, z, dtype=np.int8)
    bins = set_cf(bins, name="gi_bin", units="1", long_name="Gi* confidence bin (ArcGIS Gi_Bin)")
    bins.attrs.update(flag_values=np.arange(-3, 4, dtype=np.int8), flag_meanings=GI_BIN_MEANINGS)
    cls = apply_pointwise(_hotspot_class, z, dtype=np.int8, kwargs={"alpha": float(alpha)})
    cls = set_cf(cls, name="hotspot", units="1", long_name=f"hot (+1) / cold (-1) spot at two-sided alpha={alpha}", alpha=float(alpha))
    cls.attrs.update(flag_values=np.array([-1, 0, 1], dtype=np.int8), flag_meanings="cold_spot not_significant hot_spot")
    ds = xr.Dataset({"gi_zscore": z, "gi_pvalue": p, "gi_bin": bins, "hotspot": cls})
    ds.attrs.update(
        distance_m=distance_m,
        pixel_size_m=pixel,
        n_valid=n,
        global_mean=mean,
        global_std=std,
        alpha=float(alpha),
        references="Getis & Ord 1992 Geogr. Anal. 24:189, doi:10.1111/j.1538-4632.1992.tb00261.x; "
        "Ord & Getis 1995 Geogr. Anal. 27:286, doi:10.1111/j.1538-4632.1995.tb00912.x; PySAL esda G_Local; ArcGIS Gi_Bin",
    )
    crs = lst.rio.crs
    return ds.rio.write_crs(crs) if crs is not None else ds
