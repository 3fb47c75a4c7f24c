"""The optimizer's windowed literature cooling equals full runs of uhi.cooling.literature_cooling (uhi.optimize._window)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import rioxarray  # noqa: F401
from scipy.signal import fftconvolve

from uhi._paths import data_path
from uhi.cooling import (
    cooling_channels,
    literature_cooling,
    load_cooling_config,
    mixing_kernel,
    parameters_from_landcover,
    potential_coefficients,
)
from uhi.interventions import load_catalogue
from uhi.optimize._window import LiteratureState

CELL = 30.0
CATALOGUE = load_catalogue()
CONFIG = load_cooling_config()
MODEL = {"ref_et": 5.0, "t_ref": 27.0, "uhi_max": 3.5}


@pytest.fixture(scope="module")
def grid(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with x0=3.0e5, dtype=None."""
    return functools.partial(make_grid, x0=3.0e5, dtype=None)


@pytest.fixture(scope="module")
def city(grid):
    """Blocky land cover (data/landcover.csv classes), a road grid, a park, a bare lot and a nodata hole; 70 x 90 px."""
    rng = np.random.default_rng(5)
    ny, nx = 70, 90
    lc = np.kron(rng.choice([1, 2, 3, 4], size=(ny // 6 + 1, nx // 6 + 1)), np.ones((6, 6)))[:ny, :nx].astype(np.float32)
    lc[::12, :] = 5
    lc[:, ::12] = 5
    lc[30:34, 55:60] = 6
    lc[30:35, 60:65] = 11
    lc[5:9, 70:76] = np.nan
    lulc = grid(lc)
    return lulc, parameters_from_landcover(lulc, data_path("landcover.csv"))


def _state(params, weights=None, **kw):
    plain = {k: params[k].values for k in params.data_vars}
    w = np.ones(params["shade"].shape) if weights is None else weights
    return LiteratureState(plain, eti_scale=1.0, cell=CELL, weights=w, kernel=mixing_kernel(CELL, CONFIG),
                           coefficients=potential_coefficients(MODEL["uhi_max"], config=CONFIG), **kw)


def _window(change, shape):
    out = np.zeros(shape)
    if change.delta_t is not None:
        out[change.w2] = change.delta_t
    return out


@pytest.mark.parametrize(
    "key, rows, cols",
    [
        ("pocket_park", slice(30, 35), slice(60, 65)),   # bare lot beside the park
        ("street_trees", slice(0, 5), slice(0, 5)),      # raster corner: windows clipped at the edge
        ("cool_roof", slice(40, 45), slice(20, 25)),     # albedo only
        ("water_body", slice(4, 9), slice(68, 73)),      # touches the nodata hole
    ],
)
def test_windowed_delta_t_equals_full_literature_runs(city, key, rows, cols, treat_block):
    lulc, params = city
    new = treat_block(lulc, params, key, rows, cols)
    change = _state(params).evaluate(rows, cols, {k: new[k].values[rows, cols] for k in new.data_vars})
    windowed = _window(change, lulc.shape)
    # Expected: the difference of two full uhi.cooling.literature_cooling runs (float32 ~27 degC values through one
    # FFT convolution: 5e-5 K round-off, as tests/test_optimize_window.py); the windowed change is float64.
    full = lambda p: literature_cooling(p, **MODEL)["t_air"]
    d_full = np.nan_to_num((full(new) - full(params)).values)
    np.testing.assert_allclose(windowed, d_full, atol=5e-5)
    assert np.abs(d_full).max() > 1e-2  # the change is not trivially zero
    # Expected 2: an independent float64 full-raster evaluation of the configuration's equations (module docstring of
    # uhi.cooling.literature: ΔT_air = (-ΔP·v) * K / (v * K)): the window is exact to FFT round-off (1e-9 K).
    coef = potential_coefficients(MODEL["uhi_max"], config=CONFIG)
    pot = lambda p: np.nan_to_num(sum(coef[c] * p[k].values.astype(np.float64) for c, k in (("albedo", "albedo"), ("shade", "shade"), ("eti", "kc"))))
    v = np.isfinite(params["kc"].values).astype(float)
    k = mixing_kernel(CELL, CONFIG)
    ref = fftconvolve(-(pot(new) - pot(params)) * v, k, mode="same") / fftconvolve(v, k, mode="same") * v
    np.testing.assert_allclose(windowed, ref, atol=1e-9)
    # nothing changes beyond the kernel's truncation at 5 λ (150 m / 30 m -> 25 px) around the patch
    outside = np.ones(lulc.shape, bool)
    outside[max(0, rows.start - 25):rows.stop + 25, max(0, cols.start - 25):cols.stop + 25] = False
    assert np.abs(d_full[outside]).max() < 5e-5 and not windowed[outside].any()
    # the gain is -Σ w·ΔT with w = 1 (default objective, person·K)
    assert change.gain == pytest.approx(-windowed.sum(), rel=1e-12)
    # the albedo part is uhi.cooling.cooling_channels' albedo channel (same full runs)
    ch = cooling_channels(params, new, ref_et=MODEL["ref_et"], uhi_max=MODEL["uhi_max"])
    alb = np.zeros(lulc.shape)
    if change.delta_albedo is not None:
        alb[change.w2] = change.delta_albedo
    np.testing.assert_allclose(alb, np.nan_to_num(ch["delta_t_air_albedo"].values), atol=5e-5)


def test_commits_add_up_to_the_full_run_of_the_combined_plan(city, treat_block):
    # Three options on different pixels: the literature model is linear, so their ΔT_air add up exactly and equal one
    # full literature_cooling run of the combined plan (float32 tolerance as above, 5e-5 K).
    lulc, params = city
    state = _state(params)
    new = params
    gains = []
    for key, rows, cols in (("cool_roof", slice(40, 45), slice(20, 25)), ("street_trees", slice(36, 41), slice(24, 29)),
                            ("pocket_park", slice(30, 35), slice(60, 65))):
        new = treat_block(lulc, new, key, rows, cols)
        change = state.evaluate(rows, cols, {k: new[k].values[rows, cols] for k in new.data_vars})
        alone = _state(params).evaluate(rows, cols, {k: new[k].values[rows, cols] for k in new.data_vars}).gain
        assert change.gain == pytest.approx(alone, rel=1e-9)  # modular: the marginal gain does not depend on the plan
        state.commit(change)
        gains.append(change.gain)
    full = lambda p: literature_cooling(p, **MODEL)["t_air"]
    np.testing.assert_allclose(state.delta_t, np.nan_to_num((full(new) - full(params)).values), atol=5e-5)
    assert state.objective() == pytest.approx(sum(gains), rel=1e-9)


def test_nonlinear_value_gain_is_exact_difference(city, treat_block):
    # A convex objective g(δ) = δ²: the gain of an option is Σ w (g(δ + Δ) - g(δ)) on the plan (hand definition).
    lulc, params = city
    state = _state(params, value=lambda d: d * d)
    rows, cols = slice(40, 45), slice(20, 25)
    new = treat_block(lulc, params, "cool_roof", rows, cols)
    ch = state.evaluate(rows, cols, {k: new[k].values[rows, cols] for k in new.data_vars})
    d = _window(ch, lulc.shape)
    assert ch.gain == pytest.approx(float(np.sum(d * d)), rel=1e-12)
    state.commit(ch)
    again = state.evaluate(rows, cols, {k: new[k].values[rows, cols] * 0 + params[k].values[rows, cols] for k in new.data_vars})
    assert again.gain == pytest.approx(-float(np.sum(d * d)), rel=1e-9)  # undoing it returns the objective to 0
