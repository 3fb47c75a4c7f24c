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
naive ``acc[label] += v`` loop. The pixel loops split the rows into ``n_blocks`` fixed blocks
(:func:`uhi._threads.row_blocks`; one per thread, ``numba.get_num_threads()`` from the caller) with
private accumulators, reduced in block order at the end (no atomics; the order of the sums is fixed
for a given ``n_blocks``). The blocks are serial ``@njit(nogil=True)`` kernels (``*_rows``) run on
threads (:func:`uhi._threads.run_threads`) rather than ``parallel=True`` kernels: the same speed, and
a fraction of the first-use compile time (parfors took ~15 s of a cold ``uhi demo``).
Plain-numpy references live in :mod:`uhi.zonal._reference`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .._threads import row_blocks, run_threads

__all__ = ["zone_moments_kernel", "zone_percentiles_kernel", "zone_weighted_kernel"]


@njit(cache=True, inline="always")
def _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, k, c, a, s, sq, lo, hi):  # pragma: no cover - compiled
    """Add one run's register accumulators to a block's per-label arrays."""
    b_count[k] += c
    b_above[k] += a
    b_sum[k] += s
    b_sq[k] += sq
    if lo < b_min[k]:  # min()/max() as comparisons: Numba compiles each builtin min/max signature separately
        b_min[k] = lo
    if hi > b_max[k]:
        b_max[k] = hi


@njit(nogil=True, cache=True)
def zone_moments_rows(values, labels, shift, threshold, b_count, b_above, b_sum, b_sq, b_min, b_max, i0, i1):  # pragma: no cover - compiled
    """Rows ``i0:i1`` of :func:`zone_moments_kernel`, accumulated into one block's per-label arrays."""
    nx = values.shape[1]
    for i in range(i0, i1):
        # a run of one label along a row accumulates in registers and is flushed when the
        # label changes (zones are contiguous, so flushes are rare and the loop has no
        # memory dependency from pixel to pixel)
        run_k = labels[i, 0]
        c, a, s, sq, lo, hi = 0, 0, 0.0, 0.0, np.inf, -np.inf
        for j in range(nx):
            k = labels[i, j]
            if k != run_k:
                _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, run_k, c, a, s, sq, lo, hi)
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
            if fv < lo:
                lo = fv
            if fv > hi:
                hi = fv
            if fv > threshold:
                a += 1
        _flush_run(b_count, b_above, b_sum, b_sq, b_min, b_max, run_k, c, a, s, sq, lo, hi)


def _add_blocks(blocks, out) -> None:
    """``out[:] = 0 + blocks[0] + blocks[1] + ...``, summed in block order (the order fixes the float result)."""
    out[:] = 0
    for block in blocks:
        out += block


def zone_moments_kernel(values, labels, shift, threshold, n_blocks, count, total, total_sq, vmin, vmax, above):
    """Per-label moments of the finite ``values`` (NaN = missing), written into the ``out`` arrays.

    ``count[k]`` (int64), ``total[k] = sum(v - shift)``, ``total_sq[k] = sum((v - shift)^2)``
    (float64), ``vmin[k]``/``vmax[k]`` (float64, NaN where the zone has no finite value)
    and ``above[k]`` = number of values ``> threshold`` (int64; NaN threshold counts none).
    Every array has length ``n_labels``; label 0 (outside) is accumulated like any other.
    ``n_blocks`` row blocks (:func:`zone_moments_rows`) run on threads.
    """
    blocks = row_blocks(values.shape[0], n_blocks)
    shape = (len(blocks), count.shape[0])
    b_count = np.zeros(shape, dtype=np.int64)
    b_above = np.zeros(shape, dtype=np.int64)
    b_sum = np.zeros(shape, dtype=np.float64)
    b_sq = np.zeros(shape, dtype=np.float64)
    b_min = np.full(shape, np.inf, dtype=np.float64)
    b_max = np.full(shape, -np.inf, dtype=np.float64)
    shift, threshold = float(shift), float(threshold)
    run_threads([
        (zone_moments_rows, (values, labels, shift, threshold, b_count[b], b_above[b], b_sum[b], b_sq[b], b_min[b], b_max[b], i0, i1))
        for b, (i0, i1) in enumerate(blocks)
    ])
    _add_blocks(b_count, count)
    _add_blocks(b_above, above)
    _add_blocks(b_sum, total)
    _add_blocks(b_sq, total_sq)
    empty = count == 0
    vmin[:] = b_min.min(axis=0)
    vmax[:] = b_max.max(axis=0)
    vmin[empty] = np.nan
    vmax[empty] = np.nan


@njit(nogil=True, cache=True)
def zone_weighted_rows(values, weights, labels, b_wv, b_wx, b_wa, i0, i1):  # pragma: no cover - compiled
    """Rows ``i0:i1`` of :func:`zone_weighted_kernel`, accumulated into one block's per-label arrays."""
    nx = values.shape[1]
    for i in range(i0, i1):
        run_k = labels[i, 0]  # runs of one label in registers, as in zone_moments_rows
        wa, wv, wx = 0.0, 0.0, 0.0
        for j in range(nx):
            k = labels[i, j]
            if k != run_k:
                b_wa[run_k] += wa
                b_wv[run_k] += wv
                b_wx[run_k] += wx
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
        b_wa[run_k] += wa
        b_wv[run_k] += wv
        b_wx[run_k] += wx


def zone_weighted_kernel(values, weights, labels, n_blocks, weight_valid, weighted_total, weight_all):
    """Per-label weighted sums (float64 ``out`` arrays of length ``n_labels``).

    ``weight_valid[k] = sum(w)`` and ``weighted_total[k] = sum(w v)`` over pixels where
    both ``v`` and ``w`` are finite; ``weight_all[k] = sum(w)`` over pixels with a finite
    ``w`` whatever ``v`` is (e.g. all residents, including those under a cloud).
    ``n_blocks`` row blocks (:func:`zone_weighted_rows`) run on threads.
    """
    blocks = row_blocks(values.shape[0], n_blocks)
    shape = (len(blocks), weight_valid.shape[0])
    b_wv, b_wx, b_wa = (np.zeros(shape, dtype=np.float64) for _ in range(3))
    run_threads([(zone_weighted_rows, (values, weights, labels, b_wv[b], b_wx[b], b_wa[b], i0, i1)) for b, (i0, i1) in enumerate(blocks)])
    _add_blocks(b_wv, weight_valid)
    _add_blocks(b_wx, weighted_total)
    _add_blocks(b_wa, weight_all)


@njit(cache=True)
def _bucket(v, lo, scale, n_buckets):  # pragma: no cover - compiled
    """Histogram bucket of ``v`` on a zone's value range: monotone in ``v``, the same in every pass."""
    b = np.int64((v - lo) * scale)
    if b < 0:
        return 0
    return n_buckets - 1 if b > n_buckets - 1 else b


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
        # median of three, max(min(x, y), min(max(x, y), z)), as comparisons
        small, big = (y, x) if y < x else (x, y)
        if z < big:
            big = z
        pivot = big if big > small else small
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


@njit(nogil=True, cache=True)
def _histogram_rows(values, labels, vmin, scale, n_buckets, hist, i0, i1):  # pragma: no cover - compiled
    """Rows ``i0:i1``: per-label histogram ``hist[n_labels, n_buckets]`` of the finite values (label 0 skipped)."""
    nx = values.shape[1]
    for i in range(i0, i1):
        for j in range(nx):
            k = labels[i, j]
            v = values[i, j]
            if k == 0 or math.isnan(v):
                continue
            hist[k, _bucket(np.float64(v), vmin[k], scale[k], n_buckets)] += 1


@njit(nogil=True, cache=True)
def _percentile_targets(hist_b, counts, percentiles, hist, target_bucket, target_rank, fracs, want, start, cursor):  # pragma: no cover
    """Sum the block histograms into ``hist``, locate the needed order statistics and lay out their segments.

    Rank ``r`` -> bucket ``target_bucket[k, q, m]`` and rank within it ``target_rank[k, q, m]`` (``m`` 0: the
    floor rank, 1: the next one when interpolating; bucket -1 where not needed); ``want[k, t]`` marks the
    buckets to gather, ``start[k, t]`` their segment in the gather buffer ((label, bucket) order) and
    ``cursor[b, k, t]`` where row block ``b`` writes its share. ``start``/``cursor`` are only set where
    ``want``. Returns the buffer length.
    """
    n_blocks, n_labels, n_buckets = hist_b.shape
    for b in range(n_blocks):
        for k in range(n_labels):
            for t in range(n_buckets):
                hist[k, t] += hist_b[b, k, t]
    for k in range(1, n_labels):
        n = counts[k]
        if n == 0:
            continue
        for q in range(percentiles.shape[0]):
            h = (n - 1) * percentiles[q] / 100.0
            lo = math.floor(h)
            if lo > n - 1:
                lo = n - 1
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
    total = 0
    for k in range(n_labels):
        for t in range(n_buckets):
            if want[k, t]:
                start[k, t] = total
                c = total
                for b in range(n_blocks):
                    cursor[b, k, t] = c
                    c += hist_b[b, k, t]
                total += hist[k, t]
    return total


@njit(nogil=True, cache=True)
def _gather_rows(values, labels, vmin, scale, n_buckets, want, cursor, buf, i0, i1):  # pragma: no cover - compiled
    """Rows ``i0:i1``: copy the values of the wanted (label, bucket) pairs to ``buf`` at ``cursor`` (advanced)."""
    nx = values.shape[1]
    for i in range(i0, i1):
        for j in range(nx):
            k = labels[i, j]
            v = values[i, j]
            if k == 0 or math.isnan(v):
                continue
            t = _bucket(np.float64(v), vmin[k], scale[k], n_buckets)
            if want[k, t]:
                buf[cursor[k, t]] = v
                cursor[k, t] += 1


@njit(nogil=True, cache=True)
def _percentile_select(buf, start, hist, counts, target_bucket, target_rank, fracs, out):  # pragma: no cover - compiled
    """Select the order statistics within their bucket segments of ``buf`` and interpolate into ``out``."""
    n_labels, n_q = out.shape
    for k in range(n_labels):
        for q in range(n_q):
            out[k, q] = np.nan
    for k in range(1, n_labels):  # the segments are small (one bucket each)
        if counts[k] == 0:
            continue
        for q in range(n_q):
            a = 0.0
            b = 0.0
            n_ranks = 2 if target_bucket[k, q, 1] >= 0 else 1
            for m in range(n_ranks):
                t = target_bucket[k, q, m]
                seg = buf[start[k, t] : start[k, t] + hist[k, t]]
                picked = np.float64(_kth_smallest(seg, target_rank[k, q, m]))
                if m == 0:
                    a = picked
                else:
                    b = picked
            frac = fracs[k, q]
            if n_ranks == 2:
                # numpy's _lerp: a + (b - a) t, evaluated from the nearer end for t >= 0.5
                if frac >= 0.5:
                    out[k, q] = b - (b - a) * (1.0 - frac)
                else:
                    out[k, q] = a + (b - a) * frac
            else:
                out[k, q] = a


def zone_percentiles_kernel(values, labels, counts, vmin, vmax, percentiles, n_buckets, n_blocks, out):
    """Exact per-label percentiles of the finite ``values`` into ``out[n_labels, n_percentiles]``.

    Same definition as ``numpy.percentile(..., method="linear")``: with the ``n`` sorted
    values ``a`` and ``h = (n - 1) q / 100``, ``p = a[floor(h)] + (h - floor(h)) (a[floor(h)+1] - a[floor(h)])``
    (Hyndman & Fan 1996, definition 7, doi:10.1080/00031305.1996.10473566).

    Exact selection without sorting every zone: ``counts``, ``vmin`` and ``vmax`` (per label,
    from :func:`zone_moments_kernel`) define ``n_buckets`` equal-width buckets over each
    zone's value range; pass 1 (row blocks on threads, :func:`_histogram_rows`) histograms the values, the
    cumulative histogram locates the bucket and in-bucket rank of each needed order
    statistic (:func:`_percentile_targets`), pass 2 (row blocks on threads, each at its known offset,
    :func:`_gather_rows`) copies only the values of those buckets, and a quickselect (:func:`_kth_smallest`)
    finds the value within them (:func:`_percentile_select`). Buckets are monotone in the value, so the
    selection is exact whatever the distribution (a skewed zone just puts more values into its target bucket).
    NaN where a label has no finite value, and for label 0 (outside every zone: skipped).
    """
    n_labels = counts.shape[0]
    n_q = percentiles.shape[0]
    n_buckets = int(n_buckets)
    blocks = row_blocks(values.shape[0], n_blocks)
    scale = np.zeros(n_labels)
    ok = (counts > 0) & (vmax > vmin)
    ok[:1] = False
    scale[ok] = n_buckets / (vmax[ok] - vmin[ok])
    # pass 1: per-block histograms
    hist_b = np.zeros((len(blocks), n_labels, n_buckets), dtype=np.int64)
    run_threads([(_histogram_rows, (values, labels, vmin, scale, n_buckets, hist_b[b], i0, i1)) for b, (i0, i1) in enumerate(blocks)])
    # needed order statistics: rank r -> (bucket, rank within the bucket), and where each block writes them
    hist = np.zeros((n_labels, n_buckets), dtype=np.int64)
    target_bucket = np.full((n_labels, n_q, 2), -1, dtype=np.int64)
    target_rank = np.zeros((n_labels, n_q, 2), dtype=np.int64)
    fracs = np.zeros((n_labels, n_q))
    want = np.zeros((n_labels, n_buckets), dtype=np.bool_)
    start = np.empty((n_labels, n_buckets), dtype=np.int64)  # read only where want (no full-size pass)
    cursor = np.empty_like(hist_b)
    total = _percentile_targets(hist_b, counts, percentiles, hist, target_bucket, target_rank, fracs, want, start, cursor)
    # pass 2: gather the values of the wanted buckets, one segment per (label, bucket); each row block
    # writes its share of a segment at a known offset (deterministic order)
    buf = np.empty(total, dtype=values.dtype)
    run_threads([
        (_gather_rows, (values, labels, vmin, scale, n_buckets, want, cursor[b], buf, i0, i1)) for b, (i0, i1) in enumerate(blocks)
    ])
    _percentile_select(buf, start, hist, counts, target_bucket, target_rank, fracs, out)
