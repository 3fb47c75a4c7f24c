"""Benchmark: loading a Collection 2 Level-1 scene (DN -> TOA reflectance, radiance, brightness temperature).

Setup writes an ``n x n`` scene folder to a temporary directory: ``B4``, ``B5``, ``B10`` and
``B11`` as tiled, DEFLATE-compressed uint16 GeoTIFFs (the layout of USGS Collection 2 COGs),
seeded DNs with a 2 % fill (DN 0) border, and an MTL with the calibration constants of the
shared Landsat 9 scene LC09_L1TP_063046_20230714_20230714_02_T1 (``../shared/data/landsat``).

Subject ``uhi``: :func:`uhi.load_landsat` (eager; red, nir, radiance_b10/b11 and
brightness_temperature_b10/b11 as float32 through the Numba kernels). ``uhi_dask``: the same with
``chunks=2048`` and ``.compute()``. ``numpy``: a plain ``rasterio`` read of each file and the numpy
reference scalings of :mod:`uhi.io.landsat` (float64 arithmetic, float32 result) -- what a user
would write by hand. All three decode the same compressed files, so the decoding cost is shared.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import rasterio
from common import Case, case
from rasterio.transform import from_origin

from uhi.io import load_landsat
from uhi.io.landsat import _scale_reference
from uhi.lst._reference import brightness_temperature_dn_reference as _bt_reference

SCENE_ID = "LC09_L1TP_184030_20230714_20230714_02_T1"
# Calibration of LC09_L1TP_063046_20230714_20230714_02_T1 (its MTL.txt in ../shared/data/landsat).
SUN_ELEVATION = 66.18265267
RADIANCE = {10: (3.8000e-04, 0.10000), 11: (3.4900e-04, 0.10000)}
THERMAL_K = {10: (799.0284, 1329.2405), 11: (475.6581, 1198.3494)}
REFLECTANCE = (2.0000e-05, -0.100000)
CELL = 30.0
ORIGIN = (300000.0, 4800000.0)


def _mtl(n: int) -> str:
    ulx, uly = ORIGIN[0] + CELL / 2, ORIGIN[1] - CELL / 2
    lrx, lry = ulx + (n - 1) * CELL, uly - (n - 1) * CELL
    files = "\n".join(f'    FILE_NAME_BAND_{b} = "{SCENE_ID}_B{b}.TIF"' for b in (4, 5, 10, 11))
    rescale = "\n".join(
        [f"    RADIANCE_MULT_BAND_{b} = {m:.4E}\n    RADIANCE_ADD_BAND_{b} = {a:.5f}" for b, (m, a) in RADIANCE.items()]
        + [f"    REFLECTANCE_MULT_BAND_{b} = {REFLECTANCE[0]:.4E}\n    REFLECTANCE_ADD_BAND_{b} = {REFLECTANCE[1]:.6f}"
           for b in (4, 5)]
    )
    thermal = "\n".join(
        f"    K1_CONSTANT_BAND_{b} = {k1}\n    K2_CONSTANT_BAND_{b} = {k2}" for b, (k1, k2) in THERMAL_K.items()
    )
    return f"""GROUP = LANDSAT_METADATA_FILE
  GROUP = PRODUCT_CONTENTS
    LANDSAT_PRODUCT_ID = "{SCENE_ID}"
    PROCESSING_LEVEL = "L1TP"
    COLLECTION_NUMBER = 02
{files}
  END_GROUP = PRODUCT_CONTENTS
  GROUP = IMAGE_ATTRIBUTES
    SPACECRAFT_ID = "LANDSAT_9"
    SENSOR_ID = "OLI_TIRS"
    WRS_PATH = 184
    WRS_ROW = 30
    DATE_ACQUIRED = 2023-07-14
    SCENE_CENTER_TIME = "09:05:00.0000000Z"
    SUN_AZIMUTH = 82.10633451
    SUN_ELEVATION = {SUN_ELEVATION}
    EARTH_SUN_DISTANCE = 1.0165335
  END_GROUP = IMAGE_ATTRIBUTES
  GROUP = PROJECTION_ATTRIBUTES
    MAP_PROJECTION = "UTM"
    DATUM = "WGS84"
    UTM_ZONE = 34
    GRID_CELL_SIZE_REFLECTIVE = {CELL:.2f}
    CORNER_UL_PROJECTION_X_PRODUCT = {ulx:.1f}
    CORNER_UL_PROJECTION_Y_PRODUCT = {uly:.1f}
    CORNER_LR_PROJECTION_X_PRODUCT = {lrx:.1f}
    CORNER_LR_PROJECTION_Y_PRODUCT = {lry:.1f}
  END_GROUP = PROJECTION_ATTRIBUTES
  GROUP = LEVEL1_RADIOMETRIC_RESCALING
{rescale}
  END_GROUP = LEVEL1_RADIOMETRIC_RESCALING
  GROUP = LEVEL1_THERMAL_CONSTANTS
{thermal}
  END_GROUP = LEVEL1_THERMAL_CONSTANTS
END_GROUP = LANDSAT_METADATA_FILE
END
"""


def write_scene(folder: Path, n: int, seed: int = 0) -> Path:
    """Write the benchmark scene (four bands + MTL) into ``folder``; returns the folder."""
    rng = np.random.default_rng(seed)
    border = max(1, n // 100)
    profile = {"driver": "GTiff", "height": n, "width": n, "count": 1, "dtype": "uint16", "crs": "EPSG:32634",
               "transform": from_origin(*ORIGIN, CELL, CELL), "tiled": True, "blockxsize": 512, "blockysize": 512,
               "compress": "deflate", "predictor": 2}
    base = rng.integers(0, 4000, size=(n, n), dtype=np.uint16)
    for band, low in ((4, 7000), (5, 9000), (10, 24000), (11, 23000)):
        dn = base + np.uint16(low)
        dn[:border] = 0  # fill rows, as at a scene's edge
        with rasterio.open(folder / f"{SCENE_ID}_B{band}.TIF", "w", **profile) as dst:
            dst.write(dn, 1)
    (folder / f"{SCENE_ID}_MTL.txt").write_text(_mtl(n))
    return folder


def _numpy_load(folder: Path) -> dict[str, np.ndarray]:
    """Plain rasterio + numpy: what the loader does, written the straightforward way."""
    sin_sun = math.sin(math.radians(SUN_ELEVATION))
    out = {}
    for band, name in ((4, "red"), (5, "nir")):
        with rasterio.open(folder / f"{SCENE_ID}_B{band}.TIF") as src:
            dn = src.read(1)
        out[name] = _scale_reference(dn, REFLECTANCE[0] / sin_sun, REFLECTANCE[1] / sin_sun, 0)
    for band in (10, 11):
        with rasterio.open(folder / f"{SCENE_ID}_B{band}.TIF") as src:
            dn = src.read(1)
        mult, add = RADIANCE[band]
        out[f"radiance_b{band}"] = _scale_reference(dn, mult, add, 0)
        out[f"brightness_temperature_b{band}"] = _bt_reference(dn, mult, add, *THERMAL_K[band], 0)
    return out


@case("load_landsat_l1")
def setup(n: int) -> Case:
    folder = Path(tempfile.mkdtemp(prefix="uhi-bench-load-"))
    write_scene(folder, n)
    return Case(
        implementations={
            "uhi": lambda: load_landsat(folder),
            "uhi_dask": lambda: load_landsat(folder, chunks=2048).compute(),
            "numpy": lambda: _numpy_load(folder),
        },
        pixels=n * n,
        input_mib=4 * n * n * 2 / 2**20,
        notes="4 uint16 DEFLATE COG-like bands -> 6 float32 variables (TOA reflectance, radiance, BT)",
        teardown=lambda: shutil.rmtree(folder, ignore_errors=True),
    )
