"""Temperature units: the spellings of kelvin and degree Celsius the package accepts, and conversions.

LST is in kelvin inside the package; Celsius only at the edges where a person reads it. A ``units``
attribute in :data:`CELSIUS_UNITS` or :data:`KELVIN_UNITS` (CF: ``"K"``, ``"degC"``; UDUNITS and
common spellings besides) is recognised everywhere through this module.
"""

from __future__ import annotations

__all__ = ["CELSIUS_UNITS", "KELVIN_UNITS", "ZERO_CELSIUS_K", "celsius_to_kelvin", "is_celsius", "is_kelvin",
           "kelvin_to_celsius"]

#: 0 degC in kelvin (exact, SI definition of the Celsius scale).
ZERO_CELSIUS_K = 273.15
#: Spellings of degree Celsius in ``units`` attributes.
CELSIUS_UNITS = ("degC", "°C", "C", "celsius", "Celsius", "degree_Celsius", "degrees_Celsius", "deg_C")
#: Spellings of kelvin in ``units`` attributes.
KELVIN_UNITS = ("K", "kelvin", "Kelvin", "degK")


def is_celsius(units) -> bool:
    """True when ``units`` (a string, e.g. a ``units`` attribute) spells degree Celsius."""
    return str(units).strip() in CELSIUS_UNITS


def is_kelvin(units) -> bool:
    """True when ``units`` spells kelvin."""
    return str(units).strip() in KELVIN_UNITS


def celsius_to_kelvin(values):
    """``values`` [degC] in kelvin; float32 input stays float32."""
    return values + _offset(values)


def kelvin_to_celsius(values):
    """``values`` [K] in degree Celsius; float32 input stays float32."""
    return values - _offset(values)


def _offset(values):
    import numpy as np

    dtype = getattr(values, "dtype", None)
    return np.float32(ZERO_CELSIUS_K) if dtype == np.float32 else ZERO_CELSIUS_K
