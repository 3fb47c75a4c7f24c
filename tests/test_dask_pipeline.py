"""Every public raster function accepts dask-backed input, stays lazy, and equals the eager result.

Chunks of 128 px on a 300 x 300 raster do not divide it (300 = 2 x 128 + 44), so every
neighbourhood operation meets a ragged last chunk and halos crossing two chunk borders.
Expected values come from the same function run eagerly on numpy-backed input (the
reference for the lazy path); the tolerance is float32 round-off (rtol 1e-5, atol 1e-5 on
values of order 1-300) because blockwise reductions may sum in a different order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi._backend import is_dask

N = 300
CHUNK = 128
CELL = 30.0


def _grid(values: np.ndarray, *, units: str | None = None, crs: str = "EPSG:32634") -> xr.DataArray:
    ny, nx = values.shape
    y = 4.7e6 - (np.arange(ny) + 0.5) * CELL
    x = 3.5e5 + (np.arange(nx) + 0.5) * CELL
    da = xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"))
    if units:
        da.attrs["units"] = units
    return da.rio.write_crs(crs)


def _smooth(rng, n: int, block: int, lo: float, hi: float) -> np.ndarray:
    coarse = rng.random((n // block + 2, n // block + 2))
    field = np.kron(coarse, np.ones((block, block)))[:n, :n]
    return (lo + (hi - lo) * (0.8 * field + 0.2 * rng.random((n, n)))).astype(np.float32)


@pytest.fixture(scope="module")
def layers() -> dict[str, xr.DataArray]:
    """A seeded 300 x 300 scene: LST [K] with cloud holes, population, NDVI, NDBI, land cover."""
    rng = np.random.default_rng(6)
    lst = _smooth(rng, N, 20, 295.0, 320.0)
    lst[rng.random((N, N)) < 0.03] = np.nan  # cloud / fill pixels
    pop = _smooth(rng, N, 15, 0.0, 40.0)
    ndvi = _smooth(rng, N, 25, -0.1, 0.8)
    ndbi = _smooth(rng, N, 25, -0.4, 0.3)
    lulc = np.kron(rng.integers(1, 12, (N // 10 + 1, N // 10 + 1)), np.ones((10, 10)))[:N, :N].astype(np.float32)
    return {
        "lst": _grid(lst, units="K"),
        "population": _grid(pop),
        "ndvi": _grid(ndvi),
        "ndbi": _grid(ndbi),
        "lulc": _grid(lulc),
    }


def lazy(da: xr.DataArray) -> xr.DataArray:
    return da.chunk({"y": CHUNK, "x": CHUNK})


def assert_lazy_equal(lazy_result, eager_result, *, rtol=1e-5, atol=1e-5):
    """``lazy_result`` is still a dask graph; computed, it equals ``eager_result``."""
    if isinstance(lazy_result, xr.Dataset):
        assert set(lazy_result.data_vars) == set(eager_result.data_vars)
        for name in eager_result.data_vars:
            assert_lazy_equal(lazy_result[name], eager_result[name], rtol=rtol, atol=atol)
        return
    assert is_dask(lazy_result), f"{lazy_result.name} was computed eagerly"
    assert lazy_result.chunks is not None
    computed = lazy_result.compute()
    assert computed.dtype == eager_result.dtype, lazy_result.name
    np.testing.assert_allclose(computed.values, eager_result.values, rtol=rtol, atol=atol, equal_nan=True, err_msg=str(lazy_result.name))
    assert computed.rio.crs == eager_result.rio.crs
    assert computed.attrs.get("units") == eager_result.attrs.get("units")


# --- metrics ---------------------------------------------------------------------------------

def test_hotspots_lazy(layers):
    from uhi.metrics import hotspots

    assert_lazy_equal(hotspots(lazy(layers["lst"]), distance_m=200.0), hotspots(layers["lst"], distance_m=200.0))


@pytest.mark.parametrize("denominator", ["pixel", "mean"])
def test_utfvi_and_classes_lazy(layers, denominator):
    from uhi.metrics import utfvi, utfvi_classes

    eager = utfvi(layers["lst"], denominator=denominator)
    result = utfvi(lazy(layers["lst"]), denominator=denominator)
    assert_lazy_equal(result, eager)
    assert_lazy_equal(utfvi_classes(result), utfvi_classes(eager))


def test_thermal_zones_and_normalise_lazy(layers):
    from uhi.metrics import normalise_lst, thermal_zones

    assert_lazy_equal(thermal_zones(lazy(layers["lst"])), thermal_zones(layers["lst"]))
    for method in ("minmax", "zscore"):
        assert_lazy_equal(normalise_lst(lazy(layers["lst"]), method), normalise_lst(layers["lst"], method))


def test_urban_mask_lazy_and_suhii_equal(layers):
    from uhi.metrics import suhii, urban_mask_from_indices

    eager_mask = urban_mask_from_indices(layers["ndbi"], layers["ndvi"])
    lazy_mask = urban_mask_from_indices(lazy(layers["ndbi"]), lazy(layers["ndvi"]))
    assert_lazy_equal(lazy_mask, eager_mask)
    # SUHII is a scalar: the lazy inputs give the same number (float64 means of the same pixels)
    a = suhii(layers["lst"], eager_mask, buffer_m=600.0)
    b = suhii(lazy(layers["lst"]), lazy_mask, buffer_m=600.0)
    assert b.suhii == pytest.approx(a.suhii, rel=1e-12)
    assert (b.urban_count, b.rural_count) == (a.urban_count, a.rural_count)


def test_park_cool_island_same_table(layers):
    from uhi.metrics import park_cool_island

    parks = (layers["ndvi"] > 0.6).values
    a = park_cool_island(layers["lst"], parks, ring_m=60.0, max_distance_m=600.0, min_area_m2=2e4)
    b = park_cool_island(lazy(layers["lst"]), lazy(layers["ndvi"] > 0.6), ring_m=60.0, max_distance_m=600.0, min_area_m2=2e4)
    assert len(a) > 0
    pd.testing.assert_frame_equal(a, b)


# --- risk ------------------------------------------------------------------------------------

def test_risk_components_lazy(layers):
    from uhi.risk import exposure_from_population, hazard_from_lst, normalise, vulnerability

    assert_lazy_equal(hazard_from_lst(lazy(layers["lst"])), hazard_from_lst(layers["lst"]))
    assert_lazy_equal(exposure_from_population(lazy(layers["population"])), exposure_from_population(layers["population"]))
    for method in ("minmax", "percentile"):
        assert_lazy_equal(normalise(lazy(layers["lst"]), method), normalise(layers["lst"], method))
    assert_lazy_equal(
        vulnerability(ndvi=lazy(layers["ndvi"]), ndbi=lazy(layers["ndbi"])),
        vulnerability(ndvi=layers["ndvi"], ndbi=layers["ndbi"]),
    )


@pytest.mark.parametrize("method", ["product", "geometric", "weighted"])
def test_heat_risk_lazy(layers, method):
    from uhi.risk import heat_risk

    args = (layers["lst"], layers["population"], layers["ndbi"])
    eager = heat_risk(*args, method=method)
    assert_lazy_equal(heat_risk(*(lazy(a) for a in args), method=method), eager)


@pytest.mark.parametrize("scheme", ["quantile", "natural", "equal", "stddev"])
def test_classify_and_traffic_light_lazy(layers, scheme):
    from uhi.risk import classify, heat_risk, traffic_light

    risk = heat_risk(layers["lst"], layers["population"], layers["ndbi"])
    eager = classify(risk, scheme)
    result = classify(lazy(risk), scheme)
    # breaks from a seeded sample of the same finite values: identical classes
    np.testing.assert_allclose(result.attrs["class_breaks"], eager.attrs["class_breaks"], rtol=1e-6)
    assert_lazy_equal(result, eager, atol=0)
    assert_lazy_equal(traffic_light(result), traffic_light(eager), atol=0)


def test_assess_risk_lazy(layers):
    from uhi.risk import assess_risk

    eager = assess_risk(layers["lst"], layers["population"])
    result = assess_risk(lazy(layers["lst"]), lazy(layers["population"]))
    assert_lazy_equal(result, eager)


def test_assess_risk_lazy_correlations_use_a_grid_sample(layers, monkeypatch):
    """Dask input: the Spearman correlations come from every k-th row and column (no full-raster read), and equal
    the eager correlations of that same sample (scipy.stats.spearmanr on the sampled pixels)."""
    from uhi.risk import assess, assess_risk, component_correlations

    monkeypatch.setattr(assess, "CORRELATION_SAMPLE", 10_000)  # 300^2 px -> every 3rd row and column
    result = assess_risk(lazy(layers["lst"]), lazy(layers["population"]))
    eager = assess_risk(layers["lst"], layers["population"])
    expect = component_correlations(eager.isel(y=slice(None, None, 3), x=slice(None, None, 3)),
                                    layers["population"][::3, ::3])
    for k, r in expect.items():
        got = result.attrs[f"spearman_risk_{k}"]
        assert (r is None and np.isnan(got)) or got == pytest.approx(r, abs=1e-9)



def test_assess_risk_lazy_reads_its_inputs_in_one_pass_plus_the_breaks_sample(layers):
    """Dask input: the relative class breaks' finite counts and the correlations' grid sample come from one
    pass over the graph, so assess_risk reads each LST block twice (that pass, then the breaks' sample, which
    with 300^2 px < 100,000 sampled values takes every finite pixel, so it visits every block); computed
    separately it read each block three times. Hand count: 300^2 px in 128^2 chunks = 3 x 3 = 9 blocks."""
    from uhi.risk import assess_risk

    calls = []

    def read(block):
        if block.size:  # not dask's zero-size probe of the output type
            calls.append(block.shape)
        return block

    lst = lazy(layers["lst"])
    lst = lst.copy(data=lst.data.map_blocks(read, dtype=lst.dtype))
    result = assess_risk(lst, lazy(layers["population"]))
    assert len(calls) == 2 * 9
    eager = assess_risk(layers["lst"], layers["population"])
    np.testing.assert_array_equal(result["risk_class_relative"].attrs["class_breaks"],
                                  eager["risk_class_relative"].attrs["class_breaks"])


# --- cooling ---------------------------------------------------------------------------------

def _landcover_table() -> pd.DataFrame:
    """Biophysical table for codes 1..11 (values within the InVEST UG ranges; their size does not matter here)."""
    codes = np.arange(1, 12)
    green = np.isin(codes, (6, 7, 9)).astype(float)
    return pd.DataFrame({
        "lucode": codes,
        "shade": np.where(green > 0, 0.7, 0.05 * (codes % 4)),
        "albedo": 0.1 + 0.02 * (codes % 5),
        "kc": np.where(green > 0, 1.0, 0.2 + 0.05 * (codes % 3)),
        "green_area": green,
        "building_intensity": np.where(codes <= 5, 0.9 - 0.15 * codes, 0.0),
    })


def test_parameters_from_landcover_lazy(layers):
    from uhi.cooling import parameters_from_landcover

    table = _landcover_table()
    assert_lazy_equal(parameters_from_landcover(lazy(layers["lulc"]), table), parameters_from_landcover(layers["lulc"], table))


@pytest.mark.parametrize("cc_method", ["factors", "intensity"])
def test_urban_cooling_lazy(layers, cc_method):
    from uhi.cooling import parameters_from_landcover, urban_cooling

    params = parameters_from_landcover(layers["lulc"], _landcover_table())
    kw = dict(ref_et=5.0, t_ref=22.0, uhi_max=3.0, cooling_distance=300.0, mixing_radius=450.0, cc_method=cc_method, rel_humidity=45.0)
    eager = urban_cooling(params, **kw)
    result = urban_cooling(params.chunk({"y": CHUNK, "x": CHUNK}), **kw)
    # float32 FFT per chunk vs per raster: differences ~1e-6 of values ~25 degC
    assert_lazy_equal(result, eager, rtol=1e-5, atol=2e-5)


def test_urban_cooling_lazy_with_ref_et_raster(layers):
    from uhi.cooling import parameters_from_landcover, urban_cooling

    params = parameters_from_landcover(layers["lulc"], _landcover_table())
    eto = (4.0 + layers["ndvi"]).astype(np.float32)
    kw = dict(t_ref=22.0, uhi_max=3.0, cooling_distance=300.0, mixing_radius=450.0)
    eager = urban_cooling(params, ref_et=eto, **kw)
    result = urban_cooling(params.chunk({"y": CHUNK, "x": CHUNK}), ref_et=lazy(eto), **kw)
    assert_lazy_equal(result, eager, rtol=1e-5, atol=2e-5)


# --- time series -----------------------------------------------------------------------------

def test_lst_statistics_lazy(layers):
    from uhi.timeseries import lst_statistics, stack_lst

    maps = [layers["lst"] + dt for dt in (-4.0, 0.0, 6.0)]
    for m in maps:
        m.attrs["units"] = "K"
    eager = lst_statistics(stack_lst(maps, times=["2019-07-01", "2020-07-01", "2021-07-01"]))
    result = lst_statistics(stack_lst([lazy(m) for m in maps], times=["2019-07-01", "2020-07-01", "2021-07-01"]))
    for name in eager.data_vars:
        assert is_dask(result[name])
        np.testing.assert_allclose(result[name].values, eager[name].values, rtol=1e-6, equal_nan=True)


def test_urban_cooling_checkpoint_equals_in_memory(layers, tmp_path):
    """The out-of-core path (HM streamed to disk, re-read lazily) gives the in-memory numbers."""
    from uhi.cooling import parameters_from_landcover, urban_cooling

    params = parameters_from_landcover(layers["lulc"], _landcover_table())
    kw = dict(ref_et=5.0, t_ref=22.0, uhi_max=3.0, cooling_distance=300.0, mixing_radius=450.0)
    eager = urban_cooling(params, **kw)
    result = urban_cooling(params.chunk({"y": CHUNK, "x": CHUNK}), checkpoint_dir=tmp_path, **kw)
    assert (tmp_path / "hm.tif").exists()
    assert_lazy_equal(result, eager, rtol=1e-5, atol=2e-5)


# --- the whole pipeline on a synthetic scene ----------------------------------------------------
#
# uhi.synthetic.make_scene -> uhi.load_landsat(chunks) -> LST -> indices -> risk -> Gi* hot spots
# -> zonal statistics per district -> urban cooling model, lazily, against the same calls on
# numpy. 1000 x 1000 px in 384-px chunks (not a divisor of 1000): the 4000^2 in 512^2
# needs ~3 minutes for the eager and lazy runs together on two shared cores, over this file's
# budget; benchmarks/scale.py runs the same chain at 8000^2 to 32000^2.

SCENE_N = 1000
SCENE_CHUNK = 384


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(SCENE_N, SCENE_N), out=tmp_path_factory.mktemp("scene"), tile_size=512)


def _read_truth(path, chunks, like: xr.DataArray) -> xr.DataArray:
    da = rioxarray.open_rasterio(path, chunks=None if chunks is None else {"y": chunks, "x": chunks}, lock=False)
    da = da.squeeze("band", drop=True)
    if chunks is None:
        da = da.load()
    return da.assign_coords(x=like["x"], y=like["y"])


def run_pipeline(scene_dir, chunks) -> dict:
    """The chain of public calls a user makes on one scene; ``chunks=None`` is the eager run."""
    import uhi
    from uhi._paths import data_path
    from uhi.cooling import parameters_from_landcover, urban_cooling
    from uhi.indices import albedo, ndbi, ndvi
    from uhi.metrics import hotspots
    from uhi.risk import assess_risk
    from uhi.zonal import zonal_stats

    truth = scene_dir / "truth"
    ds = uhi.load_landsat(scene_dir, chunks=chunks)
    lst = uhi.land_surface_temperature(ds, "simple")
    split = uhi.land_surface_temperature(ds, "split-window", water_vapour=2.0)
    vi, _bi = ndvi(ds["red"], ds["nir"]), ndbi(ds["swir1"], ds["nir"])
    population = _read_truth(truth / "population.tif", chunks, lst)
    risk = assess_risk(lst, population)
    spots = hotspots(lst, distance_m=300.0)
    layers = xr.Dataset({"lst": lst, "risk": risk["risk"]})
    table = zonal_stats(layers, truth / "districts.gpkg", ("mean", "max", "count", "p90"), weights=population, id_column="district")
    lulc = _read_truth(truth / "land_cover.tif", chunks, lst)
    params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    cooling = urban_cooling(params, ref_et=5.0, t_ref=21.0, uhi_max=3.5)
    return {
        "rasters": xr.Dataset({"lst": lst, "lst_split_window": split, "ndvi": vi, "albedo": albedo(ds)}),
        "risk": risk,
        "hotspots": spots,
        "cooling": cooling,
        "zonal": table,
    }


def assert_pipeline_equal(lazy_out: dict, eager_out: dict) -> None:
    for key in ("rasters", "risk", "hotspots", "cooling"):
        # float32 kernels on the same pixels; the cooling FFTs per chunk differ by ~1e-6 degC
        assert_lazy_equal(lazy_out[key], eager_out[key], rtol=1e-5, atol=2e-5)
    lazy_table, eager_table = lazy_out["zonal"], eager_out["zonal"]
    numeric = [c for c in eager_table.columns if c not in ("district", "geometry") and eager_table[c].dtype.kind in "fiu"]
    assert len(numeric) >= 8 and len(eager_table) >= 5
    # float64 sums of the same float32 pixels per district: equal to 1e-9 relative
    np.testing.assert_allclose(lazy_table[numeric].to_numpy(float), eager_table[numeric].to_numpy(float), rtol=1e-9)


@pytest.fixture(scope="module")
def eager_pipeline(scene):
    return run_pipeline(scene, None)


def test_pipeline_lazy_equals_eager(scene, eager_pipeline):
    lazy_out = run_pipeline(scene, SCENE_CHUNK)
    assert lazy_out["rasters"]["lst"].chunks[0] == (384, 384, 232)
    assert_pipeline_equal(lazy_out, eager_pipeline)


# --- the same pipeline on a dask.distributed cluster of worker processes ------------------------------
# The lazy pipeline on a dask.distributed cluster of worker processes equals the threaded run.
#
# Two worker processes with one thread each (``LocalCluster(processes=True)``): every task and
# its inputs are pickled to another process, so this catches graphs that only work in shared
# memory (unpicklable readers, module-level state, locks). The pipeline is the one of
# above (load -> LST -> risk -> Gi* -> zonal statistics -> cooling) on a
# 256 x 256 px scene in 128-px chunks (four chunks, so halos cross chunk borders); the reference is the same graph on dask's threaded
# scheduler, and the numbers must be identical to float32 round-off.


@pytest.fixture(scope="module")
def small_scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(256, 256), out=tmp_path_factory.mktemp("scene"), tile_size=256)


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed", reason="dask.distributed is in the [test] extra")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       memory_limit="2GiB", silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.slow
def test_local_cluster_equals_threaded_scheduler(small_scene, client):
    import dask
    import distributed

    with dask.config.set(scheduler="threads"):
        threaded = run_pipeline(small_scene, 128)
        reference = {k: (v.compute() if hasattr(v, "compute") else v) for k, v in threaded.items()}
    with distributed.get_task_stream(client) as stream:
        on_cluster = run_pipeline(small_scene, 128)  # the client is the default scheduler here
        assert_pipeline_equal(on_cluster, reference)  # computes on the cluster
    # the work ran in both worker processes, not in this one
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2, workers
