"""Running serial ``@njit(nogil=True)`` Numba kernels on threads (plain arrays; no xarray, no dask).

``parallel=True`` kernels are compiled by Numba's parfors pipeline, which takes seconds per kernel on
first use (most of a cold ``uhi demo``). A serial row kernel ``rows(*args, out, i0, i1)`` that fills
rows ``i0:i1`` and releases the GIL compiles in a fraction of that time; Python threads running its
row blocks concurrently parallelise it as well as ``parallel=True`` does. Pointwise kernels give
the same result whatever the blocks; kernels that accumulate per block (zonal sums) use the fixed
partition of :func:`row_blocks`, so their float sums do not depend on the thread count. Pointwise row
kernels are compiled with ``error_model="numpy"`` (a division by zero gives inf/NaN rather than raising),
the error model Numba uses inside ``prange`` loops, so they compute exactly what the parallel kernels did.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["parallel_rows", "row_blocks", "run_threads", "threaded"]


def run_threads(calls: list[tuple[Callable[..., None], tuple]]) -> None:
    """Call ``func(*args)`` for every ``(func, args)`` of ``calls``, concurrently on up to Numba's thread count.

    Meant for ``@njit(nogil=True)`` kernels (they release the GIL); a single call runs in the calling
    thread. The first exception raised by a call is re-raised.
    """
    if len(calls) <= 1:
        for func, args in calls:
            func(*args)
        return
    from concurrent.futures import ThreadPoolExecutor

    from numba import get_num_threads

    with ThreadPoolExecutor(max(1, min(get_num_threads(), len(calls)))) as pool:
        for f in [pool.submit(func, *args) for func, args in calls]:
            f.result()


def parallel_rows(kernel: Callable[..., None], n_rows: int, *args) -> None:
    """Run ``kernel(*args, i0, i1)`` over row blocks ``[i0, i1)`` covering ``0..n_rows``, one per Numba thread."""
    from numba import get_num_threads

    n_threads = max(1, min(get_num_threads(), n_rows))
    bounds = np.linspace(0, n_rows, n_threads + 1).astype(int)
    run_threads([(kernel, (*args, int(a), int(b))) for a, b in zip(bounds[:-1], bounds[1:])])


def row_blocks(n_rows: int, n_blocks: int) -> list[tuple[int, int]]:
    """``max(1, min(n_blocks, n_rows))`` row ranges ``[i0, i1)`` of ``ceil(n_rows / n_blocks)`` rows (the last may be short or empty).

    A fixed partition for kernels that accumulate per block: the order of the float sums, and so the
    result, depends only on ``n_blocks``, not on how many threads run the blocks.
    """
    n_blocks = max(1, min(int(n_blocks), int(n_rows)))
    step = (int(n_rows) + n_blocks - 1) // n_blocks
    return [(b * step, min(int(n_rows), (b + 1) * step)) for b in range(n_blocks)]


def threaded(rows: Callable[..., None]) -> Callable[..., None]:
    """The kernel ``kernel(*args, out)`` that runs the row kernel ``rows(*args, out, i0, i1)`` over ``out``'s rows on threads.

    ``kernel.serial(*args, out)`` runs all rows in the calling thread (small arrays, dask chunks), and
    ``kernel.rows`` is the row kernel itself (its ``py_func`` is the body ``NUMBA_DISABLE_JIT`` runs).
    """

    def kernel(*args) -> None:
        parallel_rows(rows, args[-1].shape[0], *args)

    def serial(*args) -> None:
        rows(*args, 0, args[-1].shape[0])

    name = getattr(rows, "__name__", "kernel").removesuffix("_rows")
    kernel.__name__ = kernel.__qualname__ = name
    kernel.__doc__ = rows.__doc__
    kernel.__module__ = rows.__module__
    kernel.rows = rows
    kernel.serial = serial
    return kernel
