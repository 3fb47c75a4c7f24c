"""Planner outcomes of the shipped examples (issue 10, items 2-5): deaths avoided, degree-hours, sites, ranking.

The examples run unchanged (no tuning of amounts) on the pilot cities' default synthetic scenes, with the
Masselot et al. 2023 curves of ../shared/data/health (read in place; skipped where absent). Bounds:
treated-site cooling within what the literature reports for neighbourhood measures (Bowler et al. 2010:
parks ~0.94 K; Krayenhoff et al. 2021: 0.2-0.6 K per +0.10 albedo, ~0.3 K per +0.10 canopy), so between 0
and 1.5 K; non-zero deaths avoided for every neighbourhood option; zero for hyper-local ones.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from uhi.scenarios import Scenario, comparison_table, run_all
from uhi.scenarios.outcomes import COOLED_THRESHOLD_K

CITIES = ("sofia", "nis", "podgorica")


@pytest.fixture(scope="module")
def health_env(shared_data):
    d = shared_data / "health"
    if not (d / "city_erf.csv").is_file():
        pytest.skip(f"{d} has no exposure-response table")
    mp = pytest.MonkeyPatch()
    mp.setenv("UHI_HEALTH_DATA", str(d))
    yield d
    mp.undo()


@pytest.fixture(scope="module")
def examples(health_env):
    return {r.name: r for r in run_all([f"{c}-{k}" for c in CITIES for k in ("green", "white", "blue")])}


def test_every_shipped_example_gives_nonzero_outcomes_inside_literature_bounds(examples):
    assert len(examples) == 9
    for name, r in examples.items():
        t = r.totals
        assert t["synthetic"] is True and "SYNTHETIC" in t["synthetic_note"], name
        assert t["cooling_model"] == "literature"
        # non-zero and ordered: low <= central <= high
        assert 0 < t["deaths_avoided_low"] <= t["deaths_avoided_central"] <= t["deaths_avoided_high"], name
        assert t["person_degree_hours_reduced"] > 0
        assert t["eur_per_death_avoided"] > 0 and t["eur_per_person_degree_hour"] > 0
        # treated-site air cooling within the neighbourhood-measure literature (0 < cooling <= 1.5 K)
        assert -1.5 <= t["mean_delta_t_air_treated"] < 0, (name, t["mean_delta_t_air_treated"])
        # sanity checks against Krayenhoff et al. 2021 and the surface/air agreement never warn
        assert not [c for c in r.checks if c["status"] == "warning"], (name, r.warnings)
        # the deaths avoided are a small share of the city's heat deaths (neighbourhood measures, ~5 M EUR)
        assert t["deaths_avoided_high"] < 0.1 * t["heat_deaths_baseline"]


def test_proxy_curves_are_stated(examples):
    # Niš and Podgorica have no curve of their own (data README): the nearest city stands in, and says so
    assert examples["Sofia - green"].totals["health_note"] == ""
    for name in ("Niš - green", "Podgorica - white"):
        note = examples[name].totals["health_note"]
        assert "no curve for" in note and "km" in note, note
        assert note in examples[name].summary() or "no curve" in json.dumps(examples[name].totals, ensure_ascii=False)


def test_district_outcomes_add_up_to_the_city(examples):
    r = examples["Sofia - white"]
    tab, tot = r.table, r.totals
    # deaths avoided are linear in residents: the district sums equal the city total (same interpolation grid
    # up to pixels outside every district; 1e-3 relative)
    assert tab["deaths_avoided_central"].sum() == pytest.approx(tot["deaths_avoided_central"], rel=1e-3)
    assert tab["person_degree_hours_reduced"].sum() == pytest.approx(tot["person_degree_hours_reduced"], rel=1e-3)
    # residents cooled by >= 0.5 K: by hand from the maps
    pop = np.nan_to_num(r.maps["population"].values.astype(float))
    d = np.nan_to_num(r.maps["delta_t_air_model"].values.astype(float))
    assert tot["residents_cooled_0_5k"] == pytest.approx(float(pop[d <= COOLED_THRESHOLD_K].sum()))


def test_annualised_cost_counts_operation_and_maintenance(examples):
    t = examples["Sofia - green"].totals
    # 2500 trees x (EUR 2,000 / 40 yr + EUR 42/yr) + 5000 m2 pocket park x (EUR 150 / 30 yr + EUR 3/yr) (catalogue)
    assert t["annualised_cost_eur_per_year"] == pytest.approx(2500 * (2000 / 40 + 42) + 5000 * (150 / 30 + 3))
    assert t["eur_per_death_avoided"] == pytest.approx(t["annualised_cost_eur_per_year"] / t["deaths_avoided_central"])


def test_ranking_by_eur_per_death_avoided_with_a_sentence_each(examples):
    df = comparison_table([examples[f"Niš - {k}"] for k in ("blue", "green", "white")])
    assert df["eur_per_death_avoided"].is_monotonic_increasing
    assert list(df["rank"]) == [1, 2, 3]
    assert all(isinstance(w, str) and "heat deaths per summer" in w for w in df["why"])
    assert df["why"].iloc[0].startswith("#1 (lowest annualised cost per heat death avoided")
    ratio = df["eur_per_death_avoided"].iloc[2] / df["eur_per_death_avoided"].iloc[0]
    assert f"{ratio:.1f} x the best option" in df["why"].iloc[2]


def test_sites_not_sprinkles(examples):
    # 2,500 street trees fill whole sites: every treated pixel gets its full street/open-space capacity
    # (the treated share is the placement share of its land-cover class), and the trees stand on few patches
    from scipy import ndimage

    r = examples["Sofia - green"]
    f = np.asarray(r.maps["treated_fraction"].values, dtype=float)
    treated = f > 0
    _, n_patches = ndimage.label(treated, structure=np.ones((3, 3)))
    assert 0 < n_patches <= 5
    assert np.median(f[treated]) >= 0.3  # e.g. 0.35 = street 0.30 + open space 0.05 in the dense core


def test_misting_cools_no_district_counts_operation_and_avoids_no_deaths(health_env, tmp_path):
    s = Scenario.from_toml("nis-options", variant="misting")
    r = s.run()
    t = r.totals
    assert np.nanmax(np.abs(r.maps["delta_t_air_model"].values)) == 0.0  # no district-wide ΔT_air
    assert t["deaths_avoided_central"] == 0.0 and t["person_degree_hours_reduced"] == 0.0
    assert t["eur_per_death_avoided"] is None  # undefined, not infinite
    # 100 devices x (EUR 15,000 / 10 yr + EUR 1,500 / yr operation) (catalogue defaults)
    assert t["annualised_cost_eur_per_year"] == pytest.approx(100 * (15000 / 10 + 1500))
    assert "WBGT" in t["outcome_sentence"] and "iso-enthalpic" in t["outcome_sentence"]
    # ΔWBGT at a device: 0.1 x -2.42 K (ISO 7243 air-temperature weight; wet-bulb unchanged) = -0.24 K, ~0
    msg = next(c["message"] for c in r.checks if c["check"] == "hyper-local misting")
    assert "ΔWBGT = 0.1 x ΔT_air = -0.24 K" in msg and "no district-wide change" in msg


def test_written_outputs_say_synthetic(examples, tmp_path):
    r = examples["Podgorica - blue"]
    r.write(tmp_path / "out")
    with rasterio.open(tmp_path / "out" / "delta_t_air.tif") as f:
        assert "SYNTHETIC" in f.tags()["synthetic"]
    totals = json.loads((tmp_path / "out" / "totals.json").read_text(encoding="utf-8"))
    assert totals["synthetic"] is True
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC SCENE" in html and "<h1>SYNTHETIC city" in html
    header = (tmp_path / "out" / "districts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "deaths_avoided_central" in header and "synthetic" in header


def test_delta_map_colours_from_treated_sites_and_masks_noise(examples):
    import matplotlib.pyplot as plt

    r = examples["Sofia - white"]
    ax = r.plot(variable="delta_t_air")
    im = ax.images[0]
    d = np.asarray(r.maps["delta_t_air"].values, dtype=float)
    sites = r.sites
    # colour limit = largest |ΔT| over the treated sites (not the 98th percentile of all pixels)
    assert im.norm.vmax == pytest.approx(np.nanmax(np.abs(d[sites])), rel=1e-6)
    shown = np.ma.getdata(im.get_array()).astype(float)
    assert np.all(np.isnan(shown[np.abs(np.nan_to_num(d)) < 0.01]))  # |Δ| < 0.01 K left blank
    assert ax.get_title().startswith("SYNTHETIC city")
    plt.close(ax.figure)


def test_residents_65_from_a_vulnerability_table(health_env, tmp_path):
    # A per-district table with an elderly share: residents >= 65 cooled = Σ_districts cooled residents x share (hand)
    import geopandas as gpd

    from uhi._toml import tomllib
    from uhi.scenarios import example_path
    from uhi.synthetic import default_scene

    names = gpd.read_file(default_scene("Sofia") / "truth" / "districts.gpkg")["district"].tolist()
    shares = {n: 0.10 + 0.01 * i for i, n in enumerate(names)}
    csv = tmp_path / "people.csv"
    csv.write_text("district,elderly\n" + "\n".join(f"{n},{v:.2f}" for n, v in shares.items()) + "\n", encoding="utf-8")
    data = tomllib.loads(example_path("sofia-green").read_text(encoding="utf-8"))
    data["vulnerability"] = str(csv)
    r = Scenario.from_dict(data).run()
    tab, t = r.table, r.totals
    hand = sum(row.residents_cooled_0_5k * shares[row.district] for row in tab.itertuples())
    assert t["residents_65plus_cooled_0_5k"] == pytest.approx(hand, rel=1e-9)
    assert t["share_65_source"] == "vulnerability table (per district)"
    assert t["residents_cooled_0_5k"] > 0
