"""Urban acupuncture: where to spend a limited budget for the most risk-weighted cooling.

Problem
-------
Given a budget ``B`` [EUR], a subset of the intervention catalogue (:mod:`uhi.interventions`) and
candidate sites (square blocks of ``site_size_m`` over the highest-risk part of the risk map, or the
user's parcels), choose a set ``S`` of (site, intervention) options with ``Σ_{o∈S} c_o <= B`` that
maximises

.. math::

    F(S) = \\sum_i w_i\\,\\bigl(-\\Delta T_{air,i}(S)\\bigr), \\qquad w_i = \\text{residents}_i \\times \\text{vulnerability}_i ,

with ΔT_air from the InVEST Urban Cooling Model (Natural Capital Project user guide; :func:`uhi.cooling.urban_cooling`)
run on the parameters edited by every option of S (:func:`uhi.interventions.apply_intervention`).
An option treats all the room its placement has on the site (the roof share of the built pixels for
a cool or green roof, the street share for trees...; :func:`uhi.interventions.placement_fraction`),
in whole trees or devices where the unit is countable. A site's roof, street, open space and water
each take at most one measure. Hyper-local measures (misting, fountains, green walls: their measured reach is metres,
[jccr-vgs; buildings2024-misting]) do not enter the cooling model: their pixel-mean air cooling (:func:`uhi.interventions.local_air_cooling`)
is added to ΔT_air where they stand and nowhere else. They are considered only when named in
``interventions``: the default set is the neighbourhood-scale measures, whose cooling the model
spreads to where residents live.

Method: lazy greedy on gain per euro (default, ``method="lazy-greedy"``)
------------------------------------------------------------------------
The cooling of a site spreads through the model's kernels, so the gains of nearby sites interact.
For a **monotone submodular** objective under a budget (knapsack) constraint, the cost-benefit greedy
(repeatedly add the affordable option of largest marginal gain per euro) together with the best single
affordable option attains at least ``(1 - 1/e)/2 ≈ 0.316`` of the optimum (Khuller, Moss & Naor 1999,
Inf. Process. Lett. 70:39-45, doi:10.1016/S0020-0190(99)00031-9; Leskovec et al. 2007, KDD "Cost-effective
outbreak detection in networks", doi:10.1145/1281192.1281239), and lazy evaluation (CELF:
re-evaluate only the top of a priority queue of stale gains) returns the same plan with far fewer
model evaluations, because stale gains are upper bounds of fresh ones. :func:`optimize` runs CELF as
Leskovec et al. describe it -- a lazy cost-benefit pass and a lazy unit-cost pass (largest gain first),
keeping the better plan; the unit-cost pass starts with the best affordable single option, so the
plan is never worse than it (the rule of Khuller et al.) -- with two deliberate choices:

* **exact marginal gains.** Each gain is computed by re-running the cooling model on a window around the
  site only (:class:`uhi.optimize._window.CoolingState`): the kernels are truncated at 5·d_cool and
  5·r_mix, and the convolution denominators do not depend on the parameters, so the change of ΔT_air is
  exactly zero outside the site dilated by ``5·d_cool + 5·r_mix`` and equal to the full-raster difference
  inside it (tests/test_optimize_window.py checks it against two full :func:`~uhi.cooling.urban_cooling`
  runs and a float64 reference);
* **honest about the bound.** The UCM objective is only *approximately* submodular: the heat-mitigation
  index switches from CC to ``max(CC, CC_park)`` once a pixel has 2 ha of green within d_cool, so two
  small parks together can be worth more than the sum of each (a supermodular jump), and the HM max
  rule makes gains of cooling capacity on green pixels overlap. Away from those switches the model is
  linear in the parameters (then F is modular and the bound holds). ``stats["submodularity_violations"]``
  counts the re-evaluations whose fresh gain exceeded the stale one (a lazy bound that did not hold) and
  ``stats["order_changes"]`` those that moved an option below the next in the queue.
  tests/test_optimize.py compares the greedy with an exhaustive search on a small instance (actual ratio
  reported there) and with random and hottest-first baselines.

``method="greedy"`` is the same cost-benefit greedy without lazy evaluation (every feasible option is
re-evaluated at every step: the reference of benchmarks/bench_optimize.py). ``method="milp"`` solves the
0-1 knapsack on the *linearised* single-option gains with :func:`scipy.optimize.milp` (HiGHS) and
reports the exact gains of the chosen set afterwards; it is exact for the linear model but blind to the
interactions, which is why it is not the default.

Outputs
-------
:class:`OptimizationResult` -- ranked site table (GeoDataFrame), benefit-vs-budget curve, the plan's ΔT_air,
``plot()``, ``plot_curve()``, ``write(out_dir)`` (GeoPackage, CSV, PNG map and curve, COG, JSON summary).
A budget below the cheapest option gives an empty plan (``sites`` with no rows, objective 0).
"""

from uhi.optimize._core import COOLING_MODELS, METHODS, optimize, risk_weights
from uhi.optimize._objective import OBJECTIVES
from uhi.optimize._result import OUTPUT_FILES, OptimizationResult

__all__ = ["COOLING_MODELS", "METHODS", "OBJECTIVES", "OUTPUT_FILES", "OptimizationResult", "optimize", "risk_weights"]
