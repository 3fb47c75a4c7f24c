"""Maps and charts (Agg backend, set in conftest): returned axes, units on colour bars, legends,
scale bar and north arrow, titles from attrs, axes reuse, atomic saving.

Inputs are small synthetic rasters on a UTM 33N 30 m grid in Vienna (60 x 60 px = 1.8 km wide)
and a few square districts, so every expected number below is a hand calculation.
"""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import rioxarray
import xarray as xr
from matplotlib.axes import Axes
from shapely.geometry import box

from uhi.errors import InputValueError, OutputExistsError
from uhi.plot import (
    benefit_curve,
    delta_map,
    district_choropleth,
    hotspot_map,
    lst_map,
    risk_bars,
    risk_map,
    save_figure,
)
from uhi.plot._decor import METRES_PER_DEGREE, nice_length
from uhi.plot.charts import column_label

X0, Y_TOP, RES, N = 600_000.0, 5_340_000.0, 30.0, 60


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _grid(values, name="lst", units="K", crs="EPSG:32633", **attrs) -> xr.DataArray:
    x = X0 + RES * (np.arange(values.shape[1]) + 0.5)
    y = Y_TOP - RES * (np.arange(values.shape[0]) + 0.5)
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": y, "x": x}, name=name, attrs={"units": units, **attrs})
    return da.rio.write_crs(crs) if crs else da


@pytest.fixture
def lst():
    u = np.linspace(0, 3, N)
    values = (300.0 + 5.0 * np.sin(u)[None, :] * np.cos(u)[:, None]).astype(np.float32)
    values[:3, :3] = np.nan
    return _grid(values, city="Vienna", acquisition_time="2023-07-14T09:55:12Z")


@pytest.fixture
def districts():
    cells = [box(X0 + i * 900, Y_TOP - (j + 1) * 900, X0 + (i + 1) * 900, Y_TOP - j * 900) for j in range(2) for i in range(2)]
    return gpd.GeoDataFrame({"name": ["NW", "NE", "SW", "SE"]}, geometry=cells, crs="EPSG:32633")


def _scale_bar(ax):
    bars = [a for a in ax.artists if a.get_gid() == "scale_bar"]
    return bars[0] if bars else None


def _north_arrow(ax):
    return [t for t in ax.texts if t.get_gid() == "north_arrow"]


def _colorbar_label(ax) -> str:
    mappable = ax.images[0] if ax.images else next(c for c in ax.collections if c.colorbar is not None)
    return mappable.colorbar.ax.get_ylabel()


def test_lst_map_units_title_furniture(lst, districts):
    ax = lst_map(lst, districts=districts)
    assert isinstance(ax, Axes)
    assert _colorbar_label(ax) == "Land surface temperature [°C]"
    # kelvin -> degC on display: 300 K field mean minus 273.15 (hand), NaN corner ignored
    assert float(np.nanmean(ax.images[0].get_array())) == pytest.approx(float(lst.mean()) - 273.15, abs=1e-4)
    assert ax.get_title() == "Land surface temperature — Vienna, 2023-07-14"
    # map width 1.8 km: a fifth is 360 m -> round length 200 m (1-2-5 series, hand)
    bar = _scale_bar(ax)
    assert bar is not None and bar.txt_label.get_text() == "200 m"
    assert [t.get_text() for t in _north_arrow(ax)] == ["N"]
    # image extent = pixel edges from the centre coordinates
    assert ax.images[0].get_extent() == pytest.approx([X0, X0 + N * RES, Y_TOP - N * RES, Y_TOP])
    assert len(ax.collections) >= 1  # district outlines


def test_lst_map_kelvin_and_celsius_input(lst):
    ax = lst_map(lst, celsius=False, title="custom")
    assert _colorbar_label(ax) == "Land surface temperature [K]" and ax.get_title() == "custom"
    in_c = (lst - 273.15).assign_attrs(units="degC")
    ax2 = lst_map(in_c)
    np.testing.assert_allclose(ax2.images[0].get_array().filled(np.nan), lst.values - 273.15, atol=1e-4)
    with pytest.raises(InputValueError, match="neither kelvin"):
        lst_map(lst.assign_attrs(units="degF"))


def test_degree_grid_gets_latitude_scale_bar_and_no_crs_none():
    lon = np.linspace(16.20, 16.50, 40)
    lat = np.linspace(48.30, 48.10, 30)
    da = xr.DataArray(np.full((30, 40), 300.0), dims=("y", "x"), coords={"y": lat, "x": lon}, attrs={"units": "K"}).rio.write_crs("EPSG:4326")
    ax = lst_map(da)
    bar = _scale_bar(ax)
    # map centre latitude 48.2 N; width (0.3 + one pixel) deg x 111.32 km x cos(48.2 deg) = 22.8 km -> a fifth 4.6 km -> 2 km
    assert bar.txt_label.get_text() == "2 km (at 48.2°N)"
    no_crs = lst_map(_grid(np.full((5, 5), 300.0), crs=None))
    assert _scale_bar(no_crs) is None and not _north_arrow(no_crs)
    assert any("no CRS" in t.get_text() for t in no_crs.texts)


def test_risk_map_five_class_legend(lst):
    from uhi.risk import classify

    classes = classify(lst, "quantile", 5)
    classes.attrs["city"] = "Vienna"
    ax = risk_map(classes)
    legend = ax.get_legend()
    # five entries from classify's flag_meanings, highest class first
    assert [t.get_text() for t in legend.get_texts()] == ["very high", "high", "moderate", "low", "very low"]
    swatches = [h.get_facecolor() for h in legend.legend_handles]
    assert len(swatches) == 5 and len({tuple(c) for c in swatches}) == 5
    assert legend.get_title().get_text() == "Heat risk class"
    assert ax.get_title() == "Heat risk — Vienna"
    assert _scale_bar(ax) is not None and _north_arrow(ax)
    with pytest.raises(InputValueError, match="classes 1..5"):
        risk_map(_grid(np.full((4, 4), 7, dtype=np.uint8), units="1"))


def test_hotspot_map_seven_bins(lst):
    from uhi.metrics import hotspots

    ds = hotspots(lst, distance_m=150, cell_m=None)  # native grid: the NaN corner stays 3 x 3 pixels
    ds.attrs["city"] = "Vienna"
    ax = hotspot_map(ds)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(texts) == 7 and texts[0] == "hot spot, 99 % confidence" and texts[-1] == "cold spot, 99 % confidence"
    assert "150 m band" in ax.get_legend().get_title().get_text()
    assert "Vienna" in ax.get_title()
    # the NaN corner of the LST (3 x 3 pixels) has no z-score: drawn as no data, not as "not significant"
    assert ax.images[0].get_array().mask[:3, :3].all() and not ax.images[0].get_array().mask[3:, 3:].any()
    ax2 = hotspot_map(ds["gi_bin"])  # the DataArray alone works too
    assert len(ax2.get_legend().get_texts()) == 7
    with pytest.raises(InputValueError, match="gi_bin"):
        hotspot_map(ds[["gi_zscore"]])


def test_delta_map_diverging_symmetric(lst):
    delta = (lst - 300.0).assign_attrs(units="K", city="Vienna")
    ax = delta_map(delta)
    norm = ax.images[0].norm
    assert norm.vmin == -norm.vmax and norm.vcenter == 0.0
    assert _colorbar_label(ax) == "Temperature change [°C]"
    assert ax.get_title().startswith("Temperature change — Vienna")


def test_district_choropleth_geographic_table_in_celsius(lst, districts):
    from uhi.zonal import zonal_stats

    table = zonal_stats(lst, districts.to_crs(4326), ("mean", "std"), id_column="name")
    table.attrs["city"] = "Vienna"
    ax = district_choropleth(table, "lst_mean")
    assert _colorbar_label(ax) == "LST mean [°C]"
    assert ax.get_title() == "LST mean by district — Vienna"
    # drawn in the estimated UTM zone (33N), so the bar is in plain metres: 1.8 km wide map -> 200 m
    assert _scale_bar(ax).txt_label.get_text() == "200 m"
    annotated = sorted(t.get_text() for t in ax.texts if t.get_gid() != "north_arrow" and "EPSG" not in t.get_text())
    assert annotated == sorted(f"{v - 273.15:.1f}" for v in table["lst_mean"])
    std_ax = district_choropleth(table, "lst_std", annotate=False)
    # a standard deviation is a difference: shown in degC without the 273.15 offset
    assert std_ax.collections[0].norm.vmax == pytest.approx(table["lst_std"].max())
    with pytest.raises(InputValueError, match="not in the table"):
        district_choropleth(table, "nope")


def test_risk_bars_sorted_with_shares():
    table = pd.DataFrame({"district": ["a", "b", "c"], "people_in_classes": [10.0, 300.0, 45.0], "share_in_classes": [0.1, 0.5, 0.25]})
    table.attrs["classes"] = (4, 5)
    ax = risk_bars(table, top=2)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    positions = dict(zip(labels, ax.get_yticks()))
    assert set(labels) == {"b", "c"} and positions["b"] > positions["c"]  # top two, largest (b) at the top
    assert ax.get_xlabel() == "Residents in risk classes 4, 5 [people]"
    bar_texts = sorted(t.get_text().strip() for t in ax.texts)
    assert bar_texts == ["25%", "50%"]
    with pytest.raises(InputValueError, match="not in the table"):
        risk_bars(table, column="nope")


def test_benefit_curve_units_and_order():
    curve = pd.DataFrame({"budget": [2e6, 0.0, 1e6], "benefit": [1.5, 0.0, 1.0], "plan": ["c", "a", "b"]})
    curve.attrs["units"] = {"budget": "EUR", "benefit": "K"}
    ax = benefit_curve(curve, label_column="plan")
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [0.0, 1e6, 2e6])
    np.testing.assert_array_equal(line.get_ydata(), [0.0, 1.0, 1.5])
    assert ax.get_xlabel() == "Budget [EUR]" and ax.get_ylabel() == "Benefit [K]"
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]
    with pytest.raises(InputValueError, match="'cost'"):
        benefit_curve(curve, budget="cost")


@pytest.mark.parametrize("draw", ["lst", "risk", "hotspot", "delta", "choropleth", "bars", "curve"])
def test_given_axes_are_reused(draw, lst, districts):
    from uhi.metrics import hotspots
    from uhi.risk import classify
    from uhi.zonal import zonal_stats

    fig, ax = plt.subplots()
    calls = {
        "lst": lambda: lst_map(lst, ax=ax),
        "risk": lambda: risk_map(classify(lst, "quantile", 5), ax=ax),
        "hotspot": lambda: hotspot_map(hotspots(lst, distance_m=150), ax=ax),
        "delta": lambda: delta_map(lst - 300.0, ax=ax),
        "choropleth": lambda: district_choropleth(zonal_stats(lst, districts, ("mean",)), "lst_mean", ax=ax),
        "bars": lambda: risk_bars(pd.DataFrame({"n": ["a"], "people_in_classes": [3.0]}), ax=ax),
        "curve": lambda: benefit_curve(pd.DataFrame({"budget": [0, 1], "benefit": [0, 2]}), ax=ax),
    }
    assert calls[draw]() is ax
    assert ax.figure is fig and len(plt.get_fignums()) == 1


def test_save_figure_atomic_no_clobber(tmp_path, lst):
    ax = lst_map(lst)
    path = save_figure(ax.figure, tmp_path / "lst.png", dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(OutputExistsError):
        save_figure(ax.figure, path)
    save_figure(ax.figure, path, overwrite=True, dpi=40)
    with pytest.raises(InputValueError, match="not one of"):
        save_figure(ax.figure, tmp_path / "lst.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lst.png"]


def test_helpers():
    # 1-2-5 series below the target (hand)
    assert [nice_length(t) for t in (360.0, 4600.0, 999.0, 1.0, 0.3)] == [200.0, 2000.0, 500.0, 1.0, 0.2]
    assert METRES_PER_DEGREE == pytest.approx(2 * np.pi * 6_378_137.0 / 360, rel=1e-6)  # WGS 84 a = 6378137 m
    assert column_label("lst_p90") == "LST 90th percentile"
    assert column_label("ndvi_mean") == "NDVI mean"


def test_sofia_lst_map_real_data(shared_data, tmp_path):
    """Real city: Sofia 2019-08-12 LST band (degC, 120 m, EPSG:32634) with the municipality outline (EPSG:4326)."""
    folder = shared_data / "cities" / "sofia"
    stack = rioxarray.open_rasterio(folder / "LC08_184030_20190812.tif")
    lst = stack.isel(band=8, drop=True).assign_attrs(units="degC", city="Sofia", acquisition_time="2019-08-12")
    outline = gpd.read_file(folder / "sofia_municipality.geojson")
    ax = lst_map(lst, districts=outline)
    assert ax.get_title() == "Land surface temperature — Sofia, 2019-08-12"
    # degC input is shown unchanged (README: 2019 LST about 22-55 degC)
    shown = ax.images[0].get_array().filled(np.nan)
    np.testing.assert_array_equal(shown, lst.values.astype(np.float64))
    assert 21.0 < np.nanmin(shown) and np.nanmax(shown) < 56.0
    # 322 px x 120 m = 38.6 km wide: a fifth is 7.7 km -> 5 km bar (hand)
    assert _scale_bar(ax).txt_label.get_text() == "5 km"
    save_figure(ax.figure, tmp_path / "sofia_lst.png")
    assert (tmp_path / "sofia_lst.png").stat().st_size > 10_000


def test_transposed_raster_is_drawn_north_up(lst):
    """An (x, y)-ordered DataArray is drawn like the (y, x) one."""
    a = lst_map(lst).images[0].get_array()
    b = lst_map(lst.transpose("x", "y")).images[0].get_array()
    np.testing.assert_array_equal(a.filled(np.nan), b.filled(np.nan))
