"""Numba kernels shared by several packages (plain arrays in, preallocated ``out``).

* :func:`add_runs` -- sums of centred row runs from a row's prefix sums, the inner step of the disc
  (distance-band) sums of :mod:`uhi.metrics._kernels` (Getis-Ord Gi*) and :mod:`uhi.cooling._kernels`
  (InVEST green-area counts).
"""

from __future__ import annotations

from numba import njit

__all__ = ["add_runs"]


@njit(inline="always", cache=True)
def add_runs(p, h, acc):  # pragma: no cover - compiled; NUMBA_DISABLE_JIT run covers it
    """``acc[j] += sum(row[j-h .. j+h] clipped to the row)`` from the row's prefix sums ``p`` (length ``nx + 1``).

    The interior loop runs on 1-D contiguous slices from index 0, which LLVM vectorises; indexing the 2-D
    prefix array with ``j - h`` instead is ~5x slower (a possibly negative index blocks vectorisation).
    """
    nx = acc.shape[0]
    for j in range(min(h, nx)):
        acc[j] += p[min(j + h + 1, nx)]
    if nx > 2 * h + 1:
        hi = p[2 * h + 1:nx]
        lo = p[:nx - 2 * h - 1]
        mid = acc[h:nx - h - 1]
        for j in range(mid.shape[0]):
            mid[j] += hi[j] - lo[j]
    for j in range(max(nx - h - 1, h), nx):
        acc[j] += p[nx] - p[max(j - h, 0)]
