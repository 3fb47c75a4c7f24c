"""Heat risk: normalisation, combination kernel vs numpy, weights, classes, traffic light, grids, errors."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
import xarray as xr

from uhi.errors import CRSError, GridMismatchError, InputValueError
from uhi.risk import (
    RISK_LABELS,
    assess_risk,
    class_breaks,
    classify,
    combine,
    exposure_from_population,
    hazard_from_lst,
    heat_risk,
    normalise,
    traffic_light,
    vulnerability,
)
from uhi.risk._kernels import combine_reference

CELL = 30.0


def _da(values, name=None, cell=CELL, crs="EPSG:32634", units=None):
    values = np.asarray(values, dtype=np.float32)
    ny, nx = values.shape
    y = 4.7e6 - (np.arange(ny) + 0.5) * cell
    x = 6.0e5 + (np.arange(nx) + 0.5) * cell
    da = xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x"), name=name)
    if units:
        da.attrs["units"] = units
    return da.rio.write_crs(crs)


def _layers(n=40, seed=0):
    rng = np.random.default_rng(seed)
    lst = _da(295 + 20 * rng.random((n, n)), "lst", units="K")
    pop = _da(rng.poisson(20, (n, n)).astype(float), "population")
    ndvi = _da(rng.uniform(-0.1, 0.8, (n, n)), "ndvi")
    ndbi = _da(rng.uniform(-0.4, 0.3, (n, n)), "ndbi")
    return lst, pop, ndvi, ndbi


def test_normalise_minmax_percentile_direction():
    x = _da(np.arange(101, dtype=float).reshape(1, 101), "x")
    np.testing.assert_allclose(normalise(x).values.ravel(), np.arange(101) / 100, atol=1e-7)
    np.testing.assert_allclose(normalise(x, direction=-1).values.ravel(), 1 - np.arange(101) / 100, atol=1e-7)
    # percentile 2-98 of 0..100 is 2..98 (linear interpolation): clip below 2 and above 98
    p = normalise(x, "percentile").values.ravel()
    assert p[0] == 0.0 and p[2] == 0.0 and p[98] == 1.0 and p[100] == 1.0
    assert p[50] == pytest.approx(0.5, abs=1e-6)
    assert normalise(x, "percentile").attrs["bounds"].tolist() == [2.0, 98.0]


def test_normalise_errors_name_the_layer():
    with pytest.raises(InputValueError, match="'elderly' is all NaN|elderly is all NaN"):
        normalise(_da(np.full((2, 2), np.nan), "elderly"))
    with pytest.raises(InputValueError, match="constant"):
        normalise(_da(np.ones((2, 2)), "children"))


@pytest.mark.parametrize("method", ["product", "geometric", "weighted"])
def test_combine_kernel_equals_numpy_reference(method):
    """Numba kernel == float64 numpy reference within float32 rounding (1e-6 on [0, 1] values)."""
    rng = np.random.default_rng(3)
    h, e, v = (rng.random((57, 43)).astype(np.float32) for _ in range(3))
    h[0, 0] = np.nan
    w = (0.5, 0.3, 0.2)
    got = combine(h, e, v, method, w)
    ref = combine_reference(h, e, v, method, w)
    np.testing.assert_allclose(got, ref, atol=1e-6, equal_nan=True)
    assert np.isnan(got[0, 0])


def test_heat_risk_closed_forms_and_range():
    """Components already in [0, 1]: product 0.5^3 = 0.125, geometric 0.5, weighted 0.5*1 + 0.25*0.5 + 0.25*0."""
    h = _da([[0.0, 0.5, 1.0]], "h")
    e = _da([[0.0, 0.5, 1.0]], "e")
    v = _da([[0.0, 0.5, 1.0]], "v")
    assert heat_risk(h, e, v, normalise=None).values.ravel().tolist() == pytest.approx([0.0, 0.125, 1.0])
    assert heat_risk(h, e, v, method="geometric", normalise=None).values.ravel().tolist() == pytest.approx([0.0, 0.5, 1.0])
    one = _da([[1.0, 1.0, 1.0]], "one")
    zero = _da([[0.0, 0.0, 0.0]], "zero")
    r = heat_risk(one, h, zero, method="weighted", weights=(0.5, 0.25, 0.25), normalise=None)
    assert r.values.ravel().tolist() == pytest.approx([0.5, 0.625, 0.75])
    assert r.attrs["method"] == "weighted" and r.attrs["weights"].tolist() == [0.5, 0.25, 0.25]
    lst, pop, ndvi, ndbi = _layers()
    r = heat_risk(lst, pop, ndvi)
    assert float(r.min()) >= 0.0 and float(r.max()) <= 1.0


def test_risk_monotone_in_hazard():
    """Raising the hazard of one pixel never lowers its risk (all three methods)."""
    lst, pop, ndvi, _ = _layers()
    hot = lst.copy()
    hot[5, 5] = hot[5, 5] + 3.0
    for method in ("product", "geometric", "weighted"):
        a = heat_risk(lst, pop, ndvi, method=method).values[5, 5]
        b = heat_risk(hot, pop, ndvi, method=method).values[5, 5]
        assert b >= a


def test_weights_must_sum_to_one():
    lst, pop, ndvi, _ = _layers()
    with pytest.raises(InputValueError, match="sum to 1.2"):
        heat_risk(lst, pop, ndvi, method="weighted", weights=(0.5, 0.5, 0.2))
    with pytest.raises(InputValueError, match="only used by method='weighted'"):
        heat_risk(lst, pop, ndvi, method="product", weights=(0.2, 0.4, 0.4))
    with pytest.raises(InputValueError, match="method"):
        heat_risk(lst, pop, ndvi, method="max")


def test_grid_mismatch_and_all_nan():
    lst, pop, ndvi, _ = _layers()
    shifted = pop.assign_coords(x=pop.x + 15.0)
    with pytest.raises(GridMismatchError):
        heat_risk(lst, shifted, ndvi)
    with pytest.raises(GridMismatchError):
        heat_risk(lst, pop.isel(x=slice(0, 10)), ndvi)
    with pytest.raises(InputValueError, match="exposure is all NaN"):
        heat_risk(lst, pop * np.nan, ndvi)
    with pytest.raises(InputValueError, match="normalise=None"):
        heat_risk(lst, pop, ndvi, normalise=None)


def test_dask_equals_eager():
    lst, pop, ndvi, _ = _layers(50)
    eager = heat_risk(lst, pop, ndvi, method="geometric").values
    lazy = heat_risk(lst.chunk(17), pop.chunk(17), ndvi.chunk(17), method="geometric")
    assert lazy.chunks is not None
    np.testing.assert_allclose(lazy.values, eager, atol=1e-7, equal_nan=True)


def test_exposure_density_from_pixel_area():
    """30 m pixels: 0.0009 km2, so 9 people per pixel is 10,000 km-2 (hand calculation)."""
    e = exposure_from_population(_da([[9.0, 0.0], [0.9, 90.0]], "population"))
    assert e.values.ravel().tolist() == pytest.approx([10000.0, 0.0, 1000.0, 100000.0])
    assert e.attrs["units"] == "km-2"
    with pytest.raises(CRSError):
        exposure_from_population(_da([[9.0]], "population", crs="EPSG:4326"))
    with pytest.raises(InputValueError, match="negative"):
        exposure_from_population(_da([[-1.0, 2.0], [0.0, 0.0]], "population"))


def test_hazard_from_lst_units():
    h = hazard_from_lst(_da([[30.0, 40.0]], units="degC"))
    assert h.values.ravel().tolist() == pytest.approx([303.15, 313.15], abs=1e-4)
    assert h.attrs["units"] == "K" and h.attrs["standard_name"] == "surface_temperature"


def test_vulnerability_layers_directions_and_proxies():
    """Equal-weight mean of direction-aware min-max layers ([bao2015]): elderly 0..1 (+), green 0..1 (-)."""
    elderly = _da([[0.1, 0.2, 0.3]], "elderly")
    green = _da([[0.0, 0.5, 1.0]], "green")
    v = vulnerability({"elderly": elderly, "green": green})
    # elderly -> 0, 0.5, 1; green flipped -> 1, 0.5, 0; mean 0.5 everywhere
    np.testing.assert_allclose(v.values, [[0.5, 0.5, 0.5]], atol=1e-6)
    assert v.attrs["vulnerability_layers"] == "elderly(+) green(-)"
    _, _, ndvi, ndbi = _layers()
    p = vulnerability(ndvi=ndvi, ndbi=ndbi)
    assert p.attrs["vulnerability_layers"] == "ndvi(-) ndbi(+)" and p.attrs["vulnerability_proxies"] == 1
    # proxies ignored when layers are given
    q = vulnerability({"elderly": ndbi}, ndvi=ndvi)
    assert q.attrs["vulnerability_layers"] == "elderly(+)"
    with pytest.raises(InputValueError, match="no known direction"):
        vulnerability({"shoe_size": ndvi})
    assert vulnerability({"shoe_size": ndvi}, directions={"shoe_size": -1}).attrs["vulnerability_layers"] == "shoe_size(-)"
    with pytest.raises(InputValueError, match="at least one layer"):
        vulnerability()


@pytest.mark.parametrize("scheme", ["quantile", "natural", "equal", "stddev"])
def test_classify_schemes(scheme):
    rng = np.random.default_rng(7)
    r = _da(rng.random((100, 100)), "risk")
    c = classify(r, scheme)
    assert c.attrs["flag_meanings"].split() == list(RISK_LABELS)
    assert c.attrs["flag_values"].tolist() == [1, 2, 3, 4, 5]
    assert set(np.unique(c.values)) <= {1, 2, 3, 4, 5}
    b = c.attrs["class_breaks"]
    assert np.all(np.diff(b) > 0) and b.size == 4
    # class k holds breaks[k-2] < r <= breaks[k-1]
    vals = r.values
    assert np.all(vals[c.values == 1] <= b[0]) and np.all(vals[c.values == 5] > b[-1])



def test_classify_with_given_breaks():
    """Breaks passed in are applied as given: the same classes as fitting them (same bounds, same digitize);
    bounds of the wrong count or order are refused."""
    rng = np.random.default_rng(7)
    r = _da(rng.random((100, 100)), "risk")
    fitted = classify(r, "quantile")
    given = classify(r, "quantile", breaks=fitted.attrs["class_breaks"])
    np.testing.assert_array_equal(given.values, fitted.values)
    # hand example: 0.5 is in class 3 of bounds (0.1, 0.4, 0.5, 0.9): 0.4 < 0.5 <= 0.5, upper bounds inclusive
    assert int(classify(_da(np.full((2, 2), 0.5), "risk"), breaks=[0.1, 0.4, 0.5, 0.9]).values[0, 0]) == 3
    with pytest.raises(InputValueError, match="4 increasing class bounds"):
        classify(r, "quantile", breaks=[0.5, 0.2, 0.7, 0.9])
    with pytest.raises(InputValueError, match="4 increasing class bounds"):
        classify(r, "quantile", breaks=[0.5, 0.7])

def test_class_breaks_against_closed_forms_and_mapclassify():
    """Uniform 0..1: quantile breaks 0.2..0.8 (closed form, 1e-3 sampling error for 10^4 values at
    fixed seed far below); equal 0.2..0.8 of the range; stddev mu +- (0.5, 1) sigma; natural = mapclassify FisherJenks."""
    mapclassify = pytest.importorskip("mapclassify")
    v = (np.arange(10_000) + 0.5) / 10_000
    r = _da(v.reshape(100, 100), "risk")
    np.testing.assert_allclose(class_breaks(r, "quantile"), [0.2, 0.4, 0.6, 0.8], atol=1e-3)
    np.testing.assert_allclose(class_breaks(r, "equal"), [0.20004, 0.40002, 0.6, 0.79998], atol=1e-4)
    mu, sd = v.mean(), v.std()
    np.testing.assert_allclose(class_breaks(r, "stddev"), mu + sd * np.array([-1, -0.5, 0.5, 1]))
    three = np.r_[np.full(50, 0.1), np.full(50, 0.5), np.full(50, 0.9)] + np.linspace(0, 0.01, 150)
    rr = _da(three.reshape(1, 150), "risk")
    nb = class_breaks(rr, "natural", 3)
    np.testing.assert_allclose(nb, mapclassify.FisherJenks(three, k=3).bins[:-1])
    with pytest.raises(InputValueError, match="stddev"):
        class_breaks(r, "stddev", 4)
    with pytest.raises(InputValueError, match="scheme"):
        class_breaks(r, "jenks")


def test_traffic_light_mapping():
    c = classify(_da(np.linspace(0, 1, 10).reshape(1, 10), "risk"), "equal")
    g = traffic_light(c)
    lut = {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}  # very_low, low green; moderate amber; high, very_high red
    assert [lut[k] for k in c.values.ravel()] == g.values.ravel().tolist()
    assert g.attrs["flag_meanings"] == "green amber red"


def test_assess_risk_dataset():
    """Default: absolute hazard and exposure, uniform flagged vulnerability, absolute and relative classes."""
    lst, pop, ndvi, ndbi = _layers()
    ds = assess_risk(lst, pop, method="geometric")
    assert set(ds.data_vars) == {"hazard", "hazard_class", "exposure", "vulnerability", "risk", "risk_class",
                                 "risk_class_relative", "risk_grade"}
    assert ds.attrs["vulnerability_default"] == 1 and ds.attrs["vulnerability_layers"] == "uniform default"
    assert ds["risk_class"].attrs["flag_meanings"] == "very_low low moderate high very_high"
    assert ds["risk_class"].attrs["scheme"] == "absolute" and "RELATIVE" in ds["risk_class_relative"].attrs["long_name"]
    for k in ("hazard", "exposure", "vulnerability", "risk"):
        assert ds[k].attrs["units"] == "1" and float(ds[k].min()) >= 0 and float(ds[k].max()) <= 1
    assert ds.rio.crs.to_epsg() == 32634
    # the risk is the geometric mean of the returned components (independent recomputation)
    ref = np.cbrt(ds.hazard.values.astype(float) * ds.exposure.values * ds.vulnerability.values)
    np.testing.assert_allclose(ds.risk.values, ref, atol=1e-6)
    # with uniform vulnerability the ranking has no vulnerability part: its correlation is undefined
    assert np.isnan(ds.attrs["spearman_risk_vulnerability"]) and ds.attrs["spearman_risk_hazard"] > 0
    with pytest.raises(GridMismatchError):
        assess_risk(lst, pop.isel(y=slice(0, 20)))


def test_absolute_hazard_same_heat_same_class_anywhere():
    """Hazard classes are the UTCI heat-stress categories (Blazejczyk et al. 2013 Table 1: 26/32/38/46 degC),
    independent of the rest of the scene: 35 degC is 'strong heat stress' (class 3) in a cool scene and in a hot one;
    the hazard index is the linear ramp 26 -> 46 degC (35 degC: 9/20 = 0.45)."""
    from uhi.risk import hazard_classes, hazard_index

    cool = _da(np.array([[15.0, 20.0, 35.0]]), units="degC")
    hot = _da(np.array([[35.0, 45.0, 50.0]]), units="degC")
    assert hazard_classes(cool).values[0, 2] == hazard_classes(hot).values[0, 0] == 3
    assert hazard_index(cool).values[0, 2] == pytest.approx(0.45, abs=1e-6)
    assert hazard_index(hot).values[0, 0] == pytest.approx(0.45, abs=1e-6)
    assert hazard_classes(hot).attrs["flag_meanings"].split()[2] == "strong_heat_stress"
    assert "surface proxy" in hazard_classes(hot).attrs["scale"]
    with pytest.raises(InputValueError, match="increasing"):
        hazard_classes(hot, thresholds=(30.0, 25.0))
    with pytest.raises(InputValueError, match="kelvin"):
        hazard_classes(hot, thresholds=(299.15, 305.15))


def test_exposure_saturates_at_urban_cluster_density():
    """E = min(1, density / 300 km-2) (Dijkstra et al. 2021 urban-cluster density). 30 m pixels are 0.0009 km2:
    0.135 residents = 150 km-2 -> 0.5; 0.27 residents = 300 km-2 -> 1; 27 residents -> 1 (clipped)."""
    from uhi.risk import exposure_index

    e = exposure_index(_da(np.array([[0.0, 0.135], [0.27, 27.0]])))
    np.testing.assert_allclose(e.values, [[0.0, 0.5], [1.0, 1.0]], atol=1e-5)


def test_hazard_only_without_population():
    lst, _, _, _ = _layers()
    ds = assess_risk(lst)
    assert set(ds.data_vars) == {"hazard", "hazard_class"} and "no population" in ds.attrs["risk"]


def test_surface_proxies_never_double_counted():
    """NDVI/NDBI drive the LST hazard: as vulnerability with an LST hazard they are refused; with an air-temperature
    hazard they are an explicit, labelled option."""
    lst, pop, ndvi, ndbi = _layers()
    with pytest.raises(InputValueError, match="twice"):
        assess_risk(lst, pop, surface_proxies={"ndvi": ndvi, "ndbi": ndbi})
    ds = assess_risk(lst, pop, surface_proxies={"ndvi": ndvi, "ndbi": ndbi}, quantity="air_temperature")
    assert ds.attrs["vulnerability_layers"] == "ndvi(-) ndbi(+)" and "surface proxy" in ds.attrs["vulnerability_scale"]


def test_vulnerability_from_people_table(tmp_path):
    """Two districts (left / right half): shares aged >= 65 of 0.10 and 0.30, income 2000 and 1000. Min-max across
    districts with income flipped (Bao et al. 2015): left (0 + 0) / 2 = 0, right (1 + 1) / 2 = 1. Rasterised onto
    the halves; risk on the right equals hazard x exposure, on the left 0 (product)."""
    import geopandas as gpd
    from shapely.geometry import box

    from uhi.risk import vulnerability_from_table

    lst, pop, _, _ = _layers(n=10)
    x0, y0, x1, y1 = lst.rio.bounds()
    xm = (x0 + x1) / 2
    districts = gpd.GeoDataFrame({"name": ["west", "east"]}, geometry=[box(x0, y0, xm, y1), box(xm, y0, x1, y1)],
                                 crs="EPSG:32634")
    path = tmp_path / "people.csv"
    path.write_text("name,elderly,income\nwest,0.10,2000\neast,0.30,1000\n")
    v, table, notes = vulnerability_from_table(path, districts, lst, id_column="name")
    assert table.set_index("name")["vulnerability"].to_dict() == {"west": 0.0, "east": 1.0}
    assert (v.values[:, :5] == 0).all() and (v.values[:, 5:] == 1).all()
    assert v.attrs["vulnerability_layers"] == "elderly(+) income(-)" and notes == []
    ds = assess_risk(lst, pop, vulnerability=v)
    np.testing.assert_allclose(ds.risk.values[:, 5:], ds.hazard.values[:, 5:] * ds.exposure.values[:, 5:], atol=1e-6)
    assert ds.attrs["vulnerability_default"] == 0
    bad = tmp_path / "surface.csv"
    bad.write_text("name,ndvi\nwest,0.2\neast,0.5\n")
    with pytest.raises(InputValueError, match="twice"):
        vulnerability_from_table(bad, districts, lst, id_column="name")
    partial = tmp_path / "partial.csv"
    partial.write_text("name,elderly,children\nwest,0.1,0.05\nsouth,0.2,0.05\n")
    v2, _, notes2 = vulnerability_from_table(partial, districts, lst, id_column="name")
    assert any("'children' is constant" in n for n in notes2) and any("east" in n for n in notes2)
    assert np.isnan(v2.values[:, 5:]).all() and (v2.values[:, :5] == 0).all()


def test_component_correlations_name_the_driver():
    """Risk = H x E x V with V uniform and E constant: the ranking is the hazard's (Spearman 1); with hazard
    constant and exposure varying below saturation it is the exposure's."""
    from uhi.risk import component_correlations

    rng = np.random.default_rng(3)
    lst = _da(300 + 10 * rng.random((20, 20)), units="K")
    ds = assess_risk(lst, _da(np.full((20, 20), 50.0)))
    rho = component_correlations(ds, _da(np.full((20, 20), 50.0)))
    assert rho["hazard"] == pytest.approx(1.0) and rho["exposure"] is None and rho["vulnerability"] is None
    pop = _da(rng.uniform(0.01, 0.2, (20, 20)))  # 11-222 km-2 on 30 m pixels: below the 300 km-2 saturation
    ds = assess_risk(_da(np.full((20, 20), 310.0), units="K"), pop)
    assert component_correlations(ds, pop)["exposure"] == pytest.approx(1.0)


def test_high_risk_classes_pinned():
    """The headline 'residents at high risk' counts absolute risk classes 4 and 5 (high, very high)."""
    from uhi.risk import HIGH_RISK_CLASSES

    assert HIGH_RISK_CLASSES == (4, 5)
    np.testing.assert_allclose(class_breaks(_da(np.zeros((2, 2))), "absolute"), [0.2, 0.4, 0.6, 0.8], rtol=0, atol=1e-12)


def test_combine_kernel_body_without_jit():
    """The row kernel's Python body (``rows.py_func``, what NUMBA_DISABLE_JIT runs) equals the compiled kernel."""
    from uhi.risk._kernels import METHODS, combine_kernel

    rng = np.random.default_rng(4)
    h, e, v = (rng.random(50).astype(np.float32) for _ in range(3))
    for method, code in METHODS.items():
        out = np.empty(50, np.float32)
        combine_kernel.rows.py_func(h, e, v, code, np.float32(0.2), np.float32(0.3), np.float32(0.5), out, 0, 50)
        np.testing.assert_allclose(out, combine(h, e, v, method, (0.2, 0.3, 0.5)), rtol=1e-6)


def test_assess_risk_relative_breaks_fitted_on_populated_pixels():
    """80 % of the frame is unpopulated (risk 0 with the product method). Relative quintile breaks fitted on the
    populated pixels put exactly a fifth of them in each class (closed form: 1000 distinct risks, quintiles);
    fitted on the whole frame (populated_breaks=False), every populated pixel would land in the top class."""
    rng = np.random.default_rng(0)
    lst = rng.uniform(300, 320, (50, 100)).astype("float32")  # 27-47 degC: distinct hazards
    pop = np.zeros((50, 100), "float32")
    pop[:10, :] = rng.uniform(0.01, 0.25, (10, 100))  # 1000 populated pixels, all below exposure saturation
    res = assess_risk(_da(lst, units="K"), _da(pop))
    cls = res["risk_class_relative"].values
    counts = np.bincount(cls[:10].ravel(), minlength=6)[1:]
    assert counts.tolist() == [200, 200, 200, 200, 200]
    assert (cls[10:] == 1).all()
    frame = assess_risk(_da(lst, units="K"), _da(pop), populated_breaks=False)["risk_class_relative"].values
    assert (frame[:10] == 5).mean() > 0.95
