"""The analysis on layers already computed (LST, indices, population, districts): :func:`analyse_layers`."""

from __future__ import annotations

import numpy as np
import xarray as xr

from uhi.analysis.districts import district_table
from uhi.analysis.result import CityAnalysis
from uhi.errors import InputValueError

#: Land-cover classes of data/landcover.csv counted as urban for SUHII (dense core, mid-rise, suburban,
#: industrial, roads) and excluded from the rural ring (plus water 10), docs/ARCHITECTURE.md.
URBAN_LANDCOVER = (1, 2, 3, 4, 5)
WATER_LANDCOVER = (10,)


def analyse_layers(
    lst: xr.DataArray,
    *,
    ndvi: xr.DataArray | None = None,
    ndbi: xr.DataArray | None = None,
    mndwi: xr.DataArray | None = None,
    population=None,
    districts=None,
    landcover=None,
    hotspot_distance_m: float | None = None,
    district_column: str | None = None,
    district_stats: bool = True,
    city: str = "",
    date: str = "",
    scene: xr.Dataset | None = None,
    notes: list[str] | None = None,
    vulnerability=None,
) -> CityAnalysis:
    """The analysis of :func:`analyse_city` on layers already computed (e.g. a real city's LST/index stack).

    ``lst`` in K (or ``units="degC"``, converted); ``ndvi``, ``ndbi`` (and ``mndwi`` to exclude water from
    the rural reference) on the same grid; ``population``, ``districts``, ``landcover`` as in
    :func:`analyse_city` (paths or objects); ``district_stats=False`` skips the per-district table.

    Urban mask for SUHII, first that applies: land-cover classes; NDBI/NDVI thresholds
    (:func:`uhi.metrics.urban_mask_from_indices`) when both indices are on a reflectance scale; NDVI below
    the bare-soil value 0.2 (Sobrino et al. 2004) when NDBI is missing; population density
    (:func:`uhi.metrics.urban_mask_from_population`) when the indices were computed from digital numbers
    (``attrs["index_scale"] == "dn"``, no reflectance thresholds apply) or are missing. Steps that cannot
    run (no urban pixel, no population) are skipped with a note in ``notes`` and the summary.
    """
    from uhi.io import load_population, load_raster
    from uhi.metrics import hotspots, suhii
    from uhi.metrics._common import lst_kelvin
    from uhi.risk import assess_risk

    notes = list(notes or [])
    lst = lst_kelvin(lst)
    idx = xr.Dataset({k: v for k, v in {"ndvi": ndvi, "ndbi": ndbi, "mndwi": mndwi}.items() if v is not None})
    if landcover is not None and not isinstance(landcover, xr.DataArray):
        landcover = load_raster(landcover, lst, resampling="mode", name="landcover", what="land-cover raster", masked=False)
    if population is not None:
        source = "the population layer" if isinstance(population, xr.DataArray) else f"population raster {population}"
        if not isinstance(population, xr.DataArray):
            population = load_population(population, like=lst)
        values = np.asarray(population.values, dtype=np.float64)
        if not (np.isfinite(values) & (values > 0)).any():
            raise InputValueError(
                f"{source} has no resident on the scene grid: it does not overlap the scene (check its extent and "
                "CRS) or is all zero; give a population raster covering the scene, or leave it out for hazard-only outputs"
            )
    zones = None
    if districts is not None:
        import warnings

        from uhi.zonal import prepare_zones

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            zones, district_column = prepare_zones(districts, lst, id_column=district_column)
        for w in caught:
            if issubclass(w.category, UserWarning) and not issubclass(w.category, DeprecationWarning):
                notes.append(str(w.message))
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    urban, water, rule = _urban_mask(idx, population, landcover, notes)
    urban_result = None
    if urban is not None:
        try:
            urban_result = suhii(lst, urban, exclude=water)
        except InputValueError as exc:
            notes.append(f"SUHII not computed: {exc}")
        else:
            urban_result.urban_mask.attrs["rule"] = rule
    try:
        hot = hotspots(lst, distance_m=hotspot_distance_m)
    except InputValueError as exc:
        hot = None
        notes.append(f"hot spots not computed: {exc}")

    v_layer = v_table = None
    if population is None:
        notes.append("no population given (--population): hazard-only outputs (hazard, hazard_class); exposure, "
                     "vulnerability and risk are not computed")
    elif isinstance(vulnerability, xr.DataArray):
        v_layer = vulnerability
    elif vulnerability is not None:
        v_layer, v_table, more = _vulnerability_layer(vulnerability, zones, district_column, lst)
        notes += more
    else:
        notes.append("no vulnerability table given (--vulnerability): vulnerability is a uniform default (1), "
                     "so risk = hazard x exposure")
    risk = assess_risk(lst, population, vulnerability=v_layer)

    table = None
    if zones is not None and district_stats:
        table = district_table(lst, zones, population=population, risk=risk, id_column=district_column)
        if v_table is not None:
            lookup = dict(zip(v_table[district_column].astype(str), v_table["vulnerability"]))
            table["vulnerability_index"] = [lookup.get(str(i), np.nan) for i in table[district_column]]
    if scene is None:
        scene = xr.Dataset({"lst": lst}, attrs={"city": city, "acquisition_time": date})
    return CityAnalysis(
        scene=scene, lst=lst, indices=idx, population=population, districts=zones, landcover=landcover,
        urban_mask=urban, suhii=urban_result, hotspots=hot, risk=risk, district_table=table,
        city=city or "scene", date=date, notes=notes, district_column=district_column if zones is not None else None,
    )


def _vulnerability_layer(table, zones, id_column, like):
    """Rasterise a per-district vulnerability table: on ``zones``, or on the table's own geometry."""
    from uhi.risk import read_vulnerability_table, vulnerability_from_table

    frame = read_vulnerability_table(table, id_column=id_column)
    if zones is None:
        if "geometry" not in frame:
            raise InputValueError("a vulnerability table without geometry needs district polygons (--districts) to "
                                  "place it; or give a GeoPackage/GeoJSON with the district polygons")
        from uhi.zonal import prepare_zones

        zones, id_column = prepare_zones(frame, like, id_column=id_column)
    if id_column is None:
        raise InputValueError("name the district id column that joins the vulnerability table (--district-id)")
    return vulnerability_from_table(frame, zones, like, id_column=id_column)


def _urban_mask(idx: xr.Dataset, population, landcover, notes: list[str]):
    """(urban mask, water mask, rule) for SUHII; (None, None, "") with a note when no rule applies."""
    from uhi.constants import NDVI_SOIL
    from uhi.metrics import urban_mask_from_indices, urban_mask_from_population

    if landcover is not None:
        return landcover.isin(URBAN_LANDCOVER), landcover.isin(WATER_LANDCOVER), "land-cover classes 1-5"
    dn_scale = [k for k, v in idx.data_vars.items() if v.attrs.get("index_scale") == "dn"]
    reflectance = not dn_scale
    water = idx["mndwi"] > 0 if ("mndwi" in idx and reflectance) else None
    if reflectance and "ndbi" in idx and "ndvi" in idx:
        mask = urban_mask_from_indices(idx["ndbi"], idx["ndvi"])
        return mask, water, mask.attrs["rule"]
    if population is not None:
        mask = urban_mask_from_population(population)
        why = ("the spectral indices are on a digital-number scale (no reflectance thresholds)" if dn_scale
               else "NDBI/NDVI are missing")
        notes.append(f"urban mask from population density ({mask.attrs['rule']}) because {why}")
        return mask, water, mask.attrs["rule"]
    if reflectance and "ndvi" in idx:
        rule = f"NDVI < {NDVI_SOIL} (bare or built; NDBI missing)"
        notes.append(f"urban mask {rule}: less specific than NDBI, bare soil counts as urban")
        return idx["ndvi"] < NDVI_SOIL, water, rule
    notes.append("SUHII not computed: no land cover, no usable NDBI/NDVI and no population to find urban pixels")
    return None, None, ""
