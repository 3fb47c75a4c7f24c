"""InVEST Urban Cooling Model: CC, GA, CC_park, HM, T_air (InVEST Urban Cooling Model user guide, Natural Capital Project, [invest-ucm], [invest-code], [pygeoprocessing])."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from uhi._backend import apply_neighbourhood, apply_pointwise, check_same_grid, is_dask, pixel_size_m, set_cf
from uhi._validate import check_scalar, check_t_ref, check_uhi_max
from uhi.constants import UCM_DEFAULTS
from uhi.cooling.biophysical import PARAMETERS
from uhi.cooling.kernels import air_mixing, cooling_capacity, decay_pixels, heat_mitigation, heat_mitigation_and_mixing
from uhi.cooling.valuation import productivity_loss, wbgt
from uhi.errors import InputValueError

__all__ = ["GREEN_AREA_THRESHOLD_M2", "urban_cooling"]

#: Large green area threshold, 2 ha, InVEST UCM [invest-ucm], [invest-code] (``2e4 / cell**2`` pixels).
GREEN_AREA_THRESHOLD_M2 = 2.0e4


def _like(values: np.ndarray, da: xr.DataArray) -> xr.DataArray:
    """``values`` on the grid (coords, CRS) of ``da``."""
    out = xr.DataArray(values, coords=da.coords, dims=da.dims)
    crs = da.rio.crs
    return out.rio.write_crs(crs, inplace=True) if crs is not None else out


def _checkpoint(da: xr.DataArray, path: Path, crs) -> xr.DataArray:
    """Stream ``da`` to ``path`` and return it re-read lazily with the same chunks and coordinates."""
    import rioxarray

    from uhi.io.write import write_raster

    path.parent.mkdir(parents=True, exist_ok=True)
    # scratch read back once: uncompressed (a 244 MiB band set writes in 0.4 s instead of 3.5 s with DEFLATE 1
    # and reads in 0.8 s instead of 1.9 s; benchmarks/README.md, scale round 2), at 4 bytes per pixel on disk
    write_raster(da.rio.write_crs(crs), path, overwrite=True, compress="NONE")
    stored = rioxarray.open_rasterio(path, chunks={"y": da.chunks[0], "x": da.chunks[1]}, lock=False, cache=False)
    stored = stored.squeeze("band", drop=True).drop_vars("spatial_ref", errors="ignore")
    return stored.assign_coords(y=da["y"], x=da["x"]).rio.write_crs(crs).astype(np.float32, copy=False)


def urban_cooling(
    params: xr.Dataset,
    *,
    ref_et,
    t_ref: float,
    uhi_max: float,
    cooling_distance: float = UCM_DEFAULTS["cooling_distance"],
    mixing_radius: float = UCM_DEFAULTS["mixing_radius"],
    cc_method: str = "factors",
    weights=UCM_DEFAULTS["weights"],
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
        mitigation index is streamed to ``checkpoint_dir/hm.tif`` (tiled, uncompressed GeoTIFF, replaced if
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
    t_ref = check_t_ref(t_ref)
    uhi_max = check_uhi_max(uhi_max)
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
    kc_eti = p["kc"]  # ETI = kc · ETo / max(ETo); a scalar ETo is its own maximum, so ETI = kc
    if cc_method == "factors":
        if isinstance(ref_et, xr.DataArray):
            check_same_grid(params["kc"], ref_et, names=("params", "ref_et"))
            eto = ref_et.astype(np.float32, copy=False)
            et_max = float(eto.max())  # global maximum, computed before any blockwise pass [invest-code]
            kc_eti = (p["kc"] * eto / np.float32(et_max)).astype(np.float32, copy=False)
        else:
            et_max = check_scalar("ref_et", ref_et, positive=True)
        if not np.isfinite(et_max) or et_max <= 0:
            raise InputValueError(f"ref_et must have a positive maximum, got {et_max!r}")
    cc = apply_pointwise(cooling_capacity, p["shade"], p["albedo"], kc_eti, p["green_area"], p["building_intensity"],
                         kwargs={"method": 0 if cc_method == "factors" else 1, "weights": tuple(w)})
    green = p["green_area"]

    d_px = decay_pixels(cooling_distance, cell)
    r_px = decay_pixels(mixing_radius, cell)
    threshold = GREEN_AREA_THRESHOLD_M2 / cell**2
    cc = cc.astype(np.float32, copy=False)
    green = green.astype(np.float32, copy=False)
    if is_dask(cc) or is_dask(green):
        # two map_overlap passes, each with its own kernel's halo (5 d and 5 r pixels; the disc's d is inside 5 d)
        hm = apply_neighbourhood(heat_mitigation, cc, depth=5 * d_px, others=(green,),
                                 kwargs={"d_pixels": d_px, "threshold": threshold, "halo": 5 * d_px})
        if checkpoint_dir is not None:
            hm = _checkpoint(hm, Path(checkpoint_dir) / "hm.tif", params.rio.crs)
        t_air = apply_neighbourhood(air_mixing, hm, depth=5 * r_px,
                                    kwargs={"r_pixels": r_px, "t_ref": t_ref, "uhi_max": uhi_max, "halo": 5 * r_px})
    else:
        hm_v, t_v = heat_mitigation_and_mixing(cc.values, green.values, d_px, r_px, threshold, t_ref, uhi_max)
        hm = _like(hm_v, cc)
        t_air = _like(t_v, cc)
    t_nomix = (np.float32(t_ref) + (1 - hm) * np.float32(uhi_max)).astype(np.float32, copy=False)

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
