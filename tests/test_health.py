"""uhi.health: Masselot et al. 2023 curves rebuilt from a user table, deaths avoided, person-degree-hours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from uhi.cities import get_city
from uhi.errors import InputValueError
from uhi.health import (
    AgeCurve,
    CityCurves,
    HealthModel,
    load_health_folder,
    read_erf_table,
    read_temperature_series,
    spline_basis,
)


@pytest.fixture(scope="module")
def health_dir(shared_data):
    d = shared_data / "health"
    if not (d / "city_erf.csv").is_file():
        pytest.skip(f"{d} has no city_erf.csv")
    return d


@pytest.fixture(scope="module")
def curves(health_dir):
    return read_erf_table(health_dir / "city_erf.csv", health_dir / "city_erf_vcov.csv")


def _loglinear(slope=0.1, mmt=20.0, share=1.0, rate=365.25, vcov=None):
    return AgeCurve("all", np.zeros(5), vcov, (), (), mmt, share, rate, loglinear_slope=slope)


def _series(values, start="2000-07-01"):
    return pd.Series(np.asarray(values, float), index=pd.date_range(start, periods=len(values), freq="D"))


# ------------------------------------------------------------------ curves ----

def test_spline_basis_equals_scipy_bspline_inside_and_outside_the_boundary_knots():
    # peer library: scipy.interpolate.BSpline (extrapolate=True continues the end pieces, as R's bs does)
    from scipy.interpolate import BSpline

    knots, bounds = [-0.67, 17.31, 21.3], (-12.4, 28.54)
    t = np.linspace(-25.0, 40.0, 301)
    tt = np.r_[[bounds[0]] * 3, knots, [bounds[1]] * 3]
    ref = np.column_stack([BSpline(tt, np.eye(6)[j], 2, extrapolate=True)(t) for j in range(6)])[:, 1:]
    np.testing.assert_allclose(spline_basis(t, knots, bounds), ref, atol=1e-12)  # float64 round-off


def test_rebuilt_curves_match_the_published_heat_rr_at_the_99th_percentile(curves):
    # Published RR_heat (P99 vs MMT) of Masselot et al. 2023, 10 cities x 5 age groups, in the shared table;
    # the bound is 1e-3 (the boundary knots at P0.1/P99.9 reproduce them to ~1e-11).
    rows = [(c.code, g) for c in curves.values() for g in c.groups]
    assert len(rows) == 50
    diffs = [abs(float(g.rr([g.t_p99])[0]) - g.rr_heat) for _, g in rows]
    assert max(diffs) < 1e-3
    assert max(diffs) < 1e-9  # stronger: the basis is the authors' exactly


def test_published_heat_rr_ci_from_the_covariance(curves, health_dir):
    # 95 % CI of RR_heat = exp(fit ± 1.96 se), se² = x' V x (dlnm crosspred); published limits in the table.
    table = pd.read_csv(health_dir / "city_erf.csv").set_index(["URAU_CODE", "agegroup"])
    for c in curves.values():
        for g in c.groups:
            x = g.design([g.t_p99])[0]
            fit, se = x @ g.coef, np.sqrt(x @ g.vcov @ x)
            row = table.loc[(c.code, g.agegroup)]
            assert np.exp(fit - 1.959963984540054 * se) == pytest.approx(row.rr_heat_low, abs=1e-9)
            assert np.exp(fit + 1.959963984540054 * se) == pytest.approx(row.rr_heat_hi, abs=1e-9)


def test_rr_is_one_at_the_mmt_and_rises_above_it(curves):
    for c in curves.values():
        for g in c.groups:
            assert float(g.rr([g.mmt])[0]) == pytest.approx(1.0, abs=1e-12)  # centred on the MMT by construction
            t = np.linspace(g.mmt, g.bounds[1], 50)
            # the published MMT is the minimum on a percentile grid (1 % steps), so RR may dip a hair below 1
            # just above it (Vienna 75-85: 0.99993); it never dips by more than 1e-3 and ends well above 1
            assert g.rr(t).min() > 1 - 1e-3, (c.code, g.agegroup)
            assert g.rr([g.t_p99])[0] > 1.1


# ------------------------------------------------------------ hand cases ----

def test_deaths_avoided_equals_a_hand_calculation():
    # log-linear curve, slope 0.1/K above MMT 20 °C; one resident, 365.25 deaths/year -> 1 death/day baseline.
    # Days: 25 °C and 19 °C, one summer. Cooling 1.5 K: day 1 avoids 1 - e^{0.1*3.5}/e^{0.1*5} = 1 - e^{-0.15};
    # day 2 is below the MMT before and after: 0.
    m = HealthModel(CityCurves("X", "X", (_loglinear(),), "hand"), _series([25.0, 19.0]))
    assert m.deaths_avoided_per_resident(-1.5) == pytest.approx(1 - np.exp(-0.15), rel=1e-12)
    # warming 2 K: day 1 adds 1 - e^{0.7}/e^{0.5}; day 2 rises to 21 °C: 1 - e^{0.1} (RR(19) = 1)
    assert m.deaths_avoided_per_resident(2.0) == pytest.approx((1 - np.exp(0.2)) + (1 - np.exp(0.1)), rel=1e-12)
    # baseline heat deaths: day 1 AF = 1 - 1/e^{0.5}
    assert m.heat_deaths_per_resident() == pytest.approx(1 - np.exp(-0.5), rel=1e-12)


def test_assess_per_zone_equals_the_hand_sum():
    # Two zones; residents 100 / 50 / 20 at δ = -1, -0.4, 0. Per resident (hand): 1 - e^{0.1 δ} on the 25 °C day.
    # assess() interpolates linearly on a 49-node δ grid: error <= h²/8 max|f''| ≈ 1e-6 relative here.
    m = HealthModel(CityCurves("X", "X", (_loglinear(),), "hand"), _series([25.0, 19.0]))
    out = m.assess(np.array([-1.0, -0.4, 0.0]), np.array([100.0, 50.0, 20.0]), np.array([1, 1, 2]))
    hand = [100 * (1 - np.exp(-0.1)) + 50 * (1 - np.exp(-0.04)), 0.0]
    np.testing.assert_allclose(out.deaths_avoided_central, hand, rtol=1e-4)
    # person-degree-hours above MMT 20: 24 h x (5 K) per resident baseline; with δ: 24 (5 + δ)
    np.testing.assert_allclose(out.person_degree_hours_baseline, [150 * 120.0, 20 * 120.0])
    np.testing.assert_allclose(out.person_degree_hours_reduced, [100 * 24.0 + 50 * 9.6, 0.0])
    # no covariance: the range collapses to the central value
    np.testing.assert_allclose(out.deaths_avoided_low, out.deaths_avoided_central)
    np.testing.assert_allclose(out.deaths_avoided_high, out.deaths_avoided_central)


def test_person_degree_hours_per_summer_average_over_years():
    # two summers with one day each (26 and 22 °C), MMT 20: (6 + 2)/2 K x 24 h = 96 K h per summer
    s = pd.Series([26.0, 22.0], index=pd.to_datetime(["2001-07-01", "2002-07-01"]))
    m = HealthModel(CityCurves("X", "X", (_loglinear(),), "hand"), s)
    assert m.n_summers == 2
    assert float(m.degree_hours_per_resident(0.0)) == pytest.approx(96.0)
    assert float(m.degree_hours_per_resident(-3.0)) == pytest.approx(24 * 3 / 2)  # only the 26 °C day stays above


# ------------------------------------------------------------- properties ----

@pytest.fixture(scope="module")
def sofia(health_dir):
    c = get_city("Sofia")
    return load_health_folder(health_dir, c.name, lat=c.lat, lon=c.lon)


def test_zero_only_for_zero_cooling_and_monotonic_in_cooling(sofia):
    deltas = np.linspace(-3.0, 0.0, 61)
    values = np.array([sofia.deaths_avoided_per_resident(d) for d in deltas])
    assert values[-1] == 0.0  # δ = 0: exactly nothing avoided
    assert np.all(values[:-1] > 0)  # any cooling avoids some deaths (Sofia summers have days above the MMT)
    assert np.all(np.diff(values) < 0)  # more cooling (more negative δ) avoids strictly more
    pdh = sofia.degree_hours_per_resident(deltas)
    assert np.all(np.diff(pdh) > 0)


def test_range_brackets_the_central_value_and_widens_with_the_effect_size_range(sofia):
    d = np.full(10, -0.5)
    pop = np.full(10, 1000.0)
    plain = sofia.assess(d, pop)
    assert plain.deaths_avoided_low[0] < plain.deaths_avoided_central[0] < plain.deaths_avoided_high[0]
    wide = sofia.assess(d, pop, delta_t_low=d * 0.5, delta_t_high=d * 1.5)
    assert wide.deaths_avoided_low[0] < plain.deaths_avoided_low[0]
    assert wide.deaths_avoided_high[0] > plain.deaths_avoided_high[0]
    assert wide.deaths_avoided_central[0] == pytest.approx(plain.deaths_avoided_central[0])


def test_sofia_order_of_magnitude_against_iungman(sofia):
    # Iungman et al. 2023: 0.4 °C of tree cooling prevented 2644 deaths among ~57 M adults of 93 cities
    # (≈ 1.2e-4 deaths per resident per K per summer). Sofia's curve gives the same order (factor 3 either way).
    per_k = sofia.deaths_avoided_per_resident(-1.0)
    assert 4e-5 < per_k < 4e-4
    assert sofia.curves.note == ""  # Sofia has its own curve


def test_cities_without_a_curve_get_a_stated_proxy(health_dir):
    nis = get_city("Niš")
    m = load_health_folder(health_dir, nis.name, lat=nis.lat, lon=nis.lon)
    # data README: Vidin (BG007C) is the nearest covered city to Niš, 108 km
    assert m.curves.code == "BG007C"
    assert "Niš" in m.curves.note and "Vidin" in m.curves.note and "10" in m.curves.note
    pg = get_city("Podgorica")
    m = load_health_folder(health_dir, pg.name, lat=pg.lat, lon=pg.lon)
    assert m.curves.note and "Podgorica" in m.curves.note
    with pytest.raises(InputValueError, match="no exposure-response curve for 'Niš'"):
        load_health_folder(health_dir, "Niš")


# --------------------------------------------------------------- bad input ----

def test_bad_tables_name_the_problem(tmp_path, health_dir):
    df = pd.read_csv(health_dir / "city_erf.csv")
    df.drop(columns="b3").to_csv(tmp_path / "erf.csv", index=False)
    with pytest.raises(InputValueError, match=r"lacks column\(s\) \['b3'\]"):
        read_erf_table(tmp_path / "erf.csv")
    bad = df.astype({"mmt_C": object})
    bad.loc[3, "mmt_C"] = "warm"
    bad.to_csv(tmp_path / "erf2.csv", index=False)
    with pytest.raises(InputValueError, match="column 'mmt_C' row 3"):
        read_erf_table(tmp_path / "erf2.csv")
    v = pd.read_csv(health_dir / "city_erf_vcov.csv").iloc[1:]
    v.to_csv(tmp_path / "vcov.csv", index=False)
    with pytest.raises(InputValueError, match="no row for URAU_CODE 'AT001C', agegroup '20-45'"):
        read_erf_table(health_dir / "city_erf.csv", tmp_path / "vcov.csv")
    with pytest.raises(InputValueError, match="does not exist"):
        read_erf_table(tmp_path / "missing.csv")


def test_temperature_series_reader(tmp_path, health_dir):
    s = read_temperature_series(health_dir / "era5_daily_BG001C.csv.gz")
    assert len(s) == 10957 and s.index[0] == pd.Timestamp("1990-01-01")  # data README: 1990-2019, no gaps
    (tmp_path / "f.csv").write_text("date,t\n2000-07-01,300.1\n")
    with pytest.raises(InputValueError, match="degrees Celsius"):
        read_temperature_series(tmp_path / "f.csv")
    (tmp_path / "g.csv").write_text("date,t\n2000-01-01,3.0\n")
    with pytest.raises(InputValueError, match="no day in months"):
        HealthModel(CityCurves("X", "X", (_loglinear(),), "t"), read_temperature_series(tmp_path / "g.csv"))


def test_loglinear_fallback_leave_one_out_against_sofias_own_curve(curves, health_dir):
    # Leave Sofia out of the pool: the fallback built from the other 9 cities (median slope log(RR_heat)/(P99 - MMT),
    # median MMP applied to Sofia's own series) should give deaths avoided per K within a factor 1.5 of Sofia's own
    # Masselot et al. 2023 curve (a log-linear curve cannot follow the spline's shape exactly; measured 1.1-1.2).
    from uhi.health import loglinear_curves

    series = read_temperature_series(health_dir / "era5_daily_BG001C.csv.gz")
    pool = {k: v for k, v in curves.items() if k != "BG001C"}
    fb = HealthModel(loglinear_curves(pool, series, "Sofia"), series)
    own = HealthModel(curves["BG001C"], series)
    ratio = fb.deaths_avoided_per_resident(-1.0) / own.deaths_avoided_per_resident(-1.0)
    assert 1 / 1.5 < ratio < 1.5
    assert "log-linear fallback" in fb.curves.note and "Sofia" in fb.curves.note
    assert fb.deaths_avoided_per_resident(0.0) == 0.0
    # through the folder loader: a city without a curve, its own series, fallback="loglinear"
    m = load_health_folder(health_dir, "Niš", series=health_dir / "era5_daily_BG007C.csv.gz", fallback="loglinear")
    assert "log-linear fallback" in m.curves.note
