"""Selection algorithms over (site, intervention) options with exact marginal gains.

All of them work on a :class:`Problem`: options with a cost [EUR], a conflict key set (a site's roof,
street, open space or water can take one measure) and an oracle that evaluates the exact marginal
gain of an option given the plan so far (:class:`uhi.optimize._window.CoolingState`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from uhi.optimize._window import CoolingState

__all__ = ["Option", "Problem", "Selection", "lazy_greedy", "milp_plan", "naive_greedy"]

#: Gains at or below this [weight·K] count as no gain (float64 round-off of the window sums is ~1e-12).
GAIN_EPS = 1e-9


@dataclass
class Option:
    """One candidate action: treat the available ``placement`` area of a site with an intervention."""

    index: int
    site: int
    key: str
    rows: slice
    cols: slice
    units: float
    cost: float
    conflicts: frozenset
    new_params: object  # callable(state) -> dict of patch parameters, or None for local measures
    local: tuple | None  # (rows, cols, delta_t) of a hyper-local measure
    treated_area_m2: float
    annual_cost: float | None = None  # annualised cost [EUR/yr]: capital / lifetime + operation and maintenance


@dataclass
class Problem:
    """Options and a factory of fresh cooling states (the empty plan)."""

    options: list
    make_state: object  # callable() -> CoolingState

    def evaluate(self, state: CoolingState, option: Option):
        new = option.new_params(state) if option.new_params is not None else None
        return state.evaluate(option.rows, option.cols, new, local=option.local)

    def objective(self, chosen) -> float:
        """F(S) of an option set, by committing its options one by one on a fresh state."""
        state = self.make_state()
        for o in chosen:
            state.commit(self.evaluate(state, self.options[o]))
        return state.objective()


@dataclass
class Selection:
    """Chosen options in rank order with their exact marginal gains, the final state and run statistics."""

    order: list
    gains: list
    state: CoolingState
    stats: dict = field(default_factory=dict)


def _feasible(option, remaining, used):
    return option.cost <= remaining + 1e-9 and not (option.conflicts & used)


def _initial_gains(problem, budget, stats):
    state = problem.make_state()
    single = {}
    for o in problem.options:
        if o.cost <= budget + 1e-9:
            single[o.index] = problem.evaluate(state, o).gain
            stats["evaluations"] += 1
    return single


#: Greedy passes: rank by gain per capital euro, per annualised euro (EUR/yr), or by gain alone.
PASSES = {"capital": "cost-benefit", "annual": "annualised cost-benefit", None: "unit-cost"}


def _rank(o, g, per_euro):
    if per_euro == "capital":
        return g / o.cost
    if per_euro == "annual":
        return g / o.annual_cost
    return g


def _celf(problem, budget, single, *, per_euro, max_sites, stats):
    """One lazy greedy pass from the singleton gains, ranking by :func:`_rank` (``per_euro`` a key of :data:`PASSES`)."""
    state = problem.make_state()
    opts = problem.options

    def key(o, g):
        return -_rank(o, g, per_euro)

    heap = [(key(opts[i], g), i, 0, g) for i, g in single.items() if g > GAIN_EPS]
    heapq.heapify(heap)
    order, gains, used = [], [], set()
    remaining = float(budget)
    fresh = {}
    while heap and (max_sites is None or len(order) < max_sites):
        _, idx, stamp, g_old = heapq.heappop(heap)
        o = opts[idx]
        if not _feasible(o, remaining, used):
            continue
        if stamp == len(order):
            change = fresh.pop(idx, None) or problem.evaluate(state, o)
            if change.gain <= GAIN_EPS:
                continue
            state.commit(change)
            order.append(idx)
            gains.append(change.gain)
            used |= o.conflicts
            remaining -= o.cost
            fresh.clear()
            continue
        change = problem.evaluate(state, o)
        stats["evaluations"] += 1
        stats["reevaluations"] += 1
        if change.gain > g_old + 1e-9 * max(1.0, abs(g_old)):
            stats["submodularity_violations"] += 1
            stats["max_violation"] = max(stats["max_violation"], change.gain - g_old)
        if change.gain <= GAIN_EPS:
            continue
        entry = (key(o, change.gain), idx, len(order), change.gain)
        if heap and entry > heap[0]:
            stats["order_changes"] += 1
        fresh[idx] = change
        heapq.heappush(heap, entry)
    return Selection(order, gains, state)


def _passes(problem) -> tuple:
    annual = problem.options and all(o.annual_cost is not None and o.annual_cost > 0 for o in problem.options)
    return ("capital", "annual", None) if annual else ("capital", None)


def _better_pass(run_pass, stats: dict, passes=("capital", None)) -> Selection:
    """The best of the cost-benefit (per capital euro), annualised cost-benefit (per EUR/yr, when every option has an
    annualised cost) and unit-cost passes (:data:`PASSES`).

    Earlier passes win ties (a later plan must gain more than ``GAIN_EPS`` more); ``stats`` and the
    winning pass (``greedy_pass``) go on the returned selection.
    """
    best = None
    for per_euro in passes:
        sel = run_pass(per_euro)
        total = float(np.sum(sel.gains)) if sel.gains else 0.0
        if best is None or total > best[0] + GAIN_EPS:
            best = (total, sel, PASSES[per_euro])
    sel = best[1]
    sel.stats = dict(stats, greedy_pass=best[2])
    return sel


def lazy_greedy(problem: Problem, budget: float, *, max_sites=None) -> Selection:
    """CELF (Leskovec et al. 2007): the best of lazy cost-benefit and unit-cost greedy passes (:func:`_better_pass`).

    The passes share the singleton gains: cost-benefit takes the largest marginal gain per capital euro (and,
    when options carry an annualised cost, a second pass per EUR/yr: what a planner ranks by), unit-cost the
    largest marginal gain. The unit-cost pass starts with the best affordable single
    option, so the result is never worse than it (the rule of Khuller et al. 1999). Each pass keeps a max-heap of gains tagged with the plan size at which they were
    evaluated; a stale top is re-evaluated and pushed back, a fresh top is taken. Statistics record how
    often re-evaluation moved an option below the next one (``order_changes``) and how often a fresh
    gain *exceeded* its stale value (``submodularity_violations``: a lazy bound that did not hold).
    """
    stats = {"evaluations": 0, "reevaluations": 0, "order_changes": 0, "submodularity_violations": 0, "max_violation": 0.0}
    single = _initial_gains(problem, budget, stats)
    return _better_pass(lambda per_euro: _celf(problem, budget, single, per_euro=per_euro, max_sites=max_sites, stats=stats),
                        stats, _passes(problem))


def naive_greedy(problem: Problem, budget: float, *, max_sites=None) -> Selection:
    """:func:`lazy_greedy` without lazy evaluation: every feasible option is re-evaluated at every step."""
    stats = {"evaluations": 0}
    return _better_pass(lambda per_euro: _naive_pass(problem, budget, per_euro=per_euro, max_sites=max_sites, stats=stats),
                        stats, _passes(problem))


def _naive_pass(problem, budget, *, per_euro, max_sites, stats):
    state = problem.make_state()
    order, gains, used = [], [], set()
    remaining = float(budget)
    alive = [o for o in problem.options if o.cost <= budget + 1e-9]
    while alive and (max_sites is None or len(order) < max_sites):
        best = None
        keep = []
        for o in alive:
            if not _feasible(o, remaining, used):
                continue
            change = problem.evaluate(state, o)
            stats["evaluations"] += 1
            if change.gain <= GAIN_EPS:
                continue
            keep.append(o)
            key = (_rank(o, change.gain, per_euro), -o.index)
            if best is None or key > best[0]:
                best = (key, o, change)
        if best is None:
            break
        _, o, change = best
        state.commit(change)
        order.append(o.index)
        gains.append(change.gain)
        used |= o.conflicts
        remaining -= o.cost
        alive = [a for a in keep if a.index != o.index]
    return Selection(order, gains, state)


def milp_plan(problem: Problem, budget: float, *, max_sites=None, time_limit=60.0) -> Selection:
    """0-1 knapsack on the single-option gains with scipy's HiGHS ``milp``, then exact re-evaluation.

    Maximises ``Σ g_o x_o`` subject to ``Σ c_o x_o <= budget``, one option per (site, placement) and
    optionally ``Σ x_o <= max_sites``. The linearisation ignores interactions between sites, so the
    chosen options are committed in decreasing single-gain/cost order and their exact marginal gains
    reported.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    state = problem.make_state()
    opts = [o for o in problem.options if o.cost <= budget + 1e-9]
    gains = np.array([problem.evaluate(state, o).gain for o in opts])
    keep = gains > GAIN_EPS
    opts = [o for o, k in zip(opts, keep) if k]
    gains = gains[keep]
    stats = {"evaluations": int(keep.size)}
    if not opts:
        return Selection([], [], state, stats)
    groups = sorted({c for o in opts for c in o.conflicts})
    gidx = {g: i for i, g in enumerate(groups)}
    rows = 1 + len(groups) + (max_sites is not None)
    a = lil_matrix((rows, len(opts)))
    ub = np.ones(rows)
    for j, o in enumerate(opts):
        a[0, j] = o.cost
        for c in o.conflicts:
            a[1 + gidx[c], j] = 1.0
        if max_sites is not None:
            a[rows - 1, j] = 1.0
    ub[0] = budget
    if max_sites is not None:
        ub[-1] = max_sites
    res = milp(-gains, constraints=LinearConstraint(a.tocsr(), -np.inf, ub), integrality=np.ones(len(opts)),
               bounds=Bounds(0, 1), options={"time_limit": time_limit})
    stats["milp_status"] = int(res.status)
    stats["milp_message"] = str(res.message)
    chosen = [] if res.x is None else [j for j in range(len(opts)) if res.x[j] > 0.5]
    stats["linearised_objective"] = float(gains[chosen].sum()) if chosen else 0.0
    chosen.sort(key=lambda j: -gains[j] / opts[j].cost)
    order, exact = [], []
    for j in chosen:
        change = problem.evaluate(state, opts[j])
        stats["evaluations"] += 1
        state.commit(change)
        order.append(opts[j].index)
        exact.append(change.gain)
    return Selection(order, exact, state, stats)

