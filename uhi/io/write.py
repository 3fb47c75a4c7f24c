"""Atomic, non-clobbering output: rasters (COG / tiled GeoTIFF) and any other file.

Every file uhi writes goes to a temporary file in the destination folder and is
renamed into place only when complete, so an error or Ctrl-C never leaves a
half-written output behind, and an existing file is never replaced unless the
caller asks for it (``overwrite=True``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputValueError, OutputExistsError, OutputPathError

__all__ = ["atomic_path", "check_output_path", "output_folder", "refuse_existing", "safe_output_path", "write_raster", "write_rasters", "written_paths"]

#: File name endings :func:`write_raster` accepts (it writes GeoTIFF, nothing else).
RASTER_SUFFIXES = (".tif", ".tiff")


def safe_output_path(out_dir: str | os.PathLike, relative: str | os.PathLike) -> Path:
    """Resolve ``relative`` inside ``out_dir``; refuse paths that escape it.

    Raises :class:`~uhi.errors.OutputPathError` for absolute paths or ``..``
    components that would leave the output directory.
    """
    base = Path(out_dir).resolve()
    target = (base / Path(relative)).resolve()
    if base != target and base not in target.parents:
        raise OutputPathError(f"output path {str(relative)!r} resolves to {target}, outside the output directory {base}")
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """Context manager yielding a temporary path that is renamed to ``path`` on success.

    The temporary file sits in the same folder (so the rename is atomic) and keeps
    the suffix (so drivers that look at the extension still work). On any
    exception, including ``KeyboardInterrupt``, it is removed.
    """
    path = Path(path)
    _check_name_length(path)
    if path.is_dir():
        raise OutputPathError(f"output {path} is a folder; give a file name inside it (e.g. {path / ('out' + (path.suffix or '.tif'))})")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=f".partial{path.suffix}", dir=path.parent)
    except OSError as exc:
        raise OutputPathError(f"cannot write {path}: {_why(exc, path)}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it (some drivers refuse an existing file)
    try:
        yield tmp
        _pause_for_tests(path)
        if not tmp.exists():
            raise OutputPathError(f"writer produced no file for {path}")
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputPathError(f"cannot write {path}: {_why(exc, path)}") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        # side-car files some drivers create (e.g. .aux.xml)
        for extra in tmp.parent.glob(tmp.name + "*"):
            with contextlib.suppress(OSError):
                extra.unlink()
        raise


def refuse_existing(path: str | os.PathLike, *, overwrite: bool = False, names=None, folder: bool = True,
                    suffixes: tuple[str, ...] | None = None) -> Path:
    """Before any work: refuse an output that cannot be written or that would replace results not asked to be.

    ``folder=True``: ``path`` is an output folder (:func:`check_output_path`); without ``overwrite`` it must
    not hold any of ``names`` (default: any file at all, so a rerun into a used folder is refused).
    ``folder=False``: ``path`` is one output file ending in one of ``suffixes``, refused if it exists.
    Raises :class:`~uhi.errors.OutputExistsError` (or :class:`~uhi.errors.OutputPathError`); returns ``Path(path)``.
    """
    path = check_output_path(path, folder=folder, suffixes=suffixes)
    if overwrite:
        return path
    if not folder:
        if path.exists():
            raise OutputExistsError(f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it")
        return path
    if not path.is_dir():
        return path
    if names is None:
        if any(p.name[:1] != "." for p in path.iterdir()):
            raise OutputExistsError(f"{path}/ already holds the results of an earlier run; add --overwrite to replace them, "
                                    "or give another output folder")
        return path
    found = [str(n) for n in names if (path / n).exists()]
    if found:
        raise OutputExistsError(f"{path}/ already holds {', '.join(found[:5])}{' ...' if len(found) > 5 else ''}; "
                                "add --overwrite to replace them")
    return path


@contextlib.contextmanager
def output_folder(out_dir: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """Write a whole output folder as a unit: yields a temporary sibling folder, put in place at the end.

    Everything is written into ``.<name>.partial-*`` beside ``out_dir``. On success the folder is renamed
    to ``out_dir``. When ``out_dir`` exists, the files of it that the run does not write are first linked
    into the temporary folder (a file of the same name is replaced only with ``overwrite``), then the two
    folders are swapped by two renames, so ``out_dir`` always holds either the old or the whole new set
    of files, never a mix. On any error or Ctrl-C the temporary folder is removed (and the old folder put
    back), so no partial output is ever left behind.
    """
    out_dir = Path(out_dir)
    check_output_path(out_dir, folder=True)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name[:40]}.partial-", dir=out_dir.parent))
    except OSError as exc:
        raise OutputPathError(f"cannot write {out_dir}: {_why(exc, out_dir)}") from None
    old = None
    try:
        yield tmp
        tmp.chmod(0o755)  # mkdtemp makes it private; an output folder is an ordinary folder
        if not out_dir.exists():
            os.rename(tmp, out_dir)
            return
        new = {p.relative_to(tmp) for p in tmp.rglob("*") if not p.is_dir()}
        clash = sorted(str(out_dir / r) for r in new if (out_dir / r).exists())
        if clash and not overwrite:
            raise OutputExistsError(f"{clash[0]} already exists; pass overwrite=True (CLI: --overwrite) to replace it")
        if out_dir.is_symlink() or os.path.ismount(out_dir):  # the folder itself cannot be swapped: file by file
            _move_files(tmp, out_dir, new)
            shutil.rmtree(tmp, ignore_errors=True)
            return
        _link_others(out_dir, tmp, new)
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name[:40]}.old-", dir=out_dir.parent))
        os.rename(out_dir, old / "d")
        os.rename(tmp, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        if old is not None and (old / "d").exists() and not out_dir.exists():
            os.rename(old / "d", out_dir)  # interrupted between the two renames: the old folder goes back
        for p in (tmp, old):
            if p is not None:
                shutil.rmtree(p, ignore_errors=True)
        raise


def _link_others(src: Path, dst: Path, skip: set) -> None:
    """Hard-link (copy where links fail) every file of ``src`` not in ``skip`` (relative paths) into ``dst``."""
    for p in sorted(src.rglob("*")):
        rel = p.relative_to(src)
        if p.is_dir() or rel in skip:
            continue
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(p, target, follow_symlinks=False)
        except OSError:
            shutil.copy2(p, target, follow_symlinks=False)


def _move_files(src: Path, dst: Path, files: set) -> None:
    for rel in sorted(files):
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src / rel, target)


def written_paths(paths, tmp: Path, out_dir: Path) -> list[Path]:
    """``paths`` written under the temporary folder of :func:`output_folder`, as they are once in place."""
    tmp, out_dir = Path(tmp).resolve(), Path(out_dir)
    out = []
    for p in paths:
        p = Path(p).resolve()
        out.append(out_dir / p.relative_to(tmp) if tmp in p.parents or p == tmp else p)
    return out


def check_output_path(path: str | os.PathLike, *, suffixes: tuple[str, ...] | None = None, folder: bool = False) -> Path:
    """Refuse, before any work, an output path that cannot be written.

    Checks that no component is longer than the file system allows, that no parent is a regular
    file, that the nearest existing parent is a writable folder, that a file is not a folder (or a
    folder not a file, ``folder=True``) and, for files, that the name ends in one of ``suffixes``.
    Raises :class:`~uhi.errors.OutputPathError` naming the path and the reason; returns ``Path(path)``.
    """
    path = Path(path)
    _check_name_length(path)
    if folder and path.exists() and not path.is_dir():
        raise OutputPathError(f"output folder {path} exists and is a file; give a folder path")
    if not folder and path.is_dir():
        raise OutputPathError(f"output {path} is a folder; give a file name inside it (e.g. {path / ('out' + (path.suffix or '.tif'))})")
    if not folder and suffixes and path.suffix.lower() not in suffixes:
        raise OutputPathError(f"output {path} must end in {' or '.join(suffixes)} (it is written as GeoTIFF, not {path.suffix or 'without an extension'})")
    start = path if folder else path.parent
    existing = next((p for p in [start, *start.parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise OutputPathError(f"cannot write {path}: {existing} is a file, not a folder")
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {path}: permission denied in {existing}")
    if existing is not None and existing.resolve().parts[:2] in (("/", "proc"), ("/", "sys")):
        raise OutputPathError(f"cannot write {path}: files cannot be created in {existing}")
    return path


def _why(exc: OSError, path: Path) -> str:
    """The reason an output cannot be written, in words (no errno dump)."""
    import errno

    parent = next((p for p in [path, *path.parents] if p.exists()), None)
    if parent is not None and parent.is_file() and parent != path:
        return f"{parent} is a file, not a folder"
    reasons = {
        errno.EACCES: "permission denied", errno.EPERM: "not permitted", errno.EROFS: "read-only file system",
        errno.ENOENT: f"files cannot be created in {parent}", errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EISDIR: "it is a folder", errno.ENAMETOOLONG: "the file name is too long for this system",
        errno.ENOSPC: "no space left on the device", errno.EXDEV: "the temporary file is on another device",
    }
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


def _check_name_length(path: Path) -> None:
    """Refuse a file name the file system cannot hold (before any work, with the limit in the message)."""
    folder = next((p for p in path.parents if p.exists()), Path("."))
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = 255
    longest = max((part for part in path.parts), key=lambda part: len(os.fsencode(part)))
    if len(os.fsencode(longest)) > limit:
        raise OutputPathError(
            f"cannot write {str(path)[:80]}...: the name {longest[:40]!r}... has {len(os.fsencode(longest))} bytes, "
            f"more than this file system's limit of {limit}"
        )


#: Test hook: when ``UHI_TEST_PAUSE_WRITE`` is set to ``N``, the N-th file written by this process
#: announces ``uhi-test: paused writing <path>`` on stderr and sleeps inside the write (the
#: temporary file is complete, the final name not yet taken) so a test can interrupt it deterministically.
_PAUSE_ENV = "UHI_TEST_PAUSE_WRITE"
_writes = [0]


def _pause_for_tests(path: Path) -> None:
    target = os.environ.get(_PAUSE_ENV)
    if not target:
        return
    _writes[0] += 1
    if _writes[0] == int(target):
        import sys
        import time

        print(f"uhi-test: paused writing {path}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("UHI_TEST_PAUSE_SECONDS", "60")))


def write_raster(
    da: xr.DataArray,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    compress: str = "DEFLATE",
    nodata: float | None = None,
) -> Path:
    """Write a 2-D georeferenced DataArray to a Cloud-Optimized GeoTIFF, atomically.

    Numpy-backed data is written with GDAL's COG driver. Dask-backed data is
    streamed to a tiled, compressed GeoTIFF (512x512 tiles) one band of chunk rows
    at a time: each band is computed by dask (in parallel over its chunks) and
    written before the next starts, so memory holds one band and its halo, never
    the raster, however deep the lazy graph (neighbourhood operations included).
    CF attributes (``units``, ``long_name``) are stored as GeoTIFF tags. ``nodata``
    defaults to NaN for floating-point data and to an integer raster's own ``_FillValue``. Several outputs
    of one lazy graph: :func:`write_rasters` (one pass instead of one per file).
    """
    return write_rasters({path: da}, overwrite=overwrite, compress=compress, nodata=nodata)[0]


def write_rasters(
    rasters: Mapping[str | os.PathLike, xr.DataArray],
    *,
    overwrite: bool = False,
    compress: str = "DEFLATE",
    nodata: float | Mapping | None = None,
) -> list[Path]:
    """Write several 2-D rasters (``{path: DataArray}``) in one pass over their shared lazy graph.

    Dask-backed rasters are streamed together, one band of chunk rows at a time: each band of
    every output is computed in a single ``dask.compute`` call, so work the outputs share (e.g.
    ``risk`` and the ``risk_class`` derived from it, and the reads below them) runs once per band,
    not once per file, and memory holds one band of each output. Numpy-backed rasters are written
    as with :func:`write_raster` (Cloud-Optimized GeoTIFF), which calls this function.

    Every file is written to a temporary file beside it and renamed into place only when all
    outputs are complete; on any error (or Ctrl-C) no temporary or partial file is left behind.
    Before any work, a path that exists is refused unless ``overwrite=True``, as is a path given
    twice or one that cannot be written.

    Parameters
    ----------
    rasters : mapping of path to xarray.DataArray
        Outputs (``.tif`` / ``.tiff``) and the georeferenced 2-D rasters to write there.
    overwrite : bool
        Replace existing files.
    compress : str
        GDAL compression of every output (``"DEFLATE"``, ``"ZSTD"``, ``"LZW"``, ``"NONE"``, ...); DEFLATE and
        ZSTD at level :data:`COMPRESSION_LEVEL` (1: fast, files about as small as at higher levels).
    nodata : float or mapping of path to float, optional
        No-data value of all outputs, or per output; default NaN for floating-point data and, for
        integers, the raster's own fill value (``_FillValue`` / ``rio.nodata``) if it has one.

    Returns
    -------
    list of pathlib.Path
        The written files, in the order given.
    """
    items = list(rasters.items())
    if not items:
        raise InputValueError("write_rasters needs at least one {path: raster} to write")
    per_path = {Path(k): v for k, v in nodata.items()} if isinstance(nodata, Mapping) else None
    jobs = []
    for path, da in items:
        if not isinstance(da, xr.DataArray):
            raise InputValueError(f"cannot write {path}: expected an xarray.DataArray, got {type(da).__name__}")
        if da.rio.crs is None:
            raise InputValueError(f"cannot write {path}: the raster has no CRS (set one with .rio.write_crs())")
        path = check_output_path(path, suffixes=RASTER_SUFFIXES)
        value = per_path.get(path) if per_path is not None else nodata
        if value is None:  # NaN for floats; an integer raster's own fill value (e.g. class 0 = no data) if it has one
            value = np.nan if np.issubdtype(da.dtype, np.floating) else da.rio.nodata
        out = da if value is None else da.rio.write_nodata(value, encoded=False)
        tags = {k: str(v) for k, v in da.attrs.items() if isinstance(v, (str, int, float))}
        jobs.append((path, out, value, tags))
    paths = [j[0] for j in jobs]
    seen = set()
    for p in paths:
        key = p.resolve()
        if key in seen:
            raise OutputPathError(f"{p} is given twice; each output needs its own file")
        seen.add(key)
    if not overwrite:  # refuse before any work, not after computing the first outputs
        for p in paths:
            refuse_existing(p, folder=False, suffixes=RASTER_SUFFIXES)
    with contextlib.ExitStack() as stack:
        tmps = [stack.enter_context(atomic_path(p, overwrite=overwrite)) for p in paths]
        streamed = []
        for tmp, (_, out, value, tags) in zip(tmps, jobs):
            if _is_dask(out) and out.ndim == 2:
                streamed.append((out, tmp, value, tags))
            elif _is_dask(out):
                out.rio.to_raster(tmp, driver="GTiff", tiled=True, blockxsize=TILE, blockysize=TILE, compress=compress,
                                  BIGTIFF="IF_SAFER", lock=threading.Lock(), tags=tags, **_codec_options(compress, "GTiff"))
            else:
                out.rio.to_raster(tmp, driver="COG", compress=compress, BIGTIFF="IF_SAFER", tags=tags,
                                  **_codec_options(compress, "COG"))
        if streamed:
            _write_dask_in_bands(streamed, compress=compress)
    return paths


#: Compression level of DEFLATE and ZSTD outputs. Level 1 rather than GDAL's default (DEFLATE 6, ZSTD 9):
#: on an 8000^2 float32 LST raster DEFLATE 1 wrote 6x faster (3.5 s against 21 s) and read 1.9x faster,
#: for a file 1 % larger (121.7 against 120.4 MiB); measured with benchmarks/scale.py's lst.tif, see
#: benchmarks/README.md. Floating-point rasters of measured data are mostly noise bits that no level compresses.
COMPRESSION_LEVEL = 1


def _codec_options(compress: str, driver: str) -> dict:
    """GDAL creation options: :data:`COMPRESSION_LEVEL` for DEFLATE / ZSTD, and compression on every core."""
    options = {"NUM_THREADS": "ALL_CPUS"}
    codec = str(compress).upper()
    if codec in ("DEFLATE", "ZSTD"):
        key = "LEVEL" if driver == "COG" else ("ZLEVEL" if codec == "DEFLATE" else "ZSTD_LEVEL")
        options[key] = COMPRESSION_LEVEL
    return options


def _is_dask(da: xr.DataArray) -> bool:
    return type(da.data).__module__.startswith("dask")


#: Tile side of streamed GeoTIFFs [px]; bands of rows are multiples of it, so every tile is written once.
TILE = 512


def _write_dask_in_bands(items: list, *, compress: str) -> None:
    """Stream 2-D dask-backed rasters ``[(da, path, nodata, tags), ...]`` to tiled GeoTIFFs, one band of rows at a time.

    The band height is the largest row chunk rounded up to whole tiles, so a band is usually
    exactly one row of chunks: dask computes those chunks of every output (and the halos they
    need) in one call, in parallel, sharing the tasks the outputs have in common; the bands are
    written, and their memory is released before the next band starts.
    """
    import dask
    import rasterio
    from rasterio.windows import Window

    datas = []
    for da, _, _, _ in items:
        data = da.data
        datas.append(data.astype(np.uint8) if data.dtype == bool else data)
    band_rows = max(TILE, -(-max(max(d.chunks[0]) for d in datas) // TILE) * TILE)
    with contextlib.ExitStack() as stack:
        dsts = []
        for data, (da, path, nodata, tags) in zip(datas, items):
            ny, nx = data.shape
            profile = dict(
                driver="GTiff", width=nx, height=ny, count=1, dtype=data.dtype, crs=da.rio.crs,
                transform=da.rio.transform(recalc=True), nodata=nodata, tiled=True, blockxsize=TILE, blockysize=TILE,
                compress=compress, BIGTIFF="IF_SAFER", **_codec_options(compress, "GTiff"),
            )
            dst = stack.enter_context(rasterio.open(path, "w", **profile))
            if tags:
                dst.update_tags(**tags)
            dsts.append(dst)
        for y0 in range(0, max(d.shape[0] for d in datas), band_rows):
            live = [i for i, d in enumerate(datas) if y0 < d.shape[0]]
            bands = dask.compute(*[datas[i][y0:y0 + band_rows] for i in live])
            for i, values in zip(live, bands):
                values = np.asarray(values)
                dsts[i].write(values, 1, window=Window(0, y0, values.shape[1], values.shape[0]))
            del bands
