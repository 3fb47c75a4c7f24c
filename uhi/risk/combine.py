r"""Heat risk from hazard, exposure and vulnerability; risk classes and traffic-light grades.

Aggregation (IPCC AR5 WGII 2014; Estoque et al. 2020, doi:10.1038/s41467-020-15218-8; the concrete formula is "[U]" in the literature, these are the three
variants the reference recommends offering, with the one used recorded in ``attrs["method"]``):

.. math::

    R_{product} = H E V, \qquad R_{geometric} = (H E V)^{1/3}, \qquad
    R_{weighted} = w_H H + w_E E + w_V V \quad (w_H + w_E + w_V = 1)

on components normalised to [0, 1]. Weights that do not sum to 1 (within 1e-6) are refused
with :class:`~uhi.errors.InputValueError` rather than silently renormalised.

Classes (Estoque et al. 2020, doi:10.1038/s41467-020-15218-8): ``absolute`` (fixed breaks 0.2, 0.4, 0.6, 0.8
of the [0, 1] scale, comparable between scenes), and the relative schemes ``quantile``, ``natural`` (Jenks, via ``mapclassify.FisherJenks`` -- the
optimal Jenks breaks -- fitted on a seeded sample of at most ``sample_size`` pixels), ``equal``
(equal intervals) and ``stddev`` (mean +- 0.5 and 1 standard deviation, the five-zone scheme of
[scirep2026-bluegreen]), labelled very_low, low, moderate, high, very_high for five classes.

Traffic-light grade (in the spirit of the Be Ready self-assessment tools' traffic-light grading,
Be Ready project, be-uhi-ready.net [be-ready]; the mapping is ours): very low / low -> green, moderate -> amber,
high / very high -> red.
"""

from __future__ import annotations

import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor used for CRS checks)
import xarray as xr

from .._backend import apply_pointwise, check_same_grid, is_dask, set_cf
from ..errors import InputValueError
from ._kernels import METHODS, combine_kernel
from .components import DEFAULT_PERCENTILES, normalise

__all__ = [
    "HIGH_RISK_CLASSES",
    "RISK_LABELS",
    "SCHEMES",
    "TRAFFIC_LIGHT",
    "class_breaks",
    "classify",
    "combine",
    "heat_risk",
    "traffic_light",
]

#: Labels of five risk classes, lowest first (Estoque et al. 2020, doi:10.1038/s41467-020-15218-8).
RISK_LABELS = ("very_low", "low", "moderate", "high", "very_high")
#: Risk classes counted as "high risk" in every headline (4 = high, 5 = very high of the five classes).
HIGH_RISK_CLASSES = (4, 5)
#: Traffic-light grade (1 green, 2 amber, 3 red) of each of the five classes.
TRAFFIC_LIGHT = {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}
TRAFFIC_LIGHT_MEANINGS = "green amber red"
#: Pixels of the seeded random sample behind quantile and natural breaks (:func:`class_breaks`).
BREAKS_SAMPLE = 100_000
SCHEMES = ("absolute", "quantile", "natural", "equal", "stddev")
#: Multiples of the standard deviation of the ``stddev`` scheme (Sci. Rep. 2026, doi:10.1038/s41598-026-39813-9, Table 4).
STDDEV_MULTIPLES = (-1.0, -0.5, 0.5, 1.0)


def combine(h: np.ndarray, e: np.ndarray, v: np.ndarray, method: str = "product", weights=(1 / 3, 1 / 3, 1 / 3)) -> np.ndarray:
    """Array layer: combine normalised components of one shape with the Numba kernel (float32)."""
    h32, e32, v32 = (np.ascontiguousarray(a, dtype=np.float32) for a in (h, e, v))
    out = np.empty(h32.size, dtype=np.float32)
    wh, we, wv = (np.float32(w) for w in weights)
    combine_kernel(h32.ravel(), e32.ravel(), v32.ravel(), METHODS[method], wh, we, wv, out)
    return out.reshape(h32.shape)


def _check_weights(method: str, weights) -> tuple[float, float, float]:
    if method not in METHODS:
        raise InputValueError(f"method must be one of {tuple(METHODS)}, got {method!r}")
    if weights is None:
        return (1 / 3, 1 / 3, 1 / 3)
    if method != "weighted":
        raise InputValueError(f"weights are only used by method='weighted', not {method!r}")
    try:
        w = tuple(float(x) for x in weights)
    except (TypeError, ValueError):
        raise InputValueError(f"weights must be three numbers (hazard, exposure, vulnerability), got {weights!r}") from None
    if len(w) != 3 or any(not np.isfinite(x) or x < 0 for x in w):
        raise InputValueError(f"weights must be three non-negative numbers (hazard, exposure, vulnerability), got {weights!r}")
    if abs(sum(w) - 1.0) > 1e-6:
        raise InputValueError(f"weights {w} sum to {sum(w):.6g}, not 1; rescale them (they are not renormalised for you)")
    return w


def _in_unit_interval(da: xr.DataArray, name: str) -> None:
    if is_dask(da.data):
        return
    v = np.asarray(da.values)
    finite = v[np.isfinite(v)]
    if finite.size == 0:
        raise InputValueError(f"{name} is all NaN (no finite pixel)")
    if finite.min() < 0 or finite.max() > 1:
        raise InputValueError(f"{name} spans [{finite.min():.4g}, {finite.max():.4g}] but normalise=None needs values in [0, 1]")


def heat_risk(
    hazard: xr.DataArray,
    exposure: xr.DataArray,
    vulnerability: xr.DataArray,
    *,
    method: str = "product",
    weights=None,
    normalise: str | None = "minmax",
    percentiles: tuple[float, float] = DEFAULT_PERCENTILES,
) -> xr.DataArray:
    """Heat risk in [0, 1] from hazard, exposure and vulnerability (IPCC AR5 WGII 2014 framing; Estoque et al. 2020, doi:10.1038/s41467-020-15218-8).

    Parameters
    ----------
    hazard, exposure, vulnerability : xarray.DataArray
        Component layers on one grid (e.g. LST [K], population density [km-2], a vulnerability
        index [1]); each is normalised to [0, 1] first.
    method : {"product", "geometric", "weighted"}
        ``H E V``, ``(H E V)^(1/3)`` or ``wH H + wE E + wV V``.
    weights : (wH, wE, wV), optional
        Only for ``"weighted"`` (default equal thirds); must sum to 1.
    normalise : {"minmax", "percentile", None}
        How each component is scaled (:func:`uhi.risk.normalise`); None means the components are
        already in [0, 1] (checked).
    percentiles : (lo, hi)
        Bounds of ``normalise="percentile"`` [%].

    Returns
    -------
    xarray.DataArray
        float32 ``risk`` in [0, 1] (NaN where any component is NaN), attrs ``method``,
        ``weights``, ``normalise``.

    Raises
    ------
    uhi.errors.GridMismatchError
        Components on different grids.
    uhi.errors.InputValueError
        Bad weights or method, an all-NaN or constant component (named).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> h = xr.DataArray(np.array([[0.0, 0.5, 1.0]]), dims=("y", "x"))
    >>> heat_risk(h, h, h, normalise=None).values.round(4).tolist()  # 0, 0.5^3, 1
    [[0.0, 0.125, 1.0]]
    """
    w = _check_weights(method, weights)
    comps = {"hazard": hazard, "exposure": exposure, "vulnerability": vulnerability}
    for key, da in comps.items():
        if not isinstance(da, xr.DataArray):
            raise InputValueError(f"{key} must be an xarray.DataArray, got {type(da).__name__}")
    check_same_grid(hazard, exposure, vulnerability, names=tuple(comps))
    if normalise is None:
        for key, da in comps.items():
            _in_unit_interval(da, key)
        scaled = list(comps.values())
    else:
        scaled = [_normalise_component(da, key, normalise, percentiles) for key, da in comps.items()]
    out = apply_pointwise(combine, *scaled, kwargs={"method": method, "weights": w})
    return set_cf(
        out,
        name="risk",
        units="1",
        long_name="heat risk index (hazard x exposure x vulnerability)",
        method=method,
        weights=np.array(w) if method == "weighted" else None,
        normalise=str(normalise),
        framework="IPCC AR5 risk = f(hazard, exposure, vulnerability); Estoque et al. 2020 doi:10.1038/s41467-020-15218-8",
    )


def _normalise_component(da, key, method, percentiles):
    return normalise(da, method, percentiles=percentiles, name=key)


def class_breaks(risk: xr.DataArray, scheme: str = "quantile", n: int = 5, *, sample_size: int = BREAKS_SAMPLE, seed: int = 0) -> np.ndarray:
    """Upper class bounds (``n - 1`` inner breaks) of ``risk`` for ``scheme`` (Estoque et al. 2020, doi:10.1038/s41467-020-15218-8).

    ``quantile`` and ``natural`` are fitted on a seeded random sample of at most ``sample_size``
    finite pixels (``natural`` on at most 5,000: Fisher-Jenks is quadratic in the sample size).
    """
    if scheme not in SCHEMES:
        raise InputValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if int(n) != n or n < 2:
        raise InputValueError(f"n must be an integer >= 2, got {n!r}")
    n = int(n)
    if scheme == "stddev" and n != 5:
        raise InputValueError("scheme='stddev' has exactly 5 classes (mean +- 0.5 and 1 std); use n=5")
    if scheme == "absolute":  # fixed breaks on the [0, 1] risk scale: the same risk, the same class everywhere
        return np.linspace(0.0, 1.0, n + 1)[1:-1]
    data = risk.data if isinstance(risk, xr.DataArray) else risk
    return _breaks_of(_FiniteValues(data), scheme, n, sample_size=sample_size, seed=seed)


def _breaks_of(values: _FiniteValues, scheme: str, n: int, *, sample_size: int, seed: int) -> np.ndarray:
    """Relative class breaks of :func:`class_breaks` from the finite values of a raster (scheme and n checked)."""
    if values.size == 0:
        raise InputValueError("risk is all NaN (no finite pixel); nothing to classify")
    rng = np.random.default_rng(seed)
    if scheme == "quantile":
        s = values.sample(rng, sample_size)
        return np.quantile(s, np.arange(1, n) / n)
    if scheme == "equal":
        lo, hi = values.min_max()
        return np.linspace(lo, hi, n + 1)[1:-1]
    if scheme == "stddev":
        mean, std = values.mean_std()
        return mean + np.array(STDDEV_MULTIPLES) * std
    try:
        import mapclassify
    except ImportError:  # pragma: no cover - mapclassify is a dependency
        raise InputValueError("scheme='natural' (Jenks) needs mapclassify: pip install mapclassify") from None
    s = values.sample(rng, min(sample_size, 5000))
    if np.unique(s).size < n:
        raise InputValueError(f"risk has fewer than {n} distinct values in the sample; natural breaks are undefined")
    fj = mapclassify.FisherJenks(s, k=n)
    return np.asarray(fj.bins[:-1], dtype=np.float64)


class _FiniteValues:
    """The finite values of a raster in C order, without holding them all when the raster is dask-backed.

    A numpy raster is filtered once. A 2-D dask raster is visited chunk by chunk: one pass counts
    the finite pixels of every row within every chunk, and :meth:`sample` gathers only the sampled
    pixels, drawing the same indices as ``rng.choice(finite_values, k, replace=False)`` on the
    eager raster (``choice`` of an array takes the values at ``choice(len(array), k)``), so the
    lazy and eager class breaks are identical. Memory: one chunk per thread.
    """

    def __init__(self, data, counts: np.ndarray | None = None):
        self.lazy = is_dask(data) and data.ndim == 2
        if self.lazy:
            self.data = data
            if counts is None:  # or computed by the caller in one pass with other work (assess_risk)
                counts = self.finite_counts(data).compute()
            self.counts = np.asarray(counts, dtype=np.int64)  # (rows, column chunks)
            self.size = int(self.counts.sum())
        else:
            v = np.asarray(data, dtype=np.float64).ravel()
            self.values = v[np.isfinite(v)]
            self.size = self.values.size

    @staticmethod
    def finite_counts(data):
        """Lazy (rows, column chunks) counts of the finite pixels of every row within every chunk."""
        n_cols = len(data.chunks[1])
        return data.map_blocks(_finite_per_row, dtype=np.int64, chunks=(data.chunks[0], (1,) * n_cols))

    def sample(self, rng, k: int) -> np.ndarray:
        if not self.lazy:
            return self.values if self.size <= k else rng.choice(self.values, k, replace=False)
        import dask

        idx = np.arange(self.size) if self.size <= k else rng.choice(self.size, k, replace=False)
        row_counts = self.counts.sum(axis=1)
        row_starts = np.concatenate([[0], np.cumsum(row_counts)])
        row = np.searchsorted(row_starts, idx, side="right") - 1
        k_in_row = idx - row_starts[row]
        col_starts = np.concatenate([np.zeros((len(row_counts), 1), np.int64), np.cumsum(self.counts, axis=1)[:, :-1]], axis=1)
        starts = col_starts[row]  # (samples, column chunks)
        col_chunk = (k_in_row[:, None] >= starts).sum(axis=1) - 1
        k_in_chunk = k_in_row - starts[np.arange(len(idx)), col_chunk]
        y_edges = np.concatenate([[0], np.cumsum(self.data.chunks[0])])
        row_chunk = np.searchsorted(y_edges, row, side="right") - 1
        blocks = self.data.to_delayed()
        tasks, where = [], []
        for bi, bj in sorted(set(zip(row_chunk.tolist(), col_chunk.tolist()))):
            sel = np.flatnonzero((row_chunk == bi) & (col_chunk == bj))
            tasks.append(dask.delayed(_take_finite)(blocks[bi, bj], row[sel] - y_edges[bi], k_in_chunk[sel]))
            where.append(sel)
        out = np.empty(len(idx))
        for sel, values in zip(where, dask.compute(*tasks)):
            out[sel] = values
        return out

    def min_max(self) -> tuple[float, float]:
        if not self.lazy:
            return float(self.values.min()), float(self.values.max())
        import dask

        d = self.data.astype(np.float64)
        d = np.where(np.isfinite(d), d, np.nan)
        lo, hi = dask.compute(np.nanmin(d), np.nanmax(d))
        return float(lo), float(hi)

    def mean_std(self) -> tuple[float, float]:
        if not self.lazy:
            return float(self.values.mean()), float(self.values.std())
        import dask

        d = self.data.astype(np.float64)
        d = np.where(np.isfinite(d), d, np.nan)
        mean, std = dask.compute(np.nanmean(d), np.nanstd(d))
        return float(mean), float(std)


def _finite_per_row(block) -> np.ndarray:
    return np.isfinite(np.asarray(block, dtype=np.float64)).sum(axis=1, keepdims=True).astype(np.int64)


def _take_finite(block, rows, k) -> np.ndarray:
    """Values of the ``k[i]``-th finite pixel of row ``rows[i]`` of ``block``."""
    block = np.asarray(block, dtype=np.float64)
    out = np.empty(len(rows))
    for r in np.unique(rows):
        these = rows == r
        line = block[r]
        out[these] = line[np.isfinite(line)][k[these]]
    return out


def _digitize(values, breaks):
    v = np.asarray(values, dtype=np.float64)
    out = (np.searchsorted(breaks, v, side="left") + 1).astype(np.uint8)  # upper bounds inclusive
    out[~np.isfinite(v)] = 0
    return out


def classify(risk: xr.DataArray, scheme: str = "quantile", n: int = 5, *, sample_size: int = BREAKS_SAMPLE, seed: int = 0,
             where: xr.DataArray | None = None, breaks=None) -> xr.DataArray:
    """Ordinal risk classes 1..n (0 = no data) by ``quantile``, ``natural`` (Jenks), ``equal`` or ``stddev`` breaks.

    Class ``k`` holds ``breaks[k-2] < risk <= breaks[k-1]`` (upper bounds inclusive, like
    mapclassify). Five classes are labelled :data:`RISK_LABELS`; other counts ``class_1..class_n``.
    CF attrs: ``flag_values``, ``flag_meanings``, plus ``class_breaks`` and ``scheme``.
    ``where`` (boolean, same grid) restricts the pixels the breaks are fitted on -- e.g. populated pixels,
    so that quintiles split the places where people live rather than empty fields; every pixel is classified.
    ``breaks`` (``n - 1`` upper class bounds, e.g. from :func:`class_breaks`) are applied as given instead.
    """
    if breaks is None:
        fit_on = risk if where is None else risk.where(where)
        breaks = class_breaks(fit_on, scheme, n, sample_size=sample_size, seed=seed)
    else:
        breaks = np.asarray(breaks, dtype=np.float64)
        if breaks.shape != (n - 1,) or not np.all(np.diff(breaks) >= 0):
            raise InputValueError(f"breaks must be {n - 1} increasing class bounds for n={n}, got {breaks.tolist()!r}")
    out = apply_pointwise(_digitize, risk, dtype=np.uint8, kwargs={"breaks": breaks})
    labels = RISK_LABELS if n == 5 else tuple(f"class_{i}" for i in range(1, n + 1))
    out = set_cf(out, name="risk_class", units="1", long_name=f"heat risk class ({scheme} breaks)")
    out.attrs.update(
        flag_values=np.arange(1, n + 1, dtype=np.uint8),
        flag_meanings=" ".join(labels),
        class_breaks=breaks,
        scheme=scheme,
        _FillValue=np.uint8(0),
    )
    return out


def _grade(cls):
    c = np.asarray(cls)
    lut = np.array([0, 1, 1, 2, 3, 3], dtype=np.uint8)
    return lut[np.clip(c, 0, 5)]


def traffic_light(risk_class: xr.DataArray) -> xr.DataArray:
    """Traffic-light grade of five risk classes: 1 green (very low, low), 2 amber (moderate), 3 red (high, very high).

    0 stays no data. Needs five-class input (``classify(..., n=5)``).
    """
    vals = risk_class.attrs.get("flag_values")
    if vals is not None and len(vals) != 5:
        raise InputValueError(f"traffic_light needs 5 risk classes, got {len(vals)}")
    out = apply_pointwise(_grade, risk_class, dtype=np.uint8)
    out = set_cf(out, name="risk_grade", units="1", long_name="traffic-light heat risk grade",
                 mapping="very_low, low -> green; moderate -> amber; high, very_high -> red")
    out.attrs.update(flag_values=np.array([1, 2, 3], dtype=np.uint8), flag_meanings=TRAFFIC_LIGHT_MEANINGS, _FillValue=np.uint8(0))
    return out
