"""Synthetic Landsat 8/9 scenes of the pilot cities, forward-modelled from a known truth.

>>> from uhi.synthetic import make_scene
>>> folder = make_scene("Sofia", shape=(256, 256), out=tmp)  # doctest: +SKIP

:func:`make_scene` draws a plausible city from its registry entry (dense core, mid-rise
ring, suburbs, industry, roads, parks, a river or lake, fields and forest outside),
forward-models OLI reflectances and TIRS radiances from a known LST, emissivity and
atmosphere, and writes a real Collection 2 scene folder (GeoTIFFs + MTL) with a
``truth/`` folder beside the bands. :func:`default_scene` is the cached default scene
used by every CLI command and notebook.
"""

from ._folder import TRUTH_DIR, truth_layers, truth_path
from ._layout import CLASS_NAMES, RURAL_CLASSES, URBAN_CLASSES
from ._radiometry import atmosphere, emissivity_ndvi_threshold, planck_radiance
from .scene import DEFAULT_WATER_VAPOUR, default_scene, make_scene, scene_id_for

__all__ = [
    "CLASS_NAMES",
    "DEFAULT_WATER_VAPOUR",
    "RURAL_CLASSES",
    "TRUTH_DIR",
    "URBAN_CLASSES",
    "atmosphere",
    "default_scene",
    "emissivity_ndvi_threshold",
    "make_scene",
    "planck_radiance",
    "scene_id_for",
    "truth_layers",
    "truth_path",
]
