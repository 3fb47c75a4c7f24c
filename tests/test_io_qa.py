"""QA decoding: every C2 QA_PIXEL bit, pre-collection BQA confidences, masks on real QA bands, dask."""

from __future__ import annotations

import dask.array as dsa
import numpy as np
import pytest
import rasterio
import xarray as xr

from uhi.errors import InputValueError
from uhi.io import decode_qa, load_landsat, qa_mask
from uhi.io.qa import FLAGS

BUNDLE = "LC08_L2SP_001062_20201031_20201106_02_T2"


@pytest.mark.parametrize("flag, bit", [("fill", 0), ("dilated_cloud", 1), ("cirrus", 2), ("cloud", 3),
                                       ("shadow", 4), ("snow", 5), ("water", 7)])
def test_collection2_single_bits(flag, bit):
    # QA_PIXEL bit table: USGS LSDS-1619 [usgs-c2l2-guide; gee-landsat-c2l2]. Bit 6 (clear) sets no flag.
    qa = xr.DataArray(np.array([1 << bit, 1 << 6, 0, 0xFFFF], dtype=np.uint16))
    flags = decode_qa(qa, "02")
    assert flags[flag].values.tolist() == [True, False, False, True]
    others = [f for f in FLAGS if f != flag]
    assert not any(flags[f].values[0] for f in others)


def test_collection2_real_values():
    # 21824 = 0b0101_0101_0100_0000: clear + low confidences (the usual clear-land value);
    # 22280 = 0b0101_0111_0000_1000: cloud bit 3 set; 1: fill only.
    values = np.array([21824, 22280, 23888, 1], dtype=np.uint16)
    flags = decode_qa(values, "02")
    assert flags["cloud"].values.tolist() == [False, True, False, False]
    assert flags["fill"].values.tolist() == [False, False, False, True]
    # 23888 = 0b0101_1101_0101_0000 = 16 + 64 + 256 + 1024 + 2048 + 4096 + 16384: shadow (bit 4), no cloud
    assert flags["shadow"].values.tolist() == [False, False, True, False]


@pytest.mark.parametrize("flag, low_bit", [("water", 4), ("snow", 10), ("cirrus", 12), ("cloud", 14)])
def test_precollection_confidence_pairs(flag, low_bit):
    # Pre-collection BQA: two-bit confidences, 11 = "yes" (USGS pre-collection QA band page;
    # mapbox/rio-l8qa qa_pre.py): a flag is set only for 11, not for 01 (no) or 10 (maybe).
    qa = np.array([3 << low_bit, 2 << low_bit, 1 << low_bit, 0], dtype=np.uint16)
    flags = decode_qa(qa, "pre-collection")
    assert flags[flag].values.tolist() == [True, False, False, False]


def test_precollection_fill_and_missing_flags():
    qa = np.array([1, 0xFFFF, 20480], dtype=np.uint16)  # 20480: cloud "no" and cirrus "no" (bits 12, 14 = 01)
    flags = decode_qa(qa, "pre-collection")
    assert flags["fill"].values.tolist() == [True, True, False]
    assert flags["dilated_cloud"].values.tolist() == [False, False, False]  # not in the pre-collection BQA
    assert flags["cloud"].values.tolist() == [False, True, False]


def test_qa_mask_on_the_real_bundle(shared_data):
    ds = load_landsat(shared_data / "landsat" / BUNDLE, bands=["qa_pixel"])
    mask = qa_mask(ds)
    with rasterio.open(shared_data / "landsat" / BUNDLE / f"{BUNDLE}_QA_PIXEL.TIF") as src:
        raw = src.read(1)
    # Clear-sky test "QA & 0b111111 == 0" (bits 0-5 of the QA_PIXEL table, USGS LSDS-1619 [usgs-c2l2-guide])
    # computed independently here.
    np.testing.assert_array_equal(mask.values, (raw & 0b111111) != 0)
    assert mask.dtype == bool and mask.name == "qa_mask"
    # ../shared/data/README.md: the bundle is 99.94 % cloud (of the scene; fill pixels are masked too)
    clouds = decode_qa(ds["qa_pixel"], "02")["cloud"]
    valid = ~decode_qa(ds["qa_pixel"], "02")["fill"]
    assert float(clouds.where(valid).mean()) > 0.99
    # the DataArray alone works too
    np.testing.assert_array_equal(qa_mask(ds["qa_pixel"], flags=("cloud",)).values, clouds.values)


def test_qa_mask_on_the_precollection_scene(shared_data):
    ds = load_landsat(shared_data / "landsat" / "LC80200392015216LGN00.tar.gz", bands=["bqa"])
    bqa = ds["bqa"].values
    expected = ((bqa & 1) != 0) | (((bqa >> 14) & 3) == 3) | (((bqa >> 12) & 3) == 3)
    np.testing.assert_array_equal(qa_mask(ds, flags=("fill", "cloud", "cirrus")).values, expected)
    # README: "Some cloud": a non-empty, partial mask
    assert 0.0 < float(qa_mask(ds).mean()) < 0.5


def test_dask_stays_lazy():
    qa = xr.DataArray(dsa.from_array(np.array([[8, 0], [1, 64]], dtype=np.uint16), chunks=1), dims=("y", "x"),
                      name="qa_pixel")
    mask = qa_mask(qa)
    assert isinstance(mask.data, dsa.Array)
    assert mask.values.tolist() == [[True, False], [True, False]]
    assert isinstance(decode_qa(qa, "02")["cloud"].data, dsa.Array)


def test_errors():
    qa = xr.DataArray(np.zeros(3, np.uint16), name="qa_pixel")
    with pytest.raises(InputValueError, match="unknown QA flag"):
        qa_mask(qa, flags=("clouds",))
    with pytest.raises(InputValueError, match="collection"):
        decode_qa(qa, "01")
    with pytest.raises(InputValueError, match="dtype float32"):
        decode_qa(np.zeros(3, np.float32), "02")
    with pytest.raises(InputValueError, match="no QA band"):
        qa_mask(xr.Dataset({"red": xr.DataArray(np.zeros(3, np.float32))}))
    with pytest.raises(InputValueError, match="expects a loaded scene"):
        qa_mask(np.zeros(3, np.uint16))
