"""LST GeoTIFFs and LST/index stacks: `uhi.io.stack.load_lst_raster`, `uhi.analysis.analyse_raster`,
`uhi risk FILE.tif` and `uhi timeseries FILE.tif ...`.

Real data: Sofia's 2019 summer stack (9 bands, LST in degC, indices from digital numbers; shared data
README) and the Liverpool Level-2 crop, whose LST `uhi lst` writes as a tagged GeoTIFF.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import rasterio
from typer.testing import CliRunner

from uhi.analysis import analyse_layers, analyse_raster, is_lst_raster
from uhi.cli import app
from uhi.errors import InputValueError
from uhi.io.stack import SOFIA_STACK_BANDS, SOFIA_STACK_SCALES, SOFIA_STACK_UNITS, load_lst_raster, load_stack

runner = CliRunner()
LIVERPOOL = "LC08_L2SP_204023_20200927_20201006_02_T1-cropped.tar.gz"


@pytest.fixture(scope="module")
def sofia_stack(shared_data):
    return shared_data / "cities" / "sofia" / "LC08_184030_20190812.tif"


def test_stack_equals_the_layers_path(sofia_stack, shared_data):
    """Expected: the same analysis built by hand from uhi.io.load_stack + analyse_layers (the path notebook 02 takes)."""
    outline = shared_data / "cities" / "sofia" / "sofia_municipality.geojson"
    got = analyse_raster(sofia_stack, bands=SOFIA_STACK_BANDS, lst_units="degC", index_scale="dn", districts=outline,
                         city="Sofia")
    st = load_stack(sofia_stack, SOFIA_STACK_BANDS, units=SOFIA_STACK_UNITS, scales=SOFIA_STACK_SCALES)
    want = analyse_layers(st["lst"], ndvi=st["ndvi"], ndbi=st["ndbi"], mndwi=st["mndwi"],
                          population=st["population"].where(st["population"] >= 0, 0.0), districts=outline, city="Sofia")
    np.testing.assert_array_equal(got.lst.values, want.lst.values)
    assert got.suhii.suhii == pytest.approx(want.suhii.suhii, abs=1e-9)
    np.testing.assert_array_equal(got.risk["risk_class"].values, want.risk["risk_class"].values)
    assert got.summary()["residents_high_risk"] == pytest.approx(want.summary()["residents_high_risk"])
    assert any("population from band 8" in n for n in got.notes)
    # LST range of the shared data README for the 2019 stack: 22.0 / 54.9 degC min / max
    s = got.summary()
    assert (round(s["lst_min_degC"], 1), round(s["lst_max_degC"], 1)) == (22.0, 54.9)


def test_uhi_lst_output_round_trips_with_its_tags(shared_data, tmp_path):
    """`uhi lst --celsius` writes units/method/time tags; analyse_raster reads them back: LST in K equal to the
    written degC + 273.15 (float32), method and date from the tags, no units flag needed."""
    out = tmp_path / "lst.tif"
    result = runner.invoke(app, ["lst", str(shared_data / "landsat" / LIVERPOOL), "--celsius", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with rasterio.open(out) as src:
        written = src.read(1, masked=True).filled(np.nan)
    got = analyse_raster(out)
    np.testing.assert_allclose(got.lst.values, written + np.float32(273.15), rtol=0, atol=1e-4)
    assert got.lst.attrs["method"] == "l2" and got.date == "2020-09-27"
    assert got.risk["hazard_class"].notnull().any()


def test_bad_rasters_get_one_line_naming_the_fix(sofia_stack, tmp_path):
    with pytest.raises(InputValueError, match="has 9 bands and 1 band names"):
        analyse_raster(sofia_stack, lst_units="degC")
    with pytest.raises(InputValueError, match="has no 'units' tag.*--lst-units"):
        analyse_raster(sofia_stack, bands=SOFIA_STACK_BANDS)
    # degC data read as kelvin: median 36.9 degC would be -236 degC, outside -100..+80 degC
    with pytest.raises(InputValueError, match="outside -100..\\+80 degC: wrong units"):
        analyse_raster(sofia_stack, bands=SOFIA_STACK_BANDS, lst_units="K")
    with pytest.raises(InputValueError, match="name no 'lst' band"):
        analyse_raster(sofia_stack, bands=[b.replace("lst", "t") for b in SOFIA_STACK_BANDS], lst_units="degC")
    with pytest.raises(InputValueError, match="are not kelvin or degrees Celsius"):
        analyse_raster(sofia_stack, bands=SOFIA_STACK_BANDS, lst_units="degF")
    bad = tmp_path / "bad.tif"
    bad.write_text("not a GeoTIFF")
    with pytest.raises(InputValueError, match="bad.tif' cannot be read as a GeoTIFF"):
        analyse_raster(bad)
    assert is_lst_raster("x.TIF") and not is_lst_raster("scene.tar.gz") and not is_lst_raster(None)


def test_cli_risk_on_sofia_stack(sofia_stack, shared_data, tmp_path):
    """Expected residents: the stack's population band summed over its grid (read here with rasterio)."""
    out = tmp_path / "risk"
    args = ["risk", str(sofia_stack), "--bands", ",".join(SOFIA_STACK_BANDS), "--lst-units", "degC", "--index-scale", "dn",
            "--districts", str(shared_data / "cities" / "sofia" / "sofia_municipality.geojson"), "--city", "Sofia",
            "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for name in ("risk.tif", "risk_class.tif", "hazard_class.tif", "districts.gpkg", "risk_map.png", "summary.json"):
        assert (out / name).is_file(), name
    with rasterio.open(sofia_stack) as src:
        pop = src.read(8, masked=True).filled(np.nan).astype(np.float64)
    expected = float(np.nansum(np.where(pop > 0, pop, 0.0)))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["residents"] == pytest.approx(expected, rel=1e-5)
    assert summary["synthetic"] is False and summary["city"] == "Sofia"
    # scene options on a raster, raster options on a scene: refused before any output
    result = runner.invoke(app, ["risk", str(sofia_stack), "--method", "simple", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "--method" in result.output and not (tmp_path / "x").exists()
    result = runner.invoke(app, ["risk", "--lst-units", "K", "--out", str(tmp_path / "y")])
    assert result.exit_code == 1 and "apply to an LST raster" in result.output and not (tmp_path / "y").exists()


def test_cli_timeseries_on_sofia_2014_and_2019(shared_data, tmp_path):
    """Expected: per-pixel mean / max of the two stacks' LST bands [degC + 273.15] and the count of scenes above
    40 degC, computed here from the files with rasterio and numpy (nan-aware)."""
    folder = shared_data / "cities" / "sofia"
    files = [folder / "LC08_184030_20140814.tif", folder / "LC08_184030_20190812.tif"]
    out = tmp_path / "ts"
    result = runner.invoke(app, ["timeseries", *map(str, files), "--bands", ",".join(SOFIA_STACK_BANDS), "--lst-units", "degC",
                                 "--hot", "40", "--chunks", "128", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lst = []
    for f in files:
        with rasterio.open(f) as src:
            lst.append(src.read(9, masked=True).filled(np.nan).astype(np.float64) + 273.15)
    lst = np.stack(lst)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pixels (outside the footprint)
        expected = {"mean_lst": np.nanmean(lst, axis=0), "max_lst": np.nanmax(lst, axis=0),
                    "hot_days": np.sum(lst > 40 + 273.15, axis=0), "valid_scenes": np.sum(np.isfinite(lst), axis=0)}
    for name, want in expected.items():
        with rasterio.open(out / f"{name}.tif") as src:
            got = src.read(1, masked=True).filled(np.nan).astype(np.float64)
        np.testing.assert_allclose(got, want, atol=1e-3, equal_nan=True, err_msg=name)


def test_load_lst_raster_lazy_equals_eager(sofia_stack):
    """With chunks the stack is dask-backed and equal to the eager read; units and method recorded."""
    eager = load_lst_raster(sofia_stack, bands=SOFIA_STACK_BANDS, lst_units="degC")
    lazy = load_lst_raster(sofia_stack, bands=SOFIA_STACK_BANDS, lst_units="degC", chunks={"x": 100, "y": 100})
    assert lazy["lst"].chunks is not None and eager["lst"].attrs["units"] == "degC"
    np.testing.assert_array_equal(lazy["lst"].values, eager["lst"].values)
    assert eager["lst"].attrs["method"] == "read from LC08_184030_20190812.tif"
