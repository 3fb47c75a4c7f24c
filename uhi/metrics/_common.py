"""Input checks shared by the metric modules (units, shape, masks)."""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used for CRS checks)
import xarray as xr

from .._backend import require_numeric
from ..errors import GridMismatchError, InputValueError
from ..units import CELSIUS_UNITS, KELVIN_UNITS, ZERO_CELSIUS_K

__all__ = ["lst_kelvin", "require_2d", "as_bool_mask", "CELSIUS_UNITS", "KELVIN_UNITS"]


#: Below this, a temperature labelled (or assumed) kelvin is implausible for any land surface
#: (the coldest measured surfaces on Earth are about 180 K); such data is almost surely Celsius.
_MIN_PLAUSIBLE_K = 150.0


def require_2d(da, name: str) -> xr.DataArray:
    """Return ``da`` if it is a 2-D ``(y, x)`` DataArray, else raise :class:`InputValueError`."""
    if not isinstance(da, xr.DataArray):
        raise InputValueError(f"{name} must be an xarray.DataArray with dims ('y', 'x'), got {type(da).__name__}")
    if da.ndim != 2 or tuple(da.dims) != ("y", "x"):
        raise InputValueError(f"{name} must have dims ('y', 'x'), got {tuple(da.dims)}; select one band/time first")
    require_numeric(da, name)
    return da


def lst_kelvin(lst: xr.DataArray, name: str = "lst") -> xr.DataArray:
    """LST in kelvin: converts data labelled Celsius, refuses unlabelled data that looks like Celsius.

    ``units`` attrs in :data:`CELSIUS_UNITS` are converted (+273.15); ``K`` or missing units are
    taken as kelvin, but a median below 150 K raises :class:`InputValueError` (it is Celsius data
    without a label, which would make every relative metric silently wrong).
    """
    require_2d(lst, name)
    units = str(lst.attrs.get("units", "")).strip()
    if units in CELSIUS_UNITS:
        out = lst.astype(np.float32) + np.float32(ZERO_CELSIUS_K)
        out.attrs = {**lst.attrs, "units": "K"}
        return out
    if units and units not in KELVIN_UNITS:
        raise InputValueError(f"{name} has units {units!r}; expected 'K' (kelvin) or 'degC'")
    # a cheap plausibility check on a subsample (dask: computes only that subsample)
    step = max(1, int(np.sqrt(lst.size / 10_000)))
    sample = np.asarray(lst.data[::step, ::step])
    if np.isfinite(sample).any():
        med = float(np.nanmedian(sample))
        if med < _MIN_PLAUSIBLE_K:
            raise InputValueError(
                f"{name} has a median of {med:.1f} but no 'units' attribute saying Celsius; LST must be in "
                "kelvin (set lst.attrs['units'] = 'degC' or add 273.15)"
            )
    return lst


def as_bool_mask(mask, like: xr.DataArray, name: str) -> np.ndarray:
    """A boolean numpy mask on the grid of ``like`` (NaN counts as False)."""
    if isinstance(mask, xr.DataArray):
        if mask.shape != like.shape:
            raise GridMismatchError(f"{name} has shape {mask.shape} but lst has {like.shape}; put them on one grid")
        if "x" in mask.coords and "x" in like.coords:
            if not (np.allclose(mask["x"].values, like["x"].values) and np.allclose(mask["y"].values, like["y"].values)):
                raise GridMismatchError(f"{name} and lst have different x/y coordinates; align them first")
        values = np.asarray(mask.values)
    else:
        values = np.asarray(mask)
        if values.shape != like.shape:
            raise GridMismatchError(f"{name} has shape {values.shape} but lst has {like.shape}")
    if values.dtype == bool:
        return values
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(values.astype(np.float64), nan=0.0) != 0
