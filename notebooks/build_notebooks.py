"""Write the tutorial notebooks (unexecuted) from the cells below: ``python notebooks/build_notebooks.py``.

The notebooks are executed by ``tests/test_notebooks.py``; edit the cells here, not the .ipynb files, so the
three stay in one reviewable place. Real data is read from ``../shared/data`` (see its README.md).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = """\
from pathlib import Path
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import uhi

import os

# Real data beside the checkout (../shared/data from the project root; the tests set UHI_SHARED_DATA)
SHARED = Path(os.environ.get("UHI_SHARED_DATA", "../../shared/data"))
WORK = Path(tempfile.mkdtemp(prefix="uhi-notebook-"))
print("uhi", uhi.__version__, "| shared data:", SHARED.resolve(), "| scratch:", WORK)"""

NB01 = [
    new_markdown_cell("""\
# 1 · Land-surface temperature from Landsat 8/9

This notebook loads real Landsat scenes of three kinds — Collection 2 Level-2 (Liverpool), Collection 2
Level-1 from Landsat 9 (Maui) and a pre-collection L1T scene with two thermal bands (Pensacola) — and a
synthetic scene of the pilot city **Sofia** whose true LST is known, and computes LST by every method:

| method | needs | equation (source) |
|---|---|---|
| `simple` | B10 brightness temperature, red/NIR | radiative-transfer-free emissivity correction (Avdan & Jovanovska 2016, doi:10.1155/2016/1480307) |
| `single-channel` | B10 BT, water vapour *w* | Jiménez-Muñoz et al. 2014 ψ functions (doi:10.1109/LGRS.2014.2312032) |
| `split-window` | B10 + B11 BT, *w* | Jiménez-Muñoz et al. 2014 or Du et al. 2015 (doi:10.3390/rs70100647) |
| `l2` | C2 L2 `ST_B10` | USGS product, scaled to K (LSDS-1619) |

Finally Sofia's real summer LST (2014, 2019) from the shared city data."""),
    new_code_cell(SETUP),
    new_markdown_cell("## Collection 2 Level-2: Liverpool, 2020-09-27\nThe crop's TIFFs carry no georeferencing; "
                      "`load_landsat` rebuilds it from the MTL (UTM 30N)."),
    new_code_cell("""\
liverpool = uhi.load_landsat(SHARED / "landsat" / "LC08_L2SP_204023_20200927_20201006_02_T1-cropped.tar.gz")
print(liverpool.rio.crs, dict(liverpool.sizes), liverpool.attrs["acquisition_time"])
lst_l2 = uhi.land_surface_temperature(liverpool, method="l2")
lst_c = uhi.to_celsius(lst_l2)
print(f"L2 LST: {float(lst_c.min()):.1f} .. {float(lst_c.max()):.1f} °C")  # README of the data: 11.8 .. 22.1 °C
uhi.plot.lst_map(lst_l2, title="Liverpool, L2 surface temperature, 2020-09-27");"""),
    new_markdown_cell("## Pre-collection L1T with two thermal bands: Pensacola, 2015-08-04\n"
                      "All four methods run here. Water vapour is not in the MTL: we use 3.5 g cm⁻², a typical "
                      "August column over the Gulf coast (give a MODIS MOD05 or ERA5 value for real work)."),
    new_code_cell("""\
pensacola = uhi.load_landsat(SHARED / "landsat" / "LC80200392015216LGN00.tar.gz", mask_clouds=True)
print(pensacola.attrs["collection"], pensacola.attrs["processing_level"], list(pensacola.data_vars))
methods = {
    "simple": uhi.land_surface_temperature(pensacola, method="simple"),
    "single-channel": uhi.land_surface_temperature(pensacola, method="single-channel", water_vapour=3.5),
    "split-window (JM2014)": uhi.land_surface_temperature(pensacola, method="split-window", water_vapour=3.5),
    "split-window (Du 2015)": uhi.land_surface_temperature(pensacola, method="split-window", water_vapour=3.5,
                                                           coefficients="du2015"),
}
table = pd.DataFrame({name: uhi.to_celsius(da).to_series().describe() for name, da in methods.items()}).T
table[["mean", "std", "min", "50%", "max"]].round(2)"""),
    new_code_cell("""\
fig, axes = plt.subplots(1, 2, figsize=(13, 5))
uhi.plot.lst_map(methods["split-window (JM2014)"], ax=axes[0], title="Pensacola, split-window LST, 2015-08-04")
diff = methods["split-window (JM2014)"] - methods["single-channel"]
uhi.plot.delta_map(diff.assign_attrs(units="K"), ax=axes[1], title="split-window − single-channel", label="ΔLST");"""),
    new_markdown_cell("## Landsat 9 Level-1: Maui, 2023-07-14\nThe loader takes the band-10 constants from the "
                      "scene's MTL (Landsat 9: K1 = 799.0284, K2 = 1329.2405); B11 is not in the crop, so "
                      "split-window is refused with a clear error."),
    new_code_cell("""\
maui = uhi.load_landsat(SHARED / "landsat" / "LC09_L1TP_063046_20230714_20230714_02_T1-cropped.tar.gz")
print(maui.attrs["spacecraft"], maui.attrs["k1_constant_band_10"], maui.attrs["k2_constant_band_10"])
lst_maui = uhi.land_surface_temperature(maui, method="single-channel", water_vapour=2.5)
try:
    uhi.land_surface_temperature(maui, method="split-window", water_vapour=2.5)
except uhi.errors.UhiError as err:
    print("as expected:", err)
uhi.plot.lst_map(lst_maui, title="Lahaina, Maui, single-channel LST, 2023-07-14");"""),
    new_markdown_cell("## A synthetic pilot city with a known truth: Sofia\n`uhi.synthetic.make_scene` draws a "
                      "city from the registry, assigns land cover, reflectances and emissivities, and "
                      "forward-models the at-sensor radiance from a known LST through the same Planck and "
                      "atmosphere equations; the result is a real Collection 2 L1 scene folder. We check every "
                      "method against the truth."),
    new_code_cell("""\
import rioxarray

scene = uhi.synthetic.make_scene("Sofia", shape=(400, 400), level="L1", seed=0, out=WORK)
truth = rioxarray.open_rasterio(scene / "truth" / "lst.tif").squeeze(drop=True)
sofia = uhi.load_landsat(scene)
print(sofia.attrs["city"], sofia.attrs["acquisition_time"], "water vapour", sofia.attrs["water_vapour"], "g cm-2")
rows = {}
for method in ("simple", "single-channel", "split-window"):
    lst = uhi.land_surface_temperature(sofia, method=method)
    err = (lst - truth.values).values
    rows[method] = {"bias [K]": np.nanmean(err), "RMSE [K]": np.sqrt(np.nanmean(err ** 2))}
pd.DataFrame(rows).T.round(3)"""),
    new_markdown_cell("The `simple` method ignores the atmosphere, so on this scene (with water vapour) it is "
                      "biased low; on a scene generated with `atmosphere=False` it recovers the truth "
                      "(tests/test_lst_synthetic.py). The single-channel and split-window methods correct for "
                      "the atmosphere and stay within 1 K."),
    new_code_cell("""\
fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
uhi.plot.lst_map(truth.assign_attrs(units="K").rio.write_crs(sofia.rio.crs), ax=axes[0], title="Sofia (synthetic), true LST")
uhi.plot.lst_map(uhi.land_surface_temperature(sofia, method="single-channel"), ax=axes[1],
                 title="Sofia (synthetic), single-channel LST");"""),
    new_markdown_cell("## Sofia's real summer LST, 2014 and 2019\nThe shared city data holds two Landsat 8 "
                      "summer scenes of Sofia processed to 120 m stacks (indices, population, LST in °C), with "
                      "corrected georeferencing (read as they are). Their spectral indices were computed from "
                      "digital numbers, not reflectance: use them as relative predictors only."),
    new_code_cell("""\
from uhi.io.stack import SOFIA_STACK_BANDS, SOFIA_STACK_SCALES, SOFIA_STACK_UNITS, load_stack

stacks = {year: load_stack(SHARED / "cities" / "sofia" / f"LC08_184030_{date}.tif", SOFIA_STACK_BANDS,
                           units=SOFIA_STACK_UNITS, scales=SOFIA_STACK_SCALES)
          for year, date in (("2014", "20140814"), ("2019", "20190812"))}
outline = uhi.io.load_vector(SHARED / "cities" / "sofia" / "sofia_municipality.geojson", like=stacks["2019"]["lst"])
fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
for ax, (year, st) in zip(axes, stacks.items()):
    uhi.plot.lst_map(st["lst"], ax=ax, title=f"Sofia, Landsat 8 LST, summer {year}", districts=outline, vmin=20, vmax=55)
pd.DataFrame({year: st["lst"].to_series().describe() for year, st in stacks.items()}).T.round(1)"""),
]

NB02 = [
    new_markdown_cell("""\
# 2 · Heat risk: where it is hottest, who lives there, which districts are most at risk

On a real pilot city first — **Sofia**, Landsat 8 summer scenes of 2014 and 2019 with GHS-POP population and
the municipality outline — then on **Vienna**'s 250 census districts and 23 Bezirke over a synthetic Vienna scene
(no real Vienna scene ships), and on a real Landsat scene (Liverpool).

Risk follows the IPCC AR5/AR6 framing (IPCC 2014, AR5 WGII; applied to heat with satellite LST by Estoque et al. 2020, Nat. Commun. 11:1581, doi:10.1038/s41467-020-15218-8): *risk = hazard × exposure × vulnerability*, each
normalised to [0, 1]; hazard from LST, exposure from population density, vulnerability from low-NDVI /
high-NDBI proxies when no socio-economic layers are given (the output attributes say which were used)."""),
    new_code_cell(SETUP),
    new_code_cell("""\
from uhi.io.stack import SOFIA_STACK_BANDS, SOFIA_STACK_SCALES, SOFIA_STACK_UNITS, load_stack
from uhi.analysis import analyse_layers

folder = SHARED / "cities" / "sofia"
stack = load_stack(folder / "LC08_184030_20190812.tif", SOFIA_STACK_BANDS, units=SOFIA_STACK_UNITS,
                   scales=SOFIA_STACK_SCALES)
outline = uhi.io.load_vector(folder / "sofia_municipality.geojson", like=stack["lst"])
outline["district"] = ["Sofia City municipality"]
# GHS-POP 2020 at 120 m, Mollweide, reprojected onto the stack grid preserving totals
population = uhi.load_population(folder / "GHS_POP_E2020_sofia_120m_mollweide.tif", like=stack["lst"])
print(f"residents on the stack grid: {float(population.sum()):,.0f} "
      "(the file is not mass-preserving: about x1.44 below the census, see the data README)")
sofia = analyse_layers(stack["lst"], ndvi=stack["ndvi"], ndbi=stack["ndbi"], mndwi=stack["mndwi"],
                       population=population, districts=outline, city="Sofia", date="2019-08-12")
pd.Series(sofia.summary())"""),
    new_markdown_cell("### Surface UHI intensity, UTFVI and thermal zones"),
    new_code_cell("""\
from uhi.metrics import thermal_zones, utfvi, utfvi_classes

print(f"SUHII = {sofia.suhii.suhii:.2f} K (urban {sofia.suhii.urban_mean - 273.15:.1f} °C vs rural ring "
      f"{sofia.suhii.rural_mean - 273.15:.1f} °C)")
classes = utfvi_classes(utfvi(stack["lst"]))
shares = pd.Series(classes.values[classes.values > 0]).value_counts(normalize=True).sort_index()
shares.index = ["excellent", "good", "normal", "bad", "worse", "worst"][: len(shares)]
print("UTFVI ecological-evaluation classes (share of pixels):")
print(shares.round(3))
zones = thermal_zones(stack["lst"])"""),
    new_markdown_cell("### Hot spots (Getis-Ord Gi*, 500 m band) and the risk map"),
    new_code_cell("""\
fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
uhi.plot.hotspot_map(sofia.hotspots, ax=axes[0], title="Sofia, Gi* hot spots, 2019-08-12", districts=outline)
uhi.plot.risk_map(sofia.risk["risk_class"], ax=axes[1], title="Sofia, heat risk, 2019-08-12", districts=outline);"""),
    new_code_cell("""\
sofia.district_table.drop(columns="geometry").T"""),
    new_markdown_cell("### 2014 → 2019\nThe same analysis on the 2014 scene; hazard is normalised per scene, so "
                      "compare the physical numbers (LST, SUHII, residents in the hottest cells)."),
    new_code_cell("""\
stack14 = load_stack(folder / "LC08_184030_20140814.tif", SOFIA_STACK_BANDS, units=SOFIA_STACK_UNITS,
                     scales=SOFIA_STACK_SCALES)
sofia14 = analyse_layers(stack14["lst"], ndvi=stack14["ndvi"], ndbi=stack14["ndbi"], mndwi=stack14["mndwi"],
                         population=population, districts=outline, city="Sofia", date="2014-08-14")
pd.DataFrame({"2014-08-14": sofia14.summary(), "2019-08-12": sofia.summary()}).drop(["city", "date"])"""),
    new_markdown_cell("## Vienna: 250 census districts and 23 Bezirke\nA synthetic Vienna scene from the city "
                      "registry (UTM 33N) stands in for a real one; the districts are the real ones."),
    new_code_cell("""\
scene = uhi.synthetic.make_scene("Vienna", shape=(700, 700), level="L1", seed=0, out=WORK)
vienna = uhi.analysis.analyse_city(scene)
census = uhi.io.load_vector(SHARED / "cities" / "vienna" / "vienna_zaehlbezirke_2020.geojson", like=vienna.lst)
bezirke = uhi.io.load_vector(SHARED / "vector" / "austria_districts_2021.geojson", like=vienna.lst)
bezirke = bezirke[bezirke["iso"].astype(int).between(901, 923)].reset_index(drop=True)
table = uhi.analysis.district_table(vienna.lst, bezirke, population=vienna.population, risk=vienna.risk,
                                    id_column="name")
covered = table[table["lst_count"] > 0]
print(f"{len(covered)} of 23 Bezirke overlap the synthetic frame")
covered.drop(columns="geometry").sort_values("residents_high_risk", ascending=False).head(8).round(2)"""),
    new_code_cell("""\
# ZBEZNR repeats across districts: the census-district id is district number + ZBEZNR
census["zbez_id"] = census["BEZNR"].astype(int) * 100 + census["ZBEZNR"].astype(int)
census_table = uhi.zonal.zonal_stats(uhi.to_celsius(vienna.lst).rename("lst"), census, stats=("mean", "count", "p90"),
                                     id_column="zbez_id")
fig, axes = plt.subplots(1, 2, figsize=(15, 6))
uhi.plot.district_choropleth(census_table[census_table["lst_count"] > 0], "lst_mean", ax=axes[0],
                             title="Vienna (synthetic scene), mean LST per census district", units="°C")
uhi.plot.risk_bars(covered, ax=axes[1], column="residents_high_risk", label_column="name",
                   title="Residents in high / very high heat-risk cells per Bezirk");"""),
    new_markdown_cell("## A real scene: hot spots in Liverpool (L2)"),
    new_code_cell("""\
liverpool = uhi.load_landsat(SHARED / "landsat" / "LC08_L2SP_204023_20200927_20201006_02_T1-cropped.tar.gz")
lst = uhi.land_surface_temperature(liverpool, method="l2")
hot = uhi.metrics.hotspots(lst, distance_m=300)
uhi.plot.hotspot_map(hot, title="Liverpool, Gi* hot spots (300 m), 2020-09-27");"""),
]

NB03 = [
    new_markdown_cell("""\
# 3 · Interventions and scenarios: what cools a pilot city, for whom, at what cost

A planner's workflow on **Niš** (and Sofia): the baseline analysis, a catalogue of green / white / blue
interventions with their effect sizes and costs (each with its paper, `uhi.references`), scenario files scored against the baseline with
the InVEST Urban Cooling Model equations (Natural Capital Project user guide), a side-by-side comparison, and the "urban acupuncture"
optimiser that spends a budget where it protects the most people."""),
    new_code_cell(SETUP),
    new_markdown_cell("## The intervention catalogue"),
    new_code_cell("""\
catalogue = uhi.interventions.load_catalogue()
pd.DataFrame([{"key": k, "category": i.category, "unit": i.unit, "EUR/unit": i.unit_cost_eur,
               "default cost": i.cost_is_default, "scale": i.scale, "ΔLST [K]": i.lst_change_k,
               "placement": ", ".join(i.placement)} for k, i in catalogue.items()]).set_index("key")"""),
    new_markdown_cell("## Scenario files\nShipped examples live in `data/scenarios/`; each names a city, the "
                      "baseline parameters and a list of interventions with an amount and a location "
                      "(district names, polygons, or the top-risk cells)."),
    new_code_cell("""\
print(uhi.scenarios.list_examples())
print(uhi.scenarios.example_path("nis-green").read_text())"""),
    new_code_cell("""\
# run_all shares one baseline between scenarios on the same inputs; comparison_table ranks by cost per °C·person
results = uhi.scenarios.run_all([uhi.scenarios.example_path(name) for name in ("nis-green", "nis-white", "nis-blue")])
comparison = uhi.scenarios.comparison_table(results)
comparison"""),
    new_code_cell("""\
green = results[0]
print({k: v for k, v in green.totals.items() if not isinstance(v, (list, dict))})
green.plot();"""),
    new_code_cell("""\
green.table.drop(columns="geometry").round(3).head(10)"""),
    new_code_cell("""\
out = green.write(WORK / "nis-green")
print(sorted(p.name for p in (WORK / "nis-green").iterdir()))"""),
    new_markdown_cell("## Urban acupuncture: where should a limited budget go?\nThe optimiser chooses "
                      "(site, intervention) pairs that maximise Σ residents × vulnerability × cooling within the "
                      "budget, with exact marginal gains from the cooling model (lazy greedy, see "
                      "`uhi.optimize`). We compare it with spending the same budget on the hottest sites first."),
    new_code_cell("""\
from uhi.scenarios import Scenario, prepare_baseline

scenario = Scenario.from_toml(uhi.scenarios.example_path("nis-green"))
baseline = prepare_baseline(scenario.spec)
settings = baseline.settings
weights = uhi.optimize.risk_weights(baseline.population, baseline.risk["vulnerability"])
common = dict(landcover=baseline.landcover, interventions=["street_trees", "pocket_park", "cool_roof", "green_roof"],
              ref_et=settings.ref_et, t_ref=settings.t_ref, uhi_max=settings.uhi_max,
              cooling_distance=settings.cooling_distance, mixing_radius=settings.mixing_radius,
              risk=baseline.risk["risk"], population=baseline.population, max_candidates=60)
plan = uhi.optimize.optimize(baseline.params, weights, catalogue, 1_000_000, **common)
plan.sites.drop(columns="geometry").head(10)"""),
    new_code_cell("""\
fig, axes = plt.subplots(1, 2, figsize=(15, 6))
plan.plot(ax=axes[0])
plan.plot_curve(ax=axes[1]);"""),
    new_markdown_cell("The lazy greedy is compared with the 0-1 knapsack on linearised single-site gains "
                      "(`method=\"milp\"`, exact for a linear model but blind to interactions between sites); "
                      "tests/test_optimize.py also checks it against random and hottest-first placements and an "
                      "exhaustive search on a small instance. The knapsack can beat the greedy when the greedy "
                      "leaves budget unspent (its last affordable option per euro was not the best use of the "
                      "remainder); the greedy's guarantee is the (1 − 1/e)/2 bound, not optimality."),
    new_code_cell("""\
milp = uhi.optimize.optimize(baseline.params, weights, catalogue, 1_000_000, method="milp", **common)
pd.DataFrame({name: {"objective [person·K]": r.objective, "spent [EUR]": r.stats["spent_eur"], "sites": len(r.sites),
                     "cooling-model evaluations": r.stats.get("evaluations")}
              for name, r in (("lazy greedy", plan), ("milp (linearised)", milp))}).T
"""),
]


def _write(name: str, cells) -> None:
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    _write("01_land_surface_temperature.ipynb", NB01)
    _write("02_heat_risk.ipynb", NB02)
    _write("03_interventions_and_scenarios.ipynb", NB03)
