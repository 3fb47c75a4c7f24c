r"""Thermal band calibration: DN -> TOA radiance -> at-sensor brightness temperature (USGS Landsat 8 Data Users Handbook, LSDS-1574)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._backend import apply_pointwise, set_cf
from ..errors import InputValueError
from ..indices._arrays import run_kernel
from ._kernels import brightness_temperature_kernel, planck_radiance_kernel, toa_radiance_kernel

__all__ = [
    "brightness_temperature",
    "brightness_temperature_array",
    "planck_radiance_array",
    "toa_radiance",
    "toa_radiance_array",
]

RADIANCE_UNITS = "W m-2 sr-1 um-1"


def _positive_finite(value, name: str) -> np.float32:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputValueError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise InputValueError(f"{name} must be a positive finite number (from the scene's MTL), got {value!r}")
    return np.float32(v)


def toa_radiance_array(dn, mult: float, add: float) -> np.ndarray:
    """TOA spectral radiance [W m-2 sr-1 um-1] from quantised DN, float32; DN 0 (fill) -> NaN."""
    return run_kernel(toa_radiance_kernel, dn, args=(np.float32(mult), np.float32(add)))


def brightness_temperature_array(radiance, k1: float, k2: float) -> np.ndarray:
    """At-sensor brightness temperature [K] from radiance, float32; radiance <= 0 -> NaN."""
    return run_kernel(
        brightness_temperature_kernel, radiance, args=(_positive_finite(k1, "k1"), _positive_finite(k2, "k2"))
    )


def planck_radiance_array(bt, k1: float, k2: float) -> np.ndarray:
    """Band radiance [W m-2 sr-1 um-1] of brightness temperature ``bt`` [K]: ``K1 / (exp(K2/BT) - 1)``."""
    return run_kernel(planck_radiance_kernel, bt, args=(_positive_finite(k1, "k1"), _positive_finite(k2, "k2")))


def toa_radiance(dn: xr.DataArray, mult: float, add: float) -> xr.DataArray:
    r"""Top-of-atmosphere spectral radiance [W m-2 sr-1 um-1] from Level-1 digital numbers.

    .. math:: L_\lambda = M_L\,Q_{cal} + A_L

    with :math:`M_L` = ``RADIANCE_MULT_BAND_x`` and :math:`A_L` = ``RADIANCE_ADD_BAND_x`` from the
    scene's MTL (USGS Landsat 8 Data Users Handbook, LSDS-1574, sec. 5.1). DN 0 is the Landsat
    fill value and gives NaN, as does NaN.

    Examples
    --------
    >>> import xarray as xr
    >>> round(float(toa_radiance(xr.DataArray([[20000]]), 3.342e-4, 0.1)[0, 0]), 4)  # 3.342e-4*20000 + 0.1
    6.784
    """
    for name, value in (("mult", mult), ("add", add)):
        if not np.isfinite(float(value)):
            raise InputValueError(f"toa_radiance: {name} must be finite (RADIANCE_MULT/ADD_BAND_x of the MTL), got {value!r}")
    out = apply_pointwise(toa_radiance_array, dn, kwargs={"mult": float(mult), "add": float(add)})
    return set_cf(
        out, name="radiance", units=RADIANCE_UNITS, long_name="TOA spectral radiance",
        radiance_mult=float(mult), radiance_add=float(add), band=dn.attrs.get("band"),
    )


def brightness_temperature(radiance: xr.DataArray, k1: float, k2: float) -> xr.DataArray:
    r"""At-sensor brightness temperature [K] from TOA radiance (inverse Planck with the band's K1, K2).

    .. math:: T_B = \frac{K_2}{\ln\left(K_1 / L_\lambda + 1\right)}

    :math:`K_1` [W m-2 sr-1 um-1] and :math:`K_2` [K] are ``K1/K2_CONSTANT_BAND_x`` of the scene's MTL
    (USGS Landsat 8 Data Users Handbook, LSDS-1574, sec. 5.3). Radiance <= 0 gives NaN.

    Examples
    --------
    >>> import xarray as xr
    >>> round(float(brightness_temperature(xr.DataArray([[10.0]]), 774.8853, 1321.0789)[0, 0]), 2)
    302.79
    """
    k1f, k2f = _positive_finite(k1, "k1"), _positive_finite(k2, "k2")
    out = apply_pointwise(brightness_temperature_array, radiance, kwargs={"k1": float(k1f), "k2": float(k2f)})
    return set_cf(
        out, name="brightness_temperature", units="K", long_name="at-sensor brightness temperature",
        standard_name="brightness_temperature", k1=float(k1), k2=float(k2), band=radiance.attrs.get("band"),
    )
