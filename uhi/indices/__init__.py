"""Spectral indices of Landsat 8/9 OLI scenes: NDVI, NDBI, MNDWI, fractional vegetation cover, albedo.

DataArray in, DataArray out (CRS, coordinates and CF attributes kept; dask stays lazy), backed by
Numba kernels in :mod:`uhi.indices._kernels` with plain-numpy twins in :mod:`uhi.indices._reference`.
"""

from __future__ import annotations

import rioxarray  # noqa: F401  (registers the .rio accessor used to keep the CRS)

from .spectral import *  # the public names: spectral.__all__, the one list of them
from .spectral import __all__  # noqa: F401
