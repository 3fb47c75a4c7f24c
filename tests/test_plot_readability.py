"""Maps and charts a planner can read (issue 13): legends beside the map, district outlines on risk maps,
site labels that do not overlap, bar charts that say when they show only the top N, names in any script.

Each test asserts on the drawn artists (Agg backend), not on pixels.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from matplotlib.collections import LineCollection
from shapely.geometry import box

from uhi import plot

X0, Y0, CELL, N = 6.0e5, 4.7e6, 30.0, 60
NAMES = ("Оборище", "Niš – Medijana", "Timișoara", "Győr-Moson", "Ljubljana Šiška", "Младост [1]")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _grid(values, **attrs) -> xr.DataArray:
    y = Y0 - (np.arange(values.shape[0]) + 0.5) * CELL
    x = X0 + (np.arange(values.shape[1]) + 0.5) * CELL
    return xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"), attrs=attrs).rio.write_crs("EPSG:32634")


@pytest.fixture
def districts() -> gpd.GeoDataFrame:
    side = N * CELL / 2
    cells = [box(X0 + i * side, Y0 - (j + 1) * side, X0 + (i + 1) * side, Y0 - j * side) for j in range(2) for i in range(2)]
    return gpd.GeoDataFrame({"district": list(NAMES[:4])}, geometry=cells, crs="EPSG:32634")


def _risk_class():
    return _grid(np.kron(np.arange(1, 5, dtype=np.uint8).reshape(2, 2), np.ones((N // 2, N // 2), np.uint8)).astype(np.uint8))


def _hotspots():
    z = np.linspace(-4, 4, N * N).reshape(N, N)
    bins = np.digitize(z, [-2.58, -1.96, -1.65, 1.65, 1.96, 2.58]).astype(np.int8) - 3
    return xr.Dataset({"gi_bin": _grid(bins), "gi_zscore": _grid(z)}, attrs={"distance_m": 300.0})


@pytest.mark.parametrize("draw", ["risk", "hotspot"])
def test_legend_sits_beside_the_map_and_outlines_are_drawn(draw, districts):
    ax = (plot.risk_map(_risk_class(), districts=districts) if draw == "risk" else plot.hotspot_map(_hotspots(), districts=districts))
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.x0 >= ax.get_window_extent(renderer).x1  # outside: no data hidden under it
    outlines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert outlines, "district outlines missing"


def test_risk_bars_say_when_only_the_top_n_are_shown():
    table = pd.DataFrame({"district": [f"D{i}" for i in range(20)], "residents_high_risk": np.arange(20.0)})
    ax = plot.risk_bars(table, column="residents_high_risk", label_column="district", top=15)
    assert "top 15 of 20 districts" in ax.get_title() and len(ax.patches) == 15
    ax = plot.risk_bars(table.head(10), column="residents_high_risk", label_column="district", top=15)
    assert "top" not in ax.get_title()  # all shown: no note


def test_site_labels_do_not_overlap():
    fig, ax = plt.subplots(figsize=(5, 5))
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(0, 1, 40), rng.normal(0, 1, 40)  # a tight cluster: naive labels would pile up
    ax.plot(xs, ys, "o")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-6, 6)
    texts = plot.label_points(ax, xs, ys, [str(i + 1) for i in range(40)])
    fig.canvas.draw()
    from matplotlib.text import Text

    boxes = [Text.get_window_extent(t, fig.canvas.get_renderer()) for t in texts]  # the label text, not its leader line
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert len(texts) == 40 and not overlaps


def test_names_in_any_script_render_with_dejavu_sans(districts):
    table = pd.DataFrame({"district": list(NAMES), "residents_high_risk": np.arange(6.0)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot.risk_bars(table, column="residents_high_risk", label_column="district", title="София, Niš, Timișoara")
        ax.figure.canvas.draw()
    assert not [w for w in caught if "Glyph" in str(w.message)]  # every character has a glyph
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Младост [1]" in labels and ax.title.get_fontfamily()[0] == "DejaVu Sans"
