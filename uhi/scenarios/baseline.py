"""The baseline of a scenario: the city analysis of :mod:`uhi.analysis`, its cooling model run and its districts.

One path from a scenario file's inputs to the baseline::

    ScenarioSpec -> baseline_analysis (uhi.analysis.analyse_city, or analyse_layers for ready layers)
                 -> prepare_baseline (UCM parameters, baseline T_air, district labels, classes on residents)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from shapely.geometry import box

from .._backend import pixel_size_m
from .._paths import data_path
from .._progress import Progress, say
from ..analysis import CityAnalysis, analyse_city, analyse_layers
from ..constants import UCM_DEFAULTS
from ..errors import InputValueError, ScenarioError
from ..io.raster import load_raster
from ..zonal import ZoneLayers, rasterize_zones
from .schema import BaselineSpec, ScenarioSpec

__all__ = ["Baseline", "baseline_analysis", "baseline_key", "classes_on_residents", "district_zones", "load_health", "prepare_baseline", "run_cooling"]


@dataclasses.dataclass
class Baseline:
    """Everything of the baseline a scenario needs (on the scene grid)."""

    analysis: CityAnalysis
    landcover: xr.DataArray
    population: xr.DataArray
    risk: xr.Dataset
    params: xr.Dataset
    cooling: xr.Dataset
    settings: BaselineSpec
    districts: gpd.GeoDataFrame  # one row per district (or one "city" row), column "district"
    zones: ZoneLayers  # the districts burnt onto the grid (uhi.zonal.rasterize_zones): label i + 1 = districts.iloc[i]
    cell_m: float
    city: str
    table: object = None  # biophysical table (path or DataFrame) the parameters came from
    health: object = None  # uhi.health.HealthModel, or None when no exposure-response data was given
    synthetic: bool = False  # the scene is a synthetic (made-up) city: every output says so
    share_65: np.ndarray | None = None  # per district (row of ``districts``): share of residents aged >= 65, from the vulnerability table

    @property
    def lst(self) -> xr.DataArray:
        return self.analysis.lst


def baseline_key(spec: ScenarioSpec) -> tuple:
    """Scenarios with equal keys share a baseline (used by compare)."""
    keys = ("city", "scene", "shape", "lst", "ndvi", "ndbi", "landcover", "population", "districts",
            "district_column", "vulnerability", "biophysical_table")
    return tuple(str(getattr(spec, k)) for k in keys) + (spec.baseline.model_dump_json(), spec.health.model_dump_json())


def baseline_analysis(spec: ScenarioSpec, progress: Progress = None) -> CityAnalysis:
    """The city analysis of a scenario's inputs (districts read, not summarised: the scenario accounts for them).

    ``city`` -> the synthetic default scene of that city; ``scene`` -> that scene; both through
    :func:`uhi.analysis.analyse_city` with the ``[baseline]`` LST method, water vapour and cloud mask.
    ``lst`` (+ ``ndvi``, ``ndbi``, ``landcover``, ``population``) -> :func:`uhi.analysis.analyse_layers`.
    """
    b = spec.baseline
    common = {"population": spec.population, "districts": spec.districts, "landcover": spec.landcover,
              "district_column": spec.district_column, "district_stats": False, "vulnerability": spec.vulnerability}
    if spec.lst is not None:
        say(progress, "baseline analysis from layers")
        lst = load_raster(spec.lst, name="lst", what="LST raster")
        lst.attrs["units"] = lst.attrs.get("units") or "K"  # the file's units tag (uhi lst writes it), else kelvin
        ndvi = load_raster(spec.ndvi, lst, name="ndvi", what="NDVI raster")
        ndbi = load_raster(spec.ndbi, lst, name="ndbi", what="NDBI raster")
        return analyse_layers(lst, ndvi=ndvi, ndbi=ndbi, city=spec.name, **common)
    if spec.city is not None:
        from ..cities import get_city
        from ..synthetic import default_scene

        city = get_city(spec.city)
        say(progress, f"synthetic scene of {city.name}")
        scene = Path(default_scene(city.name, **({} if spec.shape is None else {"shape": tuple(spec.shape)})))
    else:
        scene = Path(spec.scene)
        if not scene.exists():
            raise ScenarioError(f"scene {spec.scene!r} does not exist")
    say(progress, "baseline analysis (LST, indices, risk)")
    return analyse_city(scene, lst_method=b.lst_method, water_vapour=b.water_vapour, mask_clouds=b.mask_clouds, **common)


def district_zones(analysis: CityAnalysis) -> tuple[gpd.GeoDataFrame, ZoneLayers]:
    """The districts of an analysis as ``district`` names + geometry, burnt onto the LST grid by :mod:`uhi.zonal`.

    Without districts the whole frame is one district, ``"city"``.
    """
    like = analysis.lst
    districts = analysis.districts
    if districts is None or len(districts) == 0:
        x0, y0, x1, y1 = like.rio.bounds()
        gdf = gpd.GeoDataFrame({"district": ["city"]}, geometry=[box(x0, y0, x1, y1)], crs=like.rio.crs)
    else:
        column = analysis.district_column
        names = districts[column].astype(str).tolist() if column else [f"zone {i + 1}" for i in range(len(districts))]
        gdf = gpd.GeoDataFrame({"district": names}, geometry=districts.geometry.to_numpy(), crs=districts.crs)
        gdf = gdf.to_crs(like.rio.crs)
    return gdf, rasterize_zones(gdf, like)


#: Columns of a vulnerability table read as the share of residents aged 65 or more (a fraction, or a percent if > 1).
AGE_65_COLUMNS = ("age_65_plus", "share_65_plus", "elderly", "pct_65_plus", "aged_65_plus")


def district_share_65(spec: ScenarioSpec, analysis: CityAnalysis, districts: gpd.GeoDataFrame) -> np.ndarray | None:
    """Share of residents aged >= 65 per district from the scenario's vulnerability table (None without one)."""
    if spec.vulnerability is None or analysis.district_column is None:
        return None
    from ..risk.vulnerability import read_vulnerability_table

    try:
        table = read_vulnerability_table(spec.vulnerability, id_column=analysis.district_column)
    except InputValueError as exc:
        raise ScenarioError(f"vulnerability: {exc}") from None
    column = next((c for c in AGE_65_COLUMNS if c in table.columns), None)
    if column is None or analysis.district_column not in table.columns:
        return None
    values = pd.to_numeric(table[column], errors="coerce")
    if (values > 1).any():  # percent
        values = values / 100.0
    lookup = dict(zip(table[analysis.district_column].astype(str), values))
    return np.array([lookup.get(str(name), np.nan) for name in districts["district"]], dtype=np.float64)


def run_cooling(params: xr.Dataset, b: BaselineSpec, table) -> xr.Dataset:
    """Air temperature of ``params`` with the scenario's cooling model (``[baseline] cooling_model``)."""
    from ..cooling import literature_cooling, load_cooling_config, urban_cooling

    if b.cooling_model == "invest":
        return urban_cooling(params, ref_et=b.ref_et, t_ref=b.t_ref, uhi_max=b.uhi_max, cooling_distance=b.cooling_distance,
                             mixing_radius=b.mixing_radius, cc_method=b.cc_method,
                             weights=UCM_DEFAULTS["weights"] if b.cc_weights is None else b.cc_weights)
    try:
        config = load_cooling_config(b.cooling_config)
        return literature_cooling(params, ref_et=b.ref_et, t_ref=b.t_ref, uhi_max=b.uhi_max, table=table, config=config)
    except InputValueError as exc:
        raise ScenarioError(f"cooling model 'literature': {exc}") from None


def load_health(spec: ScenarioSpec, city: str, progress: Progress = None):
    """The :class:`uhi.health.HealthModel` of a scenario (``[health]`` or ``UHI_HEALTH_DATA``), None without data."""
    from ..health import load_city_health

    h = spec.health
    try:
        return load_city_health(h.data, spec.city or city, curve_city=h.city, years=h.years, series=h.series,
                                fallback=h.fallback, progress=progress)
    except InputValueError as exc:
        raise ScenarioError(f"[health]: {exc}") from None


def prepare_baseline(spec: ScenarioSpec, *, progress: Progress = None, analysis: CityAnalysis | None = None) -> Baseline:
    """Baseline analysis, UCM parameters and baseline cooling of a scenario's inputs.

    ``analysis`` (a :class:`uhi.analysis.CityAnalysis`) may be given to skip the scene analysis.
    """
    from ..cooling import parameters_from_landcover

    if analysis is None:
        analysis = baseline_analysis(spec, progress)
    if analysis.landcover is None:
        raise ScenarioError("the scenario needs a land-cover raster (key 'landcover'): interventions are placed by land-cover class")
    if analysis.population is None or analysis.risk is None:
        raise ScenarioError("the scenario needs a population raster (key 'population') for the heat-risk baseline")
    lc = analysis.landcover
    table = spec.biophysical_table or data_path("landcover.csv")
    say(progress, "baseline cooling model")
    try:
        params = parameters_from_landcover(lc, table)
    except InputValueError as exc:
        raise ScenarioError(f"biophysical table: {exc}") from None
    b = spec.baseline
    cooling = run_cooling(params, b, table)
    districts, zones = district_zones(analysis)
    population = analysis.population.fillna(0.0)
    city = str(getattr(analysis, "city", spec.name))
    # a pilot city's default scene, or a scene folder whose MTL carries the synthetic generator's CITY_NAME
    from ..synthetic import is_synthetic

    synthetic = spec.city is not None or (analysis.scene is not None and is_synthetic(analysis.scene.attrs))
    return Baseline(analysis=analysis, landcover=lc, population=population, risk=classes_on_residents(analysis.risk, population),
                    params=params, cooling=cooling, settings=b, districts=districts, zones=zones,
                    cell_m=pixel_size_m(analysis.lst, "scenario"), city=city, table=table,
                    health=load_health(spec, city, progress), synthetic=synthetic,
                    share_65=district_share_65(spec, analysis, districts))


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
