"""Skill scores of a model against observations: R², RMSE, MAE, bias.

Definitions follow the usual verification conventions (Wilks 2011, *Statistical Methods in the Atmospheric
Sciences*, 3rd ed., Academic Press, ch. 8.3; the coefficient of determination as in scikit-learn's
``r2_score``, which invest-ucm-calibration uses, Bosch et al. 2021, Geosci. Model Dev. 14:3521,
doi:10.5194/gmd-14-3521-2021):

.. math::

    R^2 = 1 - \\frac{\\sum (m_i - o_i)^2}{\\sum (o_i - \\bar o)^2},\\quad
    \\mathrm{RMSE} = \\sqrt{\\overline{(m - o)^2}},\\quad
    \\mathrm{MAE} = \\overline{|m - o|},\\quad
    \\mathrm{bias} = \\overline{m - o}.

R² is negative when the model is worse than the observed mean.
"""

from __future__ import annotations

import numpy as np

from uhi.errors import InputValueError

__all__ = ["METRICS", "OBJECTIVES", "skill"]

#: Skill metrics reported by :func:`skill`, in order.
METRICS = ("r2", "rmse", "mae", "bias")
#: Calibration objectives (R² is maximised, the errors minimised).
OBJECTIVES = ("r2", "rmse", "mae")


def _pair(observed, modelled) -> tuple[np.ndarray, np.ndarray]:
    o = np.asarray(observed, dtype=np.float64).ravel()
    m = np.asarray(modelled, dtype=np.float64).ravel()
    if o.shape != m.shape:
        raise InputValueError(f"observed and modelled differ in length: {o.size} vs {m.size}")
    ok = np.isfinite(o) & np.isfinite(m)
    return o[ok], m[ok]


def skill(observed, modelled) -> dict[str, float]:
    """R² [1], RMSE [K], MAE [K], bias (model − observed) [K] and ``n`` over pairs where both are finite.

    Examples
    --------
    >>> s = skill([20.0, 22.0, 24.0], [21.0, 22.0, 23.0])
    >>> round(s["r2"], 3), round(s["rmse"], 3), s["mae"], s["bias"], s["n"]
    (0.75, 0.816, 0.6666666666666666, 0.0, 3)
    """
    o, m = _pair(observed, modelled)
    n = o.size
    if n == 0:
        return {"r2": np.nan, "rmse": np.nan, "mae": np.nan, "bias": np.nan, "n": 0}
    err = m - o
    sst = float(np.sum((o - o.mean()) ** 2))
    r2 = 1.0 - float(np.sum(err**2)) / sst if sst > 0 else np.nan
    return {"r2": r2, "rmse": float(np.sqrt(np.mean(err**2))), "mae": float(np.mean(np.abs(err))), "bias": float(np.mean(err)), "n": n}


def loss(observed, modelled, objective: str) -> float:
    """The value a calibration minimises: RMSE, MAE or −R²."""
    s = skill(observed, modelled)
    return -s["r2"] if objective == "r2" else s[objective]
