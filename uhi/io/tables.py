"""Tables read as they are: CSV, Parquet/GeoParquet or any vector file, with or without geometry or CRS."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputValueError

__all__ = ["load_table"]


def load_table(path, *, layer=None, what: str = "table") -> pd.DataFrame:
    """Read a table (``.csv``/``.csv.gz``/``.txt``, ``.parquet``/``.pq``/``.geoparquet``, or a vector file).

    Unlike :func:`uhi.io.load_vector` nothing is required of the geometry: a CSV or plain Parquet table
    comes back as a :class:`pandas.DataFrame`, a GeoParquet or vector file as a
    :class:`geopandas.GeoDataFrame` whose CRS may be missing (the caller decides what that means).

    Parameters
    ----------
    path
        The file.
    layer
        Layer name or index for multi-layer vector sources (GeoPackage).
    what
        What the file is, for messages (e.g. ``"station table"``).

    Raises
    ------
    InputValueError
        The file cannot be read (the message names ``what``, the path and the reader's reason).
    """
    path = Path(os.fspath(path))
    suffixes = "".join(path.suffixes[-2:]).lower()
    try:
        if suffixes.endswith((".csv", ".csv.gz", ".txt")):
            return pd.read_csv(path)
        if suffixes.endswith((".parquet", ".pq", ".geoparquet")):
            try:
                return gpd.read_parquet(path)
            except (ValueError, KeyError):  # a plain (non-geo) Parquet table
                return pd.read_parquet(path)
        return gpd.read_file(path, layer=layer)
    except Exception as exc:  # noqa: BLE001 - pandas, pyogrio and pyarrow raise many error types
        raise InputValueError(f"{what} {str(path)!r} cannot be read: {exc}") from None
