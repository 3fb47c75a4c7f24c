"""Self-contained HTML report of one or several cooling scenarios.

One file, no external assets: PNG maps are embedded as base64, tables are plain HTML. It carries the
totals, the per-district table, the measures with their cost and effect sources, the sanity checks of
Krayenhoff et al. 2021 (Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1) and the caveats (the InVEST bound T_air in [T_ref, T_ref + UHI_max]; hyper-local
measures modelled at their own scale). Written atomically (:func:`uhi.io.write.atomic_path`).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .io.write import atomic_path, safe_output_path
from .references import REFERENCES, bibliography_html, keys_in_text

__all__ = ["REPORT_NAME", "render_report", "write_report"]

REPORT_NAME = "report.html"

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans","Noto Sans",sans-serif;max-width:1150px;margin:2em auto;
padding:0 1em;color:#222;overflow-wrap:break-word}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}h3{margin-top:1.5em}
.scroll{width:fit-content;max-width:100%;overflow-x:auto;margin:.6em 0}
.scroll table{margin:0}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right}
td.t{min-width:8em;max-width:30em;overflow-wrap:break-word}
th{background:#f3f3f3;position:sticky;top:0}td.t,th.t{text-align:left}.warning{color:#a40000;font-weight:600}.ok{color:#1a7f37}
.info{color:#555}.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em 1em;margin:1em 0}
img{max-width:100%;height:auto;margin:.5em 0}
.default{color:#a65f00}ol.refs li{margin:.2em 0;overflow-wrap:anywhere}
"""

_TOTAL_LABELS = (
    ("deaths_avoided_central", "Heat deaths avoided per summer (central)", "{:.2f}"),
    ("deaths_avoided_low", "  low end (curve 95 % interval x effect-size range)", "{:.2f}"),
    ("deaths_avoided_high", "  high end", "{:.2f}"),
    ("heat_deaths_baseline", "Heat-attributable deaths per summer, baseline", "{:,.1f}"),
    ("person_degree_hours_reduced", "Person-degree-hours above the MMT avoided per summer", "{:,.0f}"),
    ("mmt_degC", "Minimum-mortality temperature, MMT [°C]", "{:.1f}"),
    ("residents_cooled_0_5k", "Residents with ΔT air <= -0.5 K at home", "{:,.0f}"),
    ("residents_65plus_cooled_0_5k", "  of whom aged 65+ (city age share)", "{:,.0f}"),
    ("annualised_cost_eur_per_year", "Annualised cost [EUR/yr] (capital / lifetime + operation and maintenance)", "{:,.0f}"),
    ("om_cost_eur_per_year", "  of which operation and maintenance [EUR/yr]", "{:,.0f}"),
    ("eur_per_death_avoided", "Annualised EUR per heat death avoided", "{:,.0f}"),
    ("eur_per_person_degree_hour", "Annualised EUR per person-degree-hour avoided", "{:,.3f}"),
    ("mean_delta_t_air_treated", "Mean ΔT air at the treated sites [K]", "{:+.3f}"),
    ("cost_eur", "Capital cost [EUR]", "{:,.0f}"),
    ("mean_delta_t_air", "Mean ΔT air, area [K]", "{:+.3f}"),
    ("popweighted_delta_t_air", "Mean ΔT air, population-weighted [K]", "{:+.3f}"),
    ("max_cooling_t_air", "Largest pixel cooling [K]", "{:.2f}"),
    ("mean_delta_lst", "Mean ΔLST [K]", "{:+.3f}"),
    ("degc_person_reduced", "°C·person reduced", "{:,.0f}"),
    ("cost_per_degc_person", "Cost per °C·person [EUR]", "{:,.2f}"),
    ("people_protected", "Residents moved out of the top two risk classes (secondary)", "{:,.0f}"),
    ("eur_per_resident_protected", "EUR per resident protected", "{:,.0f}"),
    ("residents_high_risk_before", "Residents at high / very high risk, before", "{:,.0f}"),
    ("residents_high_risk_after", "Residents at high / very high risk, after", "{:,.0f}"),
    ("treated_area_m2", "Area treated by neighbourhood measures [m²]", "{:,.0f}"),
)


def _fmt(value, pattern: str = "{:,.3g}") -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return pattern.format(float(value))
    return html.escape(str(value))


def _table(df: pd.DataFrame, formats: dict | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th class='t'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for _, row in df.iterrows():
        cells = []
        for c in df.columns:
            v = row[c]
            numeric = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
            cls = "" if numeric else " class='t'"
            cells.append(f"<td{cls}>{_fmt(v, formats.get(c, '{:,.3g}'))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    # wide tables (per district: ~15 columns) scroll inside their own box instead of widening the page
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(rows)}</table></div>"


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>"


def _section(result) -> str:
    t = result.totals
    parts = [f"<h2>{html.escape(result.name)}</h2>"]
    if getattr(result, "city", ""):
        model = ("InVEST Urban Cooling Model, Natural Capital Project" if t.get("cooling_model") == "invest"
                 else "literature cooling configuration, data/cooling_literature.toml")
        parts.append(f"<p>City: <b>{html.escape(str(result.city))}</b>{' (synthetic scene)' if t.get('synthetic') else ''}. "
                     f"Baseline: T_ref = {t['t_ref_degC']:g} °C, UHI_max = {t['uhi_max_degC']:g} °C ({model}).</p>")
    parts.append("<p>" + html.escape(result.summary()) + "</p>")
    if t.get("health_note"):
        parts.append(f"<p class='default'>{html.escape(t['health_note'])}</p>")
    if t.get("health_curve"):
        parts.append(f"<p>Exposure-response curve: {html.escape(t['health_curve'])}; summers {html.escape(str(t.get('summer_years', '')))}.</p>")
    rows = [(label, _fmt(t.get(key), pat)) for key, label, pat in _TOTAL_LABELS]
    parts.append("<h3>Totals</h3><div class='scroll'><table>" + "".join(
        f"<tr><td class='t'>{html.escape(a)}</td><td>{b}</td></tr>" for a, b in rows) + "</table></div>")
    if t.get("cost_includes_defaults"):
        parts.append("<p class='default'>Some unit costs are catalogue defaults without a local source (published cost figures exist only for street trees, green roofs and cool roofs): "
                     "override them with local prices in a [catalogue.&lt;key&gt;] table before quoting costs.</p>")
    measures = pd.DataFrame([
        {"measure": i["label"], "type": i["type"], "category": i["category"], "scale": i["scale"],
         "amount": i["units"], "unit": i["unit"], "area m²": i["area_m2"], "cost EUR": i["cost_eur"],
         "cost is default": i["cost_is_default"], "cost source": i["cost_source"], "effect source": i["lst_source"]}
        for i in t["interventions"]
    ])
    parts.append("<h3>Measures</h3>" + _table(measures, {"amount": "{:,.0f}", "area m²": "{:,.0f}", "cost EUR": "{:,.0f}"}))
    parts.append("<h3>Sanity checks (Krayenhoff et al. 2021, Environ. Res. Lett. 16:053007, doi:10.1088/1748-9326/abdcf1)</h3><ul>" + "".join(
        f"<li class='{html.escape(c['status'])}'><b>{html.escape(c['check'])}</b> [{html.escape(c['status'])}]: "
        f"{html.escape(c['message'])}</li>" for c in result.checks) + "</ul>")
    table = pd.DataFrame(result.table.drop(columns="geometry"))
    parts.append("<h3>Per district</h3>" + _table(table, {
        "residents": "{:,.0f}", "mean_delta_t_air": "{:+.3f}", "popweighted_delta_t_air": "{:+.3f}", "max_cooling_t_air": "{:.2f}",
        "mean_delta_lst": "{:+.3f}", "degc_person_reduced": "{:,.0f}", "residents_high_risk_before": "{:,.0f}",
        "residents_high_risk_after": "{:,.0f}", "residents_protected": "{:,.0f}", "pixels_risk_class_lower": "{:,.0f}",
        "pixels_risk_class_higher": "{:,.0f}", "residents_risk_class_lower": "{:,.0f}", "residents_cooled_0_5k": "{:,.0f}",
        "residents_65plus_cooled_0_5k": "{:,.0f}", "deaths_avoided_low": "{:.3f}", "deaths_avoided_central": "{:.3f}",
        "deaths_avoided_high": "{:.3f}", "heat_deaths_baseline": "{:.2f}", "person_degree_hours_baseline": "{:,.0f}",
        "person_degree_hours_reduced": "{:,.0f}"}))
    parts.append("<h3>Maps</h3>")
    for fname, png in result.png_maps().items():
        caption = fname.removesuffix(".png").replace("_", " ")
        parts.append(f"<p>{html.escape(caption)}</p>" + _img(png, caption))
    return "\n".join(parts)


#: Sources of every report: the cooling model, the risk framing and the sanity-check ranges (keys of uhi.references).
REPORT_BASE_SOURCES = ("invest-ucm", "invest-code", "ipcc2014", "estoque2020", "krayenhoff2021", "santamouris2014", "doick2014",
                       "bowler2010", "masselot2023", "iungman2023")


def _sources(results) -> str:
    """The report's "Sources" section: full references of the base sources and of every measure used."""
    keys = list(REPORT_BASE_SOURCES)
    for r in results:
        for i in r.totals.get("interventions", []):
            keys.extend(i.get("sources", ()))
            tagged = keys_in_text(f"{i.get('lst_source', '')} {i.get('cost_source', '')}")
            keys.extend(k for k in tagged if k in REFERENCES)  # free-text tags: only known keys (not units like [m])
    keys = list(dict.fromkeys(keys))
    known = [k for k in keys if k in REFERENCES]
    unknown = [k for k in keys if k not in REFERENCES]
    text = ("<h2>Sources</h2><p>Cooling model: literature configuration (Santamouris 2014; Krayenhoff et al. 2021; Doick et al. "
            "2014; Bowler et al. 2010) or the InVEST Urban Cooling Model (Natural Capital Project). Health: Masselot et al. 2023; "
            "Iungman et al. 2023. Heat risk: hazard x "
            "exposure x vulnerability (IPCC AR5; Estoque et al. 2020). Effect sizes and costs of the measures: the "
            "sources of each catalogue entry (data/interventions.toml, or your own catalogue).</p>")
    text += bibliography_html(known)
    if unknown:
        text += ("<p>Source keys given in a user catalogue without an entry in uhi.references: "
                 + ", ".join(html.escape(str(k)) for k in unknown) + ".</p>")
    return text


def render_report(results: Iterable, *, title: str | None = None, comparison: pd.DataFrame | None = None) -> str:
    """The report's HTML text for one or several scenario results (:class:`uhi.scenarios.ScenarioResult`).

    The report renders what it is given: each result's ``name``, ``city``, ``totals``, ``table``, ``checks``,
    ``caveats``, ``summary()`` and ``png_maps()``; with several results the ranking ``comparison`` (default:
    ``results[0].comparison(results)``, :func:`uhi.scenarios.comparison_table`).
    """
    results = list(results)
    title = title or ("Cooling scenario: " + results[0].name if len(results) == 1 else f"Comparison of {len(results)} cooling scenarios")
    synthetic = [r for r in results if r.totals.get("synthetic")]
    if synthetic:
        title = "SYNTHETIC city - " + title
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p>Generated {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC by uhi.</p>"]
    if synthetic:
        body.append("<div class='note' style='border-color:#a40000;background:#fdecea'><b>"
                    + html.escape(synthetic[0].totals.get("synthetic_note", "synthetic scene")) + "</b></div>")
    body.append("<div class='note'><b>Read first.</b><ul>" + "".join(f"<li>{html.escape(c)}</li>" for c in results[0].caveats) + "</ul></div>")
    if len(results) > 1:
        df = results[0].comparison(results) if comparison is None else comparison
        cols = ["rank", "scenario", "lead_category", "annualised_cost_eur_per_year", "deaths_avoided_central", "deaths_avoided_low",
                "deaths_avoided_high", "person_degree_hours_reduced", "residents_cooled_0_5k", "eur_per_death_avoided",
                "eur_per_person_degree_hour", "popweighted_delta_t_air", "mean_delta_t_air_treated", "measures"]
        body.append("<h2>Ranking by annualised EUR per heat death avoided</h2>" + _table(df[[c for c in cols if c in df.columns]], {
            "rank": "{:.0f}", "annualised_cost_eur_per_year": "{:,.0f}", "deaths_avoided_central": "{:.2f}",
            "deaths_avoided_low": "{:.2f}", "deaths_avoided_high": "{:.2f}", "person_degree_hours_reduced": "{:,.0f}",
            "residents_cooled_0_5k": "{:,.0f}", "eur_per_death_avoided": "{:,.0f}", "eur_per_person_degree_hour": "{:,.3f}",
            "popweighted_delta_t_air": "{:+.3f}", "mean_delta_t_air_treated": "{:+.3f}"}))
        if "why" in df.columns:
            body.append("<h3>Why this order</h3><ol>" + "".join(f"<li>{html.escape(str(w))}</li>" for w in df["why"]) + "</ol>")
    body.extend(_section(r) for r in results)
    body.append(_sources(results))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>")


def write_report(result_or_results, out_dir: str | os.PathLike, *, overwrite: bool = False, name: str = REPORT_NAME,
                 comparison: pd.DataFrame | None = None) -> Path:
    """Write one self-contained HTML report (figures embedded) into ``out_dir``, atomically.

    Parameters
    ----------
    result_or_results : ScenarioResult or sequence of them
        Several results add a ranking by cost per °C·person.
    out_dir : path
        Output folder (created); the report is ``out_dir/report.html``.
    overwrite : bool
        Replace an existing report (otherwise :class:`~uhi.errors.OutputExistsError`).

    Returns
    -------
    Path of the report.
    """
    results = list(result_or_results) if isinstance(result_or_results, (list, tuple)) else [result_or_results]
    target = safe_output_path(out_dir, name)
    with atomic_path(target, overwrite=overwrite) as tmp:  # refuses an existing report before rendering
        text = render_report(results) if comparison is None else render_report(results, comparison=comparison)
        tmp.write_text(text, encoding="utf-8")
    return target
