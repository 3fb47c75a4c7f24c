"""One call from a temperature (and residents) to a heat-risk map with absolute hazard classes.

:func:`assess_risk` builds the IPCC AR5 risk = hazard x exposure x vulnerability (Estoque et al. 2020,
Nat. Commun. 11:1581, doi:10.1038/s41467-020-15218-8) from components that keep their meaning across
cities and years:

* hazard: the temperature on the absolute UTCI heat-stress scale (:mod:`uhi.risk.hazard`), with
  ``hazard_class`` 1..5;
* exposure: population density over 300 km-2, clipped at 1 (Degree of Urbanisation urban clusters);
* vulnerability: attributes of residents per district (:mod:`uhi.risk.vulnerability`), or a flagged uniform
  default. Surface proxies (NDVI, NDBI) are an explicit option only when the hazard is not surface-derived.

``risk_class`` uses fixed breaks 0.2, 0.4, 0.6, 0.8 on the [0, 1] risk scale (``scheme="absolute"``);
``risk_class_relative`` keeps the quantile classes over populated pixels, labelled relative.
:func:`component_correlations` reports how much of the risk ranking each component explains.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._backend import apply_pointwise, check_same_grid, is_dask, set_cf
from ..errors import InputValueError
from .combine import (
    BREAKS_SAMPLE,
    HIGH_RISK_CLASSES,
    _breaks_of,
    _check_weights,
    _FiniteValues,
    class_breaks,
    classify,
    combine,
    traffic_light,
)
from .components import vulnerability as surface_vulnerability
from .hazard import UTCI_HEAT_STRESS_C, exposure_index, hazard_classes, hazard_index
from .vulnerability import uniform_vulnerability

__all__ = ["HIGH_RISK_CLASSES", "assess_risk", "component_correlations"]
#: Quantities whose hazard is surface-derived: surface proxies in the vulnerability would count heat twice.
SURFACE_QUANTITIES = ("lst", "surface_temperature")


def assess_risk(
    lst: xr.DataArray,
    population: xr.DataArray | None = None,
    *,
    vulnerability: xr.DataArray | None = None,
    surface_proxies: dict[str, xr.DataArray] | None = None,
    quantity: str = "lst",
    thresholds=UTCI_HEAT_STRESS_C,
    method: str = "product",
    weights=None,
    relative_scheme: str = "quantile",
    n_classes: int = 5,
    populated_breaks: bool = True,
) -> xr.Dataset:
    """Heat risk with an absolute hazard; hazard-only when no population is given.

    Parameters
    ----------
    lst : xarray.DataArray
        The hazard temperature [K] (``units="degC"`` converted): LST by default, or air temperature / UTCI
        with ``quantity``.
    population : xarray.DataArray, optional
        Residents per pixel on the same grid. None: only ``hazard`` and ``hazard_class`` are returned,
        with ``attrs["risk"]`` saying why.
    vulnerability : xarray.DataArray, optional
        Residents' vulnerability in [0, 1] on the grid (e.g. :func:`uhi.risk.vulnerability_from_table`).
        Default: uniform 1, flagged (``vulnerability_default = 1``).
    surface_proxies : dict, optional
        ``{"ndvi": ..., "ndbi": ...}`` as a labelled surface-proxy vulnerability
        (:func:`uhi.risk.vulnerability`); refused when the hazard is surface-derived (``quantity="lst"``).
    quantity : {"lst", "air_temperature", "utci"}
        What ``lst`` is; labels the outputs and guards against double counting.
    thresholds : sequence of float
        Hazard class bounds [°C] (default UTCI heat-stress categories).
    method, weights
        Combination of the components (:func:`uhi.risk.heat_risk`): product, geometric or weighted.
    relative_scheme : str
        Scheme of ``risk_class_relative`` (:func:`uhi.risk.classify`), fitted on populated pixels.
    n_classes : int
        Number of risk classes (five get labels and a traffic-light grade).
    populated_breaks : bool
        Fit the relative classes on populated pixels only.

    Returns
    -------
    xarray.Dataset
        ``hazard`` [0, 1], ``hazard_class`` (1..5); with population also ``exposure``, ``vulnerability``,
        ``risk`` [0, 1], ``risk_class`` (absolute breaks), ``risk_class_relative`` and ``risk_grade``.
        Attrs: ``method``, ``scheme``, ``vulnerability_layers``, ``vulnerability_default``, ``quantity``
        and, with population, the Spearman correlations of :func:`component_correlations`.
    """
    w = _check_weights(method, weights)
    h = hazard_index(lst, thresholds, quantity=quantity)
    if not is_dask(h.data) and not np.isfinite(h.values).any():
        raise InputValueError(f"hazard ({quantity}) is all NaN (no finite pixel): nothing to assess")
    hc = hazard_classes(lst, thresholds, quantity=quantity)
    attrs = {"Conventions": "CF-1.8", "quantity": quantity, "hazard_scale": hc.attrs["scale"],
             "title": "Heat risk assessment (hazard x exposure x vulnerability)"}
    if population is None:
        ds = xr.Dataset({"hazard": h, "hazard_class": hc})
        ds.attrs.update(attrs, risk="not computed: no population given (hazard-only outputs)")
        return _with_crs(ds, lst)
    check_same_grid(lst, population, names=("lst", "population"))
    e = exposure_index(population)
    if vulnerability is not None and surface_proxies:
        raise InputValueError("give either a vulnerability layer or surface_proxies, not both")
    if surface_proxies:
        if quantity in SURFACE_QUANTITIES:
            raise InputValueError(
                f"surface proxies {sorted(surface_proxies)} as vulnerability would count heat twice: the hazard is "
                f"{quantity}, which the same surfaces drive. Give residents' attributes (vulnerability table) or an "
                "air-temperature hazard (quantity='air_temperature')"
            )
        v = surface_vulnerability(surface_proxies)
        v.attrs["scale"] = "surface proxy (relative)"
        v.attrs["vulnerability_default"] = 0
    elif vulnerability is not None:
        if not isinstance(vulnerability, xr.DataArray):
            raise InputValueError(f"vulnerability must be an xarray.DataArray, got {type(vulnerability).__name__}")
        check_same_grid(lst, vulnerability, names=("lst", "vulnerability"))
        v = vulnerability
        vals = np.asarray(v.values, dtype=np.float64)
        fin = vals[np.isfinite(vals)]
        if fin.size and (fin.min() < 0 or fin.max() > 1):
            raise InputValueError(f"vulnerability spans [{fin.min():.4g}, {fin.max():.4g}]; expected values in [0, 1]")
    else:
        v = uniform_vulnerability(h)
    v = v.astype(np.float32)
    risk = apply_pointwise(combine, h, e, v, kwargs={"method": method, "weights": w})
    risk = set_cf(risk, name="risk", units="1", long_name="heat risk index (hazard x exposure x vulnerability)",
                  method=method, weights=np.array(w) if method == "weighted" else None, normalise="absolute",
                  framework="IPCC AR5 risk = f(hazard, exposure, vulnerability); Estoque et al. 2020 doi:10.1038/s41467-020-15218-8")
    breaks = class_breaks(risk, "absolute", n_classes)
    risk_class = classify(risk, "absolute", n_classes)
    risk_class.attrs["long_name"] = "heat risk class (absolute: fixed breaks on the [0, 1] risk scale)"
    populated = (population > 0) if populated_breaks else None
    fit_on = risk if populated is None else risk.where(populated)
    correlations = None
    if is_dask(risk.data) and risk.ndim == 2 and relative_scheme in ("quantile", "natural"):
        # larger-than-memory rasters: one pass over the lazy graph (files read, components and risk computed
        # once) gives both the finite counts behind the relative breaks and the correlations' grid sample
        import dask

        layers = {"risk": risk, "hazard": h, "exposure": e, "vulnerability": v, "population": population}
        counts, *samples = dask.compute(_FiniteValues.finite_counts(fit_on.data), *_grid_sample(layers).values())
        rel_breaks = _breaks_of(_FiniteValues(fit_on.data, counts), relative_scheme, n_classes,
                               sample_size=BREAKS_SAMPLE, seed=0)  # classify's defaults
        relative = classify(risk, relative_scheme, n_classes, breaks=rel_breaks)
        correlations = _spearman(dict(zip(layers, samples)), with_population=True)
    else:
        relative = classify(risk, relative_scheme, n_classes, where=populated)
    relative = relative.rename("risk_class_relative")
    relative.attrs["long_name"] = (f"heat risk class, RELATIVE ({relative_scheme} breaks over "
                                   f"{'populated pixels' if populated_breaks else 'the frame'} of this scene)")
    data = {"hazard": h, "hazard_class": hc, "exposure": e, "vulnerability": v, "risk": risk, "risk_class": risk_class,
            "risk_class_relative": relative}
    if n_classes == 5:
        data["risk_grade"] = traffic_light(risk_class)
    ds = xr.Dataset(data)
    ds.attrs.update(
        attrs, method=method, scheme="absolute", relative_scheme=relative_scheme, class_breaks=breaks,
        vulnerability_layers=v.attrs.get("vulnerability_layers", ""),
        vulnerability_default=int(v.attrs.get("vulnerability_default", 0)),
        vulnerability_scale=str(v.attrs.get("scale", "")),
    )
    if correlations is None:
        correlations = component_correlations(ds, population)
    ds.attrs.update({f"spearman_risk_{k}": (np.nan if r is None else r) for k, r in correlations.items()})
    return _with_crs(ds, lst)


def _with_crs(ds: xr.Dataset, like: xr.DataArray) -> xr.Dataset:
    crs = like.rio.crs
    return ds.rio.write_crs(crs) if crs is not None else ds


#: Pixels behind the Spearman correlations of dask-backed (larger-than-memory) rasters: a regular grid sample.
CORRELATION_SAMPLE = 2**20


def component_correlations(ds: xr.Dataset, population: xr.DataArray | None = None) -> dict[str, float | None]:
    """Spearman rank correlation of ``risk`` with each component (and population) over populated pixels.

    A correlation near 1 means the risk ranking is that component's ranking (e.g. risk ~ population);
    a constant component (the uniform vulnerability default) gives None. Dask-backed layers (rasters larger
    than memory) are read on a regular grid of about ``CORRELATION_SAMPLE`` pixels (every ``k``-th row and
    column), so the figure is a sample estimate there; numpy layers use every pixel.
    """
    arrays = {k: ds[k] for k in ("risk", "hazard", "exposure", "vulnerability")}
    if population is not None:
        arrays["population"] = population
    if any(is_dask(a.data) for a in arrays.values()):
        # larger-than-memory rasters: a regular grid sample of ~CORRELATION_SAMPLE pixels, all layers in one pass
        import dask

        sample = _grid_sample(arrays)
        values = dict(zip(sample, dask.compute(*sample.values())))
    else:
        values = {k: a.values for k, a in arrays.items()}
    return _spearman(values, with_population=population is not None)


def _grid_sample(arrays: dict) -> dict:
    """Every ``k``-th row and column of each (lazy) layer, ``k`` chosen for about ``CORRELATION_SAMPLE`` pixels."""
    ny, nx = arrays["risk"].shape
    step = max(1, int(np.ceil(np.sqrt(ny * nx / CORRELATION_SAMPLE))))
    return {k: a.data[::step, ::step] for k, a in arrays.items()}


def _spearman(values: dict, *, with_population: bool) -> dict[str, float | None]:
    """Spearman correlation of ``values["risk"]`` with each component (and population) over populated pixels."""
    from scipy.stats import spearmanr

    flat = {k: np.asarray(v, dtype=np.float64).ravel() for k, v in values.items()}
    population = flat.get("population") if with_population else None
    r = flat["risk"]
    ok = np.isfinite(r)
    if population is not None:
        p = flat["population"]
        ok &= np.isfinite(p) & (p > 0)
    layers = {k: flat[k] for k in ("hazard", "exposure", "vulnerability")}
    if population is not None:
        layers["population"] = p
    for x in layers.values():
        ok &= np.isfinite(x)
    out = {}
    for k, x in layers.items():
        a, b = r[ok], x[ok]
        if a.size < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
            out[k] = None
        else:
            out[k] = float(spearmanr(a, b).statistic)
    return out
