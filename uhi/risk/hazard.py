r"""Absolute heat hazard and exposure: the same heat (or density) gives the same value in every city and year.

Hazard classes are the heat-stress categories of the UTCI assessment scale (Błażejczyk et al. 2013,
Geogr. Pol. 86(1):5-10, doi:10.7163/GPol.2013.1, Table 1; Bröde et al. 2012, Int. J. Biometeorol.
56:481, doi:10.1007/s00484-011-0454-1):

=====  ===========================  ==============
class  label                        temperature
=====  ===========================  ==============
1      no_heat_stress               < 26 °C
2      moderate_heat_stress         26 - 32 °C
3      strong_heat_stress           32 - 38 °C
4      very_strong_heat_stress      38 - 46 °C
5      extreme_heat_stress          > 46 °C
=====  ===========================  ==============

The scale is defined for UTCI, a felt temperature of the air near the ground. Applied to land surface
temperature (the default hazard of :func:`uhi.risk.assess_risk`) the classes are a **surface proxy**: sunlit
roofs and roads are far hotter than the air on summer afternoons, so the classes place surface heat on a fixed
scale that is the same in every city and year; they are not felt-heat categories. The outputs say which
quantity was classified. Users with modelled air
temperature (or UTCI) pass it instead; other thresholds (e.g. a city's minimum-mortality temperature from
Masselot et al. 2023 for daily mean air temperature) go in ``thresholds``.

The continuous hazard index is the temperature on the same absolute scale, linear from the first to the last
threshold and clipped:

.. math::

    H = \min\left(1, \max\left(0, \frac{T - 26\,°C}{46\,°C - 26\,°C}\right)\right)

Exposure is the population density relative to the lowest urban density of the Degree of Urbanisation,
300 inhabitants km-2 (the "urban cluster" cells; Dijkstra et al. 2021, J. Urban Econ. 125:103312,
doi:10.1016/j.jue.2020.103312), clipped at 1: ``E = min(1, density / 300)``. It says whether people live
there at urban density; it does not let headcount rank the settled cells (the number of people at risk is
counted separately, per class and district). On the Sofia 2019 stack, saturating at 1,500 km-2 (urban
centres) instead leaves Spearman rho(risk, population) = 0.93 over populated pixels; at 300 km-2 it is 0.81.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._backend import apply_pointwise, set_cf
from ..errors import InputValueError
from ..units import ZERO_CELSIUS_K
from .components import exposure_from_population, hazard_from_lst

__all__ = [
    "EXPOSURE_REFERENCE_DENSITY",
    "HAZARD_LABELS",
    "UTCI_HEAT_STRESS_C",
    "exposure_index",
    "hazard_classes",
    "hazard_index",
]

#: Lower bounds [°C] of the UTCI moderate, strong, very strong and extreme heat-stress categories
#: (Błażejczyk et al. 2013 Table 1; Bröde et al. 2012).
UTCI_HEAT_STRESS_C = (26.0, 32.0, 38.0, 46.0)
#: Labels of the hazard classes 1..5 (0 = no data).
HAZARD_LABELS = ("no_heat_stress", "moderate_heat_stress", "strong_heat_stress", "very_strong_heat_stress",
                 "extreme_heat_stress")
#: Population density at which exposure saturates [inhabitants km-2]: Degree of Urbanisation urban-cluster cell.
EXPOSURE_REFERENCE_DENSITY = 300.0

_ZERO_C = ZERO_CELSIUS_K


def _check_thresholds(thresholds) -> np.ndarray:
    t = np.asarray(thresholds, dtype=np.float64)
    if t.ndim != 1 or t.size < 1 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise InputValueError(f"hazard thresholds must be increasing temperatures in °C, got {thresholds!r}")
    if t.max() > 150:
        raise InputValueError(f"hazard thresholds {tuple(t)} look like kelvin; give them in °C")
    return t


def _classes(t_k, breaks_k):
    t = np.asarray(t_k, dtype=np.float64)
    # lower bounds inclusive; 1e-4 K absorbs float32 rounding of kelvin values (26 °C is 299.14999 K in float32)
    out = (np.searchsorted(np.asarray(breaks_k) - 1e-4, t, side="right") + 1).astype(np.uint8)
    out[~np.isfinite(t)] = 0
    return out


def hazard_classes(temperature: xr.DataArray, thresholds=UTCI_HEAT_STRESS_C, *, quantity: str = "lst") -> xr.DataArray:
    """Absolute heat-hazard classes 1..n+1 (0 = no data) of a temperature against thresholds in °C.

    Parameters
    ----------
    temperature : xarray.DataArray
        LST, air temperature or UTCI [K] (``units="degC"`` is converted).
    thresholds : sequence of float
        Increasing lower class bounds [°C]; default the UTCI heat-stress categories
        (:data:`UTCI_HEAT_STRESS_C`). Class ``k`` holds ``thresholds[k-2] <= T < thresholds[k-1]``.
    quantity : str
        What ``temperature`` is (``"lst"``, ``"air_temperature"``, ``"utci"``), written into the attrs.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = xr.DataArray(np.array([[20.0, 26.0, 35.0, 40.0, 50.0, np.nan]]), dims=("y", "x"), attrs={"units": "degC"})
    >>> hazard_classes(t).values.tolist()
    [[1, 2, 3, 4, 5, 0]]
    """
    t = _check_thresholds(thresholds)
    temp = hazard_from_lst(temperature)  # kelvin, float32, checks units
    out = apply_pointwise(_classes, temp, dtype=np.uint8, kwargs={"breaks_k": t + _ZERO_C})
    default = tuple(t) == UTCI_HEAT_STRESS_C
    labels = HAZARD_LABELS if default else tuple(f"class_{i}" for i in range(1, t.size + 2))
    scale = ("UTCI heat-stress categories (Błażejczyk et al. 2013, doi:10.7163/GPol.2013.1)" if default
             else "user thresholds")
    proxy = "; applied to land surface temperature: a surface proxy, not UTCI" if (default and quantity == "lst") else ""
    out = set_cf(out, name="hazard_class", units="1", long_name=f"absolute heat-hazard class of {quantity}",
                 thresholds_degC=t, scale=scale + proxy, quantity=quantity)
    out.attrs.update(flag_values=np.arange(1, t.size + 2, dtype=np.uint8), flag_meanings=" ".join(labels),
                     _FillValue=np.uint8(0))
    return out


def _ramp(t_k, lo_k, hi_k):
    t = np.asarray(t_k, dtype=np.float32)
    return np.clip((t - np.float32(lo_k)) / np.float32(hi_k - lo_k), 0.0, 1.0).astype(np.float32)


def hazard_index(temperature: xr.DataArray, thresholds=UTCI_HEAT_STRESS_C, *, quantity: str = "lst") -> xr.DataArray:
    """Continuous absolute hazard in [0, 1]: linear from the first to the last threshold [°C], clipped.

    ``attrs["bounds"]`` holds the two bounds in kelvin (the scenario engine re-evaluates the hazard of a
    cooled LST with them).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = xr.DataArray(np.array([[20.0, 26.0, 36.0, 46.0, 60.0]]), dims=("y", "x"), attrs={"units": "degC"})
    >>> hazard_index(t).values.round(3).tolist()
    [[0.0, 0.0, 0.5, 1.0, 1.0]]
    """
    t = _check_thresholds(thresholds)
    if t.size < 2:
        raise InputValueError("hazard_index needs at least two thresholds (the 0 and 1 ends of the scale)")
    lo, hi = float(t[0] + _ZERO_C), float(t[-1] + _ZERO_C)
    temp = hazard_from_lst(temperature)
    out = apply_pointwise(_ramp, temp, kwargs={"lo_k": lo, "hi_k": hi})
    return set_cf(out, name="hazard", units="1",
                  long_name=f"absolute heat hazard: {quantity} from {t[0]:g} °C (0) to {t[-1]:g} °C (1)",
                  bounds=np.array([lo, hi]), scale="absolute", quantity=quantity, normalise="absolute")


def _saturate(d, ref):
    return np.clip(np.asarray(d, dtype=np.float32) / np.float32(ref), 0.0, 1.0).astype(np.float32)


def exposure_index(population: xr.DataArray, *, reference_density: float = EXPOSURE_REFERENCE_DENSITY) -> xr.DataArray:
    """Absolute exposure in [0, 1]: population density over ``reference_density`` (300 km-2), clipped at 1.

    ``population`` is residents per pixel on a projected grid (NaN counts as no data).
    """
    if not np.isfinite(reference_density) or reference_density <= 0:
        raise InputValueError(f"reference_density must be a positive density [km-2], got {reference_density!r}")
    density = exposure_from_population(population)
    out = apply_pointwise(_saturate, density, kwargs={"ref": float(reference_density)})
    return set_cf(out, name="exposure", units="1",
                  long_name=f"heat exposure: population density / {reference_density:g} km-2, clipped at 1",
                  reference_density_km2=float(reference_density), scale="absolute", normalise="absolute",
                  source="Degree of Urbanisation urban-cluster density, Dijkstra et al. 2021, doi:10.1016/j.jue.2020.103312")
