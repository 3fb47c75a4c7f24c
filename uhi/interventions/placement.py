"""Where a measure may go: the share of each pixel available to a placement (roof, street, open space, water)."""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr

from .._backend import apply_pointwise, set_cf
from ..errors import InputValueError
from .catalogue import PLACEMENTS, placement_shares

__all__ = ["placement_fraction"]


def _lookup(codes, lut_codes, lut_values):
    c = np.asarray(codes, dtype=np.float64)
    out = np.full(c.shape, np.nan, dtype=np.float32)
    ok = np.isfinite(c)
    idx = np.searchsorted(lut_codes, c[ok])
    idx = np.clip(idx, 0, len(lut_codes) - 1)
    hit = lut_codes[idx] == c[ok]
    vals = np.where(hit, lut_values[idx], np.float32(0.0))
    out[ok] = vals
    return out


def placement_fraction(landcover: xr.DataArray, placement, table=None) -> xr.DataArray:
    """Share (0..1) of each pixel available to a placement or several (summed, capped at 1).

    Parameters
    ----------
    landcover : xarray.DataArray
        Land-cover codes (``data/landcover.csv`` legend unless ``table`` says otherwise).
    placement : str or sequence of str
        ``"roof"``, ``"street"``, ``"open_space"``, ``"water"``.
    table : DataFrame, optional
        Shares per ``lucode`` (:func:`placement_shares`; default the shipped catalogue's).

    Raises
    ------
    InputValueError
        Unknown placement, or land-cover codes absent from the table (listed).
    """
    places = (placement,) if isinstance(placement, str) else tuple(placement)
    bad = [p for p in places if p not in PLACEMENTS]
    if bad or not places:
        raise InputValueError(f"placement must be among {PLACEMENTS}, got {placement!r}")
    tab = placement_shares() if table is None else table
    values = np.asarray(landcover.values, dtype=np.float64)
    nodata = landcover.rio.nodata if hasattr(landcover, "rio") else None
    valid = np.isfinite(values)
    if nodata is not None and np.isfinite(nodata):
        valid &= values != nodata
    codes = np.unique(values[valid])
    missing = sorted(int(c) for c in codes if int(c) not in tab.index)
    if missing:
        raise InputValueError(
            f"land-cover code(s) {missing} have no placement shares (table has {sorted(tab.index.tolist())}); "
            "add them under [placement_shares] in your catalogue"
        )
    share = tab[list(places)].sum(axis=1).clip(upper=1.0)
    lut_codes = share.index.to_numpy(dtype=np.float64)
    lut_values = share.to_numpy(dtype=np.float32)
    masked = landcover.where(xr.DataArray(valid, dims=landcover.dims, coords={d: landcover[d] for d in landcover.dims}))
    out = apply_pointwise(_lookup, masked, kwargs={"lut_codes": lut_codes, "lut_values": lut_values})
    return set_cf(out, name="placement_fraction", units="1", long_name=f"share of pixel available for {'+'.join(places)}",
                  placement=" ".join(places))
