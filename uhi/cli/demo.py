"""``uhi demo``: a pilot city end to end, offline (synthetic scene -> LST -> risk -> scenarios)."""

from __future__ import annotations

import math
from pathlib import Path

import typer

from ._common import console, esc, handle_errors, print_analysis_summary, say, steps


@handle_errors
def demo(
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city (see `uhi cities`)."),
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Output folder."),
    no_scenarios: bool = typer.Option(False, "--no-scenarios", help="Skip the scenario comparison."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Generate the city's synthetic Landsat scene, map LST and heat risk, and compare cooling scenarios."""
    from ..workflows import demo_workflow

    with steps(20) as advance:
        result = demo_workflow(city, out, overwrite=overwrite, scenarios=not no_scenarios, progress=advance)
    print_analysis_summary(result["analysis"])
    if result["comparison"] is not None:
        _print_comparison(result["comparison"])
    say(f"wrote {len(result['written'])} files to {out}/ (open lst_map.png, risk_map.png"
                  f"{', scenarios/report.html' if result['comparison'] is not None else ''})")


def _print_comparison(table) -> None:
    from rich.table import Table
    from rich.text import Text

    view = Table(title="Scenarios ranked by annualised EUR per heat death avoided (synthetic city)")
    for column in ("#", "scenario", "EUR/yr", "ΔT sites [°C]", "deaths/summer", "EUR/death", "°C·person"):
        view.add_column(Text(column), justify="left" if column == "scenario" else "right", no_wrap=column == "scenario")

    def fmt(v, pattern):
        return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else pattern.format(v)

    for _, row in table.iterrows():
        deaths = row.get("deaths_avoided_central")
        view.add_row(str(row["rank"]), esc(row["scenario"]), fmt(row.get("annualised_cost_eur_per_year"), "{:,.0f}"),
                     fmt(row.get("mean_delta_t_air_treated"), "{:+.2f}"),
                     "n/a" if deaths is None or math.isnan(deaths) else
                     f"{deaths:.2f} ({fmt(row.get('deaths_avoided_low'), '{:.2f}')}-{fmt(row.get('deaths_avoided_high'), '{:.2f}')})",
                     fmt(row.get("eur_per_death_avoided"), "{:,.0f}"), fmt(row.get("degc_person_reduced"), "{:,.0f}"))
    console.print(view)
