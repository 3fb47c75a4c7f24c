"""Heat-attributable deaths avoided and person-degree-hours of a change in air temperature.

Method (after Iungman et al. 2023 [2]_, with the city curves of Masselot et al. 2023 [1]_):

* Summer = 1 June – 31 August of every year of the city's daily mean temperature series T_d
  (Iungman et al. 2023 used that summer window); results are **per summer** (mean over the years).
* Baseline deaths of age group g on a day: ``D_g = residents · share_g · rate_g / 365.25``.
* A scenario changes the daily mean air temperature of a resident by δ [K] (the scenario's ΔT_air at
  the resident's pixel, applied to every summer day, as Iungman et al. applied modelled summer
  cooling to daily temperatures). Heat-attributable deaths avoided on day d:

  .. math::

      A_{g,d}(\\delta) = D_g \\, \\frac{RR_g(T_d^{+}) - RR_g((T_d + \\delta)^{+})}{RR_g(T_d)}, \\qquad
      x^{+} = \\max(x, \\mathrm{MMT}_g),

  i.e. the heat-attributable deaths at the baseline temperature minus those at the changed one, with
  deaths scaled by ``RR(T + δ)/RR(T)`` (attributable fraction of the difference, Iungman et al. 2023).
  Cooling below the MMT neither adds nor removes heat deaths; warming adds them (negative A).
  It is zero for δ = 0 and grows with cooling wherever RR rises above the MMT.
* Person-degree-hours above the MMT per summer: ``24 · Σ_d Σ_i pop_i · max(0, T_d + δ_i - MMT)``
  (daily means held for 24 h), with the city MMT of :attr:`uhi.health.CityCurves.mmt`.
* Range: curve uncertainty by the delta method (first-order variance ``g' V g`` of the deaths avoided
  with respect to each age group's 5 spline coefficients, age groups independent), combined with the
  effect-size range of the temperature change: low = central(δ_low) − 1.96 SD, high = central(δ_high)
  + 1.96 SD, where δ_low / δ_high are the smaller / larger cooling the caller gives (default δ).

References
----------
.. [1] Masselot P. et al. (2023). Lancet Planet. Health 7:e271. doi:10.1016/S2542-5196(23)00023-2
.. [2] Iungman T. et al. (2023). Cooling cities through urban green infrastructure: a health impact
   assessment of European cities. Lancet 401:577–589. doi:10.1016/S0140-6736(22)02585-5
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputValueError
from ..io.tables import load_table
from ..zonal import zone_sums
from .erf import AgeCurve, CityCurves, read_erf_table

__all__ = ["HEALTH_DATA_ENV", "SUMMER_MONTHS", "Z95", "HealthModel", "HealthOutcome", "curves_for_city", "load_city_health",
           "load_health_folder",
           "loglinear_curves", "read_temperature_series"]

#: June–August, the summer of Iungman et al. 2023.
SUMMER_MONTHS = (6, 7, 8)
#: Two-sided 95 % normal quantile (as dlnm's default ci.level = 0.95).
Z95 = 1.959963984540054
_HOURS = 24.0
#: Beyond this great-circle distance [km] a proxy city is called distant in the note (the data README of the
#: shared curves calls 98-108 km proxies "distant"; Podgorica's nearest covered city is ~230-320 km away).
DISTANT_PROXY_KM = 100.0


def read_temperature_series(path: str | os.PathLike, column: str | None = None) -> pd.Series:
    """Daily mean air temperature series [degC] from a CSV (``date`` + one temperature column).

    The temperature column is ``column``, else ``tmean_C``, else the only other column. Gzip is read
    transparently. Returns a float Series indexed by date.
    """
    df = load_table(path, what="temperature series")
    if "date" not in df.columns:
        raise InputValueError(f"temperature series {str(path)!r} lacks a 'date' column (has {list(df.columns)})")
    others = [c for c in df.columns if c != "date"]
    col = column or ("tmean_C" if "tmean_C" in df.columns else (others[0] if len(others) == 1 else None))
    if col is None or col not in df.columns:
        raise InputValueError(f"temperature series {str(path)!r}: name the temperature column; it has {others}")
    dates = pd.to_datetime(df["date"], errors="coerce")
    values = pd.to_numeric(df[col], errors="coerce")
    bad = dates.isna() | values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputValueError(f"temperature series {str(path)!r} row {row}: date {df['date'].iloc[row]!r} / "
                              f"{col} {df[col].iloc[row]!r} is not a valid date and number")
    if (values < -90).any() or (values > 60).any():
        raise InputValueError(f"temperature series {str(path)!r}: values outside [-90, 60] degC; expected degrees Celsius")
    return pd.Series(values.to_numpy(np.float64), index=pd.DatetimeIndex(dates), name="tmean_C")


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(c)).casefold().strip()


def _km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance [km] on a sphere of radius 6371 km (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0 * np.arcsin(np.sqrt(a)))


def curves_for_city(curves: dict[str, CityCurves], city: str, *, lat: float | None = None, lon: float | None = None,
                    table_coords: dict[str, tuple[float, float]] | None = None) -> CityCurves:
    """The curves of ``city`` (by code or name, diacritics ignored), else the nearest city's as a stated proxy.

    Parameters
    ----------
    curves : dict
        From :func:`uhi.health.read_erf_table`.
    city : str
        A ``URAU_CODE`` or a city name.
    lat, lon : float, optional
        The city's coordinates [deg]; with ``table_coords`` (code -> (lat, lon) of the table's cities)
        they pick the nearest covered city when the city has no curve of its own.

    Returns
    -------
    CityCurves
        With ``note`` set for a proxy (the proxy's name, code and distance): show it with every result.
    """
    if city in curves:
        return curves[city]
    folded = {_fold(c.city): c for c in curves.values()}
    if _fold(city) in folded:
        return folded[_fold(city)]
    if lat is None or lon is None or not table_coords:
        raise InputValueError(f"no exposure-response curve for {city!r} in the table (it has {sorted(c.city for c in curves.values())}); "
                              "give the city's coordinates to use the nearest city as a stated proxy, or add its curve")
    dist = {code: _km(lat, lon, *table_coords[code]) for code in curves if code in table_coords}
    if not dist:
        raise InputValueError("the exposure-response table has no 'lat'/'lon' columns: cannot choose a proxy city")
    code = min(dist, key=dist.get)
    proxy = curves[code]
    far = (f" This is a distant proxy (more than {DISTANT_PROXY_KM:.0f} km): its climate and the heat sensitivity of its people may differ, treat the "
           "numbers as an order of magnitude." if dist[code] > DISTANT_PROXY_KM else "")
    note = (f"The exposure-response table has no curve for {city}; the nearest city with a curve, "
            f"{proxy.city} ({code}, {dist[code]:.0f} km), stands in with its curve and its temperature series: "
            f"results are indicative only.{far}")
    return proxy.with_note(note)


def loglinear_curves(curves: dict[str, CityCurves], series: pd.Series, city: str) -> CityCurves:
    """A documented log-linear fallback for a city with a temperature series but no curve of its own.

    For each age group of the table: ``log RR = β·max(0, T − MMT)`` with β the median over the table's cities
    of ``log(RR_heat) / (T_p99 − MMT)`` (the published heat RR at the 99th percentile against the MMT, Masselot
    et al. 2023), the MMT at the median minimum-mortality percentile of the table applied to ``series``, and
    the median age share and death rate of the table. No curve covariance: the range is the effect-size range
    only. The result's ``note`` says all this.
    """
    rows: dict[str, list] = {}
    for c in curves.values():
        for g in c.groups:
            if g.rr_heat is None or g.t_p99 is None or g.t_p99 <= g.mmt:
                continue
            rows.setdefault(g.agegroup, []).append(g)
    if not rows:
        raise InputValueError("the exposure-response table has no published heat RR ('rr_heat', 't_p99_C'): no log-linear fallback")
    values = np.asarray(series.dropna().to_numpy(), dtype=np.float64)
    groups = []
    for label, gs in rows.items():
        beta = float(np.median([np.log(g.rr_heat) / (g.t_p99 - g.mmt) for g in gs]))
        mmp = float(np.median([_percentile_of(g.mmt, g) for g in gs]))
        groups.append(AgeCurve(label, np.zeros(5), None, (), (), float(np.quantile(values, mmp / 100.0)),
                               float(np.median([g.age_share for g in gs])), float(np.median([g.death_rate for g in gs])),
                               loglinear_slope=beta))
    n = len({c.code for c in curves.values()})
    note = (f"No exposure-response curve for {city}: a log-linear fallback stands in (per age group, the median slope "
            f"log(RR_heat)/(T_p99 - MMT) of the {n} cities of the table above the MMT at their median minimum-mortality "
            f"percentile of {city}'s own series; median age shares and death rates): results are indicative only.")
    return CityCurves(code=city, city=city, groups=tuple(groups), source="log-linear fallback from Masselot et al. 2023 curves",
                      note=note)


def _percentile_of(mmt: float, g: AgeCurve) -> float:
    """Minimum-mortality percentile [0-100]: the table's ``mmp``, else interpolated between the knots' percentiles."""
    if g.mmp is not None:
        return float(g.mmp)
    xs = [g.bounds[0], *g.knots, g.bounds[1]]
    ps = [0.1, 10.0, 75.0, 90.0, 99.9]
    return float(np.interp(mmt, xs, ps))


@dataclasses.dataclass
class HealthOutcome:
    """Health outcomes of a temperature change, per summer.

    ``deaths_avoided_*`` [deaths per summer], ``person_degree_hours_*`` [person K h per summer] (baseline,
    scenario and reduction), per zone as arrays (index = zone label - 1) and for all zones (``total``).
    """

    deaths_avoided_low: np.ndarray
    deaths_avoided_central: np.ndarray
    deaths_avoided_high: np.ndarray
    heat_deaths_baseline: np.ndarray
    person_degree_hours_baseline: np.ndarray
    person_degree_hours_reduced: np.ndarray
    mmt: float
    source: str
    note: str
    n_summers: int
    years: tuple[int, int]

    def total(self) -> dict:
        """City totals (sums over zones) and provenance as a plain dict."""
        out = {k: float(np.sum(getattr(self, k))) for k in (
            "deaths_avoided_low", "deaths_avoided_central", "deaths_avoided_high", "heat_deaths_baseline",
            "person_degree_hours_baseline", "person_degree_hours_reduced")}
        out.update(mmt_degC=self.mmt, health_curve=self.source, health_note=self.note, summers=self.n_summers,
                   summer_years=f"{self.years[0]}-{self.years[1]}")
        return out


class HealthModel:
    """A city's curves and summer temperatures, ready to value temperature changes.

    Parameters
    ----------
    curves : CityCurves
        From :func:`read_erf_table` / :func:`curves_for_city`.
    series : pandas.Series
        Daily mean air temperature [degC] indexed by date (:func:`read_temperature_series`), the series the
        curves were fitted on (population-weighted where available).
    months : tuple of int
        Summer months (default June–August, Iungman et al. 2023).
    years : (int, int), optional
        First and last year to use (default: every year with data in those months).

    Examples
    --------
    A hand-checkable case: one age group with a log-linear curve (slope 0.1 per K above 20 °C),
    one resident with rate 365.25 deaths per year, one summer day at 25 °C, cooled by 1 K:
    ``(e^0.5 - e^0.4)/e^0.5 = 1 - e^-0.1``.

    >>> import numpy as np, pandas as pd
    >>> g = AgeCurve("all", np.zeros(5), None, (), (), 20.0, 1.0, 365.25, loglinear_slope=0.1)
    >>> m = HealthModel(CityCurves("X", "X", (g,), "test"), pd.Series([25.0], index=pd.to_datetime(["2000-07-01"])))
    >>> round(m.deaths_avoided_per_resident(-1.0), 6), round(float(1 - np.exp(-0.1)), 6)
    (0.095163, 0.095163)
    """

    def __init__(self, curves: CityCurves, series: pd.Series, *, months=SUMMER_MONTHS, years: tuple[int, int] | None = None):
        if not isinstance(series.index, pd.DatetimeIndex):
            raise InputValueError("the temperature series must be indexed by date (read_temperature_series)")
        sel = series.index.month.isin(list(months))
        if years is not None:
            sel &= (series.index.year >= years[0]) & (series.index.year <= years[1])
        s = series[sel].dropna()
        if s.empty:
            raise InputValueError(f"the temperature series has no day in months {tuple(months)}"
                                  + (f" of {years[0]}-{years[1]}" if years else ""))
        self.curves = curves
        self.temps = s.to_numpy(np.float64)
        yrs = s.index.year
        self.years = (int(yrs.min()), int(yrs.max()))
        self.n_summers = len(np.unique(yrs))
        self._sorted = np.sort(self.temps)
        self._cum = np.concatenate(([0.0], np.cumsum(self._sorted[::-1])))  # sums of the k hottest days
        self._base = [self._baseline_terms(g) for g in curves.groups]

    # ------------------------------------------------------------- per resident, per summer ----

    def _baseline_terms(self, g: AgeCurve):
        t = self.temps
        x_t = g.design(t)
        x_plus = g.design(np.maximum(t, g.mmt))
        return x_t, x_plus

    def _group_avoided(self, g: AgeCurve, base, delta: float, coef=None) -> tuple[float, np.ndarray]:
        """Avoided deaths per resident per summer of one age group, and its gradient w.r.t. the coefficients."""
        c = g.coefficients if coef is None else coef
        x_t, x_plus = base
        x_new = g.design(np.maximum(self.temps + delta, g.mmt))
        e1 = np.exp((x_plus - x_t) @ c)
        e2 = np.exp((x_new - x_t) @ c)
        k = g.daily_deaths_per_resident / self.n_summers
        value = k * float(np.sum(e1 - e2))
        grad = k * ((e1[:, None] * (x_plus - x_t)).sum(axis=0) - (e2[:, None] * (x_new - x_t)).sum(axis=0))
        return value, grad

    def deaths_avoided_per_resident(self, delta: float) -> float:
        """Heat-attributable deaths avoided per resident per summer for a change δ [K] (central estimate)."""
        return float(sum(self._group_avoided(g, b, float(delta))[0] for g, b in zip(self.curves.groups, self._base)))

    def heat_deaths_per_resident(self) -> float:
        """Baseline heat-attributable deaths per resident per summer (days above each group's MMT)."""
        total = 0.0
        for g, (x_t, x_plus) in zip(self.curves.groups, self._base):
            total += g.daily_deaths_per_resident * float(np.sum(1.0 - np.exp(-(x_plus @ g.coefficients)))) / self.n_summers
        return total

    def degree_hours_per_resident(self, delta) -> np.ndarray:
        """``24 · Σ_d max(0, T_d + δ − MMT)`` per summer [K h] for each δ (exact, vectorised)."""
        d = np.asarray(delta, dtype=np.float64)
        thr = self.curves.mmt - d  # days hotter than this count
        n_hot = len(self._sorted) - np.searchsorted(self._sorted, thr, side="right")
        sums = self._cum[n_hot]
        return _HOURS * (sums - n_hot * thr) / self.n_summers

    # ---------------------------------------------------------------------------- maps ----

    def _grid(self, *deltas) -> np.ndarray:
        lo = min(min(float(np.min(d)) for d in deltas if np.size(d)), 0.0) if any(np.size(d) for d in deltas) else 0.0
        hi = max(max(float(np.max(d)) for d in deltas if np.size(d)), 0.0) if any(np.size(d) for d in deltas) else 0.0
        if hi - lo < 1e-6:  # no change anywhere: any two nodes around 0 will do (all weight on the 0 node)
            lo = -1e-3
        return np.unique(np.concatenate((np.linspace(lo, hi, 49), [0.0])))

    def _zone_weights(self, delta, residents, zones, n, grid) -> np.ndarray:
        """W[z, k]: residents of zone z on grid node k (linear interpolation weights)."""
        k = np.clip(np.searchsorted(grid, delta, side="right") - 1, 0, len(grid) - 2)
        span = grid[k + 1] - grid[k]
        w1 = np.clip((delta - grid[k]) / span, 0.0, 1.0)
        W = np.zeros((n, len(grid)))
        np.add.at(W, (zones - 1, k), residents * (1 - w1))
        np.add.at(W, (zones - 1, k + 1), residents * w1)
        return W

    def assess(self, delta_t, residents, zones=None, *, delta_t_low=None, delta_t_high=None) -> HealthOutcome:
        """Health outcomes of a map of temperature changes.

        Parameters
        ----------
        delta_t : array_like
            Change in daily mean air temperature [K] per pixel (negative = cooling); NaN counts as 0.
        residents : array_like
            Residents per pixel (same shape); NaN counts as 0.
        zones : array_like of int, optional
            Zone label per pixel (1..n, 0 = outside every zone); default one zone.
        delta_t_low, delta_t_high : array_like, optional
            The smaller and the larger cooling of the effect-size range (default ``delta_t``).

        Returns
        -------
        HealthOutcome
            Arrays of length n (zones), per summer.
        """
        d = np.nan_to_num(np.asarray(delta_t, dtype=np.float64).ravel())
        dl = d if delta_t_low is None else np.nan_to_num(np.asarray(delta_t_low, dtype=np.float64).ravel())
        dh = d if delta_t_high is None else np.nan_to_num(np.asarray(delta_t_high, dtype=np.float64).ravel())
        pop = np.nan_to_num(np.asarray(residents, dtype=np.float64).ravel())
        if not (d.shape == pop.shape == dl.shape == dh.shape):
            raise InputValueError(f"delta_t, residents (and the range maps) must have the same shape, got {np.shape(delta_t)} and {np.shape(residents)}")
        if (pop < 0).any():
            raise InputValueError("residents must be >= 0")
        z = np.ones(d.shape, dtype=np.int64) if zones is None else np.asarray(zones, dtype=np.int64).ravel()
        if z.shape != d.shape:
            raise InputValueError(f"zones must have the shape of delta_t, got {np.shape(zones)}")
        inside = z > 0
        n = int(z.max()) if z.size and z.max() > 0 else 1
        d, dl, dh, pop, z = d[inside], dl[inside], dh[inside], pop[inside], z[inside]
        grid = self._grid(d, dl, dh)
        vals, grads = [], []
        for g, b in zip(self.curves.groups, self._base):
            per = [self._group_avoided(g, b, float(x)) for x in grid]
            vals.append(np.array([v for v, _ in per]))
            grads.append(np.array([gr for _, gr in per]))
        value = np.sum(vals, axis=0)  # (grid,)

        def central_and_sd(delta):
            W = self._zone_weights(delta, pop, z, n, grid)
            central = W @ value
            var = np.zeros(n)
            for g, gr in zip(self.curves.groups, grads):
                if g.vcov is None or g.loglinear_slope is not None:
                    continue
                gz = W @ gr  # (n, 5)
                var += np.einsum("zi,ij,zj->z", gz, g.vcov, gz)
            return central, np.sqrt(var)

        central, _ = central_and_sd(d)
        c_lo, sd_lo = central_and_sd(dl)
        c_hi, sd_hi = central_and_sd(dh)
        residents_z = zone_sums(z, pop, n)
        f0 = float(self.degree_hours_per_resident(0.0))
        pdh0 = residents_z * f0
        reduced = zone_sums(z, pop * (f0 - self.degree_hours_per_resident(d)), n)
        return HealthOutcome(
            deaths_avoided_low=c_lo - Z95 * sd_lo, deaths_avoided_central=central, deaths_avoided_high=c_hi + Z95 * sd_hi,
            heat_deaths_baseline=residents_z * self.heat_deaths_per_resident(),
            person_degree_hours_baseline=pdh0, person_degree_hours_reduced=reduced,
            mmt=self.curves.mmt, source=self.curves.source, note=self.curves.note, n_summers=self.n_summers, years=self.years,
        )


def load_health_folder(folder: str | os.PathLike, city: str, *, lat: float | None = None, lon: float | None = None,
                       years: tuple[int, int] | None = None, series: str | os.PathLike | None = None,
                       fallback: str = "proxy") -> HealthModel:
    """A :class:`HealthModel` from a folder laid out like Masselot et al.'s exported results.

    The folder holds ``city_erf.csv`` (columns :data:`uhi.health.ERF_COLUMNS`, plus ``lat``/``lon`` for
    proxies), optionally ``city_erf_vcov.csv`` (:data:`uhi.health.VCOV_COLUMNS`), and one daily series
    ``era5_daily_<URAU_CODE>.csv[.gz]`` (``date``, ``tmean_C``) per city. A city without its own curve
    gets the nearest city's curve and series (``fallback="proxy"``), or, with its own daily ``series`` and
    ``fallback="loglinear"``, the log-linear fallback of :func:`loglinear_curves`; either is stated in the note.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputValueError(f"health data folder {str(folder)!r} does not exist")
    erf = folder / "city_erf.csv"
    vcov = folder / "city_erf_vcov.csv"
    curves = read_erf_table(erf, vcov if vcov.is_file() else None)
    table = load_table(erf, what="exposure-response table")
    coords = ({str(c): (float(a), float(o)) for c, a, o in table[["URAU_CODE", "lat", "lon"]].drop_duplicates("URAU_CODE").itertuples(index=False)}
              if {"lat", "lon"} <= set(table.columns) else None)
    if fallback not in ("proxy", "loglinear"):
        raise InputValueError(f"fallback must be 'proxy' or 'loglinear', got {fallback!r}")
    own = series is not None and city not in curves and _fold(city) not in {_fold(c.city) for c in curves.values()}
    if own and fallback == "loglinear":
        s = read_temperature_series(series)
        return HealthModel(loglinear_curves(curves, s, city), s, years=years)
    cc = curves_for_city(curves, city, lat=lat, lon=lon, table_coords=coords)
    if series is not None and not own:
        return HealthModel(cc, read_temperature_series(series), years=years)
    for name in (f"era5_daily_{cc.code}.csv.gz", f"era5_daily_{cc.code}.csv"):
        if (folder / name).is_file():
            return HealthModel(cc, read_temperature_series(folder / name), years=years)
    raise InputValueError(f"health data folder {str(folder)!r} has no temperature series era5_daily_{cc.code}.csv[.gz] for {cc.city}")


#: Environment variable naming the default folder of exposure-response curves and daily temperatures.
HEALTH_DATA_ENV = "UHI_HEALTH_DATA"


def load_city_health(folder: str | os.PathLike | None, city: str, *, curve_city: str | None = None,
                     years: tuple[int, int] | None = None, series: str | os.PathLike | None = None,
                     fallback: str = "proxy", progress=None) -> HealthModel | None:
    """The :class:`HealthModel` of ``city`` from ``folder`` (default: ``$UHI_HEALTH_DATA``); None without data.

    A pilot city (:mod:`uhi.cities`) contributes its registry name and centre coordinates, so a city without
    its own curve gets the nearest one as a stated proxy; any other name needs an exact curve. ``curve_city``
    (a URAU code or name) picks the curve explicitly; the other arguments are those of :func:`load_health_folder`.
    """
    folder = folder or os.environ.get(HEALTH_DATA_ENV)
    if not folder:
        return None
    from .._progress import say
    from ..cities import get_city
    from ..errors import UhiError

    lat = lon = None
    try:
        c = get_city(city)
    except UhiError:  # not a pilot city: only an exact curve (or curve_city) will do
        c = None
    if c is not None:
        lat, lon, city = c.lat, c.lon, c.name
    say(progress, "exposure-response curves and summer temperatures")
    return load_health_folder(folder, curve_city or city, lat=lat, lon=lon, years=years, series=series, fallback=fallback)

