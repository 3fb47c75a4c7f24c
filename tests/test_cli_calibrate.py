"""``uhi calibrate`` and ``uhi validate`` on a synthetic city written to GeoTIFF + CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import tomllib
from typer.testing import CliRunner

from uhi.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    import rioxarray  # noqa: F401
    import xarray as xr

    from uhi._paths import data_path
    from uhi.calibrate import synthetic_case
    from uhi.cooling import parameters_from_landcover, urban_cooling

    d = tmp_path_factory.mktemp("city")
    case = synthetic_case(shape=(48, 48), n_stations=24, noise=0.0, seed=7)
    codes = np.array([1, 2, 3, 6, 7, 8, 10])[case.landcover.values]  # synthetic classes -> shipped land-cover codes
    lc = xr.DataArray(codes.astype(np.float32), coords=case.landcover.coords, dims=("y", "x")).rio.write_crs(case.landcover.rio.crs)
    lc.rio.to_raster(d / "landcover.tif")
    params = parameters_from_landcover(lc, data_path("landcover.csv"))
    night = urban_cooling(params, ref_et=6.0, t_ref=22.0, uhi_max=3.0, mixing_radius=600.0, cc_method="intensity")
    day = urban_cooling(params, ref_et=6.0, t_ref=28.0, uhi_max=2.0, mixing_radius=600.0, cc_method="factors")
    from uhi.observations import sample_raster

    rows = []
    pts = case.stations.to_crs("EPSG:4326")
    t_night, t_day = sample_raster(night["t_air"], case.stations), sample_raster(day["t_air"], case.stations)
    for sid, geom in pts.geometry.items():
        # night of 2019-07-01 in Berlin time (22:00-02:00 CEST = 20:00-00:00 UTC), and the 10:00 UTC overpass
        for stamp in pd.date_range("2019-07-01T20:00Z", periods=5, freq="h"):
            rows.append({"station": sid, "lon": geom.x, "lat": geom.y, "time": stamp.isoformat(), "t_air": t_night[sid]})
        rows.append({"station": sid, "lon": geom.x, "lat": geom.y, "time": "2019-07-02T10:00:00+00:00", "t_air": t_day[sid]})
    pd.DataFrame(rows).to_csv(d / "stations.csv", index=False)
    return d


def test_calibrate_night_writes_a_scenario_baseline(city, tmp_path):
    out = tmp_path / "cal"
    r = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"),
                            "--night", "2019-07-01", "--timezone", "Europe/Berlin", "--fit", "t_ref,uhi_max", "--out", str(out)])
    assert r.exit_code == 0, r.output
    base = tomllib.loads((out / "baseline.toml").read_text())["baseline"]
    # noise-free night observations of the model (t_ref 22, uhi_max 3, intensity, 600 m) -> recovered exactly
    assert base["t_ref"] == pytest.approx(22.0, abs=2e-3) and base["uhi_max"] == pytest.approx(3.0, abs=2e-3)
    assert base["cc_method"] == "intensity"
    assert {p.name for p in out.iterdir()} == {"baseline.toml", "calibration_history.csv", "stations.csv"}
    # a second run refuses the used folder
    again = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"),
                                "--night", "2019-07-01", "--timezone", "Europe/Berlin", "--out", str(out)])
    assert again.exit_code == 1 and "--overwrite" in again.output


def test_validate_day_writes_skill_and_figures(city, tmp_path):
    out = tmp_path / "val"
    r = runner.invoke(app, ["validate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"),
                            "--time", "2019-07-02T10:00Z", "--fit", "t_ref,uhi_max", "--shuffles", "3", "--out", str(out)])
    assert r.exit_code == 0, r.output
    skill = pd.read_csv(out / "skill.csv")
    assert set(skill["predictor"]) == {"model", "constant", "shuffled"} and set(skill["validation"]) == {"in-sample", "LOSO"}
    model_loso = skill[(skill.predictor == "model") & (skill.validation == "LOSO")].iloc[0]
    assert model_loso["rmse"] < 1e-3  # exact model, only t_ref/uhi_max refitted per fold
    assert (out / "scatter.png").stat().st_size > 0 and (out / "residuals.png").stat().st_size > 0
    assert "loso" in pd.read_csv(out / "stations.csv").columns


@pytest.mark.parametrize("args, match", [
    (["--fit", "albedo", "--time", "2019-07-02T10:00Z"], "cannot fit"),
    (["--time", "2019-07-02 10:00"], "no time zone"),
    ([], "--time"),
    (["--night", "2019-07-01"], "--timezone"),
])
def test_bad_input_one_line(city, tmp_path, args, match):
    r = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"),
                            "--out", str(tmp_path / "x"), *args])
    assert r.exit_code == 1 and match in r.output and "Traceback" not in r.output


def test_missing_landcover_and_station_file(city, tmp_path):
    r = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(tmp_path / "none.tif"),
                            "--time", "2019-07-02T10:00Z", "--out", str(tmp_path / "x")])
    assert r.exit_code == 1 and "none.tif" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["validate", str(tmp_path / "none.csv"), "--landcover", str(city / "landcover.tif"),
                            "--time", "2019-07-02T10:00Z", "--out", str(tmp_path / "y")])
    assert r.exit_code == 1 and "none.csv" in r.output and "does not exist" in r.output


def test_calibrate_from_a_scenario_baseline(city, tmp_path):
    # the scenario's [baseline] gives the model (invest, intensity) and the fixed mixing radius; t_ref/uhi_max are fitted
    scen = tmp_path / "scenario.toml"
    scen.write_text('city = "Sofia"\n[baseline]\ncooling_model = "invest"\nt_ref = 20.0\nuhi_max = 1.0\n'
                    'mixing_radius = 600\ncc_method = "intensity"\n')
    out = tmp_path / "cal"
    r = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"), "--baseline", str(scen),
                            "--night", "2019-07-01", "--timezone", "Europe/Berlin", "--fit", "t_ref,uhi_max", "--out", str(out)])
    assert r.exit_code == 0, r.output
    base = tomllib.loads((out / "baseline.toml").read_text())["baseline"]
    assert base["cooling_model"] == "invest" and base["mixing_radius"] == 600.0
    assert base["t_ref"] == pytest.approx(22.0, abs=2e-3) and base["uhi_max"] == pytest.approx(3.0, abs=2e-3)
    scen.write_text('[baseline]\nuhi_max = -1\n')
    bad = runner.invoke(app, ["calibrate", str(city / "stations.csv"), "--landcover", str(city / "landcover.tif"), "--baseline", str(scen),
                              "--night", "2019-07-01", "--timezone", "Europe/Berlin", "--out", str(tmp_path / "bad")])
    assert bad.exit_code == 1 and "baseline.uhi_max" in bad.output and "line 2" in bad.output
