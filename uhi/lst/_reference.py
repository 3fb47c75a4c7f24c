"""Plain-numpy references of the LST kernels, for tests and benchmarks.

Arithmetic is float64 except NDVI, which is computed in float32 exactly as the kernels do, so
that pixels with NDVI on a threshold (0, 0.2, 0.5) take the same branch in both.
"""

from __future__ import annotations

import numpy as np

from .. import constants
from ._kernels import NDVI_WATER

__all__ = [
    "brightness_temperature_dn_reference",
    "brightness_temperature_reference",
    "emissivity_reference",
    "lst_simple_reference",
    "lst_single_channel_reference",
    "lst_split_window_reference",
    "ndvi_float32_reference",
    "planck_radiance_reference",
    "toa_radiance_reference",
]


def _f64(*arrays):
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def toa_radiance_reference(dn, mult, add) -> np.ndarray:
    """``M_L DN + A_L``; DN 0 (fill) -> NaN."""
    (dn,) = _f64(dn)
    return np.where(dn == 0, np.nan, mult * dn + add)


def brightness_temperature_reference(radiance, k1, k2) -> np.ndarray:
    """``K2 / ln(K1/L + 1)``; L <= 0 -> NaN."""
    (radiance,) = _f64(radiance)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(radiance > 0, k2 / np.log(k1 / radiance + 1.0), np.nan)


def brightness_temperature_dn_reference(dn, mult, add, k1, k2, fill) -> np.ndarray:
    """``K2 / ln(K1 / (M_L DN + A_L) + 1)`` as float32; DN == fill and radiance <= 0 -> NaN."""
    radiance = mult * np.asarray(dn, dtype=np.float64) + add
    with np.errstate(divide="ignore", invalid="ignore"):
        bt = k2 / np.log(k1 / radiance + 1.0)
    bt[(np.asarray(dn) == fill) | ~(radiance > 0)] = np.nan
    return bt.astype(np.float32)


def ndvi_float32_reference(red, nir) -> np.ndarray:
    """NDVI in float32 arithmetic (as the kernels); NaN where nir + red == 0."""
    red = np.asarray(red, dtype=np.float32)
    nir = np.asarray(nir, dtype=np.float32)
    den = nir + red
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.float32(np.nan), (nir - red) / den).astype(np.float32)


def emissivity_reference(ndvi, red, em) -> np.ndarray:
    """NDVI-threshold emissivity (Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003); ``em = (e_water, e_soil, e_veg, soil_a, soil_b)``.

    ``red=None`` uses ``e_soil`` for bare soil.
    """
    e_water, e_soil, e_veg, soil_a, soil_b = (float(x) for x in em)
    ndvi32 = np.asarray(ndvi, dtype=np.float32)
    (ndvi,) = _f64(ndvi32)
    pv = ((ndvi - constants.NDVI_SOIL) / (constants.NDVI_VEGETATION - constants.NDVI_SOIL)) ** 2
    mixed = e_veg * pv + e_soil * (1 - pv) + (1 - e_soil) * (1 - pv) * constants.CAVITY_F * e_veg
    soil = e_soil if red is None else soil_a + soil_b * np.asarray(red, dtype=np.float64)
    soil = np.broadcast_to(soil, ndvi.shape)
    # compare in float32 like the kernel (np.float32 thresholds)
    t_water, t_soil, t_veg = (np.float32(t) for t in (NDVI_WATER, constants.NDVI_SOIL, constants.NDVI_VEGETATION))
    return np.select(
        [np.isnan(ndvi32), ndvi32 < t_water, ndvi32 < t_soil, ndvi32 <= t_veg],
        [np.nan, e_water, soil, mixed],
        default=e_veg,
    )


def lst_simple_reference(bt, eps, wavelength_um=constants.TIRS_WAVELENGTH_UM[10], rho=constants.RHO_UM_K) -> np.ndarray:
    """``BT / (1 + (λ BT/ρ) ln ε)`` (Avdan & Jovanovska 2016, doi:10.1155/2016/1480307); ε <= 0 -> NaN."""
    bt, eps = _f64(bt, eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(eps > 0, bt / (1 + wavelength_um * bt / rho * np.log(eps)), np.nan)


def planck_radiance_reference(bt, k1, k2) -> np.ndarray:
    """``K1 / (exp(K2/BT) - 1)``, the band radiance of brightness temperature BT."""
    (bt,) = _f64(bt)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return k1 / (np.exp(k2 / bt) - 1.0)


def lst_single_channel_reference(bt, eps, k1, k2, water_vapour, b_gamma=constants.SC_B_GAMMA, radiance=None) -> np.ndarray:
    """Jiménez-Muñoz et al. 2014 single channel (doi:10.1109/LGRS.2014.2312032) with ψ from water vapour.

    ``radiance`` defaults to the Planck radiance of ``bt`` with ``k1``, ``k2``.
    """
    bt, eps = _f64(bt, eps)
    w = float(water_vapour)
    psi1, psi2, psi3 = (a * w * w + b * w + c for a, b, c in constants.SC_PSI_COEFFICIENTS)
    radiance = planck_radiance_reference(bt, k1, k2) if radiance is None else np.asarray(radiance, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gamma = bt**2 / (b_gamma * radiance)
        delta = bt - bt**2 / b_gamma
        lst = gamma * ((psi1 * radiance + psi2) / eps + psi3) + delta
    return np.where((eps > 0) & (radiance > 0), lst, np.nan)


def lst_split_window_reference(bt10, bt11, e10, e11, *, form="jm2014", coefficients=None, water_vapour=0.0) -> np.ndarray:
    """Split-window LST: Jiménez-Muñoz et al. 2014 (c0..c6; doi:10.1109/LGRS.2014.2312032) or Du et al. 2015 (b0..b7; doi:10.3390/rs70100647)."""
    t10, t11, e10, e11 = _f64(bt10, bt11, e10, e11)
    d = t10 - t11
    e = 0.5 * (e10 + e11)
    de = e10 - e11
    if form == "jm2014":
        c0, c1, c2, c3, c4, c5, c6 = coefficients if coefficients is not None else constants.SW_JM2014
        w = float(water_vapour)
        return t10 + c1 * d + c2 * d**2 + c0 + (c3 + c4 * w) * (1 - e) + (c5 + c6 * w) * de
    b0, b1, b2, b3, b4, b5, b6, b7 = coefficients
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (1 - e) / e
        y = de / e**2
        lst = b0 + (b1 + b2 * x + b3 * y) * (t10 + t11) / 2 + (b4 + b5 * x + b6 * y) * d / 2 + b7 * d**2
    return np.where(e > 0, lst, np.nan)
