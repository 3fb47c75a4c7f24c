"""Sample a raster at station points: the pixel that holds each station, or the mean of a disc around it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from uhi.errors import CRSError, InputValueError

__all__ = ["sample_raster", "station_pixels"]


def _points(points) -> gpd.GeoDataFrame:
    from uhi.observations.stations import Stations

    if isinstance(points, Stations):
        return points.locations
    if not isinstance(points, gpd.GeoDataFrame):
        raise InputValueError(f"points must be a GeoDataFrame of station points or a Stations object, got {type(points).__name__}")
    if points.crs is None:
        raise CRSError("the station points have no CRS; set one (e.g. .set_crs('EPSG:4326'))")
    return points


def station_pixels(da: xr.DataArray, points) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the pixel holding each station (points reprojected to the raster's CRS).

    Raises
    ------
    CRSError
        The raster has no CRS.
    InputValueError
        A station lies outside the raster (the message lists them).
    """
    pts = _points(points)
    crs = da.rio.crs
    if crs is None:
        raise CRSError("the raster has no CRS; set one with .rio.write_crs() before sampling it at stations")
    pts = pts.to_crs(crs)
    x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    inv = ~da.rio.transform()
    col, row = inv.a * x + inv.b * y + inv.c, inv.d * x + inv.e * y + inv.f
    row, col = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
    ny, nx = da.shape[-2:]
    outside = (row < 0) | (row >= ny) | (col < 0) | (col >= nx) | ~np.isfinite(x) | ~np.isfinite(y)
    if outside.any():
        names = [str(i) for i in np.asarray(pts.index)[outside]]
        raise InputValueError(f"station(s) {names} lie outside the raster (bounds {tuple(round(b, 1) for b in da.rio.bounds())} in {crs.to_string()})")
    return row, col


def sample_raster(da: xr.DataArray, points, *, buffer_m: float | None = None) -> pd.Series:
    """Raster values at stations.

    Parameters
    ----------
    da : xarray.DataArray
        2-D raster with a CRS (NaN = nodata).
    points : geopandas.GeoDataFrame or Stations
        Station points, any CRS (reprojected to the raster's).
    buffer_m : float, optional
        Radius [m] of a disc around each station: the mean of the valid pixels whose centres lie within it
        (a projected CRS is required). Default: the value of the pixel holding the station.

    Returns
    -------
    pandas.Series
        One value per station (index = station id), named after the raster, with its ``units`` in attrs.
        NaN where the pixel (or the whole disc) is nodata.
    """
    if da.ndim != 2:
        raise InputValueError(f"sample_raster needs a 2-D raster, got dims {da.dims}")
    pts = _points(points)
    row, col = station_pixels(da, pts)
    values = np.asarray(da.values, dtype=np.float64)
    if buffer_m is None:
        out = values[row, col]
    else:
        from uhi._backend import pixel_size_m

        if not np.isfinite(buffer_m) or buffer_m <= 0:
            raise InputValueError(f"buffer_m must be a positive radius in metres, got {buffer_m!r}")
        cell = pixel_size_m(da, "sampling a buffer around stations")
        rad = int(np.floor(buffer_m / cell))
        dy, dx = np.mgrid[-rad:rad + 1, -rad:rad + 1]
        inside = (dy * cell) ** 2 + (dx * cell) ** 2 <= buffer_m**2
        oy, ox = dy[inside], dx[inside]
        ny, nx = values.shape
        out = np.full(len(row), np.nan)
        for i, (r, c) in enumerate(zip(row, col)):
            rr, cc = r + oy, c + ox
            ok = (rr >= 0) & (rr < ny) & (cc >= 0) & (cc < nx)
            v = values[rr[ok], cc[ok]]
            v = v[np.isfinite(v)]
            if v.size:
                out[i] = v.mean()
    s = pd.Series(out, index=pts.index.astype(str), name=da.name or "value")
    s.attrs = {"units": da.attrs.get("units", ""), "sampling": "pixel" if buffer_m is None else f"disc mean, radius {buffer_m:g} m"}
    return s
