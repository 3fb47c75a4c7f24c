"""Small argument checks shared by the public functions (each raises :class:`uhi.errors.InputValueError`)."""

from __future__ import annotations

import math

from uhi.errors import InputValueError

__all__ = ["check_scalar", "check_t_ref", "check_uhi_max"]


def check_scalar(name: str, value, *, positive: bool = False, nonneg: bool = False,
                 low: float | None = None, high: float | None = None, why: str = "") -> float:
    """``value`` as a finite float; ``positive`` requires > 0, ``nonneg`` requires >= 0.

    ``low``/``high`` bound it to a physical range (inclusive); ``why`` says where the range comes from.
    The message names the argument and the value, e.g. ``cooling_distance must be > 0, got 0``.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise InputValueError(f"{name} must be finite, got {value!r}")
    if positive and v <= 0:
        raise InputValueError(f"{name} must be > 0, got {value!r}")
    if nonneg and v < 0:
        raise InputValueError(f"{name} must be >= 0, got {value!r}")
    if (low is not None and v < low) or (high is not None and v > high):
        lo = f"{low:g}" if low is not None else "0" if (positive or nonneg) else "-inf"
        hi = "inf" if high is None else f"{high:g}"
        raise InputValueError(f"{name}={v:g} is outside its physical range [{lo}, {hi}]{'; ' + why if why else ''}")
    return v


def check_uhi_max(value, name: str = "uhi_max") -> float:
    """A UHI magnitude [K] in [0, :data:`uhi.constants.UHI_MAX_LIMIT_K`] (Oke 1973 measured up to ~12 K)."""
    from uhi.constants import UHI_MAX_LIMIT_K

    return check_scalar(name, value, nonneg=True, high=UHI_MAX_LIMIT_K, why="a UHI magnitude in K (Oke 1973 measured up to ~12 K)")


def check_t_ref(value, name: str = "t_ref") -> float:
    """A reference air temperature [degC] within the air temperatures ever recorded (WMO extremes)."""
    from uhi.constants import AIR_TEMPERATURE_RECORD_DEGC

    low, high = AIR_TEMPERATURE_RECORD_DEGC
    return check_scalar(name, value, low=low, high=high, why="degrees Celsius, within the air temperatures ever recorded")
