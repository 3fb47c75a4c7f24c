"""Numba kernels of the noise fields (plain arrays in, preallocated ``out``).

Each kernel has a plain-numpy reference in :mod:`._noise` (``white_noise_reference``,
``value_noise_reference``); tests/test_synthetic_kernels.py checks they agree exactly.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .._threads import threaded

_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_PX = np.uint64(0x8CB92BA72F3D8DD7)
_PY = np.uint64(0xD6E8FEB86659FD93)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_INV32 = np.float32(1.0 / 4294967296.0)


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M2
    z = (z ^ (z >> _S27)) * _M3
    return z ^ (z >> _S31)


@njit(nogil=True, cache=True, error_model="numpy")
def _white_noise_rows(rows, cols, key, out, i0, i1):
    """out[i, j] = triangular noise in [-1, 1] of (rows[i], cols[j]); ``key`` is the mixed key (uint64)."""
    for i in range(i0, i1):
        zy = np.uint64(rows[i]) * _PY + key
        for j in range(cols.shape[0]):
            z = _mix(np.uint64(cols[j]) * _PX + zy)
            high = np.float32(z >> _S32)
            low = np.float32(z & _LOW32)
            out[i, j] = (high + low) * _INV32 - np.float32(1.0)


white_noise_kernel = threaded(_white_noise_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _add_octave_rows(lattice, cy, sy, cx, sx, amplitude, out, i0, i1):
    """out += amplitude · smoothstep-bilinear interpolation of ``lattice`` (value noise, one octave).

    ``cy``/``cx`` are the lattice cells of each row/column, ``sy``/``sx`` the smoothstep weights.
    """
    for i in range(i0, i1):
        r = cy[i]
        wy = sy[i]
        for j in range(cx.shape[0]):
            c = cx[j]
            wx = sx[j]
            top = lattice[r, c] + (lattice[r, c + 1] - lattice[r, c]) * wx
            bottom = lattice[r + 1, c] + (lattice[r + 1, c + 1] - lattice[r + 1, c]) * wx
            out[i, j] += amplitude * (top + (bottom - top) * wy)


add_octave_kernel = threaded(_add_octave_rows)


@njit(nogil=True, cache=True, error_model="numpy")
def _fbm_rows(lattices, cy, sy, cx, sx, amplitudes, out, i0, i1):
    """out = Σ_o amplitudes[o] · interpolated ``lattices[o]``, all octaves in one pass over the pixels.

    ``lattices`` (octaves, ny, nx) zero-padded; ``cy``/``sy`` (octaves, h); ``cx``/``sx`` (octaves, w).
    Same per-octave arithmetic as :func:`add_octave_kernel`, summed in octave order.
    """
    n_oct = lattices.shape[0]
    for i in range(i0, i1):
        for j in range(out.shape[1]):
            total = np.float32(0.0)
            for o in range(n_oct):
                r = cy[o, i]
                c = cx[o, j]
                wx = sx[o, j]
                wy = sy[o, i]
                lat = lattices[o]
                top = lat[r, c] + (lat[r, c + 1] - lat[r, c]) * wx
                bottom = lat[r + 1, c] + (lat[r + 1, c + 1] - lat[r + 1, c]) * wx
                total += amplitudes[o] * (top + (bottom - top) * wy)
            out[i, j] = total


fbm_kernel = threaded(_fbm_rows)
