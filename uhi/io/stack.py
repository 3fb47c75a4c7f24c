"""Multi-band analysis stacks without band names (e.g. the Sofia LST/index stacks) -> named Dataset.

Some published city datasets ship indices, population and LST as one unnamed multi-band GeoTIFF; the band
order comes from the producing code. :func:`load_stack` names the bands and sets units; it reads the
georeferencing as the file has it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from uhi.errors import InputValueError, SceneFormatError

__all__ = ["SOFIA_STACK_BANDS", "SOFIA_STACK_SCALES", "SOFIA_STACK_UNITS", "load_stack"]

#: Band order of the Sofia stacks LC08_184030_20140814.tif / _20190812.tif (HeavyHelium/lst-prediction,
#: data/clipped-zoomed, commit 1222d24, MIT (c) 2024 D. Markova): indices [1], GHS-POP count, LST [degC].
SOFIA_STACK_BANDS = ("ndbi", "ndbai", "mndwi", "ndwi", "ndvi", "evi", "savi", "population", "lst")
SOFIA_STACK_UNITS = {"population": "1", "lst": "degC"}
#: The producing notebook computed the spectral indices from unscaled Collection-2 digital numbers, not from
#: surface reflectance (SAVI = 1.5 NDVI everywhere, EVI -299..5927), so they are relative predictors only:
#: ranks and regressions, never thresholds meant for reflectance-based indices (NDBI > 0, NDVI > 0.5 ...).
SOFIA_STACK_SCALES = {name: "dn" for name in SOFIA_STACK_BANDS[:7]}


def load_stack(path, band_names, *, units=None, scales=None, chunks=None) -> xr.Dataset:
    """Read an unnamed multi-band GeoTIFF as a Dataset with one named variable per band.

    Parameters
    ----------
    path : str or Path
        The GeoTIFF (georeferencing read as it is).
    band_names : sequence of str
        One name per band, in file order.
    units : dict, optional
        ``{name: units}`` set as CF ``units`` attrs (others get ``"1"``).
    scales : dict, optional
        ``{name: "dn"}`` marks an index computed from digital numbers instead of reflectance; it is
        recorded as ``attrs["index_scale"] = "dn"`` and :func:`uhi.analysis.analyse_layers` then uses
        no reflectance thresholds on it (see :data:`SOFIA_STACK_SCALES`).
    chunks : optional
        Dask chunks (lazy read).
    """
    import rioxarray

    path = Path(path)
    if not path.is_file():
        raise InputValueError(f"stack {str(path)!r} does not exist")
    try:
        stack = rioxarray.open_rasterio(path, masked=True, chunks=chunks)
    except Exception as exc:  # rasterio raises several error types for unreadable files
        raise SceneFormatError(f"stack {str(path)!r} cannot be read as a GeoTIFF: {exc}") from None
    if stack.sizes["band"] != len(band_names):
        raise SceneFormatError(
            f"stack {str(path)!r} has {stack.sizes['band']} bands; expected {len(band_names)} ({', '.join(band_names)})"
        )
    if stack.rio.crs is None:
        raise SceneFormatError(f"stack {str(path)!r} has no CRS")
    units = dict(units or {})
    scales = dict(scales or {})
    data = {}
    for i, name in enumerate(band_names):
        da = stack.isel(band=i, drop=True).astype(np.float32)
        da.attrs = {"units": units.get(name, "1"), "long_name": name, "band": i + 1}
        if name in scales:
            da.attrs["index_scale"] = scales[name]
        data[name] = da
    ds = xr.Dataset(data, attrs={"source": path.name})
    return ds.rio.write_crs(stack.rio.crs)
