"""Districts as users have them: real files with their own id columns, repaired geometries, checks before output.

Real files (shared data README): Vienna's 250 census districts (``id`` unique, ``BEZNR``/``ZBEZNR`` repeat),
Austria's 117 districts (``iso``, ``name``), Sofia's municipality outline (1 polygon, ``id``, ``nomer``).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from shapely.geometry import Polygon, box
from typer.testing import CliRunner

from uhi.analysis import analyse_layers
from uhi.errors import InputValueError
from uhi.zonal import choose_id_column, prepare_zones


def _grid(x0, y0, nx, ny, crs, res=100.0, seed=0):
    """A warm-centred LST field [K] on a projected grid (upper-left corner x0, y0)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:ny, 0:nx]
    v = 300 + 5 * np.exp(-((yy - ny / 2) ** 2 + (xx - nx / 2) ** 2) / (0.1 * nx * ny)) + rng.normal(0, 0.5, (ny, nx))
    da = xr.DataArray(v.astype(np.float32), dims=("y", "x"), attrs={"units": "K"},
                      coords={"y": y0 - res * (np.arange(ny) + 0.5), "x": x0 + res * (np.arange(nx) + 0.5)})
    return da.rio.write_crs(crs)


@pytest.fixture(scope="module")
def vienna_grid():
    # EPSG:32633 box around Vienna (16.18-16.57 E, 48.12-48.32 N): 590-620 km E, 5330-5357 km N
    return _grid(590_000, 5_357_000, 300, 270, "EPSG:32633")


def _analyse(lst, districts, **kw):
    pop = xr.full_like(lst, 20.0)
    return analyse_layers(lst, population=pop, districts=districts, **kw)


def test_vienna_census_districts(shared_data, vienna_grid):
    """250 Zaehlbezirke: the only unique id-like column is ``id`` (BEZNR, ZBEZNR repeat): chosen automatically;
    every district gets a row and the LST means are those of a direct mask (closed form on the grid)."""
    path = shared_data / "cities" / "vienna" / "vienna_zaehlbezirke_2020.geojson"
    zones, column = prepare_zones(path, vienna_grid)
    assert column == "id" and len(zones) == 250 and zones.crs == vienna_grid.rio.crs
    res = _analyse(vienna_grid, path)
    table = res.district_table
    assert len(table) == 250 and table["id"].is_unique and (table["lst_count"] > 0).all()
    assert res.risk is not None and "residents_very_strong_heat" in table
    with pytest.raises(InputValueError, match="BEZNR.*not unique|duplicate ids"):
        prepare_zones(path, vienna_grid, id_column="BEZNR")


def test_austria_districts_name_column(shared_data, vienna_grid):
    """117 districts with ``iso`` and ``name`` both unique: the name column wins. Only Vienna's districts (and its
    whole-city polygon, iso 900) cover the grid: the others are named in a warning, not an error."""
    path = shared_data / "vector" / "austria_districts_2021.geojson"
    with pytest.warns(UserWarning, match="cover no pixel centre") as rec:
        zones, column = prepare_zones(path, vienna_grid)
    assert column == "name" and len(zones) == 117
    assert any("Wolfsberg" in str(w.message) for w in rec)  # a Carinthian district, far from Vienna
    # Vienna as a whole (iso 900) overlaps its 23 districts (901-923): named as overlapping
    assert any("overlap" in str(w.message) and "Wien" in str(w.message) for w in rec)
    res = _analyse(vienna_grid, path, district_column="iso")
    assert res.district_table["iso"].tolist() == zones["iso"].tolist()
    assert any("cover no pixel centre" in n for n in res.notes)


def test_sofia_outline(shared_data):
    """Sofia's municipality outline on the corrected Sofia stack: column ``id`` chosen; one district."""
    from uhi.io.stack import SOFIA_STACK_BANDS, SOFIA_STACK_SCALES, SOFIA_STACK_UNITS, load_stack

    folder = shared_data / "cities" / "sofia"
    stack = load_stack(folder / "LC08_184030_20190812.tif", SOFIA_STACK_BANDS, units=SOFIA_STACK_UNITS,
                       scales=SOFIA_STACK_SCALES)
    res = analyse_layers(stack["lst"], ndvi=stack["ndvi"], ndbi=stack["ndbi"], population=stack["population"].fillna(0),
                         districts=folder / "sofia_municipality.geojson", city="Sofia")
    assert res.district_table["id"].tolist() == [1]
    # 887 of 1,342 km2 of the municipality lie in the stack's valid footprint (README): 120 m pixels = 0.0144 km2
    assert res.district_table["lst_count"].iloc[0] * 0.0144 == pytest.approx(887, rel=0.03)


def test_choose_id_column_rules():
    g = gpd.GeoDataFrame({"code": ["a", "b"], "area": [1.0, 2.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    assert choose_id_column(g) == "code"  # floats are never ids
    g2 = g.assign(name=["x", "y"], label=["p", "q"])
    assert choose_id_column(g2) == "name"
    g3 = gpd.GeoDataFrame({"a": ["x", "y"], "b": ["p", "q"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    with pytest.raises(InputValueError, match="--district-id"):
        choose_id_column(g3)
    assert choose_id_column(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])) is None


def test_bowtie_empty_and_null_geometries_reported_by_name():
    """A bow-tie (self-intersecting ring) is repaired with make_valid and named; empty and null geometries are
    named and left out; the rest is analysed."""
    lst = _grid(500_000, 4_700_000, 40, 40, "EPSG:32634")
    bowtie = Polygon([(500_000, 4_696_000), (504_000, 4_700_000), (504_000, 4_696_000), (500_000, 4_700_000)])
    zones = gpd.GeoDataFrame(
        {"district": ["Bowtie", "Empty", "Null", "Square"]},
        geometry=[bowtie, Polygon(), None, box(501_000, 4_661_000, 503_000, 4_663_000)], crs="EPSG:32634")
    with pytest.warns(UserWarning) as rec:
        gdf, column = prepare_zones(zones, lst)
    messages = " | ".join(str(w.message) for w in rec)
    assert "Bowtie" in messages and "make_valid" in messages and "Self-intersection" in messages
    assert "Empty" in messages and "Null" in messages
    assert column == "district" and gdf["district"].tolist() == ["Bowtie", "Square"] and gdf.is_valid.all()
    # the repaired bow-tie is two triangles of 4 km2 each: 800 pixels of 100 m
    res = _analyse(lst, zones)
    assert res.district_table.set_index("district")["lst_count"]["Bowtie"] == pytest.approx(800, rel=0.06)


def test_all_district_checks_before_any_output(tmp_path):
    """Ambiguous id columns stop `uhi risk` before the first file is written."""
    from uhi.cli import app
    from uhi.synthetic import default_scene

    scene = default_scene("Sofia")
    ds = rioxarray.open_rasterio(next(scene.glob("*_B10.TIF")))
    x0, y0, x1, y1 = ds.rio.bounds()
    zones = gpd.GeoDataFrame({"a": ["x", "y"], "b": ["p", "q"]},
                             geometry=[box(x0, y0, (x0 + x1) / 2, y1), box((x0 + x1) / 2, y0, x1, y1)], crs=ds.rio.crs)
    path = tmp_path / "zones.gpkg"
    zones.to_file(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["risk", str(scene), "--districts", str(path), "--out", str(out)])
    assert result.exit_code == 1 and "--district-id" in result.output
    assert not out.exists() or not any(out.iterdir())
    result = CliRunner().invoke(app, ["risk", str(scene), "--districts", str(path), "--district-id", "b", "--out", str(out)])
    assert result.exit_code == 0, result.output
    import pandas as pd

    assert pd.read_csv(out / "districts.csv")["b"].tolist() == ["p", "q"] and (out / "districts_risk.png").is_file()


def test_cli_vulnerability_table(tmp_path):
    """`uhi risk --vulnerability people.csv` joins residents' attributes to the scene's districts by their id column;
    the summary names the attributes and reports a rank correlation of risk with vulnerability."""
    import json

    from uhi.cli import app
    from uhi.synthetic import default_scene

    scene = default_scene("Sofia")
    names = gpd.read_file(scene / "truth" / "districts.gpkg")["district"].tolist()
    rng = np.random.default_rng(0)
    rows = "\n".join(f"{n},{rng.uniform(0.1, 0.3):.3f},{rng.uniform(0.05, 0.2):.3f}" for n in names)
    csv = tmp_path / "people.csv"
    csv.write_text("district,elderly,living_alone\n" + rows + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["risk", str(scene), "--vulnerability", str(csv), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["vulnerability"].startswith("elderly(+) living_alone(+)")
    assert summary["risk_rank_correlation"]["vulnerability"] is not None
    assert "vulnerability_index" in open(out / "districts.csv").readline()
