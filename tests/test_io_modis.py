"""MODIS MOD11A1 daily LST tiles: `uhi.io.load_modis_lst` on the real tile of ../shared/data/modis.

The tile is MOD11A1.A2019305.h14v09.006 (Terra, 2019-11-01, north-east Brazil; shared data README).
Expected values come from closed forms (the MODIS sinusoidal tile grid) and from the file's raw DNs
read here with pyhdf and scaled by hand with the product's documented factors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from uhi.errors import InputValueError, SceneFormatError
from uhi.io import load_modis_lst
from uhi.io.modis import modis_qc_mask

pyhdf = pytest.importorskip("pyhdf", reason="pyhdf (extra 'modis') reads HDF4; rasterio's GDAL cannot")
TILE = "MOD11A1.A2019305.h14v09.006.hdf"


@pytest.fixture(scope="module")
def tile(shared_data):
    return shared_data / "modis" / TILE


@pytest.fixture(scope="module")
def raw(tile):
    from pyhdf.SD import SD, SDC

    sd = SD(str(tile), SDC.READ)
    out = {name: sd.select(name)[:] for name in ("LST_Day_1km", "LST_Night_1km", "QC_Day", "QC_Night", "Emis_31")}
    sd.end()
    return out


@pytest.fixture(scope="module")
def ds(tile):
    return load_modis_lst(tile, quality="produced", max_lst_error_k=None)


def test_grid_is_the_modis_sinusoidal_tile(ds):
    """MODIS land grid: 36 x 18 tiles of 2*pi*R/36 m on a sphere of R = 6371007.181 m, 1200 pixels a side;
    tile h14v09 starts at x = -pi*R + 14 w, y = pi*R/2 - 9 w (closed form)."""
    r = 6371007.181
    w = 2 * math.pi * r / 36
    left, bottom, right, top = ds.rio.bounds()
    assert left == pytest.approx(-math.pi * r + 14 * w, abs=1e-3) and top == pytest.approx(math.pi * r / 2 - 9 * w, abs=1e-3)
    assert right - left == pytest.approx(w, abs=1e-3) and top - bottom == pytest.approx(w, abs=1e-3)
    assert ds.sizes == {"y": 1200, "x": 1200} and ds.rio.resolution()[0] == pytest.approx(w / 1200, abs=1e-6)
    # the tile's west edge at the equator is 40 W (tile 14 of 36 from 180 W), its east edge 30 W
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(ds.rio.crs, "EPSG:4326", always_xy=True)
    assert to_lonlat.transform(left, 0.0)[0] == pytest.approx(-40.0, abs=1e-9)
    assert to_lonlat.transform(right, 0.0)[0] == pytest.approx(-30.0, abs=1e-9)
    assert ds.attrs["date"] == "2019-11-01" and ds.attrs["tile"] == "h14v09" and ds.attrs["product"] == "MOD11A1.006"
    assert ds.attrs["product_doi"] == "10.5067/MODIS/MOD11A1.006"


def test_lst_is_dn_times_0_02_where_produced(ds, raw):
    """LST = DN x 0.02 K (MOD11 users' guide; the file's scale_factor), fill DN 0 -> NaN, masked where the
    mandatory QA bits (0-1) say 'not produced' (10, 11)."""
    for part, name, qc in (("day", "LST_Day_1km", "QC_Day"), ("night", "LST_Night_1km", "QC_Night")):
        dn, q = raw[name].astype(np.float64), raw[qc]
        expected = np.where((dn > 0) & ((q & 3) <= 1), dn * 0.02, np.nan)
        got = ds[f"lst_{part}"].values
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
        np.testing.assert_allclose(got[np.isfinite(got)], expected[np.isfinite(expected)], rtol=1e-6)
        assert ds[f"lst_{part}"].attrs["units"] == "K"
    # emissivity: DN x 0.002 + 0.49 (the file's own formula attribute)
    e = raw["Emis_31"].astype(np.float64)
    np.testing.assert_allclose(ds["emis_31"].values[e > 0], e[e > 0] * 0.002 + 0.49, rtol=1e-6)
    # plausibility of a tropical November day and night: within the MOD11 valid range, day warmer than night
    assert 290 < float(ds["lst_day"].median()) < 320 and float(ds["lst_night"].median()) < float(ds["lst_day"].median())


def test_qc_filters_by_bits(raw, tile):
    """Bits 0-1 mandatory QA, bits 6-7 LST error class (Wan 2013, MOD11 users' guide, collection 6, MOD11A1 QC table), decoded by hand."""
    q = np.array([0b00000000, 0b00000001, 0b00000010, 0b00000011, 0b01000001, 0b10000000, 0b11000000], np.uint8)
    np.testing.assert_array_equal(modis_qc_mask(q, quality="good"), [1, 0, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(modis_qc_mask(q, quality="produced"), [1, 1, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(modis_qc_mask(q, quality="produced", max_lst_error_k=2.0), [1, 1, 0, 0, 1, 0, 0])
    np.testing.assert_array_equal(modis_qc_mask(q, quality="produced", max_lst_error_k=1.0), [1, 1, 0, 0, 0, 0, 0])
    strict = load_modis_lst(tile, quality="good", max_lst_error_k=1.0)
    qd = raw["QC_Day"]
    expected = (raw["LST_Day_1km"] > 0) & ((qd & 3) == 0) & ((qd >> 6) == 0)
    np.testing.assert_array_equal(np.isfinite(strict["lst_day"].values), expected)
    assert strict.attrs["quality"] == "good" and strict.attrs["max_lst_error_k"] == 1.0


def test_bad_input_is_named(tmp_path, tile):
    with pytest.raises(InputValueError, match="does not exist"):
        load_modis_lst(tmp_path / "none.hdf")
    bad = tmp_path / "bad.hdf"
    bad.write_bytes(b"not hdf")
    with pytest.raises(SceneFormatError, match="bad.hdf' cannot be read as an HDF4 file"):
        load_modis_lst(bad)
    with pytest.raises(InputValueError, match="quality 'best' is not one of"):
        load_modis_lst(tile, quality="best")
    with pytest.raises(InputValueError, match="LST-error classes 1, 2, 3 K"):
        load_modis_lst(tile, max_lst_error_k=1.5)


def test_metrics_run_on_the_sinusoidal_grid(ds):
    """The tile is projected in metres: Gi* hot spots run on it as on a Landsat grid (shape and CRS kept)."""
    from uhi.metrics import hotspots

    night = ds["lst_night"].isel(y=slice(400, 500), x=slice(130, 250))  # around Fortaleza (3.7 S, 38.5 W)
    hot = hotspots(night, distance_m=3000)
    assert hot["gi_zscore"].shape == night.shape and hot.rio.crs == ds.rio.crs
