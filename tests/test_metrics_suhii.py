"""SUHII: hand-computed means, buffer and equal-area rural rings, exclusions, urban masks, errors."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import rioxarray  # noqa: F401

from uhi.errors import CRSError, GridMismatchError, InputValueError
from uhi.metrics import EQUAL_AREA_WIDTHS_M, rural_reference, suhii, urban_mask_from_indices


@pytest.fixture
def raster(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with units="K"."""
    return functools.partial(make_grid, units="K")


def _city(n=41, core=5):
    """Square city of (2 core + 1)^2 pixels at 305 K in a 300 K countryside."""
    t = np.full((n, n), 300.0)
    urban = np.zeros((n, n), bool)
    c = n // 2
    urban[c - core : c + core + 1, c - core : c + core + 1] = True
    t[urban] = 305.0
    return t, urban


def test_fixed_buffer_hand_calculation(raster):
    """Urban 305 K, rural 300 K -> SUHII 5 K exactly (closed form). The ring's pixel count is
    recomputed here by brute force from pixel-centre distances (independent of the EDT)."""
    t, urban = _city()
    res = suhii(raster(t), urban, buffer_m=60.0)
    assert res.suhii == pytest.approx(5.0, abs=1e-5)
    assert res.urban_count == 121 and res.urban_mean == pytest.approx(305.0)
    # independent count: non-urban pixels whose centre lies within 60 m (2 px) of an urban centre
    yy, xx = np.mgrid[0:41, 0:41]
    uy, ux = np.nonzero(urban)
    d = np.min(np.hypot(yy[..., None] - uy, xx[..., None] - ux), axis=-1) * 30.0
    expected = int(((d > 0) & (d <= 60.0)).sum())
    assert res.rural_count == expected
    assert res.reference == "buffer" and res.buffer_m == 60.0
    assert res.rural_mask.dtype == bool and not (res.rural_mask.values & urban).any()


def test_gradient_and_exclusion(raster):
    """Rural LST rising with distance: a wider ring is warmer. Excluding a cold lake raises the rural mean."""
    t, urban = _city()
    yy, xx = np.mgrid[0:41, 0:41]
    t = t + np.where(urban, 0, 0.01 * np.hypot(yy - 20, xx - 20))
    lake = np.zeros_like(urban)
    lake[0:6, 0:41] = True
    t[lake] = 290.0
    da = raster(t)
    narrow = suhii(da, urban, buffer_m=60.0)
    wide = suhii(da, urban, buffer_m=450.0)
    assert wide.rural_mean < narrow.rural_mean  # wide ring reaches the 290 K lake
    no_lake = suhii(da, urban, buffer_m=450.0, exclude=lake)
    assert no_lake.rural_mean > wide.rural_mean
    assert not (no_lake.rural_mask.values & lake).any()
    # hand check of the excluded-lake mean from the mask itself
    sel = no_lake.rural_mask.values
    assert no_lake.rural_mean == pytest.approx(float(t.astype(np.float32)[sel].astype(np.float64).mean()), rel=1e-12)


def test_equal_area_picks_width_closest_to_urban_area(raster):
    """The chosen width's ring area is the one closest to the urban area among 30..3000 m
    (brute force over the candidate list here, with the same centre distances)."""
    t, urban = _city(61, 5)
    ring, width = rural_reference(urban, 30.0, reference="equal-area")
    yy, xx = np.mgrid[0:61, 0:61]
    uy, ux = np.nonzero(urban)
    d = np.min(np.hypot(yy[..., None] - uy, xx[..., None] - ux), axis=-1) * 30.0
    areas = [int(((d > 0) & (d <= w + 1e-6)).sum()) for w in EQUAL_AREA_WIDTHS_M]
    best = EQUAL_AREA_WIDTHS_M[int(np.argmin(np.abs(np.array(areas) - urban.sum())))]
    assert width == best
    assert ring.sum() == areas[EQUAL_AREA_WIDTHS_M.index(width)]
    res = suhii(raster(t), urban, reference="equal-area")
    assert res.reference == "equal-area" and res.buffer_m == width


def test_equal_area_never_below_a_pixel():
    """With 120 m pixels, 30-90 m rings hold no pixel centre; they are not candidates."""
    urban = np.zeros((30, 30), bool)
    urban[14, 14] = True
    _, width = rural_reference(urban, 120.0, reference="equal-area")
    assert width >= 120.0


def test_given_rural_mask_and_celsius(raster):
    """A given rural mask is used as is (minus urban); Celsius input gives the same difference."""
    t, urban = _city()
    rural = np.zeros_like(urban)
    rural[0, :] = True
    res_k = suhii(raster(t), urban, rural)
    res_c = suhii(raster(t - 273.15, units="degC"), urban, rural)
    assert res_k.reference == "given" and res_k.rural_count == 41
    assert res_c.suhii == pytest.approx(res_k.suhii, abs=1e-4)  # float32 storage of ~300 K values
    assert res_c.urban_mean == pytest.approx(305.0, abs=1e-3)


def test_nan_pixels_are_not_counted(raster):
    t, urban = _city()
    t[20, 20] = np.nan
    res = suhii(raster(t), urban, buffer_m=60.0)
    assert res.urban_count == 120
    assert not res.urban_mask.values[20, 20]


def test_urban_mask_from_indices_rule(raster):
    """NDBI > 0 and NDVI < 0.5 (Zha et al. 2003; Sobrino et al. 2004 full-vegetation threshold)."""
    ndbi = raster(np.array([[0.1, 0.1, -0.1, np.nan, 0.2]]))
    ndvi = raster(np.array([[0.2, 0.6, 0.1, 0.1, 0.3]]))
    m = urban_mask_from_indices(ndbi, ndvi)
    assert m.values.tolist() == [[True, False, False, False, True]]
    assert "NDBI > 0.0" in m.attrs["rule"]
    bu = urban_mask_from_indices(ndbi, ndvi, ndvi_max=None, bu_min=0.0)  # Zha's BU = NDBI - NDVI > 0
    assert bu.values.tolist() == [[False, False, False, False, False]]


def test_errors(raster):
    t, urban = _city()
    da = raster(t)
    with pytest.raises(CRSError):
        suhii(da.rio.write_crs("EPSG:4326"), urban)
    with pytest.raises(InputValueError, match="empty"):
        suhii(da, np.zeros_like(urban))
    with pytest.raises(InputValueError, match="reference"):
        suhii(da, urban, reference="donut")
    with pytest.raises(InputValueError, match="at least one pixel"):
        suhii(da, urban, buffer_m=10)
    with pytest.raises(GridMismatchError):
        suhii(da, urban[:-1])
    with pytest.raises(InputValueError, match="no pixel with a finite LST"):
        suhii(da, urban, exclude=~urban)
    with pytest.raises(InputValueError, match="Celsius"):
        suhii(raster(t - 273.15, units=""), urban)
