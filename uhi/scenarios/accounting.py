"""Scenario accounting, per district and for the city.

* ΔT_air [K] -- area mean and population-weighted mean of the air temperature change;
* °C·person reduced = Σ residents · (-ΔT_air) over pixels (cooling counts positive);
* residents protected = residents of pixels in the high-risk classes (:data:`uhi.risk.HIGH_RISK_CLASSES`)
  before and below them after (risk recomputed with the baseline breaks, :func:`uhi.scenarios.engine.risk_after`);
* cost per °C·person = capital cost / °C·person reduced; EUR per resident protected = cost / residents protected
  (undefined -- None -- when nothing is reduced / nobody is protected); "residents protected" is a secondary
  column now: the headline outcomes are those of :mod:`uhi.scenarios.outcomes` (heat deaths avoided,
  person-degree-hours, residents cooled by >= 0.5 K, annualised cost incl. operation, EUR per outcome).
"""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from ..risk import HIGH_RISK_CLASSES
from ..synthetic import SYNTHETIC_NOTE
from ..zonal import zonal_stats
from .outcomes import health_columns, option_sentence, outcome_totals

__all__ = ["SYNTHETIC_NOTE", "add_sentence", "district_table", "totals"]


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 and math.isfinite(num) else None


def _zone_sums(layers: dict[str, np.ndarray], like: xr.DataArray, zones, stat: str = "sum") -> dict[str, np.ndarray]:
    """``stat`` of each layer in each zone (:func:`uhi.zonal.zonal_stats` on the baseline's burnt districts).

    Layers go in as float32 like every other raster of the pipeline, so the zonal kernel compiles one
    specialisation (a float64 layer would cost a second compile on first use); the kernel still sums in float64.
    """
    ds = xr.Dataset({k: xr.DataArray(np.asarray(v, dtype=np.float32), coords=like.coords, dims=like.dims) for k, v in layers.items()})
    ds = ds.rio.write_crs(like.rio.crs)
    with warnings.catch_warnings():  # districts without a pixel were named when the baseline was prepared
        warnings.simplefilter("ignore", UserWarning)
        table = zonal_stats(ds, zones, stats=(stat,))
    return {k: table[f"{k}_{stat}"].to_numpy(dtype=np.float64) for k in layers}


def district_table(maps: xr.Dataset, base) -> gpd.GeoDataFrame:
    """Per-district accounting (one row per district of the baseline; see the module docstring)."""
    pop = np.nan_to_num(np.asarray(maps["population"].values, dtype=np.float64))
    d_air = np.asarray(maps["delta_t_air"].values, dtype=np.float64)
    d_lst = np.asarray(maps["delta_lst"].values, dtype=np.float64)
    c0 = np.asarray(maps["risk_class_baseline"].values)
    c1 = np.asarray(maps["risk_class_scenario"].values)
    valid = np.isfinite(d_air)
    air = np.where(valid, d_air, 0.0)
    high0 = np.isin(c0, HIGH_RISK_CLASSES)
    high1 = np.isin(c1, HIGH_RISK_CLASSES)
    protected = high0 & ~high1 & (c1 > 0)
    lower = (c1 < c0) & (c1 > 0)
    higher = c1 > c0
    like = maps["delta_t_air"]
    sums = _zone_sums({
        "residents": pop, "pop_valid": pop * valid, "pop_air": pop * air, "degc_person_reduced": -pop * air,
        "residents_high_risk_before": pop * high0, "residents_high_risk_after": pop * high1,
        "residents_protected": pop * protected, "pixels_risk_class_lower": lower, "pixels_risk_class_higher": higher,
        "residents_risk_class_lower": pop * lower,
    }, like, base.zones)
    sums = {k: np.nan_to_num(v) for k, v in sums.items()}  # a district without pixels sums to 0
    means = _zone_sums({"d_air": d_air, "d_lst": d_lst}, like, base.zones, "mean")
    max_cool = np.fmax(_zone_sums({"cooling": -air}, like, base.zones, "max")["cooling"], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pw_air = sums["pop_air"] / sums["pop_valid"]
    out = gpd.GeoDataFrame({
        "district": base.districts["district"].to_numpy(),
        "residents": sums["residents"],
        "mean_delta_t_air": means["d_air"],
        "popweighted_delta_t_air": pw_air,
        "max_cooling_t_air": max_cool,
        "mean_delta_lst": means["d_lst"],
        "degc_person_reduced": sums["degc_person_reduced"],
        "residents_high_risk_before": sums["residents_high_risk_before"],
        "residents_high_risk_after": sums["residents_high_risk_after"],
        "residents_protected": sums["residents_protected"],
        "pixels_risk_class_lower": sums["pixels_risk_class_lower"].round().astype(np.int64),
        "pixels_risk_class_higher": sums["pixels_risk_class_higher"].round().astype(np.int64),
        "residents_risk_class_lower": sums["residents_risk_class_lower"],
        **health_columns(maps, base.zones.labels(), len(base.districts), getattr(base, "health", None),
                         getattr(base, "share_65", None)),
    }, geometry=base.districts.geometry.to_numpy(), crs=base.districts.crs)
    if getattr(base, "synthetic", False):
        out.insert(1, "synthetic", True)
    out.attrs["units"] = {"mean_delta_t_air": "K", "popweighted_delta_t_air": "K", "max_cooling_t_air": "K",
                          "mean_delta_lst": "K", "degc_person_reduced": "degC person",
                          "deaths_avoided_central": "deaths per summer", "person_degree_hours_reduced": "person K h per summer"}
    return out


def totals(maps: xr.Dataset, placements, base) -> dict:
    """City totals: cost, cooling, °C·person, residents protected, cost ratios, and the measures placed."""
    pop = np.nan_to_num(np.asarray(maps["population"].values, dtype=np.float64))
    d_air = np.asarray(maps["delta_t_air"].values, dtype=np.float64)
    d_lst = np.asarray(maps["delta_lst"].values, dtype=np.float64)
    valid = np.isfinite(d_air)
    air = np.where(valid, d_air, 0.0)
    c0 = np.asarray(maps["risk_class_baseline"].values)
    c1 = np.asarray(maps["risk_class_scenario"].values)
    high0, high1 = np.isin(c0, HIGH_RISK_CLASSES), np.isin(c1, HIGH_RISK_CLASSES)
    protected = float((pop * (high0 & ~high1 & (c1 > 0))).sum())
    cost = float(sum(p.cost_eur for p in placements))
    degc_person = float(-(pop * air).sum())
    pop_valid = float((pop * valid).sum())
    categories = {}
    for p in placements:
        categories[p.intervention.category] = categories.get(p.intervention.category, 0.0) + p.cost_eur
    out = {
        "synthetic": bool(getattr(base, "synthetic", False)),
        "synthetic_note": SYNTHETIC_NOTE if getattr(base, "synthetic", False) else "",
        "cooling_model": base.settings.cooling_model,
        "cost_eur": cost,
        "cost_includes_defaults": bool(any(p.intervention.cost_is_default for p in placements)),
        "mean_delta_t_air": float(air[valid].mean()) if valid.any() else None,
        "popweighted_delta_t_air": _ratio(float((pop * air).sum()), pop_valid),
        "max_cooling_t_air": float(-air.min()) if valid.any() else 0.0,
        "mean_delta_lst": float(np.nanmean(d_lst)) if np.isfinite(d_lst).any() else None,
        "degc_person_reduced": degc_person,
        "cost_per_degc_person": _ratio(cost, degc_person),
        "people_protected": protected,
        "eur_per_resident_protected": _ratio(cost, protected),
        "residents": float(pop.sum()),
        "residents_high_risk_before": float((pop * high0).sum()),
        "residents_high_risk_after": float((pop * high1).sum()),
        "treated_area_m2": float(sum(p.area_m2 for p in placements if not p.intervention.is_local)),
        "lead_category": max(categories, key=categories.get) if categories else None,
        "t_ref_degC": base.settings.t_ref,
        "uhi_max_degC": base.settings.uhi_max,
        "interventions": [
            {"label": p.label, "type": p.intervention.key, "name": p.intervention.name, "category": p.intervention.category,
             "scale": p.intervention.scale, "units": float(p.units), "unit": p.intervention.unit, "area_m2": float(p.area_m2),
             "cost_eur": float(p.cost_eur), "cost_is_default": p.intervention.cost_is_default,
             "cost_source": p.intervention.cost_source, "lst_source": p.intervention.lst_source,
             "sources": list(p.intervention.sources), "om_eur_per_year": float(p.units) * p.intervention.om_eur_per_unit_year,
             "om_is_default": p.intervention.om_is_default}
            for p in placements
        ],
    }
    share_65 = getattr(base, "share_65", None)
    residents_65 = None
    if share_65 is not None:  # per-district age shares of the vulnerability table
        cooled = health_columns(maps, base.zones.labels(), len(base.districts), None, share_65)["residents_65plus_cooled_0_5k"]
        residents_65 = float(np.nansum(cooled))
    out.update(outcome_totals(maps, placements, getattr(base, "health", None), residents_65))
    return out


def add_sentence(name: str, tot: dict) -> dict:
    """``tot`` with its ``outcome_sentence`` (one plain sentence for the comparison table and report)."""
    tot["outcome_sentence"] = option_sentence(name, tot)
    return tot
