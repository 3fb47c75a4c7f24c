"""load_vector: Vienna districts onto a scene CRS, every format, id checks, CRS and file errors."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import box

from uhi.errors import CRSError, InputValueError
from uhi.io import load_vector

ZAEHLBEZIRKE = "cities/vienna/vienna_zaehlbezirke_2020.geojson"
AUSTRIA = "vector/austria_districts_2021.geojson"


def _utm33_raster() -> xr.DataArray:
    """A small grid in EPSG:32633 (Vienna's UTM zone), standing in for a scene."""
    y = 5_340_000 - (np.arange(4) + 0.5) * 30.0
    x = 600_000 + (np.arange(5) + 0.5) * 30.0
    return xr.DataArray(np.zeros((4, 5), np.float32), coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs(32633)


def test_vienna_census_districts_onto_a_scene_crs(shared_data):
    zones = load_vector(shared_data / ZAEHLBEZIRKE, like=_utm33_raster(), id_column="id")
    assert zones.crs.to_epsg() == 32633 and len(zones) == 250
    # README: 250 Zaehlbezirke, 414.9 km2 together; the file's FLAECHE [m2] column sums to 414.87 km2.
    # UTM 33N area is within 0.1 % (scale factor ~0.9996-1.0000 over Vienna; simplified outlines).
    assert zones.area.sum() / 1e6 == pytest.approx(zones["FLAECHE"].sum() / 1e6, rel=1e-3)
    assert zones.area.sum() / 1e6 == pytest.approx(414.9, rel=2e-3)


def test_vienna_districts_in_the_austria_file(shared_data):
    districts = load_vector(shared_data / AUSTRIA, crs="EPSG:32633", id_column="iso")
    vienna = districts[districts["iso"].astype(int).between(901, 923)]
    # README: Vienna's 23 districts (iso 901..923) cover 424.9 km2 together
    assert len(vienna) == 23
    assert vienna.area.sum() / 1e6 == pytest.approx(424.9, rel=2e-3)
    # without like/crs the file's own CRS is kept (EPSG:4326; README)
    assert load_vector(shared_data / AUSTRIA).crs.to_epsg() == 4326


def test_non_unique_or_missing_id_column(shared_data):
    with pytest.raises(InputValueError, match="BEZNR.*not unique"):
        load_vector(shared_data / ZAEHLBEZIRKE, id_column="BEZNR")  # 250 zones in 23 districts
    with pytest.raises(InputValueError, match="'district' is not a column"):
        load_vector(shared_data / ZAEHLBEZIRKE, id_column="district")


def test_formats_round_trip(tmp_path):
    frame = gpd.GeoDataFrame({"zone": ["a", "b"], "value": [1.0, 2.0]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:32634")
    frame.to_file(tmp_path / "zones.gpkg", layer="parks", driver="GPKG")
    frame.to_file(tmp_path / "zones.shp")
    frame.to_parquet(tmp_path / "zones.parquet")
    frame.to_file(tmp_path / "zones.geojson", driver="GeoJSON")
    for name, kwargs in (("zones.gpkg", {"layer": "parks"}), ("zones.shp", {}), ("zones.parquet", {}),
                         ("zones.geojson", {})):
        got = load_vector(tmp_path / name, id_column="zone", **kwargs)
        assert got["zone"].tolist() == ["a", "b"] and got.crs.to_epsg() == 32634
        assert got.area.tolist() == pytest.approx([1.0, 1.0])
    with pytest.raises(InputValueError, match="layer 'roads'"):
        load_vector(tmp_path / "zones.gpkg", layer="roads")
    with_gap = frame.assign(zone=["a", None])
    with_gap.to_parquet(tmp_path / "gap.parquet")
    with pytest.raises(InputValueError, match="1 missing value"):
        load_vector(tmp_path / "gap.parquet", id_column="zone")


def test_crs_errors(tmp_path):
    frame = gpd.GeoDataFrame({"zone": ["a"]}, geometry=[box(0, 0, 1, 1)])  # no CRS
    with pytest.warns(UserWarning, match="crs"):
        frame.to_file(tmp_path / "nocrs.shp")  # no .prj written
    with pytest.raises(CRSError, match="nocrs.shp has no CRS"):
        load_vector(tmp_path / "nocrs.shp")
    located = frame.set_crs("EPSG:32633")
    located.to_file(tmp_path / "ok.gpkg")
    no_crs_raster = _utm33_raster().drop_vars("spatial_ref")
    with pytest.raises(CRSError, match="like= .* has no CRS"):
        load_vector(tmp_path / "ok.gpkg", like=no_crs_raster)
    with pytest.raises(InputValueError, match="not both"):
        load_vector(tmp_path / "ok.gpkg", like=_utm33_raster(), crs="EPSG:4326")


def test_missing_unreadable_or_empty_files(tmp_path):
    with pytest.raises(InputValueError, match="does not exist"):
        load_vector(tmp_path / "districts.geojson")
    (tmp_path / "broken.geojson").write_text("{ this is not json")
    with pytest.raises(InputValueError, match="cannot read vector file .*broken.geojson"):
        load_vector(tmp_path / "broken.geojson")
    empty = gpd.GeoDataFrame({"zone": []}, geometry=[], crs="EPSG:32633")
    empty.to_file(tmp_path / "empty.gpkg")
    with pytest.raises(InputValueError, match="holds no features"):
        load_vector(tmp_path / "empty.gpkg")


# --- load_table: tables with or without geometry / CRS --------------------------------------------------------


def test_load_table_reads_csv_and_a_crs_less_vector(tmp_path):
    from uhi.io import load_table

    (tmp_path / "t.csv").write_text("station,t_air\nA,21.5\nB,22.0\n")
    df = load_table(tmp_path / "t.csv")
    assert list(df.columns) == ["station", "t_air"] and df["t_air"].tolist() == [21.5, 22.0]
    # a GeoPackage without CRS still reads (load_vector refuses it; the caller of load_table decides)
    path = tmp_path / "p.gpkg"
    gpd.GeoDataFrame({"station": ["A"]}, geometry=gpd.points_from_xy([1.0], [2.0]), crs=None).to_file(path)
    with pytest.raises(CRSError):
        load_vector(path)
    g = load_table(path)
    assert g.crs is None and g["station"].tolist() == ["A"] and (g.geometry.x.iloc[0], g.geometry.y.iloc[0]) == (1.0, 2.0)


def test_load_table_unreadable_names_what_and_file(tmp_path):
    from uhi.errors import InputValueError
    from uhi.io import load_table

    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(InputValueError, match=r"station table '.*bad\.parquet' cannot be read"):
        load_table(bad, what="station table")


def test_load_table_one_entry_for_a_file_or_a_table(tmp_path):
    """The five table readers (biophysical, energy, vulnerability, curves, series) go through load_table:
    a DataFrame comes back as a copy, CSV dtypes pass through (district codes keep leading zeros), a
    missing file and a wrong type are named."""
    import pandas as pd

    from uhi.errors import InputValueError
    from uhi.io import load_table

    df = pd.DataFrame({"a": [1]})
    out = load_table(df)
    out.loc[0, "a"] = 2
    assert df.loc[0, "a"] == 1
    (tmp_path / "d.csv").write_text("district_id,v\n0101,1\n")
    assert load_table(tmp_path / "d.csv", dtype={"district_id": str})["district_id"].tolist() == ["0101"]
    assert load_table(tmp_path / "d.csv")["district_id"].tolist() == [101]
    with pytest.raises(InputValueError, match=r"energy table '.*nope\.csv' does not exist"):
        load_table(tmp_path / "nope.csv", what="energy table")
    with pytest.raises(InputValueError, match="energy table must be a file path or a DataFrame, got int"):
        load_table(3, what="energy table")
