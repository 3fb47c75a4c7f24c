"""The one place where numpy and dask backends are dispatched.

Kernels (Numba functions on plain arrays) know nothing of xarray or dask.
Public functions call :func:`apply_pointwise` for per-pixel work and
:func:`apply_neighbourhood` for work that needs a halo of neighbouring pixels.
Both accept numpy- or dask-backed :class:`xarray.DataArray` objects and keep
coordinates (including rioxarray's ``spatial_ref``), so the CRS survives.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import xarray as xr

from .errors import CRSError, GridMismatchError, InputValueError

__all__ = [
    "SQUARE_PIXEL_RTOL",
    "apply_neighbourhood",
    "apply_pointwise",
    "check_same_grid",
    "grid_transform",
    "is_dask",
    "pixel_size_m",
    "require_numeric",
    "require_projected",
    "set_cf",
]


def is_dask(obj: Any) -> bool:
    """True when ``obj`` (DataArray or array) is backed by a dask array."""
    data = getattr(obj, "data", obj)
    return type(data).__module__.startswith("dask")


def apply_pointwise(
    func: Callable[..., np.ndarray],
    *arrays: xr.DataArray | float,
    dtype=np.float32,
    kwargs: dict | None = None,
) -> xr.DataArray:
    """Apply a per-pixel array function to DataArrays, lazily if any is dask-backed.

    ``func`` receives plain numpy arrays (one chunk at a time under dask) of the
    broadcast inputs and must return an array of the same shape.
    Attributes are dropped; the caller sets CF attributes on the result.
    """
    out = xr.apply_ufunc(
        func,
        *arrays,
        kwargs=kwargs or {},
        dask="parallelized",
        output_dtypes=[dtype],
        keep_attrs=False,
    )
    return _carry_crs(out, arrays)


def apply_neighbourhood(
    func: Callable[..., np.ndarray],
    da: xr.DataArray,
    depth: int,
    *,
    others: tuple[xr.DataArray, ...] = (),
    boundary: float | str = np.nan,
    dtype=np.float32,
    kwargs: dict | None = None,
) -> xr.DataArray:
    """Apply a 2-D neighbourhood function with a halo of ``depth`` pixels.

    Numpy-backed input calls ``func(values, *other_values, **kwargs)`` once; dask-backed
    input goes through :func:`dask.array.map_overlap` with ``depth`` pixels of overlap on
    both spatial axes and ``boundary`` outside the raster (NaN by default, which NaN-aware
    kernels treat as "outside the data"). ``others`` are further rasters on the same grid
    passed to ``func`` block by block with the same halo (rechunked like ``da``), so several
    neighbourhood steps can run as one pass. The result is equal to the eager computation as
    long as ``func`` never looks further than ``depth`` pixels.
    """
    kwargs = kwargs or {}
    if da.ndim != 2 or any(o.ndim != 2 for o in others):
        raise ValueError("apply_neighbourhood expects 2-D (y, x) DataArrays")
    if is_dask(da) or any(is_dask(o) for o in others):
        import dask.array as dsa

        depth = int(depth)
        first = da.data if is_dask(da) else dsa.from_array(da.values, chunks=-1)
        arrays = [first] + [dsa.asarray(o.data).rechunk(first.chunks) for o in others]
        data = dsa.map_overlap(
            func,
            *arrays,
            depth={0: depth, 1: depth},
            boundary=boundary,
            dtype=dtype,
            meta=np.array((), dtype=dtype),
            align_arrays=False,
            **kwargs,
        )
    else:
        values = [np.asarray(da.values)] + [np.asarray(o.values) for o in others]
        data = np.asarray(func(*values, **kwargs), dtype=dtype)
    return _carry_crs(xr.DataArray(data, coords=da.coords, dims=da.dims), (da,))


def _carry_crs(out: xr.DataArray, inputs) -> xr.DataArray:
    """Re-attach the first input's CRS (rioxarray keeps it in a ``grid_mapping`` attr that attrs-dropping loses)."""
    for obj in inputs:
        if isinstance(obj, (xr.DataArray, xr.Dataset)):
            crs = obj.rio.crs
            if crs is not None:
                return out.rio.write_crs(crs, inplace=True)  # out is new: no deep copy of its data
    return out


def require_projected(da: xr.DataArray | xr.Dataset, what: str = "this operation"):
    """Return the CRS of ``da`` after checking that it is projected (metres).

    Raises :class:`~uhi.errors.CRSError` if the CRS is missing, geographic
    (degrees) or not in metres.
    """
    crs = da.rio.crs
    if crs is None:
        raise CRSError(f"{what} needs a projected CRS in metres, but the raster has no CRS; set one with .rio.write_crs()")
    if crs.is_geographic:
        raise CRSError(
            f"{what} measures distances in metres, but the raster's CRS {crs.to_string()} is geographic (degrees); "
            "reproject it to a projected CRS such as the city's UTM zone (.rio.reproject('EPSG:326xx'))"
        )
    units = (crs.linear_units or "").lower()
    if units not in ("metre", "meter", "m", "metres", "meters"):
        raise CRSError(f"{what} needs a CRS in metres, but {crs.to_string()} has linear units {crs.linear_units!r}")
    return crs


#: Relative tolerance of the square-pixel check of :func:`pixel_size_m`. Landsat products are on an exact
#: 30 m grid, but resampled products are not: the shrunk 379 x 386 px Amazon Level-2 fixture has 600.08 m x
#: 600.85 m pixels (0.13 % apart). Distances are measured with the geometric-mean pixel size, so a band of
#: ``r`` pixels is off by at most ``r * rtol / 2`` pixels along either axis: with 1 % that is under half a
#: pixel for bands up to 100 pixels (Gi* at 500 m on 30 m pixels spans 17).
SQUARE_PIXEL_RTOL = 0.01


def grid_transform(da: xr.DataArray | xr.Dataset, what: str = "this operation"):
    """Affine transform of a raster's grid, also for 1 x 1 and 1 x N rasters.

    The transform comes from the x/y coordinates; a raster one pixel wide or tall has no spacing
    along that axis in its coordinates, so its stored transform (rioxarray's ``GeoTransform``, present
    on every raster read from a GeoTIFF) is used. Without one, :class:`~uhi.errors.InputValueError`
    says how to give it (rather than silently assuming 1 m pixels, rioxarray's fallback).
    """
    from affine import Affine

    try:
        height, width = da.rio.height, da.rio.width
    except Exception as exc:  # rioxarray: no x/y dimensions
        raise InputValueError(f"{what} needs a raster with x/y dimensions ({exc})") from None
    if height > 1 and width > 1:
        return da.rio.transform(recalc=True)
    stored = da.rio.transform(recalc=False)
    if stored != Affine.identity() and stored.b == 0 and stored.d == 0:
        # cell size from the stored transform, position from the coordinates (a slice keeps a stale offset)
        x, y = (np.asarray(da[da.rio.x_dim].values, dtype=float), np.asarray(da[da.rio.y_dim].values, dtype=float))
        a = stored.a if width == 1 else x[1] - x[0]
        e = stored.e if height == 1 else y[1] - y[0]
        return Affine(a, 0.0, x[0] - a / 2, 0.0, e, y[0] - e / 2)
    raise InputValueError(
        f"{what}: the raster is {height} x {width} pixels, so its coordinates do not give the cell size; "
        "read it from a GeoTIFF or set the grid with .rio.write_transform(Affine(...))"
    )


def require_numeric(da, name: str) -> None:
    """Raise :class:`~uhi.errors.InputValueError` unless ``da`` holds numbers (bool, integer or float)."""
    dtype = np.dtype(getattr(da, "dtype", np.asarray(da).dtype))
    if not (dtype == bool or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise InputValueError(f"{name} has dtype {dtype} ({dtype.kind!r} values); expected a numeric raster (integer or float)")


def pixel_size_m(da: xr.DataArray | xr.Dataset, what: str = "this operation", *, rtol: float = SQUARE_PIXEL_RTOL) -> float:
    """Pixel size [m] of a raster on a projected grid with (nearly) square pixels.

    Pixels whose x and y sizes differ by at most ``rtol`` (relative, default
    :data:`SQUARE_PIXEL_RTOL` = 1 %) count as square; the size returned is the geometric mean
    ``sqrt(dx dy)`` (the side of a square of the same area). Larger differences raise
    :class:`~uhi.errors.GridMismatchError`.
    """
    require_projected(da, what)
    transform = grid_transform(da, what)
    dx, dy = transform.a, transform.e
    dx, dy = abs(float(dx)), abs(float(dy))
    if not np.isclose(dx, dy, rtol=rtol, atol=0.0):
        raise GridMismatchError(
            f"{what} needs square pixels, got {dx:.6g} m x {dy:.6g} m ({abs(dx - dy) / max(dx, dy):.2%} apart, tolerance "
            f"{rtol:.0%}); resample the raster to square pixels (e.g. .rio.reproject(crs, resolution=...))"
        )
    return dx if dx == dy else float(np.sqrt(dx * dy))


def check_same_grid(*arrays: xr.DataArray, names: tuple[str, ...] | None = None) -> None:
    """Raise :class:`GridMismatchError` unless all rasters share shape, transform and CRS."""
    names = names or tuple(str(getattr(a, "name", None) or f"raster {i}") for i, a in enumerate(arrays))
    ref = arrays[0]
    for name, other in zip(names[1:], arrays[1:]):
        if other.shape[-2:] != ref.shape[-2:]:
            raise GridMismatchError(
                f"{name!r} has shape {other.shape[-2:]} but {names[0]!r} has {ref.shape[-2:]}; "
                "bring them onto one grid first (e.g. .rio.reproject_match())"
            )
        crs_a, crs_b = ref.rio.crs, other.rio.crs
        if crs_a is not None and crs_b is not None and crs_a != crs_b:
            raise GridMismatchError(f"{name!r} is in {crs_b} but {names[0]!r} is in {crs_a}; reproject one onto the other")
        if not (np.allclose(ref["x"].values, other["x"].values) and np.allclose(ref["y"].values, other["y"].values)):
            raise GridMismatchError(f"{name!r} and {names[0]!r} have different x/y coordinates; align them first")


def set_cf(da: xr.DataArray, *, name: str, units: str, long_name: str, standard_name: str | None = None, **provenance) -> xr.DataArray:
    """Name a DataArray and attach CF attributes plus provenance attributes."""
    da = da.rename(name)
    attrs = {"units": units, "long_name": long_name}
    if "grid_mapping" in da.attrs:  # rioxarray's link to the CRS coordinate
        attrs["grid_mapping"] = da.attrs["grid_mapping"]
    if standard_name:
        attrs["standard_name"] = standard_name
    attrs.update({k: v for k, v in provenance.items() if v is not None})
    da.attrs = attrs
    return da
