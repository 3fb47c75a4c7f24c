"""Calibrate the InVEST Urban Cooling Model against air-temperature stations or an LST raster.

The peer tool is invest-ucm-calibration (Bosch et al. 2021, Geosci. Model Dev. 14:3521,
doi:10.5194/gmd-14-3521-2021), which fits ``t_ref``, ``uhi_max``, the cooling-capacity weights, the
air-mixing radius and the green-area cooling distance by simulated annealing. Here:

* ``t_ref`` and ``uhi_max`` enter the model linearly. With ``U = mix_r(1 - HM)`` the mixed heat-mitigation
  deficit, ``T_air = t_ref + uhi_max · U`` (InVEST UCM: ``T_nomix = T_ref + (1 - HM)·UHI_max`` followed by a
  normalised moving average, which commutes with the affine map). For every candidate of the other
  parameters they are therefore solved exactly: bounded least squares (closed form) for RMSE and R², least
  absolute deviations as a linear programme for MAE (:func:`scipy.optimize.linprog`).
* The weights, the cooling distance and the mixing radius are searched by bounded differential evolution
  (:func:`scipy.optimize.differential_evolution`, Storn & Price 1997, J. Global Optim. 11:341,
  doi:10.1023/A:1008202821328), seeded, on the grid the model resolves: distances in whole pixels (the model
  rounds them so), weights in steps of 0.05. Each distinct candidate runs :func:`uhi.cooling.urban_cooling`
  once and is cached, so cross-validation folds and permutation baselines reuse the runs.
* The scenario configuration ``model="literature"`` (:func:`uhi.cooling.literature_cooling`) is affine in
  ``t_ref`` and ``uhi_max`` too (``T_air = t_ref + A + uhi_max · B``, its evaporative sensitivity being linear
  in ``uhi_max``), so the same scheme fits it; its searched parameters are the mixing decay length
  (``mixing_radius``) and the albedo sensitivity (``albedo_sensitivity``, within the configuration's
  literature range, in steps of 0.25 K per unit albedo).
* ``reference="derive"`` takes ``t_ref`` = the minimum of the rural stations (all stations without a
  ``class`` column) and ``uhi_max`` = maximum − that minimum, as invest-ucm-calibration does when no
  reference is given (Bosch et al. 2021; its `t_refs`/`uhi_maxs` defaults).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from uhi.calibrate.skill import OBJECTIVES, loss, skill
from uhi.constants import AIR_TEMPERATURE_RECORD_DEGC, UCM_DEFAULTS, UHI_MAX_LIMIT_K
from uhi.errors import InputValueError

__all__ = ["CALIBRATABLE", "CalibrationResult", "calibrate_ucm", "derive_reference", "ucm_defaults"]

#: Parameters :func:`calibrate_ucm` can fit, per cooling model ("invest": :func:`uhi.cooling.urban_cooling`;
#: "literature": the scenario configuration :func:`uhi.cooling.literature_cooling`, whose ``mixing_radius`` is
#: its mixing decay length ``decay_length_m``).
CALIBRATABLE = ("t_ref", "uhi_max", "weights", "cooling_distance", "mixing_radius", "albedo_sensitivity")
_MODEL_PARAMETERS = {"invest": ("t_ref", "uhi_max", "weights", "cooling_distance", "mixing_radius"),
                     "literature": ("t_ref", "uhi_max", "mixing_radius", "albedo_sensitivity")}
#: Step of the weight search (the model renormalises the three weights to sum 1).
WEIGHT_STEP = 0.05
#: Step of the albedo-sensitivity search [K per unit albedo].
ALBEDO_SENSITIVITY_STEP = 0.25
#: Default search bounds. Distances [m]: from one pixel to 2 km, a search range around the 450 m cooling
#: distance and 500-600 m mixing radius the InVEST user's guide recommends (Natural Capital Project, InVEST
#: Urban Cooling Model user guide); UHI_max [K] and t_ref [degC]: the physical ranges of uhi.constants (Oke
#: 1973; WMO extremes); albedo sensitivity: replaced by the cooling configuration's own literature range.
DEFAULT_BOUNDS = {"t_ref": AIR_TEMPERATURE_RECORD_DEGC, "uhi_max": (0.0, UHI_MAX_LIMIT_K), "cooling_distance": (0.0, 2000.0),
                  "mixing_radius": (0.0, 2000.0), "albedo_sensitivity": (0.0, 20.0)}


def ucm_defaults() -> dict:
    """The model's defaults (``cooling_distance``, ``mixing_radius``, ``weights``, ``cc_method``) [m, m, 1], from
    :data:`uhi.constants.UCM_DEFAULTS`."""
    return {k: UCM_DEFAULTS[k] for k in ("cooling_distance", "mixing_radius", "weights", "cc_method")}


# ----------------------------------------------------------------- observations ----

def _observations(params: xr.Dataset, observations, value: str, max_pixels: int, seed: int):
    """-> (rows, cols, y, ids, classes, xy) on the params grid, nodata stations dropped."""
    import geopandas as gpd

    from uhi.cooling.biophysical import PARAMETERS
    from uhi.observations import station_pixels

    like = params["shade"]
    model_ok = np.ones(like.shape, dtype=bool)
    for name in PARAMETERS:
        if name in params:
            model_ok &= np.isfinite(np.asarray(params[name].values))
    if isinstance(observations, xr.DataArray):
        from uhi._backend import check_same_grid

        check_same_grid(like, observations, names=("params", "observations"))
        y = np.asarray(observations.values, dtype=np.float64)
        from uhi.units import is_kelvin, kelvin_to_celsius

        if is_kelvin(observations.attrs.get("units", "")):
            y = kelvin_to_celsius(y)  # the model works in degC (InVEST convention)
        rr, cc = np.nonzero(np.isfinite(y) & model_ok)
        if rr.size == 0:
            raise InputValueError("the observed raster has no valid pixel where the model is defined")
        if rr.size > max_pixels:
            pick = np.sort(np.random.default_rng(seed).choice(rr.size, max_pixels, replace=False))
            rr, cc = rr[pick], cc[pick]
        xs, ys = np.asarray(like["x"].values)[cc], np.asarray(like["y"].values)[rr]
        ids = np.array([f"px{r}_{c}" for r, c in zip(rr, cc)])
        return rr, cc, y[rr, cc], ids, None, np.column_stack([xs, ys]), []
    if not isinstance(observations, gpd.GeoDataFrame):
        raise InputValueError(f"observations must be a GeoDataFrame of stations (uhi.observations.select_overpass) or an "
                              f"observed raster, got {type(observations).__name__}")
    if value not in observations.columns:
        raise InputValueError(f"observations have no column {value!r}; they have {list(observations.columns)}")
    rows, cols = station_pixels(like, observations)
    y = pd.to_numeric(observations[value], errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(y) & model_ok[rows, cols]
    if ok.sum() < 3:
        raise InputValueError(f"calibration needs at least 3 stations with a value on valid model pixels, got {int(ok.sum())}")
    pts = observations.to_crs(params.rio.crs)
    xy = np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])[ok]
    classes = observations["class"].astype(str).str.lower().to_numpy()[ok] if "class" in observations.columns else None
    names = np.asarray(observations.index.astype(str))
    return rows[ok], cols[ok], y[ok], names[ok], classes, xy, names[~ok].tolist()


def derive_reference(observed, classes=None) -> tuple[float, float]:
    """``(t_ref, uhi_max)`` from observations: rural minimum, and maximum − that minimum [degC, K].

    Rural stations are those whose class is ``"rural"``; without classes every station counts
    (T_ref = min, UHI_max = max − min: the invest-ucm-calibration default, Bosch et al. 2021, Geosci. Model
    Dev. 14:3521).
    """
    y = np.asarray(observed, dtype=np.float64)
    if classes is not None and np.any(np.asarray(classes) == "rural"):
        t_ref = float(np.nanmin(y[np.asarray(classes) == "rural"]))
    else:
        t_ref = float(np.nanmin(y))
    return t_ref, max(float(np.nanmax(y)) - t_ref, 0.0)


# ----------------------------------------------------------------- the problem ----

class _Model:
    """The model at the observation pixels as ``T = t_ref + A + uhi_max · B``, cached per nonlinear parameters."""

    def __init__(self, params, ref_et, kind, cc_method, rows, cols, table=None, config=None):
        self.params, self.ref_et, self.kind, self.cc_method = params, ref_et, kind, cc_method
        self.rows, self.cols, self.table, self.config = rows, cols, table, config
        self.cache: dict = {}

    def _at(self, ds) -> np.ndarray:
        return np.asarray(ds["t_air"].values, dtype=np.float64)[self.rows, self.cols]

    def config_for(self, p: dict):
        import dataclasses

        return dataclasses.replace(self.config, decay_length_m=float(p["mixing_radius"]),
                                   albedo_sensitivity_k=float(p["albedo_sensitivity"]))

    def uhi_max_floor(self, p: dict) -> float:
        """Smallest UHI_max the configuration accepts (literature: the albedo/shade part of the contrast) [K]."""
        if self.kind != "literature":
            return 0.0
        from uhi.cooling.literature import reference_parameters

        cfg = self.config_for(p)
        urban, rural = reference_parameters(self.table, cfg)
        return max(0.0, cfg.albedo_sensitivity_k * (rural["albedo"] - urban["albedo"])
                   + cfg.shade_sensitivity_k * (rural["shade"] - urban["shade"]))

    def basis(self, p: dict) -> tuple[np.ndarray, np.ndarray]:
        if self.kind == "invest":
            key = (p["weights"] if self.cc_method == "factors" else None, float(p["cooling_distance"]), float(p["mixing_radius"]))
        else:
            key = (float(p["mixing_radius"]), float(p["albedo_sensitivity"]))
        if key not in self.cache:
            if self.kind == "invest":
                from uhi.cooling import urban_cooling

                kw = {"weights": p["weights"]} if self.cc_method == "factors" else {}
                b = self._at(urban_cooling(self.params, ref_et=self.ref_et, t_ref=0.0, uhi_max=1.0, cooling_distance=p["cooling_distance"],
                                           mixing_radius=p["mixing_radius"], cc_method=self.cc_method, **kw))
                a = np.zeros_like(b)
            else:
                from uhi.cooling import literature_cooling

                cfg, u0 = self.config_for(p), self.uhi_max_floor(p)
                t1 = self._at(literature_cooling(self.params, ref_et=self.ref_et, t_ref=0.0, uhi_max=u0 + 1.0, table=self.table, config=cfg))
                t2 = self._at(literature_cooling(self.params, ref_et=self.ref_et, t_ref=0.0, uhi_max=u0 + 2.0, table=self.table, config=cfg))
                b = t2 - t1
                a = t1 - (u0 + 1.0) * b
            self.cache[key] = (a, b)
        return self.cache[key]


def _solve_linear(u, y, objective, free, fixed, bounds):
    """Best ``t_ref``/``uhi_max`` for ``y ≈ t_ref + uhi_max·u`` (the free ones), -> (t_ref, uhi_max)."""
    from scipy.optimize import linprog

    t_ref, uhi_max = fixed["t_ref"], fixed["uhi_max"]
    cols, lo, hi, target = [], [], [], y.copy()
    if "t_ref" in free:
        cols.append(np.ones_like(u))
        lo.append(bounds["t_ref"][0])
        hi.append(bounds["t_ref"][1])
    else:
        target -= t_ref
    if "uhi_max" in free:
        cols.append(u)
        lo.append(bounds["uhi_max"][0])
        hi.append(bounds["uhi_max"][1])
    else:
        target -= uhi_max * u
    if not cols:
        return t_ref, uhi_max
    a = np.column_stack(cols)
    if objective == "mae":
        n, k = a.shape
        res = linprog(np.r_[np.zeros(k), np.ones(2 * n)], A_eq=np.hstack([a, np.eye(n), -np.eye(n)]), b_eq=target,
                      bounds=list(zip(lo, hi)) + [(0, None)] * (2 * n), method="highs")
        beta = res.x[:k] if res.status == 0 else (_ls_affine(u, target, lo, hi) if k == 2 else [float(np.clip(np.median(target), lo[0], hi[0]))])
    elif a.shape[1] == 2:
        beta = _ls_affine(u, target, lo, hi)
    else:  # one coefficient: the clipped least-squares value is the bounded optimum (convex in 1-D)
        col = a[:, 0]
        denom = float(col @ col)
        beta = [float(np.clip((col @ target) / denom if denom > 0 else 0.0, lo[0], hi[0]))]
    beta = list(beta)
    if "t_ref" in free:
        t_ref = float(beta.pop(0))
    if "uhi_max" in free:
        uhi_max = float(beta.pop(0))
    return t_ref, uhi_max


def _ls_affine(u, y, lo, hi):
    """Bounded least squares of ``y ≈ a + b·u`` (closed form; a bound active -> the 1-D optimum on that edge)."""
    um, ym = u.mean(), y.mean()
    su = float(((u - um) ** 2).sum())
    b = float(((u - um) * (y - ym)).sum() / su) if su > 0 else 0.0
    a = ym - b * um
    if lo[0] <= a <= hi[0] and lo[1] <= b <= hi[1]:
        return [a, b]
    best, best_sse = None, np.inf
    for fix_b in (lo[1], hi[1]):  # b on an edge: a = clip(mean(y - b u))
        a_e = float(np.clip(np.mean(y - fix_b * u), lo[0], hi[0]))
        cand = [(a_e, fix_b)]
        for fix_a in (lo[0], hi[0]):  # a on an edge: b = clip(lsq)
            uu = float(u @ u)
            b_e = float(np.clip(u @ (y - fix_a) / uu if uu > 0 else 0.0, lo[1], hi[1]))
            cand.append((fix_a, b_e))
        for ca, cb in cand:
            sse = float(((y - ca - cb * u) ** 2).sum())
            if sse < best_sse:
                best, best_sse = [ca, cb], sse
    return best


@dataclass
class _Problem:
    model: _Model
    cell: float
    fit: tuple
    start: dict
    bounds: dict
    objective: str
    reference: str
    seed: int
    maxiter: int
    popsize: int
    classes: np.ndarray | None

    def _decode(self, z) -> dict:
        p = {k: self.start[k] for k in ("weights", "cooling_distance", "mixing_radius", "albedo_sensitivity") if k in self.start}
        i = 0
        if "weights" in self.fit:
            p["weights"] = tuple(round(float(k) * WEIGHT_STEP, 6) for k in z[:3])
            i = 3
        for name in ("cooling_distance", "mixing_radius"):
            if name in self.fit:
                p[name] = float(round(z[i])) * self.cell
                i += 1
        if "albedo_sensitivity" in self.fit:
            p["albedo_sensitivity"] = round(float(z[i]) * ALBEDO_SENSITIVITY_STEP, 6)
        return p

    def _int_bounds(self):
        b = []
        if "weights" in self.fit:
            b += [(0, round(1 / WEIGHT_STEP))] * 3
        for name in ("cooling_distance", "mixing_radius"):
            if name in self.fit:
                lo, hi = self.bounds[name]
                b.append((max(1, math.ceil(lo / self.cell)), max(1, math.floor(hi / self.cell))))
        if "albedo_sensitivity" in self.fit:
            lo, hi = self.bounds["albedo_sensitivity"]
            b.append((math.ceil(lo / ALBEDO_SENSITIVITY_STEP - 1e-9), math.floor(hi / ALBEDO_SENSITIVITY_STEP + 1e-9)))
        return b

    def predict(self, p: dict, idx=None) -> np.ndarray:
        a, b = self.model.basis(p)
        if idx is not None:
            a, b = a[idx], b[idx]
        return p["t_ref"] + a + p["uhi_max"] * b

    def _linear(self, p, y, idx, free, fixed):
        a, b = self.model.basis(p)
        a, b = a[idx], b[idx]
        bounds = dict(self.bounds)
        floor = self.model.uhi_max_floor(p)
        bounds["uhi_max"] = (max(bounds["uhi_max"][0], floor), max(bounds["uhi_max"][1], floor))
        fx = dict(fixed)
        fx["uhi_max"] = max(fx["uhi_max"], floor)
        t_ref, uhi_max = _solve_linear(b, y - a, self.objective, free, fx, bounds)
        return t_ref, uhi_max, t_ref + a + uhi_max * b

    def solve(self, y: np.ndarray, idx: np.ndarray, *, history: list | None = None) -> tuple[dict, float]:
        """Fit on the observations ``y`` at station indices ``idx`` -> (parameters, objective value)."""
        fixed = {"t_ref": self.start["t_ref"], "uhi_max": self.start["uhi_max"]}
        free = [k for k in ("t_ref", "uhi_max") if k in self.fit]
        if self.reference == "derive":
            cls = None if self.classes is None else self.classes[idx]
            fixed["t_ref"], fixed["uhi_max"] = derive_reference(y, cls)
            free = []

        def evaluate(z):
            p = self._decode(z)
            if "weights" in self.fit and sum(p["weights"]) <= 0:
                return np.inf
            p["t_ref"], p["uhi_max"], pred = self._linear(p, y, idx, free, fixed)
            value = loss(y, pred, self.objective)
            if history is not None:
                history.append({**{k: (list(v) if isinstance(v, tuple) else v) for k, v in p.items()}, "objective": value})
            return value if np.isfinite(value) else np.inf

        bounds = self._int_bounds()
        if not bounds:
            z = []
        else:
            from scipy.optimize import differential_evolution

            if any(lo > hi for lo, hi in bounds):
                raise InputValueError(f"search bounds {self.bounds} hold no whole pixel of {self.cell:g} m (or no search step)")
            res = differential_evolution(evaluate, bounds, integrality=[True] * len(bounds), seed=self.seed,
                                         maxiter=self.maxiter, popsize=self.popsize, tol=1e-4, polish=False,
                                         init="latinhypercube", updating="deferred")
            z = res.x
        value = evaluate(z)
        p = self._decode(z)
        p["t_ref"], p["uhi_max"], _ = self._linear(p, y, idx, free, fixed)
        return p, value


# ----------------------------------------------------------------- result ----

@dataclass
class CalibrationResult:
    """Outcome of :func:`calibrate_ucm`.

    Attributes
    ----------
    params : dict
        All model settings after calibration: ``model`` ("invest" or "literature"), ``t_ref`` [degC],
        ``uhi_max`` [K], ``mixing_radius`` [m], ``ref_et`` [mm]; for "invest" also ``cooling_distance`` [m],
        ``weights`` (shade, albedo, ETI) and ``cc_method``; for "literature" ``albedo_sensitivity``
        [K per unit albedo] (``mixing_radius`` is its ``decay_length_m``).
    fitted : tuple of str
        The parameters that were fitted (the others were held at their given values).
    objective, objective_value : str, float
        ``"rmse"`` [K], ``"mae"`` [K] or ``"r2"`` (stored as −R², the minimised value).
    history : pandas.DataFrame
        Every evaluation in order: parameters, objective, best-so-far.
    table : pandas.DataFrame
        Per station: ``station, x, y, observed, modelled, residual`` (model − observed) [degC].
    skill : dict
        In-sample R², RMSE, MAE, bias, n (see :func:`uhi.calibrate.skill`).
    dropped : list of str
        Stations left out: no value, or on a nodata pixel of the model.
    """

    params: dict
    fitted: tuple
    objective: str
    objective_value: float
    history: pd.DataFrame
    table: pd.DataFrame
    skill: dict
    crs: object = None
    dropped: list = field(default_factory=list)
    _problem: _Problem | None = field(default=None, repr=False)
    _y: np.ndarray | None = field(default=None, repr=False)

    def run(self, params: xr.Dataset | None = None, **overrides) -> xr.Dataset:
        """Run the calibrated model (on ``params``, default the calibration grid)."""
        p = {**self.params, **overrides}
        model = self._problem.model
        grid = model.params if params is None else params
        if p["model"] == "literature":
            from uhi.cooling import literature_cooling

            return literature_cooling(grid, ref_et=p["ref_et"], t_ref=p["t_ref"], uhi_max=p["uhi_max"], table=model.table,
                                      config=model.config_for(p))
        from uhi.cooling import urban_cooling

        kw = {"weights": p["weights"]} if p["cc_method"] == "factors" else {}
        return urban_cooling(grid, ref_et=p["ref_et"], t_ref=p["t_ref"], uhi_max=p["uhi_max"], cooling_distance=p["cooling_distance"],
                             mixing_radius=p["mixing_radius"], cc_method=p["cc_method"], **kw)

    def profile(self, name: str = "mixing_radius") -> pd.DataFrame:
        """Best objective reached for each evaluated value of one searched parameter (``t_ref``/``uhi_max`` re-solved
        at each), a profile of the objective: a flat profile means the data do not pin the parameter down."""
        if name not in self.history.columns or name in ("t_ref", "uhi_max", "objective", "best", "evaluation"):
            searched = [c for c in self.history.columns if c not in ("evaluation", "t_ref", "uhi_max", "objective", "best")]
            raise InputValueError(f"profile needs a searched parameter, one of {searched}; got {name!r}")
        h = self.history.copy()
        h[name] = h[name].map(lambda v: tuple(v) if isinstance(v, list) else v)
        best = h.loc[h.groupby(name)["objective"].idxmin()]
        return best[[name, "objective", "t_ref", "uhi_max"]].sort_values(name).reset_index(drop=True)

    def to_toml(self, path: str | os.PathLike | None = None, *, overwrite: bool = False,
                cooling_config: str | os.PathLike | None = None) -> str:
        """The ``[baseline]`` table of a scenario file with the calibrated values (returned; written to ``path`` if given).

        Keys are those of the scenario schema's ``[baseline]``: ``cooling_model``, ``t_ref``, ``uhi_max``,
        ``ref_et``, and for the InVEST model ``cooling_distance``, ``mixing_radius``, ``cc_method``. The
        literature configuration's calibrated decay length and albedo sensitivity live in a cooling-configuration
        file: give ``cooling_config`` (a path) to have it written there (:meth:`cooling_config_toml`) and named
        in ``[baseline]``. Calibrated InVEST cooling-capacity weights, which no key holds, are written as a
        comment. Files are written atomically and never overwritten unless ``overwrite=True``.
        """
        from uhi.io.write import atomic_path

        p, s = self.params, self.skill
        lines = [
            (f"# Calibrated with uhi.calibrate.calibrate_ucm ({p['model']} cooling model): fitted "
             f"{', '.join(self.fitted) or 'nothing'} on {s['n']} observations"),
            *([f"# stations left out (no value or on model nodata): {', '.join(self.dropped)}"] if self.dropped else []),
            f"# objective {self.objective}; in-sample R2 {s['r2']:.3f}, RMSE {s['rmse']:.3f} K, MAE {s['mae']:.3f} K, bias {s['bias']:+.3f} K",
            "[baseline]",
            f'cooling_model = "{p["model"]}"',
            f"t_ref = {p['t_ref']:.3f}              # rural reference air temperature [degC]",
            f"uhi_max = {p['uhi_max']:.3f}            # UHI magnitude [K]",
        ]
        if not isinstance(p["ref_et"], str):
            lines.append(f"ref_et = {float(p['ref_et']):.3f}             # reference evapotranspiration [mm]")
        if p["model"] == "invest":
            lines += [f"cooling_distance = {p['cooling_distance']:.1f}   # green-area cooling distance [m]",
                      f"mixing_radius = {p['mixing_radius']:.1f}      # air-mixing radius [m]",
                      f'cc_method = "{p["cc_method"]}"']
            if p["cc_method"] == "factors" and "weights" in self.fitted:
                w = np.asarray(p["weights"], dtype=float)
                w = w / w.sum()
                lines.append(f"cc_weights = [{w[0]:.3f}, {w[1]:.3f}, {w[2]:.3f}]   # cooling-capacity weights (shade, albedo, ETI)")
        elif cooling_config is not None:
            cfg_path = Path(cooling_config)
            with atomic_path(cfg_path, overwrite=overwrite) as tmp:
                tmp.write_text(self.cooling_config_toml(), encoding="utf-8")
            lines.append(f'cooling_config = "{cfg_path.as_posix()}"   # decay length and albedo sensitivity calibrated')
        else:
            lines.append(f"# calibrated cooling configuration [model]: decay_length_m = {p['mixing_radius']:.1f}, "
                         f"albedo_sensitivity_k = {p['albedo_sensitivity']:.2f} (to_toml(cooling_config=...) writes the file)")
        text = "\n".join(lines) + "\n"
        if path is not None:
            with atomic_path(Path(path), overwrite=overwrite) as tmp:
                tmp.write_text(text, encoding="utf-8")
        return text

    def cooling_config_toml(self) -> str:
        """The literature cooling configuration with the calibrated decay length and albedo sensitivity (TOML text,
        readable by :func:`uhi.cooling.load_cooling_config`)."""
        if self.params["model"] != "literature":
            raise InputValueError("cooling_config_toml() is for results of model='literature'")
        cfg = self._problem.model.config_for(self.params)

        def pair(v):
            return f"[{float(v[0])!r}, {float(v[1])!r}]"

        return "\n".join([
            f"# Cooling configuration calibrated by uhi.calibrate.calibrate_ucm from {Path(cfg.source).name or 'the shipped configuration'}:",
            "# decay_length_m and albedo_sensitivity_k fitted to observations; the other values and their sources as in that file.",
            "schema_version = 1",
            'name = "literature (calibrated)"',
            "",
            "[model]",
            f"albedo_sensitivity_k = {cfg.albedo_sensitivity_k!r}",
            f"albedo_sensitivity_range_k = {pair(cfg.albedo_sensitivity_range_k)}",
            f"shade_sensitivity_k = {cfg.shade_sensitivity_k!r}",
            f"evaporative_range_factor = {pair(cfg.evaporative_range_factor)}",
            f"decay_length_m = {cfg.decay_length_m!r}",
            "",
            "[references]",
            f"urban_lucode = {cfg.urban_lucode}",
            f"rural_lucode = {cfg.rural_lucode}",
            "",
        ])


def calibrate_ucm(
    params: xr.Dataset,
    observations,
    *,
    model: str = "invest",
    ref_et=UCM_DEFAULTS["ref_et"],
    cc_method: str | None = None,
    table=None,
    config=None,
    fit=("t_ref", "uhi_max", "cooling_distance", "mixing_radius"),
    start: dict | None = None,
    bounds: dict | None = None,
    objective: str = "rmse",
    reference: str = "fit",
    value: str = "t_air",
    seed: int = 0,
    maxiter: int = 40,
    popsize: int = 8,
    max_pixels: int = 2000,
) -> CalibrationResult:
    """Fit Urban Cooling Model parameters to observed temperatures.

    Parameters
    ----------
    params : xarray.Dataset
        Per-pixel model parameters on a projected grid (:func:`uhi.cooling.parameters_from_landcover` for the
        scenario configuration -- a land cover and its biophysical table --, or
        :func:`uhi.cooling.parameters_from_scene`).
    model : {"invest", "literature"}
        The InVEST Urban Cooling Model (:func:`uhi.cooling.urban_cooling`) or the scenario cooling
        configuration (:func:`uhi.cooling.literature_cooling`, with its biophysical ``table`` and ``config``).
    observations : geopandas.GeoDataFrame or xarray.DataArray
        Station points with a ``value`` column [degC] (e.g. :func:`uhi.observations.select_overpass`; an
        optional ``class`` column marks ``rural`` stations), or an observed raster (LST [degC]) on the
        params grid, of which up to ``max_pixels`` valid pixels are drawn (seeded; a raster in kelvin, by its
        ``units``, is converted to degC). Stations on nodata pixels of the model are left out
        (:attr:`CalibrationResult.dropped`).
    ref_et : float or DataArray
        Reference evapotranspiration [mm] (only the ratio ETo/max(ETo) matters).
    cc_method : {"factors", "intensity"}, optional
        Day (shade, albedo, ETI) or night (1 − building intensity); default from ``start`` or the model default.
    fit : sequence of str
        Parameters to fit, from :data:`CALIBRATABLE` (those the chosen model has); the others stay at ``start``.
    table, config : optional
        ``model="literature"`` only: biophysical table with the reference classes (default the shipped
        land-cover table) and :class:`uhi.cooling.CoolingConfig` (default :func:`uhi.cooling.load_cooling_config`).
    start : dict, optional
        Values of the parameters not fitted (``t_ref``, ``uhi_max``, ``cooling_distance``, ``mixing_radius``,
        ``weights``, ``cc_method``), e.g. a scenario's ``[baseline]``; defaults: the model's own
        (:func:`ucm_defaults`), ``t_ref`` = min observed, ``uhi_max`` = max − min.
    bounds : dict, optional
        ``{name: (low, high)}`` overriding :data:`DEFAULT_BOUNDS` (distances in metres).
    objective : {"rmse", "mae", "r2"}
    reference : {"fit", "derive"}
        ``"derive"`` fixes ``t_ref``/``uhi_max`` from the observations (:func:`derive_reference`).
    seed, maxiter, popsize : int
        Differential-evolution settings; the same seed gives the same result.

    Returns
    -------
    CalibrationResult
    """
    from uhi._backend import pixel_size_m

    if objective not in OBJECTIVES:
        raise InputValueError(f"objective must be one of {list(OBJECTIVES)}, got {objective!r}")
    if reference not in ("fit", "derive"):
        raise InputValueError(f"reference must be 'fit' or 'derive', got {reference!r}")
    if model not in _MODEL_PARAMETERS:
        raise InputValueError(f"model must be one of {list(_MODEL_PARAMETERS)}, got {model!r}")
    fit = tuple(fit)
    unknown = [f for f in fit if f not in _MODEL_PARAMETERS[model]]
    if unknown:
        raise InputValueError(f"cannot fit {unknown} with the {model!r} model; its calibratable parameters are {list(_MODEL_PARAMETERS[model])}")
    start = dict(start or {})
    bad = sorted(set(start) - set(CALIBRATABLE) - {"cc_method", "ref_et", "lst_method", "water_vapour", "mask_clouds"})
    if bad:
        raise InputValueError(f"start has unknown key(s) {bad}; expected some of {list(CALIBRATABLE) + ['cc_method', 'ref_et']}")
    defaults = ucm_defaults()
    cc_method = cc_method or start.get("cc_method") or defaults["cc_method"]
    if cc_method not in ("factors", "intensity"):
        raise InputValueError(f"cc_method must be 'factors' or 'intensity', got {cc_method!r}")
    if cc_method == "intensity" and "weights" in fit:
        fit = tuple(f for f in fit if f != "weights")  # night-time CC = 1 - building intensity: no weights
    ref_et = start.get("ref_et", ref_et)
    b = dict(DEFAULT_BOUNDS)
    if model == "literature":
        from uhi._paths import data_path
        from uhi.cooling import load_cooling_config

        config = config or load_cooling_config()
        table = table if table is not None else data_path("landcover.csv")
        b["albedo_sensitivity"] = tuple(config.albedo_sensitivity_range_k)
    for k, v in (bounds or {}).items():
        if k not in b or len(v) != 2 or not v[0] <= v[1]:
            raise InputValueError(f"bounds[{k!r}] must be (low, high) with low <= high for one of {list(b)}, got {v!r}")
        b[k] = (float(v[0]), float(v[1]))
    cell = pixel_size_m(params, "calibrate_ucm")
    rows, cols, y, ids, classes, xy, dropped = _observations(params, observations, value, max_pixels, seed)
    y0_ref, y0_max = derive_reference(y, classes)
    s = {"t_ref": y0_ref, "uhi_max": y0_max, "cooling_distance": defaults["cooling_distance"],
         "mixing_radius": defaults["mixing_radius"], "weights": tuple(float(w) for w in defaults["weights"])}
    if model == "literature":
        s.update(mixing_radius=config.decay_length_m, albedo_sensitivity=config.albedo_sensitivity_k)
    s.update({k: v for k, v in start.items() if k in CALIBRATABLE})
    s["weights"] = tuple(float(w) for w in s["weights"])
    problem = _Problem(_Model(params, ref_et, model, cc_method, rows, cols, table, config), cell, fit, s, b, objective, reference,
                       int(seed), int(maxiter), int(popsize), classes)
    history: list = []
    p, value_best = problem.solve(y, np.arange(y.size), history=history)
    hist = pd.DataFrame(history)
    hist.insert(0, "evaluation", np.arange(len(hist)))
    hist["best"] = hist["objective"].cummin()
    p.update(model=model, ref_et=ref_et if not isinstance(ref_et, xr.DataArray) else "raster")
    if model == "invest":
        p["cc_method"] = cc_method
    else:
        for k in ("weights", "cooling_distance"):
            p.pop(k, None)
    modelled = problem.predict(p)
    table = pd.DataFrame({"station": ids, "x": xy[:, 0], "y": xy[:, 1], "observed": y, "modelled": modelled, "residual": modelled - y})
    fitted = fit if reference == "fit" else tuple(f for f in fit if f not in ("t_ref", "uhi_max"))
    return CalibrationResult(params=p, fitted=fitted, objective=objective, objective_value=float(value_best), history=hist,
                             table=table, skill=skill(y, modelled), crs=params.rio.crs, dropped=dropped, _problem=problem, _y=y)
