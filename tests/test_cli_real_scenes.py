"""Every real scene of ../shared/data/landsat through `uhi risk` and `uhi timeseries` (issue: real scenes end to end).

Each scene either completes, or stops before writing anything with one line naming what it lacks and the option
that gets past it. What each scene has (shared data README): Liverpool L2 crop (no QA band), Momotombo L2 crop
(no QA band, fill pixels, extreme LST), Maui L1 crop (no QA, no B11), Pensacola pre-collection L1T (BQA, B10+B11,
no SWIR), Amazon L2 bundle (QA_PIXEL, 99.94 % cloud, 600.08 x 600.85 m pixels).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from uhi.cli import app

runner = CliRunner()

SCENES = {
    "liverpool": "LC08_L2SP_204023_20200927_20201006_02_T1-cropped.tar.gz",
    "momotombo": "LC08_L2SP_017051_20151205_20200908_02_T1-cropped.tar.gz",
    "maui": "LC09_L1TP_063046_20230714_20230714_02_T1-cropped.tar.gz",
    "pensacola": "LC80200392015216LGN00.tar.gz",
    "amazon": "LC08_L2SP_001062_20201031_20201106_02_T2",
}


@pytest.mark.parametrize("name", sorted(SCENES))
def test_risk_on_every_real_scene(shared_data, tmp_path, name):
    scene = shared_data / "landsat" / SCENES[name]
    out = tmp_path / "out"
    result = runner.invoke(app, ["risk", str(scene), "--out", str(out)])
    if name == "amazon":
        # QA_PIXEL flags 99.94 % as cloud: automatic masking leaves no LST; one line, nothing written
        assert result.exit_code == 1, result.output
        assert "--no-mask-clouds" in result.output and "valid LST" in result.output
        assert not out.exists() or not any(out.iterdir())
        result = runner.invoke(app, ["risk", str(scene), "--out", str(out), "--no-mask-clouds"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert (out / "lst_celsius.tif").is_file() and (out / "lst_map.png").is_file()
    # no population given: hazard-only outputs, and the summary and console say so
    assert "no population" in result.output
    assert any("no population" in note for note in summary["notes"])
    assert not (out / "risk.tif").exists()
    # hazard-only outputs: absolute heat-stress classes of the LST
    assert (out / "hazard.tif").is_file() and (out / "hazard_class.tif").is_file()
    assert sum(v for v in summary["hazard_class_shares"].values() if v is not None) == pytest.approx(1.0)
    if name == "pensacola":  # no SWIR band: NDBI (and MNDWI) dropped, stated
        assert summary["indices"] == ["ndvi"]
        assert any("NDBI not computed" in note and "swir1" in note for note in summary["notes"])
        assert "BQA" in summary["cloud_mask"]
    if name in ("liverpool", "maui", "momotombo"):
        assert "no QA band" in summary["cloud_mask"]


@pytest.mark.parametrize("name", sorted(SCENES))
def test_timeseries_on_every_real_scene(shared_data, tmp_path, name):
    scene = shared_data / "landsat" / SCENES[name]
    args = ["timeseries", str(scene), "--out", str(tmp_path / "ts"), "--chunks", "256"]
    if name == "amazon":  # fully clouded under the QA mask: one line naming the option, nothing written
        result = runner.invoke(app, args)
        assert result.exit_code == 1 and "--no-mask-clouds" in result.output
        assert not (tmp_path / "ts").exists() or not any((tmp_path / "ts").iterdir())
        args.append("--no-mask-clouds")
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for stem in ("mean_lst", "max_lst", "hot_days", "valid_scenes"):
        assert (tmp_path / "ts" / f"{stem}.tif").is_file()


def test_population_that_misses_the_scene_stops_before_output(shared_data, tmp_path):
    """GHS-POP clip of Algeria (Mollweide) given with the Liverpool scene: no resident on the scene grid. One line
    saying so, exit 1, nothing written (before: 'risk is all NaN' from deep inside the classifier)."""
    scene = shared_data / "landsat" / SCENES["liverpool"]
    pop = shared_data / "population" / "GHS_POP_E2015_GLOBE_R2019A_54009_1K_V1_0.tif"
    out = tmp_path / "out"
    result = runner.invoke(app, ["risk", str(scene), "--population", str(pop), "--out", str(out)])
    assert result.exit_code == 1 and "does not overlap the scene" in result.output
    assert not out.exists() or not any(out.iterdir())
