"""Spectral indices of Landsat 8/9 OLI scenes: NDVI, NDBI, MNDWI, fractional vegetation cover, albedo.

DataArray in, DataArray out (CRS, coordinates and CF attributes kept; dask stays lazy), backed by
Numba kernels in :mod:`uhi.indices._kernels` with plain-numpy twins in :mod:`uhi.indices._reference`.
"""

from __future__ import annotations

import rioxarray  # noqa: F401  (registers the .rio accessor used to keep the CRS)

from .spectral import (
    INDEX_BANDS,
    albedo,
    albedo_array,
    fractional_vegetation_cover,
    fractional_vegetation_cover_array,
    mndwi,
    ndbi,
    ndvi,
    normalized_difference_array,
    spectral_indices,
)

from .spectral import __all__  # noqa: F401  (one list of the public names, in spectral)
