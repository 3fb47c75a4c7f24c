"""Convolution kernels of the InVEST Urban Cooling Model and NaN-aware FFT convolution.

Kernel construction follows ``pygeoprocessing.kernels.create_distance_decay_kernel``
[pygeoprocessing]: distances are Euclidean in *pixels* from the centre pixel, the kernel's
apothem is ``floor(max_distance)``, pixels with ``dist <= max_distance`` are kept
(the boundary pixel is included) and the normalised kernels are divided by their sum.

* exponential decay: ``exp(-dist / d)`` truncated at ``max_distance = 5 d``, normalised
  (``pygeoprocessing.kernels.exponential_decay_kernel`` as called by InVEST UCM [invest-code]);
* dichotomous (disc): 1 where ``dist <= d``, not normalised
  (``pygeoprocessing.kernels.dichotomous_kernel`` [pygeoprocessing]).

Convolutions are done by FFT: :func:`scipy.signal.oaconvolve` for rasters up to ``STRIP_ROWS`` rows,
otherwise :func:`scipy.signal.fftconvolve` over row strips of a zero-padded copy (overlap-save), which
bounds the FFT work memory. When a raster has no nodata, the valid-share denominator is taken from
the kernel's 2-D prefix sum instead of an FFT (half the FFTs). ``ignore_nodata_and_edges=True`` of
``pygeoprocessing.convolve_2d`` is reproduced by convolving the valid mask alongside the
data: ``conv(x*valid, k) / conv(valid, k)`` (see InVEST Urban Cooling Model source, natcap/invest).
"""

from __future__ import annotations

import math
import os

import numpy as np
import scipy.fft
from scipy.signal import fftconvolve, oaconvolve

__all__ = ["decay_pixels", "disc_kernel", "exponential_kernel", "masked_count_convolve", "masked_mean_convolve"]

#: float32 FFT keeps the normalised results within ~1e-6 of float64 (checked in
#: tests/test_cooling_model.py against a float64 direct sum), well inside the 1e-4 target.
_WORKERS = max(1, os.cpu_count() or 1)


def decay_pixels(distance_m: float, cell_m: float) -> int:
    """Kernel distance in whole pixels, ``int(round(distance / cell))`` as in InVEST UCM [invest-code]."""
    return int(np.round(float(distance_m) / float(cell_m)))


def _distance_grid(max_distance: float) -> np.ndarray:
    apothem = math.floor(max_distance)
    r = np.arange(-apothem, apothem + 1, dtype=np.float64)
    return np.hypot(r[:, None], r[None, :])


def exponential_kernel(d_pixels: int) -> np.ndarray:
    """Normalised ``exp(-dist/d)`` kernel truncated at ``5 d`` pixels (float64).

    A distance of 0 pixels gives the identity kernel ``[[1.]]`` (no smoothing).
    """
    if d_pixels <= 0:
        return np.ones((1, 1))
    dist = _distance_grid(5 * d_pixels)
    k = np.where(dist <= 5 * d_pixels, np.exp(-dist / d_pixels), 0.0)
    return k / k.sum()


def disc_kernel(d_pixels: int) -> np.ndarray:
    """Un-normalised dichotomous kernel: 1 where ``dist <= d`` pixels, else 0 (float64)."""
    dist = _distance_grid(max(d_pixels, 0))
    return (dist <= max(d_pixels, 0)).astype(np.float64)


#: Rows per strip of the strip-wise FFT convolution; bounds the FFT work arrays to
#: ~(STRIP + 2r) x (nx + 2r) complex values whatever the raster size.
STRIP_ROWS = 2048


def _conv(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``mode="same"`` convolution with zero padding, by FFT in row strips (overlap-save)."""
    if k.size == 1:
        return a * k.flat[0]
    k = k.astype(a.dtype, copy=False)
    r = k.shape[0] // 2
    ny, nx = a.shape
    if ny <= STRIP_ROWS:
        with scipy.fft.set_workers(_WORKERS):
            return oaconvolve(a, k, mode="same")
    padded = np.pad(a, r)
    out = np.empty_like(a)
    with scipy.fft.set_workers(_WORKERS):
        for i0 in range(0, ny, STRIP_ROWS):
            i1 = min(ny, i0 + STRIP_ROWS)
            out[i0:i1] = fftconvolve(padded[i0:i1 + 2 * r], k, mode="valid")
    return out


def _valid_share_full(shape, k: np.ndarray, dtype) -> np.ndarray:
    """``conv(ones, k, mode="same")`` for an all-valid raster, from the kernel's 2-D prefix sum.

    For pixel (i, j) the kernel rows inside the raster are ``max(0, r-i) .. min(2r, ny-1-i+r)`` (same for
    columns), so the sum is four look-ups in the prefix-sum table: no FFT needed (kernels are symmetric).
    Only the ``2r`` rows and columns next to the edges differ from the interior, so the table is built on the
    distinct row/column ranges and the interior rows are one broadcast row.
    """
    ny, nx = shape
    r = k.shape[0] // 2
    P = np.zeros((k.shape[0] + 1, k.shape[1] + 1))
    P[1:, 1:] = k.cumsum(0).cumsum(1)
    i, j = np.arange(ny), np.arange(nx)
    rlo, rhi = np.maximum(0, r - i), np.minimum(2 * r, ny - 1 - i + r) + 1
    clo, chi = np.maximum(0, r - j), np.minimum(2 * r, nx - 1 - j + r) + 1

    def rows(sel):  # share of row ranges ``sel`` x every column range, float64
        a, b = rlo[sel], rhi[sel]
        return P[np.ix_(b, chi)] - P[np.ix_(a, chi)] - P[np.ix_(b, clo)] + P[np.ix_(a, clo)]

    out = np.empty(shape, dtype=dtype)
    top, bottom = min(r, ny), max(min(r, ny), ny - r)
    out[:top] = rows(slice(0, top))
    out[bottom:] = rows(slice(bottom, ny))
    if bottom > top:
        out[top:bottom] = rows(slice(top, top + 1))  # interior rows all see the full kernel height
    return out


def _valid_share(invalid: np.ndarray, k: np.ndarray, dtype) -> np.ndarray:
    if not invalid.any():
        return _valid_share_full(invalid.shape, k, dtype)
    return _conv((~invalid).astype(dtype), k)


def masked_mean_convolve(x: np.ndarray, kernel: np.ndarray, *, dtype=np.float32) -> np.ndarray:
    """Kernel-weighted mean of the finite pixels of ``x``: ``conv(x*valid, k) / conv(valid, k)``.

    NaN marks nodata and, in dask halos, the outside of the raster. Pixels that are NaN in
    ``x`` stay NaN in the result (InVEST writes nodata there).
    """
    x = np.asarray(x, dtype=dtype)
    invalid = ~np.isfinite(x)
    num = _conv(np.where(invalid, dtype(0), x), kernel)
    den = _valid_share(invalid, kernel, dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(num, den, out=num)
    del den
    num[invalid] = np.nan
    return num


def masked_count_convolve(x: np.ndarray, kernel: np.ndarray, *, dtype=np.float32) -> np.ndarray:
    """Un-normalised convolution with the nodata/edge rule ``conv(x*valid, k) * sum(k) / conv(valid, k)``."""
    x = np.asarray(x, dtype=dtype)
    invalid = ~np.isfinite(x)
    num = _conv(np.where(invalid, dtype(0), x), kernel)
    den = _valid_share(invalid, kernel, dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        num *= dtype(kernel.sum())
        np.divide(num, den, out=num)
    del den
    num[invalid] = np.nan
    return num
