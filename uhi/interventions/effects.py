"""What a measure does: edits of the cooling-model parameters, surface cooling, hyper-local air cooling.

* ``"neighbourhood"`` measures edit the per-pixel parameters in proportion to the treated share ``f``
  of each pixel and then act through the cooling model's kernels (:func:`apply_intervention`):

  .. math::

      p' = p + f\\,(t - p) \\;\\; (\\text{set}), \\qquad p' = p + f\\,v \\;\\; (\\text{add}), \\qquad
      p' = p + f\\,\\max(0, v - p) \\;\\; (\\text{max});

* ``"local"`` (hyper-local) measures -- misting, fountains, green walls -- never enter the
  district-scale model: each unit cools the air by ``local_air_cooling_k`` over its footprint
  (:func:`local_air_cooling`).
"""

from __future__ import annotations

import math

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from .._backend import apply_pointwise, pixel_size_m, set_cf
from ..cooling.biophysical import PARAMETERS
from ..errors import InputValueError
from .catalogue import UNIT_INTERVAL, Intervention

__all__ = ["apply_intervention", "footprint_kernel", "local_air_cooling", "surface_cooling"]


def _change(p, f, *, mode, value, lo, hi):
    p = np.asarray(p, dtype=np.float32)
    f = np.nan_to_num(np.asarray(f, dtype=np.float32), nan=0.0)
    v = np.float32(value)
    if mode == "set":
        out = p + f * (v - p)
    elif mode == "add":
        out = p + f * v
    else:  # "max"
        out = p + f * np.maximum(v - p, np.float32(0.0))
    return np.clip(out, lo, hi).astype(np.float32)


def apply_intervention(params: xr.Dataset, intervention: Intervention, treated_fraction) -> xr.Dataset:
    """Edit cooling-model parameters on the treated share of each pixel.

    Parameters
    ----------
    params : xarray.Dataset
        ``shade, albedo, kc, green_area, building_intensity`` (:func:`uhi.cooling.parameters_from_landcover`).
    intervention : Intervention
        A ``"neighbourhood"`` catalogue entry (``"local"`` ones do not touch the model: ValueError).
    treated_fraction : xarray.DataArray or float
        Treated share ``f`` of each pixel in [0, 1] (NaN counts as 0).

    Returns
    -------
    xarray.Dataset
        New parameters: ``p + f·(t - p)`` for ``set``, ``p + f·v`` for ``add``, ``p + f·max(0, v - p)``
        for ``max``; shade, albedo, building intensity and green area clipped to [0, 1], kc to >= 0.
        Pixels with ``f = 0`` are unchanged.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from uhi.interventions import load_catalogue
    >>> cat = load_catalogue()
    >>> p = xr.Dataset({k: xr.DataArray(np.full((1, 3), 0.1, np.float32), dims=("y", "x"))
    ...                 for k in ("shade", "albedo", "kc", "green_area", "building_intensity")})
    >>> f = xr.DataArray(np.array([[0.0, 0.5, 1.0]]), dims=("y", "x"))
    >>> apply_intervention(p, cat["cool_roof"], f)["albedo"].values.astype(float).round(3).tolist()  # 0.1 -> 0.6
    [[0.1, 0.35, 0.6]]
    """
    if intervention.is_local:
        raise InputValueError(
            f"{intervention.key!r} is a hyper-local measure (scale 'local'); it does not enter the cooling model -- "
            "use local_air_cooling()"
        )
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputValueError(f"params lacks variable(s) {missing}; build it with uhi.cooling.parameters_from_landcover()")
    if not isinstance(treated_fraction, xr.DataArray):
        treated_fraction = xr.full_like(params["shade"], float(treated_fraction))
    fmax = float(np.nanmax(np.asarray(treated_fraction.values))) if treated_fraction.size else 0.0
    fmin = float(np.nanmin(np.asarray(treated_fraction.values))) if treated_fraction.size else 0.0
    if fmin < -1e-6 or fmax > 1 + 1e-6:
        raise InputValueError(f"treated_fraction must be within [0, 1], got [{fmin:.4g}, {fmax:.4g}]")
    out = params.copy()
    for name, (mode, value) in intervention.parameter_changes.items():
        lo, hi = (0.0, 1.0) if name in UNIT_INTERVAL else (0.0, np.inf)
        new = apply_pointwise(_change, params[name], treated_fraction,
                              kwargs={"mode": mode, "value": value, "lo": lo, "hi": hi})
        new = new.where(params[name].notnull())
        new.attrs = dict(params[name].attrs, intervention=intervention.key)
        out[name] = new
    return out


def surface_cooling(intervention: Intervention, treated_fraction) -> xr.DataArray:
    """Surface temperature change ΔLST = ``lst_change_k`` · f [K] (<= 0) of the treated share f.

    Local measures have ``lst_change_k = 0`` in the shipped catalogue (their surfaces are below a
    30 m Landsat pixel or vertical), so they return zeros.
    """
    f = treated_fraction if isinstance(treated_fraction, xr.DataArray) else xr.DataArray(np.float32(treated_fraction))
    out = (np.float32(intervention.lst_change_k) * f.fillna(0.0)).astype(np.float32)
    if isinstance(treated_fraction, xr.DataArray):
        out = out.where(treated_fraction.notnull())
    return set_cf(out, name="delta_lst", units="K", long_name=f"land surface temperature change ({intervention.key})",
                  source=intervention.lst_source)


def footprint_kernel(intervention: Intervention, cell_m: float, *, subsamples: int = 16) -> np.ndarray:
    """Cooled area [m²] per unit in each pixel around the unit's host pixel (odd square array).

    A disc of ``local_radius_m`` centred on the host pixel centre, its overlap with each pixel
    measured on a ``subsamples``² grid of points, scaled so the kernel sums to ``footprint_m2``.
    """
    r_px = intervention.local_radius_m / cell_m
    half = math.ceil(r_px - 0.5) if r_px > 0.5 else 0
    n = 2 * half + 1
    offsets = (np.arange(subsamples) + 0.5) / subsamples - 0.5
    sy, sx = np.meshgrid(offsets, offsets, indexing="ij")
    k = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            d2 = (i - half + sy) ** 2 + (j - half + sx) ** 2
            k[i, j] = np.mean(d2 <= r_px**2)
    if k.sum() == 0:  # radius far below the sampling step: everything in the host pixel
        k[half, half] = 1.0
    return (k / k.sum() * intervention.footprint_m2).astype(np.float64)


def local_air_cooling(intervention: Intervention, units_per_pixel: xr.DataArray) -> xr.DataArray:
    """Pixel-mean air temperature change [K] (<= 0) of a hyper-local measure.

    Each unit cools the air by ``local_air_cooling_k`` over its footprint (``footprint_m2``, a disc of
    ``local_radius_m`` around the host pixel centre, :func:`footprint_kernel`). A pixel's change is
    ``-k · min(1, cooled_area / pixel_area)``: the area-weighted mean over the pixel, never more than
    the at-device cooling, zero outside the discs.

    Parameters
    ----------
    units_per_pixel : xarray.DataArray
        Units (devices, m² of wall) placed in each pixel, on a projected grid.
    """
    if not intervention.is_local:
        raise InputValueError(f"{intervention.key!r} is a neighbourhood measure; use apply_intervention()")
    from scipy.ndimage import convolve

    cell = pixel_size_m(units_per_pixel, "local_air_cooling")
    kernel = footprint_kernel(intervention, cell)
    units = np.nan_to_num(np.asarray(units_per_pixel.values, dtype=np.float64), nan=0.0)
    cooled = convolve(units, kernel, mode="constant", cval=0.0)
    delta = -intervention.local_air_cooling_k * np.minimum(1.0, cooled / cell**2)
    delta[np.abs(delta) < 1e-12] = 0.0
    out = xr.DataArray(delta.astype(np.float32), coords=units_per_pixel.coords, dims=units_per_pixel.dims)
    if units_per_pixel.rio.crs is not None:
        out = out.rio.write_crs(units_per_pixel.rio.crs)
    return set_cf(out, name="delta_t_air_local", units="K",
                  long_name=f"pixel-mean air temperature change, hyper-local {intervention.key}",
                  local_radius_m=intervention.local_radius_m, local_air_cooling_k=intervention.local_air_cooling_k)
