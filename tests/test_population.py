"""Population alignment: totals preserved across CRSs and resolutions, nodata handling, errors."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import rioxarray  # noqa: F401
import xarray as xr
from rasterio.transform import from_origin
from rasterio.warp import transform_geom
from shapely.geometry import box, mapping

from uhi.errors import CRSError, InputValueError
from uhi.io import load_population


def _write(path, data, crs="EPSG:3035", origin=(4_800_000.0, 2_600_000.0), cell=1000.0, nodata=-200.0):
    profile = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype="float64",
                   transform=from_origin(origin[0], origin[1], cell, cell), nodata=nodata)
    if crs:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def _grid(bounds, cell, crs):
    x0, y0, x1, y1 = bounds
    x = np.arange(x0 - 3 * cell, x1 + 3 * cell, cell) + cell / 2
    y = np.arange(y1 + 3 * cell, y0 - 3 * cell, -cell) - cell / 2
    return xr.DataArray(np.zeros((y.size, x.size), np.float32), coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs(crs)


def _footprint(path, crs):
    with rasterio.open(path) as src:
        return transform_geom(src.crs, crs, mapping(box(*src.bounds)))


@pytest.fixture()
def synthetic_pop(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.gamma(2.0, 500.0, (30, 40))
    data[0, :5] = -200.0  # GHS-POP nodata
    return _write(tmp_path / "pop.tif", data), data


@pytest.mark.parametrize(
    ("resampling", "cell"), [("sum", 120.0), ("sum", 1000.0), ("sum", 2500.0), ("density", 120.0)]
)
def test_total_preserved_when_target_covers_source(synthetic_pop, resampling, cell):
    """LAEA 1 km counts onto UTM grids of 120 m / 1 km / 2.5 km covering the whole source: the sum
    must equal the source sum (nodata read as 0) within 1 % (the brief's bound; GDAL's area weights
    conserve it to ~0.2 % here, the residual is UTM's areal scale factor and edge cells). 'density' is
    only tested at 120 m: target cells straddling the source edge get the full-cell density, an
    over-count of about (edge cell width / 2) x perimeter, 0.7 % at 120 m here but 2.7 % at 500 m
    (documented in uhi.io.population)."""
    path, data = synthetic_pop
    total = data[data != -200].sum()
    with rasterio.open(path) as src:
        from rasterio.warp import transform_bounds

        b = transform_bounds(src.crs, "EPSG:32633", *src.bounds)
    like = _grid(b, cell, "EPSG:32633")
    pop = load_population(path, like, resampling=resampling)
    assert pop.rio.crs.to_epsg() == 32633 and pop.shape == like.shape
    assert float(np.nansum(pop.values)) == pytest.approx(total, rel=0.01)
    assert pop.attrs["units"] == "1" and pop.attrs["resampling"] == resampling
    assert np.isnan(pop.values[0, 0])  # outside the source footprint -> NaN


def test_nodata_zero_or_nan(tmp_path):
    """-200 cells are 0 people by default and missing with nodata='nan' (module docstring)."""
    data = np.full((10, 10), 100.0)
    data[:, :5] = -200.0
    path = _write(tmp_path / "nd.tif", data, crs="EPSG:32633", origin=(500_000.0, 5_000_000.0), cell=100.0)
    like = rioxarray.open_rasterio(path).squeeze(drop=True)
    zero = load_population(path, like)
    nan = load_population(path, like, nodata="nan")
    assert float(np.nansum(zero.values)) == pytest.approx(5000.0)  # 50 cells x 100 (same grid: identity)
    assert np.all(zero.values[:, :5] == 0)
    assert np.all(np.isnan(nan.values[:, :5])) and np.all(nan.values[:, 5:] == 100)


def test_errors(tmp_path, synthetic_pop):
    path, _ = synthetic_pop
    like = _grid((4_800_000.0, 2_570_000.0, 4_840_000.0, 2_600_000.0), 1000.0, "EPSG:3035")
    with pytest.raises(InputValueError, match="does not exist"):
        load_population(tmp_path / "missing.tif", like)
    bad = tmp_path / "not_a_raster.tif"
    bad.write_text("hello")
    with pytest.raises(InputValueError, match="not a readable raster"):
        load_population(bad, like)
    nocrs = _write(tmp_path / "nocrs.tif", np.ones((3, 3)), crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        load_population(nocrs, like)
    with pytest.raises(CRSError, match="like has no CRS"):
        load_population(path, xr.DataArray(np.zeros((3, 3)), coords={"y": [3.0, 2.0, 1.0], "x": [1.0, 2.0, 3.0]}, dims=("y", "x")))
    with pytest.raises(InputValueError, match="resampling"):
        load_population(path, like, resampling="nearest")
    with pytest.raises(InputValueError, match="finer than the source"):
        load_population(path, _grid((4_800_000.0, 2_570_000.0, 4_840_000.0, 2_600_000.0), 2000.0, "EPSG:3035"), resampling="density")
    with pytest.raises(InputValueError, match="band=2"):
        load_population(path, like, band=2)
    neg = _write(tmp_path / "neg.tif", np.array([[1.0, -5.0], [1.0, 1.0]]))
    with pytest.raises(InputValueError, match="negative count"):
        load_population(neg, like)


def test_ghs_pop_mollweide_1km_onto_utm(shared_data):
    """Real GHS-POP 2015 (ESRI:54009, 1 km, Algeria) onto a 250 m UTM 31N grid covering it: the total
    (225,709 people; summed here from the file) survives within 1 %."""
    path = shared_data / "population" / "GHS_POP_E2015_GLOBE_R2019A_54009_1K_V1_0.tif"
    src = rioxarray.open_rasterio(path, masked=True).squeeze(drop=True)
    total = float(src.sum())
    with rasterio.open(path) as s:
        from rasterio.warp import transform_bounds

        b = transform_bounds(s.crs, "EPSG:32631", *s.bounds)
    for resampling in ("sum", "density"):
        pop = load_population(path, _grid(b, 250.0, "EPSG:32631"), resampling=resampling)
        assert float(np.nansum(pop.values)) == pytest.approx(total, rel=0.01)


def test_sofia_ghs_pop_total_preserved(shared_data):
    """GHS-POP 2020 Sofia (Mollweide 120 m) onto the Sofia Landsat stack grid (UTM 34N 120 m): the sum
    equals the source sum inside the stack's footprint (source cells whose centres fall inside the
    footprint polygon, rioxarray clip) within 1 %; the residual is the footprint edge cells."""
    sofia = shared_data / "cities" / "sofia"
    stack = rioxarray.open_rasterio(sofia / "LC08_184030_20190812.tif")
    path = sofia / "GHS_POP_E2020_sofia_120m_mollweide.tif"
    pop = load_population(path, like=stack)
    assert pop.shape == stack.shape[1:] and pop.rio.crs == stack.rio.crs
    src = rioxarray.open_rasterio(path, masked=True).squeeze(drop=True)
    geom = transform_geom(stack.rio.crs, src.rio.crs, mapping(box(*stack.rio.bounds())))
    inside = float(src.rio.clip([geom], all_touched=False).sum())
    assert float(np.nansum(pop.values)) == pytest.approx(inside, rel=0.01)
    # plausibility: ~0.7 M people in the northern part of Sofia covered by the stack (the README's
    # 0.98 M is the whole municipality)
    assert 5e5 < float(np.nansum(pop.values)) < 1.0e6
