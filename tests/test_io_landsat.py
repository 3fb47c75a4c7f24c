"""load_landsat on every shared real scene, archive forms, eager == lazy, and every bad input."""

from __future__ import annotations

import math
import shutil
import tarfile
import warnings
from pathlib import Path

import dask.array as dsa
import numpy as np
import pytest
import rasterio
from rasterio.errors import NotGeoreferencedWarning
from rasterio.transform import from_origin

from uhi import constants
from uhi.errors import InputValueError, MetadataError, SceneFormatError
from uhi.io import landsat as landsat_module
from uhi.io import load_landsat, read_mtl
from uhi.io.landsat import _brightness_temperature_dn, _scale_dn, _scale_reference
from uhi.lst._reference import brightness_temperature_dn_reference as _bt_reference

BUNDLE = "LC08_L2SP_001062_20201031_20201106_02_T2"
MAUI = "LC09_L1TP_063046_20230714_20230714_02_T1"
LIVERPOOL = "LC08_L2SP_204023_20200927_20201006_02_T1"
MOMOTOMBO = "LC08_L2SP_017051_20151205_20200908_02_T1"
PRECOLLECTION = "LC80200392015216LGN00"

SCENE_ATTRS = {"scene_id", "spacecraft", "sensor", "collection", "processing_level", "level", "acquisition_time",
               "sun_elevation", "sun_azimuth", "earth_sun_distance", "wrs_path", "wrs_row", "utm_zone",
               "k1_constant_band_10", "k2_constant_band_10", "k1_constant_band_11", "k2_constant_band_11",
               "radiance_mult_band_10", "radiance_add_band_10", "radiance_mult_band_11", "radiance_add_band_11",
               "source", "cloud_mask"}


@pytest.fixture(scope="module")
def scenes(shared_data, tmp_path_factory) -> dict[str, Path]:
    """The shared archives extracted to folders (read-only shared data stays untouched)."""
    root = tmp_path_factory.mktemp("scenes")
    out = {}
    for name, archive in ((MAUI, f"{MAUI}-cropped.tar.gz"), (LIVERPOOL, f"{LIVERPOOL}-cropped.tar.gz"),
                          (MOMOTOMBO, f"{MOMOTOMBO}-cropped.tar.gz"), (PRECOLLECTION, f"{PRECOLLECTION}.tar.gz")):
        folder = root / name
        folder.mkdir()
        with tarfile.open(shared_data / "landsat" / archive) as tar:
            # the "data" filter exists from Python 3.10.12 / 3.11.4 on
            tar.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        out[name] = folder
    out[BUNDLE] = shared_data / "landsat" / BUNDLE
    return out


def _dn(folder: Path, name: str) -> np.ndarray:
    """Raw DN read with rasterio (the crops carry no georeferencing: silence GDAL's notice)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(next(folder.glob(f"*_{name}.TIF"))) as src:
            return src.read(1)


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


# --------------------------------------------------------------------------- real scenes


def test_liverpool_l2_surface_temperature_and_grid(shared_data, scenes):
    ds = load_landsat(shared_data / "landsat" / f"{LIVERPOOL}-cropped.tar.gz")
    assert list(ds.data_vars) == ["coastal", "blue", "green", "red", "nir", "swir1", "swir2", "surface_temperature"]
    assert all(ds[v].dtype == np.float32 and ds[v].dims == ("y", "x") for v in ds.data_vars)
    st = ds["surface_temperature"]
    # README: ST_B10 DN 39776..42784, i.e. 11.8..22.1 C with scale 0.00341802 and offset 149 K [usgs-c2l2-guide]
    assert float(st.min()) - 273.15 == pytest.approx(39776 * 0.00341802 + 149 - 273.15, abs=1e-3)
    assert float(st.max()) - 273.15 == pytest.approx(42784 * 0.00341802 + 149 - 273.15, abs=1e-3)
    assert 11.8 <= float(st.min()) - 273.15 < 11.9 and 22.0 < float(st.max()) - 273.15 <= 22.1
    dn = _dn(scenes[LIVERPOOL], "SR_B4")
    np.testing.assert_allclose(ds["red"].values, dn * constants.SR_SCALE + constants.SR_OFFSET, rtol=1e-6, atol=1e-7)
    assert st.attrs["units"] == "K" and st.attrs["standard_name"] == "surface_temperature"
    assert st.attrs["band"] == "ST_B10" and ds["red"].attrs["band"] == "SR_B4"
    assert ds["red"].attrs["standard_name"] == "surface_bidirectional_reflectance"
    # no georeferencing in the TIFFs: EPSG 32630 from UTM_ZONE 30; the MTL corner 487020 E, 5929980 N is
    # the centre of the top-left pixel (README)
    assert ds.rio.crs.to_epsg() == 32630
    assert ds.x.values[0] == 487020.0 and ds.y.values[0] == 5929980.0
    assert ds.x.values[-1] == 499980.0 and ds.y.values[-1] == 5922000.0  # CORNER_LR_PROJECTION_X/Y_PRODUCT
    assert ds.rio.resolution() == (30.0, -30.0)
    assert set(ds.attrs) == SCENE_ATTRS
    assert ds.attrs["spacecraft"] == "LANDSAT_8" and ds.attrs["level"] == 2
    assert ds.attrs["processing_level"] == "L2SP" and ds.attrs["collection"] == "02"
    assert ds.attrs["acquisition_time"] == "2020-09-27T11:10:50.314003Z"  # README: 2020-09-27 11:10 UTC


def test_maui_l9_uses_its_own_constants(scenes):
    ds = load_landsat(scenes[MAUI])
    assert "radiance_b11" not in ds  # the crop has no B11 file, although the MTL names one
    dn = _dn(scenes[MAUI], "B10").astype(np.float64)
    mtl = read_mtl(scenes[MAUI] / f"{MAUI}_MTL.txt")["LANDSAT_METADATA_FILE"]
    k1 = mtl["LEVEL1_THERMAL_CONSTANTS"]["K1_CONSTANT_BAND_10"]
    k2 = mtl["LEVEL1_THERMAL_CONSTANTS"]["K2_CONSTANT_BAND_10"]
    m = mtl["LEVEL1_RADIOMETRIC_RESCALING"]["RADIANCE_MULT_BAND_10"]
    a = mtl["LEVEL1_RADIOMETRIC_RESCALING"]["RADIANCE_ADD_BAND_10"]
    assert (k1, k2, m) == (799.0284, 1329.2405, 3.8e-4)  # L9 values (README; L9 MTL [usgs-l1-product])
    # hand check of one pixel: L = M*Q + A, BT = K2 / ln(K1/L + 1) (USGS Level-1 product page [usgs-l1-product])
    q = dn[100, 150]
    radiance = m * q + a
    bt = k2 / math.log(k1 / radiance + 1)
    assert float(ds["radiance_b10"][100, 150]) == pytest.approx(radiance, rel=1e-6)
    assert float(ds["brightness_temperature_b10"][100, 150]) == pytest.approx(bt, abs=1e-3)  # float32 at 300 K
    # whole band against the closed form; and L8 constants would be off by more than 0.1 K ([usgs-l8-handbook])
    expected = k2 / np.log(k1 / (m * dn + a) + 1)
    np.testing.assert_allclose(ds["brightness_temperature_b10"].values, expected, atol=2e-3)
    l8 = constants.THERMAL_CONSTANTS["LANDSAT_8"][10]
    with_l8 = l8["k2"] / np.log(l8["k1"] / (l8["radiance_mult"] * dn + l8["radiance_add"]) + 1)
    assert np.abs(with_l8 - expected).min() > 0.1
    assert ds.attrs["k2_constant_band_10"] == 1329.2405 and ds.attrs["spacecraft"] == "LANDSAT_9"
    bt = ds["brightness_temperature_b10"]
    assert bt.attrs["units"] == "K" and bt.attrs["standard_name"] == "toa_brightness_temperature"
    assert ds["radiance_b10"].attrs["units"] == "W m-2 sr-1 um-1"
    # TOA reflectance with sun-elevation correction: (M_rho*Q + A_rho) / sin(SUN_ELEVATION) (USGS L1 page)
    q4 = _dn(scenes[MAUI], "B4").astype(np.float64)
    sun = mtl["IMAGE_ATTRIBUTES"]["SUN_ELEVATION"]
    expected_red = (2.0e-5 * q4 - 0.1) / math.sin(math.radians(sun))
    np.testing.assert_allclose(ds["red"].values, expected_red, rtol=1e-6, atol=1e-7)
    assert ds["red"].attrs["standard_name"] == "toa_bidirectional_reflectance"
    assert ds.rio.crs.to_epsg() == 32605 and ds.x.values[0] == 114000.0  # README: EPSG:32605 from the MTL


def test_momotombo_fill_becomes_nan(shared_data, scenes):
    ds = load_landsat(shared_data / "landsat" / f"{MOMOTOMBO}-cropped.tar.gz")
    st_dn, blue_dn = _dn(scenes[MOMOTOMBO], "ST_B10"), _dn(scenes[MOMOTOMBO], "SR_B2")
    # README: ST_B10 has DN 0 fill pixels and extreme values (about -39 .. 99 C)
    np.testing.assert_array_equal(np.isnan(ds["surface_temperature"].values), st_dn == 0)
    np.testing.assert_array_equal(np.isnan(ds["blue"].values), blue_dn == 0)
    assert (st_dn == 0).sum() == 48 and (blue_dn == 0).sum() == 432  # counted in the files
    celsius = ds["surface_temperature"] - 273.15
    assert -40 < float(celsius.min()) < -38 and 99 < float(celsius.max()) < 100


def test_full_l2_bundle_aux_bands_and_qa(scenes):
    folder = scenes[BUNDLE]
    ds = load_landsat(folder)
    assert {"st_emissivity", "st_emissivity_sd", "st_atmospheric_transmittance", "st_downwelled_radiance",
            "st_upwelled_radiance", "st_thermal_radiance", "st_uncertainty", "st_cloud_distance",
            "qa_pixel", "qa_radsat"} <= set(ds.data_vars)
    assert ds["qa_pixel"].dtype == np.uint16 and ds["qa_radsat"].dtype == np.uint16
    # georeferenced bundle: the grid is the files' own (EPSG:32620, negative northings; README)
    with rasterio.open(folder / f"{BUNDLE}_ST_EMIS.TIF") as src:
        emis, transform = src.read(1), src.transform
    assert ds.rio.crs.to_epsg() == 32620 and ds.rio.transform().almost_equals(transform)
    assert ds.y.values[0] == transform.f + transform.e / 2 < 0
    # ST_EMIS scale 0.0001, nodata -9999 (USGS LSDS-1619 [usgs-c2l2-guide]; GeoTIFF nodata tag)
    expected = np.where(emis == -9999, np.nan, emis * 1e-4)
    np.testing.assert_allclose(ds["st_emissivity"].values, expected, rtol=1e-6, equal_nan=True)
    assert ds["st_cloud_distance"].attrs["units"] == "km" and ds["st_uncertainty"].attrs["units"] == "K"
    assert ds["qa_pixel"].attrs["flag_meanings"].split()[:4] == ["fill", "dilated_cloud", "cirrus", "cloud"]


def test_mask_clouds(scenes):
    folder = scenes[BUNDLE]
    plain = load_landsat(folder, bands=["red", "qa_pixel"])
    masked = load_landsat(folder, bands=["red"], mask_clouds=True)
    assert list(masked.data_vars) == ["red"]  # the QA band was read for the mask only
    qa = plain["qa_pixel"].values
    flagged = (qa & 0b111111) != 0  # fill, dilated cloud, cirrus, cloud, shadow, snow (bits 0-5 [usgs-c2l2-guide])
    assert np.isnan(masked["red"].values[flagged]).all()
    np.testing.assert_array_equal(masked["red"].values[~flagged], plain["red"].values[~flagged])
    lazy = load_landsat(folder, bands=["red"], mask_clouds=True, chunks=128)
    assert isinstance(lazy["red"].data, dsa.Array) and lazy["red"].dtype == np.float32
    np.testing.assert_array_equal(lazy["red"].values, masked["red"].values)
    assert lazy["red"].attrs["units"] == "1"


def test_precollection_l1t_two_thermal_bands(shared_data, scenes):
    ds = load_landsat(shared_data / "landsat" / f"{PRECOLLECTION}.tar.gz")
    assert list(ds.data_vars) == ["blue", "green", "red", "nir", "radiance_b10", "brightness_temperature_b10",
                                  "radiance_b11", "brightness_temperature_b11", "bqa"]
    assert ds.attrs["collection"] == "pre-collection" and ds.attrs["processing_level"] == "L1T"
    assert ds["bqa"].dtype == np.uint16
    # georeferenced files: EPSG:32616, 627 x 603 px (README)
    assert ds.rio.crs.to_epsg() == 32616 and dict(ds.sizes) == {"y": 603, "x": 627}
    dn11 = _dn(scenes[PRECOLLECTION], "B11").astype(np.float64)
    # B11 constants of the old MTL (TIRS_THERMAL_CONSTANTS): K1 480.8883, K2 1201.1442, M 3.342e-4, A 0.1
    expected = 1201.1442 / np.log(480.8883 / (3.342e-4 * dn11 + 0.1) + 1)
    np.testing.assert_allclose(ds["brightness_temperature_b11"].values, expected, atol=2e-3)
    with pytest.raises(SceneFormatError, match="QA band.*--no-mask-clouds"):
        load_landsat(scenes[LIVERPOOL], mask_clouds=True)  # crops without QA cannot be masked


def test_mask_clouds_auto(scenes):
    """'auto' masks exactly as True where the scene has a QA band, and loads unmasked (saying so) where not."""
    folder = scenes[BUNDLE]
    auto = load_landsat(folder, bands=["red"], mask_clouds="auto")
    forced = load_landsat(folder, bands=["red"], mask_clouds=True)
    np.testing.assert_array_equal(auto["red"].values, forced["red"].values)
    assert auto.attrs["cloud_mask"].startswith("QA_PIXEL flags set to NaN")
    plain = load_landsat(scenes[LIVERPOOL], bands=["red"], mask_clouds="auto")
    np.testing.assert_array_equal(plain["red"].values, load_landsat(scenes[LIVERPOOL], bands=["red"])["red"].values)
    assert "no QA band" in plain.attrs["cloud_mask"]
    with pytest.raises(InputValueError, match="mask_clouds"):
        load_landsat(folder, bands=["red"], mask_clouds="yes")


def test_mtl_paths_in_every_format_give_the_same_scene(scenes):
    folder = scenes[BUNDLE]
    ref = load_landsat(folder, bands=["red", "surface_temperature"])
    for suffix in (".txt", ".json", ".xml"):
        other = load_landsat(folder / f"{BUNDLE}_MTL{suffix}", bands=["red", "surface_temperature"])
        np.testing.assert_array_equal(other["red"].values, ref["red"].values)
        assert {k: v for k, v in other.attrs.items() if k != "source"} == {
            k: v for k, v in ref.attrs.items() if k != "source"}


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_tar_archives_equal_the_folder(scenes, tmp_path, mode):
    folder = scenes[BUNDLE]
    archive = tmp_path / f"{BUNDLE}.tar{'.gz' if mode == 'w:gz' else ''}"
    with tarfile.open(archive, mode) as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=f"{BUNDLE}/{path.name}")  # scene inside a sub-folder of the archive
    ref = load_landsat(folder, bands=["red", "st_emissivity", "qa_pixel"])
    ds = load_landsat(archive, bands=["red", "st_emissivity", "qa_pixel"])
    for name in ref.data_vars:
        np.testing.assert_array_equal(ds[name].values, ref[name].values)
    assert ds.attrs["source"].startswith(str(archive))
    lazy = load_landsat(archive, bands=["red"], chunks=100)
    np.testing.assert_array_equal(lazy["red"].values, ref["red"].values)


def test_eager_equals_chunked(scenes):
    eager = load_landsat(scenes[MAUI])
    lazy = load_landsat(scenes[MAUI], chunks={"y": 100, "x": 128})
    assert list(lazy.data_vars) == list(eager.data_vars)
    for name in eager.data_vars:
        assert isinstance(lazy[name].data, dsa.Array)
        assert lazy[name].data.chunks == ((100, 100, 100, 67), (128, 128, 45))
        assert lazy[name].attrs == eager[name].attrs
        np.testing.assert_array_equal(lazy[name].values, eager[name].values)  # same kernel, same float32
    assert lazy.rio.crs == eager.rio.crs and lazy.attrs == eager.attrs


def test_band_selection(scenes):
    ds = load_landsat(scenes[MAUI], bands=["red", "B10"])
    assert list(ds.data_vars) == ["red", "radiance_b10", "brightness_temperature_b10"]
    ds = load_landsat(scenes[LIVERPOOL], bands=["SR_B5", "ST_B10"])
    assert list(ds.data_vars) == ["nir", "surface_temperature"]
    with pytest.raises(InputValueError, match="surface_temperature.*not in a level-1"):
        load_landsat(scenes[MAUI], bands=["surface_temperature"])
    with pytest.raises(SceneFormatError, match=f"{MAUI}_B11.TIF"):
        load_landsat(scenes[MAUI], bands=["brightness_temperature_b11"])
    with pytest.raises(InputValueError, match="chunks"):
        load_landsat(scenes[MAUI], chunks="big")


def test_kernels_equal_numpy_references():
    rng = np.random.default_rng(0)
    dn = rng.integers(0, 65535, size=(57, 33), dtype=np.uint16)
    dn[0, :5] = [0, 1, 2, 65535, 7]
    np.testing.assert_array_equal(_scale_dn(dn, mult=2e-5, add=-0.1, fill=0), _scale_reference(dn, 2e-5, -0.1, 0))
    # A = -0.5 makes DN < 1497 negative radiance -> NaN in both
    got = _brightness_temperature_dn(dn, mult=3.342e-4, add=-0.5, k1=774.8853, k2=1321.0789, fill=0)
    ref = _bt_reference(dn, 3.342e-4, -0.5, 774.8853, 1321.0789, 0)
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(ref))
    assert np.isnan(ref).sum() > (dn == 0).sum()
    # the parallel and serial compilations of one body agree bit for bit
    pairs = ((landsat_module._scale_kernel, landsat_module._scale_kernel_serial, (2e-5, -0.1, 0.0)),
             (landsat_module._bt_kernel, landsat_module._bt_kernel_serial, (3.342e-4, -0.5, 774.8853, 1321.0789, 0.0)))
    for parallel, serial, args in pairs:
        a, b = np.empty(dn.shape, np.float32), np.empty(dn.shape, np.float32)
        parallel(dn, *args, a)
        serial(dn, *args, b)
        np.testing.assert_array_equal(a, b)
    aux = np.array([[-9999, 9909]], dtype=np.int16)
    assert np.isnan(_scale_dn(aux, mult=1e-4, add=0.0, fill=-9999)[0, 0])
    assert _scale_dn(np.zeros((0, 3), np.uint16), mult=1.0, add=0.0, fill=0).shape == (0, 3)


def test_synthetic_city_and_water_vapour_attrs(scenes, tmp_path):
    folder = _copy(scenes[MAUI], tmp_path)
    mtl = folder / f"{MAUI}_MTL.txt"
    text = mtl.read_text().replace('    PROCESSING_LEVEL = "L1TP"\n',
                                   '    PROCESSING_LEVEL = "L1TP"\n    CITY_NAME = "Niš"\n', 1)
    text = text.replace("END_GROUP = LANDSAT_METADATA_FILE", "  GROUP = SYNTHETIC_ATMOSPHERE\n    WATER_VAPOUR = 2.1\n"
                        "  END_GROUP = SYNTHETIC_ATMOSPHERE\nEND_GROUP = LANDSAT_METADATA_FILE")
    mtl.write_text(text)
    ds = load_landsat(folder, bands=["red"])
    assert ds.attrs["city"] == "Niš" and ds.attrs["water_vapour"] == 2.1


def test_georeferenced_synthetic_folder_without_file_names(tmp_path):
    # A minimal C2 L1 scene written here (explicit profile); the MTL names no files, so the
    # <scene_id>_<band>.TIF convention is used, and the GeoTIFF's own grid wins over the MTL.
    scene_id = "LC08_L1TP_184030_20190812_20190820_02_T1"
    transform = from_origin(300000.0, 4800000.0, 30.0, 30.0)
    dn = np.arange(1, 13, dtype=np.uint16).reshape(3, 4) * 1000
    for band in ("B4", "B10"):
        with rasterio.open(tmp_path / f"{scene_id}_{band}.TIF", "w", driver="GTiff", height=3, width=4, count=1,
                           dtype="uint16", crs="EPSG:32634", transform=transform) as dst:
            dst.write(dn, 1)
    (tmp_path / f"{scene_id}_MTL.txt").write_text(_minimal_mtl(scene_id))
    ds = load_landsat(tmp_path)
    assert list(ds.data_vars) == ["red", "radiance_b10", "brightness_temperature_b10"]
    assert ds.rio.crs.to_epsg() == 32634 and ds.x.values.tolist() == [300015.0, 300045.0, 300075.0, 300105.0]
    # L = 3.342e-4 * 1000 + 0.1 = 0.4342; BT = 1321.0789 / ln(774.8853 / 0.4342 + 1) ([usgs-l1-product])
    expected_bt = 1321.0789 / math.log(774.8853 / 0.4342 + 1)
    assert float(ds["brightness_temperature_b10"][0, 0]) == pytest.approx(expected_bt, abs=1e-4)
    # sun elevation 90 deg: reflectance = 2e-5 * 1000 - 0.1 exactly
    assert float(ds["red"][0, 0]) == pytest.approx(-0.08, abs=1e-7)


def _minimal_mtl(scene_id: str, *, k1: bool = True) -> str:
    thermal = "    K1_CONSTANT_BAND_10 = 774.8853\n" if k1 else ""
    return f"""GROUP = LANDSAT_METADATA_FILE
  GROUP = PRODUCT_CONTENTS
    LANDSAT_PRODUCT_ID = "{scene_id}"
    PROCESSING_LEVEL = "L1TP"
    COLLECTION_NUMBER = 02
  END_GROUP = PRODUCT_CONTENTS
  GROUP = IMAGE_ATTRIBUTES
    SPACECRAFT_ID = "LANDSAT_8"
    SENSOR_ID = "OLI_TIRS"
    WRS_PATH = 184
    WRS_ROW = 30
    DATE_ACQUIRED = 2019-08-12
    SCENE_CENTER_TIME = "09:00:00.0000000Z"
    SUN_AZIMUTH = 140.0
    SUN_ELEVATION = 90.0
  END_GROUP = IMAGE_ATTRIBUTES
  GROUP = LEVEL1_RADIOMETRIC_RESCALING
    RADIANCE_MULT_BAND_10 = 3.3420E-04
    RADIANCE_ADD_BAND_10 = 0.10000
    REFLECTANCE_MULT_BAND_4 = 2.0000E-05
    REFLECTANCE_ADD_BAND_4 = -0.100000
  END_GROUP = LEVEL1_RADIOMETRIC_RESCALING
  GROUP = LEVEL1_THERMAL_CONSTANTS
{thermal}    K2_CONSTANT_BAND_10 = 1321.0789
  END_GROUP = LEVEL1_THERMAL_CONSTANTS
END_GROUP = LANDSAT_METADATA_FILE
END
"""


# --------------------------------------------------------------------------- bad input


def test_missing_paths_and_mtl(tmp_path):
    with pytest.raises(SceneFormatError, match="does not exist"):
        load_landsat(tmp_path / "nowhere")
    with pytest.raises(MetadataError, match="no metadata file"):
        load_landsat(tmp_path)
    (tmp_path / "notes.csv").write_text("a,b\n")
    with pytest.raises(SceneFormatError, match="neither a scene folder"):
        load_landsat(tmp_path / "notes.csv")


def test_mtl_missing_a_needed_key(scenes, tmp_path):
    folder = _copy(scenes[MAUI], tmp_path)
    mtl = folder / f"{MAUI}_MTL.txt"
    mtl.write_text(mtl.read_text().replace("    K1_CONSTANT_BAND_10 = 799.0284\n", ""))
    with pytest.raises(MetadataError, match="K1_CONSTANT_BAND_10") as info:
        load_landsat(folder)
    assert str(mtl) in str(info.value)
    assert "brightness_temperature_b10" not in load_landsat(folder, bands=["red", "radiance_b10"])


def test_unknown_spacecraft(scenes, tmp_path):
    folder = _copy(scenes[MAUI], tmp_path)
    mtl = folder / f"{MAUI}_MTL.txt"
    mtl.write_text(mtl.read_text().replace('SPACECRAFT_ID = "LANDSAT_9"', 'SPACECRAFT_ID = "LANDSAT_7"'))
    with pytest.raises(MetadataError, match="LANDSAT_7"):
        load_landsat(folder)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_truncated_or_corrupt_band(scenes, tmp_path, damage):
    folder = _copy(scenes[MAUI], tmp_path)
    band = folder / f"{MAUI}_B4.TIF"
    data = band.read_bytes()
    band.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"not a tiff" * 100, "empty": b""}[damage])
    with pytest.raises(SceneFormatError, match=f"{MAUI}_B4.TIF"):
        load_landsat(folder)
    with pytest.raises(SceneFormatError, match=f"{MAUI}_B4.TIF"):
        load_landsat(folder, chunks=64)  # the lazy path checks the file when opening it


def test_bands_of_different_shapes(scenes, tmp_path):
    folder = _copy(scenes[BUNDLE], tmp_path)
    band = folder / f"{BUNDLE}_SR_B5.TIF"
    with rasterio.open(band) as src:
        profile, data = src.profile, src.read(1)
    profile.update(height=data.shape[0] - 1)
    with rasterio.open(band, "w", **profile) as dst:
        dst.write(data[:-1], 1)
    with pytest.raises(SceneFormatError, match="different shapes"):
        load_landsat(folder)


def test_band_file_missing_when_requested(scenes, tmp_path):
    folder = _copy(scenes[LIVERPOOL], tmp_path)
    (folder / f"{LIVERPOOL}_SR_B4.TIF").unlink()
    with pytest.raises(SceneFormatError, match=f"{LIVERPOOL}_SR_B4.TIF.*missing"):
        load_landsat(folder, bands=["red"])
    for path in folder.glob("*.TIF"):
        path.unlink()
    with pytest.raises(SceneFormatError, match="none of the band files"):
        load_landsat(folder)


def test_ungeoreferenced_band_that_does_not_match_the_mtl(scenes, tmp_path):
    folder = _copy(scenes[LIVERPOOL], tmp_path)
    mtl = folder / f"{LIVERPOOL}_MTL.txt"
    mtl.write_text(mtl.read_text().replace("CORNER_LR_PROJECTION_X_PRODUCT = 499980.0",
                                           "CORNER_LR_PROJECTION_X_PRODUCT = 501000.0"))
    with pytest.raises(SceneFormatError, match="cannot rebuild its grid"):
        load_landsat(folder)


def test_archives_with_two_scenes_or_no_mtl(scenes, tmp_path):
    two = tmp_path / "two.tar"
    with tarfile.open(two, "w") as tar:
        for name in (MAUI, LIVERPOOL):
            for path in scenes[name].iterdir():
                tar.add(path, arcname=path.name)
    with pytest.raises(SceneFormatError, match="2 scenes"):
        load_landsat(two)
    none = tmp_path / "none.tar.gz"
    with tarfile.open(none, "w:gz") as tar:
        tar.add(scenes[MAUI] / f"{MAUI}_B4.TIF", arcname=f"{MAUI}_B4.TIF")
    with pytest.raises(SceneFormatError, match="no Landsat metadata file"):
        load_landsat(none)
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes((tmp_path / "none.tar.gz").read_bytes()[:200])
    with pytest.raises(SceneFormatError, match="broken.tar.gz"):
        load_landsat(broken)


def test_folder_with_two_scenes(scenes, tmp_path):
    folder = _copy(scenes[MAUI], tmp_path)
    shutil.copy(scenes[LIVERPOOL] / f"{LIVERPOOL}_MTL.txt", folder)
    with pytest.raises(SceneFormatError, match="2 scenes"):
        load_landsat(folder)


@pytest.mark.parametrize("bad_name", ["../outside.TIF", "sub/dir.TIF", "/etc/passwd"])
def test_band_file_names_cannot_leave_the_scene(scenes, tmp_path, bad_name):
    folder = _copy(scenes[MAUI], tmp_path)
    mtl = folder / f"{MAUI}_MTL.txt"
    mtl.write_text(mtl.read_text().replace(f'FILE_NAME_BAND_4 = "{MAUI}_B4.TIF"', f'FILE_NAME_BAND_4 = "{bad_name}"'))
    with pytest.raises(SceneFormatError, match="plain file name"):
        load_landsat(folder, bands=["red"])
    archive = tmp_path / "scene.tar"  # read through /vsitar/: the name must not leave the archive either
    with tarfile.open(archive, "w") as tar:
        for path in folder.iterdir():
            tar.add(path, arcname=path.name)
    with pytest.raises(SceneFormatError, match="plain file name"):
        load_landsat(archive, bands=["red"])


def test_gzip_archive_extracts_only_what_is_read(shared_data, monkeypatch, tmp_path):
    # extracted files go to a private temporary folder, removed after an eager load ...
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    ds = load_landsat(shared_data / "landsat" / f"{MAUI}-cropped.tar.gz", bands=["red"])
    assert list(ds.data_vars) == ["red"] and not list(tmp_path.glob("uhi-scene-*"))
    # ... and kept (until the interpreter exits) for a lazy one, holding only the requested band
    lazy = load_landsat(shared_data / "landsat" / f"{MAUI}-cropped.tar.gz", bands=["red"], chunks=64)
    (extracted,) = tmp_path.glob("uhi-scene-*")
    assert [p.name for p in extracted.iterdir()] == [f"{MAUI}_B4.TIF"]
    np.testing.assert_array_equal(lazy["red"].values, ds["red"].values)
