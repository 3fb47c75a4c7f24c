"""Tests for uhi.timeseries: stacking and per-pixel season statistics."""

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi.errors import GridMismatchError, InputValueError
from uhi.timeseries import lst_statistics, stack_lst


def _lst(values, t):
    values = np.asarray(values, dtype=np.float32)
    ny, nx = values.shape
    da = xr.DataArray(values, dims=("y", "x"), coords={"y": 5e6 - 30 * np.arange(ny), "x": 4e5 + 30 * np.arange(nx)},
                      attrs={"units": "K", "acquisition_time": t})
    return da.rio.write_crs("EPSG:32634")


def test_statistics_hand_computed():
    # Three scenes, 1x3 pixels; expected values computed by hand below.
    a = _lst([[300.0, 310.0, np.nan]], "2019-07-01T09:00:00Z")
    b = _lst([[302.0, 312.0, 309.0]], "2019-07-17T09:00:00Z")
    c = _lst([[304.0, np.nan, 311.0]], "2019-08-02T09:00:00Z")
    stats = lst_statistics(stack_lst([a, b, c]), hot_threshold=308.15)
    np.testing.assert_allclose(stats.mean_lst.values[0], [302.0, 311.0, 310.0])  # (300+302+304)/3, (310+312)/2, (309+311)/2
    np.testing.assert_allclose(stats.max_lst.values[0], [304.0, 312.0, 311.0])
    np.testing.assert_array_equal(stats.hot_days.values[0], [0, 2, 2])  # 310,312 > 308.15; 309,311 > 308.15
    np.testing.assert_array_equal(stats.valid_scenes.values[0], [3, 2, 2])
    assert stats.rio.crs.to_epsg() == 32634
    assert stats.mean_lst.attrs["units"] == "K"


def test_dask_stack_equals_eager_and_stays_lazy():
    rng = np.random.default_rng(1)
    maps = [_lst(290 + 30 * rng.random((37, 53)), f"2020-07-{d:02d}") for d in (1, 9, 17, 25)]
    eager = lst_statistics(stack_lst(maps))
    lazy = lst_statistics(stack_lst([m.chunk({"y": 10, "x": 16}) for m in maps]))
    assert lazy.mean_lst.chunks is not None  # nothing computed yet
    xr.testing.assert_allclose(eager.compute(), lazy.compute())


def test_bad_inputs():
    a = _lst([[300.0, 301.0]], "2019-07-01")
    with pytest.raises(InputValueError, match="at least one"):
        stack_lst([])
    with pytest.raises(GridMismatchError):
        stack_lst([a, _lst([[300.0, 301.0, 302.0]], "2019-07-02")])
    celsius = a.copy()
    celsius.attrs["units"] = "degC"
    with pytest.raises(InputValueError, match="kelvin"):
        stack_lst([a, celsius])
    with pytest.raises(InputValueError, match="kelvin"):
        lst_statistics(stack_lst([a]), hot_threshold=35.0)
