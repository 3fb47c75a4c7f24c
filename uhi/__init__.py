"""uhi: urban heat island analysis for Python.

Load Landsat 8/9 scenes, compute land-surface temperature and spectral indices
with Numba kernels, UHI metrics and heat risk, run an InVEST-style urban
cooling model, and score green / white / blue interventions for pilot cities.

The public names below are imported lazily, so ``import uhi`` is quick and the
heavy dependencies load only when used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "load_landsat": "uhi.io",
    "qa_mask": "uhi.io",
    "load_population": "uhi.io",
    "write_raster": "uhi.io",
    "write_rasters": "uhi.io",
    "land_surface_temperature": "uhi.lst",
    "to_celsius": "uhi.lst",
    "make_scene": "uhi.synthetic",
    "get_city": "uhi.cities",
    "list_cities": "uhi.cities",
    "heat_risk": "uhi.risk",
    "zonal_stats": "uhi.zonal",
    "urban_cooling": "uhi.cooling",
    "Scenario": "uhi.scenarios",
}
#: Submodules reachable as attributes after a bare ``import uhi`` (``uhi.analysis.analyse_city``),
#: imported on first use.
_SUBMODULES = [
    "errors", "constants", "io", "indices", "lst", "metrics", "risk", "zonal", "cooling", "interventions",
    "scenarios", "optimize", "plot", "report", "references", "cities", "synthetic", "timeseries", "observations",
    "calibrate", "analysis", "workflows", "health",
]

__all__ = sorted(_EXPORTS) + _SUBMODULES + ["__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"uhi.{name}")
    raise AttributeError(f"module 'uhi' has no attribute {name!r}")


def __dir__():
    return __all__
