"""Single-band rasters (land cover, LST, index and other layers) read onto a scene grid.

:func:`load_raster` is the one reader of ancillary rasters; population counts, which must keep their
totals, go through :func:`uhi.io.load_population`, and Landsat scenes through :func:`uhi.io.load_landsat`.
Error classes: a missing or unreadable file is an :class:`~uhi.errors.InputValueError`, a raster without
CRS a :class:`~uhi.errors.CRSError`, both naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import rioxarray
import xarray as xr
from rasterio.enums import Resampling

from ..errors import CRSError, InputValueError

__all__ = ["RESAMPLING", "load_raster", "open_raster"]

#: Resampling names accepted by :func:`load_raster` (GDAL's): ``"mode"`` for classes, ``"bilinear"`` for
#: continuous fields.
RESAMPLING = ("nearest", "bilinear", "cubic", "average", "mode", "min", "max", "med")


def open_raster(path: str | os.PathLike, *, what: str = "raster", masked: bool = True, chunks=None) -> xr.DataArray:
    """Open a raster file with rioxarray (all bands), refusing a missing or unreadable file and one without CRS."""
    path = Path(path)
    if not path.is_file():
        raise InputValueError(f"{what} {str(path)!r} does not exist")
    try:
        da = rioxarray.open_rasterio(path, masked=masked, chunks=chunks)
    except Exception as exc:  # noqa: BLE001 - rasterio raises several error types for unreadable files
        raise InputValueError(f"{what} {str(path)!r} cannot be read as a raster: {exc}") from None
    if da.rio.crs is None:
        raise CRSError(f"{what} {str(path)!r} has no CRS; assign one (e.g. gdal_edit.py -a_srs EPSG:32634)")
    return da


def load_raster(
    path: str | os.PathLike,
    like: xr.DataArray | xr.Dataset | None = None,
    *,
    resampling: str = "bilinear",
    name: str | None = None,
    what: str | None = None,
    band: int = 1,
    masked: bool = True,
) -> xr.DataArray:
    """Read one band of a georeferenced raster, optionally onto the grid of ``like``.

    Parameters
    ----------
    path : str or Path
        GeoTIFF or any raster GDAL reads.
    like : xarray.DataArray or Dataset, optional
        Target grid (shape, transform, CRS). The raster is reprojected only when its grid differs, and
        takes ``like``'s coordinates exactly.
    resampling : str
        GDAL resampling for the reprojection (:data:`RESAMPLING`): ``"mode"`` for land-cover classes,
        ``"bilinear"`` for continuous fields.
    name : str, optional
        Name of the result (default: the file stem).
    what : str, optional
        What the raster is, for messages (default ``"<name> raster"``).
    band : int
        1-based band to read.
    masked : bool
        True: nodata -> NaN, float32 result. False: the file's dtype and nodata value are kept (class codes).

    Returns
    -------
    xarray.DataArray
        2-D ``(y, x)`` with CRS (rioxarray) and the file's attributes.

    Raises
    ------
    InputValueError
        Missing or unreadable file, band out of range, unknown resampling.
    CRSError
        The raster (or ``like``) has no CRS.
    """
    name = name or Path(path).stem
    what = what or f"{name} raster"
    if resampling not in RESAMPLING:
        raise InputValueError(f"resampling must be one of {RESAMPLING}, got {resampling!r}")
    da = open_raster(path, what=what, masked=masked)
    if "band" in da.dims:
        if not 1 <= band <= da.sizes["band"]:
            raise InputValueError(f"{what} {str(path)!r} has {da.sizes['band']} band(s); band={band} does not exist")
        da = da.isel(band=band - 1, drop=True)
    if like is not None:
        if like.rio.crs is None:
            raise CRSError(f"like= has no CRS, so {what} {str(path)!r} cannot be put on its grid")
        same = (da.shape == (like.rio.height, like.rio.width) and da.rio.crs == like.rio.crs
                and da.rio.transform().almost_equals(like.rio.transform(recalc=True)))
        if not same:
            da = da.rio.reproject_match(like, resampling=Resampling[resampling])
        da = da.assign_coords(x=like.x, y=like.y)
    if masked:
        da = da.astype(np.float32)
    return da.rename(name)
