"""Population-weighted LST and residents in the top risk classes per zone; kernels vs references; writers.

Real city: Sofia, Landsat 8 2019-08-12 stack (120 m, EPSG:32634; band 9 LST [degC]) with the
GHS-POP 2020 grid (Mollweide, 120 m) put on the stack grid by uhi.io.load_population, and the
municipality outline (EPSG:4326) split into a west and an east half. Expected values are computed
by hand with numpy on pixel masks from shapely.contains_xy at the pixel centres (centre-of-pixel
rule, independent of GDAL's rasteriser).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rioxarray
import shapely
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from shapely.geometry import box

from uhi.errors import InputValueError, OutputExistsError
from uhi.io.population import load_population
from uhi.zonal import _kernels, people_in_classes, population_weighted_mean, write_zonal, zonal_stats
from uhi.zonal._reference import weighted_reference, zonal_reference


@pytest.fixture(scope="module")
def sofia(shared_data):
    folder = shared_data / "cities" / "sofia"
    stack = rioxarray.open_rasterio(folder / "LC08_184030_20190812.tif")
    lst = stack.isel(band=8, drop=True).rename("lst").assign_attrs(units="degC", city="Sofia", acquisition_time="2019-08-12")
    population = load_population(folder / "GHS_POP_E2020_sofia_120m_mollweide.tif", like=lst)
    outline = gpd.read_file(folder / "sofia_municipality.geojson")
    utm = outline.to_crs(32634).geometry.iloc[0]
    xmid = 0.5 * (utm.bounds[0] + utm.bounds[2])
    halves = [utm.intersection(box(utm.bounds[0] - 1, utm.bounds[1] - 1, xmid, utm.bounds[3] + 1)),
              utm.intersection(box(xmid, utm.bounds[1] - 1, utm.bounds[2] + 1, utm.bounds[3] + 1))]
    zones = gpd.GeoDataFrame({"half": ["west", "east"]}, geometry=halves, crs=32634).to_crs(4326)
    xx, yy = np.meshgrid(lst.x.values, lst.y.values)
    masks = [shapely.contains_xy(g, xx, yy) for g in halves]
    return lst, population, zones, masks


def test_sofia_population_weighted_mean_lst(sofia):
    lst, population, zones, masks = sofia
    out = population_weighted_mean(lst, population, zones, id_column="half")
    t, p = lst.values.astype(np.float64), population.values.astype(np.float64)
    for i, inside in enumerate(masks):
        ok = inside & np.isfinite(t) & np.isfinite(p)
        # hand computation: sum(P T) / sum(P) over the half's pixels with LST and population
        assert out["lst_population_weighted_mean"].iloc[i] == pytest.approx((p[ok] * t[ok]).sum() / p[ok].sum(), abs=1e-6)
        assert out["population"].iloc[i] == pytest.approx(np.nansum(np.where(inside, p, np.nan)), rel=1e-9)
        assert out["population_with_data"].iloc[i] == pytest.approx(p[ok].sum(), rel=1e-9)
    assert out.attrs["units"]["lst_population_weighted_mean"] == "degC"
    # plausibility (README: 2019 LST 22.0-54.9 degC); the stack grid covers mainly the west half
    assert 22.0 < out["lst_population_weighted_mean"].min() and out["lst_population_weighted_mean"].max() < 55.0
    plain = zonal_stats(lst, zones, ("mean", "count"), id_column="half")
    assert plain["lst_count"].iloc[0] == int((masks[0] & np.isfinite(t)).sum())


def test_sofia_people_in_top_risk_classes(sofia):
    """Quintile classes of LST (uhi.risk.classify): residents on classes 4-5 by hand with numpy."""
    from uhi.risk import classify

    lst, population, zones, masks = sofia
    risk_class = classify(lst, "quantile", 5)
    out = people_in_classes(risk_class, population, zones, classes=(4, 5), id_column="half")
    rc, p = risk_class.values, population.values.astype(np.float64)
    for i, inside in enumerate(masks):
        known = inside & (rc > 0) & np.isfinite(p)
        top = known & np.isin(rc, (4, 5))
        assert out["people_in_classes"].iloc[i] == pytest.approx(p[top].sum(), rel=1e-9)
        assert out["share_in_classes"].iloc[i] == pytest.approx(p[top].sum() / p[known].sum(), rel=1e-9)
    assert out.attrs["classes"] == (4, 5)
    assert (out["people_in_classes"] <= out["population_with_data"] + 1e-6).all()
    with pytest.raises(InputValueError, match="classes is empty"):
        people_in_classes(risk_class, population, zones, classes=())


def _random_case(seed=0, shape=(37, 53), n_labels=6):
    rng = np.random.default_rng(seed)
    values = rng.normal(300.0, 5.0, shape).astype(np.float32)
    values[rng.random(shape) < 0.1] = np.nan
    labels = rng.integers(0, n_labels, shape).astype(np.uint8)  # the dtype of <= 255 rasterised zones
    labels[:, :3] = 5  # label 5 present; label n_labels-1 may be sparse
    values[labels == 5] = np.nan  # a zone without any valid value
    weights = rng.random(shape)
    weights[rng.random(shape) < 0.05] = np.nan
    return values, labels, weights, n_labels


@pytest.mark.parametrize("jit", [True, False], ids=["compiled", "python-body"])
def test_kernels_equal_numpy_reference(jit, monkeypatch):
    """Numba kernels (compiled, and their Python bodies as under NUMBA_DISABLE_JIT, for coverage) equal the
    bincount/np.percentile reference; 1e-9 relative (float64 sums in different order)."""
    from numba.core.dispatcher import Dispatcher

    if not jit:  # every compiled kernel of the module (row blocks and their helpers) runs its Python body
        for name, obj in vars(_kernels).copy().items():
            if isinstance(obj, Dispatcher):
                monkeypatch.setattr(_kernels, name, obj.py_func)
    values, labels, weights, n = _random_case()
    count = np.zeros(n, np.int64)
    above = np.zeros(n, np.int64)
    total, total_sq, vmin, vmax = (np.zeros(n) for _ in range(4))
    _kernels.zone_moments_kernel(values, labels, 300.0, 302.0, 3, count, total, total_sq, vmin, vmax, above)
    q = np.array([10.0, 50.0, 90.0, 100.0])
    p_out = np.empty((n, q.size))
    _kernels.zone_percentiles_kernel(values, labels, count, vmin, vmax, q, 8, 2, p_out)
    wv, wx, wa = (np.zeros(n) for _ in range(3))
    _kernels.zone_weighted_kernel(values, weights, labels, 2, wv, wx, wa)
    ref = zonal_reference(values, labels, n, percentiles=(10, 50, 90, 100), threshold=302.0)
    np.testing.assert_array_equal(count, ref["count"])
    np.testing.assert_array_equal(above, ref["above"])
    np.testing.assert_allclose(total + 300.0 * count, ref["sum"], rtol=1e-9)
    np.testing.assert_array_equal(vmin, ref["min"])
    np.testing.assert_array_equal(vmax, ref["max"])
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.sqrt(np.maximum(total_sq / count - (total / count) ** 2, 0))
    np.testing.assert_allclose(std, ref["std"], rtol=1e-9)
    for i, qq in enumerate((10, 50, 90, 100)):
        np.testing.assert_allclose(p_out[:, i], ref[f"p{qq}"], rtol=1e-12)
    assert count[5] == 0 and np.isnan(vmin[5]) and np.isnan(p_out[5]).all()
    wref = weighted_reference(values, weights, labels, n)
    np.testing.assert_allclose(wv, wref["weight_valid"], rtol=1e-9)
    np.testing.assert_allclose(wx, wref["weighted_total"], rtol=1e-9)
    np.testing.assert_allclose(wa, wref["weight_all"], rtol=1e-9)


def _table():
    return gpd.GeoDataFrame(
        {"name": ["Innere Stadt", "Leopoldstadt"], "lst_mean": [305.2, 301.9], "lst_count": [1000, 2000]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:32633",
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet", ".csv"])
def test_write_zonal_round_trip_and_no_clobber(tmp_path, suffix):
    path = tmp_path / f"districts{suffix}"
    write_zonal(_table(), path)
    back = pd.read_csv(path) if suffix == ".csv" else gpd.read_parquet(path) if suffix == ".parquet" else gpd.read_file(path)
    assert back["name"].tolist() == ["Innere Stadt", "Leopoldstadt"]
    np.testing.assert_allclose(back["lst_mean"], [305.2, 301.9])
    if suffix != ".csv":
        assert back.crs == _table().crs and back.geometry.iloc[1].equals(box(1, 0, 2, 1))
    else:
        assert "geometry" not in back.columns
    with pytest.raises(OutputExistsError, match="already exists"):
        write_zonal(_table(), path)
    write_zonal(_table().iloc[:1], path, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_write_zonal_bad_paths(tmp_path):
    with pytest.raises(InputValueError, match="unknown extension '.xlsx'"):
        write_zonal(_table(), tmp_path / "t.xlsx")
    with pytest.raises(InputValueError, match="no geometry"):
        write_zonal(pd.DataFrame({"a": [1]}), tmp_path / "t.gpkg")
    assert not list(tmp_path.iterdir())


def test_population_on_another_grid_is_refused(sofia):
    """Exposure (population) and hazard (LST) on different grids: GridMismatchError, not a silent misalignment."""
    from uhi.errors import GridMismatchError

    lst, population, zones, _ = sofia
    with pytest.raises(GridMismatchError, match="population"):
        population_weighted_mean(lst, population.isel(x=slice(1, None)), zones)
    shifted = population.assign_coords(x=population.x + 60.0)
    with pytest.raises(GridMismatchError):
        people_in_classes(lst.notnull().astype(np.uint8) * 5, shifted, zones)


def test_people_in_classes_small_hand_case():
    """4 x 4 grid, classes row-wise 1..4 (row 0 unclassified = 0), 10 residents per pixel:
    in classes 4-5 are the 4 pixels of the last row -> 40 people; known = 12 pixels -> share 1/3 (hand)."""
    y, x = [35.0, 25.0, 15.0, 5.0], [5.0, 15.0, 25.0, 35.0]
    cls = np.repeat(np.array([0, 2, 3, 4], dtype=np.uint8)[:, None], 4, axis=1)
    rc = xr.DataArray(cls, dims=("y", "x"), coords={"y": y, "x": x}, attrs={"_FillValue": 0}).rio.write_crs(32633)
    pop = xr.DataArray(np.full((4, 4), 10.0), dims=("y", "x"), coords={"y": y, "x": x}).rio.write_crs(32633)
    zones = gpd.GeoDataFrame({"z": ["all"]}, geometry=[box(0, 0, 40, 40)], crs=32633)
    out = people_in_classes(rc, pop, zones)
    assert out["population"].iloc[0] == 160.0 and out["population_with_data"].iloc[0] == 120.0
    assert out["people_in_classes"].iloc[0] == 40.0 and out["share_in_classes"].iloc[0] == pytest.approx(1 / 3)


@settings(max_examples=25, deadline=None)
@given(
    data=st.data(),
    shape=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    n_labels=st.integers(1, 5),
    n_buckets=st.sampled_from([1, 3, 4096]),
)
def test_kernels_equal_reference_property(data, shape, n_labels, n_buckets):
    """Any shape (down to 1 x 1), any label layout, values with NaN/ties/extremes, any number of histogram
    buckets: compiled kernels equal the numpy reference (counts exactly, sums and percentiles to round-off)."""
    values = data.draw(arrays(np.float64, shape, elements=st.one_of(st.just(np.nan), st.sampled_from([0.0, 1.0, -2.5]), st.floats(-1e3, 1e3))))
    labels = data.draw(arrays(np.int32, shape, elements=st.integers(0, n_labels - 1)))
    n = n_labels
    count, above = np.zeros(n, np.int64), np.zeros(n, np.int64)
    total, total_sq, vmin, vmax = (np.zeros(n) for _ in range(4))
    _kernels.zone_moments_kernel(values, labels, 0.0, 0.5, 2, count, total, total_sq, vmin, vmax, above)
    q = np.array([0.0, 37.5, 90.0, 100.0])
    p_out = np.empty((n, q.size))
    _kernels.zone_percentiles_kernel(values, labels, count, vmin, vmax, q, n_buckets, 2, p_out)
    ref = zonal_reference(values, labels, n, percentiles=(0, 37.5, 90, 100), threshold=0.5)
    np.testing.assert_array_equal(count, ref["count"])
    np.testing.assert_array_equal(above, ref["above"])
    np.testing.assert_allclose(total, ref["sum"], rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(vmin, ref["min"])
    np.testing.assert_array_equal(vmax, ref["max"])
    for i, qq in enumerate((0, 37.5, 90, 100)):
        np.testing.assert_allclose(p_out[:, i], ref[f"p{qq:g}"], rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50, 257])
def test_quickselect_equals_sorting(size):
    """The percentile kernel's selection equals numpy's sort for every rank, with ties (values from 5 levels)."""
    rng = np.random.default_rng(size)
    for a in (rng.integers(0, 5, size).astype(np.float32), rng.normal(0, 1, size)):
        before = a.copy()
        ranks = [_kernels._kth_smallest(a, k) for k in range(size)]
        np.testing.assert_array_equal(ranks, np.sort(a))  # definition: the k-th order statistic
        np.testing.assert_array_equal(a, before)  # the input is not modified
