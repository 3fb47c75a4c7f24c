"""The analysis of an LST GeoTIFF or an unnamed LST/index stack: :func:`analyse_raster`.

Many cities have LST already computed -- by ``uhi lst``, by another tool, or in a published stack such as
Sofia's 120 m summer stacks (indices, population and LST in one 9-band GeoTIFF, :data:`uhi.io.SOFIA_STACK_BANDS`).
:func:`analyse_raster` names the bands, takes the LST units from the file's ``units`` tag or from the caller
(never guessed), and runs :func:`uhi.analysis.analyse_layers` on them.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from uhi.analysis.layers import analyse_layers
from uhi.analysis.result import CityAnalysis
from uhi.errors import InputValueError
from uhi.units import CELSIUS_UNITS, KELVIN_UNITS, is_celsius

__all__ = ["RASTER_SUFFIXES", "analyse_raster", "is_lst_raster"]

#: File name endings read as an LST raster or stack (rather than a Landsat scene).
RASTER_SUFFIXES = (".tif", ".tiff")
#: Band names :func:`analyse_raster` uses (others, e.g. ``evi``, are read and ignored).
USED_BANDS = ("lst", "ndvi", "ndbi", "mndwi", "population")
#: LST values outside this range [K] after unit conversion mean the units are wrong (-100..+80 degC, the
#: plausibility range of :mod:`uhi.lst`).
_PLAUSIBLE_K = (173.15, 353.15)


def is_lst_raster(path) -> bool:
    """True when ``path`` names a GeoTIFF file (an LST raster or stack) rather than a Landsat scene."""
    return isinstance(path, (str, os.PathLike)) and str(path).lower().endswith(RASTER_SUFFIXES)


def _file_tags(path: Path, bands: tuple[str, ...]) -> dict:
    """The file's dataset tags updated with those of its LST band (``uhi lst`` writes units, method, time)."""
    import rasterio

    try:
        with rasterio.open(path) as src:
            if src.count != len(bands):
                raise InputValueError(
                    f"LST raster {str(path)!r} has {src.count} bands and {len(bands)} band names ({', '.join(bands)}); "
                    "name every band in order (bands=...; uhi risk --bands lst or e.g. --bands ndvi,ndbi,population,lst)"
                )
            return {**src.tags(), **src.tags(bands.index("lst") + 1)}
    except rasterio.errors.RasterioIOError as exc:
        raise InputValueError(f"LST raster {str(path)!r} cannot be read as a GeoTIFF: {exc}") from None


def analyse_raster(
    path,
    *,
    bands=("lst",),
    lst_units: str | None = None,
    index_scale: str = "reflectance",
    population=None,
    districts=None,
    landcover=None,
    district_column: str | None = None,
    vulnerability=None,
    city: str = "",
    date: str = "",
) -> CityAnalysis:
    """Heat analysis of an LST GeoTIFF (one band) or a multi-band stack with ``bands`` naming every band.

    Parameters
    ----------
    path
        GeoTIFF with a CRS.
    bands
        One name per band, in file order; one must be ``lst``. ``ndvi``, ``ndbi``, ``mndwi`` (urban mask for
        SUHII) and ``population`` (residents per cell, used when ``population`` is not given) are used;
        other names (e.g. ``evi``) are read and ignored.
    lst_units
        ``"K"`` or ``"degC"`` (any spelling of :mod:`uhi.units`). Default: the file's ``units`` tag (written
        by ``uhi lst``); a file without one needs it.
    index_scale
        ``"reflectance"`` or ``"dn"`` (indices computed from unscaled digital numbers, as in the Sofia
        stacks: no reflectance thresholds are applied to them; the urban mask then comes from population).
    population, districts, landcover, district_column, vulnerability
        As in :func:`uhi.analysis.analyse_layers`.
    city, date
        Labels for titles and the summary; default: the file name and the date of its ``acquisition_time``
        tag (written by ``uhi lst``).

    Raises
    ------
    InputValueError
        Bad band names, unknown or missing LST units, LST outside -100..+80 degC after conversion (wrong
        units), or an unreadable file (named).
    """
    from uhi.io.stack import load_stack

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
    tags = _file_tags(path, bands)
    units = lst_units or tags.get("units")
    if units is None:
        raise InputValueError(
            f"LST raster {str(path)!r} has no 'units' tag; say whether its LST is in kelvin or degrees Celsius "
            "(lst_units='K' or 'degC'; uhi risk --lst-units K|degC)"
        )
    if str(units).strip() not in CELSIUS_UNITS + KELVIN_UNITS:
        raise InputValueError(f"LST units {units!r} of {str(path)!r} are not kelvin or degrees Celsius; expected 'K' or 'degC'")
    index_names = [b for b in bands if b in ("ndvi", "ndbi", "mndwi")]
    stack = load_stack(path, bands, units={"lst": "degC" if is_celsius(units) else "K", "population": "1"},
                       scales={b: "dn" for b in index_names} if index_scale == "dn" else None)
    lst = stack["lst"]
    lst.attrs["method"] = tags.get("method") or f"read from {path.name}"
    values = lst.values.astype(np.float64) + (273.15 if is_celsius(units) else 0.0)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise InputValueError(f"the 'lst' band of {str(path)!r} has no valid pixel (all NaN or nodata)")
    low, high = np.percentile(finite, [1, 99])
    if low < _PLAUSIBLE_K[0] or high > _PLAUSIBLE_K[1]:
        raise InputValueError(
            f"the 'lst' band of {str(path)!r} read in {units} spans {low - 273.15:.1f}..{high - 273.15:.1f} degC "
            "(1st-99th percentile), outside -100..+80 degC: wrong units (--lst-units) or not an LST band (--bands)"
        )
    notes = []
    if population is None and "population" in bands:
        population = stack["population"].where(stack["population"] >= 0, 0.0)
        notes.append(f"population from band {bands.index('population') + 1} of {path.name}")
    date = date or tags.get("acquisition_time", "")[:10]  # YYYY-MM-DD, as analyse_city's titles
    city = city or path.stem
    stack.attrs.update(city=city, acquisition_time=date, source=path.name)
    return analyse_layers(
        lst, ndvi=stack.get("ndvi"), ndbi=stack.get("ndbi"), mndwi=stack.get("mndwi"), population=population,
        districts=districts, landcover=landcover, district_column=district_column, vulnerability=vulnerability,
        city=city, date=date, scene=stack, notes=notes,
    )
