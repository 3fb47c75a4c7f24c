"""What a measure costs: capital cost of an amount of units (annualised cost: ``Intervention.annual_cost_eur``)."""

from __future__ import annotations

import math

from ..errors import InputValueError

__all__ = ["cost_eur"]


def cost_eur(intervention, amount_units: float) -> float:
    """Capital cost [EUR] of ``amount_units`` units (trees, m², devices) of an :class:`~uhi.interventions.Intervention`."""
    amount = float(amount_units)
    if not math.isfinite(amount) or amount < 0:
        raise InputValueError(f"amount of {intervention.key!r} must be a finite number >= 0, got {amount_units!r}")
    return amount * intervention.unit_cost_eur
