"""Reading and writing: Landsat scenes, QA masks, population grids, vectors, outputs.

The lowest layer of uhi: it knows files and formats; it knows nothing of LST,
risk or scenarios.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    # name: submodule
    "load_landsat": "landsat",
    "read_mtl": "mtl",
    "qa_mask": "qa",
    "decode_qa": "qa",
    "load_population": "population",
    "load_vector": "vectors",
    "load_table": "tables",
    "load_raster": "raster",
    "load_modis_lst": "modis",
    "load_stack": "stack",
    "open_raster": "raster",
    "write_raster": "write",
    "write_rasters": "write",
    "atomic_path": "write",
    "safe_output_path": "write",
    "refuse_existing": "write",
    "output_folder": "write",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
