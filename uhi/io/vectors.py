"""Vector zones (districts, parks, city outlines) read with geopandas/pyogrio onto a scene's CRS."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd

from ..errors import CRSError, InputValueError

__all__ = ["load_vector"]

_PARQUET = (".parquet", ".geoparquet", ".pq")


def _target_crs(like, crs):
    if like is not None and crs is not None:
        raise InputValueError("give either like= (a raster whose CRS to use) or crs=, not both")
    if like is None:
        return crs
    try:
        target = like.rio.crs
    except AttributeError:
        target = getattr(like, "crs", None)
    if target is None:
        raise CRSError(
            f"like= ({type(like).__name__}) has no CRS to reproject the vectors to; "
            "set one with .rio.write_crs() or pass crs="
        )
    return target


def load_vector(path, *, like=None, crs=None, layer=None, id_column: str | None = None) -> gpd.GeoDataFrame:
    """Read a vector file (GeoJSON, GeoPackage, shapefile, GeoParquet) as a GeoDataFrame.

    Parameters
    ----------
    path
        The file (``.geojson``/``.json``, ``.gpkg``, ``.shp``, ``.parquet``/``.geoparquet``;
        anything else GDAL/OGR reads).
    like
        A raster (xarray object with a rioxarray CRS) or GeoDataFrame whose CRS the features are
        reprojected to.
    crs
        Target CRS (anything pyproj understands) when ``like`` is not given.
    layer
        Layer name or index for multi-layer sources (GeoPackage).
    id_column
        A column that must exist and hold unique, non-missing ids (e.g. a district number).

    Returns
    -------
    geopandas.GeoDataFrame
        The features in the target CRS (or the file's own when neither ``like`` nor ``crs``).

    Raises
    ------
    InputValueError
        Missing or unreadable file, unknown layer, empty file, missing or non-unique id column.
    CRSError
        The file has no CRS, or ``like`` has none.
    """
    path = Path(os.fspath(path))
    if not path.exists():
        raise InputValueError(f"vector file {path} does not exist")
    target = _target_crs(like, crs)
    try:
        if path.suffix.lower() in _PARQUET:
            frame = gpd.read_parquet(path)
        else:
            kwargs = {} if layer is None else {"layer": layer}
            frame = gpd.read_file(path, engine="pyogrio", **kwargs)
    except (OSError, ValueError, RuntimeError) as exc:  # pyogrio errors are RuntimeErrors, pyarrow's ValueErrors
        what = f" (layer {layer!r})" if layer is not None else ""
        raise InputValueError(f"cannot read vector file {path}{what}: {exc}") from None
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise InputValueError(f"{path} has no geometry column; expected polygons or points with a geometry")
    if len(frame) == 0:
        raise InputValueError(f"vector file {path} holds no features")
    if frame.crs is None:
        raise CRSError(
            f"vector file {path} has no CRS; set it in the file (e.g. with ogr2ogr -a_srs) or in geopandas (set_crs)"
        )
    if id_column is not None:
        if id_column not in frame.columns:
            raise InputValueError(
                f"id_column {id_column!r} is not a column of {path}; columns are {list(frame.columns)}"
            )
        ids = frame[id_column]
        if ids.isna().any():
            raise InputValueError(f"id_column {id_column!r} of {path} has {int(ids.isna().sum())} missing value(s)")
        duplicated = ids[ids.duplicated()].unique().tolist()
        if duplicated:
            raise InputValueError(
                f"id_column {id_column!r} of {path} is not unique: {duplicated[:5]} occur more than once"
            )
    if target is not None:
        try:
            frame = frame.to_crs(target)
        except (RuntimeError, ValueError, TypeError) as exc:  # pyproj.exceptions.CRSError is a RuntimeError
            raise CRSError(f"cannot reproject {path} from {frame.crs} to {target}: {exc}") from None
    return frame
