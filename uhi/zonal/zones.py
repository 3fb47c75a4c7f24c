"""Zones: read, check, reproject and rasterise polygons once onto a raster grid.

Rasterisation uses GDAL through :func:`rasterio.features.rasterize` with the
centre-of-pixel rule (a pixel belongs to a zone when its centre lies inside the
polygon; ``all_touched=True`` takes every pixel the outline touches instead), the
rule of ``rasterstats.zonal_stats`` with ``all_touched=False``.

A label raster holds one zone per pixel. Zones whose interiors overlap (e.g. the
slivers between simplified census districts, or buffers) are split into as few
*layers* of mutually non-overlapping zones as a greedy colouring of the overlap
graph gives, and each layer is rasterised separately, so every zone still gets
all of its pixels, as when each polygon is masked on its own. Non-overlapping
zones (the usual districts) take one layer: one rasterisation. With
``all_touched=True`` neighbours sharing an edge both touch the pixels along it,
so zones closer than a pixel diagonal go to different layers.

Invalid polygons are repaired with :func:`shapely.make_valid`; points and lines
are refused (they are not zones).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rioxarray  # noqa: F401  (registers the .rio accessor)
import shapely
import xarray as xr
from rasterio.features import rasterize

from .._backend import grid_transform
from ..errors import CRSError, GridMismatchError, InputValueError
from ..io.vectors import load_vector

__all__ = ["ZoneLayers", "choose_id_column", "prepare_zones", "rasterize_zones", "read_zones", "spatial_2d"]


@dataclass
class ZoneLayers:
    """Zones rasterised onto a grid.

    ``layers`` are label rasters of the grid's shape, in the smallest of ``uint8``, ``uint16``
    and ``int32`` that holds ``len(zones)`` (a 4000 x 4000 ``uint8`` raster is burnt ~8x faster
    than an ``int32`` one and is a quarter of the memory traffic); zone ``i`` (row ``i`` of
    ``zones``) is burnt as label ``i + 1`` into exactly one of them, ``0`` is outside;
    ``members[l]`` lists the labels of layer ``l``. ``shape``, ``transform``, ``crs`` and
    ``all_touched`` describe the grid and rule it was made for. Pass it as ``zones`` to
    :func:`uhi.zonal.zonal_stats`, :func:`~uhi.zonal.population_weighted_mean` or
    :func:`~uhi.zonal.people_in_classes` to reuse one rasterisation for several tables.
    """

    zones: gpd.GeoDataFrame
    layers: list[np.ndarray]
    members: list[np.ndarray]
    source: str
    shape: tuple[int, int]
    transform: object
    crs: object
    all_touched: bool

    @property
    def n_labels(self) -> int:
        """Labels per layer: zones + 1 (label 0 = outside)."""
        return len(self.zones) + 1

    def labels(self) -> np.ndarray:
        """One int32 label raster (0 outside): the only layer, or the layers overlaid in order where zones overlap."""
        out = np.zeros(self.shape, dtype=np.int32)
        for lab in self.layers:
            np.copyto(out, lab, where=lab > 0, casting="unsafe")
        return out

    def mask(self, labels=None) -> np.ndarray:
        """Boolean raster of the pixels in any of the zones ``labels`` (1-based; default: in any zone)."""
        out = np.zeros(self.shape, dtype=bool)
        for lab in self.layers:
            out |= (lab > 0) if labels is None else np.isin(lab, np.asarray(list(labels)))
        return out


def read_zones(zones: gpd.GeoDataFrame | str | os.PathLike, id_column: str | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """Zones as a GeoDataFrame plus a name for messages (the file, or ``"zones"``); checks ``id_column``."""
    if isinstance(zones, (str, os.PathLike)):
        gdf, source = load_vector(zones), str(Path(zones))
    elif isinstance(zones, gpd.GeoDataFrame):
        gdf, source = zones, "zones GeoDataFrame"
    else:
        raise InputValueError(f"zones must be a GeoDataFrame or a vector file path, got {type(zones).__name__}")
    if len(gdf) == 0:
        raise InputValueError(f"{source} has no features")
    if id_column is not None:
        if id_column not in gdf.columns:
            raise InputValueError(f"id_column {id_column!r} is not a column of {source}; columns: {list(gdf.columns)}")
        ids = gdf[id_column]
        dup = ids[ids.duplicated(keep=False)]
        if len(dup):
            shown = sorted(set(map(str, dup)))
            more = f" (and {len(shown) - 20} more)" if len(shown) > 20 else ""
            raise InputValueError(
                f"id_column {id_column!r} of {source} has duplicate ids {shown[:20]}{more}; "
                "zone ids must be unique (dissolve the zones or pick another column)"
            )
    return gdf, source


#: Column names taken as a district's name, then as its id, by :func:`choose_id_column` (lower case).
NAME_COLUMNS = ("district", "name", "district_name", "bezirk", "name_en", "nom", "nombre", "ime")
ID_COLUMNS = ("district_id", "id", "fid", "code", "iso", "gid")


def _unique_ids(values) -> bool:
    return bool(values.notna().all() and values.is_unique)


def choose_id_column(gdf: gpd.GeoDataFrame, source: str = "zones") -> str | None:
    """The column that names each zone when it is unambiguous, else an error listing the candidates.

    Candidates are non-float columns with unique, non-missing values. Preference: a name-like column
    (:data:`NAME_COLUMNS`, or one containing ``"name"``), then an id-like one (:data:`ID_COLUMNS`, or ending in
    ``"_id"``), then the only candidate; each step must give exactly one column. ``None`` when the zones have
    no attribute column at all (zones are then numbered 1..n).
    """
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    if not columns:
        return None
    candidates = [c for c in columns if gdf[c].dtype.kind not in "fc" and _unique_ids(gdf[c])]
    low = {c: str(c).lower() for c in candidates}
    names = [c for c in candidates if low[c] in NAME_COLUMNS or "name" in low[c]]
    ids = [c for c in candidates if low[c] in ID_COLUMNS or low[c].endswith("_id")]
    for group in (names, ids, candidates):
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            raise InputValueError(
                f"{source}: several columns could identify the districts ({', '.join(map(str, group))}); "
                "choose one with --district-id COLUMN (id_column= in Python)"
            )
    raise InputValueError(
        f"{source}: no column has a unique, non-missing value per district (columns: {', '.join(map(str, columns))}); "
        "add one, or choose a column with --district-id COLUMN (id_column= in Python)"
    )


def _names(gdf: gpd.GeoDataFrame, id_column: str | None, rows) -> list[str]:
    return [str(gdf[id_column].iloc[i]) if id_column else f"row {i + 1}" for i in rows]


def _labels(gdf: gpd.GeoDataFrame, id_column: str | None, rows) -> str:
    rows = list(rows)
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return ", ".join(_names(gdf, id_column, rows[:10])) + more


def prepare_zones(zones, like: xr.DataArray, *, id_column: str | None = None) -> tuple[gpd.GeoDataFrame, str]:
    """Read, check and repair districts for a raster, before any output is written.

    Checks, in order: readable, not empty, a CRS; the id column (given, or chosen by
    :func:`choose_id_column`; without any attribute column a ``district`` column 1..n is added) is unique and
    complete; null or empty geometries are reported by id (:class:`UserWarning`) and dropped; only
    polygons; invalid geometries (bow-ties, self-intersections) are repaired with
    :func:`shapely.make_valid` (keeping the polygonal parts) with a warning naming them; districts that
    overlap each other (interiors sharing more than 1 % of the smaller one) are named in a warning; the
    districts must cover at least one pixel centre of ``like`` (districts covering none are named in a warning).

    Returns
    -------
    (geopandas.GeoDataFrame, str)
        The repaired districts in the raster's CRS, and the id column.
    """
    gdf, source = read_zones(zones)
    if gdf.crs is None:
        raise CRSError(f"{source} has no CRS; set it in the file (ogr2ogr -a_srs) or with GeoDataFrame.set_crs")
    raster_crs = like.rio.crs
    if raster_crs is None:
        raise CRSError("the raster has no CRS, so districts cannot be placed on it")
    gdf = gdf.copy()
    if id_column is None:
        id_column = choose_id_column(gdf, source)
        if id_column is None:
            id_column = "district"
            gdf[id_column] = np.arange(1, len(gdf) + 1)
    elif id_column not in gdf.columns:
        raise InputValueError(
            f"district id column {id_column!r} is not a column of {source}; columns: "
            f"{', '.join(str(c) for c in gdf.columns if c != gdf.geometry.name)}"
        )
    ids = gdf[id_column]
    if ids.isna().any():
        raise InputValueError(f"district id column {id_column!r} of {source} has {int(ids.isna().sum())} missing value(s)")
    read_zones(gdf, id_column)  # uniqueness, with the duplicates named
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    missing = np.array([g is None or g.is_empty for g in geoms])
    if missing.all():
        raise InputValueError(f"{source}: every district has a null or empty geometry")
    if missing.any():
        warnings.warn(f"{source}: {int(missing.sum())} district(s) with a null or empty geometry are left out: "
                      f"{_labels(gdf, id_column, np.flatnonzero(missing))}", UserWarning, stacklevel=2)
        gdf = gdf[~missing].reset_index(drop=True)
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputValueError(f"{source} must hold polygons (districts); found geometry types {sorted(kinds)}")
    invalid = np.flatnonzero(~gdf.is_valid.to_numpy())
    if invalid.size:
        reasons = [shapely.is_valid_reason(g) for g in gdf.geometry.iloc[invalid]]
        repaired = [_polygonal(shapely.make_valid(g)) for g in gdf.geometry.iloc[invalid]]
        gdf.loc[gdf.index[invalid], gdf.geometry.name] = gpd.GeoSeries(repaired, index=gdf.index[invalid], crs=gdf.crs)
        detail = "; ".join(f"{lab} ({why})" for lab, why in zip(_names(gdf, id_column, invalid[:10]), reasons[:10]))
        detail += f" and {invalid.size - 10} more" if invalid.size > 10 else ""
        warnings.warn(f"{source}: repaired {invalid.size} invalid district geometr{'y' if invalid.size == 1 else 'ies'} "
                      f"with shapely.make_valid: {detail}", UserWarning, stacklevel=2)
    try:
        gdf = gdf if gdf.crs == raster_crs else gdf.to_crs(raster_crs)
    except Exception as exc:  # pyproj errors
        raise CRSError(f"cannot reproject {source} from {gdf.crs} to {raster_crs}: {exc}") from None
    _warn_overlaps(gdf, id_column, source)
    layers = rasterize_zones(gdf, like, id_column=id_column)  # raises when no district covers a pixel centre
    covered = np.zeros(len(gdf), dtype=bool)
    for lab in layers.layers:
        present = np.unique(lab)
        covered[present[present > 0] - 1] = True
    if not covered.all():
        warnings.warn(f"{source}: {int((~covered).sum())} of {len(gdf)} district(s) cover no pixel centre of the raster "
                      f"(outside the scene or smaller than a pixel; their statistics are empty): "
                      f"{_labels(gdf, id_column, np.flatnonzero(~covered))}", UserWarning, stacklevel=2)
    return gdf, id_column


def _polygonal(geom):
    """The polygonal part of a repaired geometry (make_valid may return lines beside polygons)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _warn_overlaps(gdf: gpd.GeoDataFrame, id_column: str, source: str, share: float = 0.01) -> None:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if not left.size:
        return
    inter = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    smaller = np.minimum(shapely.area(geoms[left]), shapely.area(geoms[right]))
    big = inter > share * np.maximum(smaller, 1e-12)
    if big.any():
        pairs = [f"{gdf[id_column].iloc[a]}/{gdf[id_column].iloc[b]}" for a, b in zip(left[big][:10], right[big][:10])]
        warnings.warn(f"{source}: {int(big.sum())} pair(s) of districts overlap by more than {share:.0%} of the smaller "
                      f"one ({', '.join(pairs)}); pixels in both count in each", UserWarning, stacklevel=3)


def spatial_2d(da: xr.DataArray, what: str) -> xr.DataArray:
    """``da`` as a 2-D (y, x) DataArray; a leading band dimension of size 1 is dropped."""
    try:
        y_dim, x_dim = da.rio.y_dim, da.rio.x_dim
    except Exception:
        raise InputValueError(f"{what} has no spatial x/y dimensions (dims {da.dims})") from None
    extra = [d for d in da.dims if d not in (y_dim, x_dim)]
    for d in extra:
        if da.sizes[d] != 1:
            raise InputValueError(f"{what} must be 2-D (y, x); dimension {d!r} has size {da.sizes[d]} (select one with .isel)")
        da = da.isel({d: 0})
    return da.transpose(y_dim, x_dim)


def _raster_bounds(transform, shape) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a grid from its affine transform and (rows, cols)."""
    xs = [transform.c, transform.c + transform.a * shape[1] + transform.b * shape[0]]
    ys = [transform.f, transform.f + transform.d * shape[1] + transform.e * shape[0]]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap_layers(geoms: np.ndarray, touch_distance: float | None = None) -> np.ndarray:
    """Layer index of each geometry: greedy colouring of the graph of zones that could share a pixel.

    Centre-of-pixel rule (``touch_distance=None``): zones whose interiors intersect (a shared
    edge cannot hold a pixel centre for both, GDAL gives it to one side). ``all_touched``:
    zones closer than ``touch_distance`` (a pixel diagonal), which may touch the same pixel.
    """
    tree = shapely.STRtree(geoms)
    if touch_distance is None:
        left, right = tree.query(geoms, predicate="intersects")
    else:
        left, right = tree.query(geoms, predicate="dwithin", distance=touch_distance)
    keep = left < right
    left, right = left[keep], right[keep]
    if left.size and touch_distance is None:
        interiors = shapely.relate_pattern(geoms[left], geoms[right], "T********")
        left, right = left[interiors], right[interiors]
    layer = np.zeros(len(geoms), dtype=np.int64)
    if left.size == 0:
        return layer
    neighbours: dict[int, list[int]] = {}
    for a, b in zip(left.tolist(), right.tolist()):
        neighbours.setdefault(b, []).append(a)
    for i in range(len(geoms)):
        taken = {int(layer[j]) for j in neighbours.get(i, ())}
        c = 0
        while c in taken:
            c += 1
        layer[i] = c
    return layer


def rasterize_zones(
    zones: gpd.GeoDataFrame | str | os.PathLike | ZoneLayers,
    like: xr.DataArray | xr.Dataset,
    *,
    id_column: str | None = None,
    all_touched: bool = False,
) -> ZoneLayers:
    """Reproject ``zones`` to the CRS of ``like`` and burn them onto its grid.

    A :class:`ZoneLayers` passed as ``zones`` is returned as it is after checking that it was
    made for the grid of ``like`` and the same ``all_touched`` rule (and ``id_column``).

    Raises
    ------
    CRSError
        The raster or the zones have no CRS.
    GridMismatchError
        A :class:`ZoneLayers` made for another grid or rule.
    InputValueError
        Unreadable zones, duplicate ids, or zones that cover no pixel centre of the raster
        (the message names the zones' source and both extents).
    """
    raster_crs = like.rio.crs
    if raster_crs is None:
        raise CRSError("the raster has no CRS, so zones cannot be placed on it; set one with .rio.write_crs()")
    template = like if isinstance(like, xr.DataArray) else like[_first_2d_var(like)]
    template = spatial_2d(template, "the raster")
    shape = (template.rio.height, template.rio.width)
    transform = grid_transform(template, "zonal statistics")
    if isinstance(zones, ZoneLayers):
        if zones.shape != shape or not zones.transform.almost_equals(transform) or zones.crs != raster_crs:
            raise GridMismatchError(
                f"the rasterised zones ({zones.source}) were made for a {zones.shape} grid {tuple(zones.transform)[:6]} in "
                f"{zones.crs}, not for this raster ({shape}, {tuple(transform)[:6]}, {raster_crs}); rasterise them for it"
            )
        if zones.all_touched != all_touched:
            raise InputValueError(f"the rasterised zones used all_touched={zones.all_touched}, but all_touched={all_touched} was asked")
        read_zones(zones.zones, id_column)  # id checks
        return zones
    gdf, source = read_zones(zones, id_column)
    if gdf.crs is None:
        raise CRSError(f"{source} has no CRS; set it (GeoDataFrame.set_crs) so the zones can be reprojected to {raster_crs}")
    in_raster_crs = gdf if gdf.crs == raster_crs else gdf.to_crs(raster_crs)
    geoms = np.asarray(in_raster_crs.geometry.values, dtype=object)
    present = np.array([g is not None and not g.is_empty for g in geoms])
    if not present.any():
        raise InputValueError(f"{source} has only empty geometries")
    kinds = {g.geom_type for g in geoms[present]}
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputValueError(f"{source} must hold polygons (zones); found geometry types {sorted(kinds)}")
    invalid = np.flatnonzero(present & ~shapely.is_valid(np.where(present, geoms, None)))
    if invalid.size:
        geoms = geoms.copy()
        geoms[invalid] = shapely.make_valid(geoms[invalid])  # e.g. self-touching rings of simplified outlines
    left, bottom, right, top = _raster_bounds(transform, shape)
    zb = in_raster_crs.geometry[present].total_bounds
    diagonal = float(np.hypot(transform.a, transform.e) + np.hypot(transform.b, transform.d))
    layer_of = _overlap_layers(geoms[present], diagonal if all_touched else None)
    index = np.flatnonzero(present)
    label_dtype = "uint8" if len(geoms) <= 255 else "uint16" if len(geoms) <= 65535 else "int32"
    layers, members = [], []
    for layer in range(int(layer_of.max()) + 1 if layer_of.size else 0):
        members_of_layer = index[layer_of == layer]
        shapes = [(geoms[i], int(i) + 1) for i in members_of_layer]
        members.append(members_of_layer + 1)
        try:
            burnt = rasterize(shapes, out_shape=shape, transform=transform, fill=0, all_touched=all_touched, dtype=label_dtype)
        except Exception as exc:  # GDAL/rasterio errors on odd geometries
            raise InputValueError(f"cannot rasterise the zones of {source} onto the raster grid: {exc}") from None
        layers.append(burnt)
    if not any(lab.any() for lab in layers):
        overlaps = zb[0] < right and zb[2] > left and zb[1] < top and zb[3] > bottom
        why = "no zone contains a pixel centre" if overlaps else "the extents do not overlap"
        raise InputValueError(
            f"{source} does not overlap the raster ({why}): zones extent {tuple(round(float(b), 3) for b in zb)} vs raster extent "
            f"{(round(left, 3), round(bottom, 3), round(right, 3), round(top, 3))} in {raster_crs.to_string()}"
        )
    return ZoneLayers(
        zones=gdf, layers=layers, members=members, source=source, shape=shape, transform=transform, crs=raster_crs,
        all_touched=all_touched,
    )


def _first_2d_var(ds: xr.Dataset) -> str:
    for name, var in ds.data_vars.items():
        if var.ndim >= 2:
            return str(name)
    raise InputValueError("the Dataset has no 2-D variable to take the grid from")
