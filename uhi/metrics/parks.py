r"""Park cool-island metrics per park: PCI, cooling distance, PCA, PCE, PCG (Wu et al. 2024, Land 13:1117, doi:10.3390/land13081117).

Operational definitions (standard in the park cool-island literature; indicator names from Wu et al. 2024, Land 13:1117, doi:10.3390/land13081117; the turning-point method is
"standard in the cited literature, formulas not retrieved" [U]):

1. each park is a connected component of the park mask (8-connectivity);
2. mean LST in concentric rings of width ``ring_m`` around the park, out to ``max_distance_m``
   (distance from the park edge by ``scipy.ndimage.distance_transform_edt`` in metres; pixels of
   other parks and NaN LST are left out of the rings);
3. a cubic polynomial :math:`T(L) = a_0 + a_1 L + a_2 L^2 + a_3 L^3` is fitted (least squares) to
   the ring means against the ring's outer distance :math:`L`;
4. cooling distance :math:`L_{max}` = the first turning point of the fit that is a local maximum
   (:math:`T'(L) = 0`, :math:`T''(L) < 0`) inside ``(0, max_distance_m]``;
5. :math:`PCI = T(L_{max}) - \overline{T}_{park}` [K];
   PCA = area of the ring zone within :math:`L_{max}` [ha];
   :math:`PCE = PCA / A_{park}` [1]; :math:`PCG = PCI / L_{max}` [K km-1].

A park whose fit has no local maximum in range gets NaN for the distance-based indicators
(no cooling distance found), with the reason in the ``note`` column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from scipy import ndimage

from .._backend import pixel_size_m
from ..errors import InputValueError
from ._common import as_bool_mask, lst_kelvin

__all__ = ["park_cool_island", "cooling_distance", "PARK_COLUMNS"]

#: Columns of the :func:`park_cool_island` table.
PARK_COLUMNS = (
    "park_id",
    "area_ha",
    "park_lst",
    "cooling_distance_m",
    "lst_at_cooling_distance",
    "pci",
    "pca_ha",
    "pce",
    "pcg",
    "n_rings",
    "note",
)

_MIN_RINGS = 5  # a cubic has 4 coefficients; at least one degree of freedom left for the fit


def cooling_distance(distance_m: np.ndarray, ring_lst: np.ndarray, max_distance_m: float) -> tuple[float, float, np.ndarray]:
    """First local maximum of a cubic fit of ``ring_lst`` against ``distance_m``.

    Returns ``(L_max [m], T(L_max) [K], coefficients a0..a3)``; ``L_max`` is NaN when the cubic
    has no local maximum in ``(0, max_distance_m]``.
    """
    x = np.asarray(distance_m, dtype=np.float64)
    y = np.asarray(ring_lst, dtype=np.float64)
    scale = max(float(x.max()), 1.0)  # fit in units of the largest distance: well-conditioned Vandermonde
    coef = np.polynomial.polynomial.polyfit(x / scale, y, 3)
    poly = np.polynomial.Polynomial(coef)
    d1, d2 = poly.deriv(1), poly.deriv(2)
    roots = d1.roots()
    roots = np.sort(roots[np.isreal(roots)].real)
    for r in roots:
        if 0.0 < r * scale <= max_distance_m * (1 + 1e-9) and d2(r) < 0:
            coef_m = coef / scale ** np.arange(4)
            return float(r * scale), float(poly(r)), coef_m
    return float("nan"), float("nan"), coef / scale ** np.arange(4)


def park_cool_island(
    lst: xr.DataArray,
    park_mask: xr.DataArray | np.ndarray,
    *,
    ring_m: float = 30.0,
    max_distance_m: float = 1000.0,
    min_area_m2: float = 0.0,
) -> pd.DataFrame:
    """Park cool-island intensity and cooling distance of every park (Wu et al. 2024, Land 13:1117, doi:10.3390/land13081117).

    Parameters
    ----------
    lst : xarray.DataArray
        Land surface temperature [K] on a projected CRS (``degC`` attrs are converted).
    park_mask : xarray.DataArray or numpy.ndarray
        True on park / green-space pixels; each 8-connected component is one park.
    ring_m : float, default 30
        Ring width [m]; at least one pixel (30 m rings need 30 m pixels; use 120 for the
        Sofia stack).
    max_distance_m : float, default 1000
        Outer radius of the rings [m].
    min_area_m2 : float, default 0
        Parks smaller than this are skipped.

    Returns
    -------
    pandas.DataFrame
        One row per park with :data:`PARK_COLUMNS`: ``park_id`` (label), ``area_ha``,
        ``park_lst`` (mean LST in the park) [K], ``cooling_distance_m`` (``L_max``) [m],
        ``lst_at_cooling_distance`` [K], ``pci`` [K], ``pca_ha`` [ha], ``pce`` [1], ``pcg``
        [K km-1], ``n_rings`` used, ``note``. Attrs record ``ring_m`` and ``max_distance_m``.
    """
    lst = lst_kelvin(lst)
    pixel = pixel_size_m(lst, "park_cool_island")
    ring_m, max_distance_m = float(ring_m), float(max_distance_m)
    if not ring_m >= pixel * (1 - 1e-9):
        raise InputValueError(f"ring_m={ring_m} is narrower than one pixel ({pixel} m); rings would be empty")
    if not max_distance_m >= _MIN_RINGS * ring_m:
        raise InputValueError(f"max_distance_m={max_distance_m} must hold at least {_MIN_RINGS} rings of {ring_m} m")
    values = np.asarray(lst.values, dtype=np.float64)
    parks = as_bool_mask(park_mask, lst, "park_mask")
    labels, n_parks = ndimage.label(parks, structure=np.ones((3, 3), dtype=bool))
    halo = int(np.ceil(max_distance_m / pixel)) + 1
    n_rings = int(np.floor(max_distance_m / ring_m + 1e-9))
    edges = ring_m * np.arange(n_rings + 1)
    pixel_ha = pixel * pixel / 1e4
    rows = []
    for pid, sl in enumerate(ndimage.find_objects(labels), start=1):
        if sl is None:
            continue
        ys = slice(max(sl[0].start - halo, 0), min(sl[0].stop + halo, labels.shape[0]))
        xs = slice(max(sl[1].start - halo, 0), min(sl[1].stop + halo, labels.shape[1]))
        lab = labels[ys, xs]
        t = values[ys, xs]
        this = lab == pid
        area_ha = this.sum() * pixel_ha
        if area_ha * 1e4 < min_area_m2:
            continue
        park_t = t[this]
        park_lst = float(np.nanmean(park_t)) if np.isfinite(park_t).any() else float("nan")
        dist = ndimage.distance_transform_edt(~this, sampling=(pixel, pixel))
        usable = (lab == 0) & np.isfinite(t)
        ring_idx = np.ceil(dist / ring_m - 1e-9).astype(np.int64)  # ring k holds (k-1) ring_m < d <= k ring_m
        sel = usable & (ring_idx >= 1) & (ring_idx <= n_rings)
        sums = np.bincount(ring_idx[sel], weights=t[sel], minlength=n_rings + 1)[1:]
        counts = np.bincount(ring_idx[sel], minlength=n_rings + 1)[1:]
        have = counts > 0
        row = dict(park_id=pid, area_ha=area_ha, park_lst=park_lst, n_rings=int(have.sum()))
        nan = float("nan")
        if have.sum() < _MIN_RINGS or not np.isfinite(park_lst):
            rows.append({**row, "cooling_distance_m": nan, "lst_at_cooling_distance": nan, "pci": nan,
                         "pca_ha": nan, "pce": nan, "pcg": nan, "note": f"fewer than {_MIN_RINGS} rings with data"})
            continue
        l_max, t_max, _ = cooling_distance(edges[1:][have], sums[have] / counts[have], max_distance_m)
        if not np.isfinite(l_max):
            rows.append({**row, "cooling_distance_m": nan, "lst_at_cooling_distance": nan, "pci": nan,
                         "pca_ha": nan, "pce": nan, "pcg": nan, "note": "no local maximum of the cubic fit within range"})
            continue
        pci = t_max - park_lst
        pca_ha = float(((lab != pid) & (dist > 0) & (dist <= l_max * (1 + 1e-9))).sum() * pixel_ha)
        rows.append({
            **row,
            "cooling_distance_m": l_max,
            "lst_at_cooling_distance": t_max,
            "pci": pci,
            "pca_ha": pca_ha,
            "pce": pca_ha / area_ha,
            "pcg": pci / (l_max / 1000.0),
            "note": "",
        })
    df = pd.DataFrame(rows, columns=list(PARK_COLUMNS))
    df.attrs.update(ring_m=ring_m, max_distance_m=max_distance_m, pixel_size_m=pixel, n_parks=int(n_parks),
                    units="area_ha ha; park_lst, lst_at_cooling_distance, pci K; cooling_distance_m m; pca_ha ha; pce 1; pcg K km-1",
                    method="concentric rings + cubic fit, first turning point (Wu et al. 2024, Land 13:1117, doi:10.3390/land13081117)")
    return df
