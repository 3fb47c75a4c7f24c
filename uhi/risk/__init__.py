"""Heat risk: hazard x exposure x vulnerability (IPCC AR5 framing), risk classes, traffic-light grades.

Typical use::

    population = uhi.io.load_population("GHS_POP.tif", like=lst)
    ds = uhi.risk.assess_risk(lst, population, ndvi=ndvi, ndbi=ndbi)
"""

from __future__ import annotations

from .combine import (
    HIGH_RISK_CLASSES,
    RISK_LABELS,
    SCHEMES,
    TRAFFIC_LIGHT,
    assess_risk,
    class_breaks,
    classify,
    combine,
    heat_risk,
    traffic_light,
)
from .components import (
    DEFAULT_PERCENTILES,
    VULNERABILITY_DIRECTIONS,
    exposure_from_population,
    hazard_from_lst,
    normalise,
    vulnerability,
)

__all__ = [
    "heat_risk",
    "assess_risk",
    "classify",
    "class_breaks",
    "traffic_light",
    "combine",
    "normalise",
    "hazard_from_lst",
    "exposure_from_population",
    "vulnerability",
    "HIGH_RISK_CLASSES",
    "RISK_LABELS",
    "SCHEMES",
    "TRAFFIC_LIGHT",
    "VULNERABILITY_DIRECTIONS",
    "DEFAULT_PERCENTILES",
]
