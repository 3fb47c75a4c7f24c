"""UCM valuation: WBGT, work productivity loss and building energy savings (InVEST Urban Cooling Model user guide, [invest-ucm], [invest-code])."""

from __future__ import annotations

import numpy as np
import xarray as xr

from uhi.errors import InputValueError
from uhi.io.tables import load_table

__all__ = ["KJELLSTROM_THRESHOLDS", "energy_savings", "productivity_loss", "wbgt"]

#: WBGT thresholds [degC] and productivity losses [%], Kjellstrom et al. 2009, Table 2
#: (Glob. Health Action 2:2047, doi:10.3402/gha.v2i0.2047 [kjellstrom2009]), as coded in InVEST UCM [invest-code]: below the first threshold 0 %,
#: then 25 / 50 / 75 % in [t1, t2), [t2, t3), >= t3.
KJELLSTROM_THRESHOLDS = {"light": (31.5, 32.0, 32.5), "heavy": (27.5, 29.5, 31.5)}
_LOSSES = (0.0, 25.0, 50.0, 75.0)


def wbgt(t_air, rel_humidity: float):
    """Wet-bulb globe temperature [degC], ACSM 1984 approximation used by InVEST [invest-ucm].

    ``e = RH/100 · 6.105 · exp(17.27·T/(237.7 + T))`` [hPa]; ``WBGT = 0.567·T + 0.393·e + 3.94``.
    """
    e = rel_humidity / 100.0 * 6.105 * np.exp(17.27 * t_air / (237.7 + t_air))  # ACSM 1984 [invest-ucm]
    return (0.567 * t_air + 0.393 * e + 3.94).astype(np.float32)


def productivity_loss(wbgt_c, work: str = "light"):
    """Work productivity loss [%] from WBGT [degC], Kjellstrom et al. 2009 Table 2 (NaN stays NaN)."""
    if work not in KJELLSTROM_THRESHOLDS:
        raise InputValueError(f"work must be 'light' or 'heavy', got {work!r}")
    t1, t2, t3 = KJELLSTROM_THRESHOLDS[work]
    loss = xr.where(wbgt_c >= t3, 75.0, xr.where(wbgt_c >= t2, 50.0, xr.where(wbgt_c >= t1, 25.0, 0.0)))
    if isinstance(wbgt_c, xr.DataArray):
        return loss.where(wbgt_c.notnull()).astype(np.float32)
    return np.where(np.isnan(wbgt_c), np.nan, loss).astype(np.float32)


def energy_savings(t_air: xr.DataArray, buildings, energy_table, t_ref: float, uhi_max: float):
    """Energy savings per building [kWh, or currency when ``cost`` is given], InVEST UCM [invest-ucm], [invest-code].

    ``savings_b = consumption(type_b) · footprint_area_b · (T_ref + UHI_max - mean_b T_air) · cost(type_b)``.

    Parameters
    ----------
    t_air : xarray.DataArray
        Air temperature [degC] from :func:`urban_cooling`.
    buildings : geopandas.GeoDataFrame
        Building footprints with an integer ``type`` column, in ``t_air``'s projected CRS (reprojected if not).
    energy_table : path or DataFrame
        Columns ``type``, ``consumption`` [kWh degC-1 m-2 of footprint], optional ``cost`` (default 1).
    t_ref, uhi_max : float
        Reference temperature and UHI magnitude [degC].

    Returns
    -------
    geopandas.GeoDataFrame
        ``buildings`` plus ``avg_t_air`` [degC] and ``energy_sav``.
    """
    import warnings

    from uhi._backend import require_projected
    from uhi.zonal import zonal_stats

    crs = require_projected(t_air, "energy_savings")
    tab = load_table(energy_table, what="energy table")
    tab.columns = [str(c).strip().lower() for c in tab.columns]
    for col in ("type", "consumption"):
        if col not in tab.columns:
            raise InputValueError(f"energy table lacks column {col!r}; expected 'type', 'consumption' (and optionally 'cost')")
    if "cost" not in tab.columns:
        tab["cost"] = 1.0
    tab = tab.set_index("type")
    if "type" not in buildings.columns:
        raise InputValueError("buildings lacks the 'type' column linking them to the energy table")
    unknown = sorted(set(buildings["type"]) - set(tab.index))
    if unknown:
        raise InputValueError(f"building type(s) {unknown} are not in the energy table (it has {sorted(tab.index)})")
    b = buildings.to_crs(crs) if buildings.crs is not None and buildings.crs != crs else buildings.copy()
    # per-building mean through uhi.zonal (centre-of-pixel rule, as InVEST's zonal statistics)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # buildings without a pixel centre are handled below
        try:
            table = zonal_stats(t_air.rename("t_air"), b[[b.geometry.name]], stats=("mean", "count"))
            mean = table["t_air_mean"].to_numpy(dtype=np.float64)
            counts = table["t_air_count"].to_numpy()
        except InputValueError:  # no building holds a pixel centre: every one is smaller than a pixel
            mean, counts = np.full(len(b), np.nan), np.zeros(len(b), dtype=np.int64)
    # polygons smaller than a pixel get the value at their centroid
    small = counts == 0
    if small.any():
        cent = b.geometry[small].centroid
        mean[small] = [float(t_air.sel(x=pt.x, y=pt.y, method="nearest")) for pt in cent]
    t_max = float(t_ref) + float(uhi_max)
    cons = tab.loc[b["type"], "consumption"].to_numpy(dtype=float)
    cost = tab.loc[b["type"], "cost"].to_numpy(dtype=float)
    b["avg_t_air"] = mean
    b["energy_sav"] = cons * b.geometry.area.to_numpy() * (t_max - mean) * cost
    return b
