"""Tests for uhi.io.write: atomic, non-clobbering outputs."""

import numpy as np
import pytest
import rasterio
import rioxarray  # noqa: F401
import xarray as xr

from uhi.errors import InputValueError, OutputExistsError, OutputPathError
from uhi.io.write import atomic_path, safe_output_path, write_raster, write_rasters


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


# ---- write_rasters: several outputs of one lazy graph in one pass ----

def _shared_graph(n=1100, chunk=300):
    """``base`` (counting its block calls) and two outputs derived from it: a float and a class raster."""
    calls = []

    def double(block):
        if block.size:  # not dask's zero-size probe of the output type
            calls.append(block.shape)
        return block * 2

    base = _raster(n).chunk({"y": chunk, "x": chunk})
    shared = base.copy(data=base.data.map_blocks(double, dtype=np.float32))
    risk = (shared / shared.max()).astype(np.float32).assign_attrs(units="1", long_name="risk")
    classes = xr.where(risk > 0.5, 2, 1).astype(np.uint8).rio.write_crs(risk.rio.crs)
    return risk, classes, calls


def test_write_rasters_equals_separate_writes_bitwise(tmp_path):
    risk, classes, _ = _shared_graph()
    one = write_rasters({tmp_path / "risk.tif": risk, tmp_path / "risk_class.tif": classes}, nodata={tmp_path / "risk_class.tif": 0})
    assert one == [tmp_path / "risk.tif", tmp_path / "risk_class.tif"]
    write_raster(risk, tmp_path / "sep_risk.tif")
    write_raster(classes, tmp_path / "sep_class.tif", nodata=0)
    for joint, alone in ((one[0], tmp_path / "sep_risk.tif"), (one[1], tmp_path / "sep_class.tif")):
        with rasterio.open(joint) as a, rasterio.open(alone) as b:
            pa, pb = dict(a.profile), dict(b.profile)
            assert np.array_equal(pa.pop("nodata"), pb.pop("nodata"), equal_nan=True)
            assert pa == pb  # same dtype, tiling, compression, transform
            assert a.tags() == b.tags()
            va, vb = a.read(1), b.read(1)
            assert va.dtype == vb.dtype and va.tobytes() == vb.tobytes()  # bitwise
    with rasterio.open(one[1]) as src:
        # 1 where risk <= 0.5, 2 above it: the class raster of the eager values
        np.testing.assert_array_equal(src.read(1), np.where(risk.values > 0.5, 2, 1))
        assert src.nodata == 0


def test_write_rasters_computes_the_shared_graph_once(tmp_path):
    # 1100^2 in 300^2 chunks: 4 x 4 = 16 blocks of the shared layer; the global max is one more pass over them
    risk, classes, calls = _shared_graph()
    write_raster(risk, tmp_path / "a.tif")
    write_raster(classes, tmp_path / "b.tif")
    separate = len(calls)
    calls.clear()
    write_rasters({tmp_path / "c.tif": risk, tmp_path / "d.tif": classes})
    joint = len(calls)
    # hand count: 3 bands of 512 rows (1100 rows in 300-row chunks); each band's compute evaluates the 16 blocks
    # of the global max, among them the band's own blocks, once for both outputs. Written separately, every
    # file repeats that work.
    assert joint == 3 * 16
    assert separate == 2 * 3 * 16


def test_write_rasters_refuses_existing_before_any_work(tmp_path):
    risk, classes, calls = _shared_graph()
    (tmp_path / "risk_class.tif").write_bytes(b"user data")
    with pytest.raises(OutputExistsError, match="risk_class.tif already exists"):
        write_rasters({tmp_path / "risk.tif": risk, tmp_path / "risk_class.tif": classes})
    assert calls == []  # nothing computed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["risk_class.tif"]
    assert (tmp_path / "risk_class.tif").read_bytes() == b"user data"
    write_rasters({tmp_path / "risk.tif": risk, tmp_path / "risk_class.tif": classes}, overwrite=True)
    with rasterio.open(tmp_path / "risk_class.tif") as src:
        assert src.read(1).max() == 2


def test_write_rasters_leaves_no_partial_file_on_error(tmp_path):
    risk, _, _ = _shared_graph()

    def fail_late(block, block_info=None):
        if block_info[0]["chunk-location"][0] == 3:  # the last row of chunks: the first bands are already written
            raise RuntimeError("disk on fire")
        return block

    broken = risk.copy(data=risk.data.map_blocks(fail_late, dtype=np.float32))
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_rasters({tmp_path / "risk.tif": risk, tmp_path / "broken.tif": broken})
    assert list(tmp_path.iterdir()) == []


def test_write_rasters_refuses_a_path_given_twice_and_mixes_numpy_and_dask(tmp_path):
    risk, _, _ = _shared_graph(n=64, chunk=32)
    with pytest.raises(OutputPathError, match="given twice"):
        write_rasters({tmp_path / "a.tif": risk, str(tmp_path / "a.tif"): risk})
    eager = risk.compute()
    paths = write_rasters({tmp_path / "lazy.tif": risk, tmp_path / "eager.tif": eager})
    for p in paths:
        with rasterio.open(p) as src:
            np.testing.assert_array_equal(src.read(1), eager.values)
