"""``make_scene``: write a synthetic Landsat 8/9 scene folder of a pilot city, tile by tile.

The folder is a real Collection 2 product layout (GeoTIFF bands + ``_MTL.txt``) that
:func:`uhi.load_landsat` reads like a USGS download, plus a ``truth/`` folder with the
fields it was forward-modelled from (land cover, true LST, emissivities, atmosphere,
residents, districts). See docs/ARCHITECTURE.md "Synthetic scene folder".

Forward model per pixel (USGS Landsat 8 Data Users Handbook; Sobrino et al. 2004; Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032):

1. land cover, vegetation cover ``f_v`` and true LST ``T`` from :class:`._layout.Layout`;
2. surface reflectance of OLI B1-B7 = linear mixture ``f_v·ρ_veg + (1 - f_v)·ρ_background(class)``
   plus 0.003 pixel noise, so NDVI follows the vegetation cover;
3. TIRS emissivity per band from NDVI and red (NDVI-threshold rule), water 0.992/0.998;
4. at-sensor radiance ``L = τ [ε B(T) + (1 - ε) L↓] + L↑`` with ``B(T) = K1/(exp(K2/T) - 1)``
   and τ, L↑, L↓ from the water vapour (:func:`._radiometry.atmosphere`);
5. DNs: L1 ``Q = round((ρ sin θ_sun - A_ρ)/M_ρ)``, ``Q = round((L - A_L)/M_L)``;
   L2 ``Q = round((ρ + 0.2)/2.75e-5)``, ``Q = round((T - 149)/0.00341802)`` (ST = true LST).

The reflective bands carry no atmosphere: TOA reflectance (L1) equals surface
reflectance (L2). Clouds (``clouds > 0``) are opaque, bright, at 265 K, with no
atmosphere above them; the truth rasters keep the surface underneath.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import constants
from ..cities import ORBIT_PERIOD_MIN, City, get_city, track_geometry
from ..errors import InputValueError, OutputExistsError, OutputPathError
from . import _layout as L
from ._folder import TRUTH_DIR
from ._layout import Layout
from ._mtl import format_mtl
from ._radiometry import (
    OLI_BANDS,
    REFLECTANCE_ADD,
    REFLECTANCE_MULT,
    REFLECTIVE_RESCALING,
    TIRS_BANDS,
    earth_sun_distance,
    emissivity_ndvi_threshold,
    no_atmosphere,
    planck_radiance,
    solar_position,
)
from ._radiometry import atmosphere as _atmosphere

__all__ = ["DEFAULT_WATER_VAPOUR", "default_scene", "make_scene", "scene_id_for"]

#: Default column water vapour [g cm-2]. Inference: clear summer days over the Danube
#: region have ERA5 total column water vapour of about 1.5-3 g cm-2; 2.0 is used.
DEFAULT_WATER_VAPOUR = 2.0
#: GeoTIFF internal block size [px]; ``tile_size`` must be a multiple of it.
BLOCK = 256
CLOUD_TOP_K = 265.0  # assumed cloud-top temperature of low/mid cumulus [K]

#: Surface reflectance end-members for OLI B1..B7 (illustrative, rounded; shapes of the
#: USGS Spectral Library v7 (Kokaly et al. 2017, doi:10.3133/ds1035) green vegetation,
#: urban materials, dry soil and inland water spectra, not fitted to any scene).
_VEG = np.array([0.020, 0.025, 0.055, 0.030, 0.400, 0.180, 0.080], dtype=np.float32)
_URBAN = np.array([0.090, 0.105, 0.125, 0.140, 0.170, 0.200, 0.180], dtype=np.float32)
_SOIL = np.array([0.070, 0.090, 0.130, 0.180, 0.240, 0.320, 0.280], dtype=np.float32)
_WATER = np.array([0.060, 0.060, 0.070, 0.040, 0.020, 0.010, 0.005], dtype=np.float32)
_CLOUD = np.array([0.55, 0.53, 0.52, 0.52, 0.55, 0.40, 0.30], dtype=np.float32)
#: background end-member of each class (index = lucode) and its brightness factor
_BACKGROUND = np.stack([_URBAN, _URBAN, _URBAN, _URBAN, _URBAN, _URBAN, _URBAN, _SOIL, _SOIL, _SOIL, _WATER, _SOIL])
_BRIGHTNESS = np.array([1, 1.0, 1.0, 1.05, 1.15, 0.7, 1.0, 0.8, 1.0, 1.0, 1.0, 1.0], dtype=np.float32)

#: Level-2 ST auxiliary bands written (MTL FILE_NAME_* key -> band code; scale in
#: constants.ST_AUX_SCALE; int16 with fill -9999 as in the C2 L2 product, LSDS-1328). ST_QA
#: (uncertainty) and ST_CDIST (cloud distance) are not written: the synthetic truth has no
#: retrieval uncertainty model, and cloud distance needs a whole-scene distance transform.
_ST_AUX_FILES = {
    "THERMAL_RADIANCE": "ST_TRAD", "UPWELL_RADIANCE": "ST_URAD", "DOWNWELL_RADIANCE": "ST_DRAD",
    "ATMOSPHERIC_TRANSMITTANCE": "ST_ATRAN", "EMISSIVITY": "ST_EMIS", "EMISSIVITY_STDEV": "ST_EMSD",
}
_ST_AUX_FILL = -9999

#: QA_PIXEL values (CFMASK bits, USGS LSDS-1619, Collection 2 Level-2 Science Product Guide): low confidence (01) in bits 8-9, 10-11,
#: 12-13, 14-15 (cloud, shadow, snow, cirrus) as on real clear pixels; clear = bit 6,
#: water = bit 7, cloud = bit 3 + high cloud confidence (11), dilated cloud = bit 1.
_QA_LOW = (1 << 8) | (1 << 10) | (1 << 12) | (1 << 14)
QA_CLEAR = _QA_LOW | (1 << 6)  # 21824
QA_WATER = QA_CLEAR | (1 << 7)  # 21952
QA_CLOUD = _QA_LOW | (3 << 8) | (1 << 3)  # 22280
QA_DILATED = _QA_LOW | (1 << 1)  # 21762


def _version() -> str:
    from .. import __version__

    return __version__


def _scene_time(city: City, date: dt.date) -> dt.datetime:
    """Nominal UTC overpass: descending node at 10:11 local mean solar time (the Landsat 8/9
    crossing, 10:00 +/- 15 min, USGS L8 Data Users Handbook), reached u/360 of a 98.9-min orbit
    after passing the city."""
    u, node_lon = track_geometry(city.lat, city.lon)
    hours = 10.0 + 11.0 / 60.0 - node_lon / 15.0 - u / 360.0 * ORBIT_PERIOD_MIN / 60.0
    return dt.datetime.combine(date, dt.time()) + dt.timedelta(hours=hours % 24)


def scene_id_for(city: City, level: str = "L1", spacecraft: str = "LANDSAT_8") -> str:
    """Collection 2 product id of the city's synthetic scene, e.g. ``LC08_L1TP_184030_20190812_20190821_02_T1``."""
    date = _scene_date(city, spacecraft)
    sat = "08" if spacecraft == "LANDSAT_8" else "09"
    kind = "L1TP" if level == "L1" else "L2SP"
    processed = date + dt.timedelta(days=9)
    return f"LC{sat}_{kind}_{city.wrs_path:03d}{city.wrs_row:03d}_{date:%Y%m%d}_{processed:%Y%m%d}_02_T1"


def _scene_date(city: City, spacecraft: str) -> dt.date:
    # Landsat 9 images the same path 8 days after (or before) Landsat 8 (uhi.cities.landsat_overpass_dates)
    return city.scene_date + dt.timedelta(days=8 if spacecraft == "LANDSAT_9" else 0)


def _validate(level, shape, pixel_size, spacecraft, clouds, tile_size, water_vapour, seed):
    if level not in ("L1", "L2"):
        raise InputValueError(f"level={level!r}; expected 'L1' or 'L2'")
    try:
        rows, cols = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise InputValueError(f"shape={shape!r}; expected (rows, cols) of positive integers") from None
    if rows < 16 or cols < 16 or rows > 200_000 or cols > 200_000:
        raise InputValueError(f"shape={shape!r}; expected 16..200000 rows and columns")
    if not (isinstance(pixel_size, (int, float)) and 1.0 <= pixel_size <= 10_000.0):
        raise InputValueError(f"pixel_size={pixel_size!r} m; expected a number in 1..10000")
    if spacecraft not in constants.THERMAL_CONSTANTS:
        raise InputValueError(f"spacecraft={spacecraft!r}; expected one of {sorted(constants.THERMAL_CONSTANTS)}")
    if not (isinstance(clouds, (int, float)) and 0.0 <= clouds <= 1.0):
        raise InputValueError(f"clouds={clouds!r}; expected a cloud fraction in [0, 1]")
    if not (isinstance(tile_size, int) and tile_size >= BLOCK and tile_size % BLOCK == 0):
        raise InputValueError(f"tile_size={tile_size!r}; expected a positive multiple of {BLOCK}")
    if water_vapour is not None and not isinstance(water_vapour, (int, float)):
        raise InputValueError(f"water_vapour={water_vapour!r}; expected a number [g cm-2] or None")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputValueError(f"seed={seed!r}; expected a non-negative integer")
    return rows, cols


class _Grid:
    """Frame geometry: north-up grid of ``shape`` cells of ``pixel_size`` m centred on the city."""

    def __init__(self, city: City, shape: tuple[int, int], pixel_size: float):
        from pyproj import Transformer

        self.rows, self.cols = shape
        self.ps = float(pixel_size)
        self.epsg = city.epsg
        to_utm = Transformer.from_crs(4326, city.epsg, always_xy=True)
        self.centre_x, self.centre_y = to_utm.transform(city.lon, city.lat)
        # snap the frame corner to the pixel grid (Landsat grids sit on multiples of the cell size)
        self.x0 = math.floor((self.centre_x - self.cols * self.ps / 2) / self.ps + 0.5) * self.ps
        self.y0 = math.floor((self.centre_y + self.rows * self.ps / 2) / self.ps + 0.5) * self.ps

    def coords(self, r0, r1, c0, c1):
        """Pixel-centre map coordinates x (1, w), y (h, 1) and global indices of rows r0:r1, cols c0:c1."""
        cols = np.arange(c0, c1, dtype=np.int64)[None, :]
        rows = np.arange(r0, r1, dtype=np.int64)[:, None]
        return self.x0 + (cols + 0.5) * self.ps, self.y0 - (rows + 0.5) * self.ps, rows, cols

    @property
    def transform(self):
        from rasterio.transform import Affine

        return Affine(self.ps, 0.0, self.x0, 0.0, -self.ps, self.y0)

    @property
    def bounds(self):
        return self.x0, self.y0 - self.rows * self.ps, self.x0 + self.cols * self.ps, self.y0

    def corners(self):
        """Pixel-centre corners (as the MTL CORNER_* keys hold them) in map and lat/lon coordinates."""
        from pyproj import Transformer

        half = self.ps / 2
        xs = {"UL": self.x0 + half, "UR": self.x0 + self.cols * self.ps - half}
        ys = {"UL": self.y0 - half, "LL": self.y0 - self.rows * self.ps + half}
        xy = {"UL": (xs["UL"], ys["UL"]), "UR": (xs["UR"], ys["UL"]),
              "LL": (xs["UL"], ys["LL"]), "LR": (xs["UR"], ys["LL"])}
        to_ll = Transformer.from_crs(self.epsg, 4326, always_xy=True)
        latlon = {k: to_ll.transform(*v)[::-1] for k, v in xy.items()}
        return xy, latlon


def _tiles(rows: int, cols: int, size: int):
    for r0 in range(0, rows, size):
        for c0 in range(0, cols, size):
            yield r0, min(r0 + size, rows), c0, min(c0 + size, cols)


def _surface(layout: Layout, x, y):
    """Land cover, urbanity, vegetation cover, true LST and surface reflectance (7, h, w)."""
    lc, u = layout.land_cover(x, y)
    cover = layout.vegetation_cover(lc, x, y)
    lst = layout.true_lst(lc, u, cover, x, y)
    background = np.ascontiguousarray((_BACKGROUND * _BRIGHTNESS[:, None]).T)  # (7 bands, 12 classes)
    refl = np.empty((7,) + lc.shape, dtype=np.float32)
    bare = 1 - cover
    for i in range(7):
        refl[i] = cover * _VEG[i] + bare * background[i][lc]
        refl[i] += np.float32(0.003) * layout.pixel_noise(x, y, f"refl-{i}")
    np.clip(refl, 0.001, 1.0, out=refl)
    return lc, u, cover, lst, refl


def _emissivities(lc, refl):
    red, nir = refl[3], refl[4]
    ndvi = (nir - red) / (nir + red)
    water = lc == L.WATER
    out = {}
    for band in TIRS_BANDS:
        eps = emissivity_ndvi_threshold(ndvi, red, band)
        eps[water] = np.float32(constants.WATER_EMISSIVITY[band])
        out[band] = eps
    return out


def _population_scale(layout: Layout, grid: _Grid, population: int, tile_size: int):
    """Residents per unit weight and the share of the city's residents inside the frame.

    The city's residents are spread over its built-up pixels in proportion to
    ``RESIDENT_WEIGHT`` of their class. Built-up classes occur only within
    ``layout.urban_extent_m`` of the centre, so the weights are summed over that disc's
    bounding box on the frame's own pixel grid (extended beyond the frame where needed):
    ``scale = population / Σ_city w`` and ``fraction = Σ_frame w / Σ_city w``.
    """
    reach = layout.urban_extent_m + 2 * grid.ps
    c0 = math.floor((grid.centre_x - reach - grid.x0) / grid.ps)
    c1 = math.ceil((grid.centre_x + reach - grid.x0) / grid.ps)
    r0 = math.floor((grid.y0 - (grid.centre_y + reach)) / grid.ps)
    r1 = math.ceil((grid.y0 - (grid.centre_y - reach)) / grid.ps)
    total = inside = 0.0
    for a0, a1, b0, b1 in _tiles(r1 - r0, c1 - c0, tile_size):
        x, y, rows, cols = grid.coords(r0 + a0, r0 + a1, c0 + b0, c0 + b1)
        lc, _ = layout.land_cover(x, y)
        w = layout.resident_weight(lc).astype(np.float64)
        total += float(w.sum())
        in_r = (rows >= 0) & (rows < grid.rows)
        in_c = (cols >= 0) & (cols < grid.cols)
        inside += float((w * (in_r & in_c)).sum())
    if total <= 0:
        return 0.0, 0.0
    return population / total, inside / total


def _districts(layout: Layout, grid: _Grid, city: City):
    """6-20 district polygons: Voronoi cells of seeded centres, clipped to the built-up disc and frame."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import MultiPoint, Point, box

    n = int(np.clip(round(3 * math.log10(max(city.population, 10)) - 6), 6, 20))
    rng = np.random.default_rng([layout.seed, zlib.crc32(city.slug.encode()), 7])
    frame = box(*grid.bounds)
    area = Point(layout.centre_x, layout.centre_y).buffer(layout.urban_extent_m, quad_segs=32).intersection(frame)
    inner = area.buffer(-grid.ps)
    points = [(layout.centre_x, layout.centre_y)]
    for _ in range(4000):
        if len(points) >= n:
            break
        r = layout.radius_m * 1.1 * math.sqrt(rng.uniform())
        t = rng.uniform(0, 2 * math.pi)
        p = (layout.centre_x + r * math.cos(t), layout.centre_y + r * math.sin(t))
        if inner.contains(Point(p)) and min(math.dist(p, q) for q in points) > 0.25 * layout.radius_m:
            points.append(p)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=frame, ordered=True)
    polys = [cell.intersection(area) for cell in cells.geoms]
    order = sorted(range(len(points)), key=lambda i: (math.dist(points[i], points[0]), i))
    rows = []
    for k, i in enumerate(order, start=1):
        if polys[i].is_empty:
            continue
        rows.append({"district": f"{city.name} {k}", "district_id": k,
                     "area_km2": round(polys[i].area / 1e6, 4), "geometry": polys[i]})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=f"EPSG:{grid.epsg}")


@contextlib.contextmanager
def _fixed_gpkg_date():
    """Make GeoPackage timestamps constant (GDAL config OGR_CURRENT_DATE) so files are reproducible."""
    from pyogrio import get_gdal_config_option, set_gdal_config_options

    old = get_gdal_config_option("OGR_CURRENT_DATE")
    set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00Z"})
    try:
        yield
    finally:
        set_gdal_config_options({"OGR_CURRENT_DATE": old})


def make_scene(
    city: str | City = "Sofia",
    *,
    shape: tuple[int, int] = (1000, 1000),
    level: str = "L1",
    seed: int = 0,
    out: str | os.PathLike = ".",
    pixel_size: float = 30.0,
    spacecraft: str = "LANDSAT_8",
    atmosphere: bool = True,
    water_vapour: float | None = None,
    clouds: float = 0.0,
    tile_size: int = 1024,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write a synthetic Landsat 8/9 Collection 2 scene of a pilot city; return its folder.

    Parameters
    ----------
    city : str or City
        Registry name (case and diacritics ignored) or a :class:`uhi.cities.City`.
    shape : (rows, cols)
        Frame size [px]; the frame is centred on the city centre (within half a pixel).
    level : {"L1", "L2"}
        Level-1 (TOA reflectance DN, thermal radiance DN) or Level-2 (SR, ST_B10) product.
    seed : int
        Draws the city (roads, river, districts) and every noise field; same arguments give
        byte-identical files.
    out : path
        Parent folder; the scene is written to ``out/<scene_id>/``.
    pixel_size : float
        Cell size [m] (30 for Landsat).
    spacecraft : {"LANDSAT_8", "LANDSAT_9"}
        Selects the thermal K1/K2 and rescaling, the id prefix (LC08/LC09) and the date
        (Landsat 9: the registry date + 8 days).
    atmosphere : bool
        Forward-model TIRS through an atmosphere of ``water_vapour``; False: τ = 1, L↑ = L↓ = 0.
    water_vapour : float, optional
        Column water vapour [g cm-2], 0.3..5; default :data:`DEFAULT_WATER_VAPOUR`.
    clouds : float
        Cloud fraction of the frame in [0, 1] (flagged in QA_PIXEL).
    tile_size : int
        Side of the square tiles computed and written at a time [px], a multiple of 256.
        Memory use grows with ``tile_size²``, not with ``shape``.
    overwrite : bool
        Replace an existing scene folder.
    progress : callable, optional
        Called as ``progress(tiles_done, tiles_total)`` after each tile (for progress bars).

    Returns
    -------
    pathlib.Path
        ``out/<scene_id>``.

    Raises
    ------
    InputValueError
        Unknown city or a parameter out of range.
    OutputExistsError
        The scene folder exists and ``overwrite`` is False.

    Notes
    -----
    Folder contents (all rasters north-up on the city's UTM grid, 256-px tiles, ZSTD):

    * L1: ``<id>_B1..B7.TIF`` (TOA reflectance DN), ``_B10/_B11.TIF`` (radiance DN),
      ``_QA_PIXEL.TIF``; L2: ``_SR_B1..B7.TIF``, ``_ST_B10.TIF``, ``_QA_PIXEL.TIF``; uint16,
      nodata 0 (never produced: DNs are clipped to 1..65535, SR to 1..65455);
    * ``<id>_MTL.txt``: Collection 2 ODL with every key a C2 parser needs, ``CITY_NAME`` in
      ``PRODUCT_CONTENTS`` and a ``SYNTHETIC_ATMOSPHERE`` group (``WATER_VAPOUR`` [g cm-2], τ, L↑, L↓);
    * ``truth/land_cover.tif`` (uint8, data/landcover.csv codes), ``lst.tif`` [K],
      ``emissivity_b10.tif``, ``emissivity_b11.tif`` (float32), ``atmosphere.json``;
    * ``truth/population.tif``: residents per pixel (float32). The city's registry population is
      spread over its built-up pixels (classes 1-4) in proportion to their class weight, over the
      whole city even where it extends beyond the frame; the raster therefore sums to
      ``population × population_fraction_in_frame`` (both in ``truth/metadata.json``), which is
      exactly the population when the frame holds the whole city;
    * ``truth/districts.gpkg``: 6-20 Voronoi districts (``district`` = "<City> k", k by distance
      from the centre, ``district_id``, ``area_km2``) clipped to the built-up disc and the frame;
    * ``truth/metadata.json``: generation parameters and totals; written last, so its presence
      marks a complete folder.

    The folder is built in a hidden temporary folder inside ``out`` and renamed into place,
    so an error or Ctrl-C leaves no partial scene. Peak memory is about 40 float32 arrays of
    ``tile_size²`` (~170 MiB at 1024) plus the libraries, whatever ``shape`` is.
    """
    import rasterio
    from rasterio.crs import CRS

    city = get_city(city)
    rows, cols = _validate(level, shape, pixel_size, spacecraft, clouds, tile_size, water_vapour, seed)
    seed = int(seed)
    out = Path(out)
    scene_id = scene_id_for(city, level, spacecraft)
    target = out / scene_id
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target} already exists; pass overwrite=True to replace it")

    grid = _Grid(city, (rows, cols), float(pixel_size))
    layout = Layout.draw(city, seed, grid.centre_x, grid.centre_y, grid.ps, frame=grid.bounds, clouds=clouds)
    w = DEFAULT_WATER_VAPOUR if water_vapour is None else float(water_vapour)
    atm = _atmosphere(w, spacecraft) if atmosphere else no_atmosphere(spacecraft)
    date = _scene_date(city, spacecraft)
    when = _scene_time(city, date)
    sun_elevation, sun_azimuth = solar_position(when, city.lat, city.lon)
    sin_sun = math.sin(math.radians(sun_elevation))
    thermal = constants.THERMAL_CONSTANTS[spacecraft]
    pop_scale, pop_fraction = _population_scale(layout, grid, city.population, tile_size)

    if level == "L1":
        files = {f"BAND_{b}": f"{scene_id}_B{b}.TIF" for b in OLI_BANDS + TIRS_BANDS}
        processing_level = "L1TP"
    else:
        files = {f"BAND_{b}": f"{scene_id}_SR_B{b}.TIF" for b in OLI_BANDS}
        files["BAND_ST_B10"] = f"{scene_id}_ST_B10.TIF"
        for key, code in _ST_AUX_FILES.items():
            files[key] = f"{scene_id}_{code}.TIF"
        processing_level = "L2SP"
    files["QUALITY_L1_PIXEL"] = f"{scene_id}_QA_PIXEL.TIF"
    data_types = {key: ("INT16" if key in _ST_AUX_FILES else "UINT16") for key in files}
    truth_files = {"land_cover": ("uint8", "1", "land-cover class (data/landcover.csv)"),
                   "lst": ("float32", "K", "true land surface temperature"),
                   "emissivity_b10": ("float32", "1", "true TIRS band 10 surface emissivity"),
                   "emissivity_b11": ("float32", "1", "true TIRS band 11 surface emissivity"),
                   "population": ("float32", "residents per pixel", "residents per pixel")}

    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{scene_id}.", suffix=".partial", dir=out))
    except OSError as exc:
        raise OutputPathError(f"cannot write a scene into {out}: {exc.strerror or exc}") from None
    tmp.chmod(0o755)  # mkdtemp makes it private; a scene folder is an ordinary folder
    try:
        (tmp / TRUTH_DIR).mkdir()
        base = {"driver": "GTiff", "width": cols, "height": rows, "count": 1, "crs": CRS.from_epsg(city.epsg),
                "transform": grid.transform, "tiled": True, "blockxsize": BLOCK, "blockysize": BLOCK,
                "compress": "zstd", "zstd_level": 1, "BIGTIFF": "IF_SAFER"}
        cloud_pixels = 0
        with rasterio.Env(GDAL_CACHEMAX=64, GDAL_NUM_THREADS=1), contextlib.ExitStack() as stack:
            sinks = {}
            for key, name in files.items():
                aux = key in _ST_AUX_FILES
                nodata = _ST_AUX_FILL if aux else (None if key.startswith("QUALITY") else 0)
                sinks[key] = stack.enter_context(rasterio.open(tmp / name, "w", dtype=data_types[key].lower(),
                                                               predictor=2, nodata=nodata, **base))
            for name, (dtype, units, long_name) in truth_files.items():
                ds = stack.enter_context(rasterio.open(tmp / TRUTH_DIR / f"{name}.tif", "w", dtype=dtype,
                                                       predictor=2 if dtype == "uint8" else 1,
                                                       nodata=0 if dtype == "uint8" else None, **base))
                ds.update_tags(1, units=units, long_name=long_name)
                sinks[name] = ds

            n_tiles = math.ceil(rows / tile_size) * math.ceil(cols / tile_size)
            for done, (r0, r1, c0, c1) in enumerate(_tiles(rows, cols, tile_size), start=1):
                window = rasterio.windows.Window(c0, r0, c1 - c0, r1 - r0)
                x, y, _, _ = grid.coords(r0, r1, c0, c1)
                lc, _u, _cover, lst, refl = _surface(layout, x, y)
                eps = _emissivities(lc, refl)
                cloud, dilated = layout.clouds(x, y)
                cloud_pixels += int(cloud.sum())
                if cloud.any():
                    refl_seen = np.where(cloud[None], _CLOUD[:, None, None], refl)
                else:
                    refl_seen = refl

                if level == "L1":
                    for i, b in enumerate(OLI_BANDS):
                        dn = (refl_seen[i] * np.float32(sin_sun) - np.float32(REFLECTANCE_ADD)) / np.float32(REFLECTANCE_MULT)
                        sinks[f"BAND_{b}"].write(_quantise(dn, 65535), 1, window=window)
                    for b in TIRS_BANDS:
                        k = thermal[b]
                        radiance = _sensor_radiance(lst, eps[b], atm["bands"][str(b)], k, cloud)
                        dn = (radiance - np.float32(k["radiance_add"])) / np.float32(k["radiance_mult"])
                        sinks[f"BAND_{b}"].write(_quantise(dn, 65535), 1, window=window)
                else:
                    for i, b in enumerate(OLI_BANDS):
                        dn = (refl_seen[i] - np.float32(constants.SR_OFFSET)) / np.float32(constants.SR_SCALE)
                        sinks[f"BAND_{b}"].write(_quantise(dn, 65455), 1, window=window)
                    st = np.where(cloud, np.float32(CLOUD_TOP_K), lst)
                    dn = (st - np.float32(constants.ST_OFFSET)) / np.float32(constants.ST_SCALE)
                    sinks["BAND_ST_B10"].write(_quantise(dn, 65535), 1, window=window)
                    b10 = atm["bands"]["10"]
                    aux = {
                        "EMISSIVITY": eps[10],
                        "EMISSIVITY_STDEV": np.zeros_like(lst),
                        "ATMOSPHERIC_TRANSMITTANCE": np.full_like(lst, b10["transmittance"]),
                        "UPWELL_RADIANCE": np.full_like(lst, b10["upwelling_radiance"]),
                        "DOWNWELL_RADIANCE": np.full_like(lst, b10["downwelling_radiance"]),
                        "THERMAL_RADIANCE": _sensor_radiance(lst, eps[10], b10, thermal[10], cloud),
                    }
                    for key, value in aux.items():
                        scale = np.float32(constants.ST_AUX_SCALE[_ST_AUX_FILES[key]][0])
                        dn = np.clip(np.rint(value / scale), -32767, 32767).astype(np.int16)
                        sinks[key].write(dn, 1, window=window)

                qa = np.where(lc == L.WATER, QA_WATER, QA_CLEAR).astype(np.uint16)
                qa[dilated] = QA_DILATED
                qa[cloud] = QA_CLOUD
                sinks["QUALITY_L1_PIXEL"].write(qa, 1, window=window)
                sinks["land_cover"].write(lc, 1, window=window)
                sinks["lst"].write(lst, 1, window=window)
                sinks["emissivity_b10"].write(eps[10], 1, window=window)
                sinks["emissivity_b11"].write(eps[11], 1, window=window)
                residents = (layout.resident_weight(lc) * np.float32(pop_scale)).astype(np.float32)
                sinks["population"].write(residents, 1, window=window)
                if progress is not None:
                    progress(done, n_tiles)

        districts = _districts(layout, grid, city)
        with _fixed_gpkg_date():
            districts.to_file(tmp / TRUTH_DIR / "districts.gpkg", driver="GPKG", layer="districts", engine="pyogrio")
        (tmp / TRUTH_DIR / "atmosphere.json").write_text(json.dumps(atm, indent=2, sort_keys=True) + "\n")

        xy, latlon = grid.corners()
        cloud_cover = 100.0 * cloud_pixels / (rows * cols)
        radiance_rescaling = dict(REFLECTIVE_RESCALING[spacecraft])
        for b in TIRS_BANDS:
            radiance_rescaling[b] = (thermal[b]["radiance_mult"], thermal[b]["radiance_add"])
        sat = "8" if spacecraft == "LANDSAT_8" else "9"
        meta = {
            "level": level, "scene_id": scene_id, "processing_level": processing_level, "files": files,
            "data_types": data_types,
            "city": city.name, "city_slug": city.slug, "seed": seed, "spacecraft": spacecraft,
            "wrs_path": city.wrs_path, "wrs_row": city.wrs_row, "date": date,
            "scene_center_time": when.strftime("%H:%M:%S.0000000Z"), "cloud_cover": cloud_cover,
            "sun_elevation": sun_elevation, "sun_azimuth": sun_azimuth,
            "earth_sun_distance": earth_sun_distance(date), "pixel_size": grid.ps, "shape": (rows, cols),
            "utm_zone": city.utm_zone, "corners_xy": xy, "corners_latlon": latlon,
            "date_generated": f"{date + dt.timedelta(days=9):%Y-%m-%d}T12:00:00Z", "version": _version(),
            "sr_scale": (constants.SR_SCALE, constants.SR_OFFSET), "st_scale": (constants.ST_SCALE, constants.ST_OFFSET),
            "oli_bands": OLI_BANDS, "tirs_bands": TIRS_BANDS, "radiance_rescaling": radiance_rescaling,
            "reflectance_rescaling": (REFLECTANCE_MULT, REFLECTANCE_ADD), "thermal_constants": thermal,
            "landsat_scene_id": f"LC{sat}{city.wrs_path:03d}{city.wrs_row:03d}{date:%Y}{date.timetuple().tm_yday:03d}LGN00",
            "l1_product_id": scene_id.replace("L2SP", "L1TP"), "atmosphere": atm,
        }
        (tmp / f"{scene_id}_MTL.txt").write_text(format_mtl(meta))
        summary = {
            "city": city.name, "slug": city.slug, "seed": seed, "level": level, "spacecraft": spacecraft,
            "shape": [rows, cols], "pixel_size_m": grid.ps, "epsg": city.epsg,
            "urban_radius_m": layout.radius_m, "urban_extent_m": layout.urban_extent_m,
            "population_city": city.population, "population_fraction_in_frame": pop_fraction,
            "population_in_frame": city.population * pop_fraction, "cloud_cover_percent": cloud_cover,
            "n_districts": len(districts), "generator": f"uhi.synthetic {_version()}",
        }
        # written last: its presence marks a complete scene (default_scene checks it)
        (tmp / TRUTH_DIR / "metadata.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
        _publish(tmp, target, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _sensor_radiance(lst, eps, band_atm: dict, k: dict, cloud) -> np.ndarray:
    """At-sensor radiance ``τ [ε B(T) + (1 - ε) L↓] + L↑`` [W m-2 sr-1 um-1]; clouds: ``B(265 K)``."""
    tau = np.float32(band_atm["transmittance"])
    up = np.float32(band_atm["upwelling_radiance"])
    down = np.float32(band_atm["downwelling_radiance"])
    surface = eps * planck_radiance(lst, np.float32(k["k1"]), np.float32(k["k2"]))
    radiance = tau * (surface + (1 - eps) * down) + up
    if cloud.any():
        radiance[cloud] = np.float32(planck_radiance(CLOUD_TOP_K, k["k1"], k["k2"]))
    return radiance


def _quantise(dn: np.ndarray, high: int) -> np.ndarray:
    return np.clip(np.rint(dn), 1, high).astype(np.uint16)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    """Rename the finished temporary folder onto ``target`` (replacing it if allowed)."""
    if target.exists():
        if not overwrite:
            raise OutputExistsError(f"{target} already exists; pass overwrite=True to replace it")
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, target)


def _cache_dir() -> Path:
    env = os.environ.get("UHI_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "uhi" / "scenes"


def _complete(folder: Path) -> bool:
    """True if ``folder`` is a finished scene whose rasters all open."""
    import rasterio

    if not (folder / TRUTH_DIR / "metadata.json").is_file():
        return False
    mtl = next(folder.glob("*_MTL.txt"), None)
    if mtl is None:
        return False
    names = [line.split("=", 1)[1].strip().strip('"') for line in mtl.read_text().splitlines()
             if line.strip().startswith("FILE_NAME_") and ".TIF" in line]
    paths = [folder / n for n in names] + sorted((folder / TRUTH_DIR).glob("*.tif"))
    try:
        for p in paths:
            with rasterio.open(p) as ds:
                ds.read(1, window=((ds.height - 1, ds.height), (ds.width - 1, ds.width)))
    except Exception:  # noqa: BLE001 - any unreadable file means regenerate
        return False
    return bool(names)


def default_scene(city: str | City = "Sofia", *, level: str = "L1", shape: tuple[int, int] = (600, 600),
                  seed: int = 0) -> Path:
    """The embedded default scene: generated once into the cache, reused afterwards.

    Cache folder: ``$UHI_CACHE_DIR`` or ``~/.cache/uhi/scenes``; one subfolder per
    (city, level, shape, seed). A missing or unreadable scene is regenerated.
    """
    city = get_city(city)
    rows, cols = _validate(level, shape, 30.0, "LANDSAT_8", 0.0, BLOCK, None, seed)
    parent = _cache_dir() / f"{city.slug}_{level}_{rows}x{cols}_seed{int(seed)}"
    folder = parent / scene_id_for(city, level)
    if _complete(folder):
        return folder
    try:
        return make_scene(city, shape=(rows, cols), level=level, seed=seed, out=parent, overwrite=folder.exists())
    except OutputExistsError:  # another process finished it first
        if _complete(folder):
            return folder
        raise
