"""Park cool island: turning point of the cubic fit, PCI / PCA / PCE / PCG, labelling, errors."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import rioxarray  # noqa: F401
from scipy import ndimage

from uhi.errors import CRSError, InputValueError
from uhi.metrics import PARK_COLUMNS, cooling_distance, park_cool_island

CELL = 30.0
# T(L) = a0 + a1 L + a2 L^2 + a3 L^3 with T'(L) = 0 at L = 400 m (maximum, T'' = -3.6e-5 < 0) and 1600 m
# (minimum): 3 a3 L^2 + 2 a2 L + a1 = 0 -> L = (6e-5 +- 3.6e-5) / 6e-8 (hand calculation).
A = (300.0, 0.0192, -3e-5, 1e-8)


@pytest.fixture
def raster(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with units="K"."""
    return functools.partial(make_grid, units="K")


def _cubic(d):
    return A[0] + A[1] * d + A[2] * d**2 + A[3] * d**3


def test_cooling_distance_exact_cubic():
    """Samples of an exact cubic: the fit recovers it, L_max = 400 m and T(400) = 303.52 K (hand calculation)."""
    d = np.arange(30.0, 1001.0, 30.0)
    l_max, t_max, coef = cooling_distance(d, _cubic(d), 1000.0)
    assert l_max == pytest.approx(400.0, rel=1e-6)
    assert t_max == pytest.approx(303.52, abs=1e-6)
    np.testing.assert_allclose(coef, A, rtol=1e-6)
    # monotone decreasing profile: no local maximum
    l2, _, _ = cooling_distance(d, 305.0 - 0.004 * d, 1000.0)
    assert np.isnan(l2)


def _park_scene(n=81, radius_px=5):
    yy, xx = np.mgrid[0:n, 0:n]
    park = np.hypot(yy - n // 2, xx - n // 2) <= radius_px
    d = ndimage.distance_transform_edt(~park, sampling=(CELL, CELL))
    t = np.where(park, 297.0, _cubic(d))
    return t, park, d


def test_park_cool_island_metrics(raster):
    """LST around a circular park follows the cubic of distance: L_max within one ring (30 m) of 400 m
    (ring means are taken at the ring's outer edge, a bias below one ring width), PCI = T(L_max) - 297 K,
    PCA recounted by brute force, PCE and PCG from their definitions (Wu et al. 2024 [wu2024])."""
    t, park, d = _park_scene()
    df = park_cool_island(raster(t), park, ring_m=30.0, max_distance_m=1000.0)
    assert list(df.columns) == list(PARK_COLUMNS)
    assert len(df) == 1
    row = df.iloc[0]
    assert row.park_lst == pytest.approx(297.0)
    assert row.area_ha == pytest.approx(park.sum() * 0.09)
    assert abs(row.cooling_distance_m - 400.0) <= 30.0
    assert row.pci == pytest.approx(_cubic(row.cooling_distance_m) - 297.0, abs=0.1)
    assert row.pci == pytest.approx(303.52 - 297.0, abs=0.15)  # T(400) - park, curvature small near the top
    pca = ((~park) & (d > 0) & (d <= row.cooling_distance_m)).sum() * 0.09
    assert row.pca_ha == pytest.approx(pca)
    assert row.pce == pytest.approx(row.pca_ha / row.area_ha)
    assert row.pcg == pytest.approx(row.pci / (row.cooling_distance_m / 1000.0))
    assert df.attrs["ring_m"] == 30.0


def test_two_parks_labelled_and_min_area(raster):
    t, park, _ = _park_scene(121)
    park2 = np.zeros_like(park)
    park2[5:8, 5:8] = True  # 9 pixels = 0.81 ha
    both = park | park2
    t = np.where(park2, 297.0, t)
    df = park_cool_island(raster(t), both, ring_m=30.0, max_distance_m=600.0)
    assert len(df) == 2
    big = park_cool_island(raster(t), both, ring_m=30.0, max_distance_m=600.0, min_area_m2=1e4)
    assert len(big) == 1 and big.iloc[0].area_ha > 1.0


def test_no_turning_point_is_reported_not_invented(raster):
    """Surroundings cooling steadily away from the park: NaN indicators with a note."""
    n = 61
    yy, xx = np.mgrid[0:n, 0:n]
    park = np.hypot(yy - 30, xx - 30) <= 4
    d = ndimage.distance_transform_edt(~park, sampling=(CELL, CELL))
    t = np.where(park, 297.0, 310.0 - 0.005 * d)
    row = park_cool_island(raster(t), park, ring_m=30.0, max_distance_m=900.0).iloc[0]
    assert np.isnan(row.cooling_distance_m) and np.isnan(row.pci)
    assert "no local maximum" in row.note


def test_errors(raster):
    t, park, _ = _park_scene()
    da = raster(t)
    with pytest.raises(InputValueError, match="narrower than one pixel"):
        park_cool_island(da, park, ring_m=10.0)
    with pytest.raises(InputValueError, match="rings"):
        park_cool_island(da, park, ring_m=30.0, max_distance_m=60.0)
    with pytest.raises(CRSError):
        park_cool_island(da.rio.write_crs("EPSG:4326"), park)
