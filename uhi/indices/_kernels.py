"""Numba kernels for spectral indices (float32, NaN-safe, row blocks on threads: :func:`uhi._threads.threaded`).

Each kernel takes 2-D float32 arrays of one shape (strided views are fine) and writes
into a preallocated ``out``. A zero denominator gives NaN, never ``inf``. The plain-numpy
twins live in :mod:`uhi.indices._reference`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import constants
from .._threads import threaded

__all__ = [
    "ALBEDO_LIANG_OLI",
    "albedo_kernel",
    "fractional_vegetation_cover",
    "fractional_vegetation_cover_kernel",
    "normalized_difference",
    "normalized_difference_kernel",
]

#: Liang (2001) shortwave albedo for Landsat TM/ETM+ bands 1, 3, 4, 5, 7, applied to the matching
#: OLI bands blue (B2), red (B4), nir (B5), swir1 (B6), swir2 (B7), with Smith's (2010) normalisation
#: by the sum of the weights (1.016). Liang, S. (2001), "Narrowband to broadband conversions of land
#: surface albedo I: Algorithms", Remote Sens. Environ. 76(2):213-238, doi:10.1016/S0034-4257(00)00205-4,
#: Table 5 (TM/ETM+); Smith, R.B. (2010), "The heat budget of the earth's surface deduced from space",
#: Yale Center for Earth Observation. See the uhi.indices docstring.
#: (w_blue, w_red, w_nir, w_swir1, w_swir2, intercept, normalisation)
ALBEDO_LIANG_OLI = (0.356, 0.130, 0.373, 0.085, 0.072, -0.0018, 1.016)


@njit(inline="always", cache=True)
def normalized_difference(a, b):  # pragma: no cover - compiled; NUMBA_DISABLE_JIT run covers it
    """``(a - b) / (a + b)`` in float32; NaN where ``a + b == 0`` or an input is NaN."""
    den = a + b
    if den == 0:
        return np.float32(np.nan)
    return (a - b) / den


@njit(inline="always", cache=True)
def fractional_vegetation_cover(ndvi, ndvi_soil, ndvi_vegetation):  # pragma: no cover - compiled
    """``P_v = clip((NDVI - NDVI_s)/(NDVI_v - NDVI_s), 0, 1)^2`` (NaN stays NaN)."""
    p = (ndvi - ndvi_soil) / (ndvi_vegetation - ndvi_soil)
    if p < 0:
        p = np.float32(0.0)
    elif p > 1:
        p = np.float32(1.0)
    return p * p


@njit(nogil=True, cache=True, error_model="numpy")
def _normalized_difference_rows(a, b, out, i0, i1):  # pragma: no cover - compiled
    """``out = (a - b) / (a + b)`` for 2-D float32 arrays."""
    for i in range(i0, i1):
        for j in range(a.shape[1]):
            out[i, j] = normalized_difference(a[i, j], b[i, j])


normalized_difference_kernel = threaded(_normalized_difference_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _fractional_vegetation_cover_rows(ndvi, out, i0, i1):  # pragma: no cover - compiled
    """Fractional vegetation cover ``P_v`` from NDVI (2-D float32), thresholds of Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003."""
    s = np.float32(constants.NDVI_SOIL)
    v = np.float32(constants.NDVI_VEGETATION)
    for i in range(i0, i1):
        for j in range(ndvi.shape[1]):
            out[i, j] = fractional_vegetation_cover(ndvi[i, j], s, v)


fractional_vegetation_cover_kernel = threaded(_fractional_vegetation_cover_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _albedo_rows(blue, red, nir, swir1, swir2, out, i0, i1):  # pragma: no cover - compiled
    """Broadband shortwave albedo (Liang 2001 / Smith 2010 normalisation) from five OLI reflectances."""
    c = ALBEDO_LIANG_OLI
    wb = np.float32(c[0] / c[6])
    wr = np.float32(c[1] / c[6])
    wn = np.float32(c[2] / c[6])
    w1 = np.float32(c[3] / c[6])
    w2 = np.float32(c[4] / c[6])
    w0 = np.float32(c[5] / c[6])
    for i in range(i0, i1):
        for j in range(blue.shape[1]):
            out[i, j] = wb * blue[i, j] + wr * red[i, j] + wn * nir[i, j] + w1 * swir1[i, j] + w2 * swir2[i, j] + w0


albedo_kernel = threaded(_albedo_rows)
