"""Benchmark: zonal statistics of an LST-like raster over the 23 Vienna districts.

The raster is an ``n x n`` grid in UTM 33N (EPSG:32633) covering Vienna (30 km square,
so 7.5 m pixels at n = 4000) with a seeded smooth field plus noise and 1 % NaN.
Zones: the 23 Bezirke of ``../shared/data/vector/austria_districts_2021.geojson``
(``iso`` 901..923); where that file is absent, 23 synthetic rectangles.

Case ``zonal_stats`` (the same six statistics everywhere: ``mean, min, max, std, count, sum``):

* ``numba`` -- :func:`uhi.zonal.zonal_stats` end to end from polygons: reprojection,
  one rasterisation (uint8 labels), the Numba moments pass, the table;
* ``xrspatial`` -- ``xrspatial.zonal.stats`` on the same label raster (rasterised beforehand,
  not timed; uint8, which numpy sorts with a radix sort -- int32 labels make it ~2.5x slower);
* ``numpy`` -- :func:`uhi.zonal._reference.zonal_reference` (``np.bincount`` for count,
  sum and sums of squares, a sort by label for min/max) on the same label raster.

Case ``zonal_stats_p90`` adds the exact per-zone p90 to the subject and the numpy reference
(``np.percentile`` per zone); xarray-spatial has no percentile statistic, so its row there
still computes the six moments only (it does less work than the subject).

Case ``zonal_stats_250`` repeats ``zonal_stats`` with Vienna's 250 census districts
(``cities/vienna/vienna_zaehlbezirke_2020.geojson``), whose sliver overlaps put the zones
into two rasterisation layers (two kernel passes); the references get the first layer.
It is not registered when the shared data is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from common import Case, case
from shapely.geometry import box

from uhi.zonal import rasterize_zones, zonal_stats
from uhi.zonal._reference import zonal_reference

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
#: Grid covering Vienna in UTM 33N (the 23 districts span x 587.7..617.1 km, y 5330.5..5353.2 km).
X0, Y_TOP, SIDE_M = 587_500.0, 5_357_000.0, 30_000.0
#: The statistics xarray-spatial computes too (its ``var`` is ``std**2``).
MOMENTS = ("mean", "min", "max", "std", "count", "sum")


def vienna_districts() -> gpd.GeoDataFrame:
    """The 23 Vienna Bezirke (EPSG:4326), or 23 synthetic strips when the shared data is absent."""
    path = SHARED / "vector" / "austria_districts_2021.geojson"
    if path.exists():
        gdf = gpd.read_file(path)
        gdf = gdf[gdf["iso"].astype(int).between(901, 923)].reset_index(drop=True)
        return gdf
    edges = np.linspace(X0 + 500, X0 + SIDE_M - 500, 24)
    geoms = [box(a, Y_TOP - SIDE_M + 3000, b, Y_TOP - 3000) for a, b in zip(edges[:-1], edges[1:])]
    return gpd.GeoDataFrame({"iso": np.arange(901, 924)}, geometry=geoms, crs="EPSG:32633")


def vienna_raster(n: int, seed: int = 0) -> xr.DataArray:
    """Seeded LST-like field [K] on an n x n UTM 33N grid over Vienna, 1 % NaN."""
    rng = np.random.default_rng(seed)
    res = SIDE_M / n
    x = X0 + res * (np.arange(n) + 0.5)
    y = Y_TOP - res * (np.arange(n) + 0.5)
    u = np.linspace(0.0, 6.0, n, dtype=np.float32)
    field = 300.0 + 4.0 * np.sin(u)[None, :] * np.cos(0.7 * u)[:, None]
    field = (field + rng.normal(0.0, 1.5, (n, n))).astype(np.float32)
    field[rng.random((n, n)) < 0.01] = np.nan
    da = xr.DataArray(field, dims=("y", "x"), coords={"y": y, "x": x}, name="lst", attrs={"units": "K"})
    return da.rio.write_crs("EPSG:32633")


def _setup(n: int, zones: gpd.GeoDataFrame, percentiles: tuple = ()) -> Case:
    import xrspatial.zonal

    da = vienna_raster(n)
    labels = rasterize_zones(zones, da).layers[0]
    zones_da = xr.DataArray(labels, dims=("y", "x"), coords=da.coords)
    values = da.values
    stats = MOMENTS + tuple(f"p{q:g}" for q in percentiles)
    return Case(
        implementations={
            "numba": lambda: zonal_stats(da, zones, stats),
            "xrspatial": lambda: xrspatial.zonal.stats(
                zones_da, da, zone_ids=list(range(1, len(zones) + 1)), stats_funcs=["mean", "max", "min", "sum", "std", "count"]
            ),
            "numpy": lambda: zonal_reference(values, labels, len(zones) + 1, percentiles=percentiles),
        },
        pixels=n * n,
        input_mib=n * n * 4 / 2**20,
        notes=f"{len(zones)} Vienna districts, stats {', '.join(stats)}; subject from polygons incl. rasterisation",
    )


@case("zonal_stats")
def setup_zonal(n: int) -> Case:
    return _setup(n, vienna_districts())


@case("zonal_stats_p90")
def setup_zonal_p90(n: int) -> Case:
    return _setup(n, vienna_districts(), percentiles=(90,))


CENSUS = SHARED / "cities" / "vienna" / "vienna_zaehlbezirke_2020.geojson"
#: Cases registered only when their shared data file is present.
DATA_CASES = {"zonal_stats_250": CENSUS}
if CENSUS.exists():

    @case("zonal_stats_250")
    def setup_zonal_250(n: int) -> Case:
        return _setup(n, gpd.read_file(CENSUS))
