"""Writing per-zone tables: GeoPackage, GeoParquet or CSV, atomically.

The format follows the extension: ``.gpkg`` (GeoPackage, layer ``zonal_stats``
unless ``layer`` is given), ``.parquet`` / ``.geoparquet`` (GeoParquet) and
``.csv`` (attributes only, geometry dropped, no index). The files are written to a
temporary name and renamed on success (:func:`uhi.io.write.atomic_path`); an
existing file is replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputValueError
from ..io.write import atomic_path

__all__ = ["ZONAL_FORMATS", "write_zonal"]

#: Extension -> format name.
ZONAL_FORMATS = {".gpkg": "GeoPackage", ".parquet": "GeoParquet", ".geoparquet": "GeoParquet", ".csv": "CSV"}


def write_zonal(table: gpd.GeoDataFrame | pd.DataFrame, path: str | os.PathLike, *, overwrite: bool = False, layer: str = "zonal_stats") -> Path:
    """Write a zonal-statistics table to ``path`` (format from the extension), atomically.

    Raises
    ------
    InputValueError
        Unknown extension, or a spatial format asked for a table without geometry.
    OutputExistsError
        ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ZONAL_FORMATS:
        raise InputValueError(f"cannot write {path}: unknown extension {path.suffix!r}; expected one of {sorted(ZONAL_FORMATS)}")
    fmt = ZONAL_FORMATS[suffix]
    if fmt != "CSV" and not isinstance(table, gpd.GeoDataFrame):
        raise InputValueError(f"cannot write {path} as {fmt}: the table has no geometry (use a .csv path)")
    with atomic_path(path, overwrite=overwrite) as tmp:
        if fmt == "CSV":
            frame = pd.DataFrame(table.drop(columns=table.geometry.name)) if isinstance(table, gpd.GeoDataFrame) else table
            frame.to_csv(tmp, index=False)
        elif fmt == "GeoPackage":
            table.to_file(tmp, driver="GPKG", layer=layer)
        else:
            table.to_parquet(tmp)
    return path
