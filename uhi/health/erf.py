"""City temperature–mortality exposure–response functions (Masselot et al. 2023) read from user tables.

The curves are those of Masselot et al. 2023 [1]_: for each city and age group, the log relative
risk of all-cause mortality is a quadratic B-spline of the daily mean air temperature T (ERA5-Land
city series, lags 0–21 cumulated), centred on the minimum-mortality temperature (MMT):

.. math::

    \\log RR(T) = \\left(B(T) - B(\\mathrm{MMT})\\right) \\cdot b ,

with ``B`` the ``splines::bs(T, knots, degree = 2, Boundary.knots, intercept = FALSE)`` basis of R
(5 columns): internal knots at the 10th/75th/90th percentiles of the city's 1990–2019 series and
boundary knots at its 0.1th/99.9th percentiles (the range of the prediction grid of the authors'
code, which reproduces the published relative risks to 1e-11; the series' min/max do not).
Outside the boundary knots the end polynomial pieces are continued, as ``splines::bs`` does.

The package ships no curve: the authors' files are GPL-3. Users give a table (CSV), one row per
city and age group, with the columns of :data:`ERF_COLUMNS` (extra columns are ignored), and
optionally a covariance table with :data:`VCOV_COLUMNS`.

References
----------
.. [1] Masselot P. et al. (2023). Excess mortality attributed to heat and cold: a health impact
   assessment study in 854 cities in Europe. Lancet Planet. Health 7:e271–e281.
   doi:10.1016/S2542-5196(23)00023-2
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pandas as pd

from ..errors import InputValueError
from ..io.tables import load_table

__all__ = ["ERF_COLUMNS", "VCOV_COLUMNS", "AgeCurve", "CityCurves", "read_erf_table", "spline_basis"]

#: Columns of an exposure–response table (one row per city and age group); units in brackets.
ERF_COLUMNS = {
    "URAU_CODE": "city code (Eurostat Urban Audit 2020, e.g. BG001C); the key used to pick a city",
    "city": "city name",
    "agegroup": "age band label, e.g. '65-75' (lower bound inclusive)",
    "b1": "spline coefficient 1 [log RR]", "b2": "spline coefficient 2 [log RR]", "b3": "spline coefficient 3 [log RR]",
    "b4": "spline coefficient 4 [log RR]", "b5": "spline coefficient 5 [log RR]",
    "knot_p10_C": "internal knot, 10th percentile of the daily series [degC]",
    "knot_p75_C": "internal knot, 75th percentile [degC]",
    "knot_p90_C": "internal knot, 90th percentile [degC]",
    "bknot_lo_C": "lower boundary knot, 0.1th percentile [degC]",
    "bknot_hi_C": "upper boundary knot, 99.9th percentile [degC]",
    "mmt_C": "minimum-mortality temperature [degC]",
    "pop": "total city population [persons]",
    "agepop": "population of the age group [persons]",
    "deathrate": "baseline all-cause death rate of the age group [deaths per person per year]",
}
#: Optional columns used when present: published relative risk at the 99th percentile and that percentile.
OPTIONAL_COLUMNS = ("rr_heat", "t_p99_C", "mmp", "lat", "lon")
#: Columns of the covariance table: the lower triangle of the 5 x 5 coefficient covariance, ``vij`` = V[i, j].
VCOV_COLUMNS = ("URAU_CODE", "agegroup") + tuple(f"v{i}{j}" for i in range(1, 6) for j in range(1, i + 1))

_DEGREE = 2


def spline_basis(t, knots, bounds) -> np.ndarray:
    """Quadratic B-spline basis without intercept, as R's ``splines::bs(degree = 2)`` [n x 5].

    Parameters
    ----------
    t : array_like
        Temperatures [degC].
    knots : sequence of 3 floats
        Internal knots [degC].
    bounds : (float, float)
        Boundary knots [degC].

    Returns
    -------
    numpy.ndarray
        ``len(t) x (len(knots) + 2)`` design matrix (the first B-spline is dropped). Outside the
        boundary knots the end polynomial pieces are continued (``bs`` does the same by a Taylor
        expansion of full order, which reproduces the end piece).

    Notes
    -----
    Cox–de Boor recursion in the form of Piegl & Tiller (1997), *The NURBS Book*, algorithm A2.2,
    evaluated with the knot span clamped to the first/last interval.

    Examples
    --------
    >>> spline_basis([0.0, 5.0, 10.0], [2.0, 5.0, 8.0], (0.0, 10.0)).sum(axis=1).round(6).tolist()
    [0.0, 1.0, 1.0]
    """
    x = np.atleast_1d(np.asarray(t, dtype=np.float64))
    knots = np.sort(np.asarray(knots, dtype=np.float64))
    lo, hi = float(bounds[0]), float(bounds[1])
    if not (lo < knots[0] and knots[-1] < hi):
        raise InputValueError(f"spline knots {knots.tolist()} must lie strictly inside the boundary knots ({lo}, {hi})")
    p = _DEGREE
    u = np.r_[[lo] * (p + 1), knots, [hi] * (p + 1)]
    n = len(u) - p - 1
    span = np.clip(np.searchsorted(u, x, side="right") - 1, p, n - 1)
    basis = np.zeros((x.size, n))
    nloc = np.zeros((x.size, p + 1))
    nloc[:, 0] = 1.0
    left = np.zeros((x.size, p + 1))
    right = np.zeros((x.size, p + 1))
    for j in range(1, p + 1):
        left[:, j] = x - u[span + 1 - j]
        right[:, j] = u[span + j] - x
        saved = np.zeros(x.size)
        for r in range(j):
            temp = nloc[:, r] / (right[:, r + 1] + left[:, j - r])
            nloc[:, r] = saved + right[:, r + 1] * temp
            saved = left[:, j - r] * temp
        nloc[:, j] = saved
    rows = np.arange(x.size)
    for k in range(p + 1):
        basis[rows, span - p + k] = nloc[:, k]
    return basis[:, 1:]


@dataclasses.dataclass(frozen=True)
class AgeCurve:
    """One age group's curve: ``RR(T) = exp((B(T) - B(MMT))·coef)`` and its baseline deaths.

    Attributes
    ----------
    agegroup : str
    coef : ndarray (5,)
        Spline coefficients [log RR].
    vcov : ndarray (5, 5) or None
        Coefficient covariance.
    knots, bounds : tuple
        Internal and boundary knots [degC].
    mmt : float
        Minimum-mortality temperature [degC].
    age_share : float
        Share of the city's residents in this age group (``agepop / pop``).
    death_rate : float
        Baseline deaths per person of the age group per year.
    rr_heat, t_p99 : float or None
        Published RR at the 99th percentile and that percentile [degC], when the table has them.
    loglinear_slope : float or None
        For a log-linear fallback curve: ``log RR = slope·max(0, T - MMT)`` [1/K]; None for a spline.
    """

    agegroup: str
    coef: np.ndarray
    vcov: np.ndarray | None
    knots: tuple
    bounds: tuple
    mmt: float
    age_share: float
    death_rate: float
    rr_heat: float | None = None
    t_p99: float | None = None
    loglinear_slope: float | None = None
    mmp: float | None = None

    def design(self, t) -> np.ndarray:
        """``B(T) - B(MMT)`` [n x 5] (spline) or ``max(0, T - MMT)`` [n x 1] (log-linear)."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        if self.loglinear_slope is not None:
            return np.maximum(t - self.mmt, 0.0)[:, None]
        return spline_basis(t, self.knots, self.bounds) - spline_basis([self.mmt], self.knots, self.bounds)

    def log_rr(self, t, coef=None) -> np.ndarray:
        """Log relative risk against the MMT at temperatures ``t`` [degC] (``coef`` overrides the estimate)."""
        c = self.coefficients if coef is None else np.asarray(coef, dtype=np.float64)
        return self.design(t) @ c

    def rr(self, t) -> np.ndarray:
        """Relative risk against the MMT at temperatures ``t`` [degC]."""
        return np.exp(self.log_rr(t))

    @property
    def coefficients(self) -> np.ndarray:
        return np.array([self.loglinear_slope]) if self.loglinear_slope is not None else self.coef

    @property
    def daily_deaths_per_resident(self) -> float:
        """Baseline deaths of this age group per day per city resident (all ages): ``share·rate/365.25``."""
        return self.age_share * self.death_rate / 365.25


@dataclasses.dataclass(frozen=True)
class CityCurves:
    """The age-group curves of one city, and where they come from.

    ``source`` says whose curve it is (``"Masselot et al. 2023, Sofia (BG001C)"``); ``note`` is set when
    the curve is a stand-in (a proxy city or a log-linear fallback) and must be shown with every result.
    """

    code: str
    city: str
    groups: tuple[AgeCurve, ...]
    source: str
    note: str = ""

    @property
    def mmt(self) -> float:
        """City MMT [degC]: the age groups' MMTs weighted by their baseline deaths."""
        w = np.array([g.age_share * g.death_rate for g in self.groups])
        return float(np.sum(w * np.array([g.mmt for g in self.groups])) / w.sum())

    @property
    def share_65_plus(self) -> float | None:
        """Share of residents aged 65 or more (age groups whose lower bound is >= 65), None if unknown."""
        shares = [g.age_share for g in self.groups if _lower_age(g.agegroup) is not None and _lower_age(g.agegroup) >= 65]
        return float(sum(shares)) if shares else None

    def with_note(self, note: str) -> CityCurves:
        return dataclasses.replace(self, note=note)


def _lower_age(label: str) -> float | None:
    head = str(label).replace("+", "-").split("-")[0].strip()
    try:
        return float(head)
    except ValueError:
        return None


def _vcov_matrix(row: pd.Series) -> np.ndarray:
    m = np.empty((5, 5))
    for i in range(5):
        for j in range(i + 1):
            m[i, j] = m[j, i] = float(row[f"v{i + 1}{j + 1}"])
    return m


def read_erf_table(path: str | os.PathLike | pd.DataFrame, vcov: str | os.PathLike | pd.DataFrame | None = None) -> dict[str, CityCurves]:
    """Read a city exposure–response table (and optionally its covariance table).

    Parameters
    ----------
    path : path or DataFrame
        CSV with the columns of :data:`ERF_COLUMNS` (one row per city and age group), e.g. the
        city/age results of Masselot et al. 2023.
    vcov : path or DataFrame, optional
        CSV with :data:`VCOV_COLUMNS` (lower triangle of each row's 5 x 5 coefficient covariance).
        Without it, results carry no curve-uncertainty range.

    Returns
    -------
    dict of str to CityCurves
        Keyed by ``URAU_CODE``.

    Raises
    ------
    InputValueError
        Missing columns, non-numeric values, knots outside the boundary knots, a covariance row
        missing for a curve, or a covariance that is not positive semi-definite.
    """
    where = "exposure-response table" + ("" if isinstance(path, pd.DataFrame) else f" {str(path)!r}")
    df = load_table(path, what="exposure-response table")
    missing = [c for c in ERF_COLUMNS if c not in df.columns]
    if missing:
        raise InputValueError(f"{where} lacks column(s) {missing}; expected {list(ERF_COLUMNS)}")
    numeric = [c for c in ERF_COLUMNS if c not in ("URAU_CODE", "city", "agegroup")]
    for col in numeric + [c for c in OPTIONAL_COLUMNS if c in df.columns]:
        values = pd.to_numeric(df[col], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise InputValueError(f"{where}: column {col!r} row {row} is {df[col].iloc[row]!r}; expected a number")
        df[col] = values.astype(np.float64)
    for col in ("pop", "agepop", "deathrate"):
        if (df[col] < 0).any() or (col == "pop" and (df[col] <= 0).any()):
            row = int(np.flatnonzero((df[col] < 0).to_numpy() | ((df[col] <= 0).to_numpy() if col == "pop" else False))[0])
            raise InputValueError(f"{where}: column {col!r} row {row} is {df[col].iloc[row]!r}; expected a number >= 0 (pop > 0)")
    vc = None
    if vcov is not None:
        vwhere = "covariance table" + ("" if isinstance(vcov, pd.DataFrame) else f" {str(vcov)!r}")
        vc = load_table(vcov, what="covariance table")
        vmissing = [c for c in VCOV_COLUMNS if c not in vc.columns]
        if vmissing:
            raise InputValueError(f"{vwhere} lacks column(s) {vmissing}; expected {list(VCOV_COLUMNS)}")
        vc = vc.set_index(["URAU_CODE", "agegroup"])
    out: dict[str, CityCurves] = {}
    for code, rows in df.groupby("URAU_CODE", sort=False):
        groups = []
        for _, r in rows.iterrows():
            knots = (r.knot_p10_C, r.knot_p75_C, r.knot_p90_C)
            bounds = (r.bknot_lo_C, r.bknot_hi_C)
            if not (bounds[0] < min(knots) and max(knots) < bounds[1]):
                raise InputValueError(f"{where}: {code} {r.agegroup}: knots {knots} must lie inside the boundary knots {bounds}")
            V = None
            if vc is not None:
                key = (code, r.agegroup)
                if key not in vc.index:
                    raise InputValueError(f"covariance table has no row for URAU_CODE {code!r}, agegroup {r.agegroup!r}")
                V = _vcov_matrix(vc.loc[key])
                if np.linalg.eigvalsh(V).min() < -1e-10 * max(1.0, np.abs(V).max()):
                    raise InputValueError(f"covariance of {code} {r.agegroup} is not positive semi-definite")
            groups.append(AgeCurve(
                agegroup=str(r.agegroup), coef=r[["b1", "b2", "b3", "b4", "b5"]].to_numpy(np.float64), vcov=V,
                knots=tuple(float(k) for k in knots), bounds=tuple(float(b) for b in bounds), mmt=float(r.mmt_C),
                age_share=float(r.agepop / r["pop"]), death_rate=float(r.deathrate),
                rr_heat=float(r.rr_heat) if "rr_heat" in r else None, t_p99=float(r.t_p99_C) if "t_p99_C" in r else None,
                mmp=float(r.mmp) if "mmp" in r else None,
            ))
        name = str(rows["city"].iloc[0])
        out[str(code)] = CityCurves(code=str(code), city=name, groups=tuple(groups),
                                    source=f"Masselot et al. 2023 (Lancet Planet. Health 7:e271), {name} ({code})")
    if not out:
        raise InputValueError(f"{where} has no rows")
    return out
