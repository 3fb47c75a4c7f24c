"""Land-surface temperature from Landsat 8/9: calibration, emissivity, four LST methods.

Public functions take and return :class:`xarray.DataArray` objects (coordinates, CRS and CF
attributes kept; dask input stays lazy). They run Numba kernels (:mod:`uhi.lst._kernels`) with
plain-numpy twins in :mod:`uhi.lst._reference`. Equations and sources: USGS LSDS-1574/LSDS-1619, Sobrino et al. 2004, Avdan & Jovanovska 2016, Jiménez-Muñoz et al. 2014, Du et al. 2015 (keys in :mod:`uhi.references`) and
the docstrings of :mod:`uhi.lst.methods`, :mod:`uhi.lst.emissivity` and :mod:`uhi.lst.radiance`.
"""

from __future__ import annotations

import rioxarray  # noqa: F401  (registers the .rio accessor used to keep the CRS)

from ..indices import fractional_vegetation_cover, ndvi
from .emissivity import emissivity_from_ndvi, emissivity_from_ndvi_array, emissivity_parameters
from .methods import (
    LST_PLAUSIBLE_K,
    METHODS,
    SPLIT_WINDOW_MAX_DT_K,
    WATER_VAPOUR_RANGE,
    du2015_coefficients,
    explain_empty,
    land_surface_temperature,
    lst_simple_array,
    lst_single_channel_array,
    lst_split_window_array,
    psi_functions,
    to_celsius,
)
from .radiance import brightness_temperature, brightness_temperature_array, toa_radiance, toa_radiance_array

__all__ = [
    "LST_PLAUSIBLE_K",
    "METHODS",
    "SPLIT_WINDOW_MAX_DT_K",
    "WATER_VAPOUR_RANGE",
    "brightness_temperature",
    "brightness_temperature_array",
    "du2015_coefficients",
    "emissivity_from_ndvi",
    "emissivity_from_ndvi_array",
    "emissivity_parameters",
    "explain_empty",
    "fractional_vegetation_cover",
    "land_surface_temperature",
    "lst_simple_array",
    "lst_single_channel_array",
    "lst_split_window_array",
    "ndvi",
    "psi_functions",
    "to_celsius",
    "toa_radiance",
    "toa_radiance_array",
]
