"""Zonal statistics per district: rasterise zones once, one Numba pass per variable.

Typical use::

    table = uhi.zonal.zonal_stats(lst, "districts.gpkg", id_column="name", threshold=308.15)
    exposure = uhi.zonal.people_in_classes(risk.risk_class, population, "districts.gpkg")
    uhi.zonal.write_zonal(table, "out/districts.gpkg")
"""

from __future__ import annotations

from .output import write_zonal
from .stats import DEFAULT_STATS, parse_stats, people_in_classes, population_weighted_mean, zonal_stats, zone_sums
from .zones import ZoneLayers, choose_id_column, prepare_zones, rasterize_zones, read_zones

__all__ = [
    "DEFAULT_STATS",
    "ZoneLayers",
    "choose_id_column",
    "parse_stats",
    "people_in_classes",
    "population_weighted_mean",
    "prepare_zones",
    "rasterize_zones",
    "read_zones",
    "write_zonal",
    "zonal_stats",
    "zone_sums",
]
