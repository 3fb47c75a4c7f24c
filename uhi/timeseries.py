"""Many scenes of one city: per-pixel LST statistics over a season or a decade.

Scenes are stacked lazily along a ``time`` dimension; with dask-backed inputs
(``uhi.load_landsat(..., chunks=...)``) nothing is computed until the result is
written or ``.compute()`` is called, so a decade of full scenes streams through
memory one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from ._backend import check_same_grid, set_cf
from .constants import ZERO_CELSIUS_K
from .errors import InputValueError

__all__ = ["lst_statistics", "lst_time_series", "stack_lst"]


def stack_lst(lst: Sequence[xr.DataArray], times: Iterable | None = None) -> xr.DataArray:
    """Stack LST maps of one grid along a new ``time`` dimension.

    Parameters
    ----------
    lst : sequence of DataArray
        Land-surface temperature [K], all on the same grid (shape, CRS, coordinates).
    times : iterable, optional
        One timestamp per map; defaults to each map's ``acquisition_time`` attribute.

    Raises
    ------
    InputValueError
        If ``lst`` is empty, a map is not in kelvin, or times are missing.
    GridMismatchError
        If the maps are on different grids.
    """
    lst = list(lst)
    if not lst:
        raise InputValueError("stack_lst needs at least one LST map, got none")
    for i, da in enumerate(lst):
        if da.attrs.get("units", "K") != "K":
            raise InputValueError(f"LST map {i} has units {da.attrs.get('units')!r}; expected kelvin ('K')")
    check_same_grid(*lst, names=tuple(f"LST map {i}" for i in range(len(lst))))
    if times is None:
        times = [da.attrs.get("acquisition_time") for da in lst]
        if any(not t for t in times):  # a map without a time: number the maps
            times = list(range(len(lst)))
    times = list(times)
    if len(times) != len(lst):
        raise InputValueError(f"got {len(times)} times for {len(lst)} LST maps")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).tz_localize(None)
    except (ValueError, TypeError):
        index = pd.Index(times)
    reference = lst[0]
    maps = [da.drop_vars([c for c in da.coords if c not in ("x", "y", "spatial_ref")]) for da in lst]
    stacked = xr.concat(maps, dim=pd.Index(index, name="time"), coords="minimal", compat="override", join="override")
    stacked.attrs = {k: v for k, v in reference.attrs.items() if k in ("units", "long_name", "standard_name")}
    return stacked.rename("lst")


def lst_statistics(stack: xr.DataArray, *, hot_threshold: float = ZERO_CELSIUS_K + 35.0) -> xr.Dataset:
    """Per-pixel mean and maximum LST and number of hot scenes (days) in a stack.

    Parameters
    ----------
    stack : DataArray (time, y, x)
        LST [K] from :func:`stack_lst`; NaN (cloud, fill) is ignored.
    hot_threshold : float
        A scene counts as a hot day at a pixel when LST > ``hot_threshold`` [K]
        (default 308.15 K = 35 °C).

    Returns
    -------
    Dataset with ``mean_lst`` [K], ``max_lst`` [K], ``hot_days`` [1] and
    ``valid_scenes`` [1] (clear observations per pixel). Lazy for dask input.
    """
    if "time" not in stack.dims:
        raise InputValueError("lst_statistics expects a stack with a 'time' dimension (use stack_lst)")
    if not np.isfinite(hot_threshold):
        raise InputValueError(f"hot_threshold must be a finite temperature in kelvin, got {hot_threshold!r}")
    if hot_threshold < 150:
        raise InputValueError(f"hot_threshold={hot_threshold} looks like Celsius; give it in kelvin (e.g. 308.15 for 35 °C)")
    valid = stack.notnull()
    n_valid = valid.sum("time")
    mean = stack.sum("time", skipna=True) / n_valid.where(n_valid > 0)
    maximum = stack.max("time", skipna=True)
    hot = (stack > hot_threshold).sum("time")
    n_scenes = stack.sizes["time"]
    out = xr.Dataset(
        {
            "mean_lst": set_cf(mean.astype(np.float32), name="mean_lst", units="K", standard_name="surface_temperature",
                               long_name=f"mean land surface temperature over {n_scenes} scenes"),
            "max_lst": set_cf(maximum.astype(np.float32), name="max_lst", units="K", standard_name="surface_temperature",
                              long_name=f"maximum land surface temperature over {n_scenes} scenes"),
            "hot_days": set_cf(hot.astype(np.int16), name="hot_days", units="1",
                               long_name=f"number of scenes with LST above {hot_threshold - ZERO_CELSIUS_K:.1f} degC",
                               hot_threshold_k=float(hot_threshold)),
            "valid_scenes": set_cf(n_valid.astype(np.int16), name="valid_scenes", units="1",
                                   long_name="number of clear (non-NaN) observations"),
        }
    )
    out.attrs["scenes"] = n_scenes
    if "spatial_ref" in stack.coords:
        out = out.assign_coords(spatial_ref=stack.coords["spatial_ref"])
    return out


def lst_time_series(scenes: Iterable, *, method: str = "auto", chunks: dict | int | None = None,
                    mask_clouds: bool | str = "auto", raster: dict | None = None, **lst_kwargs) -> xr.DataArray:
    """Load scenes (paths or datasets), compute LST for each and stack them lazily.

    ``chunks`` is passed to :func:`uhi.load_landsat`; with it, the stack is dask-backed.
    ``method="auto"`` picks the best method each scene supports (:func:`uhi.analysis.choose_lst_method`);
    ``mask_clouds="auto"`` masks clouds where a scene has a QA band. A GeoTIFF path is an LST raster or
    stack read by :func:`uhi.io.stack.load_lst_raster` with the options in ``raster`` (``bands``,
    ``lst_units``). All scenes must share one grid (same path/row and extent).
    """
    from .io import load_landsat
    from .io.stack import is_lst_raster, load_lst_raster
    from .lst import land_surface_temperature
    from .metrics._common import lst_kelvin

    maps = []
    for scene in scenes:
        if is_lst_raster(scene):
            maps.append(lst_kelvin(load_lst_raster(scene, chunks=chunks, **(raster or {}))["lst"]))
            continue
        ds = scene if isinstance(scene, xr.Dataset) else load_landsat(scene, chunks=chunks, mask_clouds=mask_clouds)
        this = method
        if method == "auto":
            from .analysis import choose_lst_method

            this = choose_lst_method(ds, lst_kwargs.get("water_vapour"))
        lst = land_surface_temperature(ds, method=this, **lst_kwargs)
        lst.attrs.setdefault("acquisition_time", ds.attrs.get("acquisition_time"))
        maps.append(lst)
    return stack_lst(maps)
