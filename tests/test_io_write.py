"""Tests for uhi.io.write: atomic, non-clobbering outputs."""

import numpy as np
import pytest
import rasterio
import xarray as xr
import rioxarray  # noqa: F401

from uhi.errors import InputValueError, OutputExistsError, OutputPathError
from uhi.io.write import atomic_path, safe_output_path, write_raster


def _raster(n=64):
    da = xr.DataArray(
        np.arange(n * n, dtype=np.float32).reshape(n, n),
        dims=("y", "x"),
        coords={"y": 4.7e6 - 30 * (np.arange(n) + 0.5), "x": 5e5 + 30 * (np.arange(n) + 0.5)},
        attrs={"units": "K", "long_name": "land surface temperature"},
    )
    return da.rio.write_crs("EPSG:32634")


def test_write_raster_roundtrip_and_no_clobber(tmp_path):
    da = _raster()
    da[0, 0] = np.nan
    path = write_raster(da, tmp_path / "lst.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 32634
        # pixel-centre coords 5e5+15 -> left edge 5e5 (hand computed)
        assert src.transform.c == pytest.approx(5e5) and src.transform.f == pytest.approx(4.7e6)
        values = src.read(1)
        assert src.tags()["units"] == "K"
    assert np.isnan(values[0, 0])
    np.testing.assert_array_equal(values[1:], da.values[1:])
    with pytest.raises(OutputExistsError, match="already exists"):
        write_raster(da, path)
    write_raster(da + 1, path, overwrite=True)
    with rasterio.open(path) as src:
        assert src.read(1)[1, 1] == da.values[1, 1] + 1


def test_dask_raster_streams_to_tiled_geotiff(tmp_path):
    da = _raster(1100).chunk({"y": 300, "x": 700})
    path = write_raster(da, tmp_path / "big.tif")
    with rasterio.open(path) as src:
        assert src.profile["tiled"] and src.profile["blockxsize"] == 512
        np.testing.assert_array_equal(src.read(1), da.values)


def test_no_partial_file_on_interrupt(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(target) as tmp:
            tmp.write_text("half a ta")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_write_raster_without_crs_is_refused(tmp_path):
    da = xr.DataArray(np.zeros((3, 3), np.float32), dims=("y", "x"))
    with pytest.raises(InputValueError, match="no CRS"):
        write_raster(da, tmp_path / "x.tif")
    assert not (tmp_path / "x.tif").exists()


@pytest.mark.parametrize("relative", ["../escape.tif", "/etc/passwd", "a/../../b.tif"])
def test_safe_output_path_refuses_escape(tmp_path, relative):
    with pytest.raises(OutputPathError, match="outside the output directory"):
        safe_output_path(tmp_path, relative)


def test_safe_output_path_allows_inside(tmp_path):
    assert safe_output_path(tmp_path, "maps/a.png") == (tmp_path / "maps" / "a.png").resolve()
