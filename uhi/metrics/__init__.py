"""UHI metrics: surface UHI intensity, UTFVI and thermal zones, Getis-Ord Gi* hot spots, park cool islands.

Inputs are ``(y, x)`` :class:`xarray.DataArray` rasters with LST in kelvin (data labelled
``units="degC"`` is converted); distance-based metrics need a projected CRS in metres.
"""

from __future__ import annotations

from .hotspots import GI_BIN_MEANINGS, gi_bin, gi_star, hotspots
from .parks import PARK_COLUMNS, cooling_distance, park_cool_island
from .suhii import (
    DEFAULT_BUFFER_M,
    EQUAL_AREA_WIDTHS_M,
    SuhiiResult,
    rural_reference,
    suhii,
    urban_mask_from_indices,
    urban_mask_from_population,
)
from .utfvi import THERMAL_ZONES, UTFVI_BREAKS, UTFVI_CLASSES, normalise_lst, thermal_zones, utfvi, utfvi_classes

__all__ = [
    "suhii",
    "SuhiiResult",
    "urban_mask_from_indices",
    "urban_mask_from_population",
    "rural_reference",
    "utfvi",
    "utfvi_classes",
    "thermal_zones",
    "normalise_lst",
    "hotspots",
    "gi_star",
    "gi_bin",
    "park_cool_island",
    "cooling_distance",
    "DEFAULT_BUFFER_M",
    "EQUAL_AREA_WIDTHS_M",
    "UTFVI_BREAKS",
    "UTFVI_CLASSES",
    "THERMAL_ZONES",
    "GI_BIN_MEANINGS",
    "PARK_COLUMNS",
]
