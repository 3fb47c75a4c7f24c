"""Numba kernels for land-surface temperature (float32, NaN-safe, row blocks on threads).

Scalar formulas are small ``inline`` functions written once; the row kernels (``_*_rows``, serial,
``nogil``) compose them, and each public ``*_kernel`` runs its row kernel over row blocks on threads
(:func:`uhi._threads.threaded`: as fast as ``parallel=True``, a fraction of its first-use compile time).
The ``*_fused_kernel`` variants go from red/NIR reflectance to LST in one pass per pixel
(NDVI -> emissivity -> LST, no temporary arrays); the ``*_from_emissivity_kernel`` variants take
a given emissivity instead. Every kernel has a plain-numpy twin in :mod:`uhi.lst._reference`.

Emissivity parameters ``em`` are the tuple ``(e_water, e_soil, e_vegetation, soil_a, soil_b)``
of :func:`uhi.lst.emissivity.emissivity_parameters`. Conventions shared by all kernels:
radiance <= 0, emissivity <= 0 and a NaN input give NaN.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .. import constants
from .._threads import threaded
from ..indices._kernels import normalized_difference

__all__ = [
    "NDVI_WATER",
    "SPLIT_WINDOW_FORMS",
    "brightness_temperature_dn_kernel",
    "brightness_temperature_kernel",
    "emissivity_kernel",
    "lst_simple_from_emissivity_kernel",
    "lst_simple_fused_kernel",
    "lst_single_channel_from_emissivity_kernel",
    "lst_single_channel_fused_kernel",
    "lst_split_window_from_emissivity_kernel",
    "lst_split_window_fused_kernel",
    "planck_radiance_kernel",
    "toa_radiance_kernel",
]

#: Below this NDVI a pixel is open water and gets the water emissivity (Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003: "mask water
#: separately: the NDVI < 0.2 branch is meant for soil"; water has NDVI < 0, Sobrino et al. 2008).
NDVI_WATER = 0.0
#: Split-window equation forms: 0 = Jiménez-Muñoz et al. 2014, 1 = Du et al. 2015.
SPLIT_WINDOW_FORMS = {"jm2014": 0, "du2015": 1}

_NAN = np.float32(np.nan)
_SOIL = np.float32(constants.NDVI_SOIL)
_VEG = np.float32(constants.NDVI_VEGETATION)
_WATER = np.float32(NDVI_WATER)
_F = np.float32(constants.CAVITY_F)


# --- scalar formulas (one copy of each) ---------------------------------------------------
@njit(inline="always", cache=True)
def _emissivity(ndvi, red, has_red, em):  # pragma: no cover - compiled; NUMBA_DISABLE_JIT run covers it
    """NDVI-threshold emissivity (Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003; Sobrino et al. 2008, doi:10.1109/TGRS.2007.904834) with the cavity term."""
    if np.isnan(ndvi):
        return _NAN
    if ndvi < _WATER:
        return em[0]
    if ndvi < _SOIL:
        if has_red:
            return em[3] + em[4] * red
        return em[1]
    if ndvi <= _VEG:
        p = (ndvi - _SOIL) / (_VEG - _SOIL)
        pv = p * p
        e_soil = em[1]
        e_veg = em[2]
        cavity = (np.float32(1.0) - e_soil) * (np.float32(1.0) - pv) * _F * e_veg
        return e_veg * pv + e_soil * (np.float32(1.0) - pv) + cavity
    return em[2]


@njit(inline="always", cache=True)
def _planck_radiance(bt, k1, k2):  # pragma: no cover - compiled
    """Inverse of the brightness temperature: ``L = K1 / (exp(K2/BT) - 1)``."""
    return k1 / (np.exp(k2 / bt) - np.float32(1.0))


@njit(inline="always", cache=True)
def _brightness_temperature(radiance, k1, k2):  # pragma: no cover - compiled
    """``BT = K2 / ln(K1/L + 1)`` (USGS Landsat 8 Data Users Handbook, LSDS-1574); NaN for L <= 0."""
    if not radiance > 0:
        return _NAN
    return k2 / np.log(k1 / radiance + np.float32(1.0))


@njit(inline="always", cache=True)
def _simple(bt, eps, lambda_over_rho):  # pragma: no cover - compiled
    """``LST = BT / (1 + (λ BT / ρ) ln ε)`` (Avdan & Jovanovska 2016, doi:10.1155/2016/1480307); NaN for ε <= 0."""
    if not eps > 0:
        return _NAN
    return bt / (np.float32(1.0) + lambda_over_rho * bt * np.log(eps))


#: Emissivity range where :func:`_ln_series` is used (|s| <= 0.2 with s = (ε - 1)/(ε + 1)).
LN_SERIES_RANGE = (2.0 / 3.0, 1.5)
_LN_LO = np.float32(LN_SERIES_RANGE[0])
_LN_HI = np.float32(LN_SERIES_RANGE[1])


@njit(inline="always", cache=True)
def _ln_series(eps):  # pragma: no cover - compiled
    """``ln ε = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + s⁷/7 + s⁹/9)``, ``s = (ε - 1)/(ε + 1)``.

    Branch-free (so the loop vectorises; a libm ``log`` call per pixel does not). Inside
    :data:`LN_SERIES_RANGE` the truncation error is below 2 s¹¹/11 <= 4e-9, far under float32 rounding.
    """
    s = (eps - np.float32(1.0)) / (eps + np.float32(1.0))
    s2 = s * s
    p = np.float32(1.0 / 9.0)
    p = p * s2 + np.float32(1.0 / 7.0)
    p = p * s2 + np.float32(0.2)
    p = p * s2 + np.float32(1.0 / 3.0)
    p = p * s2 + np.float32(1.0)
    return np.float32(2.0) * s * p


@njit(inline="always", cache=True)
def _simple_series(bt, eps, lambda_over_rho):  # pragma: no cover - compiled
    """:func:`_simple` with :func:`_ln_series`; valid for ε inside :data:`LN_SERIES_RANGE` (or NaN)."""
    return bt / (np.float32(1.0) + lambda_over_rho * bt * _ln_series(eps))


@njit(inline="always", cache=True)
def _outside_series_range(eps):  # pragma: no cover - compiled
    """1 if ε is a number outside :data:`LN_SERIES_RANGE` (NaN gives 0: the series propagates it)."""
    return np.int32((eps < _LN_LO) | (eps > _LN_HI))


@njit(inline="always", cache=True)
def _single_channel(bt, radiance, eps, psi1, psi2, psi3, b_gamma):  # pragma: no cover - compiled
    """Jiménez-Muñoz et al. 2014 single channel: ``γ[(ψ1 L + ψ2)/ε + ψ3] + δ`` (doi:10.1109/LGRS.2014.2312032).

    Plain arithmetic (no libm call), so the loop vectorises; ε <= 0 or L <= 0 give NaN.
    """
    ok = (eps > 0) & (radiance > 0)
    bt2 = bt * bt
    gamma = bt2 / (b_gamma * radiance)
    delta = bt - bt2 / b_gamma
    value = gamma * ((psi1 * radiance + psi2) / eps + psi3) + delta
    return value if ok else _NAN


@njit(inline="always", cache=True)
def _split_window(t10, t11, e10, e11, form, c, w):  # pragma: no cover - compiled
    """Split-window LST: form 0 Jiménez-Muñoz et al. 2014 (c0..c6; doi:10.1109/LGRS.2014.2312032), form 1 Du et al. 2015 (b0..b7; doi:10.3390/rs70100647)."""
    d = t10 - t11
    e_mean = np.float32(0.5) * (e10 + e11)
    de = e10 - e11
    if form == 0:
        return t10 + c[1] * d + c[2] * d * d + c[0] + (c[3] + c[4] * w) * (np.float32(1.0) - e_mean) + (c[5] + c[6] * w) * de
    if not e_mean > 0:
        return _NAN
    x = (np.float32(1.0) - e_mean) / e_mean
    y = de / (e_mean * e_mean)
    return (
        c[0]
        + (c[1] + c[2] * x + c[3] * y) * np.float32(0.5) * (t10 + t11)
        + (c[4] + c[5] * x + c[6] * y) * np.float32(0.5) * d
        + c[7] * d * d
    )


# --- row kernels on 2-D float32 arrays, run on threads ---------------------------------------
@njit(nogil=True, cache=True, error_model="numpy")
def _toa_radiance_rows(dn, mult, add, out, i0, i1):  # pragma: no cover - compiled
    """``L = M_L Q_cal + A_L`` (USGS Landsat 8 Data Users Handbook, LSDS-1574); DN 0 (Landsat fill) and NaN give NaN."""
    for i in range(i0, i1):
        for j in range(dn.shape[1]):
            q = dn[i, j]
            out[i, j] = _NAN if (q == 0 or np.isnan(q)) else mult * q + add


toa_radiance_kernel = threaded(_toa_radiance_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _brightness_temperature_rows(radiance, k1, k2, out, i0, i1):  # pragma: no cover - compiled
    """At-sensor brightness temperature [K] from TOA radiance."""
    for i in range(i0, i1):
        for j in range(radiance.shape[1]):
            out[i, j] = _brightness_temperature(radiance[i, j], k1, k2)


brightness_temperature_kernel = threaded(_brightness_temperature_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _brightness_temperature_dn_rows(dn, mult, add, k1, k2, fill, out, i0, i1):  # pragma: no cover - compiled
    """Brightness temperature [K] from thermal DN in one pass: ``L = M_L DN + A_L``, ``BT = K2 / ln(K1/L + 1)``.

    float32 arithmetic (the output's precision; within 1e-4 K of float64 for L8/L9 thermal DNs); DN equal
    to ``fill`` and non-positive radiance give NaN. Used by the scene loader (:func:`uhi.io.load_landsat`).
    """
    m, a = np.float32(mult), np.float32(add)
    k1_, k2_ = np.float32(k1), np.float32(k2)
    for i in range(i0, i1):
        for j in range(dn.shape[1]):
            value = dn[i, j]
            out[i, j] = _NAN if value == fill else _brightness_temperature(m * np.float32(value) + a, k1_, k2_)


# One row kernel for both uses: on threads for large arrays (``brightness_temperature_dn_kernel``), in the
# calling thread for small chunks (``brightness_temperature_dn_kernel.serial``), where starting threads
# costs more than the work.
brightness_temperature_dn_kernel = threaded(_brightness_temperature_dn_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _planck_radiance_rows(bt, k1, k2, out, i0, i1):  # pragma: no cover - compiled
    """Band radiance [W m-2 sr-1 um-1] of brightness temperature ``bt`` [K], the inverse of the BT formula."""
    for i in range(i0, i1):
        for j in range(bt.shape[1]):
            out[i, j] = _planck_radiance(bt[i, j], k1, k2)


planck_radiance_kernel = threaded(_planck_radiance_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _emissivity_rows(ndvi, red, has_red, em, out, i0, i1):  # pragma: no cover - compiled
    """NDVI-threshold emissivity; ``red`` is ignored when ``has_red`` is False."""
    for i in range(i0, i1):
        for j in range(ndvi.shape[1]):
            out[i, j] = _emissivity(ndvi[i, j], red[i, j], has_red, em)


emissivity_kernel = threaded(_emissivity_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_simple_fused_rows(red, nir, bt, em, lambda_over_rho, out, i0, i1):  # pragma: no cover - compiled
    """Reflectance + BT -> NDVI -> emissivity -> "simple" LST, one pass.

    Each row is computed with the branch-free series logarithm; a row holding an emissivity outside
    :data:`LN_SERIES_RANGE` (only possible with reflectances far outside [0, 1]) is redone with ``log``.
    """
    for i in range(i0, i1):
        outside = np.int32(0)
        for j in range(bt.shape[1]):
            r = red[i, j]
            eps = _emissivity(normalized_difference(nir[i, j], r), r, True, em)
            out[i, j] = _simple_series(bt[i, j], eps, lambda_over_rho)
            outside |= _outside_series_range(eps)
        if outside:
            for j in range(bt.shape[1]):
                r = red[i, j]
                eps = _emissivity(normalized_difference(nir[i, j], r), r, True, em)
                if _outside_series_range(eps):
                    out[i, j] = _simple(bt[i, j], eps, lambda_over_rho)


lst_simple_fused_kernel = threaded(_lst_simple_fused_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_simple_from_emissivity_rows(bt, eps, lambda_over_rho, out, i0, i1):  # pragma: no cover - compiled
    """"Simple" LST from BT and a given emissivity (series logarithm, ``log`` outside its range)."""
    for i in range(i0, i1):
        outside = np.int32(0)
        for j in range(bt.shape[1]):
            e = eps[i, j]
            out[i, j] = _simple_series(bt[i, j], e, lambda_over_rho)
            outside |= _outside_series_range(e)
        if outside:
            for j in range(bt.shape[1]):
                e = eps[i, j]
                if _outside_series_range(e):
                    out[i, j] = _simple(bt[i, j], e, lambda_over_rho)


lst_simple_from_emissivity_kernel = threaded(_lst_simple_from_emissivity_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_single_channel_fused_rows(red, nir, bt, radiance, em, psi1, psi2, psi3, b_gamma, out, i0, i1):  # pragma: no cover
    """Reflectance + BT + radiance -> NDVI -> emissivity -> single-channel LST, one pass."""
    for i in range(i0, i1):
        for j in range(bt.shape[1]):
            r = red[i, j]
            eps = _emissivity(normalized_difference(nir[i, j], r), r, True, em)
            out[i, j] = _single_channel(bt[i, j], radiance[i, j], eps, psi1, psi2, psi3, b_gamma)


lst_single_channel_fused_kernel = threaded(_lst_single_channel_fused_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_single_channel_from_emissivity_rows(bt, radiance, eps, psi1, psi2, psi3, b_gamma, out, i0, i1):  # pragma: no cover
    """Single-channel LST from BT, radiance and a given emissivity."""
    for i in range(i0, i1):
        for j in range(bt.shape[1]):
            out[i, j] = _single_channel(bt[i, j], radiance[i, j], eps[i, j], psi1, psi2, psi3, b_gamma)


lst_single_channel_from_emissivity_kernel = threaded(_lst_single_channel_from_emissivity_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_split_window_fused_rows(red, nir, bt10, bt11, em10, em11, form, c, w, out, i0, i1):  # pragma: no cover
    """Reflectance + BT10 + BT11 -> NDVI -> two emissivities -> split-window LST, one pass."""
    for i in range(i0, i1):
        for j in range(bt10.shape[1]):
            r = red[i, j]
            v = normalized_difference(nir[i, j], r)
            e10 = _emissivity(v, r, True, em10)
            e11 = _emissivity(v, r, True, em11)
            out[i, j] = _split_window(bt10[i, j], bt11[i, j], e10, e11, form, c, w)


lst_split_window_fused_kernel = threaded(_lst_split_window_fused_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _lst_split_window_from_emissivity_rows(bt10, bt11, e10, e11, form, c, w, out, i0, i1):  # pragma: no cover
    """Split-window LST from two BTs and given band emissivities."""
    for i in range(i0, i1):
        for j in range(bt10.shape[1]):
            out[i, j] = _split_window(bt10[i, j], bt11[i, j], e10[i, j], e11[i, j], form, c, w)


lst_split_window_from_emissivity_kernel = threaded(_lst_split_window_from_emissivity_rows)
