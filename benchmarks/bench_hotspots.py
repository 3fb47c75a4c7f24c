"""Benchmark: Getis-Ord Gi* z-scores on a raster with a 500 m (``gi_star``) or 300 m (``gi_star_300m``) distance band at 30 m pixels (r = 16.7 / 10 px).

Subject ``numba``: :func:`uhi.metrics.gi_star` (array layer of :func:`uhi.metrics.hotspots`): row-wise
prefix sums of the centred values and the valid mask, then ``2 r + 1`` look-ups per pixel, parallel
over rows. ``numpy``: the plain float64 reference :func:`uhi.metrics._reference.gi_star_reference` with
``scipy.signal.fftconvolve`` of the disc stencil (two full-raster FFT convolutions, single thread).
``numpy_direct``: the same reference with ``scipy.ndimage.convolve`` (direct sum over the ~870-pixel
disc), only up to 1000^2 (it needs minutes at 4000^2). esda itself cannot build weights for 10^6 points
with ~870 neighbours each; it is matched to 1e-6 on 25x30 grids in tests/test_metrics_hotspots.py.
"""

from __future__ import annotations

import numpy as np

from common import Case, case
from uhi.metrics import gi_star
from uhi.metrics._reference import gi_star_reference

RADIUS_PX = 500.0 / 30.0


def _lst(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    # smooth warm/cool structure plus noise, 2 % NaN (clouds, water masks)
    coarse = rng.normal(0, 3, (n // 50 + 2, n // 50 + 2))
    field = np.kron(coarse, np.ones((50, 50)))[:n, :n]
    y = (300 + field + rng.normal(0, 1, (n, n))).astype(np.float32)
    y[rng.random((n, n)) < 0.02] = np.nan
    return y


def _setup(n: int, radius_px: float, band_m: int) -> Case:
    y = _lst(n)
    impls = {
        "numba": lambda: gi_star(y, radius_px),
        "numpy": lambda: gi_star_reference(y, radius_px, method="fft"),
    }
    if n <= 1000:
        impls["numpy_direct"] = lambda: gi_star_reference(y, radius_px, method="direct")
    return Case(
        implementations=impls,
        pixels=n * n,
        input_mib=n * n * 4 / 2**20,
        notes=f"{band_m} m band, 30 m pixels, 2 % NaN; numpy = float64 fftconvolve reference",
    )


@case("gi_star")
def setup(n: int) -> Case:
    return _setup(n, RADIUS_PX, 500)


@case("gi_star_300m")
def setup_300(n: int) -> Case:
    """The 300 m band of issue 14's target (r = 10 px at 30 m)."""
    return _setup(n, 300.0 / 30.0, 300)
