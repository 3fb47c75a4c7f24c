r"""Land-surface emissivity of TIRS bands 10 and 11 from NDVI (NDVI-threshold method, Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003).

.. math::

    \varepsilon = \begin{cases}
      \varepsilon_{water} & \mathrm{NDVI} < 0 \\
      a + b\,\rho_{red} & 0 \le \mathrm{NDVI} < 0.2 \quad (\varepsilon_s \text{ without } \rho_{red}) \\
      \varepsilon_v P_v + \varepsilon_s (1 - P_v) + d\varepsilon & 0.2 \le \mathrm{NDVI} \le 0.5 \\
      \varepsilon_v & \mathrm{NDVI} > 0.5
    \end{cases}
    \qquad d\varepsilon = (1 - \varepsilon_s)(1 - P_v)\,F\,\varepsilon_v,\ F = 0.55

Thresholds and the squared :math:`P_v`: Sobrino, Jiménez-Muñoz & Paolini (2004), RSE 90(4):434-440,
doi:10.1016/j.rse.2004.02.003, and Sobrino et al. (2008), IEEE TGRS 46(2):316-327. TIRS soil and
vegetation emissivities :math:`\varepsilon_s, \varepsilon_v` = 0.9668/0.9863 (B10), 0.9747/0.9896 (B11):
Yu, Guo & Wu (2014), Remote Sens. 6:9829, doi:10.3390/rs6109829. Bare-soil slopes
0.973 - 0.047 ρ_red (B10), 0.984 - 0.026 ρ_red (B11): pylandtemp (Li & Meng 2018; Yu et al. 2014).
Cavity factor F = 0.55 (pylandtemp ``cavity_effect``). Water (NDVI < 0) 0.992/0.998: Du et al. (2015)
land-cover table. All via :mod:`uhi.constants` (read in code citing the papers, [C]).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .. import constants
from .._backend import apply_pointwise, set_cf
from ..errors import InputValueError
from ..indices._arrays import run_kernel
from ._kernels import NDVI_WATER, emissivity_kernel

__all__ = ["emissivity_from_ndvi", "emissivity_from_ndvi_array", "emissivity_parameters"]


def emissivity_parameters(band: int = 10) -> tuple:
    """``(e_water, e_soil, e_vegetation, soil_a, soil_b)`` of TIRS ``band`` (10 or 11) as float32."""
    if band not in constants.TIRS_EMISSIVITY:
        raise InputValueError(f"band must be 10 or 11 (TIRS), got {band!r}")
    tirs = constants.TIRS_EMISSIVITY[band]
    a, b = tirs["bare_soil"]
    values = (constants.WATER_EMISSIVITY[band], tirs["soil"], tirs["vegetation"], a, b)
    return tuple(np.float32(v) for v in values)


def emissivity_from_ndvi_array(ndvi, red=None, *, band: int = 10) -> np.ndarray:
    """Emissivity [1] of TIRS ``band`` from NDVI (and red reflectance for bare soil), float32."""
    em = emissivity_parameters(band)
    if red is None:
        return run_kernel(emissivity_kernel, ndvi, ndvi, args=(False, em))
    return run_kernel(emissivity_kernel, ndvi, red, args=(True, em))


def emissivity_from_ndvi(ndvi: xr.DataArray, red: xr.DataArray | None = None, *, band: int = 10) -> xr.DataArray:
    """Land-surface emissivity [1] of TIRS band 10 or 11 by the NDVI-threshold method (module docstring).

    ``red`` (red reflectance) sets the bare-soil emissivity ``a + b·ρ_red``; without it bare soil gets
    the constant soil emissivity. NaN NDVI gives NaN.

    Examples
    --------
    >>> import xarray as xr
    >>> eps = emissivity_from_ndvi(xr.DataArray([[-0.3, 0.6]]))
    >>> [round(float(v), 4) for v in eps.values.ravel()]  # water, vegetation (B10)
    [0.992, 0.9863]
    """
    params = emissivity_parameters(band)  # validates band early
    if red is None:
        out = apply_pointwise(emissivity_from_ndvi_array, ndvi, kwargs={"band": band})
    else:
        out = apply_pointwise(emissivity_from_ndvi_array, ndvi, red, kwargs={"band": band})
    return set_cf(
        out, name="emissivity", units="1", long_name=f"land surface emissivity, TIRS band {band}",
        method="NDVI threshold (Sobrino et al. 2004/2008), cavity term F=0.55",
        band=f"B{band}", ndvi_water=NDVI_WATER, ndvi_soil=constants.NDVI_SOIL, ndvi_vegetation=constants.NDVI_VEGETATION,
        emissivity_water=float(params[0]), emissivity_soil=float(params[1]), emissivity_vegetation=float(params[2]),
    )
