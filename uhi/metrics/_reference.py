"""Plain-numpy / scipy references of the metric kernels (tests and benchmarks only).

Each reference computes the same quantity as a kernel in :mod:`uhi.metrics._kernels`
by a different route, so agreement is evidence of correctness:

* :func:`gi_star_reference` builds the disc as a 2-D 0/1 stencil (by centre
  distance, independently of the row half-widths) and takes the neighbour sums by
  convolution: ``scipy.ndimage.convolve`` (direct sum, ``method="direct"``) or
  ``scipy.signal.fftconvolve`` in float64 (``method="fft"``).
* :func:`utfvi_reference` is the one-line numpy formula.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from scipy.signal import fftconvolve

__all__ = ["disc_stencil", "gi_star_reference", "utfvi_reference"]


def disc_stencil(radius_px: float) -> np.ndarray:
    """0/1 stencil of the pixels whose centre lies within ``radius_px`` of the centre pixel."""
    big_r = int(np.floor(radius_px * (1 + 1e-9)))
    d = np.arange(-big_r, big_r + 1, dtype=np.float64)
    return (np.hypot(d[:, None], d[None, :]) <= radius_px * (1 + 1e-9)).astype(np.float64)


def gi_star_reference(y: np.ndarray, radius_px: float, *, method: str = "direct") -> np.ndarray:
    """Gi* z-scores with a binary self-included disc band of ``radius_px`` pixels (float64).

    Same definition as :func:`uhi.metrics._kernels.gi_star_kernel` (esda ``G_Local(star=True,
    transform="B")`` on the valid pixels).
    """
    y = np.asarray(y, dtype=np.float64)
    valid = np.isfinite(y)
    n = int(valid.sum())
    ybar = y[valid].mean()
    s = y[valid].std()
    centred = np.where(valid, y - ybar, 0.0)
    k = disc_stencil(radius_px)
    if method == "direct":
        local = ndimage.convolve(centred, k, mode="constant", cval=0.0)
        w = ndimage.convolve(valid.astype(np.float64), k, mode="constant", cval=0.0)
    elif method == "fft":
        local = fftconvolve(centred, k, mode="same")
        w = np.rint(fftconvolve(valid.astype(np.float64), k, mode="same"))
    else:
        raise ValueError(f"method must be 'direct' or 'fft', got {method!r}")
    var = w * (n - w) / (n - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = local / (s * np.sqrt(var))
    z[~valid | (var <= 0)] = np.nan
    return z


def utfvi_reference(lst_k: np.ndarray) -> np.ndarray:
    """UTFVI = (T_s - T_mean) / T_s, T in kelvin, mean over the finite pixels."""
    lst_k = np.asarray(lst_k, dtype=np.float64)
    return (lst_k - np.nanmean(lst_k)) / lst_k
