"""Outcomes a planner can act on: heat deaths avoided, person-degree-hours, residents cooled, EUR per outcome.

All outcomes are continuous in ΔT_air and use the district-scale (neighbourhood) air temperature change
``delta_t_air_model``: hyper-local devices (misting, fountains, green walls) cool metres of public space, not
the daily temperature of anyone's home, so they add nothing here (their local effect stays on the maps).

* **Heat-attributable deaths avoided per summer** (low / central / high) -- :class:`uhi.health.HealthModel`:
  city exposure–response curves of Masselot et al. 2023 (Lancet Planet. Health 7:e271,
  doi:10.1016/S2542-5196(23)00023-2) applied to the summer daily mean temperatures shifted by each resident's
  ΔT_air, after Iungman et al. 2023 (Lancet 401:577, doi:10.1016/S0140-6736(22)02585-5). The range combines
  the curve's covariance (delta method, 95 %) with the effect-size range of the cooling
  (``delta_t_air_low`` / ``delta_t_air_high``, :func:`uhi.cooling.cooling_channels`).
* **Person-degree-hours above the minimum-mortality temperature** reduced per summer.
* **Residents cooled by at least 0.5 K** (:data:`COOLED_THRESHOLD_K`), and those aged 65 or more with the
  city's age share of the exposure–response table (a city-wide share, stated as such).
* **Annualised cost** = capital / lifetime + yearly operation and maintenance; **EUR per death avoided** and
  **EUR per person-degree-hour** = annualised cost / the central yearly (per summer) outcome.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from ..zonal import zone_sums

__all__ = ["COOLED_THRESHOLD_K", "health_columns", "option_sentence", "outcome_totals"]

#: A resident counts as "cooled" when the district-scale ΔT_air at home is at most this [K].
COOLED_THRESHOLD_K = -0.5

_HEALTH_KEYS = ("deaths_avoided_low", "deaths_avoided_central", "deaths_avoided_high", "heat_deaths_baseline",
                "person_degree_hours_baseline", "person_degree_hours_reduced")


def _arr(maps: xr.Dataset, name: str, fallback: str | None = None) -> np.ndarray:
    var = name if name in maps else fallback
    return np.nan_to_num(np.asarray(maps[var].values, dtype=np.float64))


def _label_layers(zones) -> list[np.ndarray]:
    """Label rasters of the zones: one int array, or the ``layers`` of a :class:`uhi.zonal.ZoneLayers`
    (overlapping zones burnt into several rasters, each zone in exactly one)."""
    layers = getattr(zones, "layers", None)
    return [np.asarray(lay, dtype=np.int64) for lay in (layers if layers is not None else [zones])]


def health_columns(maps: xr.Dataset, zones, n: int, health=None, share_65=None) -> dict[str, np.ndarray]:
    """Per-zone outcome columns (zone i + 1 -> index i); ``zones`` a label array or a ``ZoneLayers``.

    ``share_65`` (per zone) gives the residents aged >= 65 from a vulnerability table; without it the city's
    age share of the exposure-response table is used (``share_65_source`` says which).

    ``maps`` needs ``population`` and ``delta_t_air_model`` (else ``delta_t_air``); ``delta_t_air_low`` /
    ``delta_t_air_high`` give the effect-size range when present. Without ``health`` (a
    :class:`uhi.health.HealthModel`) the death and degree-hour columns are NaN.
    """
    pop = _arr(maps, "population")
    d = _arr(maps, "delta_t_air_model", "delta_t_air")
    cooled = d <= COOLED_THRESHOLD_K
    layers = _label_layers(zones)
    cols = {"residents_cooled_0_5k": sum(zone_sums(lay, pop * cooled, n) for lay in layers)}
    if share_65 is not None:
        cols["residents_65plus_cooled_0_5k"] = cols["residents_cooled_0_5k"] * np.asarray(share_65, dtype=np.float64)
    if health is None:
        for k in _HEALTH_KEYS:
            cols[k] = np.full(n, np.nan)
        cols.setdefault("residents_65plus_cooled_0_5k", np.full(n, np.nan))
        return cols
    low = _arr(maps, "delta_t_air_low", "delta_t_air_model") if "delta_t_air_low" in maps else d
    high = _arr(maps, "delta_t_air_high", "delta_t_air_model") if "delta_t_air_high" in maps else d
    for k in _HEALTH_KEYS:
        cols[k] = np.zeros(n)
    for lay in layers:
        if not (lay > 0).any():
            continue
        out = health.assess(d, pop, lay, delta_t_low=low, delta_t_high=high)
        for k in _HEALTH_KEYS:
            v = np.asarray(getattr(out, k), dtype=np.float64)
            cols[k] += np.pad(v, (0, max(0, n - len(v))))[:n]
    if share_65 is None:
        share = health.curves.share_65_plus
        cols["residents_65plus_cooled_0_5k"] = cols["residents_cooled_0_5k"] * share if share is not None else np.full(n, np.nan)
    return cols


def _ratio(num: float, den) -> float | None:
    return float(num / den) if den is not None and math.isfinite(den) and den > 0 and math.isfinite(num) else None


def outcome_totals(maps: xr.Dataset, placements, health=None, residents_65_cooled: float | None = None) -> dict:
    """City outcome totals (per summer) and the cost ratios; see the module docstring.

    ``residents_65_cooled``: residents aged >= 65 cooled by >= 0.5 K from a vulnerability table (summed over the
    districts); otherwise the city age share of the exposure-response table is applied.
    """
    pop = _arr(maps, "population")
    d = _arr(maps, "delta_t_air_model", "delta_t_air")
    capital_year = float(sum(p.cost_eur / p.intervention.lifetime_years for p in placements))
    om_year = float(sum(float(p.units) * p.intervention.om_eur_per_unit_year for p in placements))
    annual = capital_year + om_year
    cooled = float((pop * (d <= COOLED_THRESHOLD_K)).sum())
    treated = np.asarray(maps["treated_fraction"].values, dtype=np.float64) > 0 if "treated_fraction" in maps else np.zeros(d.shape, bool)
    out = {
        "annualised_cost_eur_per_year": annual,
        "capital_cost_eur_per_year": capital_year,
        "om_cost_eur_per_year": om_year,
        "om_includes_defaults": bool(any(p.intervention.om_is_default and p.intervention.om_eur_per_unit_year > 0 for p in placements)),
        "mean_delta_t_air_treated": float(d[treated].mean()) if treated.any() else None,
        "residents_cooled_0_5k": cooled,
    }
    if residents_65_cooled is not None:
        out.update(residents_65plus_cooled_0_5k=float(residents_65_cooled), share_65_source="vulnerability table (per district)")
    if health is None:
        out.update({k: None for k in _HEALTH_KEYS})
        out.setdefault("residents_65plus_cooled_0_5k", None)
        out.update(eur_per_death_avoided=None, eur_per_person_degree_hour=None,
                   health_curve=None, mmt_degC=None,
                   health_note="Deaths avoided and person-degree-hours need a city exposure-response table and a daily "
                               "temperature series (scenario [health] data = folder, or UHI_HEALTH_DATA); none was given.")
        return out
    low = _arr(maps, "delta_t_air_low", "delta_t_air_model") if "delta_t_air_low" in maps else d
    high = _arr(maps, "delta_t_air_high", "delta_t_air_model") if "delta_t_air_high" in maps else d
    h = health.assess(d, pop, delta_t_low=low, delta_t_high=high).total()
    out.update({k: h[k] for k in _HEALTH_KEYS})
    share = health.curves.share_65_plus
    if residents_65_cooled is None:
        out.update(residents_65plus_cooled_0_5k=cooled * share if share is not None else None,
                   share_65_source="city age share of the exposure-response table")
    out.update(
        share_65plus=share,
        eur_per_death_avoided=_ratio(annual, h["deaths_avoided_central"]),
        eur_per_person_degree_hour=_ratio(annual, h["person_degree_hours_reduced"]),
        health_curve=h["health_curve"], health_note=h["health_note"], mmt_degC=h["mmt_degC"],
        summers=h["summers"], summer_years=h["summer_years"],
    )
    return out


def option_sentence(name: str, totals: dict) -> str:
    """One plain sentence per option: what it does, for how many people, at what price, and why it ranks where it does."""
    local_only = all(i.get("scale") == "local" for i in totals.get("interventions", [])) and totals.get("interventions")
    annual = totals.get("annualised_cost_eur_per_year") or 0.0
    if local_only:
        kinds = ", ".join(sorted({i["name"].lower() for i in totals["interventions"]}))
        return (f"{name}: hyper-local devices ({kinds}) cool only metres of public space around each one; no resident's daily temperature changes, "
                f"so no deaths are avoided in the model, for EUR {annual:,.0f} a year including operation"
                + ("; misting also leaves the heat stress (WBGT) almost unchanged, because evaporative cooling is iso-enthalpic."
                   if any(i["type"] == "misting" for i in totals["interventions"]) else "."))
    pw = totals.get("popweighted_delta_t_air")
    site = totals.get("mean_delta_t_air_treated")
    text = f"{name}: cools the air at home by {abs(pw or 0):.3f} K on average over all the city's residents"
    if site is not None:
        text += f" and by {abs(site):.2f} K at the treated sites"
    text += f"; {totals.get('residents_cooled_0_5k', 0):,.0f} residents get at least 0.5 K cooler"
    c = totals.get("deaths_avoided_central")
    if c is not None:
        text += (f"; it avoids {c:.2f} heat deaths per summer (range {totals['deaths_avoided_low']:.2f} to "
                 f"{totals['deaths_avoided_high']:.2f}) and {totals['person_degree_hours_reduced']:,.0f} person-degree-hours "
                 f"above {totals['mmt_degC']:.1f} °C")
    text += f", for EUR {annual:,.0f} a year"
    if totals.get("eur_per_death_avoided") is not None:
        text += f" (EUR {totals['eur_per_death_avoided']:,.0f} per death avoided)"
    return text + "."
