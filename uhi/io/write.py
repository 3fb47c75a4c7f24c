"""Atomic, non-clobbering output: rasters (COG / tiled GeoTIFF) and any other file.

Every file uhi writes goes to a temporary file in the destination folder and is
renamed into place only when complete, so an error or Ctrl-C never leaves a
half-written output behind, and an existing file is never replaced unless the
caller asks for it (``overwrite=True``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import numpy as np
import xarray as xr

from ..errors import InputValueError, OutputExistsError, OutputPathError

__all__ = ["atomic_path", "write_raster", "safe_output_path"]


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
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} already exists; pass overwrite=True (CLI: --overwrite) to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".partial{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # let the writer create it (some drivers refuse an existing file)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputPathError(f"writer produced no file for {path}")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        # side-car files some drivers create (e.g. .aux.xml)
        for extra in tmp.parent.glob(tmp.name + "*"):
            with contextlib.suppress(OSError):
                extra.unlink()
        raise


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
    streamed chunk by chunk to a tiled, compressed GeoTIFF (512x512 tiles) with
    a lock, so the raster is never materialised in memory. CF attributes
    (``units``, ``long_name``) are stored as GeoTIFF tags.
    """
    if da.rio.crs is None:
        raise InputValueError(f"cannot write {path}: the raster has no CRS (set one with .rio.write_crs())")
    path = Path(path)
    if nodata is None:
        nodata = np.nan if np.issubdtype(da.dtype, np.floating) else None
    out = da
    if nodata is not None:
        out = out.rio.write_nodata(nodata, encoded=False)
    tags = {k: str(v) for k, v in da.attrs.items() if isinstance(v, (str, int, float))}
    with atomic_path(path, overwrite=overwrite) as tmp:
        if type(out.data).__module__.startswith("dask"):
            out.rio.to_raster(
                tmp,
                driver="GTiff",
                tiled=True,
                blockxsize=512,
                blockysize=512,
                compress=compress,
                BIGTIFF="IF_SAFER",
                lock=threading.Lock(),
                tags=tags,
            )
        else:
            out.rio.to_raster(tmp, driver="COG", compress=compress, BIGTIFF="IF_SAFER", tags=tags)
    return path
