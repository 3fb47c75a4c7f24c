"""Candidate sites of the optimiser: whole connected patches where a measure may go, or the user's parcels.

For each measure the eligible pixels are those with room for its placement
(:func:`uhi.interventions.placement_fraction` > 0 on a valid pixel). They are grouped into sites by the
code scenarios place with (:func:`uhi.interventions.sites.label_sites`: connected patches, 8-neighbourhood).
A patch larger than ``block × block`` pixels (``site_size_m`` squared) is cut by the block grid and each
piece split again into its connected parts, so every site is one 8-connected patch of at most
``block²`` pixels: "the streets of a few blocks", "the roofs of a block", a small park, a pond. An option
then fills its site to capacity (every pixel's available share; whole trees).

Parks of a requested area (``park_area_m2``, for measures placed on open space only: pocket parks, ponds) are
built as scenarios build them (:func:`uhi.interventions.sites.grow_site`, the growth step of
:func:`~uhi.interventions.sites.fill_sites`): from the best pixel of each candidate site, grown over the
connected open-space patch by descending score until the area is reached -- one contiguous park each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from uhi.errors import CRSError, InputValueError
from uhi.interventions.sites import label_sites

__all__ = ["Site", "measure_sites", "parcel_sites", "park_sites", "site_outline"]


@dataclass
class Site:
    """One candidate site: bounding box ``rows × cols``, its pixel mask inside the box, a label and an outline."""

    index: int
    rows: slice
    cols: slice
    mask: np.ndarray
    label: str
    geometry: object = None  # shapely geometry; computed on demand for patch sites (site_outline)
    score: float = 0.0
    share: np.ndarray | None = None  # treated share per pixel of the box when not the whole placement share (parks)

    def pixels(self, nx: int) -> np.ndarray:
        """Flat raster indices of the site's pixels (row-major, raster width ``nx``)."""
        rr, cc = np.nonzero(self.mask)
        return (rr + self.rows.start) * nx + (cc + self.cols.start)


def _block_pieces(mask: np.ndarray, block: int) -> tuple[np.ndarray, int]:
    """Connected parts (8-neighbourhood) of ``mask`` inside each cell of a ``block``-pixel grid -> (labels, n)."""
    ny, nx = mask.shape
    by, bx = -(-ny // block), -(-nx // block)
    padded = np.zeros((by * block, bx * block), dtype=bool)
    padded[:ny, :nx] = mask
    stack = padded.reshape(by, block, bx, block).transpose(0, 2, 1, 3).reshape(by * bx, block, block)
    structure = np.zeros((3, 3, 3), dtype=bool)
    structure[1] = True  # 8-connected within a block, never across blocks
    lab, n = ndimage.label(stack, structure=structure)
    lab = lab.reshape(by, bx, block, block).transpose(0, 2, 1, 3).reshape(by * block, bx * block)[:ny, :nx]
    return lab, int(n)


def measure_sites(eligible: np.ndarray, score: np.ndarray, block: int, max_candidates: int, *, prefix: str = "") -> list[Site]:
    """Sites of one measure (module docstring), the ``max_candidates`` with the largest summed ``score`` first.

    Parameters
    ----------
    eligible : ndarray of bool
        Pixels with room for the measure.
    score : ndarray
        Ranking value per pixel (NaN -> 0); a site's score is the sum over its pixels, as
        :func:`uhi.interventions.sites.fill_sites` ranks sites.
    block : int
        Largest site side [pixels]: patches of more than ``block²`` pixels are cut by the block grid.
    max_candidates : int
        Sites kept (those with a positive score, best first).
    prefix : str
        Label prefix (the placement), e.g. ``"roof"`` -> ``"roof:r120c45"``.
    """
    eligible = np.asarray(eligible, dtype=bool)
    labels, n = label_sites(eligible)
    if n == 0:
        return []
    sizes = np.bincount(labels.ravel(), minlength=n + 1)
    big = eligible & (sizes[labels] > block * block)
    out = np.where(big, 0, labels)
    if big.any():
        pieces, m = _block_pieces(big, block)
        out = np.where(big, pieces + n, out)
        n += m
    s = np.where(eligible, np.nan_to_num(np.asarray(score, dtype=np.float64), nan=0.0), 0.0)
    totals = ndimage.sum_labels(s, out, index=np.arange(1, n + 1))
    ok = np.flatnonzero(totals > 0)
    top = ok[np.argsort(-totals[ok], kind="stable")][:max_candidates]
    boxes = ndimage.find_objects(out)
    sites, seen = [], set()
    for i in top:
        rows, cols = boxes[i]
        label = f"{prefix}:r{rows.start}c{cols.start}" if prefix else f"r{rows.start}c{cols.start}"
        if label in seen:  # two pieces with the same corner (rare): number the second
            label = f"{label}-{i + 1}"
        seen.add(label)
        sites.append(Site(len(sites), rows, cols, out[rows, cols] == i + 1, label, None, float(totals[i])))
    return sites


def park_sites(avail: np.ndarray, score: np.ndarray, area_m2: float, cell: float, block: int, max_candidates: int, *,
               prefix: str = "park") -> list[Site]:
    """Contiguous parks of ``area_m2`` [m²] (module docstring), one from the best pixel of each of the
    ``max_candidates`` best sites of :func:`measure_sites`; patches with less room than ``area_m2`` give none."""
    from uhi.interventions.sites import grow_site

    avail = np.asarray(avail, dtype=np.float64)
    eligible = avail > 0
    sc = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=0.0)
    labels, _ = label_sites(eligible)
    boxes = ndimage.find_objects(labels)
    room = ndimage.sum_labels(avail, labels, index=np.arange(1, len(boxes) + 1)) * cell**2
    out, seen = [], set()
    for piece in measure_sites(eligible, score, block, max_candidates):
        rr, cc = np.nonzero(piece.mask)
        k = int(np.argmax(sc[rr + piece.rows.start, cc + piece.cols.start]))
        r, c = int(rr[k] + piece.rows.start), int(cc[k] + piece.cols.start)
        lab = labels[r, c]
        if room[lab - 1] < area_m2 * (1 - 1e-9):
            continue
        br, bc = boxes[lab - 1]
        placed = grow_site(avail[br, bc] * cell**2, sc[br, bc], labels[br, bc] == lab, area_m2, (r - br.start, c - bc.start))
        rows_nz, cols_nz = np.flatnonzero(placed.any(axis=1)), np.flatnonzero(placed.any(axis=0))
        rows = slice(br.start + rows_nz[0], br.start + rows_nz[-1] + 1)
        cols = slice(bc.start + cols_nz[0], bc.start + cols_nz[-1] + 1)
        sub = placed[rows_nz[0]:rows_nz[-1] + 1, cols_nz[0]:cols_nz[-1] + 1]
        key = (rows.start, cols.start, sub.tobytes())
        if key in seen:  # two seeds that grow the same park
            continue
        seen.add(key)
        mask = sub > 0
        out.append(Site(len(out), rows, cols, mask, f"{prefix}:r{r}c{c}", None, float(sc[rows, cols][mask].sum()), sub / cell**2))
    return out


def site_outline(site: Site, transform):
    """Outline of a site's pixels as a (multi)polygon in the raster CRS (:func:`rasterio.features.shapes`)."""
    from rasterio import features
    from rasterio.windows import Window
    from rasterio.windows import transform as window_transform
    from shapely.geometry import shape
    from shapely.ops import unary_union

    win = Window(site.cols.start, site.rows.start, site.cols.stop - site.cols.start, site.rows.stop - site.rows.start)
    t = window_transform(win, transform)
    polys = [shape(g) for g, v in features.shapes(site.mask.astype(np.uint8), mask=site.mask, transform=t, connectivity=8) if v == 1]
    return unary_union(polys)


def parcel_sites(gdf, like, valid, label_column) -> list[Site]:
    """User parcels as sites: the valid pixels whose centre a parcel contains (a pixel shared by overlapping
    parcels belongs to the first one)."""
    from rasterio import features

    if gdf.crs is None:
        raise CRSError("candidate parcels have no CRS; set one (GeoDataFrame.set_crs) so they can be placed on the raster")
    crs = like.rio.crs
    if crs is not None and gdf.crs != crs:
        gdf = gdf.to_crs(crs)
    if label_column is not None:
        if label_column not in gdf.columns:
            raise InputValueError(f"label_column {label_column!r} is not a column of the candidates; they have {list(gdf.columns)}")
        dup = gdf[label_column][gdf[label_column].duplicated()]
        if len(dup):
            raise InputValueError(f"candidate labels in column {label_column!r} must be unique; repeated: {sorted(set(map(str, dup)))[:5]}")
    transform = like.rio.transform()
    ny, nx = valid.shape
    sites = []
    taken = np.zeros((ny, nx), dtype=bool)
    for idx, row in gdf.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        mask = features.geometry_mask([geom], out_shape=(ny, nx), transform=transform, invert=True)
        mask &= valid & ~taken
        taken |= mask
        rr, cc = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if rr.size == 0:
            continue
        rows, cols = slice(rr[0], rr[-1] + 1), slice(cc[0], cc[-1] + 1)
        label = str(row[label_column]) if label_column is not None else str(idx)
        sites.append(Site(len(sites), rows, cols, mask[rows, cols], label, geom))
    return sites
