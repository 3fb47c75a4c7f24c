"""Scenario cooling configuration "literature": the UCM's inputs, air temperature with sourced effect sizes.

The InVEST Urban Cooling Model (:func:`uhi.cooling.urban_cooling`) is kept exactly as natcap.invest has
it and stays selectable (``"invest"``). This configuration (``data/cooling_literature.toml``, every value
with its paper) reads the same per-pixel parameters (``shade, albedo, kc, green_area, building_intensity``)
and turns them into air temperature so that the effect sizes of the literature come out:

.. math::

    P_i = s_\\alpha \\alpha_i + s_c\\,\\mathrm{shade}_i + s_e\\,\\mathrm{ETI}_i, \\quad
    s_e = \\frac{\\mathrm{UHI_{max}} - s_\\alpha(\\alpha_r - \\alpha_u) - s_c(\\mathrm{shade}_r - \\mathrm{shade}_u)}
               {\\mathrm{ETI}_r - \\mathrm{ETI}_u},

    T_{nomix,i} = T_{ref} + (P_r - P_i), \\qquad T_{air} = K_\\lambda * T_{nomix}

with ``ETI = kc·ETo/max(ETo)`` (InVEST), ``u``/``r`` the urban and rural reference land-cover classes
(the urban class is exactly UHI_max warmer than the rural one before mixing), and ``K_λ`` the normalised
``exp(-d/λ)`` kernel of the UCM's mixing step with the e-folding distance λ of the configuration
(nodata and edges ignored, truncated at 5λ). The model is linear in the parameters, so a scenario's
ΔT_air splits exactly into an albedo part and a vegetation/water (evaporative) part
(:func:`cooling_channels`), each with its literature range.

Sources (see the TOML for the value each one gives): Santamouris 2014, Sol. Energy 103:682,
doi:10.1016/j.solener.2012.07.003; Krayenhoff et al. 2021, Environ. Res. Lett. 16:053007,
doi:10.1088/1748-9326/abdcf1; Doick et al. 2014, Sci. Total Environ. 493:662,
doi:10.1016/j.scitotenv.2014.06.048; Bowler et al. 2010, Landsc. Urban Plan. 97:147,
doi:10.1016/j.landurbplan.2010.05.006; Iungman et al. 2023, Lancet 401:577, doi:10.1016/S0140-6736(22)02585-5.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from pathlib import Path

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from uhi._backend import apply_neighbourhood, check_same_grid, pixel_size_m, set_cf
from uhi._paths import data_path
from uhi._toml import read_toml
from uhi._validate import check_scalar, check_t_ref, check_uhi_max
from uhi.cooling.biophysical import PARAMETERS, biophysical_table
from uhi.cooling.kernels import decay_pixels, exponential_kernel, masked_mean_convolve
from uhi.errors import InputValueError, ScenarioError

__all__ = ["COOLING_MODELS", "CoolingConfig", "cooling_channels", "effect_range", "literature_cooling", "load_cooling_config",
           "mixing_kernel", "potential_coefficients"]

#: Selectable scenario cooling models: the literature configuration (default) and the InVEST reference.
COOLING_MODELS = ("literature", "invest")


@dataclasses.dataclass(frozen=True)
class CoolingConfig:
    """Parameters of the literature configuration (see ``data/cooling_literature.toml`` for sources).

    Attributes
    ----------
    albedo_sensitivity_k : float
        Air cooling per unit albedo [K] (3.0 = 0.3 K per +0.10).
    albedo_sensitivity_range_k : (float, float)
        Its literature range [K per unit albedo].
    shade_sensitivity_k : float
        Air cooling per unit canopy share beyond transpiration [K].
    evaporative_range_factor : (float, float)
        Relative low/high range of the evaporative (vegetation/water) part.
    decay_length_m : float
        e-folding distance of the air-mixing kernel [m].
    urban_lucode, rural_lucode : int
        Reference land-cover classes of the urban-rural contrast.
    source : str
        File the configuration came from.
    """

    albedo_sensitivity_k: float
    albedo_sensitivity_range_k: tuple[float, float]
    shade_sensitivity_k: float
    evaporative_range_factor: tuple[float, float]
    decay_length_m: float
    urban_lucode: int
    rural_lucode: int
    source: str = ""


def load_cooling_config(path: str | os.PathLike | None = None) -> CoolingConfig:
    """Read a cooling configuration TOML (default: the shipped ``data/cooling_literature.toml``).

    Raises
    ------
    ScenarioError
        A missing or malformed key, naming the file and the key.
    """
    path = Path(path) if path is not None else data_path("cooling_literature.toml")
    data, _ = read_toml(path)
    model, refs = data.get("model"), data.get("references")
    if not isinstance(model, dict) or not isinstance(refs, dict):
        raise ScenarioError(f"{path}: needs a [model] and a [references] table")

    def num(table, key, where, *, positive=False, nonneg=False):
        if key not in table:
            raise ScenarioError(f"{path}: key '{where}.{key}' is missing")
        v = table[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
            raise ScenarioError(f"{path}: key '{where}.{key}' must be a number, got {v!r}")
        if (positive and v <= 0) or (nonneg and v < 0):
            raise ScenarioError(f"{path}: key '{where}.{key}' must be {'> 0' if positive else '>= 0'}, got {v!r}")
        return float(v)

    def pair(table, key, where):
        v = table.get(key)
        if not (isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
                and 0 <= v[0] <= v[1]):
            raise ScenarioError(f"{path}: key '{where}.{key}' must be [low, high] with 0 <= low <= high, got {v!r}")
        return float(v[0]), float(v[1])

    cfg = CoolingConfig(
        albedo_sensitivity_k=num(model, "albedo_sensitivity_k", "model", nonneg=True),
        albedo_sensitivity_range_k=pair(model, "albedo_sensitivity_range_k", "model"),
        shade_sensitivity_k=num(model, "shade_sensitivity_k", "model", nonneg=True),
        evaporative_range_factor=pair(model, "evaporative_range_factor", "model"),
        decay_length_m=num(model, "decay_length_m", "model", positive=True),
        urban_lucode=int(num(refs, "urban_lucode", "references")),
        rural_lucode=int(num(refs, "rural_lucode", "references")),
        source=str(path),
    )
    lo, hi = cfg.albedo_sensitivity_range_k
    if not lo <= cfg.albedo_sensitivity_k <= hi:
        raise ScenarioError(f"{path}: model.albedo_sensitivity_k {cfg.albedo_sensitivity_k} is outside its range [{lo}, {hi}]")
    return cfg


def reference_parameters(table, config: CoolingConfig) -> tuple[dict, dict]:
    """(urban, rural) parameter dicts of the configuration's reference classes from a biophysical table."""
    tab = biophysical_table(table)
    out = []
    for role, code in (("urban", config.urban_lucode), ("rural", config.rural_lucode)):
        if code not in tab.index:
            raise InputValueError(f"the biophysical table has no {role} reference class lucode {code} "
                                  f"(it has {sorted(tab.index.tolist())}); set references.{role}_lucode in the cooling configuration")
        out.append({k: float(tab.loc[code, k]) for k in PARAMETERS})
    return out[0], out[1]


def evaporative_sensitivity(config: CoolingConfig, urban: dict, rural: dict, uhi_max: float) -> float:
    """``s_e`` [K per unit ETI] that makes the urban reference class ``uhi_max`` warmer than the rural one."""
    d_eti = rural["kc"] - urban["kc"]
    rest = uhi_max - config.albedo_sensitivity_k * (rural["albedo"] - urban["albedo"]) \
        - config.shade_sensitivity_k * (rural["shade"] - urban["shade"])
    if d_eti <= 0 or rest < 0:
        raise InputValueError(
            f"the reference classes do not give an evaporative contrast: rural Kc {rural['kc']:g} must exceed urban Kc "
            f"{urban['kc']:g} and UHI_max ({uhi_max:g} K) must cover the albedo/shade contrast ({uhi_max - rest:.3g} K)")
    return rest / d_eti


def potential_coefficients(uhi_max: float, *, table=None, config: CoolingConfig | None = None) -> dict:
    """Sensitivities of the cooling potential ``P`` [K per unit]: ``albedo``, ``shade`` and ``eti`` (``s_e``), and
    ``p_rural`` (P of the rural reference class), from the configuration and the biophysical table's reference classes.

    ``T_nomix = T_ref + p_rural - P`` (module docstring); the model is linear in the parameters with these slopes.
    """
    cfg = config or load_cooling_config()
    urban, rural = reference_parameters(table if table is not None else data_path("landcover.csv"), cfg)
    s_e = evaporative_sensitivity(cfg, urban, rural, check_uhi_max(uhi_max))
    p_rural = cfg.albedo_sensitivity_k * rural["albedo"] + cfg.shade_sensitivity_k * rural["shade"] + s_e * rural["kc"]
    return {"albedo": cfg.albedo_sensitivity_k, "shade": cfg.shade_sensitivity_k, "eti": s_e, "p_rural": p_rural}


def mixing_kernel(cell: float, config: CoolingConfig) -> np.ndarray:
    """The normalised ``exp(-d/λ)`` air-mixing kernel of the configuration on a ``cell`` [m] grid, truncated at 5λ."""
    return exponential_kernel(decay_pixels(config.decay_length_m, cell))


def effect_range(albedo_part, evaporative_part, config: CoolingConfig):
    """(low, high) ΔT_air [K] of the effect-size range from the albedo and evaporative parts (numpy or xarray).

    Each part is scaled by the ends of its literature range; cooling is negative, so "low" is the smaller
    cooling (the maximum over the four combinations) and "high" the larger (the minimum), whatever the sign of each part.
    """
    a0 = config.albedo_sensitivity_k
    lo_a, hi_a = (config.albedo_sensitivity_range_k[0] / a0, config.albedo_sensitivity_range_k[1] / a0) if a0 > 0 else (1.0, 1.0)
    lo_e, hi_e = config.evaporative_range_factor
    scaled = [albedo_part * fa + evaporative_part * fe for fa in (lo_a, hi_a) for fe in (lo_e, hi_e)]
    return functools.reduce(np.maximum, scaled), functools.reduce(np.minimum, scaled)


def _eti(params: xr.Dataset, ref_et):
    if isinstance(ref_et, xr.DataArray):
        check_same_grid(params["kc"], ref_et, names=("params", "ref_et"))
        et_max = float(ref_et.max())
        eto = ref_et.astype(np.float32)
    else:
        et_max = check_scalar("ref_et", ref_et, positive=True)
        eto = np.float32(et_max)
    if not np.isfinite(et_max) or et_max <= 0:
        raise InputValueError(f"ref_et must have a positive maximum, got {et_max!r}")
    return params["kc"].astype(np.float32) * eto / np.float32(et_max)


def _potential(params: xr.Dataset, ref_et, config: CoolingConfig, s_e: float, parts=("albedo", "shade", "et")) -> xr.DataArray:
    p = 0.0
    if "albedo" in parts:
        p = p + np.float32(config.albedo_sensitivity_k) * params["albedo"].astype(np.float32)
    if "shade" in parts and config.shade_sensitivity_k:
        p = p + np.float32(config.shade_sensitivity_k) * params["shade"].astype(np.float32)
    if "et" in parts:
        p = p + np.float32(s_e) * _eti(params, ref_et)
    return p


def _invalid(params: xr.Dataset) -> xr.DataArray:
    bad = params[PARAMETERS[0]].isnull()
    for k in PARAMETERS[1:]:
        bad = bad | params[k].isnull()
    return bad


def _mix(field: xr.DataArray, cell: float, config: CoolingConfig) -> xr.DataArray:
    k = mixing_kernel(cell, config)
    return apply_neighbourhood(masked_mean_convolve, field.astype(np.float32), depth=k.shape[0] // 2, kwargs={"kernel": k})


def literature_cooling(params: xr.Dataset, *, ref_et, t_ref: float, uhi_max: float, table=None,
                       config: CoolingConfig | None = None) -> xr.Dataset:
    """Air temperature of the literature configuration (module docstring) from per-pixel UCM parameters.

    Parameters
    ----------
    params : xarray.Dataset
        ``shade, albedo, kc, green_area, building_intensity`` on a projected grid (NaN = nodata), from
        :func:`uhi.cooling.parameters_from_landcover`.
    ref_et : float or xarray.DataArray
        Reference evapotranspiration ETo [mm/day].
    t_ref : float
        Air temperature over the rural reference class [degC].
    uhi_max : float
        Urban minus rural reference air temperature before mixing [K], >= 0.
    table : path or DataFrame, optional
        Biophysical table holding the reference classes (default ``data/landcover.csv``).
    config : CoolingConfig, optional
        Default :func:`load_cooling_config`.

    Returns
    -------
    xarray.Dataset
        ``t_air_nomix`` and ``t_air`` [degC] (CRS kept); attrs ``evaporative_sensitivity_k``,
        ``decay_length_m``, ``cooling_model = "literature"``.

    Examples
    --------
    Urban core next to cropland: before mixing the core is exactly UHI_max warmer.

    >>> import numpy as np, rioxarray, xarray as xr
    >>> from uhi.cooling import parameters_from_landcover
    >>> from uhi._paths import data_path
    >>> lc = xr.DataArray(np.array([[1.0, 8.0], [1.0, 8.0]]), dims=("y", "x"), coords={"y": [45.0, 15.0], "x": [15.0, 45.0]})
    >>> lc = lc.rio.write_crs("EPSG:32634")
    >>> p = parameters_from_landcover(lc, data_path("landcover.csv"))
    >>> out = literature_cooling(p, ref_et=6.0, t_ref=27.0, uhi_max=3.5)
    >>> out["t_air_nomix"].values[0].round(3).tolist()
    [30.5, 27.0]
    """
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputValueError(f"params lacks variable(s) {missing}; build it with parameters_from_landcover()")
    cfg = config or load_cooling_config()
    cell = pixel_size_m(params, "literature_cooling")
    t_ref = check_t_ref(t_ref)
    uhi_max = check_uhi_max(uhi_max)
    coef = potential_coefficients(uhi_max, table=table, config=cfg)
    s_e, p_rural = coef["eti"], coef["p_rural"]
    pot = _potential(params, ref_et, cfg, s_e)
    t_nomix = (np.float32(t_ref + p_rural) - pot).where(~_invalid(params)).astype(np.float32)
    t_air = _mix(t_nomix, cell, cfg)
    prov = {"source": "uhi literature cooling configuration (data/cooling_literature.toml): Santamouris 2014; Krayenhoff et al. 2021; "
                       "Doick et al. 2014; Bowler et al. 2010", "cooling_model": "literature", "decay_length_m": cfg.decay_length_m}
    out = {
        "t_air_nomix": set_cf(t_nomix, name="t_air_nomix", units="degC", long_name="air temperature before mixing",
                              standard_name="air_temperature", **prov),
        "t_air": set_cf(t_air, name="t_air", units="degC", long_name="air temperature", standard_name="air_temperature", **prov),
    }
    ds = xr.Dataset(out, attrs={"t_ref_degC": t_ref, "uhi_max_degC": uhi_max, "evaporative_sensitivity_k": s_e,
                                "albedo_sensitivity_k": cfg.albedo_sensitivity_k, "decay_length_m": cfg.decay_length_m,
                                "cooling_model": "literature"})
    if params.rio.crs is not None:
        ds = ds.rio.write_crs(params.rio.crs, inplace=True)
    return ds


def cooling_channels(before: xr.Dataset, after: xr.Dataset, *, ref_et, uhi_max: float, table=None,
                     config: CoolingConfig | None = None) -> xr.Dataset:
    """ΔT_air of a parameter change split into its albedo and evaporative parts, with their ranges [K].

    The model is linear, so ``delta_t_air = albedo + evaporative (+ shade)`` exactly (mixing is a
    normalised convolution). Returns ``delta_t_air``, ``delta_t_air_albedo``, ``delta_t_air_evaporative``,
    ``delta_t_air_low`` (smaller cooling: each part scaled by the low end of its range) and
    ``delta_t_air_high`` (larger cooling).
    """
    cfg = config or load_cooling_config()
    cell = pixel_size_m(before, "cooling_channels")
    s_e = potential_coefficients(uhi_max, table=table, config=cfg)["eti"]
    invalid = _invalid(before) | _invalid(after)

    def part(parts):
        d = (_potential(before, ref_et, cfg, s_e, parts) - _potential(after, ref_et, cfg, s_e, parts))
        if isinstance(d, float):
            return xr.zeros_like(before["albedo"], dtype=np.float32).where(~invalid)
        return _mix(d.where(~invalid), cell, cfg)

    alb = part(("albedo",))
    evap = part(("et", "shade"))
    total = alb + evap
    low, high = effect_range(alb, evap, cfg)
    units = {"units": "K"}
    return xr.Dataset({
        "delta_t_air": set_cf(total.astype(np.float32), name="delta_t_air", long_name="air temperature change", **units),
        "delta_t_air_albedo": set_cf(alb.astype(np.float32), name="delta_t_air_albedo", long_name="air temperature change, albedo part", **units),
        "delta_t_air_evaporative": set_cf(evap.astype(np.float32), name="delta_t_air_evaporative",
                                          long_name="air temperature change, vegetation/water (evaporative) part", **units),
        "delta_t_air_low": set_cf(low.astype(np.float32), name="delta_t_air_low", long_name="air temperature change, low end of the effect-size range", **units),
        "delta_t_air_high": set_cf(high.astype(np.float32), name="delta_t_air_high", long_name="air temperature change, high end of the effect-size range", **units),
    })
