"""Numba kernel combining normalised hazard, exposure and vulnerability, and its numpy reference.

Method codes: 0 product ``H E V``; 1 geometric mean ``(H E V)^(1/3)``; 2 weighted sum
``wH H + wE E + wV V`` (IPCC AR5 WGII 2014; Estoque et al. 2020, doi:10.1038/s41467-020-15218-8). NaN in any component gives NaN.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._threads import threaded

__all__ = ["METHODS", "combine_kernel", "combine_reference"]

METHODS = {"product": 0, "geometric": 1, "weighted": 2}


@njit(nogil=True, cache=True, error_model="numpy")
def _combine_rows(h, e, v, method, wh, we, wv, out, i0, i1):  # pragma: no cover - compiled; NUMBA_DISABLE_JIT run covers it
    """Risk of 1-D float32 components into ``out`` (flattened rasters; NaN-safe)."""
    third = np.float32(1.0 / 3.0)
    for i in range(i0, i1):
        a = h[i]
        b = e[i]
        c = v[i]
        if np.isnan(a) or np.isnan(b) or np.isnan(c):
            out[i] = np.nan
        elif method == 0:
            out[i] = a * b * c
        elif method == 1:
            out[i] = (a * b * c) ** third
        else:
            out[i] = wh * a + we * b + wv * c


combine_kernel = threaded(_combine_rows)


def combine_reference(h, e, v, method: str, weights=(1 / 3, 1 / 3, 1 / 3)) -> np.ndarray:
    """Plain-numpy twin of :func:`combine_kernel` (float64 arithmetic)."""
    h, e, v = (np.asarray(a, dtype=np.float64) for a in (h, e, v))
    if method == "product":
        return h * e * v
    if method == "geometric":
        return np.cbrt(h * e * v)
    if method == "weighted":
        return weights[0] * h + weights[1] * e + weights[2] * v
    raise ValueError(method)
