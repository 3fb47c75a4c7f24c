"""HTML report and ScenarioResult.write: self-contained, complete, atomic, non-clobbering, inside the out dir."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import rioxarray

from uhi.errors import OutputExistsError, OutputPathError
from uhi.report import render_report, write_report
from uhi.scenarios import OUTPUT_FILES, Scenario

BODY = """
[[intervention]]
type = "street_trees"
amount = 1500
districts = ["North-West", "South-West"]

[[intervention]]
type = "misting"
amount = 3
top_risk = { share = 0.02 }
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory, make_city, write_scenario):
    folder = tmp_path_factory.mktemp("city")
    make_city(folder)
    a = Scenario.from_toml(write_scenario(folder, BODY, "a.toml"))
    base = a.prepare_baseline()
    b = Scenario.from_toml(write_scenario(folder, '\n[[intervention]]\ntype = "cool_roof"\ncoverage = 0.5\ntop_risk = { share = 0.2 }\n', "b.toml"))
    return [a.run(baseline=base), b.run(baseline=base)]


def test_report_is_self_contained_and_complete(results, tmp_path):
    path = write_report(results[0], tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path == tmp_path / "report.html"
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert not re.search(r"(src|href)=['\"](https?:|file:|/)", text)  # nothing outside the file
    assert text.count("data:image/png;base64,") == 4  # before, after, difference, risk classes
    # the InVEST bound (T_air within [T_ref, T_ref + UHI_max] by construction of the UCM equations [invest-ucm]) and
    # the hyper-local caveat (green walls [jccr-vgs], misting [buildings2024-misting]) are stated
    assert "T_ref + UHI_max" in text and "do not cool a district" in text
    assert "Krayenhoff" in text and "North-West" in text
    assert f"{results[0].totals['cost_eur']:,.0f}" in text  # 1500 x 2000 + 3 x 15000 = 3,045,000 EUR
    assert results[0].totals["cost_eur"] == 1500 * 2000.0 + 3 * 15000.0
    assert "catalogue defaults" in text  # misting's cost is a default to override


def test_report_of_several_results_ranks_them(results, tmp_path):
    text = render_report(results)
    assert "Ranking by annualised EUR per heat death avoided" in text and text.count("<h2>") >= 4
    assert "Why this order" in text  # one sentence per option
    assert "SYNTHETIC" not in text  # user layers: not a synthetic scene


def test_report_refuses_overwrite_and_is_atomic(results, tmp_path, monkeypatch):
    write_report(results[0], tmp_path)
    with pytest.raises(OutputExistsError):
        write_report(results[0], tmp_path)
    before = (tmp_path / "report.html").read_bytes()

    def broken(_):
        raise RuntimeError("disk full")

    from uhi import report

    monkeypatch.setattr(report, "render_report", broken)
    with pytest.raises(RuntimeError):
        write_report(results[0], tmp_path, overwrite=True)
    assert (tmp_path / "report.html").read_bytes() == before  # old report intact
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no partial file left behind
    with pytest.raises(OutputPathError):
        write_report(results[0], tmp_path, name="../escape.html")


def test_result_write_outputs(results, tmp_path):
    r = results[0]
    written = r.write(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(OUTPUT_FILES)
    # COG rasters hold the maps (float32 round trip is exact)
    dt = rioxarray.open_rasterio(tmp_path / "out" / "delta_t_air.tif").squeeze().values
    np.testing.assert_array_equal(np.nan_to_num(dt), np.nan_to_num(r.maps["delta_t_air"].values))
    csv = pd.read_csv(tmp_path / "out" / "districts.csv")
    assert list(csv["district"]) == ["North-West", "North-East", "South-West", "South-East"]
    totals = json.loads((tmp_path / "out" / "totals.json").read_text(encoding="utf-8"))
    assert totals["cost_eur"] == r.totals["cost_eur"] and totals["caveats"]
    with pytest.raises(OutputExistsError):
        r.write(tmp_path / "out")
    assert len(r.write(tmp_path / "out", overwrite=True)) == len(OUTPUT_FILES)


def test_plot_returns_axes_with_units(results):
    import matplotlib.pyplot as plt

    ax = results[0].plot()
    assert ax.images and "Air temperature change [°C]" == ax.images[0].colorbar.ax.get_ylabel()  # a K difference is a °C one
    ax2 = results[0].plot(variable="risk_class_scenario")
    assert {t.get_text() for t in ax2.get_legend().get_texts()} == {"very low", "low", "moderate", "high", "very high"}
    plt.close("all")
