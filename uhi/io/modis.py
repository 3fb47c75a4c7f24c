"""MODIS daily land-surface temperature (MOD11A1 Terra / MYD11A1 Aqua, HDF4-EOS, 1 km sinusoidal tiles).

:func:`load_modis_lst` reads one tile into a georeferenced :class:`xarray.Dataset`: day and night LST [K],
their observation times and view angles, the band 31/32 emissivities and the raw QC bytes, with pixels of
insufficient quality masked. GDAL in rasterio's wheels has no HDF4 driver, so the file is read with
``pyhdf`` (``pip install "uhi-toolkit[modis]"``).

Scaling: every layer is ``DN * scale_factor + add_offset`` with the values and the formula the file's own
attributes state (e.g. ``LST_Day_1km``: scale 0.02 K, fill 0, valid 7500-65535; ``Emis_31``: 0.002 and 0.49);
they are read from the file, not hard-coded.

QC byte (``QC_Day`` / ``QC_Night``; Wan 2013, "MODIS Land-Surface Temperature Products Users' Guide", collection 6, MOD11A1 QC table; also
GRASS ``i.modis.qc``):

=====  ==========================  =====================================================
bits   field                       values
=====  ==========================  =====================================================
0-1    mandatory QA                00 good quality, 01 produced (other quality: check the
                                   other bits), 10 not produced (cloud), 11 not produced
2-3    data quality                00 good, 01 other quality
4-5    emissivity error            00 <= 0.01, 01 <= 0.02, 10 <= 0.04, 11 > 0.04
6-7    LST error                   00 <= 1 K, 01 <= 2 K, 10 <= 3 K, 11 > 3 K
=====  ==========================  =====================================================

Grid: the tile's corners (``UpperLeftPointMtrs``, ``LowerRightMtrs``) and sphere radius (``ProjParams``) are
read from the file's ``StructMetadata.0``; the CRS is the MODIS sinusoidal projection on that sphere.
Sources: Wan, Hook & Hulley 2015, MOD11A1 v006, NASA EOSDIS LP DAAC, doi:10.5067/MODIS/MOD11A1.006;
Wan 2014, Remote Sens. Environ. 140:36-45, doi:10.1016/j.rse.2013.08.027 (collection-6 accuracy, within 1 K
at most validation sites).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import xarray as xr

from ..errors import InputValueError, SceneFormatError

__all__ = ["MODIS_LAYERS", "QUALITY_LEVELS", "load_modis_lst", "modis_qc_mask"]

#: Output variable -> HDF scientific data set of MOD11A1/MYD11A1, with units and long name.
MODIS_LAYERS = {
    "lst_day": ("LST_Day_1km", "K", "daytime land surface temperature"),
    "lst_night": ("LST_Night_1km", "K", "night-time land surface temperature"),
    "view_time_day": ("Day_view_time", "h", "local solar time of the daytime observation"),
    "view_time_night": ("Night_view_time", "h", "local solar time of the night-time observation"),
    "view_angle_day": ("Day_view_angl", "degree", "view zenith angle of the daytime observation"),
    "view_angle_night": ("Night_view_angl", "degree", "view zenith angle of the night-time observation"),
    "emis_31": ("Emis_31", "1", "band 31 (11 um) emissivity"),
    "emis_32": ("Emis_32", "1", "band 32 (12 um) emissivity"),
}
#: ``quality`` of :func:`modis_qc_mask`: accepted mandatory-QA values (bits 0-1).
QUALITY_LEVELS = {"good": (0,), "produced": (0, 1)}
#: Largest LST error [K] of each LST-error class (bits 6-7); class 3 is "> 3 K".
LST_ERROR_CLASSES_K = (1.0, 2.0, 3.0)


def modis_qc_mask(qc, *, quality: str = "produced", max_lst_error_k: float | None = None) -> np.ndarray:
    """True where a pixel's QC byte passes: mandatory QA in ``quality`` and LST error class <= ``max_lst_error_k``.

    ``quality="good"`` keeps bits 0-1 = 00 only; ``"produced"`` also 01 (LST produced, other quality).
    ``max_lst_error_k`` in {1, 2, 3} K keeps pixels whose average LST error (bits 6-7) is at most that;
    ``None`` keeps every error class.
    """
    _check_filter(quality, max_lst_error_k)
    qc = np.asarray(qc).astype(np.uint8)
    ok = np.isin(qc & 0b11, QUALITY_LEVELS[quality])
    if max_lst_error_k is not None:
        ok &= ((qc >> 6) & 0b11) <= LST_ERROR_CLASSES_K.index(max_lst_error_k)
    return ok


def _check_filter(quality: str, max_lst_error_k: float | None) -> None:
    if quality not in QUALITY_LEVELS:
        raise InputValueError(f"quality {quality!r} is not one of {sorted(QUALITY_LEVELS)}")
    if max_lst_error_k is not None and max_lst_error_k not in LST_ERROR_CLASSES_K:
        raise InputValueError(f"max_lst_error_k {max_lst_error_k!r} is not one of the MOD11 LST-error classes 1, 2, 3 K")


def _open(path: Path):
    try:
        from pyhdf.SD import SD, SDC
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise InputValueError(
            f"reading the MODIS HDF4 file {str(path)!r} needs pyhdf: pip install \"uhi-toolkit[modis]\" (or pyhdf)"
        ) from None
    from pyhdf.error import HDF4Error

    try:
        return SD(str(path), SDC.READ)
    except HDF4Error as exc:
        raise SceneFormatError(f"{str(path)!r} cannot be read as an HDF4 file: {exc}") from None


def _grid(sd, path: Path) -> tuple[tuple[float, float, float, float], float]:
    """(left, top, right, bottom) [m] and sphere radius [m] from ``StructMetadata.0``."""
    meta = sd.attributes().get("StructMetadata.0", "")
    ul = re.search(r"UpperLeftPointMtrs=\(([-\d.]+),([-\d.]+)\)", meta)
    lr = re.search(r"LowerRightMtrs=\(([-\d.]+),([-\d.]+)\)", meta)
    proj = re.search(r"Projection=(\w+)", meta)
    params = re.search(r"ProjParams=\(([-\d.]+),", meta)
    if not (ul and lr and proj and params):
        raise SceneFormatError(f"{str(path)!r} has no HDF-EOS grid metadata (StructMetadata.0 corners and projection)")
    if proj.group(1) != "GCTP_SNSOID":
        raise SceneFormatError(f"{str(path)!r} is on a {proj.group(1)} grid; expected the MODIS sinusoidal grid (GCTP_SNSOID)")
    return (float(ul.group(1)), float(ul.group(2)), float(lr.group(1)), float(lr.group(2))), float(params.group(1))


def _core_value(sd, key: str) -> str | None:
    core = sd.attributes().get("CoreMetadata.0", "")
    m = re.search(key + r'.*?VALUE\s*=\s*"?([^"\n]+)"?', core, flags=re.S)
    return m.group(1).strip() if m else None


def _scaled(sd, name: str) -> np.ndarray:
    """Physical values of one data set: DN * scale_factor + add_offset; fill and out-of-range DNs -> NaN."""
    sds = sd.select(name)
    dn = sds[:]
    attrs = sds.attributes()
    valid = np.ones(dn.shape, dtype=bool)
    if "_FillValue" in attrs:
        valid &= dn != attrs["_FillValue"]
    if "valid_range" in attrs:
        lo, hi = attrs["valid_range"]
        valid &= (dn >= lo) & (dn <= hi)
    values = dn.astype(np.float32) * np.float32(attrs.get("scale_factor", 1.0)) + np.float32(attrs.get("add_offset", 0.0))
    return np.where(valid, values, np.float32(np.nan)).astype(np.float32)


def load_modis_lst(path, *, quality: str = "produced", max_lst_error_k: float | None = 2.0) -> xr.Dataset:
    """Read a MOD11A1 / MYD11A1 daily LST tile (HDF4-EOS) as a georeferenced Dataset.

    Parameters
    ----------
    path
        The ``.hdf`` file, e.g. ``MOD11A1.A2019305.h14v09.006.*.hdf``.
    quality
        ``"produced"`` (default: mandatory QA 00 or 01) or ``"good"`` (00 only); see :func:`modis_qc_mask`.
    max_lst_error_k
        Keep pixels whose LST-error class is at most this (1, 2 or 3 K; default 2 K); ``None`` keeps all.

    Returns
    -------
    xarray.Dataset
        ``lst_day``, ``lst_night`` [K] masked by their own QC byte; ``view_time_*`` [h, local solar time],
        ``view_angle_*`` [degree], ``emis_31``, ``emis_32`` and the raw ``qc_day``, ``qc_night`` bytes, on the
        tile's sinusoidal grid (pixel-centre coordinates, CRS written with rioxarray); attrs ``product``,
        ``tile``, ``date`` (YYYY-MM-DD), ``source``, ``product_doi``, and the quality filter used.

    Raises
    ------
    InputValueError
        Missing file, bad ``quality`` / ``max_lst_error_k``, or pyhdf not installed.
    SceneFormatError
        Not an HDF4 file, no sinusoidal grid metadata, or not a MOD11A1/MYD11A1 tile (no ``LST_Day_1km``).
    """
    import rioxarray  # noqa: F401  (registers the .rio accessor)

    path = Path(os.fspath(path))
    if not path.is_file():
        raise InputValueError(f"MODIS file {str(path)!r} does not exist")
    _check_filter(quality, max_lst_error_k)  # before opening the file
    sd = _open(path)
    try:
        names = set(sd.datasets())
        missing = sorted(({sds for sds, _, _ in MODIS_LAYERS.values()} | {"QC_Day", "QC_Night"}) - names)
        if missing:
            raise SceneFormatError(f"{str(path)!r} is not a MOD11A1/MYD11A1 daily LST tile: it lacks {missing}")
        (left, top, right, bottom), radius = _grid(sd, path)
        data = {name: _scaled(sd, sds) for name, (sds, _, _) in MODIS_LAYERS.items()}
        qc = {"day": sd.select("QC_Day")[:].astype(np.uint8), "night": sd.select("QC_Night")[:].astype(np.uint8)}
        date = _core_value(sd, "RANGEBEGINNINGDATE")
        doi = sd.attributes().get("identifier_product_doi", "")
    finally:
        sd.end()
    for part in ("day", "night"):
        keep = modis_qc_mask(qc[part], quality=quality, max_lst_error_k=max_lst_error_k)
        data[f"lst_{part}"] = np.where(keep, data[f"lst_{part}"], np.float32(np.nan))
    ny, nx = data["lst_day"].shape
    dx, dy = (right - left) / nx, (top - bottom) / ny
    coords = {"y": top - dy * (np.arange(ny) + 0.5), "x": left + dx * (np.arange(nx) + 0.5)}
    variables = {}
    for name, (_, units, long_name) in MODIS_LAYERS.items():
        variables[name] = xr.DataArray(data[name], dims=("y", "x"), coords=coords, attrs={"units": units, "long_name": long_name})
    for part in ("day", "night"):
        variables[f"qc_{part}"] = xr.DataArray(qc[part], dims=("y", "x"), coords=coords,
                                               attrs={"units": "1", "long_name": f"MOD11 QC byte, {part}"})
    m = re.match(r"(M[OY]D11A1)\.A(\d{7})\.(h\d{2}v\d{2})\.(\d{3})", path.name)
    ds = xr.Dataset(variables, attrs={
        "product": f"{m.group(1)}.{m.group(4)}" if m else "MOD11A1", "tile": m.group(3) if m else "",
        "date": date or "", "source": path.name, "product_doi": doi, "quality": quality,
        "max_lst_error_k": "none" if max_lst_error_k is None else max_lst_error_k,
    })
    ds = ds.rio.write_crs(f"+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R={radius} +units=m +no_defs")
    return ds.rio.write_transform(ds.rio.transform(recalc=True))
