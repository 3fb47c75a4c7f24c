"""Where a synthetic scene folder keeps its truth layers (the one place that knows the folder layout).

``<scene>/truth/`` holds ``land_cover.tif``, ``population.tif``, ``districts.gpkg``, ``lst.tif``,
``emissivity_b10.tif``, ``emissivity_b11.tif``, ``atmosphere.json`` and ``metadata.json``
(docs/ARCHITECTURE.md, "Synthetic scene folder"). :func:`truth_layers` gives the ancillary layers an
analysis picks up by default.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TRUTH_DIR", "TRUTH_LAYERS", "truth_layers", "truth_path"]

#: Folder of the truth files beside the bands.
TRUTH_DIR = "truth"
#: Ancillary layers of an analysis -> file name in :data:`TRUTH_DIR`.
TRUTH_LAYERS = {"population": "population.tif", "districts": "districts.gpkg", "landcover": "land_cover.tif"}


def truth_path(scene_path: str | os.PathLike | None, name: str) -> Path | None:
    """``truth/<name>`` beside a synthetic scene (folder or MTL path), or None when absent (a real scene)."""
    if scene_path is None:
        return None
    scene_path = Path(scene_path)
    folder = scene_path if scene_path.is_dir() else scene_path.parent
    candidate = folder / TRUTH_DIR / name
    return candidate if candidate.is_file() else None


def truth_layers(scene_path: str | os.PathLike | None) -> dict[str, Path | None]:
    """``{"population", "districts", "landcover"}`` -> truth file of a synthetic scene, or None where absent."""
    return {layer: truth_path(scene_path, name) for layer, name in TRUTH_LAYERS.items()}
