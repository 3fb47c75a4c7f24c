"""Green, white and blue heat-mitigation measures and how they edit the cooling model.

The catalogue (``data/interventions.toml``) lists each measure with what it changes in the InVEST
Urban Cooling Model parameters (``shade, albedo, kc, green_area, building_intensity``; InVEST Urban Cooling Model user guide), its surface (LST) change with its published source (``lst_source``, keys of :mod:`uhi.references` in ``sources``), footprint, unit cost
(``cost_source``; defaults without a published figure flagged ``cost_is_default``), lifetime and placement.

Two scales (the measured reach of each measure: green walls ~1.5 m [jccr-vgs], misting and fountains the immediate surroundings [buildings2024-misting; urban-green-blue-grids]):

* ``"neighbourhood"`` measures (trees, parks, roofs, pavements, water bodies, permeable paving)
  edit the per-pixel parameters in proportion to the treated share ``f`` of each pixel and then
  act through the cooling model's kernels (:func:`apply_intervention`):

  .. math::

      p' = p + f\\,(t - p) \\;\\; (\\text{set}), \\qquad p' = p + f\\,v \\;\\; (\\text{add}), \\qquad
      p' = p + f\\,\\max(0, v - p) \\;\\; (\\text{max});

* ``"local"`` (hyper-local) measures -- misting, fountains, green walls -- never enter the
  district-scale model: each unit cools the air by ``local_air_cooling_k`` over its footprint (a disc
  of ``local_radius_m`` around a device, a strip along a wall), averaged over the pixels it covers
  (:func:`local_air_cooling`). Misting does not cool a district.

Typical use::

    catalogue = load_catalogue()
    share = placement_fraction(landcover, catalogue["street_trees"].placement)
    params2 = apply_intervention(params, catalogue["street_trees"], 0.5 * share)
"""

from .._toml import format_validation_error, read_toml, toml_key_line
from .catalogue import (
    CATEGORIES,
    PLACEMENTS,
    UNITS,
    Intervention,
    catalogue_table,
    load_catalogue,
    merge_catalogue,
    placement_shares,
)
from .costs import cost_eur
from .effects import apply_intervention, footprint_kernel, local_air_cooling, surface_cooling
from .placement import placement_fraction

__all__ = [
    "CATEGORIES",
    "PLACEMENTS",
    "UNITS",
    "Intervention",
    "apply_intervention",
    "catalogue_table",
    "cost_eur",
    "footprint_kernel",
    "format_validation_error",
    "load_catalogue",
    "local_air_cooling",
    "merge_catalogue",
    "placement_fraction",
    "placement_shares",
    "read_toml",
    "surface_cooling",
    "toml_key_line",
]
