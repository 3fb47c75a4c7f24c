"""Load a Landsat 8/9 scene into an :class:`xarray.Dataset` of calibrated float32 bands.

Products (the MTL says which): Collection 2 Level-1 (``L1TP``/``L1GT``/``L1GS``), Collection 2
Level-2 (``L2SP``/``L2SR``) and pre-collection Level-1 (``L1T``, old MTL keys, ``BQA``).
The output follows the "Scene dataset" table of ``docs/ARCHITECTURE.md``.

Calibration, per band, from digital numbers ``Q`` (fill -> NaN):

* L1 reflective bands: TOA reflectance with the sun-elevation correction,
  ``rho = (M_rho * Q + A_rho) / sin(theta_SE)`` with ``M_rho``/``A_rho`` = ``REFLECTANCE_MULT/ADD_BAND_n``
  and ``theta_SE`` = ``SUN_ELEVATION`` from the MTL (USGS, "Using the USGS Landsat Level-1 Data
  Product", equations for "TOA reflectance with a correction for the sun angle").
* L1 thermal bands: radiance ``L = M_L * Q + A_L`` and brightness temperature
  ``BT = K2 / ln(K1 / L + 1)`` with the scene's own ``RADIANCE_MULT/ADD_BAND_n`` and
  ``K1/K2_CONSTANT_BAND_n`` (USGS Landsat 8 Data Users Handbook, LSDS-1574; same USGS page).
* L2: ``SR_Bn * 2.75e-5 - 0.2`` (reflectance), ``ST_B10 * 0.00341802 + 149`` (K) and the ST
  auxiliary bands with :data:`uhi.constants.ST_AUX_SCALE` (USGS LSDS-1619, Collection 2 Level-2 Science Product Guide, [gee-landsat-c2l2]).
* QA bands (``QA_PIXEL``, ``QA_RADSAT``, ``BQA``) stay ``uint16``.

Georeferencing comes from the GeoTIFFs; files without any (the shared xlandsat crops) get it
from the MTL: EPSG ``326zz`` for ``UTM_ZONE`` zz (USGS delivers UTM scenes in the northern zone
numbering, with negative northings south of the equator) and a transform whose top-left corner
is ``(CORNER_UL_PROJECTION_X_PRODUCT - cell/2, CORNER_UL_PROJECTION_Y_PRODUCT + cell/2)``
because MTL corners are pixel centres (``../shared/data/README.md``).
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tarfile
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import rasterio
import xarray as xr
from numba import njit
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.transform import Affine
from rasterio.windows import Window

from .. import constants
from .._backend import apply_pointwise
from .._threads import threaded
from ..errors import InputValueError, MetadataError, SceneFormatError
from ..lst._kernels import brightness_temperature_dn_kernel
from .mtl import SceneMetadata, _parse, read_mtl, scene_metadata
from .qa import QA_PIXEL_BITS, qa_mask

__all__ = ["band_catalogue", "load_landsat"]

_MTL_SUFFIXES = (".txt", ".json", ".xml")
_MTL_PREFERENCE = {".txt": 0, ".json": 1, ".xml": 2}

# --------------------------------------------------------------------------- band catalogue


@dataclass(frozen=True)
class _Var:
    name: str
    code: str  # product band code in SceneMetadata.band_files ("B4", "ST_B10", "QA_PIXEL"...)
    kind: str  # "toa", "radiance", "bt", "sr", "st", "st_aux", "qa"
    units: str
    long_name: str
    standard_name: str | None = None


_OLI = {1: ("coastal", "coastal aerosol, 0.43-0.45 um"), 2: ("blue", "blue, 0.45-0.51 um"),
        3: ("green", "green, 0.53-0.59 um"), 4: ("red", "red, 0.64-0.67 um"), 5: ("nir", "near infrared, 0.85-0.88 um"),
        6: ("swir1", "shortwave infrared 1, 1.57-1.65 um"), 7: ("swir2", "shortwave infrared 2, 2.11-2.29 um"),
        9: ("cirrus", "cirrus, 1.36-1.38 um")}

_QA_VARS = [
    _Var("qa_pixel", "QA_PIXEL", "qa", "1", "pixel quality assessment bits (CFMASK)"),
    _Var("qa_radsat", "QA_RADSAT", "qa", "1", "radiometric saturation and terrain occlusion bits"),
]

_L1_VARS = [
    _Var(name, f"B{n}", "toa", "1", f"top-of-atmosphere reflectance (sun-elevation corrected), OLI band {n}: {text}",
         "toa_bidirectional_reflectance")
    for n, (name, text) in _OLI.items()
] + [
    v for n, centre in ((10, "10.9"), (11, "12.0"))
    for v in (
        _Var(f"radiance_b{n}", f"B{n}", "radiance", "W m-2 sr-1 um-1",
             f"top-of-atmosphere spectral radiance, TIRS band {n} ({centre} um)",
             "toa_outgoing_radiance_per_unit_wavelength"),
        _Var(f"brightness_temperature_b{n}", f"B{n}", "bt", "K",
             f"at-sensor brightness temperature, TIRS band {n} ({centre} um)", "toa_brightness_temperature"),
    )
] + _QA_VARS + [_Var("bqa", "BQA", "qa", "1", "pre-collection quality assessment bits")]

# ST auxiliary variables: (name, band code, long name); scale and units from constants.ST_AUX_SCALE.
_ST_AUX = [
    ("st_emissivity", "ST_EMIS", "band 10 surface emissivity (ASTER GED)"),
    ("st_emissivity_sd", "ST_EMSD", "standard deviation of band 10 emissivity"),
    ("st_atmospheric_transmittance", "ST_ATRAN", "atmospheric transmittance"),
    ("st_downwelled_radiance", "ST_DRAD", "downwelled radiance"),
    ("st_upwelled_radiance", "ST_URAD", "upwelled radiance"),
    ("st_thermal_radiance", "ST_TRAD", "thermal band radiance at the sensor"),
    ("st_uncertainty", "ST_QA", "surface temperature uncertainty"),
    ("st_cloud_distance", "ST_CDIST", "distance to the nearest cloud"),
]

_L2_VARS = [
    _Var(name, f"B{n}", "sr", "1", f"surface reflectance, OLI band {n}: {text}", "surface_bidirectional_reflectance")
    for n, (name, text) in _OLI.items() if n <= 7
] + [
    _Var("surface_temperature", "ST_B10", "st", "K", "land surface temperature (Collection 2 Level-2 ST_B10)",
         "surface_temperature"),
] + [
    _Var(name, code, "st_aux", constants.ST_AUX_SCALE[code][2], long_name) for name, code, long_name in _ST_AUX
] + _QA_VARS


def band_catalogue(level: int, collection: str = "02") -> list[str]:
    """Variable names :func:`load_landsat` can produce for a product level (1 or 2)."""
    variables = _L1_VARS if level == 1 else _L2_VARS
    qa_skip = {"qa_pixel", "qa_radsat"} if collection == "pre-collection" else {"bqa"}
    return [v.name for v in variables if v.name not in qa_skip]


def _file_suffix(var: _Var, level: int) -> str:
    """Suffix of the band file after ``<scene_id>_`` (used when the MTL does not name the file)."""
    return f"SR_{var.code}" if (level == 2 and var.kind == "sr") else var.code


# --------------------------------------------------------------------------- kernels
# Each kernel has a plain-numpy reference below it (used by tests and benchmarks/bench_load.py).


@njit(nogil=True, cache=True, error_model="numpy")
def _scale_rows(dn, mult, add, fill, out, i0, i1):  # pragma: no cover - compiled
    """out = mult * dn + add, NaN where dn == fill (float64 arithmetic, float32 result)."""
    cols = dn.shape[1]
    for i in range(i0, i1):
        for j in range(cols):
            value = dn[i, j]
            if value == fill:
                out[i, j] = np.nan
            else:
                out[i, j] = mult * value + add


# One row kernel each, run on threads for large arrays and in the calling thread (``.serial``) for small
# chunks, where starting threads costs more than the work (uhi._threads.threaded).
_scale_kernel = threaded(_scale_rows)
_scale_kernel_serial = _scale_kernel.serial
# The brightness temperature from DN is the LST package's kernel (one formula, uhi.lst._kernels).
_bt_kernel = brightness_temperature_dn_kernel
_bt_kernel_serial = brightness_temperature_dn_kernel.serial
#: Pixels from which the kernels run on threads.
PARALLEL_MIN_PIXELS = 1 << 20


def _scale_reference(dn: np.ndarray, mult: float, add: float, fill: float) -> np.ndarray:
    """Plain-numpy reference of :func:`_scale_dn`."""
    out = (mult * dn.astype(np.float64) + add).astype(np.float32)
    out[dn == fill] = np.nan
    return out


def _scale_dn(dn: np.ndarray, *, mult: float, add: float, fill: float) -> np.ndarray:
    """Array function: linear DN calibration ``mult * DN + add`` [float32], fill -> NaN."""
    out = np.empty(dn.shape, dtype=np.float32)
    if dn.size:
        kernel = _scale_kernel if dn.size >= PARALLEL_MIN_PIXELS else _scale_kernel_serial
        kernel(dn, float(mult), float(add), float(fill), out)
    return out


def _brightness_temperature_dn(
    dn: np.ndarray, *, mult: float, add: float, k1: float, k2: float, fill: float
) -> np.ndarray:
    """Array function: at-sensor brightness temperature [K] from thermal DN.

    .. math:: L = M_L Q + A_L, \\qquad BT = K_2 / \\ln(K_1 / L + 1)

    with the scene's MTL constants (USGS Landsat 8 Data Users Handbook, LSDS-1574; USGS "Using the USGS Landsat Level-1 Data
    Product"). Non-positive radiance and fill give NaN. ``uhi.lst.brightness_temperature`` is the
    public DataArray version working from radiance; this one works from DN in one pass.
    """
    out = np.empty(dn.shape, dtype=np.float32)
    if dn.size:
        kernel = _bt_kernel if dn.size >= PARALLEL_MIN_PIXELS else _bt_kernel_serial
        kernel(dn, float(mult), float(add), float(k1), float(k2), float(fill), out)
    return out


# --------------------------------------------------------------------------- locating the scene


@dataclass
class _Source:
    """Where the MTL and band files are: a folder, or members of a tar archive.

    Uncompressed tars are read in place through GDAL's ``/vsitar/``. A gzip stream cannot be
    read at random, so band files of a ``.tar.gz`` are extracted on demand, one requested file at a
    time, into a private temporary folder under their base names (regular files of the MTL's
    archive folder only: nothing can be written outside the folder, links are never followed).
    """

    mtl_name: str  # for messages
    mtl: dict
    folder: Path | None = None
    tar_path: Path | None = None
    tar_dir: str = ""  # member directory of the MTL inside the tar
    members: dict = field(default_factory=dict)  # member name -> TarInfo (regular files)
    tar: tarfile.TarFile | None = None  # open while loading a .tar.gz
    temp_dir: Path | None = None
    _listing: dict | None = None

    def band_path(self, name: str) -> str | None:
        """Path GDAL can open for a band file, or None if the file is absent."""
        if not name or PurePosixPath(name).name != name or "\\" in name or name in (".", ".."):
            raise SceneFormatError(
                f"{self.mtl_name} names band file {name!r}; expected a plain file name without folders"
            )
        if self.folder is not None:
            candidate = self.folder / name
            if candidate.is_file():
                return str(candidate)
            if self._listing is None:  # case-insensitive fallback (e.g. .tif vs .TIF)
                self._listing = {p.name.lower(): p for p in self.folder.iterdir() if p.is_file()}
            match = self._listing.get(name.lower())
            return None if match is None else str(match)
        member = f"{self.tar_dir}/{name}" if self.tar_dir else name
        info = self.members.get(member)
        if info is None:
            return None
        if self.tar is None:
            return f"/vsitar/{self.tar_path}/{member}"
        target = self.temp_dir / name
        if not target.exists():
            try:
                with self.tar.extractfile(info) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (tarfile.TarError, OSError, EOFError) as exc:
                target.unlink(missing_ok=True)
                raise SceneFormatError(
                    f"cannot extract {self.shown(name)}: the archive is truncated or corrupt ({exc})"
                ) from None
        return str(target)

    def shown(self, name: str) -> str:
        if self.tar_path is None:
            return str(self.folder / name)
        return f"{self.tar_path}!{self.tar_dir + '/' if self.tar_dir else ''}{name}"

    def close(self, *, keep_files: bool) -> None:
        """Close the archive; remove extracted files now, or at exit when a lazy dataset reads them."""
        if self.tar is not None:
            self.tar.close()
            self.tar = None
        if self.temp_dir is not None:
            if keep_files:
                _TEMP_DIRS.append(self.temp_dir)
            else:
                shutil.rmtree(self.temp_dir, ignore_errors=True)


def _scene_key(name: str) -> str:
    """Scene identity of an MTL file name: the part before ``_MTL``."""
    stem = PurePosixPath(name).name
    return stem[: stem.upper().rfind("_MTL")] if "_MTL" in stem.upper() else stem


def _is_mtl_name(name: str) -> bool:
    base = PurePosixPath(name).name.upper()
    return any(base.endswith(f"_MTL{sfx.upper()}") for sfx in _MTL_SUFFIXES)


def _pick_mtl(names: list[str], where: str) -> str:
    scenes = sorted({_scene_key(n) for n in names})
    if len(scenes) > 1:
        raise SceneFormatError(
            f"{where} holds {len(scenes)} scenes ({', '.join(scenes)}); expected one scene per folder or archive"
        )
    return min(names, key=lambda n: _MTL_PREFERENCE.get(PurePosixPath(n).suffix.lower(), 9))


_TEMP_DIRS: list[Path] = []


@atexit.register
def _remove_temp_dirs() -> None:  # pragma: no cover - runs at interpreter exit
    for path in _TEMP_DIRS:
        shutil.rmtree(path, ignore_errors=True)


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SceneFormatError(f"{path} is not a readable tar archive: {exc}") from None


def _locate(path: Path) -> _Source:
    if not path.exists():
        raise SceneFormatError(f"{path} does not exist; expected a scene folder, a .tar/.tar.gz archive or an MTL file")
    if path.is_dir():
        names = [p.name for p in path.iterdir() if p.is_file() and _is_mtl_name(p.name)]
        if not names:
            raise MetadataError(f"no metadata file (*_MTL.txt, *_MTL.json or *_MTL.xml) in scene folder {path}")
        name = _pick_mtl(names, f"folder {path}")
        return _Source(mtl_name=str(path / name), mtl=read_mtl(path / name), folder=path)
    lower = path.name.lower()
    if lower.endswith((".tar", ".tar.gz", ".tgz")):
        return _locate_tar(path, compressed=not lower.endswith(".tar"))
    if path.suffix.lower() in _MTL_SUFFIXES:
        return _Source(mtl_name=str(path), mtl=read_mtl(path), folder=path.parent)
    raise SceneFormatError(
        f"{path} is neither a scene folder, a .tar/.tar.gz/.tgz archive nor an MTL file (.txt, .json, .xml)"
    )


def _locate_tar(path: Path, *, compressed: bool) -> _Source:
    tar = _open_tar(path)
    try:
        try:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise SceneFormatError(f"{path} is a truncated or corrupt tar archive: {exc}") from None
        mtl_members = [name for name in members if _is_mtl_name(name)]
        if not mtl_members:
            raise SceneFormatError(
                f"archive {path} holds no Landsat metadata file (*_MTL.txt/.json/.xml); not a scene archive"
            )
        mtl_member = _pick_mtl(mtl_members, f"archive {path}")
        directory = str(PurePosixPath(mtl_member).parent)
        directory = "" if directory == "." else directory
        try:
            text = tar.extractfile(members[mtl_member]).read().decode("utf-8", errors="replace")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise SceneFormatError(f"cannot read {mtl_member} from archive {path}: {exc}") from None
        source_name = f"{path}!{mtl_member}"
        mtl = _parse(text, PurePosixPath(mtl_member).suffix.lower(), source_name)
    except BaseException:
        tar.close()
        raise
    source = _Source(mtl_name=source_name, mtl=mtl, tar_path=path.resolve(), tar_dir=directory, members=members)
    if compressed:
        source.tar = tar
        source.temp_dir = Path(tempfile.mkdtemp(prefix="uhi-scene-"))
    else:
        tar.close()
    return source


# --------------------------------------------------------------------------- grids and reading


@dataclass
class _Grid:
    shape: tuple[int, int]
    transform: Affine
    crs: object


def _grid_from_mtl(meta: SceneMetadata, shape: tuple[int, int], shown: str) -> _Grid:
    if meta.corner_ul is None or meta.cell_size is None:
        raise SceneFormatError(
            f"{shown} has no georeferencing and the MTL {meta.source} lacks CORNER_UL_PROJECTION_X/Y_PRODUCT or "
            "GRID_CELL_SIZE_REFLECTIVE to rebuild it"
        )
    if meta.map_projection.upper() != "UTM" or meta.utm_zone is None or meta.datum.upper() != "WGS84":
        raise SceneFormatError(
            f"{shown} has no georeferencing and the MTL projection ({meta.map_projection or 'unknown'}, "
            f"datum {meta.datum}, UTM_ZONE {meta.utm_zone}) is not WGS84 / UTM; cannot rebuild the CRS"
        )
    cell = meta.cell_size
    (ulx, uly), (lrx, lry) = meta.corner_ul, meta.corner_lr
    expected = (round((uly - lry) / cell) + 1, round((lrx - ulx) / cell) + 1)
    if expected != shape:
        raise SceneFormatError(
            f"{shown} has no georeferencing and is {shape[0]} x {shape[1]} px, but the MTL corners span "
            f"{expected[0]} x {expected[1]} px of {cell:g} m; cannot rebuild its grid"
        )
    # MTL corners are pixel centres: the grid's outer corner is half a cell further out.
    transform = Affine(cell, 0.0, ulx - cell / 2, 0.0, -cell, uly + cell / 2)
    return _Grid(shape, transform, rasterio.crs.CRS.from_epsg(32600 + meta.utm_zone))


class _BandReader:
    """Window reader for dask: opens the file for each chunk (thread-safe, no shared handle)."""

    def __init__(self, path: str, shown: str, shape: tuple[int, int], dtype):
        self.path, self.shown, self.shape, self.dtype, self.ndim = path, shown, shape, np.dtype(dtype), 2

    def __getitem__(self, key):
        rows, cols = key
        window = Window.from_slices(rows, cols, height=self.shape[0], width=self.shape[1])
        return _read(self.path, self.shown, window)


def _read(path: str, shown: str, window: Window | None = None) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as src:
                return src.read(1, window=window)
    except RasterioError as exc:
        raise SceneFormatError(f"band file {shown} is truncated or corrupt: {exc}") from None


def _open_band(path: str, shown: str, meta: SceneMetadata, *, read: bool):
    """Grid, dtype, nodata and (``read=True``) the DN array of one band file, in one open.

    Without ``read`` (lazy loading) the last pixel is read: a truncated file usually opens fine but
    cannot deliver its last tile or strip, so the error shows here and not inside a dask compute.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            # eager reads decode compressed tiles on all cores (GDAL GTiff open option NUM_THREADS)
            with rasterio.open(path, **({"NUM_THREADS": "ALL_CPUS"} if read else {})) as src:
                if src.count < 1:
                    raise SceneFormatError(f"band file {shown} holds no raster band")
                shape, crs, transform = (src.height, src.width), src.crs, src.transform
                dtype, nodata = np.dtype(src.dtypes[0]), src.nodata
                if read:
                    data = src.read(1)
                else:
                    src.read(1, window=Window(src.width - 1, src.height - 1, 1, 1))
                    data = None
    except RasterioError as exc:
        raise SceneFormatError(f"band file {shown} is truncated or corrupt: {exc}") from None
    if crs is None and transform.is_identity:
        return _grid_from_mtl(meta, shape, shown), dtype, nodata, data
    if crs is None:
        raise SceneFormatError(f"band file {shown} has a transform but no CRS; expected a georeferenced GeoTIFF")
    return _Grid(shape, transform, crs), dtype, nodata, data


def _token(path: str, chunks) -> str:
    """Dask key token of a band file: its path, size and modification time (or the archive's) and the chunks."""
    from dask.base import tokenize

    real = path.split("/vsitar/", 1)[-1]
    while real and not os.path.exists(real):  # /vsitar/<archive>/<member>: stat the archive
        real = os.path.dirname(real)
    stat = os.stat(real) if real else None
    return tokenize(path, chunks, stat.st_size if stat else None, stat.st_mtime_ns if stat else None)


def _normalise_chunks(chunks):
    def size(value, axis: str):
        if value is None or value == "auto":
            return value
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or (value < 1 and value != -1):
            raise InputValueError(f"chunks {axis}={value!r} is not a chunk size; give a whole number of pixels >= 1 (or -1 for the whole axis)")
        return int(value)

    if chunks is True or chunks == "auto":
        return "auto"
    if isinstance(chunks, (int, np.integer)) and not isinstance(chunks, bool):
        return (size(chunks, "y/x"), size(chunks, "y/x"))
    if isinstance(chunks, dict):
        unknown = set(chunks) - {"x", "y", "band"}
        if unknown:
            raise InputValueError(f"chunks has unknown dimension(s) {sorted(unknown)}; expected 'y' and 'x'")
        return (size(chunks.get("y", -1), "y"), size(chunks.get("x", -1), "x"))
    if isinstance(chunks, (tuple, list)) and len(chunks) == 2:
        return (size(chunks[0], "y"), size(chunks[1], "x"))
    raise InputValueError(f"chunks={chunks!r} is not understood; use an int, (y, x), {{'y': .., 'x': ..}} or 'auto'")


# --------------------------------------------------------------------------- the loader


def _resolve_bands(bands, variables: list[_Var], level: int) -> list[_Var]:
    if bands is None:
        return variables
    if isinstance(bands, str):
        bands = [bands]
    chosen: list[_Var] = []
    for request in bands:
        key = str(request).strip()
        upper = key.upper()
        code = upper.removeprefix("SR_")
        matches = [v for v in variables if v.name == key.lower() or v.code == code]
        if not matches:
            raise InputValueError(
                f"band {request!r} is not in a level-{level} product; expected one of "
                f"{', '.join(v.name for v in variables)} (or band codes such as 'B4', 'ST_B10', 'QA_PIXEL')"
            )
        chosen.extend(v for v in matches if v not in chosen)
    return chosen


def _calibration(var: _Var, meta: SceneMetadata, number: int | None) -> dict:
    """Keyword arguments of the array function for ``var`` (needed MTL keys checked here)."""

    def need(table: dict, key: str) -> float:
        if number not in table:
            raise MetadataError(f"{meta.source}: needed key {key}_BAND_{number} is missing from the metadata")
        return table[number]

    if var.kind == "toa":
        sin_sun = math.sin(math.radians(meta.sun_elevation))
        if not sin_sun > 0:
            raise MetadataError(
                f"{meta.source}: SUN_ELEVATION = {meta.sun_elevation} deg; "
                "TOA reflectance needs the sun above the horizon"
            )
        return {"mult": need(meta.reflectance_mult, "REFLECTANCE_MULT") / sin_sun,
                "add": need(meta.reflectance_add, "REFLECTANCE_ADD") / sin_sun}
    if var.kind in ("radiance", "bt"):
        kwargs = {"mult": need(meta.radiance_mult, "RADIANCE_MULT"), "add": need(meta.radiance_add, "RADIANCE_ADD")}
        if var.kind == "bt":
            kwargs.update(k1=need(meta.k1, "K1_CONSTANT"), k2=need(meta.k2, "K2_CONSTANT"))
        return kwargs
    if var.kind == "sr":
        return {"mult": constants.SR_SCALE, "add": constants.SR_OFFSET}
    if var.kind == "st":
        return {"mult": constants.ST_SCALE, "add": constants.ST_OFFSET}
    scale, offset, _ = constants.ST_AUX_SCALE[var.code]
    return {"mult": scale, "add": offset}


def _default_fill(var: _Var, dtype: np.dtype) -> float:
    """Fill value when the GeoTIFF has no nodata tag: 0 for uint16 DN (QUANTIZE_CAL_MIN = 1 in the
    MTL; C2 DFCBs), -9999 for the int16 ST auxiliary bands (C2 L2 DFCB LSDS-1328)."""
    return -9999.0 if (var.kind == "st_aux" and np.issubdtype(dtype, np.signedinteger)) else 0.0


def load_landsat(path, *, bands=None, chunks=None, mask_clouds: bool | str = False) -> xr.Dataset:
    """Load a Landsat 8/9 scene as calibrated float32 bands.

    Parameters
    ----------
    path
        A scene folder, a ``.tar``/``.tar.gz``/``.tgz`` archive of one scene, or its MTL file
        (``*_MTL.txt``, ``.json`` or ``.xml``; the band files sit beside it).
    bands
        Variable names (``"red"``, ``"brightness_temperature_b10"``, ``"qa_pixel"``...) or band
        codes (``"B4"``, ``"ST_B10"``, ``"QA_PIXEL"``; ``"B10"`` on L1 gives radiance and BT).
        ``None`` loads every band of the product whose file is present (cropped scenes often
        ship a subset); a requested band whose file is absent is an error.
    chunks
        ``None`` reads eagerly into numpy. Otherwise a dask chunk size (int, ``(y, x)``,
        ``{"y": .., "x": ..}`` or ``"auto"``): the dataset is lazy and equal to the eager one.
    mask_clouds : bool or "auto"
        Set pixels flagged by :func:`uhi.io.qa_mask` (fill, cloud, shadow, cirrus, snow, dilated
        cloud) to NaN in every calibrated band. True needs the QA band (``QA_PIXEL`` or ``BQA``);
        ``"auto"`` masks when the scene has it and otherwise loads the bands unmasked.
        ``ds.attrs["cloud_mask"]`` says what was done.

    Returns
    -------
    xarray.Dataset
        Variables, units and attributes as in ``docs/ARCHITECTURE.md`` ("Scene dataset"):
        float32 bands with fill -> NaN, ``uint16`` QA bands, dims ``("y", "x")`` with pixel-centre
        coordinates in metres, CRS in ``ds.rio.crs``, scene metadata in ``ds.attrs``.

    Raises
    ------
    SceneFormatError
        Path missing, archive unreadable / with two scenes / without MTL, band file missing,
        truncated or corrupt, bands of different shapes, no georeferencing that can be rebuilt.
    MetadataError
        No MTL in a folder, an MTL lacking a needed key or with a non-numeric value, a spacecraft
        or product uhi does not read.
    InputValueError
        Unknown band names or chunks.
    """
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    source = _locate(Path(os.fspath(path)))
    try:
        return _load(source, bands=bands, chunks=chunks, mask_clouds=mask_clouds)
    finally:
        source.close(keep_files=chunks is not None)  # a lazy dataset reads the extracted files later


def _load(source: _Source, *, bands, chunks, mask_clouds: bool) -> xr.Dataset:
    meta = scene_metadata(source.mtl, source.mtl_name)
    level = meta.level
    catalogue = [v for v in (_L1_VARS if level == 1 else _L2_VARS) if v.name in band_catalogue(level, meta.collection)]
    requested = _resolve_bands(bands, catalogue, level)
    lazy_chunks = None if chunks is None else _normalise_chunks(chunks)

    def file_of(var: _Var) -> tuple[str | None, str]:
        name = meta.band_files.get(var.code) or f"{meta.scene_id}_{_file_suffix(var, level)}.TIF"
        return source.band_path(name), source.shown(name)

    selected: list[_Var] = []
    for var in requested:
        found, shown = file_of(var)
        if found is not None:
            selected.append(var)
        elif bands is not None:
            raise SceneFormatError(f"band file {shown} (for {var.name!r}) is missing from the scene")
    qa_var = next((v for v in catalogue if v.name in ("qa_pixel", "bqa")), None)
    extra_qa = None
    has_qa = qa_var is not None and file_of(qa_var)[0] is not None
    if mask_clouds not in (True, False, "auto"):
        raise InputValueError(f"mask_clouds must be True, False or 'auto', got {mask_clouds!r}")
    cloud_note = "none (mask_clouds=False)"
    if mask_clouds == "auto":
        mask_clouds = has_qa
        if not has_qa:
            cloud_note = "none: the scene has no QA band (QA_PIXEL/BQA)"
    if mask_clouds:
        if not has_qa:
            shown = file_of(qa_var)[1] if qa_var is not None else "QA_PIXEL/BQA"
            raise SceneFormatError(
                f"cloud masking needs the QA band, but {shown} is missing from the scene; "
                "load it unmasked (mask_clouds=False or 'auto', --no-mask-clouds)"
            )
        if qa_var not in selected:
            extra_qa = qa_var
            selected.append(qa_var)
    if not selected:
        raise SceneFormatError(
            f"none of the band files named in {source.mtl_name} is present; expected files such as "
            f"{file_of(catalogue[0])[1]}"
        )

    grid: _Grid | None = None
    first_shown = ""
    raw: dict[str, object] = {}  # band code -> DN array (numpy or dask), read once per file
    fills: dict[str, float] = {}
    variables: dict[str, xr.DataArray] = {}
    uses: dict[str, int] = {}
    for var in selected:
        uses[var.code] = uses.get(var.code, 0) + 1
    for var in selected:
        path, shown = file_of(var)
        if var.code not in raw:
            band_grid, dtype, nodata, data = _open_band(path, shown, meta, read=lazy_chunks is None)
            if grid is None:
                grid, first_shown = band_grid, shown
            elif band_grid.shape != grid.shape:
                raise SceneFormatError(
                    f"bands of different shapes: {shown} is {band_grid.shape[0]} x {band_grid.shape[1]} px but "
                    f"{first_shown} is {grid.shape[0]} x {grid.shape[1]}; expected one grid for all bands"
                )
            elif not band_grid.transform.almost_equals(grid.transform) or band_grid.crs != grid.crs:
                raise SceneFormatError(f"{shown} and {first_shown} are on different grids (transform or CRS differ)")
            if lazy_chunks is None:
                raw[var.code] = data
            else:
                import dask.array as dsa

                raw[var.code] = dsa.from_array(
                    _BandReader(path, shown, band_grid.shape, dtype), chunks=lazy_chunks, lock=False,
                    asarray=False, fancy=False, meta=np.empty((0, 0), dtype=dtype),
                    name=f"uhi-dn-{var.code}-{_token(path, lazy_chunks)}",
                )
            fills[var.code] = _default_fill(var, dtype) if nodata is None else float(nodata)
        dn = xr.DataArray(raw[var.code], dims=("y", "x"))
        number = int(var.code[1:]) if var.code[:1] == "B" and var.code[1:].isdigit() else None
        attrs = {"units": var.units, "long_name": var.long_name}
        if var.standard_name:
            attrs["standard_name"] = var.standard_name
        attrs["band"] = _file_suffix(var, level)
        if var.kind == "qa":
            out = dn
            if var.name == "qa_pixel":
                attrs["flag_masks"] = [1 << bit for bit in QA_PIXEL_BITS.values()]
                attrs["flag_meanings"] = " ".join(QA_PIXEL_BITS)
        else:
            kwargs = _calibration(var, meta, number)
            func = _brightness_temperature_dn if var.kind == "bt" else _scale_dn
            out = apply_pointwise(func, dn, kwargs={**kwargs, "fill": fills[var.code]})
            attrs.update({f"calibration_{k}": float(v) for k, v in kwargs.items()})
        out.attrs = attrs
        variables[var.name] = out.rename(var.name)
        uses[var.code] -= 1
        if uses[var.code] == 0:
            del raw[var.code], dn  # eager: free each DN array once its variables are computed

    y = grid.transform.f + (np.arange(grid.shape[0]) + 0.5) * grid.transform.e
    x = grid.transform.c + (np.arange(grid.shape[1]) + 0.5) * grid.transform.a
    x_attrs = {"units": "m", "long_name": "x coordinate of projection (pixel centre)",
               "standard_name": "projection_x_coordinate"}
    y_attrs = {"units": "m", "long_name": "y coordinate of projection (pixel centre)",
               "standard_name": "projection_y_coordinate"}
    ds = xr.Dataset(variables, coords={"y": ("y", y, y_attrs), "x": ("x", x, x_attrs)}, attrs=meta.attrs())
    ds.rio.write_crs(grid.crs, inplace=True).rio.write_transform(grid.transform, inplace=True)

    if mask_clouds:
        mask = qa_mask(ds)
        for name in [v.name for v in selected if v.kind != "qa"]:
            if lazy_chunks is None:
                np.copyto(ds[name].values, np.float32(np.nan), where=mask.values)
            else:
                ds[name] = ds[name].where(~mask).astype(np.float32).assign_attrs(ds[name].attrs)
        ds.attrs["masked_qa_flags"] = mask.attrs["flags"]
        cloud_note = f"{qa_var.code} flags set to NaN: {mask.attrs['flags']}"
        if extra_qa is not None:
            ds = ds.drop_vars(extra_qa.name)
    ds.attrs["cloud_mask"] = cloud_note
    return ds
