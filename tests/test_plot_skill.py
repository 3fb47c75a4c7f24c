"""Skill figures: scatter with 1:1 line and metrics legend, residual map, LST regression plot (Agg backend)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import uhi.plot
from uhi.errors import InputValueError


def test_skill_scatter_legend_carries_metrics():
    o = np.array([20.0, 22.0, 24.0])
    ax = uhi.plot.skill_scatter(o, [21.0, 22.0, 23.0], others={"LOSO": [21.5, 22.0, 22.5]})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # hand calculation (tests/test_calibrate.py): R2 0.75, RMSE 0.82, MAE 0.67, bias 0
    assert texts[0].startswith("model: R² 0.75, RMSE 0.82 K, MAE 0.67 K, bias +0.00 K (n=3)")
    assert texts[1].startswith("LOSO:") and "1:1" in texts
    assert ax.get_xlabel() == "observed [°C]" and ax.get_ylabel() == "modelled [°C]"
    with pytest.raises(InputValueError, match="2 values for 3"):
        uhi.plot.skill_scatter(o, [1.0, 2.0])


def test_residual_map_symmetric_colours():
    t = pd.DataFrame({"x": [500_000.0, 501_000.0, 502_000.0], "y": [4_700_000.0] * 3, "residual": [-0.5, 0.2, 1.0]})
    ax = uhi.plot.residual_map(t, crs="EPSG:32634")
    coll = ax.collections[0]
    assert coll.norm.vmin == -1.0 and coll.norm.vmax == 1.0  # centred on 0, range from the largest |residual|
    assert "model − observed [K]" in ax.figure.axes[-1].get_ylabel()
    with pytest.raises(InputValueError, match="'residual'"):
        uhi.plot.residual_map(t.drop(columns="residual"))


def test_regression_plot_labels_slope_and_cv():
    import rioxarray  # noqa: F401
    import xarray as xr

    from uhi.calibrate.surface import fit_surface_model

    rng = np.random.default_rng(0)
    coords = {"y": 4_700_000 - 100 * (np.arange(40) + 0.5), "x": 500_000 + 100 * (np.arange(40) + 0.5)}
    ndvi = xr.DataArray(rng.uniform(0, 0.6, (40, 40)), coords=coords, dims=("y", "x")).rio.write_crs("EPSG:32634")
    lst = (40 - 20 * ndvi + rng.normal(0, 0.5, (40, 40))).rio.write_crs("EPSG:32634")
    m = fit_surface_model(lst, {"ndvi": ndvi}, block_size_m=800, label="test")
    ax = uhi.plot.regression_plot(m)
    label = ax.get_legend().get_texts()[0].get_text()
    assert label.startswith(f"slope {m.coef['ndvi']:+.1f} K per unit") and "block-CV R²" in label
    assert ax.get_xlabel() == "NDVI"
