"""Scenario engine: interventions placed on a prepared baseline, cooling model, risk after.

How a scenario is computed:

1. **Baseline** -- :func:`uhi.scenarios.baseline.prepare_baseline`: the city analysis of :mod:`uhi.analysis`
   (LST [K], indices, population, districts, land cover, heat risk), the UCM parameters of the land cover
   (:func:`uhi.cooling.parameters_from_landcover`) and the baseline cooling model run (T_air).
2. **Placement** -- :func:`uhi.scenarios.placement.place`.
3. **Cooling** -- neighbourhood measures edit the UCM parameters (:func:`uhi.interventions.apply_intervention`)
   and the model is run again: ΔT_air = T_air(scenario) - T_air(baseline). InVEST bounds T_air to
   [T_ref, T_ref + UHI_max], so this cooling never exceeds UHI_max (InVEST UCM user guide: T_air = T_ref + (1 - HM) UHI_max). Hyper-local measures
   add their own pixel-mean air cooling (:func:`uhi.interventions.local_air_cooling`), outside the model.
4. **Surface** -- ΔLST = Σ lst_change_k · f (:func:`uhi.interventions.surface_cooling`).
5. **Risk after** -- hazard from LST + ΔLST normalised with the *baseline* bounds, exposure and
   vulnerability unchanged, classified with the *baseline* class breaks, so class changes are real
   changes, not a re-ranking.
6. **Accounting** -- :mod:`uhi.scenarios.accounting` (per district and city totals) and
   :mod:`uhi.scenarios.checks` (sanity checks against the literature).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from .._backend import set_cf
from .._progress import Progress, say
from ..errors import ScenarioError
from ..interventions import Intervention, apply_intervention, local_air_cooling, placement_shares, surface_cooling
from .accounting import SYNTHETIC_NOTE, add_sentence, district_table, totals
from .baseline import Baseline
from .checks import sanity_checks
from .placement import Placement, _label, place
from .result import ScenarioResult
from .schema import InterventionSpec

__all__ = ["NOISE_K", "risk_after", "run_scenario"]

#: Changes below this [K] are convolution round-off and are set to exactly 0 (maps mask |Δ| < 0.01 K anyway).
NOISE_K = 1e-5


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


def _model_delta(base: Baseline, params: xr.Dataset, placements, progress: Progress):
    """ΔT_air of the neighbourhood measures (central, low, high) [K] with the scenario's cooling model.

    ``literature``: the parameter change mixed as a difference field (:func:`uhi.cooling.cooling_channels`, exact
    for that linear model, free of the round-off of subtracting two absolute temperature maps), with the
    effect-size range of its albedo and evaporative parts. ``invest``: T_air(scenario) - T_air(baseline) of the
    InVEST UCM; no range (low = high = central).
    """
    from ..cooling import cooling_channels, load_cooling_config
    from .baseline import run_cooling

    b = base.settings
    zero = np.zeros(base.lst.shape, dtype=np.float64)
    if not any(not p.intervention.is_local for p in placements):
        return zero, zero, zero
    say(progress, "scenario cooling model")
    if b.cooling_model == "invest":
        cooling = run_cooling(params, b, base.table)
        d = np.asarray(cooling["t_air"].values, dtype=np.float64) - np.asarray(base.cooling["t_air"].values, dtype=np.float64)
        return d, d, d
    ch = cooling_channels(base.params, params, ref_et=b.ref_et, uhi_max=b.uhi_max, table=base.table,
                          config=load_cooling_config(b.cooling_config))
    out = []
    for v in ("delta_t_air", "delta_t_air_low", "delta_t_air_high"):
        d = np.asarray(ch[v].values, dtype=np.float64)
        # float32 FFT round-off (~1e-7 of the peak change) is not a temperature change: exactly 0 below 1e-5 K
        out.append(np.where(np.abs(d) < NOISE_K, 0.0, d))
    return tuple(out)


def run_scenario(name: str, items: list[InterventionSpec], catalogue: dict[str, Intervention], base: Baseline, *,
                 shares: pd.DataFrame | None = None, progress: Progress = None, where: str = "scenario"):
    """Compute one scenario on a prepared baseline -> :class:`uhi.scenarios.ScenarioResult`."""
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
        say(progress, f"placing {_label(i, item)}")
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
    valid = np.isfinite(np.asarray(base.cooling["t_air"].values))
    d_model, d_low, d_high = _model_delta(base, params, placements, progress)
    d_air = np.where(valid, d_model + delta_local, np.nan)
    lst0 = base.lst
    lst1 = lst0 + xr.DataArray(delta_lst.astype(np.float32), coords=lst0.coords, dims=lst0.dims)
    say(progress, "risk after the interventions")
    risk1, cls1 = risk_after(base.risk, lst1)

    def da(values, name, units, long_name, **attrs):
        out = xr.DataArray(np.asarray(values), coords=lst0.coords, dims=lst0.dims)
        out = set_cf(out, name=name, units=units, long_name=long_name, **attrs)
        return out.rio.write_crs(lst0.rio.crs) if lst0.rio.crs is not None else out

    model = {"invest": "InVEST Urban Cooling Model", "literature": "literature cooling configuration"}[b.cooling_model]
    maps = xr.Dataset({
        "t_air_baseline": da(base.cooling["t_air"].values, "t_air_baseline", "degC", f"air temperature, baseline ({model})"),
        "t_air_scenario": da(np.asarray(base.cooling["t_air"].values) + np.nan_to_num(d_air), "t_air_scenario", "degC",
                             "air temperature with the interventions"),
        "delta_t_air": da(d_air.astype(np.float32), "delta_t_air", "K", "air temperature change (cooling model + hyper-local measures)",
                          cooling_model=b.cooling_model),
        "delta_t_air_model": da(np.where(valid, d_model, np.nan).astype(np.float32), "delta_t_air_model", "K",
                                "air temperature change from neighbourhood measures (cooling model)"),
        "delta_t_air_low": da(np.where(valid, d_low, np.nan).astype(np.float32), "delta_t_air_low", "K",
                              "air temperature change from neighbourhood measures, low end of the effect-size range"),
        "delta_t_air_high": da(np.where(valid, d_high, np.nan).astype(np.float32), "delta_t_air_high", "K",
                               "air temperature change from neighbourhood measures, high end of the effect-size range"),
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
    if base.synthetic:
        for v in maps.data_vars:
            maps[v].attrs["synthetic"] = SYNTHETIC_NOTE
        maps.attrs["synthetic"] = SYNTHETIC_NOTE
    table = district_table(maps, base)
    tot = add_sentence(name, totals(maps, placements, base))
    checks = sanity_checks(maps, placements, base, params)
    return ScenarioResult(name=name, city=base.city, maps=maps, table=table, totals=tot, placements=placements,
                          settings=b, checks=checks)

