"""Risk components: normalisation, hazard from LST, exposure from population, vulnerability.

Framing (IPCC AR5 WGII 2014; Estoque et al. 2020, doi:10.1038/s41467-020-15218-8): IPCC AR5 risk = hazard x exposure x vulnerability; heat-health
application with remotely sensed surface temperature as hazard by Estoque et al. 2020,
Nat. Commun. 11:1581, doi:10.1038/s41467-020-15218-8 [estoque2020].

Normalisation (standard practice reviewed by Bao, Li & Yu 2015, doi:10.3390/ijerph120707220): every component is mapped to [0, 1]

* ``"minmax"``: ``(x - min) / (max - min)``;
* ``"percentile"``: the same with the 2nd and 98th percentiles in place of min and max, then
  clipped to [0, 1], so a handful of extreme pixels (fires, sensor artefacts, one tower block)
  does not squeeze everything else into a narrow band;

with the direction-aware flip ``(max - x) / (max - min)`` for protective indicators (NDVI, green
cover, income). Global statistics are computed eagerly (a reduction); the pointwise rescaling
stays lazy for dask input.
"""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used for CRS checks)
import xarray as xr

from .._backend import apply_pointwise, check_same_grid, is_dask, pixel_size_m, set_cf
from ..errors import InputValueError
from ..units import CELSIUS_UNITS, KELVIN_UNITS, ZERO_CELSIUS_K

__all__ = [
    "normalise",
    "hazard_from_lst",
    "exposure_from_population",
    "vulnerability",
    "VULNERABILITY_DIRECTIONS",
    "DEFAULT_PERCENTILES",
]

#: Lower / upper percentiles of ``normalise="percentile"``.
DEFAULT_PERCENTILES = (2.0, 98.0)

#: +1: more of it means more vulnerable; -1: protective (flipped). Indicator set of Bao, Li & Yu 2015, doi:10.3390/ijerph120707220
#: (each appears in Bao, Li & Yu 2015 [bao2015] or Reid et al. 2009 [reid2009]).
VULNERABILITY_DIRECTIONS = {
    "elderly": +1,  # share aged >= 65
    "elderly_alone": +1,  # share aged >= 65 living alone
    "children": +1,  # share aged < 5
    "low_income": +1,  # poverty share
    "low_education": +1,
    "chronic_illness": +1,
    "impervious": +1,  # impervious fraction
    "population_density": +1,
    "ndbi": +1,  # built-up proxy
    "no_ac": +1,  # share without air conditioning
    "income": -1,
    "green": -1,  # green / tree cover fraction (lack of green is the vulnerability)
    "tree_cover": -1,
    "ndvi": -1,  # vegetation proxy
    "ac": -1,  # air-conditioning prevalence
}


def _stats(da: xr.DataArray, name: str, method: str, percentiles) -> tuple[float, float]:
    data = da.data
    if is_dask(data):
        import dask

        if method == "minmax":
            lo, hi = dask.compute(np.nanmin(data), np.nanmax(data))
        else:
            v = np.asarray(data.compute(), dtype=np.float64)
            v = v[np.isfinite(v)]
            lo, hi = (np.percentile(v, percentiles) if v.size else (np.nan, np.nan))
    else:
        v = np.asarray(data, dtype=np.float64)
        v = v[np.isfinite(v)]
        if v.size == 0:
            lo = hi = np.nan
        elif method == "minmax":
            lo, hi = v.min(), v.max()
        else:
            lo, hi = np.percentile(v, percentiles)
    lo, hi = float(lo), float(hi)
    if not np.isfinite(lo):
        raise InputValueError(f"{name} is all NaN (no finite pixel); cannot use it as a risk component")
    if hi <= lo:
        raise InputValueError(
            f"{name} is constant ({lo}) over its {method} range; it cannot be normalised to [0, 1]. "
            "Leave it out or give a layer that varies"
        )
    return lo, hi


def _rescale(x, lo, hi, direction):
    x = np.asarray(x, dtype=np.float32)
    t = (x - np.float32(lo)) / np.float32(hi - lo)
    if direction < 0:
        t = np.float32(1.0) - t
    return np.clip(t, 0.0, 1.0).astype(np.float32)


def normalise(
    da: xr.DataArray,
    method: str = "minmax",
    *,
    percentiles: tuple[float, float] = DEFAULT_PERCENTILES,
    direction: int = +1,
    name: str | None = None,
) -> xr.DataArray:
    """Rescale a layer to [0, 1] by min-max or percentile bounds, optionally flipped.

    Parameters
    ----------
    da : xarray.DataArray
        The layer (any units).
    method : {"minmax", "percentile"}
        Bounds: the finite min and max, or the ``percentiles`` (default 2 and 98 %), clipped.
    direction : {+1, -1}
        -1 flips the scale for protective indicators: ``(hi - x) / (hi - lo)``.
    name : str, optional
        Name used in error messages and of the result (default ``da.name``).

    Returns
    -------
    xarray.DataArray
        float32 in [0, 1] (NaN stays NaN) with attrs ``normalise``, ``bounds`` and ``direction``.

    Raises
    ------
    uhi.errors.InputValueError
        All-NaN or constant layer (named in the message), unknown method or direction.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> x = xr.DataArray(np.array([[1.0, 2.0, 3.0]]), dims=("y", "x"), name="elderly")
    >>> normalise(x).values.tolist(), normalise(x, direction=-1).values.tolist()
    ([[0.0, 0.5, 1.0]], [[1.0, 0.5, 0.0]])
    """
    name = name or (str(da.name) if da.name is not None else "layer")
    if method not in ("minmax", "percentile"):
        raise InputValueError(f"normalise must be 'minmax' or 'percentile', got {method!r} (for {name})")
    if direction not in (1, -1):
        raise InputValueError(f"direction of {name} must be +1 or -1, got {direction!r}")
    lo, hi = _stats(da, name, method, percentiles)
    out = apply_pointwise(_rescale, da, kwargs={"lo": lo, "hi": hi, "direction": direction})
    how = "min-max" if method == "minmax" else f"percentile {percentiles[0]}-{percentiles[1]} %, clipped"
    return set_cf(
        out,
        name=name,
        units="1",
        long_name=f"normalised {name}",
        normalise=how,
        bounds=np.array([lo, hi]),
        direction=int(direction),
    )


def hazard_from_lst(lst: xr.DataArray) -> xr.DataArray:
    """Heat hazard layer from land surface temperature [K].

    Estoque et al. 2020 [estoque2020] use remotely sensed surface temperature as the hazard. The layer is
    min-max / percentile normalised by :func:`uhi.risk.heat_risk`, which is invariant to an
    offset, so the ranking is the same in kelvin or Celsius; data labelled ``units="degC"`` is
    converted to kelvin for a consistent label. To use the Urban Thermal Field Variance Index
    as hazard instead (comparable between scenes), pass ``uhi.metrics.utfvi(lst)`` to
    :func:`uhi.risk.heat_risk` directly.
    """
    if not isinstance(lst, xr.DataArray) or lst.ndim != 2:
        raise InputValueError("lst must be a 2-D (y, x) xarray.DataArray")
    units = str(lst.attrs.get("units", "K")).strip()
    out = lst.astype(np.float32)
    if units in CELSIUS_UNITS:
        out = out + np.float32(ZERO_CELSIUS_K)
    elif units not in KELVIN_UNITS + ("",):
        raise InputValueError(f"lst has units {units!r}; expected 'K' or 'degC'")
    return set_cf(out, name="hazard", units="K", long_name="heat hazard: land surface temperature",
                  standard_name="surface_temperature", hazard_index="lst")


def _density(pop, per_km2):
    p = np.asarray(pop, dtype=np.float32)
    return (p * np.float32(per_km2)).astype(np.float32)


def exposure_from_population(population: xr.DataArray) -> xr.DataArray:
    """Population density [people km-2] from people per pixel and the pixel area.

    ``density = population / (pixel_size_m^2 / 1e6)``; the pixel size comes from the grid
    (projected CRS required; degrees are refused with :class:`~uhi.errors.CRSError`).
    Negative counts raise :class:`~uhi.errors.InputValueError`.
    """
    pixel = pixel_size_m(population, "exposure_from_population (pixel area)")
    if not is_dask(population.data):
        v = np.asarray(population.values, dtype=np.float64)
        if np.isfinite(v).any() and np.nanmin(v) < 0:
            raise InputValueError(f"population has negative counts (min {np.nanmin(v)}); expected people per pixel >= 0")
    per_km2 = 1e6 / (pixel * pixel)
    out = apply_pointwise(_density, population, kwargs={"per_km2": per_km2})
    return set_cf(out, name="exposure", units="km-2", long_name="population density (heat exposure)",
                  pixel_area_km2=pixel * pixel / 1e6)


def _mean_layers(*layers):
    stack = np.stack([np.asarray(a, dtype=np.float32) for a in layers])
    return stack.mean(axis=0).astype(np.float32)  # NaN in any layer -> NaN


def vulnerability(
    layers: dict[str, xr.DataArray] | None = None,
    *,
    ndvi: xr.DataArray | None = None,
    ndbi: xr.DataArray | None = None,
    directions: dict[str, int] | None = None,
    normalise_method: str = "minmax",
) -> xr.DataArray:
    """Heat vulnerability index in [0, 1]: equal-weight mean of direction-aware normalised layers.

    Equal weights after normalisation is the construction of Vescovi 2005, Chow et al. 2012 and
    Tomlinson et al. 2012 in Bao, Li & Yu's review of 15 HVIs (Int. J. Environ. Res. Public Health 12:7220, doi:10.3390/ijerph120707220).

    Parameters
    ----------
    layers : dict of str to xarray.DataArray, optional
        Socio-economic / environmental layers on one grid, e.g. ``{"elderly": ..., "children": ...,
        "low_income": ..., "impervious": ..., "green": ...}``. Known names have a direction in
        :data:`VULNERABILITY_DIRECTIONS`; others need one in ``directions``.
    ndvi, ndbi : xarray.DataArray, optional
        Proxies used **only when** ``layers`` is empty: low NDVI (lack of vegetation, direction -1)
        and high NDBI (built-up, +1), as in the vegetation and land-use indicators of [bao2015].
    directions : dict of str to int, optional
        Direction (+1 / -1) per layer name, overriding the defaults.
    normalise_method : {"minmax", "percentile"}
        How each layer is scaled to [0, 1] (:func:`normalise`).

    Returns
    -------
    xarray.DataArray
        float32 ``vulnerability`` in [0, 1]; ``attrs["vulnerability_layers"]`` lists the layers
        and their directions, e.g. ``"ndvi(-) ndbi(+)"``.
    """
    directions = {**VULNERABILITY_DIRECTIONS, **(directions or {})}
    used = dict(layers or {})
    proxies = False
    if not used:
        if ndvi is not None:
            used["ndvi"] = ndvi
        if ndbi is not None:
            used["ndbi"] = ndbi
        proxies = True
    if not used:
        raise InputValueError("vulnerability needs at least one layer: pass layers={...} or the ndvi / ndbi proxies")
    for key, da in used.items():
        if key not in directions:
            raise InputValueError(
                f"vulnerability layer {key!r} has no known direction; pass directions={{{key!r}: +1 or -1}} "
                "(+1: more means more vulnerable)"
            )
        if not isinstance(da, xr.DataArray):
            raise InputValueError(f"vulnerability layer {key!r} must be an xarray.DataArray, got {type(da).__name__}")
    names = tuple(used)
    check_same_grid(*used.values(), names=names)
    scaled = [normalise(used[k], normalise_method, direction=directions[k], name=k) for k in names]
    out = apply_pointwise(_mean_layers, *scaled)
    label = " ".join(f"{k}({'+' if directions[k] > 0 else '-'})" for k in names)
    return set_cf(
        out,
        name="vulnerability",
        units="1",
        long_name="heat vulnerability index (equal-weight mean of normalised layers)",
        vulnerability_layers=label,
        vulnerability_proxies=int(proxies),
        normalise=normalise_method,
    )
