"""Biophysical table and per-pixel UCM parameters (InVEST UCM inputs, InVEST Urban Cooling Model user guide)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from uhi import constants
from uhi._backend import apply_pointwise, is_dask, set_cf
from uhi.errors import InputValueError
from uhi.io.tables import load_table

__all__ = ["PARAMETERS", "biophysical_table", "parameters_from_landcover", "parameters_from_scene"]

#: Per-pixel parameters of the model, in the order of the biophysical table [invest-code].
PARAMETERS = ("shade", "albedo", "kc", "green_area", "building_intensity")
_REQUIRED = ("lucode",) + PARAMETERS
_UNIT_RANGE = ("shade", "albedo", "building_intensity")

_LONG_NAMES = {
    "shade": "proportion of tree canopy >= 2 m",
    "albedo": "broadband albedo",
    "kc": "crop coefficient",
    "green_area": "large-green-area flag",
    "building_intensity": "building intensity (floor area / footprint, normalised 0-1)",
}


def biophysical_table(path_or_df) -> pd.DataFrame:
    """Load and validate an InVEST UCM biophysical table.

    Parameters
    ----------
    path_or_df : str, Path or pandas.DataFrame
        CSV with at least ``lucode, kc, green_area, shade, albedo, building_intensity``
        (column names case-insensitive, as InVEST reads them [invest-code]).

    Returns
    -------
    pandas.DataFrame
        Indexed by integer ``lucode``; parameter columns as float.

    Raises
    ------
    InputValueError
        Missing column, non-numeric value, ``shade``/``albedo``/``building_intensity``
        outside [0, 1], ``green_area`` not 0/1, ``kc < 0`` or duplicate ``lucode``.
    """
    df = load_table(path_or_df, what="biophysical table")  # a DataFrame comes back as a copy
    where = "biophysical table" if isinstance(path_or_df, pd.DataFrame) else f"biophysical table {str(path_or_df)!r}"
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise InputValueError(f"{where} lacks column(s) {missing}; expected at least {list(_REQUIRED)}")
    for col in _REQUIRED:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputValueError(f"{where}: column {col!r} row {row} has non-numeric or empty value {df[col].iloc[row]!r}")
        df[col] = values
    lucode = df["lucode"]
    if not np.all(lucode == np.round(lucode)):
        raise InputValueError(f"{where}: column 'lucode' must hold integers, got {lucode[lucode != np.round(lucode)].tolist()}")
    dup = lucode[lucode.duplicated()]
    if len(dup):
        rows = np.flatnonzero(lucode.duplicated(keep=False).to_numpy()).tolist()
        raise InputValueError(f"{where}: column 'lucode' has duplicate value(s) {sorted(set(dup.astype(int)))} (rows {rows})")

    def _check(col, ok, expected):
        bad = ~ok
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputValueError(f"{where}: column {col!r} row {row} (lucode {int(lucode.iloc[row])}) is {df[col].iloc[row]!r}; expected {expected}")

    for col in _UNIT_RANGE:
        _check(col, df[col].between(0, 1), "a value in [0, 1]")
    _check("green_area", df["green_area"].isin([0, 1]), "0 or 1")
    _check("kc", df["kc"] >= 0, "kc >= 0")
    df["lucode"] = lucode.astype(np.int64)
    return df.set_index("lucode")


def parameters_from_landcover(lulc: xr.DataArray, table) -> xr.Dataset:
    """Reclassify a land-cover raster into the per-pixel UCM parameters.

    Parameters
    ----------
    lulc : xarray.DataArray
        Land-cover codes on a projected grid; NaN or the raster's ``_FillValue``/nodata are nodata.
    table : path or DataFrame
        Biophysical table, see :func:`biophysical_table`.

    Returns
    -------
    xarray.Dataset
        ``shade, albedo, kc, green_area, building_intensity`` (float32, NaN at nodata), CRS kept.

    Raises
    ------
    InputValueError
        A land-cover code present in the raster is not in the table (all missing codes listed),
        like InVEST's ``values_required=True`` reclassification [invest-code].
    """
    tab = biophysical_table(table)
    nodata = lulc.rio.nodata if hasattr(lulc, "rio") else None
    nodata = float(nodata) if nodata is not None and np.isfinite(nodata) else None
    codes = _codes_present(lulc.data, nodata)
    missing = sorted(int(c) for c in codes if c not in tab.index)
    if missing:
        raise InputValueError(f"land-cover code(s) {missing} are not in the biophysical table (it has {sorted(tab.index.tolist())})")
    table_codes = tab.index.to_numpy(dtype=np.float64)
    dense = _dense_luts(lulc.dtype, tab, nodata)
    if dense is None:
        # one code look-up for the five parameters: row index into the table (-1 at nodata), then five takes
        index = apply_pointwise(_table_index, lulc, dtype=np.int32, kwargs={"codes": table_codes, "nodata": nodata})
    out = {}
    for name in PARAMETERS:
        if dense is not None:  # 8/16-bit codes: one gather per parameter straight from the codes
            da = apply_pointwise(_take_by_code, lulc, dtype=np.float32, kwargs={"lut": dense[name]})
        else:
            lut = np.append(tab[name].to_numpy(dtype=np.float32), np.float32(np.nan))  # index -1 -> NaN
            da = apply_pointwise(_take, index, kwargs={"lut": lut})
        out[name] = set_cf(da, name=name, units="1", long_name=_LONG_NAMES[name], source="biophysical table")
    ds = xr.Dataset(out)
    if lulc.rio.crs is not None:
        ds = ds.rio.write_crs(lulc.rio.crs)
    return ds


def _valid_codes(values, nodata):
    values = np.asarray(values, dtype=np.float64)
    valid = np.isfinite(values)
    if nodata is not None:
        valid &= values != nodata
    return values, valid


def _block_codes(values, nodata) -> np.ndarray:
    values, valid = _valid_codes(values, nodata)
    return np.unique(values[valid])


def _codes_present(data, nodata) -> np.ndarray:
    """Distinct valid land-cover codes; block by block for dask input (never the whole raster at once)."""
    if is_dask(data):
        import dask

        blocks = dask.compute(*[dask.delayed(_block_codes)(b, nodata) for b in data.to_delayed().ravel()])
        return np.unique(np.concatenate(blocks)) if blocks else np.array([])
    return _block_codes(data, nodata)


def _table_index(values, codes, nodata):
    """Row of each pixel's code in ``codes`` (sorted; every valid code is present), -1 at nodata."""
    values, valid = _valid_codes(values, nodata)
    idx = np.searchsorted(codes, np.where(valid, values, codes[0]))
    return np.where(valid, np.minimum(idx, len(codes) - 1), -1).astype(np.int32)


def _dense_luts(dtype, tab, nodata) -> dict[str, np.ndarray] | None:
    """Per parameter, a float32 table over every value of an 8/16-bit integer dtype (NaN where no code / nodata).

    Indexed by the codes' bits as unsigned (so negative codes work), it reclassifies with one gather per
    parameter instead of a search per pixel; None for other dtypes (floats, 32/64-bit codes).
    """
    dtype = np.dtype(dtype)
    if dtype.kind not in "ui" or dtype.itemsize > 2:
        return None
    info = np.iinfo(dtype)
    codes = tab.index.to_numpy()
    keep = (codes >= info.min) & (codes <= info.max)  # a table row no pixel of this dtype can hold is not needed
    slots = codes[keep].astype(dtype).view(f"u{dtype.itemsize}").astype(np.int64)
    out = {}
    for name in PARAMETERS:
        lut = np.full(2 ** (8 * dtype.itemsize), np.nan, dtype=np.float32)
        lut[slots] = tab[name].to_numpy(dtype=np.float32)[keep]
        if nodata is not None and nodata == int(nodata) and info.min <= nodata <= info.max:
            lut[np.array(int(nodata), dtype=dtype).view(f"u{dtype.itemsize}")] = np.nan
        out[name] = lut
    return out


def _take_by_code(values, lut):
    """``lut[code]`` for 8/16-bit integer codes, through their unsigned bits (:func:`_dense_luts`)."""
    v = np.asarray(values)
    return lut[v.view(f"u{v.dtype.itemsize}")]


def _take(index, lut):
    """``lut[index]`` (float32; the last entry, NaN, is where ``index`` is -1)."""
    return lut[index]


# Scene proxies (documented in parameters_from_scene)
KC_BARE = 0.15  # FAO-56 Kc_min for bare soil, Allen et al. 1998, FAO Irrig. Drain. Pap. 56, eq. 97 (0.15-0.20)
KC_FULL_COVER = 1.0  # InVEST UG: Kc ~ 1 for fully vegetated cover (well-watered grass reference) [invest-ucm]
KC_WATER = 1.05  # FAO-56 Table 12, open water < 2 m deep (Allen et al. 1998)


def parameters_from_scene(ds: xr.Dataset) -> xr.Dataset:
    """Derive per-pixel UCM parameters from a loaded Landsat scene (proxies, not a land-cover table).

    Proxies (all per pixel, from reflectance bands ``red, nir, swir1`` and :func:`uhi.indices.albedo`):

    * ``shade`` = fractional vegetation cover ``P_v = ((NDVI - 0.2)/(0.5 - 0.2))^2`` clipped to [0, 1]
      (Carlson & Ripley 1997, doi:10.1016/S0034-4257(97)00104-1; thresholds ``constants.NDVI_SOIL``,
      ``constants.NDVI_VEGETATION``, Sobrino et al. 2004, doi:10.1016/j.rse.2004.02.003) -- canopy share is approximated by vegetation share;
    * ``kc`` = ``0.15 + (1.0 - 0.15)·P_v`` (FAO-56 bare-soil Kc_min to full-cover Kc, Allen et al. 1998),
      ``1.05`` where NDVI < 0 (open water, FAO-56 Table 12);
    * ``albedo`` = :func:`uhi.indices.albedo` (broadband shortwave albedo);
    * ``green_area`` = 1 where NDVI >= ``constants.NDVI_VEGETATION`` (fully vegetated pixels);
    * ``building_intensity`` = NDBI ``(swir1 - nir)/(swir1 + nir)`` clipped to [0, 1]
      (Zha et al. 2003, doi:10.1080/01431160304987) -- a built-up proxy, not floor-area ratio.

    Use :func:`parameters_from_landcover` when a classified land cover is available.
    """
    from uhi import indices  # written by another engineer; imported lazily

    for band in ("red", "nir", "swir1"):
        if band not in ds:
            raise InputValueError(f"parameters_from_scene needs band {band!r} in the scene; it has {sorted(ds.data_vars)}")
    ndvi = indices.ndvi(ds["red"], ds["nir"]).astype(np.float32)
    pv = (((ndvi - constants.NDVI_SOIL) / (constants.NDVI_VEGETATION - constants.NDVI_SOIL)).clip(0, 1) ** 2)
    kc = xr.where(ndvi < 0, KC_WATER, KC_BARE + (KC_FULL_COVER - KC_BARE) * pv)
    ndbi = ((ds["swir1"] - ds["nir"]) / (ds["swir1"] + ds["nir"])).clip(0, 1)
    green = xr.where(ndvi >= constants.NDVI_VEGETATION, 1.0, 0.0)
    albedo = indices.albedo(ds).clip(0, 1)
    invalid = ndvi.isnull() | albedo.isnull()
    raw = {"shade": pv, "albedo": albedo, "kc": kc, "green_area": green, "building_intensity": ndbi}
    out = {}
    for name, da in raw.items():
        da = da.where(~invalid).astype(np.float32)
        out[name] = set_cf(da, name=name, units="1", long_name=_LONG_NAMES[name], source="Landsat scene proxy")
    res = xr.Dataset(out)
    if ds.rio.crs is not None:
        res = res.rio.write_crs(ds.rio.crs)
    return res
