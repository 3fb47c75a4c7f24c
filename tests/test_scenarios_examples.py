"""The shipped green / white / blue examples run on a pilot city's synthetic scene (no download)."""

from __future__ import annotations

import numpy as np
import pytest

from uhi._toml import tomllib
from uhi.scenarios import Scenario, comparison_table, example_path, run_all


def small(name: str) -> Scenario:
    """The example on a 128 x 128 scene (3.8 km) with its cells widened to 10 % so the amounts fit."""
    data = tomllib.loads(example_path(name).read_text(encoding="utf-8"))
    data["shape"] = [128, 128]
    for item in data["intervention"]:
        item["top_risk"]["share"] = 0.1
    return Scenario.from_dict(data)


def test_nis_green_white_blue_examples(tmp_path, monkeypatch):
    monkeypatch.setenv("UHI_CACHE_DIR", str(tmp_path))
    results = run_all([small(f"nis-{c}") for c in ("green", "white", "blue")])
    green, white, blue = results
    # costs by hand from the catalogue: 2500 trees x 2000 + 5000 m2 x 150; 400,000 m2 x 8 + 60,000 m2 x 30;
    # 100 misting x 15,000 + 10 fountains x 50,000 + 40,000 m2 x 60
    assert green.totals["cost_eur"] == 2500 * 2000 + 5000 * 150
    assert white.totals["cost_eur"] == 400_000 * 8 + 60_000 * 30
    assert blue.totals["cost_eur"] == 100 * 15_000 + 10 * 50_000 + 40_000 * 60
    assert [r.totals["lead_category"] for r in results] == ["green", "white", "blue"]
    for r in results:
        d = r.maps["delta_t_air"].values
        assert np.nanmax(d) <= 1e-5 and np.nanmin(r.maps["delta_t_air_model"].values) >= -3.5  # UHI_max = 3.5 (InVEST bound)
        assert r.totals["degc_person_reduced"] > 0
    # hyper-local misting: at most -2.42 x pi 10^2 / 30^2 in a pixel from the devices (hand); the model adds the paving
    assert np.nanmin(blue.maps["delta_t_air_local"].values) == pytest.approx(-2.42 * np.pi * 100 / 900, rel=1e-4)
    df = comparison_table(results)
    assert df["cost_per_degc_person"].is_monotonic_increasing
