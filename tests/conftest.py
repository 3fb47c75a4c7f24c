"""Shared fixtures: the real data folder beside the checkout, a small synthetic city, the dask pipeline.

Test modules never import one another: what several of them use lives here, as fixtures
(``make_city``, ``write_scenario``, ``city_grid``, ``city``, ``pipeline``).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import matplotlib
import numpy as np
import pytest
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from shapely.geometry import box

matplotlib.use("Agg")

SHARED_DATA = Path(os.environ.get("UHI_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real Landsat crops, cities, vectors); skip if this clone has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data folder {SHARED_DATA} is absent (it sits beside the checkout in CI)")
    return SHARED_DATA


# --- a small synthetic city written as GeoTIFF layers (scenario, report, CLI and browser tests) ----------
#
# ``make_city(folder)`` writes ``lst.tif`` [K], ``ndvi.tif``, ``ndbi.tif``, ``landcover.tif`` (codes of
# data/landcover.csv), ``population.tif`` (residents per pixel) and ``districts.gpkg`` (four quadrants,
# column ``district``) on a 30 m UTM 34N grid; ``write_scenario(folder, body)`` a scenario TOML on them.

N = 96  # pixels per side (2.88 km at 30 m): small enough for fast tests, large enough for the 450 m kernels
CELL = 30.0
X0, Y0 = 500_000.0, 4_800_000.0
CRS = "EPSG:32634"

# Class temperatures [K] and indices: an urban core hotter than parks, water the coolest (made up, plausible).
LST_K = {1: 318.0, 2: 315.0, 3: 312.0, 4: 316.0, 5: 319.0, 6: 305.0, 7: 302.0, 8: 308.0, 9: 307.0, 10: 298.0, 11: 314.0}
NDVI = {1: 0.10, 2: 0.20, 3: 0.35, 4: 0.10, 5: 0.05, 6: 0.70, 7: 0.80, 8: 0.50, 9: 0.55, 10: -0.20, 11: 0.10}
NDBI = {1: 0.25, 2: 0.15, 3: 0.05, 4: 0.30, 5: 0.30, 6: -0.30, 7: -0.40, 8: -0.20, 9: -0.20, 10: -0.50, 11: 0.10}
PEOPLE = {1: 60.0, 2: 40.0, 3: 15.0, 4: 2.0}


def landcover_array(n: int = N) -> np.ndarray:
    yy, xx = np.mgrid[0:n, 0:n]
    r = np.hypot(yy - n / 2, xx - n / 2) * CELL
    lc = np.full((n, n), 9, dtype=np.int32)  # grassland
    lc[r < 1300] = 3
    lc[r < 1000] = 2
    lc[r < 600] = 1
    lc[(yy > n * 0.62) & (xx > n * 0.62) & (r < 1300)] = 4  # industrial quarter
    lc[(np.abs(yy - n // 2) <= 1) | (np.abs(xx - n // 2) <= 1)] = 5  # two avenues
    lc[n // 2 - 12 : n // 2 - 4, n // 2 + 6 : n // 2 + 14] = 6  # a 5.8 ha park
    lc[:, :4] = 10  # river
    lc[:8, n - 12 :] = 7  # forest corner
    lc[n - 8 :, :20] = 8  # fields
    return lc


def _city_da(values, name) -> xr.DataArray:
    n = values.shape[0]
    x = X0 + CELL * (np.arange(n) + 0.5)
    y = Y0 - CELL * (np.arange(n) + 0.5)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name=name)
    return da.rio.write_crs(CRS)


def make_city(folder: Path, n: int = N) -> dict[str, Path]:
    """Write the layers and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    lc = landcover_array(n)
    lut = lambda table: np.vectorize(lambda c: table.get(int(c), 0.0))(lc).astype(np.float32)
    layers = {
        "lst": lut(LST_K) + rng.normal(0, 0.5, lc.shape).astype(np.float32),
        "ndvi": lut(NDVI) + rng.normal(0, 0.02, lc.shape).astype(np.float32),
        "ndbi": lut(NDBI) + rng.normal(0, 0.02, lc.shape).astype(np.float32),
        "population": (lut(PEOPLE) * rng.uniform(0.7, 1.3, lc.shape)).astype(np.float32),
        "landcover": lc.astype(np.float32),
    }
    paths = {}
    for name, arr in layers.items():
        p = folder / f"{name}.tif"
        _city_da(arr, name).rio.to_raster(p)
        paths[name] = p
    x1, y1 = X0 + n * CELL, Y0 - n * CELL
    xm, ym = (X0 + x1) / 2, (Y0 + y1) / 2
    quads = gpd.GeoDataFrame(
        {"district": ["North-West", "North-East", "South-West", "South-East"]},
        geometry=[box(X0, ym, xm, Y0), box(xm, ym, x1, Y0), box(X0, y1, xm, ym), box(xm, y1, x1, ym)],
        crs=CRS,
    )
    paths["districts"] = folder / "districts.gpkg"
    quads.to_file(paths["districts"], driver="GPKG")
    return paths


INPUTS_TOML = """\
lst = "lst.tif"
ndvi = "ndvi.tif"
ndbi = "ndbi.tif"
landcover = "landcover.tif"
population = "population.tif"
districts = "districts.gpkg"

[baseline]
t_ref = 22.0
uhi_max = 4.0
"""


def write_scenario(folder: Path, body: str, name: str = "scenario.toml") -> Path:
    """A scenario file on the city's layers (``body`` holds the interventions)."""
    p = folder / name
    p.write_text(INPUTS_TOML + body, encoding="utf-8")
    return p



@pytest.fixture(scope="session")
def city_grid() -> SimpleNamespace:
    """The synthetic city's grid: ``N`` pixels per side of ``CELL`` m from (``X0``, ``Y0``) in ``CRS``."""
    return SimpleNamespace(N=N, CELL=CELL, X0=X0, Y0=Y0, CRS=CRS, LST_K=LST_K, PEOPLE=PEOPLE, landcover_array=landcover_array)


@pytest.fixture(scope="session", name="make_city")
def make_city_fixture():
    """``make_city(folder, n=96) -> {layer: path}``."""
    return make_city


@pytest.fixture(scope="session", name="write_scenario")
def write_scenario_fixture():
    """``write_scenario(folder, body, name="scenario.toml") -> path``."""
    return write_scenario


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """A folder holding the synthetic city's layers."""
    folder = tmp_path_factory.mktemp("city")
    make_city(folder)
    return folder


# --- tiny georeferenced rasters ---------------------------------------------------------------------------

def _make_grid(values, name: str | None = None, *, cell: float = 30.0, crs: str | None = "EPSG:32634", x0: float = 6.0e5,
               y0: float = 4.7e6, units: str | None = None, dtype=np.float32, **attrs) -> xr.DataArray:
    """``values`` as a (y, x) DataArray on a north-up grid of ``cell`` m pixels whose top-left corner is (x0, y0)."""
    values = np.asarray(values) if dtype is None else np.asarray(values, dtype=dtype)
    ny, nx = values.shape
    y = y0 - (np.arange(ny) + 0.5) * cell
    x = x0 + (np.arange(nx) + 0.5) * cell
    da = xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"), name=name,
                      attrs={**({"units": units} if units else {}), **attrs})
    return da.rio.write_crs(crs) if crs else da


@pytest.fixture(scope="session")
def make_grid():
    """``make_grid(values, name=None, cell=30, crs="EPSG:32634", x0=6e5, y0=4.7e6, units=None, dtype=float32)``:
    a georeferenced (y, x) raster (pixel-centre coordinates)."""
    return _make_grid


# --- an intervention on a block of pixels (optimiser window tests) ----------------------------------------
def _treat_block(lulc, params, key, rows, cols):
    """``params`` with the shipped catalogue's measure ``key`` on the pixels ``[rows, cols]`` only, at the full
    share its placement allows there (:func:`uhi.interventions.placement_fraction`)."""
    from uhi.interventions import apply_intervention, load_catalogue, placement_fraction

    it = load_catalogue()[key]
    share = placement_fraction(lulc, it.placement)
    f = xr.zeros_like(share)
    f[rows, cols] = share[rows, cols]
    return apply_intervention(params, it, f)


@pytest.fixture(scope="session")
def treat_block():
    """``treat_block(lulc, params, key, rows, cols) -> params`` with one catalogue measure on a block of pixels."""
    return _treat_block

