"""Placing one intervention of a scenario on the grid: where it may go, how much goes in each pixel.

Each ``[[intervention]]`` gets a location mask (polygons, named districts, or the ``top_risk`` share of
pixels with the highest baseline risk) times the share of each pixel available to its placement
(:func:`uhi.interventions.placement_fraction`). Neighbourhood measures given as an ``amount`` fill whole
sites -- connected patches of available pixels -- to capacity in order of their mean baseline risk, the last
one grown best-first as one contiguous patch (:func:`uhi.interventions.sites.fill_sites`): "2,500 street
trees" are the streets of the best-ranked blocks, a park is one park. ``coverage`` treats that share of the
available area of every pixel in the location. Hyper-local devices go one per pixel to the highest-risk
available pixels first.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..errors import InputValueError, ScenarioError
from ..interventions import Intervention, cost_eur, placement_fraction
from ..io.vectors import load_vector
from ..zonal import rasterize_zones
from .baseline import Baseline
from .schema import InterventionSpec

__all__ = ["Placement", "location_mask", "place"]

_PLURAL = {"tree": "trees", "device": "devices"}


def _label(i: int, item: InterventionSpec) -> str:
    return item.label or f"intervention[{i}] {item.type}"


def location_mask(item: InterventionSpec, base: Baseline, *, label: str = "") -> np.ndarray:
    """Boolean mask of the pixels an intervention may use (before placement shares)."""
    kind = item.location_kind
    if kind == "polygons":
        try:
            return rasterize_zones(load_vector(item.polygons, like=base.lst), base.lst).mask()
        except InputValueError as exc:
            raise InputValueError(f"{label}: {exc}") from None
    if kind == "districts":
        names = base.districts["district"].tolist()
        folded = {n.casefold(): i for i, n in enumerate(names)}
        ids = []
        for name in item.districts:
            if name.casefold() not in folded:
                raise ScenarioError(f"{label}: district {name!r} is not in the districts layer; it has {names}")
            ids.append(folded[name.casefold()] + 1)
        return base.zones.mask(ids)
    risk = np.asarray(base.risk["risk"].values, dtype=np.float64)
    finite = np.isfinite(risk)
    if not finite.any():
        raise ScenarioError(f"{label}: the baseline risk map has no valid pixel")
    n = max(1, round(item.top_risk.share * finite.sum()))
    order = np.argsort(np.where(finite, -risk, np.inf), axis=None, kind="stable")[:n]
    mask = np.zeros(risk.size, dtype=bool)
    mask[order] = True
    return mask.reshape(risk.shape)


@dataclasses.dataclass
class Placement:
    """Where and how much of one intervention was placed."""

    label: str
    intervention: Intervention
    units: float
    area_m2: float
    cost_eur: float
    treated_fraction: np.ndarray | None  # neighbourhood measures
    units_per_pixel: np.ndarray | None  # local measures
    location: np.ndarray


def place(i: int, item: InterventionSpec, it: Intervention, base: Baseline, shares: pd.DataFrame) -> Placement:
    """Allocate one intervention on the grid (see the module docstring)."""
    label = _label(i, item)
    mask = location_mask(item, base, label=label)
    try:
        avail = np.nan_to_num(np.asarray(placement_fraction(base.landcover, it.placement, shares).values, dtype=np.float64))
    except InputValueError as exc:
        raise ScenarioError(f"{label}: {exc}") from None
    avail = np.where(mask, avail, 0.0)
    valid = np.isfinite(np.asarray(base.params["shade"].values))
    avail = np.where(valid, avail, 0.0)
    cell2 = base.cell_m**2
    capacity_m2 = float(avail.sum() * cell2)
    where = f"{item.location_kind} {item.districts or item.polygons or item.top_risk.model_dump()}"
    if capacity_m2 <= 0:
        raise ScenarioError(f"{label}: no {'/'.join(it.placement)} area available in {where}")
    if it.unit in ("tree", "device") and item.amount is not None and item.amount != math.floor(item.amount):
        raise ScenarioError(f"{label}: amount of {it.key!r} counts {it.unit}s and must be a whole number, got {item.amount!r}")

    if it.is_local:
        if item.amount is None:
            raise ScenarioError(f"{label}: {it.key!r} is a hyper-local measure; give 'amount' ({it.unit}s), not 'coverage'")
        risk = np.asarray(base.risk["risk"].values, dtype=np.float64)
        eligible = np.flatnonzero((avail > 0).ravel())
        order = eligible[np.argsort(-np.nan_to_num(risk.ravel()[eligible], nan=-np.inf), kind="stable")]
        units = np.zeros(avail.size, dtype=np.float64)
        amount = float(item.amount)
        if it.unit == "device":
            n = int(amount)
            units[order] = n // order.size
            units[order[: n % order.size]] += 1
        else:  # m2 of wall: fill the highest-risk pixels up to their available area
            cap_units = avail.ravel()[order] * cell2 / it.footprint_m2
            if amount > cap_units.sum():
                raise ScenarioError(f"{label}: {amount:g} {_PLURAL.get(it.unit, it.unit)} of {it.key!r} exceed the {cap_units.sum():.0f} available in {where}")
            filled = np.minimum(cap_units, np.maximum(0.0, amount - np.concatenate(([0.0], np.cumsum(cap_units)[:-1]))))
            units[order] = filled
        return Placement(label, it, amount, amount * it.footprint_m2, cost_eur(it, amount), None, units.reshape(avail.shape), mask)

    if item.coverage is not None:
        f = item.coverage * avail
        area = float(f.sum() * cell2)
        units = area / it.footprint_m2
    else:
        units = float(item.amount)
        area = units * it.footprint_m2
        if area > capacity_m2 * (1 + 1e-9):
            raise ScenarioError(
                f"{label}: {units:g} {_PLURAL.get(it.unit, it.unit)} of {it.key!r} need {area:,.0f} m2 but only {capacity_m2:,.0f} m2 of "
                f"{'/'.join(it.placement)} area is available in {where}"
            )
        from ..interventions.sites import fill_sites

        risk = np.asarray(base.risk["risk"].values, dtype=np.float64)
        capacity_units = avail * cell2 / it.footprint_m2
        placed = fill_sites(capacity_units, risk, min(units, float(capacity_units.sum())))
        f = np.minimum(placed * it.footprint_m2 / cell2, avail)
    return Placement(label, it, units, area, cost_eur(it, units), f, None, mask)

