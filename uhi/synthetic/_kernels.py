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
def _fbm_rows(lattices, cy, sy, cx, sx, amplitudes, out, i0, i1):
    """out = Σ_o amplitudes[o] · smoothstep-bilinear interpolation of ``lattices[o]`` (value noise), all octaves in one pass.

    ``lattices`` (octaves, ny, nx) zero-padded; ``cy``/``cx`` (octaves, h)/(octaves, w) are the lattice cells
    of each row/column, ``sy``/``sx`` the smoothstep weights. The octaves are summed in order from 0 in float32,
    octave by octave along a row (contiguous lattice rows, an inner loop LLVM vectorises). One octave with
    amplitude 1 is plain value noise.
    """
    n_oct = lattices.shape[0]
    nx = out.shape[1]
    for i in range(i0, i1):
        row = out[i]
        for j in range(nx):
            row[j] = np.float32(0.0)
        for o in range(n_oct):
            r = cy[o, i]
            wy = sy[o, i]
            amp = amplitudes[o]
            lat0 = lattices[o, r]
            lat1 = lattices[o, r + 1]
            cxo = cx[o]
            sxo = sx[o]
            for j in range(nx):
                c = cxo[j]
                wx = sxo[j]
                top = lat0[c] + (lat0[c + 1] - lat0[c]) * wx
                bottom = lat1[c] + (lat1[c + 1] - lat1[c]) * wx
                row[j] += amp * (top + (bottom - top) * wy)


fbm_kernel = threaded(_fbm_rows)
