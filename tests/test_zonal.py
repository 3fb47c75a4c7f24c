"""Zonal statistics: equality with rasterstats on the Vienna districts, exact percentiles, bad input.

The raster is a deterministic LST-like field on a UTM 33N (EPSG:32633) 30 m grid covering
Vienna (1000 x 1000 px, 30 km square); zones are the 23 Bezirke of the shared Austrian district
file and Vienna's 250 census districts (Zaehlbezirke), both in EPSG:4326 (reprojected by
zonal_stats). Reference: ``rasterstats.zonal_stats`` (centre-of-pixel rule, all_touched=False)
run in the test on the same array and affine.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import shapely
import xarray as xr
from shapely.geometry import box

from uhi.errors import CRSError, GridMismatchError, InputValueError
from uhi.zonal import parse_stats, rasterize_zones, zonal_stats

X0, Y_TOP, RES, N = 587_500.0, 5_357_000.0, 30.0, 1000


def _vienna_grid(values: np.ndarray, name="lst", units="K") -> xr.DataArray:
    n_y, n_x = values.shape
    x = X0 + RES * (np.arange(n_x) + 0.5)
    y = Y_TOP - RES * (np.arange(n_y) + 0.5)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name=name, attrs={"units": units})
    return da.rio.write_crs("EPSG:32633")


def _field(dtype=np.float64, nan_share=0.02, seed=4) -> np.ndarray:
    """Smooth warm/cool pattern [K] plus noise, with scattered NaN (clouds)."""
    rng = np.random.default_rng(seed)
    u = np.linspace(0.0, 7.0, N)
    v = 300.0 + 5.0 * np.sin(u)[None, :] * np.cos(0.8 * u)[:, None] + rng.normal(0.0, 1.0, (N, N))
    v[rng.random((N, N)) < nan_share] = np.nan
    return v.astype(dtype)


@pytest.fixture(scope="module")
def bezirke(shared_data):
    gdf = gpd.read_file(shared_data / "vector" / "austria_districts_2021.geojson")
    return gdf[gdf["iso"].astype(int).between(901, 923)].reset_index(drop=True)


@pytest.fixture(scope="module")
def zaehlbezirke(shared_data):
    gdf = gpd.read_file(shared_data / "cities" / "vienna" / "vienna_zaehlbezirke_2020.geojson")
    gdf["zone_id"] = gdf["BEZNR"].astype(int) * 100 + gdf["ZBEZNR"].astype(int)
    return gdf


@pytest.fixture(scope="module")
def lst64():
    return _vienna_grid(_field())


def _rasterstats(da: xr.DataArray, zones: gpd.GeoDataFrame, stats: str, all_touched=False):
    from rasterstats import zonal_stats as rs_zonal_stats

    feats = zones.to_crs(da.rio.crs)
    return rs_zonal_stats(feats, np.asarray(da.values), affine=da.rio.transform(), nodata=-9999.0, stats=stats, all_touched=all_touched)


@pytest.mark.parametrize("zones_name", ["bezirke", "zaehlbezirke"])
def test_equals_rasterstats_on_vienna(request, zones_name, lst64):
    """mean/min/max/count/std/p90 equal rasterstats 0.21 run here on the same float64 array (tolerance 1e-6 K:
    both sum in float64, only the order differs). The 250 census districts have sliver overlaps between
    neighbours; rasterstats masks each polygon on its own, so equality also checks the overlap layers."""
    zones = request.getfixturevalue(zones_name)
    ours = zonal_stats(lst64, zones, ("mean", "min", "max", "count", "std", "p90"))
    ref = _rasterstats(lst64, zones, "mean min max count std percentile_90")
    assert len(ours) == len(zones)
    for stat, rs_key in [("mean", "mean"), ("min", "min"), ("max", "max"), ("count", "count"), ("std", "std"), ("p90", "percentile_90")]:
        expected = np.array([np.nan if r[rs_key] is None else r[rs_key] for r in ref], dtype=float)
        np.testing.assert_allclose(ours[f"lst_{stat}"].to_numpy(dtype=float), expected, rtol=0, atol=1e-6, err_msg=stat)
    assert ours["lst_count"].min() > 0


def test_all_touched_equals_rasterstats(bezirke, lst64):
    """all_touched=True: neighbouring districts share the pixels along their common edges; rasterstats
    masks each polygon alone, so equal counts/means check that adjacent zones went to separate layers."""
    ours = zonal_stats(lst64, bezirke, ("mean", "count", "max"), all_touched=True)
    ref = _rasterstats(lst64, bezirke, "mean count max", all_touched=True)
    for stat in ("mean", "count", "max"):
        np.testing.assert_allclose(ours[f"lst_{stat}"].to_numpy(dtype=float), [r[stat] for r in ref], rtol=0, atol=1e-6)
    centre = zonal_stats(lst64, bezirke, ("count",))
    assert (ours["lst_count"] > centre["lst_count"]).all()
    assert len(rasterize_zones(bezirke, lst64, all_touched=True).layers) > 1


def test_float32_raster_matches_float64_reference(bezirke, lst64):
    """A float32 raster is summed in float64 by the kernel: same statistics as rasterstats on the
    float64 copy of the very same values (1e-6 K)."""
    lst32 = lst64.astype(np.float32).rio.write_crs("EPSG:32633")
    ours = zonal_stats(lst32, bezirke, ("mean", "min", "max", "count"))
    ref = _rasterstats(lst32.astype(np.float64), bezirke, "mean min max count")
    for stat in ("mean", "min", "max", "count"):
        np.testing.assert_allclose(ours[f"lst_{stat}"].to_numpy(dtype=float), [r[stat] for r in ref], rtol=0, atol=1e-6)


def test_percentiles_equal_numpy_per_zone(bezirke, lst64):
    """p90, median and p99.5 equal numpy.percentile (linear) of each zone's valid pixels, the zone mask taken
    independently of GDAL with shapely.contains_xy on the pixel centres (centre-of-pixel rule)."""
    ours = zonal_stats(lst64, bezirke, ("p90", "median", "p99.5", "p0", "p100", "min", "max"))
    zones_utm = bezirke.to_crs(32633)
    xx, yy = np.meshgrid(lst64.x.values, lst64.y.values)
    values = lst64.values
    for i, geom in enumerate(zones_utm.geometry[:6]):  # six districts keep the test fast
        inside = shapely.contains_xy(geom, xx, yy) & np.isfinite(values)
        zone_values = values[inside]
        assert ours["lst_p90"].iloc[i] == pytest.approx(np.percentile(zone_values, 90), abs=1e-9)
        assert ours["lst_median"].iloc[i] == pytest.approx(np.percentile(zone_values, 50), abs=1e-9)
        assert ours["lst_p99.5"].iloc[i] == pytest.approx(np.percentile(zone_values, 99.5), abs=1e-9)
    # closed form: p0 is the minimum and p100 the maximum
    np.testing.assert_array_equal(ours["lst_p0"], ours["lst_min"])
    np.testing.assert_array_equal(ours["lst_p100"], ours["lst_max"])


def test_reprojection_of_zones_changes_nothing(bezirke, lst64):
    """Zones in EPSG:4326 are reprojected to the raster CRS: same table as zones given in EPSG:32633."""
    a = zonal_stats(lst64, bezirke, ("mean", "count"))
    b = zonal_stats(lst64, bezirke.to_crs(32633), ("mean", "count"))
    np.testing.assert_array_equal(a["lst_count"], b["lst_count"])
    np.testing.assert_allclose(a["lst_mean"], b["lst_mean"], rtol=0, atol=1e-12)
    assert a.crs == bezirke.crs  # output keeps the zones' own CRS and columns
    assert list(a.columns[:3]) == list(bezirke.columns)


def test_dataset_columns_threshold_and_area(bezirke, lst64):
    """Dataset -> <var>_<stat>; area_share_above and area_m2 by hand: count of valid pixels above the
    threshold / valid count, and count x 900 m2 (30 m pixels)."""
    ndvi = _vienna_grid(np.linspace(-0.2, 0.9, N * N).reshape(N, N), name="ndvi", units="1")
    ds = xr.Dataset({"lst": lst64, "ndvi": ndvi})
    out = zonal_stats(ds, bezirke, ("mean", "count", "area_m2", "area_share_above"), threshold={"lst": 302.0, "ndvi": 0.3}, id_column="iso")
    assert {"lst_mean", "ndvi_mean", "lst_area_share_above", "ndvi_area_m2"} <= set(out.columns)
    assert out.attrs["units"]["lst_mean"] == "K" and out.attrs["units"]["lst_area_m2"] == "m2"
    labels = rasterize_zones(bezirke, lst64).layers[0]
    values = lst64.values
    for k in (0, 11, 22):
        in_zone = (labels == k + 1) & np.isfinite(values)
        assert out["lst_area_share_above"].iloc[k] == pytest.approx((values[in_zone] > 302.0).mean(), abs=1e-12)
        assert out["lst_area_m2"].iloc[k] == in_zone.sum() * 900.0
    np.testing.assert_array_equal(out["ndvi_count"], out["ndvi_area_m2"] / 900.0)


def test_weights_give_weighted_mean(bezirke, lst64):
    """weighted_mean = sum(w v) / sum(w) by hand over each zone's pixels with both valid."""
    w = np.random.default_rng(1).random((N, N))
    w[:10] = np.nan
    weights = _vienna_grid(w, name="population", units="1")
    out = zonal_stats(lst64, bezirke, ("mean",), weights=weights)
    labels = rasterize_zones(bezirke, lst64).layers[0]
    v = lst64.values
    k = 3
    ok = (labels == k + 1) & np.isfinite(v) & np.isfinite(w)
    assert out["lst_weighted_mean"].iloc[k] == pytest.approx((w[ok] * v[ok]).sum() / w[ok].sum(), rel=1e-12)
    assert out["weight_total"].iloc[k] == pytest.approx(np.nansum(np.where(labels == k + 1, w, np.nan)), rel=1e-12)


def test_dask_input_equals_numpy(bezirke, lst64):
    """A dask-backed raster gives the same table (it is computed once)."""
    a = zonal_stats(lst64, bezirke, ("mean", "p90"))
    b = zonal_stats(lst64.chunk({"y": 256, "x": 256}), bezirke, ("mean", "p90"))
    np.testing.assert_array_equal(a["lst_mean"], b["lst_mean"])
    np.testing.assert_array_equal(a["lst_p90"], b["lst_p90"])


def test_geographic_raster_fine_but_no_area_stats():
    """Degrees: mean/count work (no metre operation); area statistics refuse with CRSError."""
    lon = np.linspace(16.2, 16.5, 30)
    lat = np.linspace(48.3, 48.1, 20)
    da = xr.DataArray(np.arange(600.0).reshape(20, 30), dims=("y", "x"), coords={"y": lat, "x": lon}, name="lst").rio.write_crs("EPSG:4326")
    zones = gpd.GeoDataFrame({"id": [1]}, geometry=[box(16.19, 48.09, 16.51, 48.31)], crs="EPSG:4326")
    out = zonal_stats(da, zones, ("mean", "count"))
    # the box covers every pixel centre: mean of 0..599 = 299.5 (closed form), count 600
    assert out["lst_count"].iloc[0] == 600 and out["lst_mean"].iloc[0] == pytest.approx(299.5)
    with pytest.raises(CRSError, match="geographic"):
        zonal_stats(da, zones, ("area_share_above",), threshold=10.0)


def _small(values, crs="EPSG:32633"):
    """4 x 4 raster of 10 m pixels, x 0..40, y 0..40."""
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": [35.0, 25.0, 15.0, 5.0], "x": [5.0, 15.0, 25.0, 35.0]}, name="lst")
    return da.rio.write_crs(crs)


def test_no_overlap_names_file_and_extents(tmp_path):
    path = tmp_path / "far_away.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(1000, 1000, 2000, 2000)], crs="EPSG:32633").to_file(path)
    with pytest.raises(InputValueError, match=r"far_away\.gpkg does not overlap the raster \(the extents do not overlap\).*1000\.0"):
        zonal_stats(_small(np.ones((4, 4))), path, ("mean",))
    tiny = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(1, 1, 2, 2)], crs="EPSG:32633")
    with pytest.raises(InputValueError, match="no zone contains a pixel centre"):
        zonal_stats(_small(np.ones((4, 4))), tiny, ("mean",))


def test_duplicate_ids_listed(zaehlbezirke, lst64):
    """ZBEZNR restarts in every district (218 duplicates in the real file): refused, ids listed."""
    with pytest.raises(InputValueError, match=r"duplicate ids \['1', '10', '11'"):
        zonal_stats(lst64, zaehlbezirke, ("mean",), id_column="ZBEZNR")
    with pytest.raises(InputValueError, match="not a column"):
        zonal_stats(lst64, zaehlbezirke, ("mean",), id_column="nope")


def test_all_nan_raster_gives_count_zero_and_nan():
    """Documented behaviour: every statistic NaN, count 0, area 0, and a warning naming the zones."""
    zones = gpd.GeoDataFrame({"name": ["w", "e"]}, geometry=[box(0, 0, 20, 40), box(20, 0, 40, 40)], crs="EPSG:32633")
    with pytest.warns(UserWarning, match=r"2 zone\(s\) of zones GeoDataFrame have no valid pixel.*\['w', 'e'\]"):
        out = zonal_stats(_small(np.full((4, 4), np.nan)), zones, ("mean", "std", "min", "max", "p90", "count", "area_m2", "sum"), id_column="name")
    assert out["lst_count"].tolist() == [0, 0]
    assert out["lst_area_m2"].tolist() == [0.0, 0.0]
    for stat in ("mean", "std", "min", "max", "p90", "sum"):
        assert out[f"lst_{stat}"].isna().all(), stat


def test_zone_outside_raster_gets_nan_row():
    zones = gpd.GeoDataFrame({"name": ["in", "out"]}, geometry=[box(0, 0, 40, 40), box(500, 500, 600, 600)], crs="EPSG:32633")
    with pytest.warns(UserWarning, match=r"\['out'\]"):
        out = zonal_stats(_small(np.arange(16.0).reshape(4, 4)), zones, ("mean", "count"), id_column="name")
    # zone "in" covers the whole raster: mean of 0..15 = 7.5 (closed form)
    assert out["lst_mean"].tolist()[0] == 7.5 and np.isnan(out["lst_mean"].iloc[1])
    assert out["lst_count"].tolist() == [16, 0]


def test_integer_raster_nodata_and_all_touched():
    """uint8 with _FillValue 0: zeros are missing; all_touched adds the pixels the outline touches."""
    da = _small(np.array([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]], dtype=np.uint8))
    da.attrs["_FillValue"] = 0
    zones = gpd.GeoDataFrame({"id": [1]}, geometry=[box(0, 20, 12, 40)], crs="EPSG:32633")
    centre = zonal_stats(da, zones, ("count", "mean"))
    touched = zonal_stats(da, zones, ("count", "mean"), all_touched=True)
    # centres inside x<12, y>20: pixels (0,0)=nodata and (1,0)=4 -> count 1, mean 4 (hand count)
    assert centre["lst_count"].iloc[0] == 1 and centre["lst_mean"].iloc[0] == 4.0
    # touched: columns 0-1 of rows 0-1 -> 1, 4, 5 (0 is nodata): mean 10/3
    assert touched["lst_count"].iloc[0] == 3 and touched["lst_mean"].iloc[0] == pytest.approx(10 / 3)


def test_points_are_not_zones():
    from shapely.geometry import Point

    pts = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(5, 5)], crs="EPSG:32633")
    with pytest.raises(InputValueError, match=r"must hold polygons.*\['Point'\]"):
        zonal_stats(_small(np.ones((4, 4))), pts, ("mean",))


def test_bad_arguments():
    da = _small(np.ones((4, 4)))
    zones = gpd.GeoDataFrame({"id": [1]}, geometry=[box(0, 0, 40, 40)], crs="EPSG:32633")
    with pytest.raises(InputValueError, match="unknown statistic 'avg'"):
        zonal_stats(da, zones, ("avg",))
    with pytest.raises(InputValueError, match="needs threshold"):
        zonal_stats(da, zones, ("area_share_above",))
    with pytest.raises(InputValueError, match="needs weights"):
        zonal_stats(da, zones, ("weighted_mean",))
    with pytest.raises(InputValueError, match="outside p0..p100"):
        parse_stats(("p101",))
    with pytest.raises(CRSError, match="has no CRS"):
        zonal_stats(da, zones.set_crs(None, allow_override=True), ("mean",))
    with pytest.raises(GridMismatchError):
        zonal_stats(da, zones, ("mean",), weights=_small(np.ones((4, 4)))[:3])
    with pytest.raises(InputValueError, match="does not exist"):
        zonal_stats(da, "/nonexistent/zones.gpkg", ("mean",))


def test_overlapping_zones_each_get_all_their_pixels():
    """Nested and overlapping zones go to separate layers: each zone's stats as if masked alone (hand values)."""
    da = _small(np.arange(16.0).reshape(4, 4))
    zones = gpd.GeoDataFrame(
        {"id": ["all", "left", "top_left"]}, geometry=[box(0, 0, 40, 40), box(0, 0, 20, 40), box(0, 20, 20, 40)], crs="EPSG:32633"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        out = zonal_stats(da, zones, ("sum", "count"), id_column="id")
    # all: 0..15 -> 120; left columns 0-1: 0+1+4+5+8+9+12+13 = 52; top-left 2x2: 0+1+4+5 = 10
    assert out["lst_sum"].tolist() == [120.0, 52.0, 10.0]
    assert out["lst_count"].tolist() == [16, 8, 4]
    assert len(rasterize_zones(zones, da).layers) == 3


def test_doctests():
    """The docstring example (two 2 x 4-pixel halves of 0..15: means 6.5 and 8.5 by hand) runs."""
    import doctest

    import uhi.zonal.stats

    result = doctest.testmod(uhi.zonal.stats)
    assert result.attempted > 0 and result.failed == 0


def test_south_up_grid_same_result():
    """y ascending (south-up) rasters are rasterised with their own transform: top-left 2 x 2 block of
    0..15 is 0, 1, 4, 5 -> mean 2.5 (hand) either way."""
    da = _small(np.arange(16.0).reshape(4, 4))
    zones = gpd.GeoDataFrame({"n": ["top_left"]}, geometry=[box(0, 20, 20, 40)], crs="EPSG:32633")
    for raster in (da, da.isel(y=slice(None, None, -1))):
        out = zonal_stats(raster, zones, ("mean", "count"))
        assert out["lst_mean"].iloc[0] == 2.5 and out["lst_count"].iloc[0] == 4


def test_rasterised_zones_are_reused(bezirke, lst64):
    """One rasterisation for several tables: the same numbers as from polygons; another grid or rule is refused."""
    from uhi.zonal import people_in_classes, population_weighted_mean

    layers = rasterize_zones(bezirke, lst64)
    a = zonal_stats(lst64, bezirke, ("mean", "p90"))
    b = zonal_stats(lst64, layers, ("mean", "p90"))
    np.testing.assert_array_equal(a["lst_mean"], b["lst_mean"])
    np.testing.assert_array_equal(a["lst_p90"], b["lst_p90"])
    population = _vienna_grid(np.ones((N, N)), name="population", units="1")
    weighted = population_weighted_mean(lst64, population, layers)
    # uniform population: the weighted mean is the plain mean (closed form)
    np.testing.assert_allclose(weighted["lst_population_weighted_mean"], a["lst_mean"], rtol=1e-12)
    classes = _vienna_grid(np.full((N, N), 5, dtype=np.uint8), name="risk_class", units="1")
    assert (people_in_classes(classes, population, layers)["share_in_classes"] == 1.0).all()
    with pytest.raises(GridMismatchError, match="rasterise them for it"):
        zonal_stats(lst64.isel(x=slice(0, 500)), layers, ("mean",))
    with pytest.raises(InputValueError, match="all_touched=False"):
        zonal_stats(lst64, layers, ("mean",), all_touched=True)


def test_many_zones_use_wider_labels():
    """300 one-pixel zones (more than uint8 holds): uint16 labels; each zone's mean is its pixel (hand)."""
    n = 20
    values = np.arange(n * n, dtype=np.float64).reshape(n, n)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": np.arange(n)[::-1] * 10.0 + 5, "x": np.arange(n) * 10.0 + 5}, name="v")
    da = da.rio.write_crs("EPSG:32633")
    cells = [(i, j) for i in range(n) for j in range(n)][:300]
    zones = gpd.GeoDataFrame(
        {"cell": [f"{i}-{j}" for i, j in cells]},
        geometry=[box(j * 10.0, (n - 1 - i) * 10.0, (j + 1) * 10.0, (n - i) * 10.0) for i, j in cells],
        crs="EPSG:32633",
    )
    layers = rasterize_zones(zones, da)
    assert layers.layers[0].dtype == np.uint16 and len(layers.layers) == 1
    out = zonal_stats(da, layers, ("mean", "count"), id_column="cell")
    np.testing.assert_array_equal(out["v_mean"], [values[i, j] for i, j in cells])
    assert (out["v_count"] == 1).all()


def test_zone_sums_by_hand():
    # Hand calculation: zone 1 holds 1 + 2, zone 2 holds 4, zone 3 none; label 0 (outside) and 4 (> n) are dropped.
    from uhi.zonal import zone_sums

    labels = np.array([[1, 1, 0], [2, 4, 0]])
    weights = np.array([[1.0, 2.0, 8.0], [4.0, 16.0, 32.0]])
    out = zone_sums(labels, weights, 3)
    assert out.dtype == np.float64 and out.tolist() == [3.0, 4.0, 0.0]
