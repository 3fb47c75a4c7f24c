"""Plain-numpy references of the zonal kernels (tests and benchmarks).

:func:`zonal_reference` computes the same per-label statistics as
:mod:`uhi.zonal._kernels` with ``np.bincount`` (count, sum, sum of squares,
values above a threshold), a sort by label with ``np.minimum.reduceat`` /
``np.maximum.reduceat`` (min, max) and ``np.percentile`` per zone.
"""

from __future__ import annotations

import numpy as np

__all__ = ["weighted_reference", "zonal_reference"]


def zonal_reference(values: np.ndarray, labels: np.ndarray, n_labels: int, percentiles=(), threshold: float = np.nan) -> dict:
    """Per-label ``count``, ``sum``, ``mean``, ``std`` (ddof 0), ``min``, ``max``, ``above`` and ``p<q>`` arrays.

    Label 0 (outside every zone) is included in the arrays like the others,
    except for the percentiles (NaN there, as in the kernel).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    lab = np.asarray(labels).ravel().astype(np.int64)
    ok = np.isfinite(v)
    v, lab = v[ok], lab[ok]
    count = np.bincount(lab, minlength=n_labels)
    total = np.bincount(lab, weights=v, minlength=n_labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        dev = v - mean[lab]
        std = np.sqrt(np.bincount(lab, weights=dev * dev, minlength=n_labels) / count)
    above = np.bincount(lab, weights=(v > threshold).astype(np.float64), minlength=n_labels).astype(np.int64)
    order = np.argsort(lab, kind="stable")
    v_sorted, lab_sorted = v[order], lab[order]
    vmin = np.full(n_labels, np.nan)
    vmax = np.full(n_labels, np.nan)
    present = np.flatnonzero(count)
    starts = np.searchsorted(lab_sorted, present)
    if present.size:
        vmin[present] = np.minimum.reduceat(v_sorted, starts)
        vmax[present] = np.maximum.reduceat(v_sorted, starts)
    out = {"count": count, "sum": total, "mean": mean, "std": std, "min": vmin, "max": vmax, "above": above}
    ends = np.searchsorted(lab_sorted, np.arange(n_labels), side="right")
    begins = np.searchsorted(lab_sorted, np.arange(n_labels), side="left")
    for q in percentiles:
        p = np.full(n_labels, np.nan)
        for k in range(1, n_labels):
            if ends[k] > begins[k]:
                p[k] = np.percentile(v_sorted[begins[k] : ends[k]], q)
        out[f"p{q:g}"] = p
    return out


def weighted_reference(values: np.ndarray, weights: np.ndarray, labels: np.ndarray, n_labels: int) -> dict:
    """``weight_valid``, ``weighted_total`` and ``weight_all`` per label (see :func:`uhi.zonal._kernels.zone_weighted_kernel`)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    lab = np.asarray(labels).ravel().astype(np.int64)
    w_ok = np.isfinite(w)
    both = w_ok & np.isfinite(v)
    return {
        "weight_valid": np.bincount(lab[both], weights=w[both], minlength=n_labels),
        "weighted_total": np.bincount(lab[both], weights=(w * v)[both], minlength=n_labels),
        "weight_all": np.bincount(lab[w_ok], weights=w[w_ok], minlength=n_labels),
    }
