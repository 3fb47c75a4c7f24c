"""Scenario engine: baseline, placing interventions, cooling model, risk after, per-district accounting.

How a scenario is computed (docs/ARCHITECTURE.md "Cooling"; effect sizes from the catalogue's sources, air temperature from the InVEST Urban Cooling Model):

1. **Baseline** -- :func:`uhi.analysis.analyse_city` (LST [K], indices, population, districts, land cover,
   heat risk), the UCM parameters of the land cover (:func:`uhi.cooling.parameters_from_landcover`) and
   the baseline cooling model run (T_air).
2. **Placement** -- each ``[[intervention]]`` gets a location mask (polygons, named districts, or the
   ``top_risk`` share of pixels with the highest baseline risk) times the share of each pixel available
   to its placement (:func:`uhi.interventions.placement_fraction`). Neighbourhood measures spread their
   area (``amount`` x footprint, or ``coverage`` x available area) uniformly over the available area;
   hyper-local devices go one per pixel to the highest-risk available pixels first.
3. **Cooling** -- neighbourhood measures edit the UCM parameters (:func:`uhi.interventions.apply_intervention`)
   and the model is run again: ΔT_air = T_air(scenario) - T_air(baseline). InVEST bounds T_air to
   [T_ref, T_ref + UHI_max], so this cooling never exceeds UHI_max (InVEST UCM user guide: T_air = T_ref + (1 - HM) UHI_max). Hyper-local measures
   add their own pixel-mean air cooling (:func:`uhi.interventions.local_air_cooling`), outside the model.
4. **Surface** -- ΔLST = Σ lst_change_k · f (:func:`uhi.interventions.surface_cooling`).
5. **Risk after** -- hazard from LST + ΔLST normalised with the *baseline* bounds, exposure and
   vulnerability unchanged, classified with the *baseline* class breaks, so class changes are real
   changes, not a re-ranking.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rioxarray
import xarray as xr

from .._backend import pixel_size_m, set_cf
from .._paths import data_path
from ..errors import InputValueError, ScenarioError
from ..interventions import (
    Intervention,
    apply_intervention,
    cost_eur,
    local_air_cooling,
    placement_fraction,
    placement_shares,
    surface_cooling,
)
from .schema import BaselineSpec, InterventionSpec, ScenarioSpec

__all__ = ["HIGH_RISK_CLASSES", "KRAYENHOFF_ALBEDO", "KRAYENHOFF_CANOPY", "Baseline", "prepare_baseline", "run_scenario"]

#: Risk classes counted as high risk (4 high, 5 very high; uhi.analysis.HIGH_RISK_CLASSES).
HIGH_RISK_CLASSES = (4, 5)
#: Sanity range of neighbourhood air cooling per +0.10 albedo [degC], Krayenhoff et al. 2021 review (Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1).
KRAYENHOFF_ALBEDO = (0.2, 0.6)
#: Sanity range per +0.10 canopy cover [degC]: "roughly 0.3" (Krayenhoff et al. 2021), taken as 0.2-0.4.
KRAYENHOFF_CANOPY = (0.2, 0.4)

Progress = Callable[[str], None] | None
_PLURAL = {"tree": "trees", "device": "devices"}


@dataclasses.dataclass
class Baseline:
    """Everything of the baseline a scenario needs (on the scene grid)."""

    analysis: object  # uhi.analysis.CityAnalysis
    landcover: xr.DataArray
    population: xr.DataArray
    risk: xr.Dataset
    params: xr.Dataset
    cooling: xr.Dataset
    settings: BaselineSpec
    districts: gpd.GeoDataFrame  # one row per district (or one "city" row), column "district"
    zones: np.ndarray  # int32 labels: 0 outside every district, i + 1 for districts.iloc[i]
    cell_m: float
    city: str

    @property
    def lst(self) -> xr.DataArray:
        return self.analysis.lst


def _say(progress: Progress, text: str) -> None:
    if progress is not None:
        progress(text)


def _inputs_key(spec: ScenarioSpec) -> tuple:
    """Scenarios with equal keys share a baseline (used by compare)."""
    keys = ("city", "scene", "shape", "lst", "ndvi", "ndbi", "landcover", "population", "districts",
            "district_column", "biophysical_table")
    return tuple(str(getattr(spec, k)) for k in keys) + (spec.baseline.model_dump_json(),)


def _read_raster(path: str, what: str, like: xr.DataArray | None = None) -> xr.DataArray:
    from rasterio.enums import Resampling

    if not Path(path).is_file():
        raise ScenarioError(f"{what} raster {path!r} does not exist")
    try:
        da = rioxarray.open_rasterio(path, masked=True).squeeze("band", drop=True)
    except Exception as exc:  # noqa: BLE001 - rasterio raises several error types for unreadable files
        raise ScenarioError(f"{what} raster {path!r} cannot be read: {exc}") from None
    if da.rio.crs is None:
        raise ScenarioError(f"{what} raster {path!r} has no CRS")
    if like is not None and (da.shape != like.shape or da.rio.transform() != like.rio.transform() or da.rio.crs != like.rio.crs):
        da = da.rio.reproject_match(like, resampling=Resampling.mode if what == "landcover" else Resampling.bilinear)
        da = da.assign_coords(x=like.x, y=like.y)
    return da.astype(np.float32).rename(what)


def _analysis(spec: ScenarioSpec, progress: Progress):
    """Baseline CityAnalysis (districts are read separately: the scenario does its own district accounting)."""
    from ..analysis import analyse_layers, truth_path

    if spec.city is not None or spec.scene is not None:
        from .. import indices as spectral
        from ..io import load_landsat
        from ..lst import land_surface_temperature

        if spec.city is not None:
            from ..cities import get_city
            from ..synthetic import default_scene

            city = get_city(spec.city)
            kwargs = {} if spec.shape is None else {"shape": tuple(spec.shape)}
            _say(progress, f"synthetic scene of {city.name}")
            scene = Path(default_scene(city.name, **kwargs))
        else:
            scene = Path(spec.scene)
            if not scene.exists():
                raise ScenarioError(f"scene {spec.scene!r} does not exist")
        _say(progress, "baseline analysis (LST, indices, risk)")
        ds = load_landsat(scene)
        method = spec.baseline.lst_method
        if method == "auto":
            from ..analysis import choose_lst_method

            method = choose_lst_method(ds)
        lst = land_surface_temperature(ds, method=method)
        idx = spectral.spectral_indices(ds, names=("ndvi", "ndbi", "mndwi"))
        city_name = str(ds.attrs.get("city") or spec.city or scene.name)
        return analyse_layers(
            lst, ndvi=idx["ndvi"], ndbi=idx["ndbi"], mndwi=idx["mndwi"],
            population=spec.population or truth_path(scene, "population.tif"),
            landcover=spec.landcover or truth_path(scene, "land_cover.tif"),
            city=city_name, date=str(ds.attrs.get("acquisition_time", ""))[:10], scene=ds,
        ), (spec.districts or truth_path(scene, "districts.gpkg"))
    _say(progress, "baseline analysis from layers")
    lst = _read_raster(spec.lst, "lst")
    lst.attrs["units"] = "K"
    ndvi = _read_raster(spec.ndvi, "ndvi", like=lst)
    ndbi = _read_raster(spec.ndbi, "ndbi", like=lst)
    landcover = _read_raster(spec.landcover, "landcover", like=lst)
    population = _read_raster(spec.population, "population", like=lst).fillna(0.0)
    return analyse_layers(lst, ndvi=ndvi, ndbi=ndbi, population=population, landcover=landcover,
                          city=spec.name), spec.districts


def _read_districts(path, crs) -> gpd.GeoDataFrame:
    if isinstance(path, gpd.GeoDataFrame):
        gdf = path
    else:
        if not Path(path).is_file():
            raise ScenarioError(f"vector file {str(path)!r} does not exist")
        try:
            gdf = gpd.read_file(path)
        except Exception as exc:  # noqa: BLE001 - pyogrio raises several error types
            raise ScenarioError(f"vector file {str(path)!r} cannot be read: {exc}") from None
    if gdf.crs is None:
        raise ScenarioError(f"vector file {str(path)!r} has no CRS")
    return gdf.to_crs(crs)


def _zones(districts: gpd.GeoDataFrame | None, like: xr.DataArray, column: str | None) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    from rasterio.features import rasterize
    from shapely.geometry import box

    if districts is None or len(districts) == 0:
        x0, y0, x1, y1 = like.rio.bounds()
        gdf = gpd.GeoDataFrame({"district": ["city"]}, geometry=[box(x0, y0, x1, y1)], crs=like.rio.crs)
        return gdf, np.ones(like.shape, dtype=np.int32)
    if column is None:
        column = "district" if "district" in districts.columns else None
    names = districts[column].astype(str).tolist() if column else [f"zone {i + 1}" for i in range(len(districts))]
    gdf = gpd.GeoDataFrame({"district": names}, geometry=districts.geometry.to_numpy(), crs=districts.crs).to_crs(like.rio.crs)
    shapes = [(geom, i + 1) for i, geom in enumerate(gdf.geometry) if geom is not None and not geom.is_empty]
    labels = rasterize(shapes, out_shape=like.shape, transform=like.rio.transform(), fill=0, dtype="int32")
    return gdf, labels


def prepare_baseline(spec: ScenarioSpec, *, progress: Progress = None, analysis=None) -> Baseline:
    """Baseline analysis, UCM parameters and baseline cooling of a scenario's inputs.

    ``analysis`` (a :class:`uhi.analysis.CityAnalysis`) may be given to skip the scene analysis.
    """
    from ..cooling import parameters_from_landcover, urban_cooling

    districts = None
    if analysis is None:
        analysis, districts = _analysis(spec, progress)
    elif analysis.districts is not None:
        districts = analysis.districts
    if analysis.landcover is None:
        raise ScenarioError("the scenario needs a land-cover raster (key 'landcover'): interventions are placed by land-cover class")
    if analysis.population is None or analysis.risk is None:
        raise ScenarioError("the scenario needs a population raster (key 'population') for the heat-risk baseline")
    lc = analysis.landcover
    table = spec.biophysical_table or data_path("landcover.csv")
    _say(progress, "baseline cooling model")
    try:
        params = parameters_from_landcover(lc, table)
    except InputValueError as exc:
        raise ScenarioError(f"biophysical table: {exc}") from None
    b = spec.baseline
    cooling = urban_cooling(params, ref_et=b.ref_et, t_ref=b.t_ref, uhi_max=b.uhi_max, cooling_distance=b.cooling_distance,
                            mixing_radius=b.mixing_radius, cc_method=b.cc_method)
    if districts is not None and not isinstance(districts, gpd.GeoDataFrame):
        districts = _read_districts(districts, analysis.lst.rio.crs)
    districts, zones = _zones(districts, analysis.lst, spec.district_column)
    population = analysis.population.fillna(0.0)
    return Baseline(analysis=analysis, landcover=lc, population=population, risk=classes_on_residents(analysis.risk, population),
                    params=params, cooling=cooling, settings=b, districts=districts, zones=zones,
                    cell_m=pixel_size_m(analysis.lst, "scenario"), city=str(getattr(analysis, "city", spec.name)))


# ------------------------------------------------------------ placement ----

def _label(i: int, item: InterventionSpec) -> str:
    return item.label or f"intervention[{i}] {item.type}"


def location_mask(item: InterventionSpec, base: Baseline, *, label: str = "") -> np.ndarray:
    """Boolean mask of the pixels an intervention may use (before placement shares)."""
    from rasterio.features import rasterize

    shape = base.lst.shape
    kind = item.location_kind
    if kind == "polygons":
        gdf = _read_districts(item.polygons, base.lst.rio.crs)
        geoms = [g for g in gdf.geometry if g is not None and not g.is_empty]
        if not geoms:
            raise ScenarioError(f"{label}: polygons file {item.polygons!r} has no geometry")
        mask = rasterize([(g, 1) for g in geoms], out_shape=shape, transform=base.lst.rio.transform(), fill=0, dtype="uint8") > 0
        if not mask.any():
            raise ScenarioError(f"{label}: polygons in {item.polygons!r} cover no pixel of the scene")
        return mask
    if kind == "districts":
        names = base.districts["district"].tolist()
        folded = {n.casefold(): i for i, n in enumerate(names)}
        ids = []
        for name in item.districts:
            if name.casefold() not in folded:
                raise ScenarioError(f"{label}: district {name!r} is not in the districts layer; it has {names}")
            ids.append(folded[name.casefold()] + 1)
        return np.isin(base.zones, ids)
    risk = np.asarray(base.risk["risk"].values, dtype=np.float64)
    finite = np.isfinite(risk)
    if not finite.any():
        raise ScenarioError(f"{label}: the baseline risk map has no valid pixel")
    n = max(1, round(item.top_risk.share * finite.sum()))
    order = np.argsort(np.where(finite, -risk, np.inf), axis=None, kind="stable")[:n]
    mask = np.zeros(risk.size, dtype=bool)
    mask[order] = True
    return mask.reshape(risk.shape)


@dataclasses.dataclass
class Placement:
    """Where and how much of one intervention was placed."""

    label: str
    intervention: Intervention
    units: float
    area_m2: float
    cost_eur: float
    treated_fraction: np.ndarray | None  # neighbourhood measures
    units_per_pixel: np.ndarray | None  # local measures
    location: np.ndarray


def place(i: int, item: InterventionSpec, it: Intervention, base: Baseline, shares: pd.DataFrame) -> Placement:
    """Allocate one intervention on the grid (see the module docstring)."""
    label = _label(i, item)
    mask = location_mask(item, base, label=label)
    try:
        avail = np.nan_to_num(np.asarray(placement_fraction(base.landcover, it.placement, shares).values, dtype=np.float64))
    except InputValueError as exc:
        raise ScenarioError(f"{label}: {exc}") from None
    avail = np.where(mask, avail, 0.0)
    valid = np.isfinite(np.asarray(base.params["shade"].values))
    avail = np.where(valid, avail, 0.0)
    cell2 = base.cell_m**2
    capacity_m2 = float(avail.sum() * cell2)
    where = f"{item.location_kind} {item.districts or item.polygons or item.top_risk.model_dump()}"
    if capacity_m2 <= 0:
        raise ScenarioError(f"{label}: no {'/'.join(it.placement)} area available in {where}")
    if it.unit in ("tree", "device") and item.amount is not None and item.amount != math.floor(item.amount):
        raise ScenarioError(f"{label}: amount of {it.key!r} counts {it.unit}s and must be a whole number, got {item.amount!r}")

    if it.is_local:
        if item.amount is None:
            raise ScenarioError(f"{label}: {it.key!r} is a hyper-local measure; give 'amount' ({it.unit}s), not 'coverage'")
        risk = np.asarray(base.risk["risk"].values, dtype=np.float64)
        eligible = np.flatnonzero((avail > 0).ravel())
        order = eligible[np.argsort(-np.nan_to_num(risk.ravel()[eligible], nan=-np.inf), kind="stable")]
        units = np.zeros(avail.size, dtype=np.float64)
        amount = float(item.amount)
        if it.unit == "device":
            n = int(amount)
            units[order] = n // order.size
            units[order[: n % order.size]] += 1
        else:  # m2 of wall: fill the highest-risk pixels up to their available area
            cap_units = avail.ravel()[order] * cell2 / it.footprint_m2
            if amount > cap_units.sum():
                raise ScenarioError(f"{label}: {amount:g} {_PLURAL.get(it.unit, it.unit)} of {it.key!r} exceed the {cap_units.sum():.0f} available in {where}")
            filled = np.minimum(cap_units, np.maximum(0.0, amount - np.concatenate(([0.0], np.cumsum(cap_units)[:-1]))))
            units[order] = filled
        return Placement(label, it, amount, amount * it.footprint_m2, cost_eur(it, amount), None, units.reshape(avail.shape), mask)

    if item.coverage is not None:
        f = item.coverage * avail
        area = float(f.sum() * cell2)
        units = area / it.footprint_m2
    else:
        units = float(item.amount)
        area = units * it.footprint_m2
        if area > capacity_m2 * (1 + 1e-9):
            raise ScenarioError(
                f"{label}: {units:g} {_PLURAL.get(it.unit, it.unit)} of {it.key!r} need {area:,.0f} m2 but only {capacity_m2:,.0f} m2 of "
                f"{'/'.join(it.placement)} area is available in {where}"
            )
        f = avail * (area / capacity_m2)
    return Placement(label, it, units, area, cost_eur(it, units), f, None, mask)


# ---------------------------------------------------------------- risk ----

def classes_on_residents(risk: xr.Dataset, population: xr.DataArray, n: int = 5) -> xr.Dataset:
    """Risk classes re-fitted on populated pixels, with the baseline's scheme.

    Under ``risk = H·E·V`` every unpopulated pixel has risk 0; when they are the majority (rural
    margins, parks, water) quantile breaks collapse to 0 and every resident lands in the top class,
    so nobody could ever leave it. The scenario accounting is about residents, so its classes are
    the same scheme fitted on pixels with residents (``uhi.risk.class_breaks``); the map's risk
    values are unchanged.
    """
    from ..risk import class_breaks

    scheme = risk.attrs.get("scheme", risk["risk_class"].attrs.get("scheme", "quantile"))
    populated = risk["risk"].where(population > 0)
    if not np.isfinite(np.asarray(populated.values, dtype=np.float64)).any():
        raise ScenarioError("the population raster has no resident on a valid pixel of the scene; nothing to protect")
    try:
        breaks = class_breaks(populated, scheme, n)
    except InputValueError as exc:
        raise ScenarioError(f"cannot fit risk classes on populated pixels: {exc}") from None
    values = np.asarray(risk["risk"].values, dtype=np.float64)
    cls = (np.searchsorted(breaks, values, side="left") + 1).astype(np.uint8)
    cls[~np.isfinite(values)] = 0
    out = risk.copy()
    out["risk_class"] = risk["risk_class"].copy(data=cls)
    out["risk_class"].attrs.update(class_breaks=breaks, note=f"{scheme} breaks fitted on populated pixels (scenario accounting)")
    return out


def risk_after(risk: xr.Dataset, lst_after: xr.DataArray) -> tuple[xr.DataArray, xr.DataArray]:
    """Risk and risk class with LST changed, holding the baseline normalisation and class breaks fixed."""
    from ..risk import combine

    lo, hi = (float(v) for v in risk["hazard"].attrs["bounds"])
    lst = np.asarray(lst_after.values, dtype=np.float64)
    hazard = np.clip((lst - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)
    hazard[~np.isfinite(lst)] = np.nan
    weights = risk["risk"].attrs.get("weights")
    weights = tuple(float(w) for w in weights) if weights is not None else (1 / 3, 1 / 3, 1 / 3)
    method = risk.attrs.get("method", "product")
    r = combine(hazard, np.asarray(risk["exposure"].values), np.asarray(risk["vulnerability"].values), method, weights)
    breaks = np.asarray(risk["risk_class"].attrs["class_breaks"], dtype=np.float64)
    cls = (np.searchsorted(breaks, r.astype(np.float64), side="left") + 1).astype(np.uint8)
    cls[~np.isfinite(r)] = 0
    like = risk["risk"]
    r_da = xr.DataArray(r, coords=like.coords, dims=like.dims, attrs=dict(like.attrs, note="baseline normalisation bounds held fixed"))
    c_da = xr.DataArray(cls, coords=like.coords, dims=like.dims, attrs=dict(risk["risk_class"].attrs, note="baseline class breaks held fixed"))
    return r_da, c_da


# ----------------------------------------------------------------- run ----

def run_scenario(name: str, items: list[InterventionSpec], catalogue: dict[str, Intervention], base: Baseline, *,
                 shares: pd.DataFrame | None = None, progress: Progress = None, where: str = "scenario"):
    """Compute one scenario on a prepared baseline -> :class:`uhi.scenarios.ScenarioResult`."""
    from ..cooling import urban_cooling
    from .result import ScenarioResult, district_table, sanity_checks, totals

    shares = placement_shares() if shares is None else shares
    b = base.settings
    params = base.params
    delta_lst = np.zeros(base.lst.shape, dtype=np.float64)
    delta_local = np.zeros(base.lst.shape, dtype=np.float64)
    treated = np.zeros(base.lst.shape, dtype=np.float64)
    placements: list[Placement] = []
    for i, item in enumerate(items):
        if item.type not in catalogue:
            raise ScenarioError(f"{where}: key 'intervention[{i}].type' is {item.type!r}, not in the catalogue {sorted(catalogue)}")
        it = catalogue[item.type]
        _say(progress, f"placing {_label(i, item)}")
        pl = place(i, item, it, base, shares)
        placements.append(pl)
        if it.is_local:
            units = xr.DataArray(pl.units_per_pixel, coords=base.lst.coords, dims=base.lst.dims).rio.write_crs(base.lst.rio.crs)
            # co-located hyper-local measures do not add up: the strongest one counts (conservative)
            delta_local = np.minimum(delta_local, np.asarray(local_air_cooling(it, units).values, dtype=np.float64))
        else:
            f = xr.DataArray(pl.treated_fraction.astype(np.float32), coords=base.lst.coords, dims=base.lst.dims)
            params = apply_intervention(params, it, f)
            delta_lst += np.asarray(surface_cooling(it, f).values, dtype=np.float64)
            treated += pl.treated_fraction
    if any(not p.intervention.is_local for p in placements):
        _say(progress, "scenario cooling model")
        cooling = urban_cooling(params, ref_et=b.ref_et, t_ref=b.t_ref, uhi_max=b.uhi_max, cooling_distance=b.cooling_distance,
                                mixing_radius=b.mixing_radius, cc_method=b.cc_method)
    else:
        cooling = base.cooling
    valid = np.isfinite(np.asarray(base.cooling["t_air"].values))
    d_model = np.asarray(cooling["t_air"].values, dtype=np.float64) - np.asarray(base.cooling["t_air"].values, dtype=np.float64)
    d_air = np.where(valid, d_model + delta_local, np.nan)
    lst0 = base.lst
    lst1 = lst0 + xr.DataArray(delta_lst.astype(np.float32), coords=lst0.coords, dims=lst0.dims)
    _say(progress, "risk after the interventions")
    risk1, cls1 = risk_after(base.risk, lst1)

    def da(values, name, units, long_name, **attrs):
        out = xr.DataArray(np.asarray(values), coords=lst0.coords, dims=lst0.dims)
        out = set_cf(out, name=name, units=units, long_name=long_name, **attrs)
        return out.rio.write_crs(lst0.rio.crs) if lst0.rio.crs is not None else out

    maps = xr.Dataset({
        "t_air_baseline": da(base.cooling["t_air"].values, "t_air_baseline", "degC", "air temperature, baseline (InVEST UCM)"),
        "t_air_scenario": da(np.asarray(base.cooling["t_air"].values) + np.nan_to_num(d_air), "t_air_scenario", "degC",
                             "air temperature with the interventions"),
        "delta_t_air": da(d_air.astype(np.float32), "delta_t_air", "K", "air temperature change (cooling model + hyper-local measures)",
                          bound="InVEST T_air is within [T_ref, T_ref + UHI_max]: model cooling never exceeds UHI_max"),
        "delta_t_air_model": da(np.where(valid, d_model, np.nan).astype(np.float32), "delta_t_air_model", "K",
                                "air temperature change from neighbourhood measures (cooling model)"),
        "delta_t_air_local": da(np.where(valid, delta_local, np.nan).astype(np.float32), "delta_t_air_local", "K",
                                "pixel-mean air temperature change from hyper-local measures (outside the cooling model)"),
        "delta_lst": da(np.where(np.isfinite(lst0.values), delta_lst, np.nan).astype(np.float32), "delta_lst", "K",
                        "land surface temperature change"),
        "lst_baseline": da(lst0.values, "lst_baseline", "K", "land surface temperature, baseline"),
        "lst_scenario": da(lst1.values, "lst_scenario", "K", "land surface temperature with the interventions"),
        "risk_baseline": da(base.risk["risk"].values, "risk_baseline", "1", "heat risk, baseline"),
        "risk_scenario": da(risk1.values, "risk_scenario", "1", "heat risk with the interventions"),
        "risk_class_baseline": da(base.risk["risk_class"].values, "risk_class_baseline", "1", "heat risk class, baseline"),
        "risk_class_scenario": da(cls1.values, "risk_class_scenario", "1", "heat risk class with the interventions (baseline breaks)"),
        "treated_fraction": da(treated.astype(np.float32), "treated_fraction", "1", "share of each pixel treated by neighbourhood measures"),
        "population": da(base.population.values, "population", "1", "residents per pixel"),
    })
    for v in ("risk_class_baseline", "risk_class_scenario"):
        maps[v].attrs.update({k: base.risk["risk_class"].attrs[k] for k in ("flag_values", "flag_meanings") if k in base.risk["risk_class"].attrs})
    table = district_table(maps, base)
    tot = totals(maps, placements, base)
    checks = sanity_checks(maps, placements, base, params)
    return ScenarioResult(name=name, city=base.city, maps=maps, table=table, totals=tot, placements=placements,
                          settings=b, checks=checks)

