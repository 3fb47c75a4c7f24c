"""Coordinate-hashed noise: the same value at a map position whatever tile computes it.

Every random field of the synthetic scene is a function of the projected map
coordinates (or the global pixel index) and a key, never of a random stream, so a
scene written tile by tile equals the scene written at once, and two frames of
the same city and seed agree where they overlap.

* :func:`hash_uniform` -- integer hash (SplitMix64 finaliser, Steele, Lea & Flood 2014,
  OOPSLA "Fast splittable pseudorandom number generators") of integer coordinates to [0, 1).
* :func:`value_noise` -- lattice value noise with smoothstep (3t² - 2t³) interpolation
  (Perlin 1985, SIGGRAPH "An image synthesizer"), values in [-1, 1].
* :func:`fbm` -- fractional Brownian motion: octaves of value noise, halving the
  wavelength and the amplitude (gain 0.5), normalised to [-1, 1].
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "fbm",
    "fbm_reference",
    "hash_uniform",
    "value_noise",
    "value_noise_reference",
    "white_noise",
    "white_noise_reference",
]

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_PX = np.uint64(0x8CB92BA72F3D8DD7)
_PY = np.uint64(0xD6E8FEB86659FD93)


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M2
    z = (z ^ (z >> np.uint64(27))) * _M3
    return z ^ (z >> np.uint64(31))


def hash_uniform(ix: np.ndarray, iy: np.ndarray, key: int) -> np.ndarray:
    """Uniform [0, 1) float64 from integer coordinates (broadcast) and an integer key."""
    with np.errstate(over="ignore"):
        k = _mix(np.uint64(key & 0xFFFFFFFFFFFFFFFF) * _M1 + _M1)
        z = np.asarray(ix).astype(np.int64).astype(np.uint64) * _PX
        z = z + np.asarray(iy).astype(np.int64).astype(np.uint64) * _PY + k
        z = _mix(z)
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def white_noise_reference(rows: np.ndarray, cols: np.ndarray, key: int) -> np.ndarray:
    """Plain-numpy reference of :func:`white_noise`. Per-pixel noise in [-1, 1] (triangular, mean 0, SD 1/√6) from global pixel indices.

    ``rows`` (h, 1) and ``cols`` (1, w) broadcast to (h, w); float32. The two uniforms
    summed are the high and low 32 bits of one 64-bit hash.
    """
    with np.errstate(over="ignore"):
        k = _mix(np.uint64(key & 0xFFFFFFFFFFFFFFFF) * _M1 + _M1)
        z = np.asarray(cols).astype(np.uint64) * _PX + np.asarray(rows).astype(np.uint64) * _PY + k
        z = _mix(z)
    high = (z >> np.uint64(32)).astype(np.float32)
    low = (z & np.uint64(0xFFFFFFFF)).astype(np.float32)
    return (high + low) * np.float32(1.0 / 4294967296.0) - np.float32(1.0)


def _lattice(x, y, wavelength, key):
    """Lattice values and per-column / per-row cells and smoothstep weights of one octave."""
    gx = np.asarray(x, dtype=np.float64).ravel() / wavelength
    gy = np.asarray(y, dtype=np.float64).ravel() / wavelength
    ix = np.floor(gx).astype(np.int64)
    iy = np.floor(gy).astype(np.int64)
    tx = gx - ix
    ty = gy - iy
    sx = (tx * tx * (3.0 - 2.0 * tx)).astype(np.float32)
    sy = (ty * ty * (3.0 - 2.0 * ty)).astype(np.float32)
    ix0, iy0 = ix.min(), iy.min()
    lat_x = np.arange(ix0, ix.max() + 2)
    lat_y = np.arange(iy0, iy.max() + 2)
    lattice = (2.0 * hash_uniform(lat_x[None, :], lat_y[:, None], key) - 1.0).astype(np.float32)
    return lattice, iy - iy0, sy, ix - ix0, sx


def value_noise_reference(x: np.ndarray, y: np.ndarray, wavelength: float, key: int) -> np.ndarray:
    """Plain-numpy reference of :func:`value_noise`. Value noise in [-1, 1] at map coordinates ``x`` (1, w) and ``y`` (h, 1) [m].

    The lattice spacing is ``wavelength`` metres; lattice values are hashed from the
    lattice indices and ``key``. float32 (h, w).
    """
    lattice, cy, sy, cx, sx = _lattice(x, y, wavelength, key)
    sx = sx[None, :]
    sy = sy[:, None]
    # separable: interpolate every lattice row along x, then gather rows along y
    along_x = lattice[:, cx] + (lattice[:, cx + 1] - lattice[:, cx]) * sx
    top = along_x[cy]
    return top + (along_x[cy + 1] - top) * sy


def fbm_reference(x: np.ndarray, y: np.ndarray, wavelength: float, key: int, octaves: int = 4) -> np.ndarray:
    """Plain-numpy reference of :func:`fbm`. Fractal value noise in [-1, 1]: ``octaves`` octaves from ``wavelength`` [m] down, gain 0.5."""
    total = np.zeros((np.size(y), np.size(x)), dtype=np.float32)
    amplitude, norm = 1.0, 0.0
    for octave in range(octaves):
        total += np.float32(amplitude) * value_noise_reference(x, y, wavelength / 2.0**octave, key * 131 + octave)
        norm += amplitude
        amplitude *= 0.5
    total /= np.float32(norm)
    return total


# --- kernel-backed versions (used by the generator) -----------------------------------------
def _use_kernels() -> bool:
    """False under NUMBA_DISABLE_JIT: the bit-identical numpy references are then much faster."""
    from numba import config

    return not config.DISABLE_JIT


def _mixed_key(key: int) -> np.uint64:
    with np.errstate(over="ignore"):
        return _mix(np.uint64(key & 0xFFFFFFFFFFFFFFFF) * _M1 + _M1)


def white_noise(rows: np.ndarray, cols: np.ndarray, key: int) -> np.ndarray:
    """Per-pixel noise in [-1, 1] (triangular, mean 0, SD 1/√6) of global pixel indices.

    ``rows`` (h, 1) and ``cols`` (1, w) integer indices; float32 (h, w). Numba kernel
    :func:`._kernels.white_noise_kernel`; equals :func:`white_noise_reference`.
    """
    from ._kernels import white_noise_kernel

    if not _use_kernels():
        return white_noise_reference(rows, cols, key)
    r = np.ascontiguousarray(np.asarray(rows).ravel(), dtype=np.int64)
    c = np.ascontiguousarray(np.asarray(cols).ravel(), dtype=np.int64)
    out = np.empty((r.size, c.size), dtype=np.float32)
    with np.errstate(over="ignore"):  # uint64 products wrap by design (matters only under NUMBA_DISABLE_JIT)
        white_noise_kernel(r, c, _mixed_key(key), out)
    return out


def value_noise(x: np.ndarray, y: np.ndarray, wavelength: float, key: int) -> np.ndarray:
    """Value noise in [-1, 1] at map coordinates ``x`` (1, w), ``y`` (h, 1) [m], lattice spacing
    ``wavelength`` [m]; float32 (h, w). Equals :func:`value_noise_reference`."""
    from ._kernels import fbm_kernel

    if not _use_kernels():
        return value_noise_reference(x, y, wavelength, key)
    out = np.empty((np.size(y), np.size(x)), dtype=np.float32)
    lattice, cy, sy, cx, sx = _lattice(x, y, wavelength, key)
    fbm_kernel(lattice[None], cy[None], sy[None], cx[None], sx[None], np.ones(1, dtype=np.float32), out)  # one octave
    return out


def fbm(x: np.ndarray, y: np.ndarray, wavelength: float, key: int, octaves: int = 4) -> np.ndarray:
    """Fractal value noise in [-1, 1]: ``octaves`` octaves from ``wavelength`` [m] down, gain 0.5.

    One Numba pass over the pixels for all octaves (:func:`._kernels.fbm_kernel`); equals
    :func:`fbm_reference` to float32 rounding (the octaves are summed in a register).
    """
    if not _use_kernels():
        return fbm_reference(x, y, wavelength, key, octaves)
    from ._kernels import fbm_kernel

    parts = [_lattice(x, y, wavelength / 2.0**octave, key * 131 + octave) for octave in range(octaves)]
    ny = max(p[0].shape[0] for p in parts)
    nx = max(p[0].shape[1] for p in parts)
    lattices = np.zeros((octaves, ny, nx), dtype=np.float32)
    for o, p in enumerate(parts):
        lattices[o, : p[0].shape[0], : p[0].shape[1]] = p[0]
    amplitudes = np.array([0.5**o for o in range(octaves)], dtype=np.float32)
    total = np.empty((np.size(y), np.size(x)), dtype=np.float32)
    fbm_kernel(lattices, np.stack([p[1] for p in parts]), np.stack([p[2] for p in parts]),
               np.stack([p[3] for p in parts]), np.stack([p[4] for p in parts]), amplitudes, total)
    total /= np.float32(sum(0.5**o for o in range(octaves)))
    return total
