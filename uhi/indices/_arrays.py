"""Array-layer helpers shared by :mod:`uhi.indices` and :mod:`uhi.lst`: broadcast, cast, shape for the kernels."""

from __future__ import annotations

import numpy as np

__all__ = ["as_kernel_inputs", "run_kernel"]


def as_kernel_inputs(*arrays) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """Broadcast the inputs to one shape and view them as 2-D float32 arrays.

    Copies only when an input is not float32 already (or has more than two dimensions and
    cannot be reshaped as a view). Scalars become zero-stride views, not full arrays.
    Returns the 2-D arrays and the broadcast shape to restore on the output.
    """
    arrays = [np.asarray(a) for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    out = []
    for a in arrays:
        a = np.broadcast_to(a.astype(np.float32, copy=False), shape)
        if len(shape) == 2:
            out.append(a)
        elif len(shape) < 2:
            out.append(a.reshape(1, -1))
        else:
            out.append(a.reshape(-1, shape[-1]))
    return out, shape


def run_kernel(kernel, *arrays, args: tuple = ()) -> np.ndarray:
    """Allocate a float32 output, call ``kernel(*arrays2d, *args, out)`` and return it in the broadcast shape."""
    inputs, shape = as_kernel_inputs(*arrays)
    out = np.empty(inputs[0].shape, dtype=np.float32)
    kernel(*inputs, *args, out)
    return out.reshape(shape)
