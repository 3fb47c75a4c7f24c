"""One call from a Landsat scene to a city's heat analysis: LST, indices, SUHII, hot spots, risk, districts.

:func:`analyse_city` chains the library's layers in the order a heat plan needs them::

    load_landsat -> land_surface_temperature, spectral indices
                 -> SUHII (urban mask from NDBI/NDVI or land cover), Gi* hot spots
                 -> heat risk (hazard x exposure x vulnerability) on the scene grid
                 -> per-district table (zonal statistics, population-weighted LST, people at high risk)

It is the baseline of :mod:`uhi.scenarios` and what ``uhi risk`` / ``uhi demo`` run. Ancillary layers of a
synthetic scene folder (``truth/population.tif``, ``truth/districts.gpkg``, ``truth/land_cover.tif``, see
docs/ARCHITECTURE.md) are picked up automatically when not given; for a real scene pass them explicitly.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import xarray as xr

from uhi.errors import InputValueError
from uhi.risk import HIGH_RISK_CLASSES
from uhi.synthetic import truth_layers
from uhi.units import ZERO_CELSIUS_K

__all__ = ["CityAnalysis", "analyse_city", "analyse_layers", "choose_lst_method", "district_table"]

#: Hazard classes counted as "very strong or extreme heat" (uhi.risk.hazard_classes: UTCI categories 4 and 5).
HOT_HAZARD_CLASSES = (4, 5)

#: Land-cover classes of data/landcover.csv counted as urban for SUHII (dense core, mid-rise, suburban,
#: industrial, roads) and excluded from the rural ring (plus water 10), docs/ARCHITECTURE.md.
URBAN_LANDCOVER = (1, 2, 3, 4, 5)
WATER_LANDCOVER = (10,)


@dataclasses.dataclass
class CityAnalysis:
    """Everything :func:`analyse_city` computed, on the scene grid (LST in kelvin)."""

    scene: xr.Dataset
    lst: xr.DataArray
    indices: xr.Dataset
    population: xr.DataArray | None
    districts: gpd.GeoDataFrame | None
    landcover: xr.DataArray | None
    urban_mask: xr.DataArray
    suhii: object
    hotspots: xr.Dataset
    risk: xr.Dataset | None
    district_table: gpd.GeoDataFrame | None
    city: str
    date: str
    notes: list = dataclasses.field(default_factory=list)
    district_column: str | None = None  # the column of ``districts`` naming each district

    @property
    def synthetic(self) -> bool:
        """True when the scene is a synthetic (made-up) city (:func:`uhi.synthetic.is_synthetic`)."""
        from uhi.synthetic import is_synthetic

        return is_synthetic(self.scene.attrs) if self.scene is not None else False

    @property
    def title(self) -> str:
        """``"<city>, <YYYY-MM-DD>"`` for map titles (``"SYNTHETIC city - ..."`` for a synthetic scene)."""
        text = f"{self.city}, {self.date}" if self.date else self.city
        return f"SYNTHETIC city - {text}" if self.synthetic else text

    def rasters(self) -> dict[str, xr.DataArray]:
        """The raster outputs by file stem: LST (degC), indices, hot spots, risk components and classes."""
        from uhi.lst import to_celsius

        out = {"lst_celsius": to_celsius(self.lst)}
        for name in ("ndvi", "ndbi"):
            if name in self.indices:
                out[name] = self.indices[name]
        if self.hotspots is not None:
            out["gi_zscore"] = self.hotspots["gi_zscore"]
            out["hotspot_bin"] = self.hotspots["gi_bin"]
        if self.risk is not None:
            for name in ("hazard", "hazard_class", "exposure", "vulnerability", "risk", "risk_class", "risk_class_relative"):
                if name in self.risk:
                    out[name] = self.risk[name]
        if self.synthetic:
            from uhi.synthetic import SYNTHETIC_NOTE

            out = {k: v.assign_attrs(synthetic=SYNTHETIC_NOTE) for k, v in out.items()}  # written as GeoTIFF tags
        return out

    def write(self, out_dir, *, overwrite: bool = False, progress=None) -> list[Path]:
        """Write every raster (COG), the district table (GeoPackage + CSV) and a summary JSON into ``out_dir``.

        The files are written as a unit (:func:`uhi.io.write.output_folder`): an error leaves none of them.
        """
        import json

        from uhi.io.write import (
            atomic_path,
            output_folder,
            refuse_existing,
            safe_output_path,
            write_raster,
            written_paths,
        )

        rasters = self.rasters()
        names = [f"{stem}.tif" for stem in rasters] + ["summary.json"]
        if self.district_table is not None:
            names += ["districts.gpkg", "districts.csv"]
        out_dir = refuse_existing(out_dir, overwrite=overwrite, names=names)
        written = []
        with output_folder(out_dir, overwrite=overwrite) as folder:
            for stem, da in rasters.items():
                if progress:
                    progress(f"writing {stem}.tif")
                written.append(write_raster(da, safe_output_path(folder, f"{stem}.tif"), overwrite=overwrite))
            if self.district_table is not None:
                from uhi.zonal import write_zonal

                for ext in ("gpkg", "csv"):
                    path = safe_output_path(folder, f"districts.{ext}")
                    write_zonal(self.district_table, path, overwrite=overwrite)
                    written.append(path)
            path = safe_output_path(folder, "summary.json")
            with atomic_path(path, overwrite=overwrite) as tmp:
                Path(tmp).write_text(json.dumps(self.summary(), indent=2, default=float))
            written.append(path)
        return written_paths(written, folder, out_dir)

    def summary(self) -> dict:
        """Headline numbers: LST range (degC), SUHII (K), hot-spot share, people at high risk."""
        lst_c = self.lst.values - ZERO_CELSIUS_K
        from uhi.synthetic import SYNTHETIC_NOTE

        out = {
            "city": self.city,
            "synthetic": self.synthetic,
            "synthetic_note": SYNTHETIC_NOTE if self.synthetic else "",
            "date": self.date,
            "lst_method": self.lst.attrs.get("method"),
            "lst_min_degC": float(np.nanmin(lst_c)),
            "lst_mean_degC": float(np.nanmean(lst_c)),
            "lst_max_degC": float(np.nanmax(lst_c)),
            "suhii_K": None if self.suhii is None else float(self.suhii.suhii),
            "hot_spot_share": None if self.hotspots is None else float(self.hotspots.attrs["hot_share"]),
            "hotspot_flagged_share": None if self.hotspots is None else float(self.hotspots.attrs["flagged_share"]),
            "hotspot_method": None if self.hotspots is None else (
                f"Gi* on {self.hotspots.attrs['cell_m']:.0f} m cells, {self.hotspots.attrs['distance_m']:.0f} m band, "
                f"correction {self.hotspots.attrs['correction']} at {self.hotspots.attrs['alpha']}"),
            "cloud_mask": self.scene.attrs.get("cloud_mask"),
            "indices": sorted(str(k) for k in self.indices.data_vars),
            "notes": list(self.notes),
        }
        if self.population is not None:
            pop = np.nan_to_num(self.population.values)
            out["residents"] = float(pop.sum())
            if self.risk is not None and "risk_class" in self.risk:
                high = np.isin(self.risk["risk_class"].values, HIGH_RISK_CLASSES)
                out["residents_high_risk"] = float(pop[high].sum())
                hot = np.isin(self.risk["hazard_class"].values, HOT_HAZARD_CLASSES)
                out["residents_very_strong_heat"] = float(pop[hot].sum())
        if self.risk is not None:
            hc = self.risk["hazard_class"].values
            valid = hc > 0
            out["hazard_class_shares"] = {label: float(np.mean(hc[valid] == k)) if valid.any() else None
                                          for k, label in enumerate(self.risk["hazard_class"].attrs["flag_meanings"].split(), 1)}
            out["hazard_scale"] = self.risk.attrs.get("hazard_scale")
            if "risk" in self.risk:
                out["vulnerability"] = ("uniform default (no vulnerability table given)"
                                        if self.risk.attrs.get("vulnerability_default") else
                                        f"{self.risk.attrs.get('vulnerability_layers')} "
                                        f"({self.risk.attrs.get('vulnerability_scale')})")
                out["risk_rank_correlation"] = {
                    k: (None if not np.isfinite(self.risk.attrs.get(f"spearman_risk_{k}", np.nan))
                        else float(self.risk.attrs[f"spearman_risk_{k}"]))
                    for k in ("hazard", "exposure", "vulnerability", "population")}
        return out


def _scene_title(ds: xr.Dataset) -> tuple[str, str]:
    city = ds.attrs.get("city") or ds.attrs.get("scene_id") or "scene"
    date = str(ds.attrs.get("acquisition_time", ""))[:10]
    return str(city), date


def analyse_city(
    scene,
    *,
    population=None,
    districts=None,
    landcover=None,
    lst_method: str = "auto",
    water_vapour: float | None = None,
    mask_clouds: bool | str = "auto",
    hotspot_distance_m: float | None = None,
    district_column: str | None = None,
    district_stats: bool = True,
    vulnerability=None,
    chunks=None,
) -> CityAnalysis:
    """Analyse one scene of a city.

    Parameters
    ----------
    scene : path or xarray.Dataset
        Scene folder / archive / MTL (read with :func:`uhi.io.load_landsat`) or an already loaded scene.
    population : path or xarray.DataArray, optional
        Residents per pixel (any CRS and resolution; totals preserved by :func:`uhi.io.load_population`).
        Default: ``truth/population.tif`` of a synthetic scene folder; without population no risk is computed.
    districts : path or GeoDataFrame, optional
        Polygons for the per-district table (reprojected to the scene CRS). Default: ``truth/districts.gpkg``.
    landcover : path or xarray.DataArray, optional
        Classified land cover (codes of ``data/landcover.csv``) for the urban mask; default
        ``truth/land_cover.tif``; without it the urban mask comes from NDBI/NDVI
        (:func:`uhi.metrics.urban_mask_from_indices`).
    lst_method : str
        Method of :func:`uhi.lst.land_surface_temperature`, or ``"auto"`` (:func:`choose_lst_method`).
    water_vapour : float, optional
        Total column water vapour [g cm-2] for the single-channel / split-window methods.
    mask_clouds : bool or "auto"
        Cloud masking from the QA band (:func:`uhi.io.load_landsat`); ``"auto"`` masks when the scene
        has a QA band.
    vulnerability : path, DataFrame or xarray.DataArray, optional
        Residents' attributes per district (CSV or vector file; joined on ``district_column``,
        :func:`uhi.risk.vulnerability_from_table`) or a vulnerability raster in [0, 1]. Default: uniform,
        flagged in the outputs.
    hotspot_distance_m : float, optional
        Distance band of the Gi* hot-spot statistic [m] (default 500 m, :func:`uhi.metrics.hotspots`, which
        runs on ~100 m cells with Benjamini-Hochberg FDR control).
    district_column : str, optional
        Column naming each district (default: chosen by :func:`uhi.zonal.prepare_zones`).
    district_stats : bool
        Compute the per-district table (False: the districts are read but not summarised, as the
        scenarios do their own district accounting).

    Returns
    -------
    CityAnalysis
    """
    from uhi import indices as spectral
    from uhi.io import load_landsat
    from uhi.lst import land_surface_temperature

    scene_path = None
    if isinstance(scene, xr.Dataset):
        ds = scene
    else:
        scene_path = Path(scene)
        ds = load_landsat(scene_path, mask_clouds=mask_clouds, chunks=chunks)
    kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
    if lst_method == "auto":
        lst_method = choose_lst_method(ds, water_vapour)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lst = land_surface_temperature(ds, method=lst_method, **kwargs)
    lst_notes = []
    for w in caught:
        if issubclass(w.category, UserWarning) and not issubclass(w.category, DeprecationWarning):
            lst_notes.append(str(w.message))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    _check_clear(lst, ds, scene_path)
    wanted = ("ndvi", "ndbi", "mndwi")
    present = [n for n in wanted if all(b in ds for b in spectral.INDEX_BANDS[n])]
    notes = lst_notes + [f"{n.upper()} not computed: the scene lacks band(s) "
             f"{', '.join(b for b in spectral.INDEX_BANDS[n] if b not in ds)}" for n in wanted if n not in present]
    idx = spectral.spectral_indices(ds, names=present) if present else xr.Dataset()
    city, date = _scene_title(ds)
    truth = truth_layers(scene_path)  # ancillary layers of a synthetic scene folder (None for a real scene)
    return analyse_layers(
        lst, ndvi=idx.get("ndvi"), ndbi=idx.get("ndbi"), mndwi=idx.get("mndwi"), notes=notes,
        population=population if population is not None else truth["population"],
        districts=districts if districts is not None else truth["districts"],
        landcover=landcover if landcover is not None else truth["landcover"],
        hotspot_distance_m=hotspot_distance_m, district_column=district_column, district_stats=district_stats,
        city=city, date=date, scene=ds, vulnerability=vulnerability,
    )


#: Smallest share of the frame with a valid LST that :func:`analyse_city` analyses (1 %): below it, SUHII,
#: hot spots and risk would describe a few scattered gaps between clouds. A choice of this library.
MIN_CLEAR_SHARE = 0.01


def _check_clear(lst: xr.DataArray, ds: xr.Dataset, scene_path) -> None:
    """Stop before any output when (almost) no pixel has a valid LST, saying why and what gets past it."""
    share = float(np.isfinite(lst.values).mean()) if lst.size else 0.0
    if share >= MIN_CLEAR_SHARE:
        return
    where = str(scene_path.name if scene_path is not None else ds.attrs.get("scene_id", "the scene"))
    masked = str(ds.attrs.get("cloud_mask", "")).startswith(("QA_PIXEL", "BQA"))
    hint = ("the QA band flags the rest as cloud, shadow, snow or fill; rerun with --no-mask-clouds "
            "(mask_clouds=False) to analyse the unmasked scene" if masked else
            "the rest is fill (no data) in the thermal band; choose a scene or crop with data")
    raise InputValueError(f"{where}: only {share:.2%} of the pixels have a valid LST (at least "
                          f"{MIN_CLEAR_SHARE:.0%} needed); {hint}")


def choose_lst_method(ds: xr.Dataset, water_vapour: float | None = None) -> str:
    """The most accurate LST method the scene supports.

    ``"l2"`` for a Level-2 scene (the USGS single-channel product with MODTRAN-based atmospheric
    correction); with known water vapour (argument or ``ds.attrs["water_vapour"]``) ``"split-window"``
    when both thermal bands are present, else ``"single-channel"`` (Jiménez-Muñoz et al. 2014; Du et al. 2015; both within 1 K
    on the synthetic scenes, tests/test_lst_synthetic.py); otherwise ``"simple"``, which has no atmospheric
    correction (a few kelvin low in humid air).
    """
    if "surface_temperature" in ds:
        return "l2"
    if water_vapour is not None or ds.attrs.get("water_vapour") is not None:
        has_b11 = "brightness_temperature_b11" in ds or "radiance_b11" in ds
        return "split-window" if has_b11 else "single-channel"
    return "simple"


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


def district_table(lst, zones, *, population=None, risk=None, id_column=None):
    """Per-district LST statistics (degC), population-weighted LST, residents in very strong / extreme heat
    (absolute hazard classes 4-5) and in high-risk classes (absolute risk classes 4-5)."""
    from uhi.lst import to_celsius
    from uhi.zonal import rasterize_zones, zonal_stats

    layers = {"lst": to_celsius(lst)}
    if risk is not None and "risk" in risk:
        layers["risk"] = risk["risk"]
    zones = rasterize_zones(zones, lst, id_column=id_column)  # burn the polygons once for every table below
    table = zonal_stats(xr.Dataset(layers), zones, stats=("mean", "min", "max", "p90", "count"))
    if population is not None:
        from uhi.zonal import people_in_classes, population_weighted_mean

        weighted = population_weighted_mean(layers["lst"].rename("lst"), population, zones)
        table["residents"] = weighted["population"].to_numpy()
        table["lst_popweighted_mean"] = weighted["lst_population_weighted_mean"].to_numpy()
        if risk is not None:
            hot = people_in_classes(risk["hazard_class"], population, zones, classes=HOT_HAZARD_CLASSES)
            table["residents_very_strong_heat"] = hot["people_in_classes"].to_numpy()
            table["share_very_strong_heat"] = hot["share_in_classes"].to_numpy()
            if "risk_class" in risk:
                people = people_in_classes(risk["risk_class"], population, zones, classes=HIGH_RISK_CLASSES)
                table["residents_high_risk"] = people["people_in_classes"].to_numpy()
                table["share_high_risk"] = people["share_in_classes"].to_numpy()
    return table
