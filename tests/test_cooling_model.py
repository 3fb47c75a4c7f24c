"""Tests for uhi.cooling (InVEST Urban Cooling Model equations: User's Guide [invest-ucm] and code [invest-code])."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi.cooling import biophysical_table, parameters_from_landcover, productivity_loss, urban_cooling, wbgt
from uhi.cooling.kernels import (
    FFTConvolver,
    disc_half_widths,
    disc_kernel,
    exponential_kernel,
    heat_mitigation_and_mixing,
    kernel_spectrum,
)
from uhi.errors import CRSError, InputValueError

TABLE = pd.DataFrame(
    {
        "lucode": [1, 2, 3, 4],
        "kc": [0.2, 1.0, 0.6, 0.0],
        "green_area": [0, 1, 0, 0],
        "shade": [0.0, 0.8, 0.3, 0.0],
        "albedo": [0.15, 0.2, 0.1, 0.0],
        "building_intensity": [0.9, 0.0, 0.4, 1.0],
    }
)


def _grid(a, cell=30.0, crs="EPSG:32633"):
    ny, nx = a.shape
    y = 1e6 - (np.arange(ny) + 0.5) * cell
    x = 5e5 + (np.arange(nx) + 0.5) * cell
    return xr.DataArray(a, coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs(crs)


def _cc(code):
    """CC by the factors method with scalar ETo (ETI = kc) and weights 0.6/0.2/0.2 (InVEST UCM [invest-ucm])."""
    r = TABLE.set_index("lucode").loc[code]
    return 0.6 * r.shade + 0.2 * r.albedo + 0.2 * r.kc


def _direct_reference(params, ref_et, t_ref, uhi_max, d_px, r_px, cell):
    """Slow float64 per-pixel double loop of the UCM equations ([invest-ucm; invest-code]), independent of FFT."""
    shade, albedo, kc, g = (params[k].values.astype(np.float64) for k in ("shade", "albedo", "kc", "green_area"))
    cc = 0.6 * shade + 0.2 * albedo + 0.2 * kc * ref_et / ref_et
    ny, nx = cc.shape

    def conv_mean(x, d, rmax):
        out = np.zeros_like(x)
        for i in range(ny):
            for j in range(nx):
                num = den = 0.0
                for a in range(ny):
                    for b in range(nx):
                        dist = math.hypot(a - i, b - j)
                        if dist <= rmax:
                            w = math.exp(-dist / d)
                            num += w * x[a, b]
                            den += w
                out[i, j] = num / den
        return out

    def ga_count(x, d):
        full = sum(1 for a in range(-d, d + 1) for b in range(-d, d + 1) if math.hypot(a, b) <= d)
        out = np.zeros_like(x)
        for i in range(ny):
            for j in range(nx):
                num = cnt = 0.0
                for a in range(max(0, i - d), min(ny, i + d + 1)):
                    for b in range(max(0, j - d), min(nx, j + d + 1)):
                        if math.hypot(a - i, b - j) <= d:
                            num += x[a, b]
                            cnt += 1
                out[i, j] = num * full / cnt
        return out

    cc_park = conv_mean(cc * g, d_px, 5 * d_px)
    ga = ga_count(g, d_px)
    hm = np.where((cc >= cc_park) | (ga < 2e4 / cell**2), cc, cc_park)
    tn = t_ref + (1 - hm) * uhi_max
    return cc, hm, tn, conv_mean(tn, r_px, 5 * r_px)


def _lulc(rng, n=20):
    a = rng.choice([1, 3, 4], size=(n, n)).astype(np.float32)
    a[5:12, 4:11] = 2  # a 49-pixel park (4.41 ha at 30 m)
    a[8, 7] = 4  # a sealed hole in the park: GA ~ 28 px >= 22.2 px and CC = 0 < CC_park -> HM = CC_park
    return _grid(a)


def test_fft_equals_direct_sum_reference():
    rng = np.random.default_rng(1)
    params = parameters_from_landcover(_lulc(rng), TABLE)
    # d_cool 90 m -> 3 px (disc of 29 px > 22.2 px = 2 ha, truncated at 15 px); r 60 m -> 2 px (10 px):
    # kernels reach past the 20x20 raster, so the edge rules are exercised everywhere.
    res = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=4.0, cooling_distance=90.0, mixing_radius=60.0)
    cc, hm, tn, ta = _direct_reference(params, 5.0, 20.0, 4.0, 3, 2, 30.0)
    # float32 storage of CC (~6e-8 relative) and float32 FFT round-off -> 1e-6 as required by the issue.
    np.testing.assert_allclose(res.cc.values, cc, atol=1e-6)
    np.testing.assert_allclose(res.hm.values, hm, atol=1e-6)
    np.testing.assert_allclose(res.t_air_nomix.values, tn, atol=1e-5)  # 20 degC in float32: ulp 2e-6
    np.testing.assert_allclose(res.t_air.values, ta, atol=1e-5)
    assert not np.array_equal(hm, cc)  # the park rule is active somewhere, else this test proves little


def test_uniform_city_closed_form():
    params = parameters_from_landcover(_grid(np.full((30, 30), 3.0, np.float32)), TABLE)
    res = urban_cooling(params, ref_et=4.0, t_ref=25.0, uhi_max=3.0)
    cc = _cc(3)  # closed form: no green area, HM = CC, kernel means of a constant are the constant
    np.testing.assert_allclose(res.cc.values, cc, atol=1e-6)
    np.testing.assert_allclose(res.hm.values, cc, atol=1e-6)
    np.testing.assert_allclose(res.t_air.values, 25.0 + (1 - cc) * 3.0, atol=1e-5)
    assert res.t_air.attrs["units"] == "degC" and res.rio.crs.to_epsg() == 32633


def test_park_in_uniform_city():
    a = np.full((200, 200), 1.0, np.float32)
    a[10:30, 10:30] = 2  # 400 px = 36 ha park
    params = parameters_from_landcover(_grid(a), TABLE)
    res = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=4.0)
    cc_urban, cc_park = _cc(1), _cc(2)
    # inside the park CC_park (mean over kernel incl. zeros outside) < CC of the park class: HM = CC
    np.testing.assert_allclose(res.hm.values[20, 20], cc_park, atol=1e-6)
    # urban pixel next to the park: CC_park > CC_urban and GA >= 2 ha -> HM = CC_park > CC
    assert res.hm.values[20, 32] > cc_urban + 0.01
    # far from the park (> 5 d_cool = 75 px plus 5 r = 100 px): background value, closed form
    np.testing.assert_allclose(res.t_air.values[190, 190], 20.0 + (1 - cc_urban) * 4.0, atol=1e-5)
    assert res.t_air.values[20, 35] < 20.0 + (1 - cc_urban) * 4.0 - 0.01


@pytest.mark.parametrize("side,expect_park", [(4, False), (5, True)])
def test_two_hectare_threshold(side, expect_park):
    # 30 m cells: threshold 2e4/900 = 22.2 px. 4x4 = 16 px (1.44 ha) < 2 ha; 5x5 = 25 px (2.25 ha) > 2 ha.
    # Background class 4 has CC = 0, so CC_park > CC near the patch and only the GA rule decides.
    a = np.full((80, 80), 4.0, np.float32)
    a[38:38 + side, 38:38 + side] = 2
    params = parameters_from_landcover(_grid(a), TABLE)
    res = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=4.0)  # d = 15 px: whole patch inside the disc
    hm_next = res.hm.values[38, 38 + side]  # sealed pixel touching the patch, > 15 px from the border
    assert (hm_next > 1e-6) == expect_park


def test_ga_edge_rule_near_border():
    # Green band of 4 columns along the left border, 15 m cells, d_cool 150 m -> d = 10 px, 2 ha = 88.9 px.
    # For the sealed pixel in column 4 (mid-height) the disc holds 76 green pixels (raw count < 88.9), but the
    # disc is cut by the border, so the edge rule GA = raw * sum(disc) / conv(valid, disc) (InVEST code
    # [invest-code], ignore_nodata_and_edges [pygeoprocessing]) gives 98.3 > 88.9: the park rule applies only because
    # of the edge rule.
    a = np.full((40, 40), 4.0, np.float32)
    a[:, :4] = 2
    params = parameters_from_landcover(_grid(a, cell=15.0), TABLE)
    res = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=4.0, cooling_distance=150.0)
    d = 10
    k = disc_kernel(d)
    raw = sum(k[d + dy, d + dx] for dy in range(-d, d + 1) for dx in range(-4, 0))
    valid = sum(k[d + dy, d + dx] for dy in range(-d, d + 1) for dx in range(-4, d + 1))
    assert raw < 2e4 / 15.0**2 < raw * k.sum() / valid  # hand numbers: 76 < 88.9 < 98.3
    assert res.hm.values[20, 4] > 1e-6  # HM = CC_park > CC = 0: the edge rule is in effect
    assert res.hm.values[20, 15] == 0  # 11 px from the band: only 0 green pixels in the disc -> HM = CC


def test_intensity_method():
    params = parameters_from_landcover(_grid(np.full((20, 20), 3.0, np.float32)), TABLE)
    res = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=2.0, cc_method="intensity")
    np.testing.assert_allclose(res.cc.values, 1 - 0.4, atol=1e-6)  # CC = 1 - building_intensity
    np.testing.assert_allclose(res.t_air.values, 20.0 + 0.4 * 2.0, atol=1e-5)


def test_eti_uses_global_max_and_raster_ref_et():
    params = parameters_from_landcover(_grid(np.full((20, 20), 3.0, np.float32)), TABLE)
    eto = _grid(np.linspace(2, 6, 400, dtype=np.float32).reshape(20, 20))
    res = urban_cooling(params, ref_et=eto, t_ref=20.0, uhi_max=2.0)
    expect = 0.6 * 0.3 + 0.2 * 0.1 + 0.2 * 0.6 * eto.values / 6.0  # ETI = kc*ETo/max(ETo)
    np.testing.assert_allclose(res.cc.values, expect, atol=1e-6)


def test_weights_renormalised():
    params = parameters_from_landcover(_grid(np.full((10, 10), 3.0, np.float32)), TABLE)
    a = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=2.0, weights=(3, 1, 1))
    b = urban_cooling(params, ref_et=5.0, t_ref=20.0, uhi_max=2.0, weights=(0.6, 0.2, 0.2))
    np.testing.assert_allclose(a.cc.values, b.cc.values, atol=1e-7)


def test_dask_equals_eager_with_uneven_chunks():
    rng = np.random.default_rng(3)
    a = rng.choice([1, 2, 3], size=(47, 53), p=[0.5, 0.2, 0.3]).astype(np.float32)
    a[0, 0] = np.nan
    params = parameters_from_landcover(_grid(a), TABLE)
    kw = dict(ref_et=5.0, t_ref=20.0, uhi_max=4.0, cooling_distance=60.0, mixing_radius=90.0)
    eager = urban_cooling(params, **kw)
    lazy = urban_cooling(params.chunk({"y": 13, "x": 17}), **kw)
    assert lazy.t_air.chunks is not None  # stays lazy
    for v in ("cc", "hm", "t_air"):
        np.testing.assert_allclose(lazy[v].values, eager[v].values, atol=1e-5, equal_nan=True)
    assert np.isnan(eager.t_air.values[0, 0])


def test_kernels_match_pygeoprocessing_definition():
    k = exponential_kernel(2)
    assert k.shape == (21, 21) and abs(k.sum() - 1) < 1e-12  # apothem floor(5d) = 10, normalised
    assert k[0, 10] > 0 and k[0, 0] == 0  # dist 10 <= 10 kept (boundary included); corner dist 14.1 dropped
    d = disc_kernel(2)
    assert d.sum() == 13  # pixels with hypot <= 2: 1 + 4 + 4 + 4


def test_disc_half_widths_are_the_disc_kernel_rows():
    for d in (0, 1, 2, 5, 15):
        k = disc_kernel(d)
        np.testing.assert_array_equal(2 * disc_half_widths(d) + 1, k.sum(axis=1))  # rows are contiguous runs


@pytest.mark.parametrize("d,fshape", [(1, (8, 9)), (3, (32, 40)), (2, (7, 5)), (0, (4, 6))])
def test_kernel_spectrum_equals_fft_of_the_wrapped_kernel(d, fshape):
    # definition of the DFT: the kernel centred at index (0, 0) of an fshape grid (wrapped, folding where the grid
    # is smaller than the kernel, as with (7, 5) and 2 d = 10 + 1 = 11 rows), float64 numpy rfft2
    k = exponential_kernel(d)
    r = k.shape[0] // 2
    grid = np.zeros(fshape)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            grid[dy % fshape[0], dx % fshape[1]] += k[r + dy, r + dx]
    expect = np.fft.rfft2(grid)
    assert np.abs(expect.imag).max() < 1e-12  # symmetric kernel: real spectrum
    np.testing.assert_allclose(kernel_spectrum(k, fshape), expect.real, atol=1e-6)  # float32 product


def test_strips_equal_one_transform_and_scipy():
    from scipy.signal import fftconvolve

    rng = np.random.default_rng(5)
    x = rng.random((53, 41)).astype(np.float32)
    k = exponential_kernel(2)
    expect = fftconvolve(x.astype(np.float64), k, mode="same")  # peer: scipy float64, zero padding
    one = FFTConvolver(x.shape, {"k": k}).convolve(x, ["k"])[0]
    strips = FFTConvolver(x.shape, {"k": k}, strip_rows=7).convolve(x, ["k"])[0]
    np.testing.assert_allclose(one, expect, atol=2e-6)  # float32 transforms of values <= 1
    np.testing.assert_allclose(strips, expect, atol=2e-6)
    # a caller dropping a halo >= r (dask blocks) may skip the zero padding: the wrap-around stays in the halo
    r = k.shape[0] // 2
    wrapped = FFTConvolver(x.shape, {"k": k}, halo=r).convolve(x, ["k"])[0]
    np.testing.assert_allclose(wrapped[r:-r, r:-r], expect[r:-r, r:-r], atol=2e-6)


def test_nodata_pass_equals_float64_reference():
    # Independent float64 reference with scipy.signal.fftconvolve (InVEST UCM equations, Sharp et al. InVEST UG; masked means
    # conv(x v)/conv(v), GA edge rule) on a raster with scattered nodata: checks the shared valid-mask spectrum.
    from scipy.signal import fftconvolve

    rng = np.random.default_rng(11)
    n, d, r = 60, 3, 4
    cc = rng.random((n, n))
    green = (rng.random((n, n)) < 0.4).astype(float)
    cc[rng.random((n, n)) < 0.05] = np.nan
    v = np.isfinite(cc).astype(float)
    c0, g0 = np.where(v > 0, cc, 0), green * v
    ke, kd, km = exponential_kernel(d), disc_kernel(d), exponential_kernel(r)
    park = fftconvolve(c0 * g0, ke, mode="same") / fftconvolve(v, ke, mode="same")
    ga = fftconvolve(g0, kd, mode="same") * kd.sum() / fftconvolve(v, kd, mode="same")
    thr = 8.0
    hm = np.where((cc >= park) | (ga < thr), cc, park)
    mix = fftconvolve(np.where(v > 0, hm, 0), km, mode="same") / fftconvolve(v, km, mode="same")
    t_air = np.where(v > 0, 20.0 + 4.0 * (1 - mix), np.nan)
    hm32, t32 = heat_mitigation_and_mixing(cc.astype(np.float32), green.astype(np.float32), d, r, thr, 20.0, 4.0)
    np.testing.assert_allclose(hm32, np.where(v > 0, hm, np.nan), atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(t32, t_air, atol=1e-5, equal_nan=True)  # 20 degC in float32: ulp 2e-6


def test_wbgt_hand_calculation():
    # T = 30 degC, RH = 50 %: e = 0.5*6.105*exp(1.935375) = 0.5*6.105*6.92664 = 21.1436 hPa (hand calc.);
    # WBGT = 17.01 + 0.393*21.1436 + 3.94 = 29.2594 degC (ACSM 1984 [acsm1984], InVEST UG [invest-ucm]); float32 -> 1e-3
    e = 0.5 * 6.105 * math.exp(17.27 * 30 / 267.7)
    assert abs(e - 21.1436) < 1e-3
    assert abs(float(wbgt(np.float64(30.0), 50.0)) - 29.2594) < 1e-3


@pytest.mark.parametrize(
    "w,light,heavy",
    [(27.4, 0, 0), (27.5, 0, 25), (29.5, 0, 50), (31.49, 0, 50), (31.5, 25, 75), (32.0, 50, 75), (32.5, 75, 75)],
)
def test_productivity_thresholds(w, light, heavy):
    # Kjellstrom et al. 2009 Table 2 (doi:10.3402/gha.v2i0.2047 [kjellstrom2009]), as in InVEST [invest-ucm]
    assert productivity_loss(np.array([w]), "light")[0] == light
    assert productivity_loss(np.array([w]), "heavy")[0] == heavy


def test_table_validation(tmp_path):
    bad = TABLE.copy()
    bad.loc[1, "shade"] = 1.5
    with pytest.raises(InputValueError, match="shade"):
        biophysical_table(bad)
    dup = pd.concat([TABLE, TABLE.iloc[[0]]])
    with pytest.raises(InputValueError, match="duplicate"):
        biophysical_table(dup)
    with pytest.raises(InputValueError, match="green_area"):
        biophysical_table(TABLE.assign(green_area=[0, 2, 0, 0]))
    with pytest.raises(InputValueError, match="kc"):
        biophysical_table(TABLE.assign(kc=[-0.1, 1, 1, 0]))
    p = tmp_path / "t.csv"
    TABLE.to_csv(p, index=False)
    assert list(biophysical_table(p).index) == [1, 2, 3, 4]
    with pytest.raises(InputValueError, match=r"\[7, 9\]"):
        parameters_from_landcover(_grid(np.array([[1, 7], [9, 2]], np.float32)), TABLE)


def test_bad_parameters():
    params = parameters_from_landcover(_grid(np.full((10, 10), 3.0, np.float32)), TABLE)
    base = dict(ref_et=5.0, t_ref=20.0, uhi_max=2.0)
    for bad in ({"cooling_distance": 0}, {"mixing_radius": -1}, {"uhi_max": -1}, {"weights": (0, 0, 0)},
                {"weights": (-1, 1, 1)}, {"cc_method": "x"}):
        with pytest.raises(InputValueError):
            urban_cooling(params, **{**base, **bad})
    geo = params.rio.write_crs("EPSG:4326")
    with pytest.raises(CRSError):
        urban_cooling(geo, **base)


def test_energy_savings_hand_calculation():
    import geopandas as gpd
    from shapely.geometry import box

    from uhi.cooling import energy_savings

    t_air = _grid(np.full((10, 10), 22.0, np.float32))
    x0, y0 = 5e5, 1e6
    bld = gpd.GeoDataFrame({"type": [1]}, geometry=[box(x0 + 60, y0 - 120, x0 + 120, y0 - 60)], crs="EPSG:32633")
    table = pd.DataFrame({"type": [1], "consumption": [2.0]})
    out = energy_savings(t_air, bld, table, t_ref=20.0, uhi_max=4.0)
    # hand calc. (InVEST valuation [invest-ucm]): 2 kWh/degC/m2 * 3600 m2 * (20 + 4 - 22) degC * cost 1 = 14400 kWh
    assert abs(out["energy_sav"].iloc[0] - 14400.0) < 1e-3
    with pytest.raises(InputValueError, match=r"\[9\]"):
        energy_savings(t_air, bld.assign(type=[9]), table, t_ref=20.0, uhi_max=4.0)


def test_parameters_from_scene_proxies():
    from uhi.cooling import parameters_from_scene

    # two pixels: red/nir giving NDVI 0.35 and 0.6
    red = np.array([[0.13, 0.1]], np.float32)
    nir = np.array([[0.27, 0.4]], np.float32)
    bands = {"blue": 0.05, "green": 0.08, "swir1": 0.2, "swir2": 0.1, "coastal": 0.05}
    ds = xr.Dataset({"red": _grid(red), "nir": _grid(nir), **{k: _grid(np.full((1, 2), v, np.float32)) for k, v in bands.items()}})
    p = parameters_from_scene(ds)
    # P_v = ((NDVI - 0.2)/(0.5 - 0.2))^2 (Carlson & Ripley 1997): 0.25 at NDVI 0.35, 1 at 0.6 (clipped)
    np.testing.assert_allclose(p.shade.values, [[0.25, 1.0]], atol=1e-5)
    np.testing.assert_allclose(p.kc.values, [[0.15 + 0.85 * 0.25, 1.0]], atol=1e-5)
    np.testing.assert_array_equal(p.green_area.values, [[0, 1]])  # NDVI >= 0.5


@pytest.mark.parametrize("dtype, nodata", [("uint8", 0), ("uint8", 255), ("int16", -1), ("uint16", None)])
def test_integer_landcover_reclassifies_as_float_codes(dtype, nodata):
    """8/16-bit land cover goes through a dense per-code table (one gather per parameter); the parameters
    equal, bit for bit, the search path that float codes take (NaN at nodata), also under dask."""
    rng = np.random.default_rng(5)
    codes = rng.integers(1, 5, (40, 50)).astype(dtype)
    if nodata is not None:
        codes[:3] = nodata
    lulc = _grid(codes)
    as_float = _grid(np.where(codes == nodata, np.nan, codes.astype(np.float32)) if nodata is not None
                     else codes.astype(np.float32))
    if nodata is not None:
        lulc = lulc.rio.write_nodata(nodata)
    expected = parameters_from_landcover(as_float, TABLE)
    for got in (parameters_from_landcover(lulc, TABLE), parameters_from_landcover(lulc.chunk(16), TABLE).compute()):
        for name in expected.data_vars:
            assert got[name].dtype == np.float32
            assert got[name].values.tobytes() == expected[name].values.tobytes(), name
    if nodata is not None:  # the nodata rows are NaN in every parameter
        assert np.isnan(expected["kc"].values[:3]).all()
