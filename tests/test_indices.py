"""Spectral indices: Numba kernels == numpy references, hand values, NaN/zero handling, xarray and dask layers."""

from __future__ import annotations

import doctest
import functools

import numpy as np
import pytest
import rioxarray
import xarray as xr

from uhi import indices
from uhi.errors import GridMismatchError, InputValueError
from uhi.indices import _reference as ref
from uhi.indices import spectral

CRS = "EPSG:32634"


@pytest.fixture
def grid(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with crs=CRS."""
    return functools.partial(make_grid, crs=CRS)


def _scene(grid, n=37, m=23, seed=0):
    rng = np.random.default_rng(seed)
    bands = {b: grid(rng.uniform(0.0, 0.6, (n, m)), b) for b in ("blue", "green", "red", "nir", "swir1", "swir2")}
    ds = xr.Dataset(bands).rio.write_crs(CRS)
    ds.attrs["scene_id"] = "TEST"
    return ds


# Edge values: zero, both zero (0/0), equal and opposite (a + b = 0 -> inf in naive code), NaN, negative.
EDGE_A = np.array([0.0, 0.0, 0.3, -0.2, np.nan, 0.1, -0.05, 1.0], dtype=np.float32)
EDGE_B = np.array([0.1, 0.0, -0.3, 0.2, 0.2, np.nan, 0.05, 0.0], dtype=np.float32)


def test_normalized_difference_kernel_equals_reference_random_and_edges():
    rng = np.random.default_rng(1)
    a = rng.uniform(-0.1, 1, (50, 40)).astype(np.float32)
    b = rng.uniform(-0.1, 1, (50, 40)).astype(np.float32)
    # tolerance: float32 kernel vs float64 reference, relative 1e-6 of O(1) ratios (far from a + b = 0)
    np.testing.assert_allclose(
        spectral.normalized_difference_array(a, b), ref.normalized_difference_reference(a, b), rtol=2e-5, atol=2e-6
    )
    got = spectral.normalized_difference_array(EDGE_A, EDGE_B)
    want = ref.normalized_difference_reference(EDGE_A, EDGE_B)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert not np.isinf(got).any()  # a + b == 0 gives NaN, not +-inf
    # hand values: (0-0.1)/(0.1) = -1; 0/0 -> NaN; (1-0)/1 = 1
    assert got[0] == pytest.approx(-1.0) and np.isnan(got[1]) and np.isnan(got[2]) and got[7] == 1.0


def test_ndvi_ndbi_mndwi_band_order_and_hand_values(grid):
    red, nir, green, swir1 = (grid([[v]]) for v in (0.1, 0.3, 0.08, 0.2))
    # hand calculation: NDVI = (0.3-0.1)/0.4 = 0.5; NDBI = (0.2-0.3)/0.5 = -0.2; MNDWI = (0.08-0.2)/0.28 = -3/7
    assert float(indices.ndvi(red, nir).squeeze()) == pytest.approx(0.5, abs=1e-6)
    assert float(indices.ndbi(swir1, nir).squeeze()) == pytest.approx(-0.2, abs=1e-6)
    assert float(indices.mndwi(green, swir1).squeeze()) == pytest.approx(-3 / 7, abs=1e-6)


def test_zero_denominator_gives_nan_through_xarray(grid):
    out = indices.ndvi(grid([[0.0, -0.1]]), grid([[0.0, 0.1]]))
    assert np.isnan(out.values).all()


def test_fractional_vegetation_cover_thresholds_and_reference():
    ndvi = np.array([-0.5, 0.0, 0.2, 0.35, 0.5, 0.9, np.nan], dtype=np.float32)
    got = spectral.fractional_vegetation_cover_array(ndvi)
    # Sobrino et al. 2004 [sobrino2004]: P_v = ((NDVI-0.2)/0.3)^2 clipped to [0, 1]: 0 up to 0.2, 0.25 at 0.35, 1 from 0.5
    np.testing.assert_allclose(got[:6], [0, 0, 0, 0.25, 1, 1], atol=1e-6)
    assert np.isnan(got[6])
    rng = np.random.default_rng(2)
    v = rng.uniform(-1, 1, (30, 30)).astype(np.float32)
    np.testing.assert_allclose(spectral.fractional_vegetation_cover_array(v), ref.fractional_vegetation_cover_reference(v), atol=1e-6)


def test_albedo_flat_spectrum_and_hand_value(grid):
    # A flat spectrum rho gives (1.016 rho - 0.0018)/1.016 because the Liang weights sum to 1.016 (Smith 2010).
    ds = xr.Dataset({b: grid([[0.25]]) for b in ("blue", "red", "nir", "swir1", "swir2")})
    assert float(indices.albedo(ds).squeeze()) == pytest.approx((1.016 * 0.25 - 0.0018) / 1.016, abs=1e-6)
    # hand calculation with Liang (2001) weights: (0.356*.05 + 0.130*.04 + 0.373*.30 + 0.085*.20 + 0.072*.10 - 0.0018)/1.016
    vals = {"blue": 0.05, "red": 0.04, "nir": 0.30, "swir1": 0.20, "swir2": 0.10}
    ds = xr.Dataset({b: grid([[v]]) for b, v in vals.items()})
    want = (0.0178 + 0.0052 + 0.1119 + 0.017 + 0.0072 - 0.0018) / 1.016
    assert float(indices.albedo(ds).squeeze()) == pytest.approx(want, abs=1e-6)
    assert indices.albedo(ds).attrs["standard_name"] == "surface_albedo"


def test_albedo_kernel_equals_reference_with_nan():
    rng = np.random.default_rng(3)
    bands = [rng.uniform(0, 0.7, (40, 41)).astype(np.float32) for _ in range(5)]
    bands[2][3, 4] = np.nan
    got = spectral.albedo_array(*bands)
    want = ref.albedo_reference(*bands)
    np.testing.assert_allclose(got, want, atol=2e-6)  # float32 sum of five O(0.3) terms
    assert np.isnan(got[3, 4])


def test_xarray_layer_keeps_grid_crs_and_cf_attrs(grid):
    ds = _scene(grid)
    out = indices.ndvi(ds["red"], ds["nir"])
    assert out.name == "ndvi" and out.dtype == np.float32
    assert out.attrs["units"] == "1" and out.attrs["long_name"]
    assert out.rio.crs.to_epsg() == 32634
    np.testing.assert_array_equal(out["x"], ds["x"])
    np.testing.assert_array_equal(out["y"], ds["y"])


def test_spectral_indices_dataset_matches_single_functions(grid):
    ds = _scene(grid)
    out = indices.spectral_indices(ds)
    assert set(out.data_vars) == {"ndvi", "ndbi", "mndwi", "fvc", "albedo"}
    assert out.rio.crs.to_epsg() == 32634 and out.attrs["scene_id"] == "TEST"
    np.testing.assert_array_equal(out["mndwi"], indices.mndwi(ds["green"], ds["swir1"]))
    np.testing.assert_array_equal(out["fvc"], indices.fractional_vegetation_cover(indices.ndvi(ds["red"], ds["nir"])))
    only = indices.spectral_indices(ds, names="ndbi")
    assert list(only.data_vars) == ["ndbi"]


def test_dask_input_stays_lazy_and_equals_eager(grid):
    ds = _scene(grid, n=101, m=77)
    lazy = ds.chunk({"y": 40, "x": 30})  # chunks that do not divide the shape
    out = indices.spectral_indices(lazy)
    for name in out.data_vars:
        assert out[name].chunks is not None, name
    eager = indices.spectral_indices(ds)
    xr.testing.assert_equal(out.compute(), eager)


def test_errors_name_the_culprit(grid):
    ds = _scene(grid)
    with pytest.raises(InputValueError, match="swir2"):
        indices.albedo(ds.drop_vars("swir2"))
    with pytest.raises(InputValueError, match="unknown index"):
        indices.spectral_indices(ds, names=("ndvi", "lst"))
    with pytest.raises(InputValueError, match="DataArray"):
        indices.ndvi(np.ones((2, 2)), ds["nir"])
    with pytest.raises(GridMismatchError):
        indices.ndvi(ds["red"], ds["nir"].isel(x=slice(1, None)))


def test_doctests():
    result = doctest.testmod(spectral)
    assert result.attempted > 0 and result.failed == 0


def test_sofia_stack_indices_are_mutually_consistent(shared_data):
    """The Sofia stack has NDBI, MNDWI, NDWI but no reflectances: rebuild band ratios and check MNDWI.

    With nir = 1: swir1 = (1 + NDBI)/(1 - NDBI) and green = (1 + NDWI)/(1 - NDWI) (NDWI = McFeeters,
    (green - nir)/(green + nir)); then our mndwi(green, swir1) must equal the stack's MNDWI band. This
    checks our band order and sign conventions against an independent producer (the stack's notebook).
    """
    path = shared_data / "cities" / "sofia" / "LC08_184030_20190812.tif"
    stack = rioxarray.open_rasterio(path).astype(np.float32)
    ndbi_s, mndwi_s, ndwi_s, ndvi_s = (stack.isel(band=i).drop_vars("band") for i in (0, 2, 3, 4))
    nir = xr.ones_like(ndbi_s)
    swir1 = (1 + ndbi_s) / (1 - ndbi_s)
    green = (1 + ndwi_s) / (1 - ndwi_s)
    ours = indices.mndwi(green, swir1)
    valid = np.isfinite(ours.values) & np.isfinite(mndwi_s.values)
    assert valid.mean() > 0.85  # README: 6-8 % NaN
    # tolerance: float32 rounding of the stack and of our ratios (the opposite sign convention is off by ~0.4)
    np.testing.assert_allclose(ours.values[valid], mndwi_s.values[valid], atol=1e-5)  # measured max 5e-8
    # our NDBI of the rebuilt ratios gives back the stack's NDBI (round trip of the convention)
    np.testing.assert_allclose(indices.ndbi(swir1, nir).values[valid], ndbi_s.values[valid], atol=1e-5)
    # NDVI band lies in [-1, 1] and its FVC in [0, 1]
    fvc = indices.fractional_vegetation_cover(ndvi_s).values
    assert np.nanmin(fvc) >= 0 and np.nanmax(fvc) <= 1
