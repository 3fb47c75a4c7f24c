"""Multi-band analysis stacks without band names (e.g. the Sofia LST/index stacks) -> named Dataset.

Some published city datasets ship indices, population and LST as one unnamed multi-band GeoTIFF; the band
order comes from the producing code. :func:`load_stack` names the bands and sets units; it reads the
georeferencing as the file has it.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from uhi.errors import InputValueError, SceneFormatError
from uhi.io.write import RASTER_SUFFIXES
from uhi.units import CELSIUS_UNITS, KELVIN_UNITS, ZERO_CELSIUS_K, is_celsius

__all__ = ["LST_RASTER_SUFFIXES", "SOFIA_STACK_BANDS", "SOFIA_STACK_SCALES", "SOFIA_STACK_UNITS", "is_lst_raster",
           "load_lst_raster", "load_stack"]

#: Band order of the Sofia stacks LC08_184030_20140814.tif / _20190812.tif (HeavyHelium/lst-prediction,
#: data/clipped-zoomed, commit 1222d24, MIT (c) 2024 D. Markova): indices [1], GHS-POP count, LST [degC].
SOFIA_STACK_BANDS = ("ndbi", "ndbai", "mndwi", "ndwi", "ndvi", "evi", "savi", "population", "lst")
SOFIA_STACK_UNITS = {"population": "1", "lst": "degC"}
#: The producing notebook computed the spectral indices from unscaled Collection-2 digital numbers, not from
#: surface reflectance (SAVI = 1.5 NDVI everywhere, EVI -299..5927), so they are relative predictors only:
#: ranks and regressions, never thresholds meant for reflectance-based indices (NDBI > 0, NDVI > 0.5 ...).
SOFIA_STACK_SCALES = {name: "dn" for name in SOFIA_STACK_BANDS[:7]}


def load_stack(path, band_names, *, units=None, scales=None, chunks=None) -> xr.Dataset:
    """Read an unnamed multi-band GeoTIFF as a Dataset with one named variable per band.

    Parameters
    ----------
    path : str or Path
        The GeoTIFF (georeferencing read as it is).
    band_names : sequence of str
        One name per band, in file order.
    units : dict, optional
        ``{name: units}`` set as CF ``units`` attrs (others get ``"1"``).
    scales : dict, optional
        ``{name: "dn"}`` marks an index computed from digital numbers instead of reflectance; it is
        recorded as ``attrs["index_scale"] = "dn"`` and :func:`uhi.analysis.analyse_layers` then uses
        no reflectance thresholds on it (see :data:`SOFIA_STACK_SCALES`).
    chunks : optional
        Dask chunks (lazy read).
    """
    import rioxarray

    path = Path(path)
    if not path.is_file():
        raise InputValueError(f"stack {str(path)!r} does not exist")
    try:
        stack = rioxarray.open_rasterio(path, masked=True, chunks=chunks)
    except Exception as exc:  # rasterio raises several error types for unreadable files
        raise SceneFormatError(f"stack {str(path)!r} cannot be read as a GeoTIFF: {exc}") from None
    if stack.sizes["band"] != len(band_names):
        raise SceneFormatError(
            f"stack {str(path)!r} has {stack.sizes['band']} bands; expected {len(band_names)} ({', '.join(band_names)})"
        )
    if stack.rio.crs is None:
        raise SceneFormatError(f"stack {str(path)!r} has no CRS")
    units = dict(units or {})
    scales = dict(scales or {})
    data = {}
    for i, name in enumerate(band_names):
        da = stack.isel(band=i, drop=True).astype(np.float32)
        da.attrs = {"units": units.get(name, "1"), "long_name": name, "band": i + 1}
        if name in scales:
            da.attrs["index_scale"] = scales[name]
        data[name] = da
    ds = xr.Dataset(data, attrs={"source": path.name})
    return ds.rio.write_crs(stack.rio.crs)


#: File name endings read as an LST raster or stack (rather than a Landsat scene): the GeoTIFF endings uhi writes.
LST_RASTER_SUFFIXES = RASTER_SUFFIXES
#: LST outside this range [K] after unit conversion means wrong units (-100..+80 degC, the plausibility
#: range of :mod:`uhi.lst`).
_PLAUSIBLE_K = (ZERO_CELSIUS_K - 100.0, ZERO_CELSIUS_K + 80.0)


def is_lst_raster(path) -> bool:
    """True when ``path`` names a GeoTIFF file (an LST raster or stack) rather than a Landsat scene."""
    return isinstance(path, (str, os.PathLike)) and str(path).lower().endswith(LST_RASTER_SUFFIXES)


def _lst_tags(path: Path, bands: tuple[str, ...]) -> dict:
    """The file's dataset tags updated with those of its LST band (``uhi lst`` writes units, method, time)."""
    import rasterio

    try:
        with rasterio.open(path) as src:
            if src.count != len(bands):
                raise InputValueError(
                    f"LST raster {str(path)!r} has {src.count} bands and {len(bands)} band names ({', '.join(bands)}); "
                    "name every band in order (bands=...; CLI --bands lst or e.g. --bands ndvi,ndbi,population,lst)"
                )
            return {**src.tags(), **src.tags(bands.index("lst") + 1)}
    except rasterio.errors.RasterioIOError as exc:
        raise InputValueError(f"LST raster {str(path)!r} cannot be read as a GeoTIFF: {exc}") from None


def load_lst_raster(path, *, bands=("lst",), lst_units: str | None = None, index_scale: str = "reflectance",
                    chunks=None) -> xr.Dataset:
    """An LST GeoTIFF (one band) or a multi-band LST/index stack as a Dataset with a checked ``lst`` variable.

    Parameters
    ----------
    path
        GeoTIFF with a CRS.
    bands
        One name per band, in file order; one must be ``lst`` (e.g. :data:`SOFIA_STACK_BANDS`).
    lst_units
        ``"K"`` or ``"degC"`` (any spelling of :mod:`uhi.units`). Default: the file's ``units`` tag (written
        by ``uhi lst``); a file without one needs it: units are never guessed.
    index_scale
        ``"reflectance"`` or ``"dn"``: indices (``ndvi``, ``ndbi``, ``mndwi``) computed from unscaled digital
        numbers are marked ``index_scale="dn"`` (no reflectance thresholds apply to them).
    chunks
        Dask chunks (lazy read); the plausibility check then computes a subsample only.

    Returns
    -------
    xarray.Dataset
        One variable per band; ``lst`` in the file's units (``units`` attr ``K`` or ``degC``) with ``method``
        and ``acquisition_time`` from the file's tags (``method`` "read from <file>" without one).

    Raises
    ------
    InputValueError
        Missing/unreadable file, band names that do not match the file or name no ``lst``, missing or unknown
        LST units, or an LST band outside -100..+80 degC once converted (wrong units or not an LST band).
    """
    path = Path(os.fspath(path))
    bands = tuple(str(b).strip().lower() for b in ([bands] if isinstance(bands, str) else bands))
    if "lst" not in bands:
        raise InputValueError(f"band names {list(bands)} of {str(path)!r} name no 'lst' band; name the LST band 'lst'")
    if len(set(bands)) != len(bands):
        raise InputValueError(f"band names {list(bands)} of {str(path)!r} repeat a name")
    if index_scale not in ("reflectance", "dn"):
        raise InputValueError(f"index scale must be 'reflectance' or 'dn', got {index_scale!r}")
    if not path.is_file():
        raise InputValueError(f"LST raster {str(path)!r} does not exist")
    tags = _lst_tags(path, bands)
    units = lst_units or tags.get("units")
    if units is None:
        raise InputValueError(
            f"LST raster {str(path)!r} has no 'units' tag; say whether its LST is in kelvin or degrees Celsius "
            "(lst_units='K' or 'degC'; CLI --lst-units K|degC)"
        )
    if str(units).strip() not in CELSIUS_UNITS + KELVIN_UNITS:
        raise InputValueError(f"LST units {units!r} of {str(path)!r} are not kelvin or degrees Celsius; expected 'K' or 'degC'")
    celsius = is_celsius(units)
    index_names = [b for b in bands if b in ("ndvi", "ndbi", "mndwi")]
    stack = load_stack(path, bands, units={"lst": "degC" if celsius else "K", "population": "1"},
                       scales={b: "dn" for b in index_names} if index_scale == "dn" else None, chunks=chunks)
    lst = stack["lst"]
    step = max(1, int(np.sqrt(lst.size / 250_000)))  # a subsample: dask computes only that
    sample = np.asarray(lst.data[::step, ::step], dtype=np.float64) + (ZERO_CELSIUS_K if celsius else 0.0)
    finite = sample[np.isfinite(sample)]
    if finite.size == 0:
        raise InputValueError(f"the 'lst' band of {str(path)!r} has no valid pixel (all NaN or nodata)")
    low, high = np.percentile(finite, [1, 99])
    if low < _PLAUSIBLE_K[0] or high > _PLAUSIBLE_K[1]:
        raise InputValueError(
            f"the 'lst' band of {str(path)!r} read in {units} spans {low - ZERO_CELSIUS_K:.1f}..{high - ZERO_CELSIUS_K:.1f} "
            "degC (1st-99th percentile), outside -100..+80 degC: wrong units (--lst-units) or not an LST band (--bands)"
        )
    lst.attrs["method"] = tags.get("method") or f"read from {path.name}"
    stack.attrs["source"] = path.name
    if tags.get("acquisition_time"):
        lst.attrs["acquisition_time"] = stack.attrs["acquisition_time"] = tags["acquisition_time"]
    return stack
