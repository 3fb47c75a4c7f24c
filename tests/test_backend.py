"""Tests for the numpy/dask adapter and CRS guards in uhi._backend."""

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi._backend import apply_neighbourhood, apply_pointwise, check_same_grid, pixel_size_m, require_projected
from uhi.errors import CRSError, GridMismatchError


def _grid(ny=23, nx=31, crs="EPSG:32633", res=30.0):
    rng = np.random.default_rng(0)
    da = xr.DataArray(rng.random((ny, nx), dtype=np.float32), dims=("y", "x"),
                      coords={"y": 5.3e6 - res * np.arange(ny), "x": 6e5 + res * np.arange(nx)})
    return da.rio.write_crs(crs)


def _box_sum(a):  # 3x3 NaN-aware sum: a neighbourhood function of radius 1
    p = np.pad(a, 1, constant_values=np.nan)
    return np.nansum(np.stack([p[i:i + a.shape[0], j:j + a.shape[1]] for i in range(3) for j in range(3)]), axis=0)


def test_pointwise_keeps_coords_and_crs_and_dask_is_lazy():
    da = _grid()
    out = apply_pointwise(lambda a, b: a * 2 + b, da, da)
    np.testing.assert_allclose(out.values, da.values * 3)
    assert out.rio.crs.to_epsg() == 32633
    lazy = apply_pointwise(lambda a, b: a * 2 + b, da.chunk(7), da.chunk(7))
    assert lazy.chunks is not None
    np.testing.assert_allclose(lazy.values, out.values)


def test_neighbourhood_dask_equals_eager_on_uneven_chunks():
    da = _grid()
    eager = apply_neighbourhood(_box_sum, da, depth=1)
    lazy = apply_neighbourhood(_box_sum, da.chunk({"y": 7, "x": 9}), depth=1)  # 23, 31 not divisible
    np.testing.assert_allclose(lazy.values, eager.values, rtol=1e-6)
    assert lazy.rio.crs.to_epsg() == 32633


def test_crs_guards():
    assert pixel_size_m(_grid(res=30.0)) == 30.0
    with pytest.raises(CRSError, match="geographic"):
        require_projected(_grid(crs="EPSG:4326", res=0.001))
    with pytest.raises(CRSError, match="no CRS"):
        require_projected(xr.DataArray(np.zeros((2, 2)), dims=("y", "x")))


def test_check_same_grid():
    a = _grid()
    check_same_grid(a, a.copy())
    with pytest.raises(GridMismatchError, match="shape"):
        check_same_grid(a, _grid(ny=22), names=("hazard", "exposure"))
    with pytest.raises(GridMismatchError, match="EPSG"):
        check_same_grid(a, _grid(crs="EPSG:32634"))


def _rect(dx, dy, n=5):
    da = xr.DataArray(np.zeros((n, n), np.float32), dims=("y", "x"),
                      coords={"y": 5e6 - dy * np.arange(n), "x": 6e5 + dx * np.arange(n)})
    return da.rio.write_crs("EPSG:32620")


def test_square_pixel_tolerance():
    """The shrunk Amazon L2 fixture has 600.0792 m x 600.8549 m pixels (0.13 % apart, shared data README):
    inside SQUARE_PIXEL_RTOL (1 %), the size is the geometric mean sqrt(dx dy) (hand value 600.4669);
    2 % apart is refused, naming both sizes."""
    from uhi._backend import SQUARE_PIXEL_RTOL

    assert SQUARE_PIXEL_RTOL == 0.01
    assert pixel_size_m(_rect(600.0791556728232, 600.8549222797927)) == pytest.approx(600.46691, abs=1e-4)
    with pytest.raises(GridMismatchError, match="30 m x 30.6 m"):
        pixel_size_m(_rect(30.0, 30.6))
