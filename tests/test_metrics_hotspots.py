"""Getis-Ord Gi* hot spots: equality with PySAL esda, references, dask, significance bins, errors."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi.errors import CRSError, InputValueError
from uhi.metrics import gi_bin, gi_star, hotspots
from uhi.metrics._kernels import disc_half_widths
from uhi.metrics._reference import disc_stencil, gi_star_reference

CELL = 30.0


def _raster(values, crs="EPSG:32634", cell=CELL):
    ny, nx = values.shape
    y = 4.7e6 - (np.arange(ny) + 0.5) * cell
    x = 6.0e5 + (np.arange(nx) + 0.5) * cell
    da = xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"), attrs={"units": "K"})
    return da.rio.write_crs(crs)


def _field(ny=25, nx=30, seed=3, holes=True):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:ny, 0:nx]
    # a warm blob plus noise: spatially autocorrelated like LST
    v = 300 + 6 * np.exp(-((yy - 8) ** 2 + (xx - 20) ** 2) / 30.0) + rng.normal(0, 1, (ny, nx))
    if holes:
        v[3, 4] = np.nan
        v[12:14, 5:9] = np.nan
    return v.astype(np.float64)


@pytest.mark.parametrize("distance_m", [30.0, 45.0, 90.0, 150.0, 200.0])
def test_equals_esda_g_local_star(distance_m):
    """Expected: esda.G_Local(y, w, transform='B', star=True).Zs with libpysal DistanceBand weights
    on the valid pixel centres (binary, self added by esda). 1e-6: float32 output of a float64 kernel
    (z ~ 1..10, float32 eps 1.2e-7 relative)."""
    esda = pytest.importorskip("esda")
    libpysal = pytest.importorskip("libpysal")
    v = _field()
    da = _raster(v)
    ii, jj = np.nonzero(np.isfinite(v))
    pts = np.c_[da.x.values[jj], da.y.values[ii]]  # NaN pixels are not in the weights at all
    w = libpysal.weights.DistanceBand(pts, threshold=distance_m, binary=True, silence_warnings=True)
    g = esda.G_Local(v[ii, jj], w, transform="B", star=True, permutations=0)
    z = hotspots(da, distance_m=distance_m, cell_m=None, correction="none")["gi_zscore"].values
    np.testing.assert_allclose(z[ii, jj], g.Zs, rtol=0, atol=1e-6)
    assert np.isnan(z[3, 4]) and np.isnan(z[12, 6])


@pytest.mark.parametrize("radius_px", [1.0, 1.5, 2.2, 3.0, 5.0, 7.3])
def test_kernel_equals_direct_and_fft_reference(radius_px):
    """Expected: the same statistic from a 2-D disc stencil convolved by scipy (direct sum and float64 FFT),
    an independent route to the neighbour sums. 2e-6 absolute: float32 output."""
    v = _field(40, 37, seed=5)
    z = gi_star(v, radius_px)
    for method in ("direct", "fft"):
        ref = gi_star_reference(v, radius_px, method=method)
        np.testing.assert_allclose(z, ref, rtol=0, atol=2e-6, equal_nan=True)


def test_half_widths_match_stencil():
    """Row half-widths describe exactly the pixels of the 2-D stencil (boundary distance included, 3-4-5)."""
    for r in (1.0, 2.0, 2.5, 5.0, 10.0, 16.67):
        hw = disc_half_widths(r)
        k = disc_stencil(r)
        assert np.array_equal(k.sum(axis=1).astype(int), 2 * hw + 1)
    assert disc_half_widths(5.0)[5 - 4] == 3  # offset (4, 3) at distance exactly 5 is in


def test_hand_computed_3x3():
    """Hand calculation on the 3x3 raster 0..8 with a 1-pixel band (rook neighbours + self):
    n = 9, ybar = 4, s^2 = 60/9 (population variance). Centre: cross 1+3+4+5+7 = 20, W = 5,
    z = (20 - 5*4) / (s sqrt(5*4/8)) = 0."""
    v = np.arange(9, dtype=np.float64).reshape(3, 3)
    z = gi_star(v, 1.0)
    assert z[1, 1] == pytest.approx(0.0, abs=1e-7)
    # corner (0,0): neighbours 0,1,3 -> sum 4, W=3; z = (4 - 12) / (sqrt(60/9) sqrt(3*6/8))
    expected = (4 - 3 * 4) / (np.sqrt(60 / 9) * np.sqrt(3 * 6 / 8))
    assert z[0, 0] == pytest.approx(expected, rel=1e-6)


def test_dask_equals_eager_on_uneven_chunks():
    """Lazy map_overlap path (chunks 17x23 do not divide 60x50) must equal the eager result exactly
    up to float32 rounding of the same arithmetic (1e-6)."""
    v = _field(60, 50, seed=9)
    da = _raster(v)
    eager = hotspots(da, distance_m=150.0, cell_m=None)
    lazy = hotspots(da.chunk({"y": 17, "x": 23}), distance_m=150.0, cell_m=None)
    assert lazy["gi_zscore"].chunks is not None  # stays lazy
    np.testing.assert_allclose(lazy["gi_zscore"].values, eager["gi_zscore"].values, atol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(lazy["gi_bin"].values, eager["gi_bin"].values)
    # chunks (4 px) thinner than the halo (5 px): dask rechunks, the result is unchanged
    tiny = hotspots(da.chunk({"y": 4, "x": 4}), distance_m=150.0, cell_m=None)
    np.testing.assert_allclose(tiny["gi_zscore"].values, eager["gi_zscore"].values, atol=1e-6, equal_nan=True)
    # default: 90 m block means (factor 3), FDR; the lazy coarsening equals the eager one
    eager, lazy = hotspots(da, distance_m=300.0), hotspots(da.chunk({"y": 17, "x": 23}), distance_m=300.0)
    np.testing.assert_allclose(lazy["gi_zscore"].values, eager["gi_zscore"].values, atol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(lazy["gi_bin"].values, eager["gi_bin"].values)
    assert lazy.attrs["flagged_share"] == eager.attrs["flagged_share"]


def test_bins_and_pvalues():
    """Gi_Bin cut-offs are the two-sided normal quantiles 1.645 / 1.960 / 2.576 (ArcGIS [arcgis-hotspot])."""
    z = np.array([-3.0, -2.0, -1.7, -1.0, 0.0, np.nan, 1.6, 1.65, 1.97, 2.6])
    np.testing.assert_array_equal(gi_bin(z), [-3, -2, -1, 0, 0, 0, 0, 1, 2, 3])
    ds = hotspots(_raster(_field()), distance_m=90.0, alpha=0.05, cell_m=None, correction="none")
    z = ds["gi_zscore"].values
    p = ds["gi_pvalue"].values
    ok = np.isfinite(z)
    from scipy.stats import norm

    # two-sided normal p-value 2 (1 - Phi(|z|)); float32 storage -> 1e-6
    np.testing.assert_allclose(p[ok], 2 * norm.sf(np.abs(z[ok])), atol=1e-6)
    np.testing.assert_array_equal(ds["hotspot"].values[ok], np.where(p[ok] <= 0.05, np.sign(z[ok]), 0))
    assert set(np.unique(ds["hotspot"].values)) <= {-1, 0, 1}
    assert ds["gi_bin"].attrs["flag_meanings"].split()[0] == "cold_spot_99"
    assert ds.rio.crs.to_epsg() == 32634


def test_warm_blob_is_hot_and_mean_is_zero_field():
    """The warm blob centre (8, 20) is a 99 % hot spot; a far corner is not hot."""
    ds = hotspots(_raster(_field(holes=False)), distance_m=90.0, cell_m=None)
    assert ds["gi_bin"].values[8, 20] == 3
    assert ds["gi_bin"].values[24, 0] <= 0


def test_errors():
    da = _raster(_field())
    with pytest.raises(CRSError, match="geographic"):
        hotspots(da.rio.write_crs("EPSG:4326"), distance_m=90)
    with pytest.raises(InputValueError, match="smaller than one cell"):
        hotspots(da, distance_m=10, cell_m=None)
    with pytest.raises(InputValueError, match="smaller than one cell"):
        hotspots(da, distance_m=60)  # 30 m pixels aggregate to 90 m cells by default
    with pytest.raises(InputValueError, match="correction"):
        hotspots(da, distance_m=90, correction="bonferroni")
    with pytest.raises(InputValueError, match="alpha"):
        hotspots(da, distance_m=90, alpha=1.5)
    with pytest.raises(InputValueError, match="constant"):
        hotspots(_raster(np.full((5, 5), 300.0)), distance_m=30, cell_m=None)
    with pytest.raises(InputValueError, match="at least 3 valid"):
        hotspots(_raster(np.full((5, 5), np.nan)), distance_m=30, cell_m=None)


@pytest.mark.parametrize("shape", [(3, 3), (2, 7), (7, 2), (5, 9), (12, 4)])
@pytest.mark.parametrize("radius_px", [1.0, 2.5, 4.0, 9.0])
def test_kernel_edges_on_narrow_rasters(shape, radius_px):
    """Band wider than the raster: the clamped edge loops must still give the direct-convolution result."""
    v = np.random.default_rng(sum(shape)).normal(300, 2, shape)
    v.flat[1] = np.nan
    np.testing.assert_allclose(gi_star(v, radius_px), gi_star_reference(v, radius_px), atol=2e-6, equal_nan=True)


def test_kernel_bodies_without_jit():
    """The Numba kernel's Python body (NUMBA_DISABLE_JIT semantics: .py_func) gives the same numbers,
    so coverage and the compiled path agree."""
    from uhi.metrics._kernels import gi_prefix_rows, gi_rows

    v = _field(12, 9, seed=2)
    out = np.empty(v.shape, np.float32)
    valid = np.isfinite(v)
    ny, nx = v.shape
    pref, cnt = np.empty((ny, nx + 1)), np.empty((ny, nx + 1), np.float32)
    gi_prefix_rows.py_func(v, v[valid].mean(), pref, cnt, 0, ny)
    gi_rows.py_func(v, disc_half_widths(2.5), pref, cnt, v[valid].std(), float(valid.sum()), out, 0, 5)  # two row blocks,
    gi_rows.py_func(v, disc_half_widths(2.5), pref, cnt, v[valid].std(), float(valid.sum()), out, 5, ny)  # as on 2 threads
    np.testing.assert_allclose(out, gi_star(v, 2.5), atol=1e-6, equal_nan=True)


def _noise(n=150, res=100.0, seed=0):
    rng = np.random.default_rng(seed)
    v = 300 + rng.normal(0, 1, (n, n))
    da = xr.DataArray(v, dims=("y", "x"), coords={"y": 5e6 - res * np.arange(n), "x": 5e5 + res * np.arange(n)})
    return da.rio.write_crs("EPSG:32634")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fdr_on_independent_noise(seed):
    """Spatially independent noise on 100 m cells, 500 m band: every flag is a false discovery. Under the
    complete null BH controls P(any flag) at q (Benjamini & Hochberg 1995, Theorem 1; Gi* scores of
    overlapping bands are positively dependent, where BH stays valid, Benjamini & Yekutieli 2001), so the
    flagged share at q = 0.05 must be <= 5 % (it is ~0). Uncorrected, the per-cell test flags about
    alpha of the cells (measured 3-7 %): more than with FDR."""
    da = _noise(seed=seed)
    fdr = hotspots(da, alpha=0.05)
    raw = hotspots(da, alpha=0.05, correction="none")
    assert fdr.attrs["cell_m"] == 100.0 and fdr.attrs["coarsen_factor"] == 1 and fdr.attrs["correction"] == "fdr"
    assert fdr.attrs["flagged_share"] <= 0.05
    assert fdr.attrs["flagged_share"] == pytest.approx(np.mean(fdr["hotspot"].values != 0))
    assert 0.01 < raw.attrs["flagged_share"] < 0.10
    assert fdr.attrs["flagged_share"] <= raw.attrs["flagged_share"]
    # same z either way: the correction changes only the flags
    np.testing.assert_array_equal(fdr["gi_zscore"].values, raw["gi_zscore"].values)


def test_planted_hot_disc_recovered_on_30m_pixels():
    """A +1.5 K disc of 1 km radius planted in 1 K white noise on 30 m pixels: with the defaults (90 m cells,
    500 m band, FDR q = 0.05) >= 90 % of the disc cells are hot spots and < 5 % of the cells farther than
    1.5 km (disc + band) from its centre are flagged."""
    n, res = 300, 30.0
    rng = np.random.default_rng(4)
    yy, xx = np.mgrid[0:n, 0:n]
    r = np.hypot(yy - 150, xx - 150) * res
    v = 300 + rng.normal(0, 1, (n, n)) + 1.5 * (r <= 1000)
    da = xr.DataArray(v, dims=("y", "x"), coords={"y": 5e6 - res * np.arange(n), "x": 5e5 + res * np.arange(n)})
    ds = hotspots(da.rio.write_crs("EPSG:32634"))
    assert ds.attrs["coarsen_factor"] == 3 and ds.attrs["cell_m"] == 90.0 and ds.sizes == {"y": 100, "x": 100}
    cy, cx = np.meshgrid(ds.y.values, ds.x.values, indexing="ij")
    rc = np.hypot(cy - da.y.values[150], cx - da.x.values[150])
    hot = ds["hotspot"].values
    assert np.mean(hot[rc <= 1000] == 1) >= 0.9
    assert np.mean(hot[rc > 1500] != 0) < 0.05


def test_bh_threshold_hand_example():
    """Benjamini & Hochberg 1995, section 4: 15 p-values, q = 0.05 -> the 4 smallest are rejected
    (p_(4) = 0.0095 <= 4/15 x 0.05 = 0.0133; p_(5) = 0.0201 > 0.0167)."""
    from uhi.metrics.hotspots import bh_threshold

    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
         0.7590, 1.0000]
    assert bh_threshold(p, 0.05) == 0.0095
    assert bh_threshold([0.5, 0.9], 0.05) == -1.0
