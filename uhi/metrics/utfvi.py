r"""Urban Thermal Field Variance Index (UTFVI), its ecological classes, and 5-class thermal zones.

UTFVI (Liu & Zhang 2011, doi:10.3390/rs3071535)
----------------------
.. math::

    \mathrm{UTFVI} = \frac{T_s - T_{mean}}{T_s}

with :math:`T_s` the LST of the pixel and :math:`T_{mean}` the mean LST of the scene, both in
kelvin. This is the form of Liu & Zhang (2011), "Urban heat island analysis using the Landsat TM
data and ASTER data: a case study in Hong Kong", Remote Sensing 3(7):1535-1552,
doi:10.3390/rs3071535, who cite Zhang et al. (2006) for the index and its six-level ecological
evaluation table. The primary text could not be retrieved from the project's corpus (its formula is
unverified against the paper); the ``/T_s`` form is the one attributed to Liu & Zhang and the one
most published uses reproduce. A GEE script found in the corpus (ULebbie/EO-Based-Urban-Thermal-
Dynamics, script_02) divides by :math:`T_{mean}` instead [utfvi-gee-script]; in kelvin the two differ by the
factor :math:`T_{mean}/T_s` (within +-5 % for a 30 K LST spread around 300 K), so the class edges
below shift by at most a few 1e-4. ``denominator="mean"`` gives that variant for comparison.

Ecological evaluation classes (Zhang et al. 2006; Liu & Zhang 2011, as commonly tabulated;
left-closed intervals, the last one open):

===== ================ ============== =====================
class UTFVI            UHI phenomenon ecological evaluation
===== ================ ============== =====================
1     < 0              none           excellent
2     [0, 0.005)       weak           good
3     [0.005, 0.010)   middle         normal
4     [0.010, 0.015)   strong         bad
5     [0.015, 0.020)   stronger       worse
6     >= 0.020         strongest      worst
===== ================ ============== =====================

Thermal zones (Sci. Rep. 2026, doi:10.1038/s41598-026-39813-9, Table 4)
------------------------------
Five zones by the scene mean :math:`\mu` and standard deviation :math:`\sigma` (Sci. Rep. 2026,
doi:10.1038/s41598-026-39813-9, Table 4 [scirep2026-bluegreen]): low ``T < mu - k2 sigma``, sub-middle
``mu - k2 sigma <= T < mu - k1 sigma``, middle ``|T - mu| <= k1 sigma``, sub-high
``mu + k1 sigma < T <= mu + k2 sigma``, high ``T > mu + k2 sigma`` with ``(k1, k2) = (0.5, 1.0)``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._backend import apply_pointwise, is_dask, set_cf
from ..errors import InputValueError
from ._common import lst_kelvin, require_2d
from ._kernels import utfvi_kernel

__all__ = [
    "utfvi",
    "utfvi_classes",
    "thermal_zones",
    "normalise_lst",
    "UTFVI_BREAKS",
    "UTFVI_CLASSES",
    "THERMAL_ZONES",
]

#: Class edges of the six-level UTFVI ecological evaluation (Zhang et al. 2006 via Liu & Zhang 2011;
#: doi:10.3390/rs3071535; Zhang et al. 2006 itself not retrieved -- the commonly cited table).
UTFVI_BREAKS = (0.0, 0.005, 0.010, 0.015, 0.020)
#: (code, UHI phenomenon, ecological evaluation) of the six classes.
UTFVI_CLASSES = (
    (1, "none", "excellent"),
    (2, "weak", "good"),
    (3, "middle", "normal"),
    (4, "strong", "bad"),
    (5, "stronger", "worse"),
    (6, "strongest", "worst"),
)
#: (code, name) of the five thermal zones, coolest first (Sci. Rep. 2026, doi:10.1038/s41598-026-39813-9, Table 4).
THERMAL_ZONES = ((1, "low"), (2, "sub_middle"), (3, "middle"), (4, "sub_high"), (5, "high"))


def _scene_mean_std(da: xr.DataArray) -> tuple[float, float]:
    data = da.data
    if is_dask(data):
        import dask

        mean, std = dask.compute(np.nanmean(data.astype(np.float64)), np.nanstd(data.astype(np.float64)))
        return float(mean), float(std)
    v = np.asarray(data, dtype=np.float64)
    if not np.isfinite(v).any():
        return np.nan, np.nan
    return float(np.nanmean(v)), float(np.nanstd(v))


def _require_values(mean: float, name: str) -> None:
    if not np.isfinite(mean):
        raise InputValueError(f"{name} has no finite pixel (all NaN); nothing to compute")


def _utfvi_array(lst_k: np.ndarray, lst_mean: float) -> np.ndarray:
    """Array layer of :func:`utfvi`: ``(T - T_mean) / T`` via the Numba ufunc (float64 arithmetic), as float32."""
    return np.asarray(utfvi_kernel(np.asarray(lst_k, dtype=np.float32), float(lst_mean))).astype(np.float32, copy=False)


def utfvi(lst: xr.DataArray, *, denominator: str = "pixel") -> xr.DataArray:
    """Urban Thermal Field Variance Index ``(T_s - T_mean) / T_s`` [1].

    Parameters
    ----------
    lst : xarray.DataArray
        Land surface temperature [K] (data whose ``units`` attr says ``degC`` is converted).
        ``T_mean`` is the mean over the finite pixels of ``lst``: clip it to the study area first.
    denominator : {"pixel", "mean"}
        ``"pixel"`` divides by ``T_s`` (Liu & Zhang 2011, default); ``"mean"`` by ``T_mean``
        (the GEE-script variant [utfvi-gee-script]).

    Returns
    -------
    xarray.DataArray
        float32 UTFVI [1] with ``lst_mean`` [K] and ``formula`` in attrs; lazy for dask input.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> t = xr.DataArray(np.array([[300.0, 310.0]], dtype="float32"), dims=("y", "x"), attrs={"units": "K"})
    >>> [round(float(v), 6) for v in utfvi(t).values.ravel()]  # (300-305)/300, (310-305)/310
    [-0.016667, 0.016129]
    """
    lst = lst_kelvin(lst)
    mean, _ = _scene_mean_std(lst)
    _require_values(mean, "lst")
    if denominator == "pixel":
        out = apply_pointwise(_utfvi_array, lst.astype(np.float32), kwargs={"lst_mean": mean})
        formula = "(T_s - T_mean) / T_s (Liu & Zhang 2011, doi:10.3390/rs3071535)"
    elif denominator == "mean":
        out = apply_pointwise(lambda t: ((t - mean) / mean).astype(np.float32), lst.astype(np.float32))
        formula = "(T_s - T_mean) / T_mean (GEE-script variant [utfvi-gee-script])"
    else:
        raise InputValueError(f"denominator must be 'pixel' or 'mean', got {denominator!r}")
    return set_cf(out, name="utfvi", units="1", long_name="urban thermal field variance index", lst_mean=mean, formula=formula)


def _digitize_classes(values, breaks, right: bool):
    v = np.asarray(values)
    if v.dtype.kind != "f":
        v = v.astype(np.float64)
    breaks = np.asarray(breaks, dtype=v.dtype)  # compare in the data's precision: float32 0.005 is class 3
    out = (np.digitize(v, breaks, right=right) + 1).astype(np.uint8)
    out[~np.isfinite(v)] = 0
    return out


def utfvi_classes(utfvi_da: xr.DataArray) -> xr.DataArray:
    """Six ecological-evaluation classes of UTFVI (1 = none/excellent ... 6 = strongest/worst; 0 = no data).

    Edges :data:`UTFVI_BREAKS` with left-closed intervals (``0.005`` is class 3). CF
    ``flag_values`` / ``flag_meanings`` name the ecological evaluation, ``uhi_phenomenon`` the
    UHI strength of each class.
    """
    require_2d(utfvi_da, "utfvi")
    out = apply_pointwise(_digitize_classes, utfvi_da, dtype=np.uint8, kwargs={"breaks": np.array(UTFVI_BREAKS), "right": False})
    out = set_cf(out, name="utfvi_class", units="1", long_name="UTFVI ecological evaluation class")
    out.attrs.update(
        flag_values=np.array([c for c, _, _ in UTFVI_CLASSES], dtype=np.uint8),
        flag_meanings=" ".join(e for _, _, e in UTFVI_CLASSES),
        uhi_phenomenon=" ".join(p for _, p, _ in UTFVI_CLASSES),
        class_breaks=np.array(UTFVI_BREAKS),
        _FillValue=np.uint8(0),
        source="Zhang et al. 2006; Liu & Zhang 2011, Remote Sens. 3:1535, doi:10.3390/rs3071535",
    )
    return out


def _zones(values, mean, std, k1, k2):
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, 3, dtype=np.uint8)  # middle: mu - k1 s <= T <= mu + k1 s
    out[v < mean - k1 * std] = 2
    out[v < mean - k2 * std] = 1
    out[v > mean + k1 * std] = 4
    out[v > mean + k2 * std] = 5
    out[~np.isfinite(v)] = 0
    return out


def thermal_zones(lst: xr.DataArray, k: tuple[float, float] = (0.5, 1.0)) -> xr.DataArray:
    """Five thermal zones by the scene mean +- ``k`` standard deviations (Sci. Rep. 2026, doi:10.1038/s41598-026-39813-9, Table 4).

    Parameters
    ----------
    lst : xarray.DataArray
        LST [K] (or any temperature; the zoning is invariant to an offset).
    k : (k1, k2), default (0.5, 1.0)
        Multiples of the standard deviation, ``0 < k1 < k2`` ([scirep2026-bluegreen] Table 4 uses 0.5 and 1).

    Returns
    -------
    xarray.DataArray
        uint8 zones 1 low, 2 sub-middle, 3 middle, 4 sub-high, 5 high (0 = no data), with
        ``flag_values`` / ``flag_meanings`` and the ``lst_mean`` / ``lst_std`` used.
    """
    require_2d(lst, "lst")
    k1, k2 = (float(v) for v in k)
    if not 0.0 < k1 < k2:
        raise InputValueError(f"k must be (k1, k2) with 0 < k1 < k2, got {k}")
    mean, std = _scene_mean_std(lst)
    _require_values(mean, "lst")
    out = apply_pointwise(_zones, lst, dtype=np.uint8, kwargs={"mean": mean, "std": std, "k1": k1, "k2": k2})
    out = set_cf(out, name="thermal_zone", units="1", long_name="thermal zone by mean +- k std", lst_mean=mean, lst_std=std)
    out.attrs.update(
        flag_values=np.array([c for c, _ in THERMAL_ZONES], dtype=np.uint8),
        flag_meanings=" ".join(n for _, n in THERMAL_ZONES),
        k=np.array([k1, k2]),
        _FillValue=np.uint8(0),
        source="Sci. Rep. 2026, doi:10.1038/s41598-026-39813-9, Table 4",
    )
    return out


def normalise_lst(lst: xr.DataArray, method: str = "minmax") -> xr.DataArray:
    """LST rescaled by ``(T - T_min)/(T_max - T_min)`` (``"minmax"``) or ``(T - mu)/sigma`` (``"zscore"``) (standard min-max and z-score normalisation)."""
    require_2d(lst, "lst")
    mean, std = _scene_mean_std(lst)
    _require_values(mean, "lst")
    if method == "minmax":
        lo, hi = float(lst.min(skipna=True)), float(lst.max(skipna=True))
        if hi <= lo:
            raise InputValueError("lst is constant; min-max normalisation is undefined")
        out = apply_pointwise(lambda t: ((t - lo) / (hi - lo)).astype(np.float32), lst)
        return set_cf(out, name="lst_norm", units="1", long_name="min-max normalised LST", lst_min=lo, lst_max=hi)
    if method == "zscore":
        if not std > 0:
            raise InputValueError("lst is constant; z-scores are undefined")
        out = apply_pointwise(lambda t: ((t - mean) / std).astype(np.float32), lst)
        return set_cf(out, name="lst_z", units="1", long_name="standardised LST", lst_mean=mean, lst_std=std)
    raise InputValueError(f"method must be 'minmax' or 'zscore', got {method!r}")
