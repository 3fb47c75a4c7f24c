"""Where the data files shipped with uhi live (``data/`` in the source tree)."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "_data"  # wheel install (hatch force-include)
_SOURCE = Path(__file__).resolve().parents[1] / "data"  # source checkout / editable install


def data_dir() -> Path:
    """Directory holding ``cities.toml``, ``interventions.toml`` and ``scenarios/``."""
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE


def data_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("cities.toml")``."""
    return data_dir().joinpath(*parts)
