"""LST kernels and methods: numpy references, closed forms, hand values, forward-model inversions, xarray/dask, errors.

Real scenes and synthetic-scene recovery are in test_lst_scenes.py.
"""

from __future__ import annotations

import doctest
import functools
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi import constants, lst
from uhi.errors import GridMismatchError, InputValueError, MetadataError, SceneFormatError
from uhi.lst import _reference as ref
from uhi.lst import emissivity as emissivity_mod
from uhi.lst import methods as methods_mod
from uhi.lst import radiance as radiance_mod

CRS = "EPSG:32634"
L8 = constants.THERMAL_CONSTANTS["LANDSAT_8"]
K1_10, K2_10 = L8[10]["k1"], L8[10]["k2"]  # 774.8853, 1321.0789 (L8 MTL, USGS LSDS-1574 [usgs-l8-handbook])
K1_11, K2_11 = L8[11]["k1"], L8[11]["k2"]
EM10 = emissivity_mod.emissivity_parameters(10)
EM11 = emissivity_mod.emissivity_parameters(11)

@pytest.fixture
def grid(make_grid):
    """This module's rasters: the shared ``make_grid`` of conftest.py with crs=CRS."""
    return functools.partial(make_grid, crs=CRS)


def planck(t, k1, k2):
    """Band radiance of a blackbody at t [K], the exact inverse of BT = K2/ln(K1/L + 1)."""
    return k1 / (np.exp(k2 / np.asarray(t, dtype=np.float64)) - 1.0)


def bt_from_radiance(radiance, k1, k2):
    return k2 / np.log(k1 / np.asarray(radiance, dtype=np.float64) + 1.0)


def _l1_scene(grid, n=41, m=29, seed=0, two_bands=True):
    """A Level-1-like scene dataset (ARCHITECTURE.md "Scene dataset") with random but plausible values."""
    rng = np.random.default_rng(seed)
    red = rng.uniform(0.02, 0.3, (n, m))
    nir = rng.uniform(0.0, 0.5, (n, m))
    bt10 = rng.uniform(285, 320, (n, m))
    data = {"red": grid(red), "nir": grid(nir), "brightness_temperature_b10": grid(bt10)}
    data["radiance_b10"] = grid(planck(bt10, K1_10, K2_10))
    if two_bands:
        data["brightness_temperature_b11"] = grid(bt10 - rng.uniform(0.3, 2.5, (n, m)))
    ds = xr.Dataset(data).rio.write_crs(CRS)
    ds.attrs.update(
        scene_id="LC08_TEST", spacecraft="LANDSAT_8", level=1, processing_level="L1TP",
        k1_constant_band_10=K1_10, k2_constant_band_10=K2_10, k1_constant_band_11=K1_11, k2_constant_band_11=K2_11,
    )
    return ds


def _edge_reflectances():
    """NDVI exactly at -0.2, 0, 0.2, 0.5, 0.8 (exact in float32 with these values), zero and NaN inputs."""
    red = np.array([0.6, 0.25, 0.2, 0.125, 0.05, 0.0, np.nan, 0.1, 0.0], dtype=np.float32)
    nir = np.array([0.4, 0.25, 0.3, 0.375, 0.45, 0.0, 0.3, np.nan, 0.2], dtype=np.float32)
    return red.reshape(3, 3), nir.reshape(3, 3)


# --- calibration --------------------------------------------------------------------------
def test_toa_radiance_hand_value_fill_and_reference(grid):
    dn = np.array([[0, 1, 20000, 65535]], dtype=np.uint16)
    got = radiance_mod.toa_radiance_array(dn, 3.342e-4, 0.1)
    # hand: M_L*Q + A_L = 3.342e-4*20000 + 0.1 = 6.784; DN 0 is the Landsat fill value -> NaN
    assert np.isnan(got[0, 0]) and got[0, 2] == pytest.approx(6.784, rel=1e-6)
    np.testing.assert_allclose(got, ref.toa_radiance_reference(dn, 3.342e-4, 0.1), rtol=1e-6)
    da = lst.toa_radiance(grid(dn.astype(np.float32)), 3.342e-4, 0.1)
    assert da.attrs["units"] == "W m-2 sr-1 um-1" and da.rio.crs.to_epsg() == 32634


def test_brightness_temperature_equals_closed_form_inverse_planck(grid):
    # hand calculation with the L8 B10 MTL constants [usgs-l8-handbook; usgs-l1-product]: BT = 1321.0789 / ln(774.8853/10 + 1)
    assert float(lst.brightness_temperature(grid([[10.0]]), K1_10, K2_10).squeeze()) == pytest.approx(
        1321.0789 / math.log(774.8853 / 10.0 + 1.0), abs=1e-3
    )
    # the same for L9 B10 (K2 = 1329.2405 [usgs-l1-product], not 1329.0284, a value miscopied in a GEE script)
    l9 = constants.THERMAL_CONSTANTS["LANDSAT_9"][10]
    assert (l9["k1"], l9["k2"]) == (799.0284, 1329.2405)
    assert float(lst.brightness_temperature(grid([[9.5]]), l9["k1"], l9["k2"]).squeeze()) == pytest.approx(
        1329.2405 / math.log(799.0284 / 9.5 + 1.0), abs=1e-3
    )


def test_brightness_temperature_kernel_equals_reference_random_and_edges():
    rng = np.random.default_rng(4)
    radiance = rng.uniform(0.5, 20, (60, 33)).astype(np.float32)
    # float32 log/divide: relative error ~1e-7 of ~300 K
    np.testing.assert_allclose(
        radiance_mod.brightness_temperature_array(radiance, K1_10, K2_10),
        ref.brightness_temperature_reference(radiance, K1_10, K2_10), atol=2e-4,
    )
    edges = np.array([[0.0, -1.0, -1000.0, np.nan, 1e-6]], dtype=np.float32)
    got = radiance_mod.brightness_temperature_array(edges, K1_10, K2_10)
    want = ref.brightness_temperature_reference(edges, K1_10, K2_10)
    # zero and negative radiance are not physical: NaN (never a negative or infinite temperature)
    assert np.isnan(got[0, :4]).all() and np.isnan(want[0, :4]).all()
    assert got[0, 4] == pytest.approx(want[0, 4], rel=1e-5)


def test_brightness_temperature_matches_pylandtemp():
    """Peer library: pylandtemp's DN -> BT with its own (rounded) L8 B10 constants."""
    pylandtemp = pytest.importorskip("pylandtemp")
    dn = np.random.default_rng(5).integers(15000, 40000, (20, 20)).astype(np.float64)
    theirs, _ = pylandtemp.brightness_temperature(dn, mask=dn == 0)
    # pylandtemp hard-codes mult 0.0003342, add 0.1, K1 774.89, K2 1321.08 (rounded MTL values)
    ours = radiance_mod.brightness_temperature_array(radiance_mod.toa_radiance_array(dn, 0.0003342, 0.1), 774.89, 1321.08)
    np.testing.assert_allclose(ours, theirs, atol=1e-3)  # float32 vs float64


# --- emissivity ---------------------------------------------------------------------------
def test_emissivity_hand_values_at_thresholds():
    ndvi = np.array([[-0.1, 0.1, 0.2, 0.35, 0.5, 0.7, np.nan]], dtype=np.float32)
    red = np.full_like(ndvi, 0.1)
    got = emissivity_mod.emissivity_from_ndvi_array(ndvi, red, band=10)[0]
    pv = 0.25  # ((0.35-0.2)/0.3)^2
    want = [
        0.992,  # water (Du et al. 2015 table): NDVI < 0
        0.973 - 0.047 * 0.1,  # bare soil B10 (Yu et al. 2014 [yu2014] as implemented in [pylandtemp])
        0.9668 + (1 - 0.9668) * 0.55 * 0.9863,  # NDVI = 0.2 is "mixed" with P_v = 0: eps_s + cavity
        0.9863 * pv + 0.9668 * (1 - pv) + (1 - 0.9668) * (1 - pv) * 0.55 * 0.9863,
        0.9863,  # NDVI = 0.5: P_v = 1, cavity 0
        0.9863,  # vegetation
    ]
    np.testing.assert_allclose(got[:6], want, atol=1e-6)
    assert np.isnan(got[6])
    # band 11, no red: bare soil takes eps_s = 0.9747
    got11 = emissivity_mod.emissivity_from_ndvi_array(ndvi, band=11)[0]
    np.testing.assert_allclose(got11[[0, 1, 4]], [0.998, 0.9747, 0.9896], atol=1e-6)


def test_emissivity_kernel_equals_reference_random_and_edges():
    rng = np.random.default_rng(6)
    ndvi = rng.uniform(-0.5, 0.9, (70, 50)).astype(np.float32)
    ndvi[0, :5] = [0.0, 0.2, 0.5, np.nan, -0.0]
    red = rng.uniform(0, 0.4, ndvi.shape).astype(np.float32)
    for band, em in ((10, EM10), (11, EM11)):
        np.testing.assert_allclose(
            emissivity_mod.emissivity_from_ndvi_array(ndvi, red, band=band), ref.emissivity_reference(ndvi, red, em), atol=1e-6
        )
        np.testing.assert_allclose(
            emissivity_mod.emissivity_from_ndvi_array(ndvi, band=band), ref.emissivity_reference(ndvi, None, em), atol=1e-6
        )


def test_emissivity_matches_pylandtemp_on_land_pixels():
    """Peer library: pylandtemp 'xiaolei' (Yu et al. 2014) on 0 <= NDVI <= 0.5.

    It differs by design elsewhere: it treats NDVI < 0 as bare soil (we use water) and adds the cavity
    term with an unclipped P_v > 1 above NDVI 0.5 (which lowers vegetation emissivity).
    """
    pylandtemp = pytest.importorskip("pylandtemp")
    rng = np.random.default_rng(7)
    ndvi = rng.uniform(0.0, 0.5, (30, 30)).astype(np.float64)
    red = rng.uniform(0.02, 0.3, ndvi.shape)
    # pylandtemp takes red as DN and rescales it as 2e-5 DN + 0.1 (utils.rescale_band; the OLI L1 offset is
    # -0.1, another quirk), so hand it the DN that rescales to our reflectance
    e10, e11 = pylandtemp.emissivity(ndvi, (red - 0.1) / 2e-5, emissivity_method="xiaolei")
    np.testing.assert_allclose(emissivity_mod.emissivity_from_ndvi_array(ndvi, red, band=10), e10, atol=2e-6)
    np.testing.assert_allclose(emissivity_mod.emissivity_from_ndvi_array(ndvi, red, band=11), e11, atol=2e-6)


def test_emissivity_xarray_attrs_and_errors(grid):
    out = lst.emissivity_from_ndvi(grid([[0.3, 0.6]]), grid([[0.1, 0.1]]), band=11)
    assert out.name == "emissivity" and out.attrs["band"] == "B11" and out.rio.crs.to_epsg() == 32634
    with pytest.raises(InputValueError, match="band"):
        lst.emissivity_from_ndvi(grid([[0.3]]), band=12)


# --- LST kernels vs references --------------------------------------------------------------
def _random_inputs(seed=8, shape=(64, 48)):
    rng = np.random.default_rng(seed)
    red = rng.uniform(0.0, 0.35, shape).astype(np.float32)
    nir = rng.uniform(0.0, 0.55, shape).astype(np.float32)
    bt10 = rng.uniform(270, 330, shape).astype(np.float32)
    bt11 = (bt10 - rng.uniform(0, 3, shape)).astype(np.float32)
    red[0, :9], nir[0, :9] = _edge_reflectances()[0].ravel(), _edge_reflectances()[1].ravel()
    bt10[1, 0] = np.nan
    bt10[1, 1] = -5.0  # non-physical BT
    return red, nir, bt10, bt11


def _ref_eps(red, nir, em):
    return ref.emissivity_reference(ref.ndvi_float32_reference(red, nir), red, em)


def _assert_close_nan(got, want, atol):
    got = np.asarray(got, dtype=np.float64)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], atol=atol)


def test_simple_fused_kernel_equals_reference():
    red, nir, bt10, _ = _random_inputs()
    got = lst.lst_simple_array(bt10, red=red, nir=nir)
    want = ref.lst_simple_reference(bt10, _ref_eps(red, nir, EM10))
    _assert_close_nan(got, want, atol=2e-3)  # float32: ~1e-7 relative of 330 K, times a few operations
    # the from-emissivity kernel gives the same
    _assert_close_nan(lst.lst_simple_array(bt10, emissivity=_ref_eps(red, nir, EM10).astype(np.float32)), want, atol=2e-3)


def test_simple_series_logarithm_and_fallback_equal_reference():
    """The simple kernels use a branch-free atanh series for ln(eps) inside [2/3, 1.5] and log() outside,
    row by row; both paths must match the np.log reference to float32 rounding (relative 1e-7)."""
    eps = np.linspace(0.05, 1.6, 40000, dtype=np.float32).reshape(200, 200)  # every row mixes both paths
    eps[::7] = np.linspace(0.7, 1.0, 200, dtype=np.float32)  # rows entirely inside the series range
    bt = np.full_like(eps, 300.0)
    got = lst.lst_simple_array(bt, emissivity=eps).astype(np.float64)
    want = ref.lst_simple_reference(bt, eps)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # red reflectance of 8 gives a bare-soil emissivity 0.973 - 0.047*8 = 0.597 < 2/3: the fused kernel's fallback
    red = np.array([[8.0, 0.1]], np.float32)
    nir = np.array([[9.0, 0.15]], np.float32)  # NDVI 0.059 and 0.2: bare soil and mixed
    bt2 = np.full_like(red, 300.0)
    np.testing.assert_allclose(lst.lst_simple_array(bt2, red=red, nir=nir), ref.lst_simple_reference(bt2, _ref_eps(red, nir, EM10)), rtol=1e-6)


def test_single_channel_fused_kernel_equals_reference():
    red, nir, bt10, _ = _random_inputs()
    got = lst.lst_single_channel_array(bt10, red=red, nir=nir, k1=K1_10, k2=K2_10, water_vapour=1.7)
    want = ref.lst_single_channel_reference(bt10, _ref_eps(red, nir, EM10), K1_10, K2_10, 1.7)
    _assert_close_nan(got, want, atol=5e-3)  # float32 exp/division chain
    # with radiance given (as the loader provides it); zero and negative radiance give NaN
    radiance = ref.planck_radiance_reference(bt10, K1_10, K2_10).astype(np.float32)
    radiance[2, :3] = [0.0, -1.0, np.nan]
    got = lst.lst_single_channel_array(bt10, radiance=radiance, red=red, nir=nir, water_vapour=1.7)
    want = ref.lst_single_channel_reference(bt10, _ref_eps(red, nir, EM10), K1_10, K2_10, 1.7, radiance=radiance)
    _assert_close_nan(got, want, atol=5e-3)
    assert np.isnan(got[2, :3]).all()
    with pytest.raises(InputValueError, match="radiance"):
        lst.lst_single_channel_array(bt10, red=red, nir=nir, water_vapour=1.7)


@pytest.mark.parametrize("coefficients,w", [("jm2014", 0.8), ("du2015", 2.2), ("du2015", 5.1)])
def test_split_window_fused_kernel_equals_reference(coefficients, w):
    red, nir, bt10, bt11 = _random_inputs()
    got = lst.lst_split_window_array(bt10, bt11, red=red, nir=nir, water_vapour=w, coefficients=coefficients)
    coefs = None if coefficients == "jm2014" else lst.du2015_coefficients(w)
    want = ref.lst_split_window_reference(
        bt10, bt11, _ref_eps(red, nir, EM10), _ref_eps(red, nir, EM11), form=coefficients, coefficients=coefs, water_vapour=w
    )
    _assert_close_nan(got, want, atol=3e-3)


def test_kernels_without_jit_equal_references():
    """Run the kernel bodies as plain Python (NUMBA_DISABLE_JIT=1) so their code paths are exercised uncompiled."""
    code = (
        "import numpy as np\n"
        "from uhi.lst import lst_simple_array, lst_split_window_array, emissivity_from_ndvi_array\n"
        "from uhi.lst.radiance import brightness_temperature_array, toa_radiance_array\n"
        "from uhi.indices import albedo_array, fractional_vegetation_cover_array, normalized_difference_array\n"
        "from uhi.lst import _reference as r\n"
        "rng = np.random.default_rng(0)\n"
        "red = rng.uniform(0, .3, (4, 5)).astype('f4'); nir = rng.uniform(0, .5, (4, 5)).astype('f4')\n"
        "bt = rng.uniform(280, 320, (4, 5)).astype('f4'); red[0, 0] = np.nan\n"
        "em = (0.992, 0.9668, 0.9863, 0.973, -0.047)\n"
        "eps = r.emissivity_reference(r.ndvi_float32_reference(red, nir), red, em)\n"
        "a = lst_simple_array(bt, red=red, nir=nir); b = r.lst_simple_reference(bt, eps)\n"
        "assert np.allclose(a, b, atol=2e-3, equal_nan=True), (a, b)\n"
        "a = lst_split_window_array(bt, bt - 1, red=red, nir=nir, water_vapour=3.0, coefficients='du2015')\n"
        "assert np.isfinite(a[1:]).all() and np.isnan(a[0, 0])\n"
        "assert np.allclose(emissivity_from_ndvi_array(r.ndvi_float32_reference(red, nir), red), eps, atol=1e-6, equal_nan=True)\n"
        "assert np.allclose(brightness_temperature_array(np.array([[10.]]), 774.8853, 1321.0789), 302.7947, atol=1e-3)\n"
        "assert np.isnan(toa_radiance_array(np.array([[0.]]), 1e-4, .1)).all()\n"
        "assert np.isnan(normalized_difference_array(np.zeros(2), np.zeros(2))).all()\n"
        "assert np.allclose(fractional_vegetation_cover_array(np.array([.35])), .25)\n"
        "assert np.allclose(albedo_array(*[np.full(2, .25)] * 5), (1.016 * .25 - .0018) / 1.016)\n"
        "print('ok')\n"
    )
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    res = subprocess.run([sys.executable, "-c", code], check=False, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]


# --- hand values and forward-model inversions ------------------------------------------------
def test_simple_method_limits_and_hand_value():
    bt = np.array([[300.0]], dtype=np.float32)
    # emissivity 1: ln(1) = 0, LST = BT (analytic limit)
    assert lst.lst_simple_array(bt, emissivity=1.0)[0, 0] == pytest.approx(300.0, abs=1e-4)
    # hand: 300 / (1 + (10.895 * 300 / 14387.7688) * ln 0.97) = 302.0999 K
    want = 300.0 / (1 + 10.895 * 300.0 / 14387.7688 * math.log(0.97))
    assert lst.lst_simple_array(bt, emissivity=0.97)[0, 0] == pytest.approx(want, abs=1e-3)
    assert np.isnan(lst.lst_simple_array(bt, emissivity=0.0)[0, 0])  # emissivity <= 0 is invalid


@pytest.mark.parametrize("ts", [285.0, 300.0, 315.0])
@pytest.mark.parametrize("eps", [0.96, 0.98, 0.99])
def test_simple_inverts_emissivity_without_atmosphere(ts, eps):
    # With tau = 1 and no path radiance the sensor sees L = eps B(Ts) (forward model below, tau = 1, Ld = Lu = 0):
    # the simple correction inverts it to within a few hundredths of a kelvin (Wien approximation at 10.895 um).
    bt = bt_from_radiance(eps * planck(ts, K1_10, K2_10), K1_10, K2_10)
    got = lst.lst_simple_array(np.array([[bt]]), emissivity=eps)[0, 0]
    assert got == pytest.approx(ts, abs=0.06)


@pytest.mark.parametrize("w", [0.5, 1.5, 3.0])
@pytest.mark.parametrize("ts", [290.0, 310.0])
def test_single_channel_inverts_the_psi_atmosphere(w, ts):
    """Forward model consistent with the psi definitions of Jiménez-Muñoz et al. 2014 [jimenez-munoz2014]:
    tau = 1/psi1, Ld = psi3, Lu = -tau (psi2 + psi3), L_sen = tau [eps B(Ts) + (1 - eps) Ld] + Lu. SC is then exact up
    to its Planck linearisation: +0.00..+0.12 K for w <= 1.5 and up to ~+0.5 K at w = 3.5 (computed from this model,
    not a published figure)."""
    psi1, psi2, psi3 = lst.psi_functions(w)
    tau, l_down = 1 / psi1, psi3
    l_up = -tau * (psi2 + psi3)
    eps = 0.975
    l_sen = tau * (eps * planck(ts, K1_10, K2_10) + (1 - eps) * l_down) + l_up
    bt = np.array([[bt_from_radiance(l_sen, K1_10, K2_10)]], dtype=np.float32)
    got = lst.lst_single_channel_array(bt, emissivity=eps, k1=K1_10, k2=K2_10, water_vapour=w)[0, 0]
    tol = 0.15 if w <= 1.5 else 0.5
    assert got == pytest.approx(ts, abs=tol)


def test_split_window_hand_values():
    t10, t11 = np.array([[300.0]], np.float32), np.array([[298.0]], np.float32)
    e10, e11, w = 0.97, 0.975, 1.0
    # [jimenez-munoz2014]: 300 + 1.378*2 + 0.183*4 - 0.268 + (54.30 - 2.238*1)(1 - 0.9725) + (-129.20 + 16.40*1)(-0.005)
    jm = 300 + 1.378 * 2 + 0.183 * 4 - 0.268 + (54.30 - 2.238) * 0.0275 + (-129.20 + 16.40) * (-0.005)
    got = lst.lst_split_window_array(t10, t11, emissivity=(e10, e11), water_vapour=w)[0, 0]
    assert got == pytest.approx(jm, abs=2e-3) and jm == pytest.approx(305.2157, abs=1e-4)
    # Du 2015 at w = 1 uses the 0-2.5 row only (Du et al. 2015 [du2015] table, as tabulated in [i-landsat8-swlst]):
    b = (-2.78009, 1.01408, 0.15833, -0.34991, 4.04487, 3.55414, -8.88394, 0.09152)
    e, de = 0.9725, -0.005
    x, y = (1 - e) / e, de / e**2
    du = b[0] + (b[1] + b[2] * x + b[3] * y) * 299 + (b[4] + b[5] * x + b[6] * y) * 1 + b[7] * 4
    got = lst.lst_split_window_array(t10, t11, emissivity=(e10, e11), water_vapour=w, coefficients="du2015")[0, 0]
    assert got == pytest.approx(du, abs=2e-3)


def test_du2015_window_blending():
    rows = {k: v[0] for k, v in constants.SW_DU2015.items()}
    assert lst.du2015_coefficients(1.0) == pytest.approx(rows[(0.0, 2.5)])
    # w = 2.2 lies in 0-2.5 and 2.0-3.5: the mean of both rows (equation linear in b, so = mean of LSTs)
    assert lst.du2015_coefficients(2.2) == pytest.approx(tuple((a + b) / 2 for a, b in zip(rows[(0.0, 2.5)], rows[(2.0, 3.5)])))
    assert lst.du2015_coefficients(6.0) == pytest.approx(rows[(5.0, 6.3)])


def test_psi_functions_and_water_vapour_range():
    # hand: psi(w=0) = the constant terms (1.01523, 0.20324, -0.27514) of [jimenez-munoz2014]
    assert lst.psi_functions(0.0) == pytest.approx((1.01523, 0.20324, -0.27514))
    for bad in (-0.1, 7.0, float("nan"), "wet"):
        with pytest.raises(InputValueError, match="water_vapour"):
            lst.psi_functions(bad)


# --- xarray layer ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["simple", "single-channel", "split-window"])
def test_land_surface_temperature_dataarray_contract(method, grid):
    ds = _l1_scene(grid)
    out = lst.land_surface_temperature(ds, method, water_vapour=1.2)
    assert out.name == "lst" and out.dtype == np.float32 and out.dims == ("y", "x")
    assert out.attrs["units"] == "K" and out.attrs["standard_name"] == "surface_temperature"
    assert out.attrs["method"] == method and out.attrs["long_name"] == "land surface temperature"
    assert out.rio.crs.to_epsg() == 32634
    np.testing.assert_array_equal(out["x"], ds["x"])
    assert 250 < float(out.min()) and float(out.max()) < 360


def test_land_surface_temperature_equals_array_layer(grid):
    ds = _l1_scene(grid)
    v = {k: ds[k].values for k in ("red", "nir", "brightness_temperature_b10", "brightness_temperature_b11")}
    np.testing.assert_array_equal(
        lst.land_surface_temperature(ds, "simple").values,
        lst.lst_simple_array(v["brightness_temperature_b10"], red=v["red"], nir=v["nir"]),
    )
    np.testing.assert_array_equal(
        lst.land_surface_temperature(ds, "split-window", water_vapour=2.0, coefficients="du2015").values,
        lst.lst_split_window_array(v["brightness_temperature_b10"], v["brightness_temperature_b11"], red=v["red"], nir=v["nir"],
                                   water_vapour=2.0, coefficients="du2015"),
    )


def test_bt_is_derived_from_radiance_when_missing_and_radiance_from_bt(grid):
    ds = _l1_scene(grid)
    from_bt = lst.land_surface_temperature(ds, "simple")
    from_radiance = lst.land_surface_temperature(ds.drop_vars("brightness_temperature_b10"), "simple")
    np.testing.assert_allclose(from_radiance.values, from_bt.values, atol=2e-3)  # round trip through Planck in float32
    sc = lst.land_surface_temperature(ds, "single-channel", water_vapour=1.0)
    assert sc.attrs["radiance"] == "radiance_b10"
    sc_bt = lst.land_surface_temperature(ds.drop_vars("radiance_b10"), "single-channel", water_vapour=1.0)
    assert sc_bt.attrs["k2"] == K2_10
    np.testing.assert_allclose(sc_bt.values, sc.values, atol=2e-3)


@pytest.mark.parametrize("method", ["simple", "single-channel", "split-window", "l2"])
def test_dask_stays_lazy_and_equals_eager(method, grid):
    ds = _l1_scene(grid, n=103, m=71)
    if method == "l2":
        ds = ds.assign(surface_temperature=ds["brightness_temperature_b10"] + 2)
    lazy = ds.chunk({"y": 40, "x": 30})  # chunks that do not divide the shape
    out = lst.land_surface_temperature(lazy, method, water_vapour=2.4)
    assert out.chunks is not None
    xr.testing.assert_equal(out.compute(), lst.land_surface_temperature(ds, method, water_vapour=2.4))


def test_water_vapour_from_attrs_and_emissivity_override(grid):
    ds = _l1_scene(grid)
    ds.attrs["water_vapour"] = 1.3
    a = lst.land_surface_temperature(ds, "single-channel")
    b = lst.land_surface_temperature(ds, "single-channel", water_vapour=1.3)
    xr.testing.assert_equal(a, b)
    assert a.attrs["water_vapour"] == 1.3
    c = lst.land_surface_temperature(ds, "simple", emissivity=1.0)  # emissivity 1: LST = BT
    np.testing.assert_allclose(c.values, ds["brightness_temperature_b10"].values, atol=1e-4)
    eps = lst.emissivity_from_ndvi(lst.ndvi(ds["red"], ds["nir"]), ds["red"])
    np.testing.assert_allclose(lst.land_surface_temperature(ds, "simple", emissivity=eps).values,
                               lst.land_surface_temperature(ds, "simple").values, atol=1e-4)
    sw = lst.land_surface_temperature(ds, "split-window", emissivity=(0.97, 0.975))
    assert sw.attrs["emissivity"] == "given"


def test_errors_name_what_is_missing(grid):
    ds = _l1_scene(grid, two_bands=False)
    with pytest.raises(SceneFormatError, match="brightness_temperature_b11.*split-window cannot run"):
        lst.land_surface_temperature(ds, "split-window", water_vapour=1.0)
    with pytest.raises(SceneFormatError, match="surface_temperature"):
        lst.land_surface_temperature(ds, "l2")
    with pytest.raises(InputValueError, match="water_vapour"):
        lst.land_surface_temperature(ds, "single-channel")
    with pytest.raises(InputValueError, match="method must be one of"):
        lst.land_surface_temperature(ds, "mono-window")
    with pytest.raises(SceneFormatError, match="red"):
        lst.land_surface_temperature(ds.drop_vars("red"), "simple")
    l2 = xr.Dataset({"surface_temperature": ds["brightness_temperature_b10"]}, attrs={"processing_level": "L2SP"})
    with pytest.raises(SceneFormatError, match="method='l2'"):
        lst.land_surface_temperature(l2, "simple")
    nok = ds.drop_vars("brightness_temperature_b10")
    nok.attrs = {"scene_id": "X"}
    with pytest.raises(MetadataError, match="k1_constant_band_10"):
        lst.land_surface_temperature(nok, "simple")
    with pytest.raises(InputValueError, match="coefficients"):
        lst.land_surface_temperature(_l1_scene(grid), "split-window", water_vapour=1.0, coefficients="sobrino")
    with pytest.raises(InputValueError, match=r"\(0, 1\]"):
        lst.land_surface_temperature(ds, "simple", emissivity=1.5)
    with pytest.raises(GridMismatchError, match="emissivity"):
        lst.land_surface_temperature(ds, "simple", emissivity=ds["red"].isel(x=slice(1, None)))
    with pytest.raises(InputValueError, match="pair"):
        lst.land_surface_temperature(_l1_scene(grid), "split-window", water_vapour=1.0, emissivity=0.97)


def test_l2_passthrough_and_to_celsius(grid):
    st = grid([[285.0, np.nan], [295.15, 300.0]])
    ds = xr.Dataset({"surface_temperature": st}).rio.write_crs(CRS)
    out = lst.land_surface_temperature(ds, "l2")
    np.testing.assert_array_equal(out.values, st.values)
    c = lst.to_celsius(out)
    assert c.attrs["units"] == "degC" and c.rio.crs.to_epsg() == 32634
    assert float(c[1, 0]) == pytest.approx(22.0, abs=1e-4)  # 295.15 K - 273.15
    with pytest.raises(InputValueError, match="kelvin"):
        lst.to_celsius(c)


def test_doctests():
    for module in (radiance_mod, emissivity_mod, methods_mod):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
