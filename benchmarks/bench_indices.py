"""Benchmark: spectral indices, Numba kernels vs the numpy references.

Subject ``numba``: the array layer of :mod:`uhi.indices` (parallel Numba kernels, float32, NaN where the
denominator is zero). ``numpy``: :mod:`uhi.indices._reference` (float64, ``np.where`` for the zero
denominator). ``xarray``: the public function on numpy-backed DataArrays.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from common import Case, case, synthetic_fields

from uhi import indices
from uhi.indices import _reference as ref


def _bands(n: int):
    f = synthetic_fields(n)
    rng = np.random.default_rng(1)
    out = {"red": f["red"], "nir": f["nir"]}
    for name in ("blue", "swir1", "swir2"):
        out[name] = (0.02 + 0.3 * rng.random((n, n), dtype=np.float32)).astype(np.float32)
    out["red"][::97, ::89] = np.nan
    return out


@case("ndvi")
def setup_ndvi(n: int) -> Case:
    b = _bands(n)
    red, nir = xr.DataArray(b["red"], dims=("y", "x")), xr.DataArray(b["nir"], dims=("y", "x"))
    return Case(
        {
            "numba": lambda: indices.normalized_difference_array(b["nir"], b["red"]),
            "numpy": lambda: ref.normalized_difference_reference(b["nir"], b["red"]),
            "xarray": lambda: indices.ndvi(red, nir).values,
        },
        pixels=n * n, input_mib=2 * n * n * 4 / 2**20, notes="(nir - red)/(nir + red), NaN on zero denominator",
    )


@case("albedo")
def setup_albedo(n: int) -> Case:
    b = _bands(n)
    ds = xr.Dataset({k: (("y", "x"), v) for k, v in b.items()})
    names = ("blue", "red", "nir", "swir1", "swir2")
    return Case(
        {
            "numba": lambda: indices.albedo_array(*(b[k] for k in names)),
            "numpy": lambda: ref.albedo_reference(*(b[k] for k in names)),
            "xarray": lambda: indices.albedo(ds).values,
        },
        pixels=n * n, input_mib=5 * n * n * 4 / 2**20, notes="Liang 2001 / Smith 2010, five OLI bands",
    )
