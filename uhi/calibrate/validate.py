"""Validation of a calibrated model: leave-one-station-out cross-validation against two naive baselines.

Skill is reported in sample and out of sample (leave-one-station-out, LOSO: each station predicted by the
model calibrated on all the others, the standard cross-validation of station-based calibration, e.g.
Hamel et al. 2024, Geosci. Model Dev. 17:4755, doi:10.5194/gmd-17-4755-2024 [hamel2024]) for

* ``model``: the calibrated Urban Cooling Model;
* ``constant``: ``T = t_ref`` everywhere, i.e. the model with ``uhi_max = 0`` calibrated the same way (its
  ``t_ref`` is then the best constant: the mean for RMSE/R², the median for MAE; the rural minimum with
  ``reference="derive"``);
* ``shuffled``: the same calibration run on the observations permuted across stations (seeded), which
  keeps their distribution and removes their link to place -- the skill a calibration reaches on data
  without spatial information (a permutation test; its p-value is reported).

A model has skill when its LOSO scores beat both baselines; with pure-noise observations it must not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from uhi.calibrate.skill import METRICS, loss, skill
from uhi.calibrate.ucm import CalibrationResult, derive_reference
from uhi.errors import InputValueError

__all__ = ["MAX_LOSO_SEARCH", "cross_validate", "loso_predictions", "skill_table"]

#: Largest number of observations cross-validated when a parameter search (not only t_ref/uhi_max) is refitted.
MAX_LOSO_SEARCH = 300


def loso_predictions(result: CalibrationResult, y: np.ndarray | None = None) -> np.ndarray:
    """Leave-one-station-out predictions [degC]: station i from the model calibrated without i."""
    prob = result._problem
    if prob is None:
        raise InputValueError("this CalibrationResult carries no calibration problem (was it built by calibrate_ucm?)")
    y = result._y if y is None else y
    n = y.size
    out = np.empty(n)
    for i in range(n):
        idx = np.r_[0:i, i + 1:n]
        p, _ = prob.solve(y[idx], idx)
        out[i] = prob.predict(p, [i])[0]
    return out


def _constant(result: CalibrationResult, y: np.ndarray, idx: np.ndarray) -> float:
    prob = result._problem
    if prob.reference == "derive":
        return derive_reference(y[idx], None if prob.classes is None else prob.classes[idx])[0]
    if "t_ref" not in prob.fit:
        return float(prob.start["t_ref"])
    return float(np.median(y[idx]) if prob.objective == "mae" else np.mean(y[idx]))


def _constant_preds(result, y):
    n = y.size
    insample = np.full(n, _constant(result, y, np.arange(n)))
    loso = np.array([_constant(result, y, np.r_[0:i, i + 1:n]) for i in range(n)])
    return insample, loso


def cross_validate(result: CalibrationResult, *, shuffles: int = 19, seed: int = 0, label: str = "") -> pd.DataFrame:
    """Skill table of a calibration: model, constant and shuffled baselines, in sample and LOSO.

    Parameters
    ----------
    result : CalibrationResult
        From :func:`uhi.calibrate.calibrate_ucm` (its settings are reused for every refit).
    shuffles : int
        Permutations of the shuffled baseline (its rows give the mean over them).
    seed : int
        Seed of the permutations.
    label : str
        Written to the ``case`` column (e.g. ``"day (factors)"``); default the result's ``cc_method``.

    Returns
    -------
    pandas.DataFrame
        Rows ``(case, predictor, validation)`` with ``predictor`` in model/constant/shuffled and
        ``validation`` in in-sample/LOSO; columns ``r2, rmse, mae, bias, n`` and ``p_value`` (model rows: the
        permutation p-value of its objective, ``(1 + #{shuffled <= model}) / (1 + shuffles)``).
    """
    if shuffles < 1:
        raise InputValueError(f"shuffles must be >= 1, got {shuffles}")
    y = result._y
    prob = result._problem
    n = y.size
    if n > MAX_LOSO_SEARCH and prob._int_bounds():
        raise InputValueError(
            f"leave-one-out over {n} observations would rerun the parameter search {n * (1 + shuffles)} times; "
            f"calibrate on at most {MAX_LOSO_SEARCH} observations (max_pixels= for a raster) or fit only t_ref/uhi_max")
    if not label:
        cc = result.params.get("cc_method")
        label = f"{'day' if cc == 'factors' else 'night'} ({cc})" if cc else result.params["model"]
    rows = []

    def add(predictor, validation, obs, pred, p_value=np.nan):
        rows.append({"case": label, "predictor": predictor, "validation": validation, **skill(obs, pred), "p_value": p_value})

    model_loso = loso_predictions(result, y)
    const_in, const_loso = _constant_preds(result, y)
    rng = np.random.default_rng(seed)
    sh_in, sh_loso, sh_obj_in, sh_obj_loso = [], [], [], []
    for _ in range(shuffles):
        ys = y[rng.permutation(n)]
        p, _ = prob.solve(ys, np.arange(n))
        pred = prob.predict(p)
        lo = loso_predictions(result, ys)
        sh_in.append(skill(ys, pred))
        sh_loso.append(skill(ys, lo))
        sh_obj_in.append(loss(ys, pred, result.objective))
        sh_obj_loso.append(loss(ys, lo, result.objective))
    obj_in = loss(y, result.table["modelled"].to_numpy(), result.objective)
    obj_loso = loss(y, model_loso, result.objective)
    p_in = (1 + sum(v <= obj_in for v in sh_obj_in)) / (1 + shuffles)
    p_loso = (1 + sum(v <= obj_loso for v in sh_obj_loso)) / (1 + shuffles)
    add("model", "in-sample", y, result.table["modelled"].to_numpy(), p_in)
    add("model", "LOSO", y, model_loso, p_loso)
    add("constant", "in-sample", y, const_in)
    add("constant", "LOSO", y, const_loso)
    for validation, scores in (("in-sample", sh_in), ("LOSO", sh_loso)):
        mean = {k: float(np.nanmean([s[k] for s in scores])) for k in METRICS}
        rows.append({"case": label, "predictor": "shuffled", "validation": validation, **mean, "n": n, "p_value": np.nan})
    table = pd.DataFrame(rows)
    table.attrs["loso_predictions"] = [float(v) for v in model_loso]
    return table


def skill_table(*tables: pd.DataFrame) -> pd.DataFrame:
    """Stack :func:`cross_validate` tables (e.g. day and night) into one, indexed by case, predictor, validation."""
    plain = [pd.DataFrame(t.to_dict("list")) for t in tables]  # without attrs (per-table LOSO predictions)
    return pd.concat(plain, ignore_index=True).set_index(["case", "predictor", "validation"])
