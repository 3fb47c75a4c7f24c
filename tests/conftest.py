"""Shared fixtures: the real data folder beside the checkout, tiny synthetic rasters."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

SHARED_DATA = Path(os.environ.get("UHI_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real Landsat crops, cities, vectors); skip if this clone has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data folder {SHARED_DATA} is absent (it sits beside the checkout in CI)")
    return SHARED_DATA
