"""Heat risk: hazard x exposure x vulnerability (IPCC AR5 framing), absolute hazard classes, risk classes.

Typical use::

    population = uhi.io.load_population("GHS_POP.tif", like=lst)
    v, table, notes = uhi.risk.vulnerability_from_table("census.csv", districts, lst, id_column="district")
    ds = uhi.risk.assess_risk(lst, population, vulnerability=v)

Hazard is absolute (UTCI heat-stress categories, :mod:`uhi.risk.hazard`), exposure is density against
300 km-2, vulnerability describes residents (:mod:`uhi.risk.vulnerability`); relative (quantile) classes
stay available as ``risk_class_relative``.
"""

from __future__ import annotations

from .assess import assess_risk, component_correlations
from .combine import (
    HIGH_RISK_CLASSES,
    RISK_LABELS,
    SCHEMES,
    TRAFFIC_LIGHT,
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
from .hazard import (
    EXPOSURE_REFERENCE_DENSITY,
    HAZARD_LABELS,
    UTCI_HEAT_STRESS_C,
    exposure_index,
    hazard_classes,
    hazard_index,
)
from .vulnerability import (
    PEOPLE_INDICATORS,
    SURFACE_INDICATORS,
    read_vulnerability_table,
    uniform_vulnerability,
    vulnerability_from_table,
)

__all__ = [
    "DEFAULT_PERCENTILES",
    "EXPOSURE_REFERENCE_DENSITY",
    "HAZARD_LABELS",
    "HIGH_RISK_CLASSES",
    "PEOPLE_INDICATORS",
    "RISK_LABELS",
    "SCHEMES",
    "SURFACE_INDICATORS",
    "TRAFFIC_LIGHT",
    "UTCI_HEAT_STRESS_C",
    "VULNERABILITY_DIRECTIONS",
    "assess_risk",
    "class_breaks",
    "classify",
    "combine",
    "component_correlations",
    "exposure_from_population",
    "exposure_index",
    "hazard_classes",
    "hazard_from_lst",
    "hazard_index",
    "heat_risk",
    "normalise",
    "read_vulnerability_table",
    "traffic_light",
    "uniform_vulnerability",
    "vulnerability",
    "vulnerability_from_table",
]
