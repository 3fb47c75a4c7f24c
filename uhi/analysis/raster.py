"""The analysis of an LST GeoTIFF or an unnamed LST/index stack: :func:`analyse_raster`.

Many cities have LST already computed -- by ``uhi lst``, by another tool, or in a published stack such as
Sofia's 120 m summer stacks (indices, population and LST in one 9-band GeoTIFF, :data:`uhi.io.SOFIA_STACK_BANDS`).
:func:`analyse_raster` names the bands, takes the LST units from the file's ``units`` tag or from the caller
(never guessed), and runs :func:`uhi.analysis.analyse_layers` on them.
"""

from __future__ import annotations

import os
from pathlib import Path

from uhi.analysis.layers import analyse_layers
from uhi.analysis.result import CityAnalysis
from uhi.io.stack import is_lst_raster, load_lst_raster

__all__ = ["analyse_raster", "is_lst_raster"]


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
    path = Path(os.fspath(path))
    stack = load_lst_raster(path, bands=bands, lst_units=lst_units, index_scale=index_scale)
    bands = list(stack.data_vars)
    lst = stack["lst"]
    notes = []
    if population is None and "population" in bands:
        population = stack["population"].where(stack["population"] >= 0, 0.0)
        notes.append(f"population from band {bands.index('population') + 1} of {path.name}")
    date = date or lst.attrs.get("acquisition_time", "")[:10]  # YYYY-MM-DD, as analyse_city's titles
    city = city or path.stem
    stack.attrs.update(city=city, acquisition_time=date, source=path.name)
    return analyse_layers(
        lst, ndvi=stack.get("ndvi"), ndbi=stack.get("ndbi"), mndwi=stack.get("mndwi"), population=population,
        districts=districts, landcover=landcover, district_column=district_column, vulnerability=vulnerability,
        city=city, date=date, scene=stack, notes=notes,
    )
