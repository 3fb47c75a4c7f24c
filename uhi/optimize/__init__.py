"""Urban acupuncture: which whole sites and measures a limited budget should buy for the most heat deaths avoided.

Problem
-------
Given a capital budget ``B`` [EUR], a subset of the intervention catalogue (:mod:`uhi.interventions`) and
candidate sites, choose a set ``S`` of (site, intervention) options with ``Σ_{o∈S} c_o <= B`` that
maximises

.. math::

    F(S) = \\sum_i w_i\\, g\\bigl(\\Delta T_{air,i}(S)\\bigr), \\qquad g(0) = 0,

with the objective chosen by ``objective`` (:mod:`uhi.optimize._objective`, named in every output):

* ``"deaths_avoided"`` (default when the city's exposure–response curve is given, ``health=``): heat-attributable
  deaths avoided per summer, central estimate, ``w`` = residents, ``g`` the deaths avoided per resident of
  :class:`uhi.health.HealthModel` (Masselot et al. 2023, Lancet Planet. Health 7:e271,
  doi:10.1016/S2542-5196(23)00023-2; method of Iungman et al. 2023, Lancet 401:577, doi:10.1016/S0140-6736(22)02585-5);
* ``"person_degree_hours"``: person-degree-hours above the minimum-mortality temperature avoided per summer;
* ``"person_k"`` (default without health data): residents × vulnerability × cooling [person·K].

**Sites** (:mod:`uhi.optimize._sites`). For each measure the candidate sites are the connected patches
(8-neighbourhood) of the pixels its placement may use -- the grouping scenarios place with
(:func:`uhi.interventions.sites.label_sites`) -- with patches larger than ``site_size_m`` squared cut by that
grid into connected pieces: each site is one contiguous patch of at most ``(site_size_m / cell)²`` pixels (the
streets of a few blocks, a block's roofs). An option fills its site to capacity (every pixel's placement share;
whole trees), so its cost is the site's capacity in units × unit cost, and its annualised cost capital / lifetime
+ yearly operation and maintenance (:meth:`uhi.interventions.Intervention.annual_cost_eur`). With
``park_area_m2``, open-space measures (pocket park, water body) are offered as contiguous parks of that area grown
as scenarios grow them (:func:`uhi.interventions.sites.grow_site`). User parcels (``candidates``) stay supported.
A pixel's placement takes at most one measure.

**Cooling** = the scenarios' (``cooling_model``): the literature configuration by default
(:func:`uhi.cooling.literature_cooling`), or the InVEST Urban Cooling Model (``"invest"``,
:func:`uhi.cooling.urban_cooling`), run on the parameters edited by every option of S
(:func:`uhi.interventions.apply_intervention`). Hyper-local measures (misting, fountains, green walls: their
measured reach is metres, [jccr-vgs; buildings2024-misting]) do not enter the cooling model: their pixel-mean
air cooling (:func:`uhi.interventions.local_air_cooling`) is added to ΔT_air where they stand and nowhere else,
and counts only in the ``person_k`` objective (they change no resident's daily temperature, so they avoid no
deaths, as in the scenario outcomes). They are considered only when named in ``interventions``.

Method: lazy greedy on gain per euro (default, ``method="lazy-greedy"``)
------------------------------------------------------------------------
The cooling of a site spreads through the model's mixing kernel, so the gains of nearby sites can interact.
For a **monotone submodular** objective under a budget (knapsack) constraint, the cost-benefit greedy
(repeatedly add the affordable option of largest marginal gain per euro) together with the best single
affordable option attains at least ``(1 - 1/e)/2 ≈ 0.316`` of the optimum (Khuller, Moss & Naor 1999,
Inf. Process. Lett. 70:39-45, doi:10.1016/S0020-0190(99)00031-9; Leskovec et al. 2007, KDD "Cost-effective
outbreak detection in networks", doi:10.1145/1281192.1281239), and lazy evaluation (CELF:
re-evaluate only the top of a priority queue of stale gains) returns the same plan with far fewer
model evaluations, because stale gains are upper bounds of fresh ones. :func:`optimize` runs CELF as
Leskovec et al. describe it -- a lazy cost-benefit pass and a lazy unit-cost pass (largest gain first),
plus a cost-benefit pass per *annualised* euro (what a planner ranks measures by: EUR a year per death
avoided), keeping the best plan; the unit-cost pass starts with the best affordable single option, so the
plan is never worse than it (the rule of Khuller et al.) -- with these deliberate choices:

* **exact marginal gains.** Each gain is computed by re-running the cooling model on a window around the
  site only. The literature model is linear in the parameters (:class:`uhi.optimize._window.LiteratureState`):
  an option's ΔT_air is its change of cooling potential convolved with the normalised mixing kernel, exactly zero
  beyond the kernel's truncation at 5λ (tests/test_optimize_literature.py checks it against two full
  :func:`~uhi.cooling.literature_cooling` runs). For InVEST (:class:`uhi.optimize._window.CoolingState`) the
  kernels are truncated at 5·d_cool and 5·r_mix and the convolution denominators do not depend on the
  parameters, so the change is exactly zero outside the site dilated by ``5·d_cool + 5·r_mix``
  (tests/test_optimize_window.py checks it against full :func:`~uhi.cooling.urban_cooling` runs);
* **modular where it can be.** Under the literature model ΔT_air adds up exactly across options on different
  pixels, so ``person_k`` gains are modular (the bound holds, CELF's stale gains are exact) except where one
  site's measures overlap (two measures on the same pixel edit already edited parameters). Deaths avoided and
  person-degree-hours avoided are concave in the cooling (each further kelvin avoids less: the relative risk
  flattens towards the minimum-mortality temperature, hot days drop below it), so where the cooling of sites
  overlaps the returns diminish (stale gains stay upper bounds) and gains are re-evaluated exactly on the plan; ``stats["additivity"]``
  says which case a run is in and ``stats["pixels_with_several_measures"]`` how much overlaps;
* **honest about the bound.** The UCM objective is only *approximately* submodular: the heat-mitigation
  index switches from CC to ``max(CC, CC_park)`` once a pixel has 2 ha of green within d_cool, so two
  small parks together can be worth more than the sum of each (a supermodular jump), and the HM max
  rule makes gains of cooling capacity on green pixels overlap. Away from those switches the model is
  linear in the parameters (then F is modular and the bound holds). ``stats["submodularity_violations"]``
  counts the re-evaluations whose fresh gain exceeded the stale one (a lazy bound that did not hold) and
  ``stats["order_changes"]`` those that moved an option below the next in the queue.
  tests/test_optimize.py and tests/test_optimize_sites.py compare the greedy with exhaustive searches on
  small instances (actual ratios reported there) and with random and hottest-first baselines.

``method="greedy"`` is the same cost-benefit greedy without lazy evaluation (every feasible option is
re-evaluated at every step: the reference of benchmarks/bench_optimize.py). ``method="milp"`` solves the
0-1 knapsack on the *linearised* single-option gains with :func:`scipy.optimize.milp` (HiGHS) and
reports the exact gains of the chosen set afterwards; it is exact for the linear model but blind to the
interactions, which is why it is not the default.

Outputs
-------
:class:`OptimizationResult` -- ranked site table (GeoDataFrame with each site's outline, intervention, units,
capital and annualised cost, ΔT_air at the site, marginal deaths avoided low/central/high, person-degree-hours,
residents cooled by >= 0.5 K), benefit-vs-budget curve in the objective's units, the plan's ΔT_air, plan
totals with the scenarios' outcome definitions (:func:`uhi.scenarios.outcomes.outcome_totals`), ``plot()`` (site
outlines over the risk map), ``plot_curve()``, ``write(out_dir)`` (GeoPackage, CSV, PNG map and curve, COG,
JSON summary naming the cooling model and objective, and "synthetic" for a synthetic scene).
A budget below the cheapest option gives an empty plan (``sites`` with no rows, objective 0).
"""

from uhi.optimize._core import COOLING_MODELS, METHODS, optimize, risk_weights
from uhi.optimize._objective import OBJECTIVES
from uhi.optimize._result import OUTPUT_FILES, OptimizationResult

__all__ = ["COOLING_MODELS", "METHODS", "OBJECTIVES", "OUTPUT_FILES", "OptimizationResult", "optimize", "risk_weights"]
