"""``uhi demo``: a pilot city end to end, offline (synthetic scene -> LST -> risk -> scenarios)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import console, esc, handle_errors, print_analysis_summary, refuse_used_folder, say, steps


@handle_errors
def demo(
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city (see `uhi cities`)."),
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Output folder."),
    no_scenarios: bool = typer.Option(False, "--no-scenarios", help="Skip the scenario comparison."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Generate the city's synthetic Landsat scene, map LST and heat risk, and compare cooling scenarios."""
    from ..workflows import demo_workflow

    refuse_used_folder(out, overwrite)  # before the work, not after it
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

    view = Table(title="Scenarios ranked by cost per °C·person (air temperature, InVEST UCM)")
    for column in ("#", "scenario", "MEUR", "ΔT pop [°C]", "max [°C]", "°C·person", "EUR/°C·p", "protected"):
        view.add_column(Text(column), justify="left" if column == "scenario" else "right", no_wrap=column == "scenario")
    for _, row in table.iterrows():
        per = row.get("cost_per_degc_person")
        view.add_row(str(row["rank"]), esc(row["scenario"]), f"{row['cost_eur'] / 1e6:.2f}",
                     f"{row['popweighted_delta_t_air']:+.3f}", f"{row['max_cooling_t_air']:.2f}",
                     f"{row['degc_person_reduced']:,.0f}", "-" if per is None else f"{per:,.0f}",
                     f"{row['people_protected']:,.0f}")
    console.print(view)
