"""The small synthetic city of ``conftest.py`` (shared by the scenario, report and CLI tests) is one grid."""

from __future__ import annotations

import rioxarray


def test_city_layers_share_one_grid(city, city_grid):
    # the helper itself: every layer on the same 96 x 96, 30 m grid (what the scenario engine expects)
    shapes = {p.name: rioxarray.open_rasterio(p).shape for p in city.glob("*.tif")}
    assert set(shapes.values()) == {(1, city_grid.N, city_grid.N)}
    assert rioxarray.open_rasterio(city / "lst.tif").rio.resolution() == (city_grid.CELL, -city_grid.CELL)
