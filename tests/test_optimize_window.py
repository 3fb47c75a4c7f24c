"""The optimizer's windowed cooling model equals full-raster runs of the InVEST UCM (uhi.optimize._window)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr
from scipy.signal import fftconvolve

from uhi._paths import data_path
from uhi.cooling import parameters_from_landcover, urban_cooling
from uhi.cooling.kernels import decay_pixels, disc_kernel, exponential_kernel
from uhi.interventions import load_catalogue, local_air_cooling
from uhi.optimize._window import CoolingState

CELL = 30.0
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def grid(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with x0=3.0e5, dtype=None."""
    return functools.partial(make_grid, x0=3.0e5, dtype=None)


def _city(grid, n=100, seed=3):
    """Blocky land cover (classes of data/landcover.csv) with a park, a road grid and a nodata hole."""
    rng = np.random.default_rng(seed)
    blocks = rng.choice([1, 2, 3, 4], size=(n // 6 + 1, n // 6 + 1))
    lc = np.kron(blocks, np.ones((6, 6)))[:n, :n].astype(np.float32)
    lc[::12, :] = 5  # roads
    lc[:, ::12] = 5
    lc[40:44, 65:70] = 6  # a 20-pixel (1.8 ha) park: below the 2 ha threshold until more green joins it
    lc[40:45, 70:75] = 11  # a bare lot beside it (open space for a pocket park)
    lc[5:9, 80:86] = np.nan  # nodata hole inside the windows
    return grid(lc)


def _reference_t_air(params, *, ref_et, uhi_max, t_ref, d_m, r_m):
    """Float64 full-raster UCM with numpy FFT, from the InVEST UCM equations [invest-ucm; invest-code] (independent of the window code)."""
    p = {k: params[k].values.astype(np.float64) for k in ("shade", "albedo", "kc", "green_area", "building_intensity")}
    valid = np.all([np.isfinite(v) for v in p.values()], axis=0)
    v = valid.astype(float)
    cc = np.where(valid, 0.6 * p["shade"] + 0.2 * p["albedo"] + 0.2 * p["kc"] * ref_et / np.nanmax(ref_et), 0.0)
    g = np.where(valid, p["green_area"], 0.0)
    d, r = decay_pixels(d_m, CELL), decay_pixels(r_m, CELL)
    ke, kd, km = exponential_kernel(d), disc_kernel(d), exponential_kernel(r)
    cc_park = fftconvolve(cc * g, ke, mode="same") / fftconvolve(v, ke, mode="same")
    ga = fftconvolve(g, kd, mode="same") * kd.sum() / fftconvolve(v, kd, mode="same")
    hm = np.where((cc >= cc_park) | (ga < 2e4 / CELL**2), cc, cc_park)
    t_nomix = np.where(valid, t_ref + (1 - hm) * uhi_max, 0.0)
    t_air = fftconvolve(t_nomix, km, mode="same") / fftconvolve(v, km, mode="same")
    return np.where(valid, t_air, np.nan)


def _green_area_ha(params, d_m=90.0):
    """GA of the InVEST UCM [invest-code] [ha]: green pixels within d_cool (disc), edge-scaled, times the cell area."""
    g = np.nan_to_num(params["green_area"].values.astype(np.float64))
    v = np.isfinite(params["green_area"].values).astype(float)
    kd = disc_kernel(decay_pixels(d_m, CELL))
    return fftconvolve(g, kd, mode="same") * kd.sum() / fftconvolve(v, kd, mode="same") * CELL**2 / 1e4


def _state(params, *, ref_et=1.0, uhi_max=3.5, d_m=90.0, r_m=120.0, weights=None):
    plain = {k: params[k].values for k in params.data_vars}
    eti = 1.0 if np.isscalar(ref_et) else ref_et / np.nanmax(ref_et)
    w = np.ones(params["shade"].shape) if weights is None else weights
    return CoolingState(plain, eti_scale=eti, cell=CELL, uhi_max=uhi_max, weights=w, cooling_distance=d_m, mixing_radius=r_m)


@pytest.fixture(scope="module")
def city(grid):
    lulc = _city(grid)
    return lulc, parameters_from_landcover(lulc, data_path("landcover.csv"))


def test_cooling_capacity_matches_urban_cooling(city, grid):
    # Expected: the CC of uhi.cooling.urban_cooling (float32) for a raster ETo and both cc methods.
    lulc, params = city
    eto = grid(np.linspace(4.0, 6.0, lulc.size).reshape(lulc.shape).astype(np.float32))
    state = _state(params, ref_et=eto.values)
    full = urban_cooling(params, ref_et=eto, t_ref=21.0, uhi_max=3.5, cooling_distance=90, mixing_radius=120)
    np.testing.assert_allclose(state.cc, full["cc"].values, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(state.hm, full["hm"].values, atol=1e-6, equal_nan=True)
    night = CoolingState({k: params[k].values for k in params.data_vars}, eti_scale=1.0, cell=CELL, uhi_max=3.5,
                         weights=np.ones(lulc.shape), cooling_distance=90, mixing_radius=120, cc_method="intensity")
    full_night = urban_cooling(params, ref_et=5.0, t_ref=21.0, uhi_max=3.5, cooling_distance=90, mixing_radius=120,
                               cc_method="intensity")
    np.testing.assert_allclose(night.hm, full_night["hm"].values, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize(
    "key, rows, cols",
    [
        ("pocket_park", slice(40, 45), slice(70, 75)),   # joins the park: GA crosses 2 ha, HM rule switches
        ("street_trees", slice(0, 5), slice(0, 5)),      # raster corner: windows clipped at the edge
        ("cool_roof", slice(60, 65), slice(30, 35)),     # albedo only, no green: HM changes on the patch only
        ("water_body", slice(4, 9), slice(78, 83)),      # touches the nodata hole
    ],
)
def test_windowed_delta_t_equals_full_raster(city, key, rows, cols, treat_block):
    lulc, params = city
    kw = {"ref_et": 5.0, "t_ref": 21.0, "uhi_max": 3.5, "d_m": 90.0, "r_m": 120.0}
    new = treat_block(lulc, params, key, rows, cols)
    state = _state(params)
    change = state.evaluate(rows, cols, {k: new[k].values[rows, cols] for k in new.data_vars})
    windowed = np.zeros(lulc.shape)
    if change.delta_t is not None:
        windowed[change.w2] = change.delta_t
    # Expected 1: an independent float64 full-raster run of the equations; the difference of two runs
    # agrees to FFT round-off (1e-9 K), inside the window and (exactly zero) outside it.
    ref = (_reference_t_air(new, **kw) - _reference_t_air(params, **kw))
    ref = np.nan_to_num(ref)
    np.testing.assert_allclose(windowed, ref, atol=1e-9)
    assert np.abs(ref).max() > 1e-4 or key == "cool_roof"  # the change is not trivially zero
    # The window is the patch dilated by 5·d + 5·r pixels (3 and 4 px here): nothing changes outside it.
    outside = np.ones(lulc.shape, bool)
    outside[max(0, rows.start - 35):rows.stop + 35, max(0, cols.start - 35):cols.stop + 35] = False
    assert np.abs(ref[outside]).max() < 1e-12
    # Expected 2: uhi.cooling.urban_cooling (float32): the difference of two full runs, within float32
    # round-off of ~21 degC values through three FFT convolutions (5e-5 K).
    full = lambda p: urban_cooling(p, ref_et=5.0, t_ref=21.0, uhi_max=3.5, cooling_distance=90, mixing_radius=120)["t_air"]
    d_full = np.nan_to_num((full(new) - full(params)).values)
    np.testing.assert_allclose(windowed, d_full, atol=5e-5)
    if key == "pocket_park":  # the case is meant to cross the 2 ha threshold somewhere
        crossed = (_green_area_ha(params) < 2.0) & (_green_area_ha(new) >= 2.0)
        assert crossed.any()
    # The gain is -Σ w·ΔT with w = 1.
    assert change.gain == pytest.approx(-windowed.sum(), rel=1e-12, abs=1e-12)


def test_small_new_green_keeps_cc_below_two_hectares(city, treat_block):
    # 2 ha = 22.2 pixels of 900 m2 ([invest-ucm]); an isolated 2x2 pocket park (at most 4 green pixels
    # in its disc) stays below it, so HM = CC on the patch (GA rule of the InVEST code [invest-code]).
    lulc, params = city
    state = _state(params)
    new = treat_block(lulc, params, "pocket_park", slice(80, 82), slice(80, 82))
    ch = state.evaluate(slice(80, 82), slice(80, 82), {k: new[k].values[80:82, 80:82] for k in new.data_vars})
    assert ch.hm is not None
    r0, c0 = ch.w1[0].start, ch.w1[1].start
    np.testing.assert_allclose(ch.hm[80 - r0:82 - r0, 80 - c0:82 - c0], ch.cc, atol=1e-12)


def test_sequential_commits_equal_full_run_of_combined_plan(city, treat_block):
    # Expected: the plan's accumulated ΔT_air equals one float64 full run with all three changes applied.
    lulc, params = city
    kw = {"ref_et": 5.0, "t_ref": 21.0, "uhi_max": 3.5, "d_m": 90.0, "r_m": 120.0}
    state = _state(params)
    current = params
    for key, rows, cols in [("pocket_park", slice(40, 45), slice(70, 75)), ("street_trees", slice(45, 50), slice(70, 75)),
                            ("pocket_park", slice(40, 45), slice(75, 80))]:
        current = treat_block(lulc, current, key, rows, cols)
        state.commit(state.evaluate(rows, cols, {k: current[k].values[rows, cols] for k in current.data_vars}))
    ref = np.nan_to_num(_reference_t_air(current, **kw) - _reference_t_air(params, **kw))
    np.testing.assert_allclose(state.delta_t, ref, atol=1e-9)
    assert state.objective() == pytest.approx(-ref.sum(), rel=1e-9)


def test_default_distances_window_covers_city(grid, treat_block):
    # Default d_cool 450 m and r 600 m (InVEST UG [invest-ucm]): kernels of 75 and 100 px, larger than this raster,
    # so every window is clipped on all sides; still equal to the float64 full run.
    lulc = _city(grid, n=90, seed=5)
    params = parameters_from_landcover(lulc, data_path("landcover.csv"))
    kw = {"ref_et": 5.0, "t_ref": 21.0, "uhi_max": 3.5, "d_m": 450.0, "r_m": 600.0}
    new = treat_block(lulc, params, "street_trees", slice(30, 35), slice(30, 35))
    state = _state(params, d_m=450.0, r_m=600.0)
    ch = state.evaluate(slice(30, 35), slice(30, 35), {k: new[k].values[30:35, 30:35] for k in new.data_vars})
    windowed = np.zeros(lulc.shape)
    windowed[ch.w2] = ch.delta_t
    ref = np.nan_to_num(_reference_t_air(new, **kw) - _reference_t_air(params, **kw))
    np.testing.assert_allclose(windowed, ref, atol=1e-9)


def test_local_measure_adds_only_where_it_stands(city):
    # Expected: uhi.interventions.local_air_cooling of the same devices; nothing enters the kernels.
    lulc, params = city
    it = CATALOGUE["misting"]
    state = _state(params)
    units = xr.zeros_like(lulc.fillna(0))
    units[20:22, 20:22] = 1.0
    local = local_air_cooling(it, units).values
    ch = state.evaluate(slice(20, 22), slice(20, 22), None, local=(slice(20, 22), slice(20, 22), local[20:22, 20:22]))
    assert ch.delta_t is None and ch.w1 is None
    # pixel-mean cooling = 2.42 K x (314.16 m2 / 900 m2) per device pixel (catalogue entry [buildings2024-misting])
    np.testing.assert_allclose(ch.local[2], -2.42 * 314.16 / 900.0, rtol=1e-5)
    assert ch.gain == pytest.approx(4 * 2.42 * 314.16 / 900.0, rel=1e-5)
    state.commit(ch)
    assert np.count_nonzero(state.delta_t) == 4


def test_copy_is_independent(city, treat_block):
    # A committed change on a copy leaves the original (the empty plan) untouched.
    lulc, params = city
    state = _state(params)
    hm0, num0 = state.hm.copy(), state.num_park.copy()
    other = state.copy()
    new = treat_block(lulc, params, "pocket_park", slice(40, 45), slice(70, 75))
    other.commit(other.evaluate(slice(40, 45), slice(70, 75), {k: new[k].values[40:45, 70:75] for k in new.data_vars}))
    assert other.objective() > 0 and state.objective() == 0.0
    np.testing.assert_array_equal(state.hm, hm0)
    np.testing.assert_array_equal(state.num_park, num0)
    assert not np.array_equal(other.params["green_area"], state.params["green_area"])
