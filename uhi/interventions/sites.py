"""Sites, not sprinkles: place an amount of a measure on whole, contiguous sites in ranked order.

A measure's capacity in a pixel is the area its placement may use there (``placement_fraction`` x pixel
area / footprint, in units). Instead of spreading the amount thinly over every eligible pixel, the
candidate pixels are grouped into sites -- connected patches (8-neighbourhood) of eligible pixels -- and
the sites are filled to capacity in order of their summed score (e.g. the baseline heat risk of all their
pixels: large, hot sites first, not isolated single hot pixels). The
last site that is needed is filled from its best pixel outward (best-first growth over neighbours), so the
part that is built is itself one contiguous patch. "2,500 street trees" thus become the streets of the
best-ranked blocks, and a park of a given size a single contiguous park.
"""

from __future__ import annotations

import heapq

import numpy as np

from ..errors import InputValueError

__all__ = ["fill_sites", "grow_site", "label_sites"]


def label_sites(candidates: np.ndarray) -> tuple[np.ndarray, int]:
    """Connected patches (8-neighbourhood) of ``candidates`` -> (labels 1..n, 0 elsewhere; n)."""
    from scipy import ndimage

    labels, n = ndimage.label(np.asarray(candidates, dtype=bool), structure=np.ones((3, 3), dtype=bool))
    return labels.astype(np.int64), int(n)


def _grow(capacity: np.ndarray, score: np.ndarray, site: np.ndarray, amount: float, start=None) -> np.ndarray:
    """Fill ``amount`` units in one site, from its best pixel (or ``start``, a flat index), growing over 8-neighbours by descending score."""
    out = np.zeros(capacity.shape, dtype=np.float64)
    idx = np.flatnonzero(site.ravel())
    s = score.ravel()
    if start is None:
        start = idx[np.argmax(s[idx])]
    ny, nx = capacity.shape
    seen = {int(start)}
    heap = [(-s[start], int(start))]
    left = amount
    cap = capacity.ravel()
    flat = out.ravel()
    mask = site.ravel()
    while heap and left > 0:
        _, k = heapq.heappop(heap)
        take = min(cap[k], left)
        flat[k] = take
        left -= take
        y, x = divmod(k, nx)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                yy, xx = y + dy, x + dx
                if (dy or dx) and 0 <= yy < ny and 0 <= xx < nx:
                    j = yy * nx + xx
                    if mask[j] and j not in seen:
                        seen.add(j)
                        heapq.heappush(heap, (-s[j], j))
    return out


def grow_site(capacity: np.ndarray, score: np.ndarray, site: np.ndarray, amount: float, start: tuple[int, int]) -> np.ndarray:
    """Units per pixel of ``amount`` units grown as one contiguous patch inside ``site`` from the pixel ``start``
    (row, col), over 8-neighbours by descending ``score``: how :func:`fill_sites` builds its last, partly filled site
    (a park of a given size). The optimiser offers such parks from several starting pixels."""
    capacity = np.nan_to_num(np.asarray(capacity, dtype=np.float64), nan=0.0)
    s = np.where(np.isfinite(score), np.asarray(score, dtype=np.float64), -np.inf)
    return _grow(capacity, s, np.asarray(site, dtype=bool), float(amount), start=int(np.ravel_multi_index(start, capacity.shape)))


def fill_sites(capacity: np.ndarray, score: np.ndarray, amount: float) -> np.ndarray:
    """Units per pixel: ``amount`` placed on whole sites in ranked order (module docstring).

    Parameters
    ----------
    capacity : ndarray
        Units that fit in each pixel (0 where the measure may not go).
    score : ndarray
        Ranking value per pixel (>= 0, higher = first), e.g. baseline heat risk; NaN counts as 0. Sites rank by
        the sum over their pixels.
    amount : float
        Units to place (<= total capacity).

    Returns
    -------
    ndarray
        Units per pixel: every pixel of the better sites at capacity, the last site filled best-first
        as one contiguous patch, zero elsewhere. Sums to ``amount``.

    Examples
    --------
    Two sites; the hotter one (total score 10) is filled first, then the best pixel of the other:

    >>> cap = np.array([[1.0, 1.0, 0.0, 1.0, 1.0]])
    >>> score = np.array([[5.0, 5.0, 0.0, 1.0, 2.0]])
    >>> fill_sites(cap, score, 3.0).tolist()
    [[1.0, 1.0, 0.0, 0.0, 1.0]]
    """
    capacity = np.nan_to_num(np.asarray(capacity, dtype=np.float64), nan=0.0)
    score = np.asarray(score, dtype=np.float64)
    if capacity.shape != score.shape:
        raise InputValueError(f"capacity and score must have the same shape, got {capacity.shape} and {score.shape}")
    total = float(capacity.sum())
    if not np.isfinite(amount) or amount < 0:
        raise InputValueError(f"amount must be a finite number >= 0, got {amount!r}")
    if amount > total * (1 + 1e-9):
        raise InputValueError(f"amount {amount:g} exceeds the capacity {total:g} of the candidate sites")
    out = np.zeros(capacity.shape, dtype=np.float64)
    if amount <= 0:
        return out
    s = np.where(np.isfinite(score), score, -np.inf)
    labels, n = label_sites(capacity > 0)
    finite = np.where(np.isfinite(s), s, 0.0)
    means = np.bincount(labels.ravel(), weights=np.maximum(finite, 0.0).ravel(), minlength=n + 1)[1:]  # site totals
    site_cap = np.bincount(labels.ravel(), weights=capacity.ravel(), minlength=n + 1)[1:]
    left = float(amount)
    for i in np.argsort(-means, kind="stable"):
        if left <= 0:
            break
        site = labels == i + 1
        if site_cap[i] <= left:
            out[site] = capacity[site]
            left -= site_cap[i]
        else:
            out += _grow(capacity, s, site, left)
            left = 0.0
    return out
