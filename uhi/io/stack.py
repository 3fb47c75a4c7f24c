"""Multi-band analysis stacks without band names (e.g. the Sofia LST/index stacks) -> named Dataset.

Some published city datasets ship indices, population and LST as one unnamed multi-band GeoTIFF; the band
order comes from the producing code. :func:`load_stack` names the bands, sets units, and can correct a
georeferencing offset measured against an independent layer (see :data:`SOFIA_STACK`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from uhi.errors import InputValueError, SceneFormatError

__all__ = ["SOFIA_STACK_BANDS", "SOFIA_STACK_OFFSET_PIXELS", "load_stack"]

#: Band order of the Sofia stacks LC08_184030_20140814.tif / _20190812.tif (HeavyHelium/lst-prediction,
#: data/clipped-zoomed, commit 1222d24; ../shared/data/README.md): indices [1], GHS-POP count, LST [degC].
SOFIA_STACK_BANDS = ("ndbi", "ndbai", "mndwi", "ndwi", "ndvi", "evi", "savi", "population", "lst")
SOFIA_STACK_UNITS = {"population": "1", "lst": "degC"}

#: Georeferencing error of the Sofia stacks, measured in this project (tests/test_metrics_sofia.py): the
#: stack's own population band matches the independently georeferenced GHS-POP 2020 grid
#: (correlation 0.975) only after moving the stack 87 rows south and 62 columns east (10.4 km S, 7.4 km E;
#: correlation 0.01 without the shift). ``(rows_south, cols_east)``.
SOFIA_STACK_OFFSET_PIXELS = (87, 62)


def load_stack(path, band_names, *, units=None, offset_pixels=(0, 0), chunks=None) -> xr.Dataset:
    """Read an unnamed multi-band GeoTIFF as a Dataset with one named variable per band.

    Parameters
    ----------
    path : str or Path
        The GeoTIFF.
    band_names : sequence of str
        One name per band, in file order.
    units : dict, optional
        ``{name: units}`` set as CF ``units`` attrs (others get ``"1"``).
    offset_pixels : (int, int)
        ``(rows_south, cols_east)`` by which the true position differs from the file's geotransform;
        the coordinates are shifted, the values untouched.
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
    rows, cols = offset_pixels
    res_x, res_y = stack.rio.resolution()
    x = stack.x + cols * abs(res_x)
    y = stack.y - rows * abs(res_y)
    data = {}
    for i, name in enumerate(band_names):
        da = stack.isel(band=i, drop=True).astype(np.float32).assign_coords(x=x, y=y)
        da.attrs = {"units": units.get(name, "1"), "long_name": name, "band": i + 1}
        data[name] = da
    ds = xr.Dataset(data, attrs={"source": str(path), "georeferencing_offset_pixels": f"{rows} S, {cols} E"})
    return ds.rio.write_crs(stack.rio.crs)
