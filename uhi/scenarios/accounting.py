"""Scenario accounting, per district and for the city.

* ΔT_air [K] -- area mean and population-weighted mean of the air temperature change;
* °C·person reduced = Σ residents · (-ΔT_air) over pixels (cooling counts positive);
* residents protected = residents of pixels in the high-risk classes (:data:`uhi.risk.HIGH_RISK_CLASSES`)
  before and below them after (risk recomputed with the baseline breaks, :func:`uhi.scenarios.engine.risk_after`);
* cost per °C·person = capital cost / °C·person reduced; EUR per resident protected = cost / residents protected
  (undefined -- None -- when nothing is reduced / nobody is protected).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import xarray as xr

from ..risk import HIGH_RISK_CLASSES

__all__ = ["district_table", "totals"]


def _bincount(labels: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(labels.ravel(), weights=weights.ravel(), minlength=n + 1)[1 : n + 1]


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den > 0 and math.isfinite(num) else None


def district_table(maps: xr.Dataset, base) -> gpd.GeoDataFrame:
    """Per-district accounting (one row per district of the baseline; see the module docstring)."""
    labels = base.zones
    n = len(base.districts)
    pop = np.nan_to_num(np.asarray(maps["population"].values, dtype=np.float64))
    d_air = np.asarray(maps["delta_t_air"].values, dtype=np.float64)
    d_lst = np.asarray(maps["delta_lst"].values, dtype=np.float64)
    c0 = np.asarray(maps["risk_class_baseline"].values)
    c1 = np.asarray(maps["risk_class_scenario"].values)
    valid = np.isfinite(d_air)
    ok = valid.astype(np.float64)
    air = np.where(valid, d_air, 0.0)
    lst_ok = np.isfinite(d_lst)
    high0 = np.isin(c0, HIGH_RISK_CLASSES)
    high1 = np.isin(c1, HIGH_RISK_CLASSES)
    protected = high0 & ~high1 & (c1 > 0)
    lower = (c1 < c0) & (c1 > 0)
    higher = c1 > c0

    count = _bincount(labels, ok, n)
    residents = _bincount(labels, pop, n)
    pop_valid = _bincount(labels, pop * ok, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_air = _bincount(labels, air, n) / count
        pw_air = _bincount(labels, pop * air, n) / pop_valid
        mean_lst = _bincount(labels, np.where(lst_ok, d_lst, 0.0), n) / _bincount(labels, lst_ok.astype(np.float64), n)
    max_cool = np.zeros(n)
    np.maximum.at(max_cool, np.clip(labels.ravel() - 1, 0, None)[labels.ravel() > 0], -air.ravel()[labels.ravel() > 0])
    out = gpd.GeoDataFrame({
        "district": base.districts["district"].to_numpy(),
        "residents": residents,
        "mean_delta_t_air": mean_air,
        "popweighted_delta_t_air": pw_air,
        "max_cooling_t_air": max_cool,
        "mean_delta_lst": mean_lst,
        "degc_person_reduced": _bincount(labels, -pop * air, n),
        "residents_high_risk_before": _bincount(labels, pop * high0, n),
        "residents_high_risk_after": _bincount(labels, pop * high1, n),
        "residents_protected": _bincount(labels, pop * protected, n),
        "pixels_risk_class_lower": _bincount(labels, lower.astype(np.float64), n).astype(np.int64),
        "pixels_risk_class_higher": _bincount(labels, higher.astype(np.float64), n).astype(np.int64),
        "residents_risk_class_lower": _bincount(labels, pop * lower, n),
    }, geometry=base.districts.geometry.to_numpy(), crs=base.districts.crs)
    out.attrs["units"] = {"mean_delta_t_air": "K", "popweighted_delta_t_air": "K", "max_cooling_t_air": "K",
                          "mean_delta_lst": "K", "degc_person_reduced": "degC person"}
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
    return {
        "cost_eur": cost,
        "annualised_cost_eur_per_year": float(sum(p.cost_eur / p.intervention.lifetime_years for p in placements)),
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
             "sources": list(p.intervention.sources)}
            for p in placements
        ],
    }
