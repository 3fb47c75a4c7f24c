"""Bad input everywhere gives the documented UhiError subclass, names the culprit, and leaves no file.

One table (``CASES``): each row damages one input (a band file, the MTL, an archive, a raster's
CRS or grid, a parameter, a scenario TOML, an output path), calls a public function or the CLI,
and states the :mod:`uhi.errors` class and a regular expression the message must match (the
file, key or value at fault). After every row the output folder must hold no file the call
created: writes go to a temporary file that is renamed only on success.

Hypothesis then feeds arbitrary text to the MTL and TOML parsers and arbitrary relative paths
to :func:`uhi.io.safe_output_path`: they either succeed or raise their UhiError, never anything
else.
"""

from __future__ import annotations

import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uhi.errors import (
    CRSError,
    GridMismatchError,
    InputValueError,
    MetadataError,
    OutputExistsError,
    OutputPathError,
    ScenarioError,
    SceneFormatError,
    UhiError,
)

N = 64


@pytest.fixture(scope="module")
def scene_dir(tmp_path_factory) -> Path:
    """A 64 x 64 synthetic Level-1 scene of Sofia (bands, MTL, truth/)."""
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(N, N), out=tmp_path_factory.mktemp("scene"), tile_size=256)


@dataclass
class Ctx:
    """What a row gets: a private copy of the scene, an output folder, and helpers."""

    scene: Path
    out: Path

    @property
    def scene_id(self) -> str:
        return self.scene.name

    def band(self, suffix: str) -> Path:
        return self.scene / f"{self.scene_id}_{suffix}.TIF"

    @property
    def mtl(self) -> Path:
        return self.scene / f"{self.scene_id}_MTL.txt"

    def edit_mtl(self, key: str, value: str | None):
        lines = self.mtl.read_text().splitlines()
        hit = [i for i, line in enumerate(lines) if line.strip().startswith(f"{key} =")]
        assert hit, key
        if value is None:
            del lines[hit[0]]
        else:
            indent = lines[hit[0]][: len(lines[hit[0]]) - len(lines[hit[0]].lstrip())]
            lines[hit[0]] = f"{indent}{key} = {value}"
        self.mtl.write_text("\n".join(lines) + "\n")


def _raster(values=None, *, crs="EPSG:32634", cell=30.0, x0=3.5e5, y0=4.7e6, units=None) -> xr.DataArray:
    if values is None:
        rng = np.random.default_rng(0)
        values = (295 + 20 * rng.random((N, N))).astype(np.float32)
    ny, nx = values.shape
    y = y0 - (np.arange(ny) + 0.5) * cell
    x = x0 + (np.arange(nx) + 0.5) * cell
    da = xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"), attrs={"units": units} if units else {})
    return da.rio.write_crs(crs)


def _geographic() -> xr.DataArray:
    """Values on a lon/lat grid (EPSG:4326, ~0.0003 deg cells): degrees, not metres."""
    return _raster(cell=0.0003, x0=23.3, y0=42.7, crs="EPSG:4326", units="K")


def _params(like: xr.DataArray) -> xr.Dataset:
    from uhi._paths import data_path
    from uhi.cooling import parameters_from_landcover

    codes = np.kron(np.array([[1, 2, 6, 7], [3, 4, 5, 10], [6, 6, 8, 9], [1, 11, 2, 6]]), np.ones((N // 4, N // 4)))
    lulc = like.copy(data=codes.astype(np.float32))
    return parameters_from_landcover(lulc, data_path("landcover.csv"))


# --- damaging inputs --------------------------------------------------------------------------

def _truncate(path: Path, keep: float = 0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _corrupt_header(path: Path):
    data = bytearray(path.read_bytes())
    data[:64] = b"\x00" * 64
    path.write_bytes(bytes(data))


def _corrupt_tiles(path: Path):
    """Keep the TIFF header and directory, overwrite the compressed tile data with noise."""
    import rasterio

    with rasterio.open(path) as src:
        offsets = [int(src.get_tag_item("BLOCK_OFFSET_0_0", "TIFF", bidx=1))]
    data = bytearray(path.read_bytes())
    start = offsets[0]
    data[start:start + 512] = np.random.default_rng(1).integers(0, 256, 512, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))


def _shrink_band(path: Path):
    import rasterio

    with rasterio.open(path) as src:
        profile = src.profile
        data = src.read(1)[: N // 2, : N // 2]
    profile.update(width=N // 2, height=N // 2, blockxsize=16, blockysize=16)
    # written beside the scene and moved in: GDAL's create over an existing GTiff deletes the
    # dataset's file list, which includes the scene's _MTL.txt (read as sidecar metadata)
    tmp = path.parent.parent / path.name
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data, 1)
    tmp.replace(path)


def _fill_band(path: Path, value: int):
    import rasterio

    with rasterio.open(path, "r+") as dst:
        dst.write(np.full((dst.height, dst.width), value, dtype=dst.dtypes[0]), 1)


def _tar(ctx: Ctx, *, drop_mtl=False, twice=False) -> Path:
    archive = ctx.scene.parent / "scene.tar"
    with tarfile.open(archive, "w") as tar:
        for f in sorted(ctx.scene.glob("*.TIF")) + [ctx.mtl]:
            if drop_mtl and f == ctx.mtl:
                continue
            tar.add(f, arcname=f.name)
            if twice:
                tar.add(f, arcname=f.name.replace("184030", "184031"))
    return archive


def _load(ctx: Ctx, **kw):
    import uhi

    return uhi.load_landsat(ctx.scene, **kw)


def _write_lst(ctx: Ctx, **kw):
    """Load the scene, compute LST and write it into the output folder (the whole chain)."""
    import uhi
    from uhi.io import write_raster

    ds = uhi.load_landsat(ctx.scene, **kw)
    write_raster(uhi.land_surface_temperature(ds, "simple"), ctx.out / "lst.tif")


def _all_fill_lst_then_hotspots(ctx: Ctx):
    from uhi.metrics import hotspots

    _fill_band(ctx.band("B10"), 0)  # DN 0 is the Level-1 fill value
    import uhi

    lst = uhi.land_surface_temperature(uhi.load_landsat(ctx.scene), "simple")
    assert bool(lst.isnull().all())  # fill became NaN, never a temperature
    hotspots(lst)


def _all_nan_risk(ctx: Ctx):
    from uhi.risk import assess_risk

    lst = _raster(np.full((N, N), np.nan, np.float32), units="K")
    assess_risk(lst, _raster(np.ones((N, N), np.float32)))


def _cooling(**kw):
    from uhi.cooling import urban_cooling

    base = dict(ref_et=5.0, t_ref=21.0, uhi_max=3.5)
    base.update(kw)
    params = base.pop("params", None) or _params(_raster())
    return urban_cooling(params, **base)


def _optimize_negative_budget(ctx: Ctx):
    from uhi.interventions import load_catalogue
    from uhi.optimize import optimize

    like = _raster()
    optimize(_params(like), like * 0 + 1.0, load_catalogue(), -1000.0, ref_et=5.0, t_ref=21.0, uhi_max=3.5)


def _scenario_file(ctx: Ctx, text: str) -> Path:
    path = ctx.out.parent / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _scenario(ctx: Ctx, text: str):
    from uhi.scenarios import Scenario

    Scenario.from_toml(_scenario_file(ctx, text))


def _write_existing(ctx: Ctx):
    from uhi.io import write_raster

    (ctx.out / "lst.tif").write_bytes(b"precious")
    try:
        write_raster(_raster(units="K"), ctx.out / "lst.tif")
    finally:
        assert (ctx.out / "lst.tif").read_bytes() == b"precious"  # never replaced
        (ctx.out / "lst.tif").unlink()


def _cli(ctx: Ctx, *args: str):
    """Run ``uhi ARGS`` in-process; a UhiError must become exit code 1 and one line naming the culprit."""
    from typer.testing import CliRunner

    from uhi.cli import app

    result = CliRunner().invoke(app, [a.format(scene=ctx.scene, out=ctx.out, mtl=ctx.mtl) for a in args])
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output, result.output
    assert sum(line.startswith("error:") for line in result.output.splitlines()) == 1, result.output
    # progress lines come first; the error is the last thing printed (rich folds long paths: rejoin the lines)
    message = "".join(result.output.split("error:", 1)[1].splitlines()).strip()
    raise _CliError(message)


class _CliError(UhiError):
    """Carries the CLI's one-line message so the table checks it like a library error."""


SCENE = "LC08_L1TP_184030_20190812_20190821_02_T1"


@dataclass
class Row:
    id: str
    call: Callable[[Ctx], object]
    error: type
    match: str


CASES = [
    # loaders: band files
    Row("truncated band", lambda c: (_truncate(c.band("B4")), _load(c)), SceneFormatError, f"{SCENE}_B4.TIF"),
    Row("corrupt header", lambda c: (_corrupt_header(c.band("B5")), _load(c)), SceneFormatError, f"{SCENE}_B5.TIF"),
    Row("corrupt tile data", lambda c: (_corrupt_tiles(c.band("B10")), _load(c)), SceneFormatError, f"{SCENE}_B10.TIF"),
    Row("corrupt tile, lazy read", lambda c: (_corrupt_tiles(c.band("B4")), _load(c, chunks=32)["red"].compute()),
        SceneFormatError, f"{SCENE}_B4.TIF"),
    Row("truncated band, chain writes nothing", lambda c: (_truncate(c.band("B10")), _write_lst(c)), SceneFormatError, f"{SCENE}_B10.TIF"),
    Row("bands of different shapes", lambda c: (_shrink_band(c.band("B5")), _load(c)), SceneFormatError, r"different shapes.*B5|B5.*different shapes|32 x 32"),
    Row("band file missing", lambda c: (c.band("B4").unlink(), _load(c, bands=["red"])), SceneFormatError, f"{SCENE}_B4.TIF"),
    # loaders: metadata
    Row("MTL missing K1", lambda c: (c.edit_mtl("K1_CONSTANT_BAND_10", None), _load(c)), MetadataError, "K1_CONSTANT_BAND_10"),
    Row("MTL non-numeric K2", lambda c: (c.edit_mtl("K2_CONSTANT_BAND_10", '"warm"'), _load(c)), MetadataError, "K2_CONSTANT_BAND_10"),
    Row("MTL non-numeric reflectance gain", lambda c: (c.edit_mtl("REFLECTANCE_MULT_BAND_4", "abc"), _load(c)), MetadataError, "REFLECTANCE_MULT_BAND_4"),
    Row("MTL missing sun elevation", lambda c: (c.edit_mtl("SUN_ELEVATION", None), _load(c)), MetadataError, "SUN_ELEVATION"),
    Row("MTL truncated", lambda c: (_truncate(c.mtl, 0.3), _load(c)), MetadataError, "MTL"),
    Row("no MTL in folder", lambda c: (c.mtl.unlink(), _load(c)), MetadataError, "metadata"),
    # loaders: archives
    Row("tar without MTL", lambda c: _load_path(_tar(c, drop_mtl=True)), SceneFormatError, "scene.tar.*(MTL|metadata)|(MTL|metadata).*scene.tar"),
    Row("tar with two scenes", lambda c: _load_path(_tar(c, twice=True)), SceneFormatError, "2 scenes"),
    Row("truncated tar", lambda c: _load_path(_truncated(_tar(c))), SceneFormatError, "scene.tar"),
    # all-NaN / all-fill data
    Row("all-fill thermal band -> hotspots", _all_fill_lst_then_hotspots, InputValueError, "valid pixel"),
    Row("all-NaN LST -> risk", lambda c: _all_nan_risk(c), InputValueError, "hazard.*all NaN"),
    Row("all-NaN LST -> utfvi", lambda c: _metrics("utfvi", _raster(np.full((N, N), np.nan, np.float32), units="K")), InputValueError, "all NaN"),
    # geographic CRS given to metre-based operations
    Row("degrees -> hotspots", lambda c: _metrics("hotspots", _geographic()), CRSError, "EPSG:4326.*geographic|geographic.*degrees"),
    Row("degrees -> suhii ring", lambda c: _suhii(_geographic()), CRSError, "geographic"),
    Row("degrees -> park cool island", lambda c: _metrics("park_cool_island", _geographic(), np.eye(N, dtype=bool)), CRSError, "geographic"),
    Row("degrees -> cooling", lambda c: _cooling(params=_params(_geographic())), CRSError, "geographic"),
    Row("degrees -> exposure", lambda c: _risk_fn("exposure_from_population", _geographic()), CRSError, "geographic"),
    Row("no CRS -> cooling", lambda c: _cooling(params=_params(_raster()).drop_vars("spatial_ref")), CRSError, "no CRS"),
    # rasters on different grids
    Row("risk: shifted grid", lambda c: _heat_risk(_raster(), _raster(x0=3.5e5 + 90), _raster()), GridMismatchError, "exposure"),
    Row("risk: other shape", lambda c: _heat_risk(_raster(), _raster(), _raster(np.ones((N, N + 1), np.float32))), GridMismatchError, "vulnerability"),
    Row("risk: other CRS", lambda c: _heat_risk(_raster(), _raster(crs="EPSG:32635"), _raster()), GridMismatchError, "exposure"),
    Row("assess_risk: population off grid", lambda c: _assess(_raster(units="K"), _raster(np.ones((N // 2, N // 2), np.float32))),
        GridMismatchError, "population"),
    Row("cooling: ref_et raster off grid", lambda c: _cooling(ref_et=_raster(x0=0.0)), GridMismatchError, "ref_et"),
    # negative or absurd parameters
    Row("cooling distance 0", lambda c: _cooling(cooling_distance=0), InputValueError, "cooling_distance.*> 0"),
    Row("mixing radius negative", lambda c: _cooling(mixing_radius=-600), InputValueError, "mixing_radius"),
    Row("UHI_max < 0", lambda c: _cooling(uhi_max=-1.0), InputValueError, "uhi_max.*>= 0"),
    Row("UHI_max NaN", lambda c: _cooling(uhi_max=float("nan")), InputValueError, "uhi_max.*finite"),
    Row("ref_et 0", lambda c: _cooling(ref_et=0.0), InputValueError, "ref_et"),
    Row("relative humidity 150 %", lambda c: _cooling(rel_humidity=150), InputValueError, "rel_humidity.*100"),
    Row("budget < 0", _optimize_negative_budget, InputValueError, "budget_eur"),
    Row("Gi* band below a pixel", lambda c: _metrics("hotspots", _raster(units="K"), distance_m=10.0), InputValueError, "distance_m=10"),
    Row("risk weights not summing to 1", lambda c: _heat_risk(_raster(), _raster(), _raster(), method="weighted", weights=(0.5, 0.5, 0.5)),
        InputValueError, "sum to 1.5"),
    Row("synthetic clouds 2", lambda c: _make_scene(c, clouds=2.0), InputValueError, "clouds=2.0"),
    Row("synthetic 3 x 3 px", lambda c: _make_scene(c, shape=(3, 3)), InputValueError, r"shape=\(3, 3\)"),
    # scenario files
    Row("malformed TOML", lambda c: _scenario(c, 'city = "Niš"\n[[intervention]\ntype = "street_trees"\n'), ScenarioError, r"bad.toml.*line 2"),
    Row("TOML unknown key", lambda c: _scenario(c, 'city = "Niš"\ncolour = "red"\n[[intervention]]\ntype = "street_trees"\namount = 4\ntop_risk = { share = 0.1 }\n'),
        ScenarioError, "colour"),
    Row("TOML negative amount", lambda c: _scenario(c, 'city = "Niš"\n[[intervention]]\ntype = "street_trees"\namount = -4\ntop_risk = { share = 0.1 }\n'),
        ScenarioError, r"line 4.*amount|amount.*line 4"),
    Row("TOML unknown intervention", lambda c: _scenario(c, 'city = "Niš"\n[[intervention]]\ntype = "moat"\namount = 4\ntop_risk = { share = 0.1 }\n'),
        ScenarioError, "moat"),
    Row("TOML negative UHI_max", lambda c: _scenario(c, 'city = "Niš"\n[baseline]\nuhi_max = -2\n[[intervention]]\ntype = "street_trees"\namount = 4\ntop_risk = { share = 0.1 }\n'),
        ScenarioError, "uhi_max"),
    Row("TOML missing file", lambda c: _scenario_missing(c), ScenarioError, "nowhere.toml"),
    # outputs
    Row("output path escapes folder", lambda c: _safe(c, "../escape.tif"), OutputPathError, "escape.tif.*outside"),
    Row("absolute output path", lambda c: _safe(c, "/etc/passwd"), OutputPathError, "outside"),
    Row("output exists, no overwrite", _write_existing, OutputExistsError, "lst.tif.*overwrite"),
    Row("write raster without CRS", lambda c: _write_nocrs(c), InputValueError, "no CRS"),
    # CLI: one line, exit 1, nothing written
    Row("CLI lst: truncated band", lambda c: (_truncate(c.band("B10")), _cli(c, "lst", "{scene}", "--out", "{out}/lst.tif")),
        _CliError, f"{SCENE}_B10.TIF"),
    Row("CLI lst: MTL missing K1", lambda c: (c.edit_mtl("K1_CONSTANT_BAND_10", None), _cli(c, "lst", "{scene}", "--out", "{out}/lst.tif")),
        _CliError, "K1_CONSTANT_BAND_10"),
    Row("CLI lst: unknown method", lambda c: _cli(c, "lst", "{scene}", "--method", "magic", "--out", "{out}/lst.tif"), _CliError, "magic"),
    Row("CLI scenario: malformed TOML", lambda c: _cli(c, "scenario", "run", str(_scenario_file(c, "city = \n")), "--out", "{out}/s"),
        _CliError, "bad.toml"),
    # --- issue 13: outputs that cannot be written ------------------------------------------------
    Row("write to /proc", lambda c: _write_to(c, "/proc/x.tif"), OutputPathError, "/proc/x.tif.*cannot be created in /proc"),
    Row("write under a regular file", lambda c: _write_to(c, _a_file(c) / "x.tif"), OutputPathError, "afile is a file, not a folder"),
    Row("write two levels under a regular file", lambda c: _write_to(c, _a_file(c) / "sub" / "x.tif"), OutputPathError, "afile is a file"),
    Row("write where a folder is", lambda c: _write_to(c, _a_folder(c, "lst.tif")), OutputPathError, "lst.tif is a folder"),
    Row("write a name over NAME_MAX", lambda c: _write_to(c, c.out / ("n" * 300 + ".tif")), OutputPathError, "304 bytes.*limit of"),
    Row("write a GeoTIFF as .png", lambda c: _write_to(c, c.out / "lst.png"), OutputPathError, r"lst.png must end in .tif"),
    Row("CLI lst --out /proc/x.tif", lambda c: _cli(c, "lst", "{scene}", "--out", "/proc/x.tif"), _CliError, "/proc/x.tif"),
    Row("CLI lst --out under a file", lambda c: _cli(c, "lst", "{scene}", "--out", str(_a_file(c) / "x.tif")), _CliError, "is a file, not a folder"),
    Row("CLI lst --out a folder", lambda c: _cli(c, "lst", "{scene}", "--out", str(_a_folder(c, "dir.tif"))), _CliError, "dir.tif is a folder"),
    Row("CLI lst --out long name", lambda c: _cli(c, "lst", "{scene}", "--out", "{out}/" + "n" * 300 + ".tif"), _CliError, "limit of"),
    Row("CLI lst --out x.png", lambda c: _cli(c, "lst", "{scene}", "--out", "{out}/lst.png"), _CliError, r"lst.png must end in .tif"),
    Row("CLI risk --out a file", lambda c: _cli(c, "risk", "{scene}", "--out", str(_a_file(c))), _CliError, "afile exists and is a file"),
    Row("CLI optimize --out /proc", lambda c: _cli(c, "optimize", "--out", "/proc/plan"), _CliError, "/proc"),
    Row("CLI scenario run --out under a file", lambda c: _cli(c, "scenario", "run", "sofia-green", "--out", str(_a_file(c) / "s")), _CliError, "afile is a file"),
    # --- chunk sizes ---
    Row("CLI timeseries --chunks 0", lambda c: _cli(c, "timeseries", "{scene}", "--chunks", "0", "--out", "{out}/ts"), _CliError, "--chunks 0"),
    Row("CLI timeseries --chunks -5", lambda c: _cli(c, "timeseries", "{scene}", "--chunks", "-5", "--out", "{out}/ts"), _CliError, "--chunks -5"),
    Row("load_landsat chunks=0", lambda c: _load(c, chunks=0), InputValueError, "chunks y/x=0"),
    Row("load_landsat chunks y=-5", lambda c: _load(c, chunks={"y": -5, "x": 64}), InputValueError, "chunks y=-5"),
    # --- 1 x 1 and 1 x N rasters without a stored grid (cell size unknown) ---
    Row("hotspots 1 x 1", lambda c: _metrics("hotspots", _raster(np.full((1, 1), 300.0, np.float32), units="K")), InputValueError, "1 x 1 pixels"),
    Row("hotspots 1 x N", lambda c: _metrics("hotspots", _raster(np.full((1, 9), 300.0, np.float32), units="K")), InputValueError, "1 x 9 pixels"),
    Row("hotspots 1 x 1 on a stored grid", lambda c: _metrics("hotspots", _gridded(np.full((1, 1), 300.0, np.float32))), InputValueError,
        "extent|at least 3 valid"),
    Row("suhii 1 x 1", lambda c: _metrics("suhii", _raster(np.full((1, 1), 300.0, np.float32), units="K"), np.ones((1, 1), bool)),
        InputValueError, "1 x 1 pixels"),
    Row("suhii 1 x N", lambda c: _metrics("suhii", _raster(np.full((1, 9), 300.0, np.float32), units="K"), np.eye(1, 9, dtype=bool)),
        InputValueError, "1 x 9 pixels"),
    Row("zonal_stats 1 x 1", lambda c: _zonal(_raster(np.full((1, 1), 300.0, np.float32))), InputValueError, "1 x 1 pixels"),
    Row("zonal_stats 1 x N", lambda c: _zonal(_raster(np.full((1, 9), 300.0, np.float32))), InputValueError, "1 x 9 pixels"),
    # --- string and object rasters ---
    Row("ndvi of strings", lambda c: _ndvi(np.full((N, N), "0.3")), InputValueError, "dtype <U3.*numeric"),
    Row("ndvi of objects", lambda c: _ndvi(np.full((N, N), None, dtype=object)), InputValueError, "dtype object.*numeric"),
    Row("hotspots of strings", lambda c: _metrics("hotspots", _raster(np.full((N, N), "300"), units="K")), InputValueError, "lst has dtype <U3"),
    Row("hotspots of objects", lambda c: _metrics("hotspots", _raster(np.full((N, N), 300.0, dtype=object), units="K")), InputValueError,
        "lst has dtype object"),
    Row("utfvi of strings", lambda c: _metrics("utfvi", _raster(np.full((N, N), "300"), units="K")), InputValueError, "lst has dtype <U3"),
    Row("utfvi of objects", lambda c: _metrics("utfvi", _raster(np.full((N, N), 300.0, dtype=object), units="K")), InputValueError,
        "lst has dtype object"),
    # --- square brackets (Rich markup) in user text are printed as typed ---
    Row("CLI lst: scene path with [bold]", lambda c: _cli(c, "lst", str(c.out.parent / "[bold]scene[/bold]"), "--out", "{out}/lst.tif"),
        _CliError, r"\[bold\]scene\[/bold\]"),
    Row("CLI lst: --out with [red] and .png", lambda c: _cli(c, "lst", "{scene}", "--out", "{out}/[red]x[/red].png"), _CliError,
        r"\[red\]x\[/red\]\.png"),
    Row("CLI scenario: unknown variant [x]", lambda c: _cli(c, "scenario", "run", "sofia-green", "--variant", "[x]", "--out", "{out}/s"),
        _CliError, r"\[x\]"),
    # --- all-NaN / all-fill outputs stop with the cause (or need --allow-empty) ---
    Row("CLI lst: all-zero thermal band", lambda c: (_fill_band(c.band("B10"), 0), _cli(c, "lst", "{scene}", "--out", "{out}/lst.tif")),
        _CliError, "thermal band.*--allow-empty"),
    Row("CLI lst: QA mask removes everything", lambda c: (_fill_band(c.band("QA_PIXEL"), 0b1000), _cli(c, "lst", "{scene}", "--mask-clouds",
        "--out", "{out}/lst.tif")), _CliError, "QA.*every pixel|fill, NaN or masked"),
    Row("CLI risk: all-zero thermal band", lambda c: (_fill_band(c.band("B10"), 0), _cli(c, "risk", "{scene}", "--out", "{out}/r")),
        _CliError, "valid LST"),
    Row("CLI timeseries: all-zero thermal band", lambda c: (_fill_band(c.band("B10"), 0), _cli(c, "timeseries", "{scene}", "--chunks", "32",
        "--out", "{out}/ts")), _CliError, "valid LST"),
    Row("CLI timeseries: outputs exist", lambda c: (_touch(c.out.parent / "ts" / "max_lst.tif"), _cli(c, "timeseries", "{scene}",
        "--out", str(c.out.parent / "ts"))), _CliError, "max_lst.tif; add --overwrite"),
    # --- parameters outside their physical range ---
    Row("cooling uhi_max 1e9", lambda c: _cooling(uhi_max=1e9), InputValueError, r"uhi_max=1e\+09 is outside its physical range \[0, 15\]"),
    Row("cooling t_ref 100 degC", lambda c: _cooling(t_ref=100.0), InputValueError, r"t_ref=100.*physical range"),
    Row("CLI optimize --uhi-max 0", lambda c: _cli(c, "optimize", "--uhi-max", "0", "--out", "{out}/p"), _CliError, "--uhi-max 0.*no heat island"),
    Row("CLI optimize --uhi-max 1e9", lambda c: _cli(c, "optimize", "--uhi-max", "1e9", "--out", "{out}/p"), _CliError, "--uhi-max 1e\\+09"),
    Row("optimize uhi_max 0", lambda c: _optimize(c, uhi_max=0.0), InputValueError, "uhi_max=0.*no heat island"),
    Row("Gi* band larger than the raster", lambda c: _metrics("hotspots", _raster(units="K"), distance_m=1e5), InputValueError,
        "distance_m=100000 exceeds the raster's extent"),
    # --- CLI words and reruns ---
    Row("CLI lst: output exists says --overwrite", lambda c: (_touch(c.out.parent / "old.tif"), _cli(c, "lst", "{scene}", "--out",
        str(c.out.parent / "old.tif"))), _CliError, "^(?!.*overwrite=True).*--overwrite"),
    Row("CLI risk: rerun into a used folder", lambda c: (_touch(c.out.parent / "used" / "lst.tif"), _cli(c, "risk", "{scene}", "--out",
        str(c.out.parent / "used"))), _CliError, "already holds the results of an earlier run; add --overwrite"),
    Row("write_raster exists, CLI words", lambda c: _cli_words_of_library_error(c), _CliError, "^(?!.*overwrite=True).*pass --overwrite"),
]


def _load_path(path: Path):
    import uhi

    return uhi.load_landsat(path)


def _truncated(path: Path) -> Path:
    _truncate(path, 0.4)
    return path


def _metrics(name: str, *args, **kw):
    import uhi.metrics

    return getattr(uhi.metrics, name)(*args, **kw)


def _risk_fn(name: str, *args, **kw):
    import uhi.risk

    return getattr(uhi.risk, name)(*args, **kw)


def _heat_risk(h, e, v, **kw):
    from uhi.risk import heat_risk

    return heat_risk(h.rename("hazard"), e.rename("exposure"), v.rename("vulnerability"), **kw)


def _assess(lst, population):
    from uhi.risk import assess_risk

    return assess_risk(lst, population)


def _suhii(lst):
    from uhi.metrics import suhii

    urban = np.zeros((N, N), bool)
    urban[20:40, 20:40] = True
    return suhii(lst, urban)


def _make_scene(ctx: Ctx, **kw):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", out=ctx.out, **{"shape": (N, N), **kw})


def _scenario_missing(ctx: Ctx):
    from uhi.scenarios import Scenario

    Scenario.from_toml(ctx.out.parent / "nowhere.toml")


def _safe(ctx: Ctx, rel: str):
    from uhi.io import safe_output_path

    return safe_output_path(ctx.out, rel)


def _write_nocrs(ctx: Ctx):
    from uhi.io import write_raster

    write_raster(_raster().drop_vars("spatial_ref"), ctx.out / "x.tif")


def _write_to(ctx: Ctx, path):
    from uhi.io import write_raster

    write_raster(_raster(units="K"), path)


def _a_file(ctx: Ctx) -> Path:
    path = ctx.out.parent / "afile"
    path.write_text("a regular file")
    return path


def _a_folder(ctx: Ctx, name: str) -> Path:
    path = ctx.out.parent / name
    path.mkdir()
    return path


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"an earlier result")
    return path


def _gridded(values) -> xr.DataArray:
    """A raster whose cell size is stored in its transform (as when read from a GeoTIFF)."""
    from affine import Affine

    return _raster(values, units="K").rio.write_transform(Affine(30.0, 0.0, 3.5e5, 0.0, -30.0, 4.7e6))


def _zonal(raster, **kw):
    import geopandas as gpd
    from shapely.geometry import box

    from uhi.zonal import zonal_stats

    zones = gpd.GeoDataFrame({"name": ["a"]}, geometry=[box(3.5e5, 4.7e6 - 300, 3.5e5 + 300, 4.7e6)], crs="EPSG:32634")
    return zonal_stats(raster, zones, **kw)


def _ndvi(values):
    from uhi.indices import ndvi

    return ndvi(_raster(values), _raster(values))


def _optimize(ctx: Ctx, **kw):
    from uhi.interventions import load_catalogue
    from uhi.optimize import optimize

    like = _raster()
    base = dict(ref_et=5.0, t_ref=21.0, uhi_max=3.5)
    base.update(kw)
    optimize(_params(like), like * 0 + 1.0, load_catalogue(), 1e6, **base)


def _cli_words_of_library_error(ctx: Ctx):
    """A library OutputExistsError says ``overwrite=True``; printed by the CLI it must say ``--overwrite``."""
    from uhi.cli._common import handle_errors
    from uhi.io import write_raster

    target = _touch(ctx.out.parent / "kept.tif")

    @handle_errors
    def command():
        write_raster(_raster(units="K"), target)

    import click
    from click.testing import CliRunner

    result = CliRunner().invoke(click.command()(command))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    raise _CliError("".join(result.output.split("error:", 1)[1].splitlines()).strip())


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


@pytest.mark.parametrize("row", CASES, ids=[r.id for r in CASES])
def test_bad_input_raises_documented_error_and_leaves_no_file(row: Row, scene_dir, tmp_path):
    scene = tmp_path / "in" / scene_dir.name
    shutil.copytree(scene_dir, scene)
    out = tmp_path / "out"
    out.mkdir()
    before_in = _files(tmp_path / "in")
    with pytest.raises(UhiError) as info:
        row.call(Ctx(scene=scene, out=out))
    assert isinstance(info.value, row.error), f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    assert re.search(row.match, message), f"{message!r} does not match {row.match!r}"
    assert len(message) < 600, "a message is one or two sentences, not a dump"
    assert _files(out) == set(), f"left behind: {_files(out)}"
    leftovers = {f for f in _files(tmp_path / "in") - before_in if "partial" in f or f.endswith(".tmp")}
    assert not leftovers, leftovers


def test_scenario_file_not_utf8(tmp_path):
    from uhi.scenarios import Scenario

    path = tmp_path / "latin1.toml"
    path.write_bytes('city = "Niš"\n'.encode("utf-8").replace("š".encode("utf-8"), b"\xff"))
    with pytest.raises(ScenarioError, match="latin1.toml"):
        Scenario.from_toml(path)


def test_table_covers_every_error_class():
    classes = {r.error for r in CASES} - {_CliError}
    assert classes == {SceneFormatError, MetadataError, CRSError, GridMismatchError, InputValueError, ScenarioError,
                       OutputExistsError, OutputPathError}


# --- hypothesis: parsers never raise anything but their UhiError ----------------------------------

_mtl_lines = st.lists(
    st.one_of(
        st.sampled_from(["GROUP = L1_METADATA_FILE", "END_GROUP = L1_METADATA_FILE", "GROUP = A", "END_GROUP = A", "END", ""]),
        st.builds(lambda k, v: f"  {k} = {v}", st.from_regex(r"[A-Z_0-9]{1,12}", fullmatch=True),
                  st.one_of(st.text(max_size=12), st.floats(allow_nan=True).map(str), st.integers().map(str))),
        st.text(max_size=30),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mtl_lines)
def test_mtl_parser_gives_dict_or_metadata_error(lines):
    from uhi.io.mtl import parse_mtl_text

    try:
        result = parse_mtl_text("\n".join(lines), source="fuzz_MTL.txt")
    except MetadataError as exc:
        assert "fuzz_MTL.txt" in str(exc)
    else:
        assert isinstance(result, dict) and result


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=st.text(max_size=200))
def test_scenario_toml_gives_scenario_or_scenario_error(tmp_path, text):
    from uhi.scenarios import Scenario

    path = tmp_path / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        Scenario.from_toml(path)
    except ScenarioError as exc:
        assert "fuzz.toml" in str(exc) or "scenario" in str(exc).lower()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(["..", ".", "a", "b c", "out", "x.tif", "", "/"]), min_size=1, max_size=6))
def test_safe_output_path_inside_or_refused(tmp_path, parts):
    from uhi.io import safe_output_path

    rel = "/".join(parts)
    base = (tmp_path / "out").resolve()
    try:
        target = safe_output_path(base, rel)
    except OutputPathError as exc:
        assert "outside the output directory" in str(exc)
    else:
        assert target == base or base in target.parents


# --- what used to be wrong or unclear now works (issue 13) ------------------------------------------

def test_zonal_stats_of_a_one_pixel_geotiff_is_its_value(tmp_path):
    """A 1 x 1 raster read from a GeoTIFF keeps its 30 m cell (stored transform): the zone gets its value."""
    import rioxarray as rxr

    from uhi.io import write_raster

    path = write_raster(_gridded(np.full((1, 1), 301.5, np.float32)), tmp_path / "one.tif")
    one = rxr.open_rasterio(path).squeeze("band", drop=True)
    row = _zonal(one, stats=("mean", "count", "area_m2")).iloc[0]
    assert (row["mean"], row["count"], row["area_m2"]) == (pytest.approx(301.5), 1, pytest.approx(900.0))  # 30 m x 30 m


def test_zonal_stats_default_statistics_need_no_threshold():
    from uhi.zonal import DEFAULT_STATS

    out = _zonal(_raster(units="K"))
    assert "area_share_above" not in DEFAULT_STATS and {"mean", "p90", "count"} <= set(out.columns)
    assert out["count"].iloc[0] == 100  # the 300 m box holds 10 x 10 pixels of 30 m (hand count)


def test_bare_import_reaches_analysis_and_workflows():
    """The README snippet's ``import uhi`` then ``uhi.analysis...`` / ``uhi.workflows...`` in a fresh interpreter."""
    import subprocess
    import sys

    code = "import uhi; print(uhi.analysis.analyse_city.__name__, uhi.workflows.example_scenarios('Sofia')[0].suffix)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["analyse_city", ".toml"], done.stderr


@pytest.mark.parametrize("command, shown", [(["risk"], "[g cm-2]"), (["scenario", "run"], "[[variant]]"),
                                            (["lst"], "[g cm-2]"), (["optimize"], "[°C]"), (["timeseries"], "[px]")])
def test_help_texts_show_units_and_brackets(command, shown):
    from typer.testing import CliRunner

    from uhi.cli import app

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and shown in result.output, result.output


def test_progress_lines_when_piped(monkeypatch, capsys):
    """Output not on a terminal: one line per step plus a heartbeat line with step and elapsed time."""
    import time

    from uhi.cli import _common

    monkeypatch.setattr(_common, "HEARTBEAT_SECONDS", 0.1)
    with _common.steps(2) as advance:
        advance("computing [slow] step")
        time.sleep(0.5)
    err = capsys.readouterr().err
    assert "- computing [slow] step" in err
    assert re.search(r"\.\.\. computing \[slow\] step \(step 1/2, \d+ s elapsed\)", err), err


def test_cli_prints_bracketed_names_as_typed(capsys, monkeypatch):
    import pandas as pd

    from uhi.cli import _common

    monkeypatch.setattr(_common.console, "width", 400)  # a wide terminal: no cell is truncated
    from uhi.cli import scenario as scenario_cli

    nan = float("nan")
    df = pd.DataFrame([{"rank": 1, "scenario": "[bold]Trees[/bold] / [red]", "cost_eur": 1.0, "mean_delta_t_air": -0.1,
                        "degc_person_reduced": 5.0, "cost_per_degc_person": 0.2, "people_protected": nan,
                        "eur_per_resident_protected": nan}])
    scenario_cli._print_ranking(df)
    assert "[bold]Trees[/bold]" in capsys.readouterr().err
    from uhi.cli import demo as demo_cli

    df = df.assign(popweighted_delta_t_air=-0.1, max_cooling_t_air=0.5)
    demo_cli._print_comparison(df)
    err = capsys.readouterr().err
    assert "[bold]Trees[/bold]" in err and "ΔT [K]" in err  # column units kept (a difference: kelvin)


def test_cli_cities_lists_sources():
    from typer.testing import CliRunner

    from uhi.cli import app

    result = CliRunner().invoke(app, ["cities"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Sources" in result.output and "Sofia population: NSI" in result.output
    assert "[deg, WGS 84]" in result.output  # a unit in the title, not swallowed as a Rich style tag


def test_cli_lst_defaults_to_automatic_method_and_allow_empty(scene_dir, tmp_path):
    """``uhi lst`` without --method picks the best method (the synthetic scene carries water vapour -> split-window);
    an all-fill thermal band writes an all-NaN raster only with --allow-empty, and says so."""
    import rasterio
    from typer.testing import CliRunner

    from uhi.cli import app

    scene = tmp_path / scene_dir.name
    shutil.copytree(scene_dir, scene)
    result = CliRunner().invoke(app, ["lst", str(scene), "--out", str(tmp_path / "lst.tif")], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "split-window LST" in result.output, result.output
    _fill_band(scene / f"{scene.name}_B10.TIF", 0)
    result = CliRunner().invoke(app, ["lst", str(scene), "--allow-empty", "--out", str(tmp_path / "empty.tif")], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "every pixel NaN" in result.output, result.output
    with rasterio.open(tmp_path / "empty.tif") as src:
        assert np.isnan(src.read(1)).all()
