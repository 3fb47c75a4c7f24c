"""Sanity checks of a scenario result: the InVEST bound and the Krayenhoff et al. 2021 ranges (doi:10.1088/1748-9326/abdcf1)."""

from __future__ import annotations

import numpy as np
import xarray as xr

__all__ = ["KRAYENHOFF_ALBEDO", "KRAYENHOFF_CANOPY", "sanity_checks"]

#: Sanity range of neighbourhood air cooling per +0.10 albedo [degC], Krayenhoff et al. 2021 review (Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1).
KRAYENHOFF_ALBEDO = (0.2, 0.6)
#: Sanity range per +0.10 canopy cover [degC]: "roughly 0.3" (Krayenhoff et al. 2021), taken as 0.2-0.4.
KRAYENHOFF_CANOPY = (0.2, 0.4)


def sanity_checks(maps: xr.Dataset, placements, base, params_after: xr.Dataset) -> list[dict]:
    """Checks: the InVEST bound and the Krayenhoff et al. 2021 ranges (doi:10.1088/1748-9326/abdcf1)."""
    checks = []
    uhi_max = base.settings.uhi_max
    d_model = np.asarray(maps["delta_t_air_model"].values, dtype=np.float64)
    worst = float(-np.nanmin(d_model)) if np.isfinite(d_model).any() else 0.0
    checks.append({
        "check": "InVEST bound", "status": "ok" if worst <= uhi_max + 1e-4 else "warning",
        "message": f"model cooling at most {worst:.2f} K; InVEST T_air is within [T_ref, T_ref + UHI_max] = "
                   f"[{base.settings.t_ref:g}, {base.settings.t_ref + uhi_max:g}] degC, so cooling cannot exceed UHI_max = {uhi_max:g} K",
    })
    neigh = [p for p in placements if not p.intervention.is_local]
    if neigh:
        region = np.zeros(base.lst.shape, dtype=bool)
        for p in neigh:
            region |= p.location
        region &= np.isfinite(d_model)
        if region.any():
            d_alb = float(np.nanmean((params_after["albedo"].values - base.params["albedo"].values)[region]))
            d_can = float(np.nanmean((params_after["shade"].values - base.params["shade"].values)[region]))
            d_kc = float(np.nanmean((params_after["kc"].values - base.params["kc"].values)[region]))
            cooling = float(-d_model[region].mean())
            lo = KRAYENHOFF_ALBEDO[0] * d_alb / 0.1 + KRAYENHOFF_CANOPY[0] * d_can / 0.1
            hi = KRAYENHOFF_ALBEDO[1] * d_alb / 0.1 + KRAYENHOFF_CANOPY[1] * d_can / 0.1
            text = (f"over the treated neighbourhoods: +{d_alb:.3f} albedo, +{d_can:.3f} canopy (+{d_kc:.3f} Kc); "
                    f"modelled mean air cooling {cooling:.3f} K; Krayenhoff et al. 2021 ranges give {lo:.3f}-{hi:.3f} K (doi:10.1088/1748-9326/abdcf1)")
            if d_alb < 0.005 and d_can < 0.005:
                status, text = "info", text + "; no albedo/canopy change to compare (Kc / green-area measures)"
            elif lo <= cooling <= hi:
                status = "ok"
            else:
                status = "warning"
                side = "below" if cooling < lo else "above"
                text += f"; the model is {side} the review's range"
                if cooling > hi and d_kc > 0.005:
                    text += " (evapotranspiration changes, which the range does not cover, add cooling)"
                if cooling < lo:
                    text += (f" (the UCM gives 0.2 x UHI_max = {0.02 * uhi_max:.2f} K per +0.10 albedo and 0.6 x UHI_max = "
                             f"{0.06 * uhi_max:.2f} K per +0.10 canopy before air mixing spreads it, InVEST Urban Cooling Model user guide)")
            checks.append({"check": "Krayenhoff et al. 2021 range", "status": status, "message": text})
    for p in placements:
        if p.intervention.is_local:
            it = p.intervention
            n = int(np.count_nonzero(p.units_per_pixel))
            checks.append({
                "check": f"hyper-local {it.key}", "status": "info",
                "message": f"{p.units:g} {it.unit}{'s' if it.unit != 'm2' and p.units != 1 else ''} of {it.name} in {n} pixels: -{it.local_air_cooling_k:g} K air within "
                           f"{it.local_radius_m:g} m of each unit, pixel mean shown; not in the district-scale cooling model"
                           + ("; WBGT barely improves with misting (iso-enthalpic, [atmosphere2023-misting])" if it.key == "misting" else ""),
            })
    return checks
