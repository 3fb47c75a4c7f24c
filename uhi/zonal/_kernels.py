"""Numba group-by kernels of zonal statistics (plain arrays in, preallocated ``out``).

Zones arrive as a label raster (``uint8``/``uint16``/``int32``, ``0`` = outside every zone, ``k`` =
zone ``k - 1``) burnt once onto the value grid. Each kernel is one pass over the
pixels that accumulates per label:

* :func:`zone_moments_kernel` -- count, sum, sum of squares (about a shift, so the
  variance does not cancel catastrophically), min, max and the number of values
  above a threshold;
* :func:`zone_weighted_kernel` -- ``sum(w)``, ``sum(w v)`` over pixels where both
  are finite, and ``sum(w)`` over every pixel with a finite weight;
* :func:`zone_percentiles_kernel` -- exact percentiles (numpy's default
  ``"linear"`` method): a histogram over each zone's value range finds the bucket
  holding each needed order statistic, and a selection (quickselect) inside
  that bucket's few values finds it exactly; no zone is sorted.

Within a row, a run of one label accumulates in registers and is added to the
per-label arrays when the label changes (zones are contiguous, so this happens a
few times per row), which removes the pixel-to-pixel memory dependency of a
naive ``acc[label] += v`` loop. The pixel loops split the rows into ``n_blocks`` blocks (one per thread, from
``numba.get_num_threads()``) with private accumulators, reduced serially at the
end (no atomics; the order of the sums is fixed for a given ``n_blocks``).
Plain-numpy references live in :mod:`uhi.zonal._reference`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["zone_moments_kernel", "zone_percentiles_kernel", "zone_weighted_kernel"]


@njit(cache=True, inline="always")
def _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, b, k, c, a, s, sq, lo, hi):  # pragma: no cover - compiled
    """Add one run's register accumulators to block ``b``'s per-label arrays."""
    b_count[b, k] += c
    b_above[b, k] += a
    b_sum[b, k] += s
    b_sq[b, k] += sq
    b_min[b, k] = min(b_min[b, k], lo)
    b_max[b, k] = max(b_max[b, k], hi)


@njit(parallel=True, cache=True)
def zone_moments_kernel(values, labels, shift, threshold, n_blocks, count, total, total_sq, vmin, vmax, above):  # pragma: no cover - compiled
    """Per-label moments of the finite ``values`` (NaN = missing), written into the ``out`` arrays.

    ``count[k]`` (int64), ``total[k] = sum(v - shift)``, ``total_sq[k] = sum((v - shift)^2)``
    (float64), ``vmin[k]``/``vmax[k]`` (float64, NaN where the zone has no finite value)
    and ``above[k]`` = number of values ``> threshold`` (int64; NaN threshold counts none).
    Every array has length ``n_labels``; label 0 (outside) is accumulated like any other.
    """
    ny, nx = values.shape
    n_labels = count.shape[0]
    n_blocks = max(1, min(n_blocks, ny))
    b_count = np.zeros((n_blocks, n_labels), dtype=np.int64)
    b_above = np.zeros((n_blocks, n_labels), dtype=np.int64)
    b_sum = np.zeros((n_blocks, n_labels), dtype=np.float64)
    b_sq = np.zeros((n_blocks, n_labels), dtype=np.float64)
    b_min = np.full((n_blocks, n_labels), np.inf, dtype=np.float64)
    b_max = np.full((n_blocks, n_labels), -np.inf, dtype=np.float64)
    rows_per_block = (ny + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        i0 = b * rows_per_block
        i1 = min(ny, i0 + rows_per_block)
        for i in range(i0, i1):
            # a run of one label along a row accumulates in registers and is flushed when the
            # label changes (zones are contiguous, so flushes are rare and the loop has no
            # memory dependency from pixel to pixel)
            run_k = labels[i, 0]
            c, a, s, sq, lo, hi = 0, 0, 0.0, 0.0, np.inf, -np.inf
            for j in range(nx):
                k = labels[i, j]
                if k != run_k:
                    _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, b, run_k, c, a, s, sq, lo, hi)
                    run_k = k
                    c, a, s, sq, lo, hi = 0, 0, 0.0, 0.0, np.inf, -np.inf
                v = values[i, j]
                if math.isnan(v):
                    continue
                fv = np.float64(v)
                d = fv - shift
                c += 1
                s += d
                sq += d * d
                lo = min(lo, fv)
                hi = max(hi, fv)
                if fv > threshold:
                    a += 1
            _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, b, run_k, c, a, s, sq, lo, hi)
    for k in range(n_labels):
        c = 0
        a = 0
        s = 0.0
        sq = 0.0
        lo = np.inf
        hi = -np.inf
        for b in range(n_blocks):
            c += b_count[b, k]
            a += b_above[b, k]
            s += b_sum[b, k]
            sq += b_sq[b, k]
            lo = min(lo, b_min[b, k])
            hi = max(hi, b_max[b, k])
        count[k] = c
        above[k] = a
        total[k] = s
        total_sq[k] = sq
        vmin[k] = lo if c > 0 else np.nan
        vmax[k] = hi if c > 0 else np.nan


@njit(parallel=True, cache=True)
def zone_weighted_kernel(values, weights, labels, n_blocks, weight_valid, weighted_total, weight_all):  # pragma: no cover - compiled
    """Per-label weighted sums (float64 ``out`` arrays of length ``n_labels``).

    ``weight_valid[k] = sum(w)`` and ``weighted_total[k] = sum(w v)`` over pixels where
    both ``v`` and ``w`` are finite; ``weight_all[k] = sum(w)`` over pixels with a finite
    ``w`` whatever ``v`` is (e.g. all residents, including those under a cloud).
    """
    ny, nx = values.shape
    n_labels = weight_valid.shape[0]
    n_blocks = max(1, min(n_blocks, ny))
    b_wv = np.zeros((n_blocks, n_labels), dtype=np.float64)
    b_wx = np.zeros((n_blocks, n_labels), dtype=np.float64)
    b_wa = np.zeros((n_blocks, n_labels), dtype=np.float64)
    rows_per_block = (ny + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        i0 = b * rows_per_block
        i1 = min(ny, i0 + rows_per_block)
        for i in range(i0, i1):
            run_k = labels[i, 0]  # runs of one label in registers, as in zone_moments_kernel
            wa, wv, wx = 0.0, 0.0, 0.0
            for j in range(nx):
                k = labels[i, j]
                if k != run_k:
                    b_wa[b, run_k] += wa
                    b_wv[b, run_k] += wv
                    b_wx[b, run_k] += wx
                    run_k = k
                    wa, wv, wx = 0.0, 0.0, 0.0
                w = np.float64(weights[i, j])
                if math.isnan(w):
                    continue
                wa += w
                v = np.float64(values[i, j])
                if math.isnan(v):
                    continue
                wv += w
                wx += w * v
            b_wa[b, run_k] += wa
            b_wv[b, run_k] += wv
            b_wx[b, run_k] += wx
    for k in range(n_labels):
        wv = 0.0
        wx = 0.0
        wa = 0.0
        for b in range(n_blocks):
            wv += b_wv[b, k]
            wx += b_wx[b, k]
            wa += b_wa[b, k]
        weight_valid[k] = wv
        weighted_total[k] = wx
        weight_all[k] = wa


@njit(cache=True)
def _bucket(v, lo, scale, n_buckets):  # pragma: no cover - compiled
    """Histogram bucket of ``v`` on a zone's value range: monotone in ``v``, the same in every pass."""
    b = int((v - lo) * scale)
    return min(max(b, 0), n_buckets - 1)


@njit(cache=True)
def _kth_smallest(seg, k):  # pragma: no cover - compiled
    """The ``k``-th smallest (0-based) of ``seg`` (finite values; ``seg`` is not modified).

    Hoare quickselect with a median-of-three pivot on a copy: the value is that of
    ``np.partition(seg, k)[k]`` (the k-th order statistic is unique), without compiling Numba's
    ``np.partition`` (its validation and sorting machinery took ~10 s of a cold ``uhi demo``).
    """
    a = seg.copy()
    lo = 0
    hi = a.shape[0] - 1
    while hi > lo:
        x = a[lo]
        y = a[(lo + hi) // 2]
        z = a[hi]
        pivot = max(min(x, y), min(max(x, y), z))
        i = lo
        j = hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                t = a[i]
                a[i] = a[j]
                a[j] = t
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return a[k]
    return a[k]


@njit(parallel=True, cache=True)
def zone_percentiles_kernel(values, labels, counts, vmin, vmax, percentiles, n_buckets, n_blocks, out):  # pragma: no cover
    """Exact per-label percentiles of the finite ``values`` into ``out[n_labels, n_percentiles]``.

    Same definition as ``numpy.percentile(..., method="linear")``: with the ``n`` sorted
    values ``a`` and ``h = (n - 1) q / 100``, ``p = a[floor(h)] + (h - floor(h)) (a[floor(h)+1] - a[floor(h)])``
    (Hyndman & Fan 1996, definition 7, doi:10.1080/00031305.1996.10473566).

    Exact selection without sorting every zone: ``counts``, ``vmin`` and ``vmax`` (per label,
    from :func:`zone_moments_kernel`) define ``n_buckets`` equal-width buckets over each
    zone's value range; pass 1 (parallel over row blocks) histograms the values, the
    cumulative histogram locates the bucket and in-bucket rank of each needed order
    statistic, pass 2 (parallel, each block at its known offset) copies only the values of
    those buckets, and a quickselect (:func:`_kth_smallest`) finds the value within them. Buckets are monotone in the value, so the selection is exact whatever the
    distribution (a skewed zone just puts more values into its target bucket).
    NaN where a label has no finite value, and for label 0 (outside every zone: skipped).
    """
    ny, nx = values.shape
    n_labels = counts.shape[0]
    n_q = percentiles.shape[0]
    n_blocks = max(1, min(n_blocks, ny))
    scale = np.zeros(n_labels)
    for k in range(1, n_labels):
        if counts[k] > 0 and vmax[k] > vmin[k]:
            scale[k] = n_buckets / (vmax[k] - vmin[k])
    # pass 1: per-block histograms
    hist_b = np.zeros((n_blocks, n_labels, n_buckets), dtype=np.int64)
    rows_per_block = (ny + n_blocks - 1) // n_blocks
    for b in prange(n_blocks):
        for i in range(b * rows_per_block, min(ny, (b + 1) * rows_per_block)):
            for j in range(nx):
                k = labels[i, j]
                v = values[i, j]
                if k == 0 or math.isnan(v):
                    continue
                hist_b[b, k, _bucket(np.float64(v), vmin[k], scale[k], n_buckets)] += 1
    hist = np.zeros((n_labels, n_buckets), dtype=np.int64)
    for b in range(n_blocks):
        for k in range(n_labels):
            for t in range(n_buckets):
                hist[k, t] += hist_b[b, k, t]
    # needed order statistics: rank r -> (bucket, rank within the bucket)
    target_bucket = np.full((n_labels, n_q, 2), -1, dtype=np.int64)
    target_rank = np.zeros((n_labels, n_q, 2), dtype=np.int64)
    fracs = np.zeros((n_labels, n_q))
    want = np.zeros((n_labels, n_buckets), dtype=np.bool_)
    for k in range(1, n_labels):
        n = counts[k]
        if n == 0:
            continue
        for q in range(n_q):
            h = (n - 1) * percentiles[q] / 100.0
            lo = min(n - 1, int(math.floor(h)))
            fracs[k, q] = h - lo
            n_ranks = 2 if (h - lo > 0.0 and lo + 1 < n) else 1
            for m in range(n_ranks):
                r = lo + m
                below = 0
                for t in range(n_buckets):
                    if below + hist[k, t] > r:
                        target_bucket[k, q, m] = t
                        target_rank[k, q, m] = r - below
                        want[k, t] = True
                        break
                    below += hist[k, t]
    # pass 2: gather the values of the wanted buckets, one segment per (label, bucket)
    start = np.full((n_labels, n_buckets), -1, dtype=np.int64)
    total = 0
    for k in range(n_labels):
        for t in range(n_buckets):
            if want[k, t]:
                start[k, t] = total
                total += hist[k, t]
    buf = np.empty(total, dtype=values.dtype)
    # each row block writes its share of a segment at a known offset: parallel, deterministic order
    cursor = np.zeros((n_blocks, n_labels, n_buckets), dtype=np.int64)
    for k in range(n_labels):
        for t in range(n_buckets):
            if want[k, t]:
                c = start[k, t]
                for b in range(n_blocks):
                    cursor[b, k, t] = c
                    c += hist_b[b, k, t]
    for b in prange(n_blocks):
        for i in range(b * rows_per_block, min(ny, (b + 1) * rows_per_block)):
            for j in range(nx):
                k = labels[i, j]
                v = values[i, j]
                if k == 0 or math.isnan(v):
                    continue
                t = _bucket(np.float64(v), vmin[k], scale[k], n_buckets)
                if want[k, t]:
                    buf[cursor[b, k, t]] = v
                    cursor[b, k, t] += 1
    # select within the segments and interpolate
    for k in range(n_labels):
        for q in range(n_q):
            out[k, q] = np.nan
    for k in range(1, n_labels):  # serial: the segments are small (one bucket each)
        if counts[k] == 0:
            continue
        for q in range(n_q):
            picked = np.zeros(2)
            n_ranks = 2 if target_bucket[k, q, 1] >= 0 else 1
            for m in range(n_ranks):
                t = target_bucket[k, q, m]
                seg = buf[start[k, t] : start[k, t] + hist[k, t]]
                picked[m] = np.float64(_kth_smallest(seg, target_rank[k, q, m]))
            a = picked[0]
            frac = fracs[k, q]
            if n_ranks == 2:
                b = picked[1]
                # numpy's _lerp: a + (b - a) t, evaluated from the nearer end for t >= 0.5
                if frac >= 0.5:
                    out[k, q] = b - (b - a) * (1.0 - frac)
                else:
                    out[k, q] = a + (b - a) * frac
            else:
                out[k, q] = a
