"""Synthetic-scene noise kernels (Numba) against their plain-numpy references, and their properties."""

from __future__ import annotations

import numpy as np
import pytest

from uhi.synthetic import _kernels
from uhi.synthetic._noise import (
    _lattice,
    _mixed_key,
    fbm,
    fbm_reference,
    hash_uniform,
    value_noise,
    value_noise_reference,
    white_noise,
    white_noise_reference,
)

X = 612_345.0 + 30.0 * np.arange(-40, 173)[None, :]  # UTM-like metres, odd sizes, negative offsets
Y = 4_730_000.0 - 30.0 * np.arange(-17, 150)[:, None]


def test_white_noise_kernel_equals_reference():
    rows, cols = np.arange(-500, 321)[:, None], np.arange(-2**40, -2**40 + 257)[None, :]
    # the same integer hash and the same float32 operations: bit-identical
    np.testing.assert_array_equal(white_noise(rows, cols, 99), white_noise_reference(rows, cols, 99))


def test_kernels_called_directly_equal_references():
    """The kernels themselves (also their Python logic under NUMBA_DISABLE_JIT, where the
    wrappers switch to the references)."""
    rows, cols = np.arange(-20, 13), np.arange(2**33, 2**33 + 17)
    out = np.empty((rows.size, cols.size), dtype=np.float32)
    with np.errstate(over="ignore"):
        _kernels.white_noise_kernel(rows, cols, _mixed_key(7), out)
    np.testing.assert_array_equal(out, white_noise_reference(rows[:, None], cols[None, :], 7))
    x, y = X[:, :21], Y[:13]
    total = np.empty((13, 21), dtype=np.float32)
    lattice, cy, sy, cx, sx = _lattice(x, y, 250.0, 5)  # one octave of amplitude 1: value noise
    _kernels.fbm_kernel(lattice[None], cy[None], sy[None], cx[None], sx[None], np.ones(1, np.float32), total)
    np.testing.assert_array_equal(total, value_noise_reference(x, y, 250.0, 5))


def test_white_noise_distribution():
    noise = white_noise(np.arange(600)[:, None], np.arange(600)[None, :], 5)
    # sum of two U(0,1) minus 1: triangular on [-1, 1], mean 0, SD 1/sqrt(6) = 0.408
    assert -1 <= noise.min() and noise.max() <= 1
    assert abs(noise.mean()) < 0.003 and noise.std() == pytest.approx(1 / np.sqrt(6), rel=0.01)
    other = white_noise(np.arange(600)[:, None], np.arange(600)[None, :], 6)
    assert abs(np.corrcoef(noise.ravel(), other.ravel())[0, 1]) < 0.01  # keys are independent


@pytest.mark.parametrize("wavelength", [90.0, 700.0, 5000.0])
def test_value_noise_kernel_equals_reference(wavelength):
    np.testing.assert_array_equal(value_noise(X, Y, wavelength, 3), value_noise_reference(X, Y, wavelength, 3))
    np.testing.assert_array_equal(fbm(X, Y, wavelength, 3, 4), fbm_reference(X, Y, wavelength, 3, 4))


def test_value_noise_properties():
    v = value_noise(X, Y, 600.0, 11)
    assert -1 <= v.min() and v.max() <= 1
    # at lattice nodes the noise equals the hashed lattice value (interpolation weight 0)
    nodes_x = np.array([[600.0 * 1021, 600.0 * 1022]])
    nodes_y = np.array([[600.0 * 7883]]).T
    expected = 2 * hash_uniform(np.array([[1021, 1022]]), np.array([[7883]]), 11) - 1
    np.testing.assert_allclose(value_noise(nodes_x, nodes_y, 600.0, 11), expected, atol=1e-7)
    # a tile computed alone equals the same pixels of a larger block (coordinate hashing)
    np.testing.assert_array_equal(fbm(X[:, 50:90], Y[20:77], 900.0, 2), fbm(X, Y, 900.0, 2)[20:77, 50:90])
    # smooth: neighbouring pixels 30 m apart differ far less than the field's range at 5 km wavelength
    f = fbm(X, Y, 5000.0, 4)
    assert np.abs(np.diff(f, axis=1)).max() < 0.1
