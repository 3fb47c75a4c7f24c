"""What the optimiser maximises: heat deaths avoided, person-degree-hours avoided, or risk-weighted cooling.

Every objective is a sum over pixels ``F = Σ_i w_i · g(ΔT_air,i)`` with ``g(0) = 0``:

* ``"deaths_avoided"`` -- heat-attributable deaths avoided per summer (central estimate), ``w`` = residents and
  ``g(δ)`` = :meth:`uhi.health.HealthModel.deaths_avoided_per_resident` (city exposure–response curve of
  Masselot et al. 2023, Lancet Planet. Health 7:e271, doi:10.1016/S2542-5196(23)00023-2, applied to the
  summer daily means after Iungman et al. 2023, Lancet 401:577, doi:10.1016/S0140-6736(22)02585-5).
  ``g`` is evaluated on a 0.01 K lattice of δ (nodes computed when first needed) and interpolated
  linearly between nodes, as :meth:`~uhi.health.HealthModel.assess` interpolates between its own nodes.
  ``g`` is concave in the cooling (each further kelvin avoids fewer deaths: the relative risk flattens towards
  the minimum-mortality temperature), so deaths are *not* additive where the cooling of two sites overlaps:
  the returns diminish (submodular in the cooling, CELF's stale gains stay upper bounds) and gains are
  re-evaluated exactly on the current plan;
* ``"person_degree_hours"`` -- person-degree-hours above the minimum-mortality temperature avoided per summer,
  ``w`` = residents, ``g(δ) = f(0) - f(δ)`` with :meth:`uhi.health.HealthModel.degree_hours_per_resident`
  (exact; piecewise linear and concave in the cooling, as hot days drop below the MMT);
* ``"person_k"`` -- residents × vulnerability × cooling [person·K] (``g(δ) = -δ``), needing no health data.

``objective=None`` picks ``"deaths_avoided"`` when a health model (curves and a summer temperature series for the
city) is given and ``"person_k"`` otherwise: what a planner compares measures by is lives per euro; without
the city's curve the risk-weighted cooling is the stated fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from uhi.errors import InputValueError

__all__ = ["OBJECTIVES", "Objective", "describe", "make_objective"]

#: Selectable objectives (module docstring).
OBJECTIVES = ("deaths_avoided", "person_degree_hours", "person_k")

#: Step of the δ lattice of the deaths-avoided value [K].
LATTICE_K = 0.01


@dataclass
class Objective:
    """An objective ``F = Σ w·g(ΔT_air)``: name, units, per-pixel weights and ``g`` (None: ``g(δ) = -δ``)."""

    name: str
    units: str
    long_name: str
    weights: np.ndarray
    value: object = None

    @property
    def counts_local(self) -> bool:
        """Hyper-local devices count only in the cooling objective: they change no resident's daily temperature."""
        return self.name == "person_k"


class _LatticeValue:
    """``g(δ)`` of a scalar function on a lazily filled lattice of step :data:`LATTICE_K`, linear in between."""

    def __init__(self, func):
        self.func = func
        self.nodes: dict[int, float] = {}

    def __call__(self, delta):
        d = np.asarray(delta, dtype=np.float64)
        k = np.floor(d / LATTICE_K)
        lo, hi = int(k.min()) if d.size else 0, int(k.max()) + 1 if d.size else 1
        for i in range(lo, hi + 1):
            if i not in self.nodes:
                self.nodes[i] = 0.0 if i == 0 else float(self.func(i * LATTICE_K))
        table = np.array([self.nodes[i] for i in range(lo, hi + 1)])
        t = d / LATTICE_K - k
        idx = (k - lo).astype(np.int64)
        return table[idx] * (1.0 - t) + table[np.minimum(idx + 1, len(table) - 1)] * t


def make_objective(name, *, weights, population=None, health=None) -> Objective:
    """The :class:`Objective` called ``name`` (None: the default of the module docstring).

    ``weights`` are residents × vulnerability (``"person_k"``); ``population`` residents per pixel and ``health`` a
    :class:`uhi.health.HealthModel` for the health objectives.
    """
    if name is None:
        name = "deaths_avoided" if health is not None and population is not None else "person_k"
    if name not in OBJECTIVES:
        raise InputValueError(f"objective must be one of {OBJECTIVES}, got {name!r}")
    if name == "person_k":
        return Objective(name, "person·K", "risk-weighted cooling (residents x vulnerability x ΔT_air)",
                         np.nan_to_num(np.asarray(weights, dtype=np.float64)))
    if health is None or population is None:
        raise InputValueError(f"objective {name!r} needs a health model (a city exposure-response table and summer temperature "
                              "series, uhi.health.load_health_folder) and a population raster; use objective='person_k' without them")
    pop = np.nan_to_num(np.asarray(population, dtype=np.float64))
    if name == "deaths_avoided":
        return Objective(name, "deaths per summer", "heat deaths avoided per summer (central)", pop,
                         _LatticeValue(health.deaths_avoided_per_resident))
    f0 = float(health.degree_hours_per_resident(0.0))
    mmt = health.curves.mmt
    return Objective(name, "person·K·h per summer", f"person-degree-hours above {mmt:.1f} °C avoided per summer", pop,
                     lambda d: f0 - health.degree_hours_per_resident(d))


def describe(obj: Objective) -> str:
    """One line naming the objective and its units, for summaries and plots."""
    return f"{obj.long_name} [{obj.units}]"


