"""Plain-numpy references of the spectral-index kernels (float64 arithmetic, for tests and benchmarks)."""

from __future__ import annotations

import numpy as np

from .. import constants
from ._kernels import ALBEDO_LIANG_OLI

__all__ = ["albedo_reference", "fractional_vegetation_cover_reference", "normalized_difference_reference"]


def normalized_difference_reference(a, b) -> np.ndarray:
    """``(a - b) / (a + b)`` with NaN where the denominator is zero."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    den = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, (a - b) / den)


def fractional_vegetation_cover_reference(ndvi) -> np.ndarray:
    """``clip((NDVI - 0.2)/(0.5 - 0.2), 0, 1)^2`` (Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003); NaN stays NaN."""
    ndvi = np.asarray(ndvi, dtype=np.float64)
    p = (ndvi - constants.NDVI_SOIL) / (constants.NDVI_VEGETATION - constants.NDVI_SOIL)
    return np.clip(p, 0.0, 1.0) ** 2


def albedo_reference(blue, red, nir, swir1, swir2) -> np.ndarray:
    """Liang (2001) shortwave albedo with Smith's (2010) normalisation, in float64."""
    wb, wr, wn, w1, w2, w0, norm = ALBEDO_LIANG_OLI
    bands = [np.asarray(x, dtype=np.float64) for x in (blue, red, nir, swir1, swir2)]
    return (wb * bands[0] + wr * bands[1] + wn * bands[2] + w1 * bands[3] + w2 * bands[4] + w0) / norm
