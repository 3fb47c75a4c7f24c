"""Scenario results: the result object (maps, per-district table, totals, checks), its figures and files.

The numbers are computed in :mod:`uhi.scenarios.accounting` and :mod:`uhi.scenarios.checks`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import ClassVar

import geopandas as gpd
import numpy as np
import pandas as pd
import xarray as xr

from ..io.write import atomic_path, output_folder, refuse_existing, safe_output_path, write_raster, written_paths

__all__ = ["CAVEATS", "OUTPUT_FILES", "RANKING", "ScenarioResult", "comparison_table"]

#: Files written by :meth:`ScenarioResult.write` (relative to the output folder).
OUTPUT_FILES = (
    "delta_t_air.tif", "delta_lst.tif", "districts.gpkg", "districts.csv", "totals.json",
    "t_air_before.png", "t_air_after.png", "t_air_difference.png", "risk_classes.png", "report.html",
)

#: Caveats printed in every report.
CAVEATS = (
    (
        "Air temperature comes from the scenario cooling configuration 'literature' by default (data/cooling_literature.toml): "
        "the dense core is UHI_max warmer than cropland before mixing, +0.10 albedo cools by 0.3 K (Santamouris 2014, "
        "doi:10.1016/j.solener.2012.07.003; range 0.2-0.6 K, Krayenhoff et al. 2021, doi:10.1088/1748-9326/abdcf1), vegetation "
        "and water cool through their crop coefficient, and the air mixes with an exponential decay over 150 m (park cooling "
        "decays exponentially and reaches 20-440 m, Doick et al. 2014, doi:10.1016/j.scitotenv.2014.06.048). [baseline] "
        "cooling_model = \"invest\" runs the InVEST Urban Cooling Model instead, whose T_air stays within [T_ref, T_ref + UHI_max] "
        "and whose cooling is much weaker. Either way the magnitudes scale with the UHI_max you set."
    ),
    (
        "Heat deaths avoided per summer use the city exposure-response curves of Masselot et al. 2023 (Lancet Planet. Health "
        "7:e271, doi:10.1016/S2542-5196(23)00023-2) and the method of Iungman et al. 2023 (Lancet 401:577, "
        "doi:10.1016/S0140-6736(22)02585-5): the scenario's ΔT_air at each resident's home is applied to every June-August "
        "daily mean temperature of the city series. The range combines the curve's 95 % interval (delta method) with the "
        "effect-size range of the cooling; the modelled ΔT_air is an afternoon effect, so applying it to daily means may "
        "overstate the benefit. Version-1 results of Masselot et al. inflate the 85+ death rates (corrected in their v2). "
        "Cities without their own curve use the nearest city's curve, stated with every result."
    ),
    (
        "Hyper-local measures (misting, fountains, green walls: green walls ~1.5 m [jccr-vgs], misting and fountains the immediate surroundings [buildings2024-misting; urban-green-blue-grids]) are not put through the district-scale "
        "cooling model: each unit cools the air by its at-device value over its footprint (a disc of its radius, a strip "
        "along a wall); maps show the pixel mean. They do not cool a district and change no resident's daily temperature, "
        "so they avoid no modelled deaths; their operating cost is counted. Misting is iso-enthalpic: WBGT barely "
        "improves (Atmosphere 2023, 14:177, doi:10.3390/atmos14010177)."
    ),
    (
        "Surface temperature changes (ΔLST) are the catalogue's effect sizes (the studies cited in each catalogue entry) times the treated share "
        "of each pixel; they feed the heat hazard of the risk map. Exposure and vulnerability are held at the baseline, "
        "and the baseline normalisation bounds and class breaks (fitted on populated pixels) are kept fixed, so class "
        "changes are real changes. 'Residents moved out of the top risk classes' is a secondary figure: relative classes "
        "need many kelvin of surface cooling to change."
    ),
    (
        "Costs marked as defaults have no local source (published cost figures are sparse): override them with local prices "
        "in a [catalogue.<key>] table. The annualised cost is capital / lifetime plus yearly operation and maintenance."
    ),
    (
        "Neighbourhood cooling is cross-checked against the modelling review of Krayenhoff et al. 2021 (0.2-0.6 °C per "
        "+0.10 neighbourhood albedo, roughly 0.3 °C per +0.10 canopy; Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1), "
        "integrated over the city because air mixing moves the cooling beyond the treated cells; results outside these ranges "
        "are flagged."
    ),
)


#: Ranking keys of :func:`comparison_table`, lowest first; an option without the outcome ranks after those with it.
RANKING = ("eur_per_death_avoided", "eur_per_person_degree_hour", "cost_per_degc_person")


def comparison_table(results) -> pd.DataFrame:
    """Totals of several results side by side, ranked by annualised EUR per heat death avoided (lowest first).

    Ties and options that avoid no modelled death (hyper-local measures, or no exposure-response data) are
    ordered by annualised EUR per person-degree-hour, then by capital cost per °C·person. ``why`` is the
    option's one-sentence summary (:func:`uhi.scenarios.outcomes.option_sentence`).
    """
    rows = []
    for r in results:
        t = {k: v for k, v in r.totals.items() if k != "interventions"}
        t["measures"] = ", ".join(f"{i['units']:g} {i['unit']} {i['type']}" for i in r.totals["interventions"])
        t["why"] = t.pop("outcome_sentence", "")
        rows.append({"scenario": r.name, "city": r.city, **t})
    df = pd.DataFrame(rows)
    keys = []
    for k in RANKING:
        if k in df.columns:
            df[f"_{k}"] = pd.to_numeric(df[k], errors="coerce").astype(float).fillna(np.inf)
            keys.append(f"_{k}")
    df = df.sort_values([*keys, "cost_eur"], kind="stable").drop(columns=keys).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    if "eur_per_death_avoided" in df.columns:
        per = pd.to_numeric(df["eur_per_death_avoided"], errors="coerce")
        best = per.min() if per.notna().any() else None

        def reason(i):
            v = float(per.iloc[i])
            if not np.isfinite(v):
                return "avoids no modelled death (or no exposure-response data): ranked by its other outcomes"
            if best is not None and v <= best * (1 + 1e-12):
                return f"lowest annualised cost per heat death avoided, EUR {v:,.0f}"
            return f"EUR {v:,.0f} per heat death avoided, {v / best:.1f} x the best option"

        df["why"] = [f"#{r} ({reason(i)}). {w}" for i, (r, w) in enumerate(zip(df["rank"], df["why"]))]
    return df


@dataclasses.dataclass
class ScenarioResult:
    """Outcome of :meth:`uhi.scenarios.Scenario.run`.

    Attributes
    ----------
    table : GeoDataFrame
        Per district: residents, mean / population-weighted ΔT_air [K], max cooling, mean ΔLST [K],
        °C·person reduced, residents at high risk before / after, residents protected, class changes.
    totals : dict
        Cost [EUR], annualised cost, ΔT_air, °C·person reduced, cost per °C·person, people protected,
        EUR per resident protected, the measures placed.
    maps : Dataset
        ``t_air_baseline``, ``t_air_scenario`` [degC], ``delta_t_air`` (+ its model and local parts) [K],
        ``delta_lst`` [K], ``lst_baseline/scenario`` [K], ``risk_*``, ``risk_class_baseline/scenario``,
        ``treated_fraction``, ``population``.
    checks : list of dict
        Sanity checks (InVEST bound; Krayenhoff et al. 2021 ranges) with ``status`` ok / warning / info.
    """

    name: str
    city: str
    maps: xr.Dataset
    table: gpd.GeoDataFrame
    totals: dict
    placements: list
    settings: object
    checks: list
    _png: dict | None = dataclasses.field(default=None, init=False, repr=False, compare=False)
    #: Caveats printed in every report and written into ``totals.json``.
    caveats: ClassVar[tuple[str, ...]] = CAVEATS

    @property
    def sites(self) -> np.ndarray:
        """Boolean map of the treated cells: neighbourhood measures and hyper-local devices."""
        m = np.zeros(self.maps["delta_t_air"].shape, dtype=bool)
        if "treated_fraction" in self.maps:
            m |= np.nan_to_num(np.asarray(self.maps["treated_fraction"].values, dtype=np.float64)) > 0
        for p in self.placements:
            if getattr(p, "units_per_pixel", None) is not None:
                m |= np.asarray(p.units_per_pixel) > 0
        return m

    @property
    def _title_prefix(self) -> str:
        return "SYNTHETIC city - " if self.totals.get("synthetic") else ""

    @property
    def warnings(self) -> list[str]:
        return [c["message"] for c in self.checks if c["status"] == "warning"]

    def summary(self) -> str:
        """One paragraph: the outcome sentence, then the secondary figures (°C·person, residents out of high risk)."""
        t = self.totals
        cpp = "n/a" if t["cost_per_degc_person"] is None else f"{t['cost_per_degc_person']:,.2f} EUR"
        head = (t.get("synthetic_note", "") + " ") if t.get("synthetic") else ""
        sentence = t.get("outcome_sentence") or (f"{self.name}: cost {t['cost_eur']:,.0f} EUR; mean ΔT_air "
                                                 f"{t['mean_delta_t_air']:+.3f} K (max cooling {t['max_cooling_t_air']:.2f} K).")
        return (f"{head}{sentence} Capital cost {t['cost_eur']:,.0f} EUR; {t['degc_person_reduced']:,.0f} °C·person reduced "
                f"({cpp} per °C·person); {t['people_protected']:,.0f} residents out of the top risk classes (secondary).")

    def plot(self, ax=None, variable: str = "delta_t_air"):
        """Map of one of :attr:`maps` (default the air temperature change) with district outlines; returns the Axes.

        Drawn by :func:`uhi.plot.scenario_map`.
        """
        from ..plot import scenario_map

        return scenario_map(self, variable, ax=ax)

    def figures(self) -> dict:
        """Matplotlib figures keyed by PNG file name (:func:`uhi.plot.scenario_figures`)."""
        from ..plot import scenario_figures

        return scenario_figures(self)

    def png_maps(self) -> dict[str, bytes]:
        """PNG bytes of :meth:`figures` (rendered once, reused by :meth:`write` and the report)."""
        from ..plot import figure_pngs

        if self._png is None:
            self._png = figure_pngs(self.figures())
        return self._png

    @staticmethod
    def comparison(results) -> pd.DataFrame:
        """:func:`comparison_table` of several results (what a report of several results ranks)."""
        return comparison_table(results)

    def totals_json(self) -> str:
        def clean(v):
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, (np.floating, np.integer)):
                return clean(v.item())
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            if isinstance(v, list):
                return [clean(x) for x in v]
            return v

        payload = {"scenario": self.name, "city": self.city, **clean(self.totals),
                   "checks": self.checks, "caveats": list(self.caveats)}
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def write(self, out_dir, overwrite: bool = False, *, report: bool = True) -> list[Path]:
        """Write rasters (COG), the district table (GeoPackage + CSV), totals JSON, PNG maps and the HTML report.

        The folder is written as a unit (:func:`uhi.io.write.output_folder`); existing outputs are refused
        before anything is written unless ``overwrite=True``.
        """
        from ..report import write_report

        names = OUTPUT_FILES if report else tuple(f for f in OUTPUT_FILES if f != "report.html")
        out = refuse_existing(out_dir, overwrite=overwrite, names=names)
        pngs = self.png_maps()
        with output_folder(out, overwrite=overwrite) as folder:
            targets = {name: safe_output_path(folder, name) for name in names}
            written = [
                write_raster(self.maps["delta_t_air"], targets["delta_t_air.tif"], overwrite=overwrite),
                write_raster(self.maps["delta_lst"], targets["delta_lst.tif"], overwrite=overwrite),
            ]
            with atomic_path(targets["districts.gpkg"], overwrite=overwrite) as tmp:
                self.table.to_file(tmp, driver="GPKG", layer="districts")
            written.append(targets["districts.gpkg"])
            with atomic_path(targets["districts.csv"], overwrite=overwrite) as tmp:
                pd.DataFrame(self.table.drop(columns="geometry")).to_csv(tmp, index=False, float_format="%.6g")
            written.append(targets["districts.csv"])
            with atomic_path(targets["totals.json"], overwrite=overwrite) as tmp:
                tmp.write_text(self.totals_json(), encoding="utf-8")
            written.append(targets["totals.json"])
            for fname, data in pngs.items():
                with atomic_path(targets[fname], overwrite=overwrite) as tmp:
                    tmp.write_bytes(data)
                written.append(targets[fname])
            if report:
                written.append(write_report(self, folder, overwrite=overwrite))
        return written_paths(written, folder, out)

