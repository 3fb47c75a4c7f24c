"""InVEST Urban Cooling Model: CC, GA, CC_park, HM, T_air (InVEST Urban Cooling Model user guide, Natural Capital Project, [invest-ucm], [invest-code], [pygeoprocessing])."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from uhi._backend import apply_neighbourhood, check_same_grid, is_dask, pixel_size_m, set_cf
from uhi._validate import check_scalar
from uhi.constants import AIR_TEMPERATURE_RECORD_DEGC, UHI_MAX_LIMIT_K
from uhi.cooling.biophysical import PARAMETERS
from uhi.cooling.kernels import (
    decay_pixels,
    disc_kernel,
    exponential_kernel,
    masked_count_convolve,
    masked_mean_convolve,
)
from uhi.cooling.valuation import productivity_loss, wbgt
from uhi.errors import InputValueError

__all__ = ["GREEN_AREA_THRESHOLD_M2", "urban_cooling"]

#: Large green area threshold, 2 ha, InVEST UCM [invest-ucm], [invest-code] (``2e4 / cell**2`` pixels).
GREEN_AREA_THRESHOLD_M2 = 2.0e4


def _heat_mitigation(cc, green, k_exp, k_disc, threshold):
    """HM of a block: CC_park (exp-kernel mean of CC·green), GA (disc count of green), then
    HM = CC where CC >= CC_park or GA < threshold, else CC_park; NaN where CC is NaN [invest-code].

    One function for both neighbourhood steps, so dask runs them as a single ``map_overlap``
    pass with the larger of the two halos (the kernels are truncated, so the halo is exact).
    """
    cc = np.asarray(cc, dtype=np.float32)
    green = np.asarray(green, dtype=np.float32)
    cc_park = masked_mean_convolve(cc * green, k_exp)
    ga = masked_count_convolve(green, k_disc)
    with np.errstate(invalid="ignore"):
        keep = (cc >= cc_park) | (ga < threshold)
    del ga
    hm = np.where(keep, cc, cc_park).astype(np.float32, copy=False)
    hm[np.isnan(cc)] = np.nan
    return hm


def _checkpoint(da: xr.DataArray, path: Path, crs) -> xr.DataArray:
    """Stream ``da`` to ``path`` and return it re-read lazily with the same chunks and coordinates."""
    import rioxarray

    from uhi.io.write import write_raster

    path.parent.mkdir(parents=True, exist_ok=True)
    write_raster(da.rio.write_crs(crs), path, overwrite=True)
    stored = rioxarray.open_rasterio(path, chunks={"y": da.chunks[0], "x": da.chunks[1]}, lock=False, cache=False)
    stored = stored.squeeze("band", drop=True).drop_vars("spatial_ref", errors="ignore")
    return stored.assign_coords(y=da["y"], x=da["x"]).rio.write_crs(crs).astype(np.float32, copy=False)


def urban_cooling(
    params: xr.Dataset,
    *,
    ref_et,
    t_ref: float,
    uhi_max: float,
    cooling_distance: float = 450.0,
    mixing_radius: float = 600.0,
    cc_method: str = "factors",
    weights=(0.6, 0.2, 0.2),
    rel_humidity: float | None = None,
    checkpoint_dir: str | os.PathLike | None = None,
) -> xr.Dataset:
    """Run the InVEST Urban Cooling Model on per-pixel parameters.

    Parameters
    ----------
    params : xarray.Dataset
        ``shade, albedo, kc, green_area, building_intensity`` on a projected grid (NaN = nodata),
        from :func:`parameters_from_landcover` or :func:`parameters_from_scene`.
    ref_et : float or xarray.DataArray
        Reference evapotranspiration ETo [mm] (scalar or raster on the same grid).
    t_ref : float
        Rural reference air temperature T_air,ref [degC].
    uhi_max : float
        Magnitude of the urban heat island effect UHI_max [degC], >= 0.
    cooling_distance : float
        Green-area cooling distance d_cool [m] (UG recommends 450 m, [invest-ucm]).
    mixing_radius : float
        Air-mixing radius r [m] (UG: 500-600 m, [invest-ucm]).
    cc_method : {"factors", "intensity"}
        Daytime (shade/albedo/ETI) or night-time (1 - building intensity) cooling capacity.
    weights : tuple of 3 floats
        (shade, albedo, ETI) weights, renormalised to sum 1 as InVEST does [invest-code].
    rel_humidity : float, optional
        Average relative humidity [%]; when given, adds ``wbgt`` [degC] and
        ``productivity_loss_light`` / ``productivity_loss_heavy`` [%] (Kjellstrom et al. 2009).
    checkpoint_dir : path, optional
        For dask-backed ``params`` too large for memory (national mosaics, 1 Gpix scenes): the heat
        mitigation index is streamed to ``checkpoint_dir/hm.tif`` (tiled GeoTIFF, replaced if
        present) as soon as this function is called, and re-read lazily for the air-mixing pass,
        so dask never holds the two neighbourhood passes in one graph (memory: one band of chunks
        and its halo). The results are equal to the in-memory path; ignored for numpy input.

    Returns
    -------
    xarray.Dataset
        ``cc`` [1], ``hm`` [1], ``t_air_nomix`` [degC], ``t_air`` [degC] (InVEST works in degrees
        Celsius, so this model does too: units ``"degC"``), and optional valuation rasters. CRS kept.

    Notes
    -----
    Equations, InVEST Urban Cooling Model user guide: ``ETI = kc·ETo/max(ETo)``; ``CC = w_s·shade + w_a·albedo + w_e·ETI``
    (or ``1 - building_intensity``); ``CC_park`` = normalised ``exp(-dist/d)`` kernel (d = round(d_cool/cell)
    pixels, truncated at 5d) mean of ``CC·green_area``; ``GA`` = disc(radius d) count of green pixels
    with the edge rule ``conv(g·valid)·Σdisc/conv(valid)``; ``HM = CC`` if ``CC >= CC_park`` or
    ``GA < 2 ha`` else ``CC_park``; ``T_nomix = T_ref + (1 - HM)·UHI_max``; ``T_air`` = normalised
    exp-kernel (round(r/cell) pixels) mean of ``T_nomix``. All convolutions ignore nodata and edges
    (``pygeoprocessing.convolve_2d(ignore_nodata_and_edges=True)``).
    """
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputValueError(f"params lacks variable(s) {missing}; build it with parameters_from_landcover()")
    cell = pixel_size_m(params, "urban_cooling")
    t_ref = check_scalar("t_ref", t_ref, low=AIR_TEMPERATURE_RECORD_DEGC[0], high=AIR_TEMPERATURE_RECORD_DEGC[1], why="degrees Celsius, within the air temperatures ever recorded")
    uhi_max = check_scalar("uhi_max", uhi_max, nonneg=True, high=UHI_MAX_LIMIT_K, why="a UHI magnitude in K (Oke 1973 measured up to ~12 K)")
    cooling_distance = check_scalar("cooling_distance", cooling_distance, positive=True)
    mixing_radius = check_scalar("mixing_radius", mixing_radius, positive=True)
    if cc_method not in ("factors", "intensity"):
        raise InputValueError(f"cc_method must be 'factors' or 'intensity', got {cc_method!r}")
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (3,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise InputValueError(f"weights must be three finite non-negative numbers (shade, albedo, ETI) not all zero, got {weights!r}")
    w = w / w.sum()
    if rel_humidity is not None:
        rel_humidity = check_scalar("rel_humidity", rel_humidity, nonneg=True)
        if rel_humidity > 100:
            raise InputValueError(f"rel_humidity is in percent and must be within [0, 100], got {rel_humidity!r}")

    p = {k: params[k].astype(np.float32, copy=False) for k in PARAMETERS}
    if cc_method == "factors":
        if isinstance(ref_et, xr.DataArray):
            check_same_grid(params["kc"], ref_et, names=("params", "ref_et"))
            eto = ref_et.astype(np.float32, copy=False)
            et_max = float(eto.max())  # global maximum, computed before any blockwise pass [invest-code]
        else:
            et_max = check_scalar("ref_et", ref_et, positive=True)
            eto = np.float32(et_max)
        if not np.isfinite(et_max) or et_max <= 0:
            raise InputValueError(f"ref_et must have a positive maximum, got {et_max!r}")
        eti = p["kc"] * eto / np.float32(et_max)
        cc = (np.float32(w[0]) * p["shade"] + np.float32(w[1]) * p["albedo"] + np.float32(w[2]) * eti)
    else:
        cc = 1 - p["building_intensity"]
    invalid = p[PARAMETERS[0]].isnull()
    for k in PARAMETERS[1:]:
        invalid = invalid | p[k].isnull()
    cc = cc.where(~invalid)
    green = p["green_area"].where(~invalid)

    d_px = decay_pixels(cooling_distance, cell)
    r_px = decay_pixels(mixing_radius, cell)
    k_exp = exponential_kernel(d_px)
    k_disc = disc_kernel(d_px)
    k_mix = exponential_kernel(r_px)

    threshold = GREEN_AREA_THRESHOLD_M2 / cell**2
    hm = apply_neighbourhood(
        _heat_mitigation, cc.astype(np.float32, copy=False), depth=max(k_exp.shape[0], k_disc.shape[0]) // 2,
        others=(green.astype(np.float32, copy=False),), kwargs={"k_exp": k_exp, "k_disc": k_disc, "threshold": threshold},
    )
    if checkpoint_dir is not None and is_dask(hm):
        hm = _checkpoint(hm, Path(checkpoint_dir) / "hm.tif", params.rio.crs)
    t_nomix = (np.float32(t_ref) + (1 - hm) * np.float32(uhi_max)).astype(np.float32, copy=False)
    t_air = apply_neighbourhood(masked_mean_convolve, t_nomix, depth=k_mix.shape[0] // 2, kwargs={"kernel": k_mix})

    prov = dict(source="InVEST Urban Cooling Model equations (Sharp et al., InVEST UG; natcap/invest urban_cooling_model.py)",
                cc_method=cc_method, cooling_distance_m=cooling_distance, mixing_radius_m=mixing_radius)
    out = {
        "cc": set_cf(cc.astype(np.float32, copy=False), name="cc", units="1", long_name="cooling capacity index", **prov),
        "hm": set_cf(hm, name="hm", units="1", long_name="heat mitigation index", **prov),
        "t_air_nomix": set_cf(t_nomix, name="t_air_nomix", units="degC", long_name="air temperature before mixing",
                              standard_name="air_temperature", **prov),
        "t_air": set_cf(t_air, name="t_air", units="degC", long_name="air temperature",
                        standard_name="air_temperature", **prov),
    }
    if rel_humidity is not None:
        wb = wbgt(out["t_air"], rel_humidity)
        out["wbgt"] = set_cf(wb, name="wbgt", units="degC", long_name="wet-bulb globe temperature (ACSM 1984 approximation)")
        for work in ("light", "heavy"):
            name = f"productivity_loss_{work}"
            out[name] = set_cf(productivity_loss(wb, work), name=name, units="%",
                               long_name=f"work productivity loss, {work} work (Kjellstrom et al. 2009, Table 2)")
    ds = xr.Dataset(out, attrs={"t_ref_degC": t_ref, "uhi_max_degC": uhi_max, "cooling_distance_px": d_px, "mixing_radius_px": r_px})
    if params.rio.crs is not None:
        ds = ds.rio.write_crs(params.rio.crs, inplace=True)
    return ds
