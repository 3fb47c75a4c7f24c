"""Validation of uhi.cooling against natcap.invest's Urban Cooling Model (runs only where natcap.invest is installed).

Install: see README "Validating against InVEST" (Debian: libgdal-dev + GDAL bindings matching gdal-config).
Tolerances from the issue: CC/HM within 1e-4 (float32 rasters on both sides, ~1e-7 expected from float32 rounding),
T_air within 0.05 degC.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rioxarray
import xarray as xr

invest_ucm = pytest.importorskip(
    "natcap.invest.urban_cooling_model",
    reason="natcap.invest is not installed (optional 'validate' extra; needs GDAL bindings)",
)
gpd = pytest.importorskip("geopandas")

from shapely.geometry import box  # noqa: E402

from uhi.cooling import invest_args, parameters_from_landcover, urban_cooling  # noqa: E402

TABLE = pd.DataFrame(
    {
        "lucode": [1, 2, 3, 4, 5],
        "kc": [0.2, 1.0, 0.6, 0.4, 1.05],
        "green_area": [0, 1, 0, 0, 0],
        "shade": [0.0, 0.8, 0.3, 0.05, 0.0],
        "albedo": [0.15, 0.2, 0.12, 0.1, 0.06],
        "building_intensity": [0.9, 0.0, 0.4, 0.7, 0.0],
    }
)


def _find(ws: Path, stem: str) -> Path:
    hits = sorted(ws.rglob(f"{stem}*.tif"))
    if not hits:
        raise AssertionError(f"InVEST output {stem}*.tif not found under {ws}")
    return hits[0]


def test_matches_invest(tmp_path):
    n, cell = 200, 30.0
    rng = np.random.default_rng(7)
    blocks = rng.choice([1, 2, 3, 4, 5], size=(n // 8, n // 8), p=[0.3, 0.2, 0.3, 0.15, 0.05])
    lulc = np.kron(blocks, np.ones((8, 8), dtype=int)).astype(np.int16)
    y = 5.0e6 - (np.arange(n) + 0.5) * cell
    x = 4.0e5 + (np.arange(n) + 0.5) * cell
    da = xr.DataArray(lulc, coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs("EPSG:32633")
    da.rio.write_nodata(-1, inplace=True)
    lulc_path, eto_path = tmp_path / "lulc.tif", tmp_path / "eto.tif"
    da.rio.to_raster(lulc_path)
    eto = xr.full_like(da, 5.0, dtype=np.float32)
    eto.rio.write_nodata(-1.0, inplace=True)
    eto.rio.to_raster(eto_path)
    table_path = tmp_path / "bio.csv"
    TABLE.to_csv(table_path, index=False)
    aoi_path = tmp_path / "aoi.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[box(x[0] - cell / 2, y[-1] - cell / 2, x[-1] + cell / 2, y[0] + cell / 2)],
                     crs="EPSG:32633").to_file(aoi_path)
    ws = tmp_path / "ws"
    args = invest_args(lulc_path, eto_path, aoi_path, table_path, t_ref=21.5, uhi_max=3.5, workspace=ws,
                       cooling_distance=450.0, mixing_radius=600.0)
    invest_ucm.execute(args)

    params = parameters_from_landcover(da.astype(np.float32), table_path)
    ours = urban_cooling(params, ref_et=5.0, t_ref=21.5, uhi_max=3.5, cooling_distance=450.0, mixing_radius=600.0)

    def read(stem):
        r = rioxarray.open_rasterio(_find(ws, stem), masked=True).squeeze("band", drop=True)
        return r.values.astype(np.float64)

    d_cc = np.nanmax(np.abs(read("cc") - ours.cc.values))
    d_hm = np.nanmax(np.abs(read("hm") - ours.hm.values))
    d_t = np.nanmax(np.abs(read("T_air") - ours.t_air.values))
    print(f"max |dCC| = {d_cc:.2e}, max |dHM| = {d_hm:.2e}, max |dT_air| = {d_t:.2e} degC")
    assert d_cc < 1e-4 and d_hm < 1e-4
    assert d_t < 0.05
