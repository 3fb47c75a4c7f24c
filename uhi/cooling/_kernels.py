"""Numba kernels of the InVEST Urban Cooling Model (plain float32 arrays in, preallocated ``out``).

* :func:`cooling_capacity_kernel` -- CC from the per-pixel parameters, NaN where any is nodata;
* :func:`park_inputs_kernel` -- one pass over CC and the green-area flag: the FFT input ``CC·green``
  (0 at nodata) and the green-area count ``GA`` of the disc kernel with InVEST's nodata/edge rule,
  summed exactly from row prefix sums (``2 d + 1`` look-ups per pixel instead of an FFT pair);
* :func:`heat_mitigation_kernel` -- ``CC_park = num / den`` and the HM rule, plus the FFT input of the
  air-mixing pass (HM, 0 at nodata);
* :func:`air_mixing_kernel` -- ``T_air = T_ref + UHI_max (1 - mean_k(HM))``.

Denominators ``conv(valid, k)`` come either as an array (rasters with nodata) or, for all-valid blocks,
from the kernel's 2-D prefix-sum table ``table`` (four look-ups per pixel, see :func:`valid_share`).
Equations: Sharp et al., InVEST User's Guide, Urban Cooling Model; natcap/invest ``urban_cooling_model.py``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .._kernels import add_runs

__all__ = ["air_mixing_kernel", "cooling_capacity_kernel", "heat_mitigation_kernel", "park_inputs_kernel", "valid_share"]


@njit(inline="always", cache=True)
def valid_share(table, i, j, ny, nx):  # pragma: no cover - compiled; NUMBA_DISABLE_JIT run covers it
    """``conv(ones, k)`` at pixel ``(i, j)`` of an all-valid ``ny x nx`` raster from the kernel's prefix sums.

    ``table`` is ``P[a, b] = sum(k[:a, :b])`` of a ``(2r+1)^2`` kernel; the kernel rows inside the raster are
    ``max(0, r-i) .. min(2r, ny-1-i+r)`` (same for columns), so the sum is four look-ups.
    """
    r = (table.shape[0] - 2) // 2
    a = max(0, r - i)
    b = min(2 * r, ny - 1 - i + r) + 1
    c = max(0, r - j)
    d = min(2 * r, nx - 1 - j + r) + 1
    return table[b, d] - table[a, d] - table[b, c] + table[a, c]


@njit(parallel=True, cache=True)
def park_inputs_kernel(cc, green, half_widths, disc_table, a_out, ga_out):  # pragma: no cover - compiled
    """``a_out = CC·green`` (0 at nodata) and ``ga_out = GA`` (NaN at nodata); returns the nodata count.

    A pixel is valid when both CC and green are finite. ``GA = n_green · total / n_valid`` with
    ``n_green``/``n_valid`` the green-and-valid / valid pixels of the disc whose row ``dy`` spans
    columns ``j - h[dy] .. j + h[dy]`` (``half_widths``) and ``total`` the disc's pixel count: the
    ``conv(g·valid, disc) · sum(disc) / conv(valid, disc)`` rule of ``pygeoprocessing.convolve_2d``
    with ``ignore_nodata_and_edges=True``. Sums are exact (float32 prefix sums of 0/1 flags, exact below
    2**24 columns). When every pixel is valid, ``n_valid`` comes from the disc's prefix-sum table.
    """
    ny, nx = cc.shape
    big_r = (half_widths.shape[0] - 1) // 2
    total = disc_table[-1, -1]
    g_pref = np.empty((ny, nx + 1), dtype=np.float32)
    v_pref = np.empty((ny, nx + 1), dtype=np.float32)
    bad = 0
    for i in prange(ny):
        acc_g = np.float32(0.0)
        acc_v = np.float32(0.0)
        g_pref[i, 0] = 0.0
        v_pref[i, 0] = 0.0
        nbad = 0
        for j in range(nx):
            c = cc[i, j]
            g = green[i, j]
            if np.isfinite(c) and np.isfinite(g):
                a_out[i, j] = c * g
                acc_g += g
                acc_v += np.float32(1.0)
            else:
                a_out[i, j] = 0.0
                nbad += 1
            g_pref[i, j + 1] = acc_g
            v_pref[i, j + 1] = acc_v
        bad += nbad
    for i in prange(ny):
        num = np.zeros(nx, dtype=np.float32)
        den = np.zeros(nx, dtype=np.float32)
        for k in range(-big_r, big_r + 1):
            ii = i + k
            if 0 <= ii < ny:
                add_runs(g_pref[ii], half_widths[k + big_r], num)
                if bad > 0:
                    add_runs(v_pref[ii], half_widths[k + big_r], den)
        for j in range(nx):
            if bad > 0 and not (np.isfinite(cc[i, j]) and np.isfinite(green[i, j])):
                ga_out[i, j] = np.nan
            else:
                d = den[j] if bad > 0 else valid_share(disc_table, i, j, ny, nx)
                ga_out[i, j] = num[j] * total / d
    return bad


@njit(parallel=True, cache=True)
def heat_mitigation_kernel(cc, ga, num, den, table, threshold, hm_out, b_out):  # pragma: no cover - compiled
    """HM rule of InVEST UCM: ``HM = CC`` where ``CC >= CC_park`` or ``GA < threshold``, else ``CC_park``.

    ``CC_park = num / den`` with ``den`` the array ``conv(valid, k)`` or, when ``den`` is empty, the
    prefix-sum ``table`` of an all-valid raster. ``hm_out`` is NaN where ``GA`` is NaN (nodata);
    ``b_out`` is HM with 0 at nodata (the input of the air-mixing convolution).
    """
    ny, nx = cc.shape
    use_table = den.shape[0] == 0
    for i in prange(ny):
        for j in range(nx):
            g = ga[i, j]
            if np.isnan(g):
                hm_out[i, j] = np.nan
                b_out[i, j] = 0.0
                continue
            d = valid_share(table, i, j, ny, nx) if use_table else den[i, j]
            park = np.float32(num[i, j] / d)
            c = cc[i, j]
            h = c if (c >= park or g < threshold) else park
            hm_out[i, j] = h
            b_out[i, j] = h


@njit(parallel=True, cache=True)
def air_mixing_kernel(hm, num, den, table, t_ref, uhi_max, out):  # pragma: no cover - compiled
    """``T_air = T_ref + UHI_max (1 - num / den)`` [degC] where HM is finite, else NaN.

    ``num / den`` is the exponential-kernel mean of HM over valid pixels, so this equals the kernel
    mean of ``T_nomix = T_ref + (1 - HM) UHI_max`` (the kernel mean of a constant is the constant).
    """
    ny, nx = hm.shape
    use_table = den.shape[0] == 0
    for i in prange(ny):
        for j in range(nx):
            if np.isnan(hm[i, j]):
                out[i, j] = np.nan
                continue
            d = valid_share(table, i, j, ny, nx) if use_table else den[i, j]
            out[i, j] = t_ref + uhi_max * (1.0 - num[i, j] / d)


@njit(parallel=True, cache=True)
def cooling_capacity_kernel(shade, albedo, kc_eti, green, intensity, method, w_s, w_a, w_e, out):  # pragma: no cover
    """Cooling capacity CC [1]: ``w_s shade + w_a albedo + w_e ETI`` (``method`` 0, daytime factors; ``kc_eti``
    is ``kc · ETo / max(ETo)``) or ``1 - building_intensity`` (``method`` 1); NaN where any parameter is NaN."""
    ny, nx = out.shape
    for i in prange(ny):
        for j in range(nx):
            s = shade[i, j]
            a = albedo[i, j]
            e = kc_eti[i, j]
            b = intensity[i, j]
            if np.isnan(s) or np.isnan(a) or np.isnan(e) or np.isnan(b) or np.isnan(green[i, j]):
                out[i, j] = np.nan
            elif method == 0:
                out[i, j] = w_s * s + w_a * a + w_e * e
            else:
                out[i, j] = np.float32(1.0) - b
