r"""Spectral indices of Landsat 8/9 OLI reflectances: NDVI, NDBI, MNDWI, fractional vegetation cover, albedo.

Array functions (``*_array``) take numpy arrays and call the Numba kernels of
:mod:`uhi.indices._kernels`; the public functions take :class:`xarray.DataArray` bands (TOA or
surface reflectance, unitless), go through :func:`uhi._backend.apply_pointwise` so dask input
stays lazy, and keep coordinates and the CRS. Zero denominators give NaN, never ``inf``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr

from .. import constants
from .._backend import apply_pointwise, check_same_grid, require_numeric, set_cf
from ..errors import GridMismatchError, InputValueError
from ._arrays import run_kernel
from ._kernels import (
    ALBEDO_LIANG_OLI,
    albedo_kernel,
    fractional_vegetation_cover_kernel,
    normalized_difference_kernel,
)

__all__ = [
    "INDEX_BANDS",
    "albedo",
    "albedo_array",
    "fractional_vegetation_cover",
    "fractional_vegetation_cover_array",
    "mndwi",
    "ndbi",
    "ndvi",
    "normalized_difference_array",
    "spectral_indices",
]

#: Bands each index of :func:`spectral_indices` needs (names of the scene dataset, ARCHITECTURE.md).
INDEX_BANDS = {
    "ndvi": ("red", "nir"),
    "ndbi": ("swir1", "nir"),
    "mndwi": ("green", "swir1"),
    "fvc": ("red", "nir"),
    "albedo": ("blue", "red", "nir", "swir1", "swir2"),
}


# --- array layer -----------------------------------------------------------------------------
def normalized_difference_array(a, b) -> np.ndarray:
    """``(a - b) / (a + b)`` as float32; NaN where ``a + b == 0`` or an input is NaN."""
    return run_kernel(normalized_difference_kernel, a, b)


def fractional_vegetation_cover_array(ndvi) -> np.ndarray:
    """Fractional vegetation cover ``P_v`` in [0, 1] from NDVI (Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003), float32."""
    return run_kernel(fractional_vegetation_cover_kernel, ndvi)


def albedo_array(blue, red, nir, swir1, swir2) -> np.ndarray:
    """Broadband shortwave albedo from five OLI reflectances, float32 (see :func:`albedo`)."""
    return run_kernel(albedo_kernel, blue, red, nir, swir1, swir2)


# --- xarray layer ----------------------------------------------------------------------------
def _check_bands(*bands: xr.DataArray, names: tuple[str, ...], what: str) -> None:
    for name, band in zip(names, bands):
        if not isinstance(band, xr.DataArray):
            raise InputValueError(f"{what} expects xarray.DataArray bands; {name!r} is a {type(band).__name__}")
        require_numeric(band, f"{what}: band {name!r}")
    if len(bands) < 2:
        return
    if all("x" in b.coords and "y" in b.coords for b in bands):
        check_same_grid(*bands, names=names)
    else:
        for name, band in zip(names[1:], bands[1:]):
            if band.shape != bands[0].shape:
                raise GridMismatchError(f"{what}: band {name!r} has shape {band.shape} but {names[0]!r} has {bands[0].shape}")


def _normalized_difference(a: xr.DataArray, b: xr.DataArray, names, **cf) -> xr.DataArray:
    _check_bands(a, b, names=names, what=cf["name"])
    out = apply_pointwise(normalized_difference_array, a, b)
    return set_cf(out, units="1", **cf)


def ndvi(red: xr.DataArray, nir: xr.DataArray) -> xr.DataArray:
    r"""Normalised difference vegetation index [1].

    .. math:: \mathrm{NDVI} = \frac{\rho_{NIR} - \rho_{red}}{\rho_{NIR} + \rho_{red}}

    Rouse et al. (1974), NASA SP-351; OLI B5 and B4 (USGS Landsat 8 Data Users Handbook). NaN where
    :math:`\rho_{NIR} + \rho_{red} = 0`.

    Examples
    --------
    >>> import xarray as xr
    >>> round(float(ndvi(xr.DataArray([[0.1]]), xr.DataArray([[0.3]]))[0, 0]), 6)  # (0.3-0.1)/(0.3+0.1)
    0.5
    """
    return _normalized_difference(
        nir, red, ("nir", "red"), name="ndvi", long_name="normalized difference vegetation index",
        standard_name="normalized_difference_vegetation_index", formula="(nir - red) / (nir + red)",
    )


def ndbi(swir1: xr.DataArray, nir: xr.DataArray) -> xr.DataArray:
    r"""Normalised difference built-up index [1].

    .. math:: \mathrm{NDBI} = \frac{\rho_{SWIR1} - \rho_{NIR}}{\rho_{SWIR1} + \rho_{NIR}}

    Zha, Gao & Ni (2003), Int. J. Remote Sens. 24(3):583-594, doi:10.1080/01431160304987, eq. 1;
    OLI B6 and B5. NaN where the denominator is zero.
    """
    return _normalized_difference(
        swir1, nir, ("swir1", "nir"), name="ndbi", long_name="normalized difference built-up index",
        formula="(swir1 - nir) / (swir1 + nir)",
    )


def mndwi(green: xr.DataArray, swir1: xr.DataArray) -> xr.DataArray:
    r"""Modified normalised difference water index [1].

    .. math:: \mathrm{MNDWI} = \frac{\rho_{green} - \rho_{SWIR1}}{\rho_{green} + \rho_{SWIR1}}

    Xu (2006), Int. J. Remote Sens. 27(14):3025-3033, doi:10.1080/01431160600589179, eq. 2;
    OLI B3 and B6. NaN where the denominator is zero.
    """
    return _normalized_difference(
        green, swir1, ("green", "swir1"), name="mndwi", long_name="modified normalized difference water index",
        formula="(green - swir1) / (green + swir1)",
    )


def fractional_vegetation_cover(ndvi: xr.DataArray) -> xr.DataArray:
    r"""Fractional vegetation cover :math:`P_v` [1] from NDVI.

    .. math:: P_v = \left(\frac{\mathrm{NDVI} - \mathrm{NDVI}_s}{\mathrm{NDVI}_v - \mathrm{NDVI}_s}\right)^2,
              \quad \text{clipped to } [0, 1]

    with :math:`\mathrm{NDVI}_s = 0.2`, :math:`\mathrm{NDVI}_v = 0.5` (Sobrino et al. 2004, RSE 90:434-440,
    doi:10.1016/j.rse.2004.02.003; Carlson & Ripley 1997, doi:10.1016/S0034-4257(97)00104-1). NaN stays NaN.

    Examples
    --------
    >>> import xarray as xr
    >>> round(float(fractional_vegetation_cover(xr.DataArray([[0.35]]))[0, 0]), 6)  # ((0.35-0.2)/0.3)^2
    0.25
    """
    _check_bands(ndvi, names=("ndvi",), what="fractional_vegetation_cover")
    out = apply_pointwise(fractional_vegetation_cover_array, ndvi)
    return set_cf(
        out, name="fvc", units="1", long_name="fractional vegetation cover",
        ndvi_soil=constants.NDVI_SOIL, ndvi_vegetation=constants.NDVI_VEGETATION,
    )


def albedo(ds: xr.Dataset) -> xr.DataArray:
    r"""Broadband shortwave surface albedo [1] from OLI reflectances.

    .. math:: \alpha = \frac{0.356\,\rho_{blue} + 0.130\,\rho_{red} + 0.373\,\rho_{NIR}
              + 0.085\,\rho_{SWIR1} + 0.072\,\rho_{SWIR2} - 0.0018}{1.016}

    Liang (2001), Remote Sens. Environ. 76(2):213-238, doi:10.1016/S0034-4257(00)00205-4
    (TM/ETM+ bands 1, 3, 4, 5, 7, applied to OLI B2, B4, B5, B6, B7), normalised by the sum of
    its weights as in Smith (2010), "The heat budget of the earth's surface deduced from space"
    (Yale Center for Earth Observation), so a flat spectrum of reflectance :math:`\rho` gives
    :math:`\rho - 0.0018/1.016`. Meant for surface reflectance (L2); on L1 TOA reflectance
    it is a top-of-atmosphere approximation. Not clipped: check the range yourself.

    ``ds`` needs variables ``blue``, ``red``, ``nir``, ``swir1``, ``swir2`` on one grid.
    """
    bands = _dataset_bands(ds, INDEX_BANDS["albedo"], "albedo")
    _check_bands(*bands, names=INDEX_BANDS["albedo"], what="albedo")
    out = apply_pointwise(albedo_array, *bands)
    return set_cf(
        out, name="albedo", units="1", long_name="broadband shortwave surface albedo",
        standard_name="surface_albedo",
        method="Liang (2001) TM coefficients on OLI B2,B4,B5,B6,B7, Smith (2010) normalisation",
        coefficients=list(ALBEDO_LIANG_OLI),
    )


def _dataset_bands(ds: xr.Dataset, names: Iterable[str], what: str) -> list[xr.DataArray]:
    if not isinstance(ds, xr.Dataset):
        raise InputValueError(f"{what} expects a scene xarray.Dataset, got {type(ds).__name__}")
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise InputValueError(
            f"{what} needs band(s) {missing} in the scene dataset; it has {sorted(map(str, ds.data_vars))}"
        )
    return [ds[n] for n in names]


def spectral_indices(ds: xr.Dataset, names: Iterable[str] = ("ndvi", "ndbi", "mndwi", "fvc", "albedo")) -> xr.Dataset:
    """Compute several indices of a scene dataset into one :class:`xarray.Dataset`.

    ``names`` is any of ``"ndvi"``, ``"ndbi"``, ``"mndwi"``, ``"fvc"`` (fractional vegetation cover)
    and ``"albedo"``; each needs the bands in :data:`INDEX_BANDS`. The CRS of ``ds`` is kept.
    """
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in INDEX_BANDS]
    if unknown:
        raise InputValueError(f"unknown index name(s) {unknown}; choose from {sorted(INDEX_BANDS)}")
    for name in names:
        _dataset_bands(ds, INDEX_BANDS[name], name)
    out: dict[str, xr.DataArray] = {}
    ndvi_da = None
    if "ndvi" in names or "fvc" in names:
        ndvi_da = ndvi(ds["red"], ds["nir"])
    for name in names:
        if name == "ndvi":
            out[name] = ndvi_da
        elif name == "fvc":
            out[name] = fractional_vegetation_cover(ndvi_da)
        elif name == "ndbi":
            out[name] = ndbi(ds["swir1"], ds["nir"])
        elif name == "mndwi":
            out[name] = mndwi(ds["green"], ds["swir1"])
        else:
            out[name] = albedo(ds)
    result = xr.Dataset(out)
    if ds.rio.crs is not None:
        result = result.rio.write_crs(ds.rio.crs)
    result.attrs = {k: v for k, v in ds.attrs.items() if k in ("scene_id", "spacecraft", "acquisition_time", "city", "source")}
    return result
