"""Sanity checks of a scenario result: the InVEST bound and the Krayenhoff et al. 2021 ranges (doi:10.1088/1748-9326/abdcf1)."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["KRAYENHOFF_ALBEDO", "KRAYENHOFF_CANOPY", "MISTING_WBGT_SHARE", "sanity_checks"]

#: Sanity range of neighbourhood air cooling per +0.10 albedo [degC], Krayenhoff et al. 2021 review (Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1).
KRAYENHOFF_ALBEDO = (0.2, 0.6)
#: Share of a misting device's dry-bulb cooling that WBGT sees: the 0.1 air-temperature weight of the outdoor WBGT
#: (ISO 7243:2017), natural wet-bulb unchanged by iso-enthalpic evaporation, globe temperature taken unchanged.
MISTING_WBGT_SHARE = 0.1
#: Sanity range per +0.10 canopy cover [degC]: "roughly 0.3" (Krayenhoff et al. 2021), taken as 0.2-0.4.
KRAYENHOFF_CANOPY = (0.2, 0.4)


def sanity_checks(maps: xr.Dataset, placements, base, params_after: xr.Dataset) -> list[dict]:
    """Checks: the InVEST bound and the Krayenhoff et al. 2021 ranges (doi:10.1088/1748-9326/abdcf1)."""
    checks = []
    uhi_max = base.settings.uhi_max
    d_model = np.asarray(maps["delta_t_air_model"].values, dtype=np.float64)
    worst = float(-np.nanmin(d_model)) if np.isfinite(d_model).any() else 0.0
    if base.settings.cooling_model == "invest":
        checks.append({
            "check": "InVEST bound", "status": "ok" if worst <= uhi_max + 1e-4 else "warning",
            "message": f"model cooling at most {worst:.2f} K; InVEST T_air is within [T_ref, T_ref + UHI_max] = "
                       f"[{base.settings.t_ref:g}, {base.settings.t_ref + uhi_max:g}] degC, so cooling cannot exceed UHI_max = {uhi_max:g} K",
        })
    else:
        checks.append({
            "check": "cooling model", "status": "info",
            "message": f"model cooling at most {worst:.2f} K (literature configuration: the dense core is UHI_max = {uhi_max:g} K warmer "
                       "than cropland before mixing; albedo 0.3 K per +0.10 (Santamouris 2014, doi:10.1016/j.solener.2012.07.003); "
                       "mixing decays over 150 m (Doick et al. 2014, doi:10.1016/j.scitotenv.2014.06.048))",
        })
    neigh = [p for p in placements if not p.intervention.is_local]
    valid = np.isfinite(d_model)
    if neigh and valid.any():
        # Area-integrated comparison: air mixing moves cooling beyond the treated cells but keeps its integral
        # (normalised kernel), so the sum of ΔT_air over the city is compared with the sum of the review's
        # per-cell expectation (Krayenhoff et al. 2021 ranges x the albedo / canopy change of each cell).
        km2 = base.cell_m**2 / 1e6
        d_alb = np.nan_to_num(params_after["albedo"].values - base.params["albedo"].values)
        d_can = np.nan_to_num(params_after["shade"].values - base.params["shade"].values)
        d_kc = np.nan_to_num(params_after["kc"].values - base.params["kc"].values)
        cooling = float(-d_model[valid].sum()) * km2
        lo = (KRAYENHOFF_ALBEDO[0] * d_alb.sum() + KRAYENHOFF_CANOPY[0] * d_can.sum()) / 0.1 * km2
        hi = (KRAYENHOFF_ALBEDO[1] * d_alb.sum() + KRAYENHOFF_CANOPY[1] * d_can.sum()) / 0.1 * km2
        text = (f"albedo +{d_alb.sum() * km2:.3f} km², canopy +{d_can.sum() * km2:.3f} km² (Kc +{d_kc.sum() * km2:.3f} km²) in all; "
                f"modelled air cooling integrated over the city {cooling:.3f} K km²; Krayenhoff et al. 2021 ranges give "
                f"{lo:.3f}-{hi:.3f} K km² (doi:10.1088/1748-9326/abdcf1)")
        if d_alb.sum() * km2 < 1e-3 and d_can.sum() * km2 < 1e-3:
            status, text = "info", text + "; no albedo/canopy change to compare (Kc / green-area / water measures)"
        elif lo <= cooling <= hi:
            status = "ok"
        else:
            status = "warning"
            side = "below" if cooling < lo else "above"
            text += f"; the model is {side} the review's range"
            # lawns, green roofs, water and moist paving raise Kc without canopy: the review's albedo/canopy ranges do
            # not cover that evapotranspiration, so cooling above the range is expected, not a fault
            non_canopy_et = [p.intervention.key for p in neigh
                             if "kc" in p.intervention.parameter_changes
                             and p.intervention.parameter_changes.get("shade", ("", 0.0))[1] < 1.0]
            if cooling > hi and non_canopy_et:
                status = "info"
                text += (f" because {', '.join(sorted(set(non_canopy_et)))} add evapotranspiration without canopy, which "
                         "the ranges do not cover")
            if cooling < lo and base.settings.cooling_model == "invest":
                text += (f" (the UCM gives 0.2 x UHI_max = {0.02 * uhi_max:.2f} K per +0.10 albedo and 0.6 x UHI_max = "
                         f"{0.06 * uhi_max:.2f} K per +0.10 canopy before air mixing spreads it, InVEST Urban Cooling Model user guide)")
        checks.append({"check": "Krayenhoff et al. 2021 range", "status": status, "message": text})
        d_lst = np.asarray(maps["delta_lst"].values, dtype=np.float64)
        surf = float(np.nansum(d_lst)) * km2
        ratio = (-cooling / surf) if surf < 0 else None
        ok = ratio is not None and 0 < ratio <= 1
        checks.append({
            "check": "surface and air agree", "status": "ok" if ok or abs(cooling) < 1e-6 else "warning",
            "message": (f"integrated ΔLST {surf:.3f} K km², ΔT_air {-cooling:.3f} K km²"
                        + (f": ratio air/surface {ratio:.2f}, inside the documented (0, 1] (same sign; air changes are damped "
                           "surface changes, never larger)" if ratio is not None else "")),
        })
    for p in placements:
        if p.intervention.is_local:
            it = p.intervention
            n = int(np.count_nonzero(p.units_per_pixel))
            checks.append({
                "check": f"hyper-local {it.key}", "status": "info",
                "message": f"{p.units:g} {it.unit}{'s' if it.unit != 'm2' and p.units != 1 else ''} of {it.name} in {n} pixels: -{it.local_air_cooling_k:g} K air within "
                           f"{it.local_radius_m:g} m of each unit, pixel mean shown; not in the district-scale cooling model"
                           + (f"; WBGT barely improves with misting: evaporation is iso-enthalpic, so the natural wet-bulb temperature "
                              f"(weight 0.7 in WBGT = 0.7 T_nw + 0.2 T_g + 0.1 T_a, ISO 7243 [iso7243]) is unchanged and, with the globe "
                              f"temperature unchanged too, ΔWBGT = 0.1 x ΔT_air = {-MISTING_WBGT_SHARE * it.local_air_cooling_k:.2f} K at "
                              f"the device [atmosphere2023-misting]; no district-wide change" if it.key == "misting" else ""),
            })
    return checks
