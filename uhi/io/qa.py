"""Landsat 8/9 pixel-quality bits: decode ``QA_PIXEL`` (Collection 2) and ``BQA`` (pre-collection).

Collection 2 ``QA_PIXEL`` (CFMASK), one bit per condition (USGS LSDS-1619, Collection 2 Level-2 Science Product Guide, table "QA_PIXEL
(CFMASK) bits", from the USGS/GEE band table [gee-landsat-c2l2]; USGS Landsat 8-9 Collection 2 Level-2
Science Product Guide LSDS-1619, table 6-3):

=====  =============  =====  ============
bit    flag           bit    flag
=====  =============  =====  ============
0      fill           4      cloud shadow
1      dilated cloud  5      snow
2      cirrus (high)  6      clear
3      cloud          7      water
=====  =============  =====  ============

Pre-collection Landsat 8 ``BQA`` (USGS "Landsat 8 Pre-Collection Quality Assessment Band",
landsat.usgs.gov/qualityband, 2013-2016 products; the same bit positions are decoded by
mapbox/rio-l8qa ``l8qa/qa_pre.py``): bit 0 designated fill, bit 1 dropped frame, bit 2 terrain
occlusion, and two-bit confidences -- bits 4-5 water, 6-7 cloud shadow (reserved, never
populated), 10-11 snow/ice, 12-13 cirrus, 14-15 cloud -- each ``00`` not determined, ``01`` no
(0-33 %), ``10`` maybe (34-66 %), ``11`` yes (67-100 %). A pre-collection flag is set here when
its confidence is ``11`` ("yes"); there is no dilated-cloud flag, so it is always false.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import InputValueError

__all__ = ["BQA_CONFIDENCE_BITS", "FLAGS", "QA_PIXEL_BITS", "decode_qa", "qa_mask"]

#: Flags decoded by :func:`decode_qa`, in output order.
FLAGS = ("fill", "dilated_cloud", "cirrus", "cloud", "shadow", "snow", "water")

#: Collection 2 QA_PIXEL bit of each flag (USGS LSDS-1619, Collection 2 Level-2 Science Product Guide, table 6-3).
QA_PIXEL_BITS = {"fill": 0, "dilated_cloud": 1, "cirrus": 2, "cloud": 3, "shadow": 4, "snow": 5, "clear": 6, "water": 7}

#: Pre-collection BQA: single-bit fill, and the low bit of each two-bit confidence field.
BQA_FILL_BIT = 0
BQA_CONFIDENCE_BITS = {"water": 4, "shadow": 6, "snow": 10, "cirrus": 12, "cloud": 14}
_CONFIDENCE_YES = 3  # "11": 67-100 % confidence

_QA_VARIABLES = {"qa_pixel": "02", "bqa": "pre-collection"}


def _normalise_collection(collection) -> str:
    text = str(collection).strip().lower()
    if text in ("02", "2", "c2", "collection 2", "collection2"):
        return "02"
    if text in ("pre-collection", "precollection", "pre", "c0"):
        return "pre-collection"
    raise InputValueError(
        f"collection {collection!r} is not one uhi decodes; expected '02' (QA_PIXEL) or 'pre-collection' (BQA)"
    )


def _check_flags(flags) -> tuple[str, ...]:
    if isinstance(flags, str):
        flags = (flags,)
    flags = tuple(flags)
    unknown = [f for f in flags if f not in FLAGS]
    if unknown or not flags:
        raise InputValueError(f"unknown QA flag(s) {unknown or flags!r}; expected a non-empty subset of {FLAGS}")
    return flags


def _flag(qa: xr.DataArray, flag: str, collection: str) -> xr.DataArray | None:
    """Boolean flag of one condition, or None when the product never sets it."""
    if collection == "02":
        return (qa & (1 << QA_PIXEL_BITS[flag])) != 0
    if flag == "fill":
        return (qa & (1 << BQA_FILL_BIT)) != 0
    if flag == "dilated_cloud":
        return None
    return ((qa >> BQA_CONFIDENCE_BITS[flag]) & 3) == _CONFIDENCE_YES


def _as_integer_qa(qa) -> xr.DataArray:
    if not isinstance(qa, xr.DataArray):
        qa = xr.DataArray(np.asarray(qa))
    if not np.issubdtype(qa.dtype, np.integer):
        raise InputValueError(
            f"QA band {qa.name or ''!s} has dtype {qa.dtype}; expected the unscaled integer (uint16) QA_PIXEL/BQA band"
        )
    return qa


def decode_qa(qa, collection: str = "02") -> xr.Dataset:
    """Decode a QA band into boolean flags.

    Parameters
    ----------
    qa
        ``QA_PIXEL`` (Collection 2) or ``BQA`` (pre-collection) band: integer DataArray (numpy or
        dask; dask stays lazy) or array.
    collection
        ``"02"`` or ``"pre-collection"`` (``ds.attrs["collection"]`` of a loaded scene).

    Returns
    -------
    xarray.Dataset
        Boolean variables ``fill``, ``dilated_cloud``, ``cirrus``, ``cloud``, ``shadow``,
        ``snow``, ``water`` on the grid of ``qa`` (bit table in the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> flags = decode_qa(np.array([21824, 22280, 1], dtype=np.uint16), "02")
    >>> flags["cloud"].values.tolist(), flags["fill"].values.tolist()
    ([False, True, False], [False, False, True])
    """
    collection = _normalise_collection(collection)
    qa = _as_integer_qa(qa)
    out = {}
    for flag in FLAGS:
        value = _flag(qa, flag, collection)
        if value is None:
            value = xr.zeros_like(qa, dtype=bool)
        out[flag] = value.assign_attrs(long_name=f"QA flag: {flag.replace('_', ' ')}", units="1")
    return xr.Dataset(out, attrs={"collection": collection})


def qa_mask(ds, *, flags=("fill", "cloud", "shadow", "cirrus", "snow", "dilated_cloud")) -> xr.DataArray:
    """Boolean mask, true where any of ``flags`` is set (the pixels to discard).

    Parameters
    ----------
    ds
        A scene from :func:`uhi.load_landsat` holding ``qa_pixel`` (Collection 2) or ``bqa``
        (pre-collection), or that QA DataArray itself (named ``qa_pixel``/``bqa``).
    flags
        Conditions to mask, any of ``fill``, ``dilated_cloud``, ``cirrus``, ``cloud``,
        ``shadow``, ``snow``, ``water``. The default masks everything but water; Collection 2
        data recommend masking bits 0-5 (USGS LSDS-1619, Collection 2 Level-2 Science Product Guide, "Recommended clear-sky mask").

    Returns
    -------
    xarray.DataArray
        ``bool`` on the scene grid, named ``qa_mask`` (lazy if the QA band is dask-backed).
    """
    flags = _check_flags(flags)
    if isinstance(ds, xr.Dataset):
        names = [name for name in _QA_VARIABLES if name in ds.data_vars]
        if not names:
            raise InputValueError(
                "the dataset has no QA band (qa_pixel or bqa); load the scene with its QA file "
                "(load_landsat(..., bands=None) or include 'qa_pixel'/'bqa' in bands)"
            )
        qa = ds[names[0]]
        collection = ds.attrs.get("collection", _QA_VARIABLES[names[0]])
    elif isinstance(ds, xr.DataArray) and ds.name in _QA_VARIABLES:
        qa, collection = ds, _QA_VARIABLES[ds.name]
    else:
        raise InputValueError(
            f"qa_mask expects a loaded scene (xarray.Dataset) or its qa_pixel/bqa DataArray, got {type(ds).__name__}"
        )
    collection = _normalise_collection(collection)
    qa = _as_integer_qa(qa)
    if collection == "02":
        bits = sum(1 << QA_PIXEL_BITS[f] for f in flags)
        mask = (qa & bits) != 0  # one pass: any of the single-bit flags
    else:
        mask = None
        for flag in flags:
            value = _flag(qa, flag, collection)
            if value is not None:
                mask = value if mask is None else (mask | value)
        if mask is None:
            mask = xr.zeros_like(qa, dtype=bool)
    mask = mask.rename("qa_mask")
    mask.attrs = {"long_name": f"QA mask ({', '.join(flags)})", "units": "1", "flags": ", ".join(flags),
                  "collection": collection}
    return mask
