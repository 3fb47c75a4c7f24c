"""MTL parsing: txt/json/xml agree, C2 and pre-collection keys, needed-key and number errors."""

from __future__ import annotations

import tarfile

import pytest

from uhi.errors import MetadataError
from uhi.io import read_mtl
from uhi.io.mtl import parse_mtl_text, scene_metadata

BUNDLE = "LC08_L2SP_001062_20201031_20201106_02_T2"
MAUI = "LC09_L1TP_063046_20230714_20230714_02_T1"
LIVERPOOL = "LC08_L2SP_204023_20200927_20201006_02_T1"
PRECOLLECTION = "LC80200392015216LGN00"


def _archive_mtl(shared_data, archive: str) -> str:
    """The MTL text inside one of the shared scene archives."""
    with tarfile.open(shared_data / "landsat" / archive) as tar:
        name = next(n for n in tar.getnames() if n.endswith("_MTL.txt"))
        return tar.extractfile(name).read().decode()


@pytest.fixture(scope="module")
def maui_mtl(shared_data) -> str:
    return _archive_mtl(shared_data, f"{MAUI}-cropped.tar.gz")


@pytest.fixture(scope="module")
def precollection_mtl(shared_data) -> str:
    return _archive_mtl(shared_data, f"{PRECOLLECTION}.tar.gz")


def test_txt_json_xml_give_the_same_dictionary(shared_data):
    # USGS ships one scene's metadata in three formats; after typing they must be equal.
    stem = shared_data / "landsat" / BUNDLE / f"{BUNDLE}_MTL"
    txt, js, xml = (read_mtl(f"{stem}{suffix}") for suffix in (".txt", ".json", ".xml"))
    assert txt == js == xml
    attrs = [scene_metadata(m, "x").attrs() for m in (txt, js, xml)]
    assert attrs[0] == attrs[1] == attrs[2]
    group = txt["LANDSAT_METADATA_FILE"]["IMAGE_ATTRIBUTES"]
    # values as printed in the MTL: SUN_ELEVATION = 64.45083205, WRS_PATH = 1
    assert group["SUN_ELEVATION"] == 64.45083205 and group["WRS_PATH"] == 1
    assert txt["LANDSAT_METADATA_FILE"]["PRODUCT_CONTENTS"]["PROCESSING_LEVEL"] == "L2SP"


def test_collection2_l1_landsat9_metadata(maui_mtl):
    meta = scene_metadata(parse_mtl_text(maui_mtl, "maui"), "maui")
    # L9 constants from the scene's LEVEL1_THERMAL_CONSTANTS / LEVEL1_RADIOMETRIC_RESCALING groups
    # (../shared/data/README.md: RADIANCE_MULT_BAND_10 3.8E-04, K1 799.0284, K2 1329.2405).
    assert meta.spacecraft == "LANDSAT_9" and meta.level == 1 and meta.processing_level == "L1TP"
    assert meta.collection == "02"
    assert meta.radiance_mult[10] == 3.8e-4 and meta.radiance_add[10] == 0.1
    assert meta.k1[10] == 799.0284 and meta.k2[10] == 1329.2405  # not 1329.0284, a value miscopied in a GEE script
    assert meta.k1[11] == 475.6581 and meta.k2[11] == 1198.3494
    assert meta.reflectance_mult[4] == 2.0e-5 and meta.reflectance_add[4] == -0.1
    # DATE_ACQUIRED = 2023-07-14, SCENE_CENTER_TIME = "20:47:53.1111720Z" (7 decimals cut to microseconds)
    assert meta.acquisition_time == "2023-07-14T20:47:53.111172Z"
    assert (meta.wrs_path, meta.wrs_row, meta.utm_zone) == (63, 46, 5)
    assert meta.corner_ul == (114000.0, 2317980.0) and meta.cell_size == 30.0
    assert meta.band_files["B10"] == f"{MAUI}_B10.TIF" and meta.band_files["QA_PIXEL"] == f"{MAUI}_QA_PIXEL.TIF"


def test_precollection_keys(precollection_mtl):
    meta = scene_metadata(parse_mtl_text(precollection_mtl, "old"), "old")
    # old format: GROUP = L1_METADATA_FILE, DATA_TYPE = "L1T", K1/K2 in TIRS_THERMAL_CONSTANTS,
    # corners in PRODUCT_METADATA, UTM_ZONE in PROJECTION_PARAMETERS (values as printed in the MTL)
    assert meta.collection == "pre-collection" and meta.processing_level == "L1T" and meta.level == 1
    assert meta.scene_id == PRECOLLECTION
    assert meta.k1 == {10: 774.8853, 11: 480.8883} and meta.k2 == {10: 1321.0789, 11: 1201.1442}
    assert meta.radiance_mult[11] == 3.342e-4
    assert meta.sun_elevation == 64.74360932 and meta.earth_sun_distance == 1.0145544
    assert meta.utm_zone == 16 and meta.corner_ul == (384000.0, 3469500.0)
    assert meta.band_files["BQA"] == f"{PRECOLLECTION}_BQA.TIF"
    assert meta.acquisition_time == "2015-08-04T16:19:21.791742Z"


def test_level2_uses_product_files_not_the_level1_record(shared_data):
    # An L2 MTL repeats the L1 record (LEVEL1_PROCESSING_RECORD, PROCESSING_LEVEL = "L1TP" and the
    # L1 file names); the product is the first, PRODUCT_CONTENTS one.
    meta = scene_metadata(read_mtl(shared_data / "landsat" / BUNDLE / f"{BUNDLE}_MTL.txt"), "bundle")
    assert meta.processing_level == "L2SP" and meta.level == 2 and meta.scene_id == BUNDLE
    assert meta.band_files["B4"] == f"{BUNDLE}_SR_B4.TIF"
    assert meta.band_files["ST_EMIS"] == f"{BUNDLE}_ST_EMIS.TIF"
    assert "B10" not in meta.band_files  # only the L1 record names B10


def _edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    "old, new, key",
    [
        ("    SUN_ELEVATION = 66.18265267\n", "", "SUN_ELEVATION"),
        ("    SPACECRAFT_ID = \"LANDSAT_9\"\n", "", "SPACECRAFT_ID"),
        ("    DATE_ACQUIRED = 2023-07-14\n", "", "DATE_ACQUIRED"),
        ("SUN_ELEVATION = 66.18265267", 'SUN_ELEVATION = "high"', "SUN_ELEVATION"),
        ("WRS_PATH = 63", "WRS_PATH = sixty-three", "WRS_PATH"),
        ("K1_CONSTANT_BAND_10 = 799.0284", "K1_CONSTANT_BAND_10 = N/A", "K1_CONSTANT_BAND_10"),
    ],
)
def test_missing_or_non_numeric_key_names_file_and_key(maui_mtl, tmp_path, old, new, key):
    path = tmp_path / f"{MAUI}_MTL.txt"
    path.write_text(_edit(maui_mtl, old, new))
    with pytest.raises(MetadataError) as info:
        scene_metadata(read_mtl(path), path)
    assert str(path) in str(info.value) and key in str(info.value)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('SPACECRAFT_ID = "LANDSAT_9"', 'SPACECRAFT_ID = "LANDSAT_7"', "Landsat 8 and 9"),
        ('PROCESSING_LEVEL = "L1TP"', 'PROCESSING_LEVEL = "L3X"', "L3X"),
        ("COLLECTION_NUMBER = 02", "COLLECTION_NUMBER = 01", "COLLECTION_NUMBER"),
    ],
)
def test_products_uhi_does_not_read(maui_mtl, old, new, expected):
    with pytest.raises(MetadataError, match=expected):
        scene_metadata(parse_mtl_text(_edit(maui_mtl, old, new), "edited"), "edited")


def test_synthetic_city_and_water_vapour(maui_mtl):
    # uhi.synthetic writes CITY_NAME under PRODUCT_CONTENTS and a SYNTHETIC_ATMOSPHERE group.
    level = '    PROCESSING_LEVEL = "L1TP"\n'
    text = _edit(maui_mtl, level, level + '    CITY_NAME = "Sofia"\n')
    text = _edit(text, "END_GROUP = LANDSAT_METADATA_FILE",
                 "  GROUP = SYNTHETIC_ATMOSPHERE\n    WATER_VAPOUR = 1.85\n  END_GROUP = SYNTHETIC_ATMOSPHERE\n"
                 "END_GROUP = LANDSAT_METADATA_FILE")
    attrs = scene_metadata(parse_mtl_text(text, "syn"), "syn").attrs()
    assert attrs["city"] == "Sofia" and attrs["water_vapour"] == 1.85
    assert "city" not in scene_metadata(parse_mtl_text(maui_mtl, "m"), "m").attrs()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("a_MTL.txt", "GROUP = L1_METADATA_FILE\n  SPACECRAFT_ID = \"LANDSAT_8\"\n", "never closed"),
        ("b_MTL.txt", "this is not an MTL\n", "expected 'KEY = value'"),
        ("c_MTL.txt", "GROUP = A\nEND_GROUP = B\n", "does not close"),
        ("d_MTL.json", "{not json", "not valid JSON"),
        ("e_MTL.json", "[1, 2]", "JSON object"),
        ("f_MTL.xml", "<LANDSAT_METADATA_FILE><A>", "not valid XML"),
        ("g_MTL.txt", "", "no 'GROUP"),
    ],
)
def test_malformed_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(MetadataError, match=expected) as info:
        read_mtl(path)
    assert name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(MetadataError, match="cannot read metadata file"):
        read_mtl(tmp_path / "nothing_MTL.txt")


def test_value_typing_is_the_same_for_every_format(tmp_path):
    # ODL: quoted -> text unless it reads as a number; JSON/XML: text typed by the same rule.
    odl = parse_mtl_text(
        'GROUP = R\n  A = 02\n  B = "T1"\n  C = 1.2E-02\n  D = 2020-10-31\n  E = "7"\nEND_GROUP = R\nEND\n'
    )
    assert odl == {"R": {"A": 2, "B": "T1", "C": 0.012, "D": "2020-10-31", "E": 7}}
    (tmp_path / "x_MTL.json").write_text('{"R": {"A": "02", "B": "T1", "C": "1.2E-02", "D": "2020-10-31", "E": 7}}')
    (tmp_path / "x_MTL.xml").write_text("<R><A>02</A><B>T1</B><C>1.2E-02</C><D>2020-10-31</D><E>7</E></R>")
    assert read_mtl(tmp_path / "x_MTL.json") == odl == read_mtl(tmp_path / "x_MTL.xml")
