"""UTFVI, its six classes, thermal zones and LST normalisation."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from uhi.errors import InputValueError
from uhi.metrics import normalise_lst, thermal_zones, utfvi, utfvi_classes
from uhi.metrics._reference import utfvi_reference


def _da(values, units="K"):
    return xr.DataArray(np.asarray(values, dtype=np.float32), dims=("y", "x"), attrs={"units": units})


def test_utfvi_hand_values():
    """(T - T_mean)/T with T_mean = 305 K: (300-305)/300 = -1/60, (310-305)/310 = 1/62 (hand calculation)."""
    u = utfvi(_da([[300.0, 310.0]])).values.ravel()
    np.testing.assert_allclose(u, [-1 / 60, 1 / 62], rtol=1e-6)  # float32 result
    m = utfvi(_da([[300.0, 310.0]]), denominator="mean").values.ravel()
    np.testing.assert_allclose(m, [-5 / 305, 5 / 305], rtol=1e-6)


def test_utfvi_matches_reference_celsius_and_dask():
    """Numba ufunc == numpy reference; Celsius input is converted (same numbers); dask == eager."""
    rng = np.random.default_rng(1)
    t = 295 + 20 * rng.random((33, 29))
    t[4, 5] = np.nan
    ref = utfvi_reference(t.astype(np.float32))
    np.testing.assert_allclose(utfvi(_da(t)).values, ref, atol=2e-7, equal_nan=True)  # float32 eps at |u| < 0.1
    np.testing.assert_allclose(utfvi(_da(t - 273.15, "degC")).values, ref, atol=2e-6, equal_nan=True)
    lazy = utfvi(_da(t).chunk({"y": 10, "x": 7}))
    assert lazy.chunks is not None
    np.testing.assert_allclose(lazy.values, ref, atol=2e-7, equal_nan=True)
    assert lazy.attrs["units"] == "1" and "Liu & Zhang" in lazy.attrs["formula"]


def test_utfvi_class_edges():
    """Left-closed class edges 0, 0.005, 0.010, 0.015, 0.020 (table of [zhang2006; liu2011])."""
    u = _da([[-0.001, 0.0, 0.0049, 0.005, 0.0101, 0.015, 0.0199, 0.02, 0.5, np.nan]])
    c = utfvi_classes(u)
    assert c.values.ravel().tolist() == [1, 2, 2, 3, 4, 5, 5, 6, 6, 0]
    assert c.attrs["flag_meanings"].split() == ["excellent", "good", "normal", "bad", "worse", "worst"]
    assert c.attrs["uhi_phenomenon"].split()[-1] == "strongest"


def test_thermal_zones_counts_normal_sample():
    """For a large normal sample the five zones hold Phi-probabilities: P(z < -1) = 0.1587,
    P(-1 <= z < -0.5) = 0.1498, P(|z| <= 0.5) = 0.3829 (standard normal table); 1 % tolerance
    is ~5 binomial standard errors for n = 250,000."""
    rng = np.random.default_rng(0)
    t = rng.normal(300, 3, (500, 500))
    z = thermal_zones(_da(t)).values
    share = np.bincount(z.ravel(), minlength=6)[1:] / z.size
    np.testing.assert_allclose(share, [0.1587, 0.1498, 0.3829, 0.1498, 0.1587], atol=0.01)


def test_thermal_zones_boundaries():
    """[-sqrt 7, -2, -1, 1, 2, sqrt 7] has mean 0 and population std exactly 2 ((10 + 14)/6 = 4), so
    -2 = mu - sigma, -1 = mu - 0.5 sigma, 2 = mu + sigma sit on the edges; Table 4 of [scirep2026-bluegreen] closes them
    towards the middle: low, sub-middle, middle, middle, sub-high, high."""
    r7 = np.sqrt(7.0)
    t = xr.DataArray(np.array([[-r7, -2.0, -1.0, 1.0, 2.0, r7]]), dims=("y", "x"), attrs={"units": "K"})
    z = thermal_zones(t)
    assert z.values.ravel().tolist() == [1, 2, 3, 3, 4, 5]
    assert z.attrs["lst_std"] == pytest.approx(2.0)
    assert z.attrs["flag_meanings"] == "low sub_middle middle sub_high high"
    # wider k moves the edge pixels inwards: with k = (1, 1.5) only |T| > 3 would be "high"
    assert thermal_zones(t, k=(1.0, 1.5)).values.ravel().tolist() == [2, 3, 3, 3, 3, 4]


def test_thermal_zones_errors():
    with pytest.raises(InputValueError, match="k must be"):
        thermal_zones(_da([[1.0, 2.0]]), k=(1.0, 0.5))
    with pytest.raises(InputValueError, match="all NaN"):
        thermal_zones(_da([[np.nan, np.nan]]))


def test_normalise_lst():
    t = _da([[300.0, 305.0, 310.0]])
    np.testing.assert_allclose(normalise_lst(t).values, [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(normalise_lst(t, "zscore").values, [[-1.2247449, 0.0, 1.2247449]], rtol=1e-6)  # 5/sqrt(50/3)


def test_unlabelled_celsius_refused():
    with pytest.raises(InputValueError, match="kelvin"):
        utfvi(_da([[30.0, 35.0]], units=""))
