"""The `uhi` command line (cities, lst, risk, demo): thin layer, clear errors, no overwrite, files written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from uhi.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Niš", shape=(200, 200), level="L1", seed=1, out=tmp_path_factory.mktemp("scene"))


def test_cities_lists_registry():
    result = runner.invoke(app, ["cities"])
    assert result.exit_code == 0, result.output
    for name in ("Sofia", "Galați", "Chișinău", "Niš", "Zenica", "Podgorica", "Kranj", "Říčany", "Ratiboř",
                 "Vienna", "Bratislava", "Ljubljana"):
        assert name in result.output


def test_lst_writes_cog_and_refuses_overwrite(scene, tmp_path):
    import rioxarray

    out = tmp_path / "lst.tif"
    result = runner.invoke(app, ["lst", str(scene), "--method", "simple", "--out", str(out)])
    assert result.exit_code == 0, result.output
    da = rioxarray.open_rasterio(out)
    assert da.rio.crs is not None and da.shape[-2:] == (200, 200)
    before = out.read_bytes()
    result = runner.invoke(app, ["lst", str(scene), "--out", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_bytes() == before


def test_lst_bad_scene_is_one_line_error(tmp_path):
    result = runner.invoke(app, ["lst", str(tmp_path / "missing"), "--out", str(tmp_path / "x.tif")])
    assert result.exit_code == 1
    assert "missing" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.tif").exists()


def test_risk_writes_rasters_tables_maps(scene, tmp_path):
    out = tmp_path / "risk"
    result = runner.invoke(app, ["risk", str(scene), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("lst_celsius.tif", "hazard.tif", "exposure.tif", "vulnerability.tif", "risk.tif", "risk_class.tif",
                 "districts.gpkg", "districts.csv", "risk_map.png", "lst_map.png"):
        assert (out / name).is_file(), name
    assert "residents" in result.output
