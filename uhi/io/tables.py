"""Tables read as they are: CSV, Parquet/GeoParquet or any vector file, with or without geometry or CRS."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputValueError

__all__ = ["load_table"]


def load_table(path, *, layer=None, what: str = "table", dtype=None) -> pd.DataFrame:
    """Read a table (``.csv``/``.csv.gz``/``.txt``, ``.parquet``/``.pq``/``.geoparquet``, or a vector file).

    A :class:`pandas.DataFrame` (or GeoDataFrame) given instead of a path is returned as a copy, so callers
    that accept "a file or a table" have one entry point.

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
    dtype
        Column types for a CSV (passed to :func:`pandas.read_csv`), e.g. ``{"district_id": str}``.

    Raises
    ------
    InputValueError
        The file does not exist or cannot be read (the message names ``what``, the path and the
        reader's reason), or ``path`` is neither a path nor a DataFrame.
    """
    if isinstance(path, pd.DataFrame):
        return path.copy()
    if not isinstance(path, (str, os.PathLike)):
        raise InputValueError(f"{what} must be a file path or a DataFrame, got {type(path).__name__}")
    path = Path(os.fspath(path))
    if not path.is_file():
        raise InputValueError(f"{what} {str(path)!r} does not exist")
    suffixes = "".join(path.suffixes[-2:]).lower()
    try:
        if suffixes.endswith((".csv", ".csv.gz", ".txt")):
            return pd.read_csv(path, dtype=dtype)
        if suffixes.endswith((".parquet", ".pq", ".geoparquet")):
            try:
                return gpd.read_parquet(path)
            except (ValueError, KeyError):  # a plain (non-geo) Parquet table
                return pd.read_parquet(path)
        return gpd.read_file(path, layer=layer)
    except Exception as exc:  # noqa: BLE001 - pandas, pyogrio and pyarrow raise many error types
        raise InputValueError(f"{what} {str(path)!r} cannot be read: {exc}") from None
