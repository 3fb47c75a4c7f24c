"""``uhi demo``: a pilot city end to end, offline (synthetic scene -> LST -> risk -> scenarios)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, print_analysis_summary, print_ranking, say, steps


@handle_errors
def demo(
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city (see `uhi cities`)."),
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help="Output folder."),
    no_scenarios: bool = typer.Option(False, "--no-scenarios", help="Skip the scenario comparison."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Generate the city's synthetic Landsat scene, map LST and heat risk, and compare cooling scenarios."""
    from ..workflows import demo_workflow

    with steps(10) as advance:  # scene, analysis, scenarios, the rasters (one pass), lst.tif, maps, comparison
        result = demo_workflow(city, out, overwrite=overwrite, scenarios=not no_scenarios, progress=advance)
    print_analysis_summary(result["analysis"])
    if result["comparison"] is not None:
        _print_comparison(result["comparison"])
    say(f"wrote {len(result['written'])} files to {out}/ (open lst_map.png, risk_map.png"
                  f"{', scenarios/report.html' if result['comparison'] is not None else ''})")


def _print_comparison(table) -> None:
    print_ranking(table, "Scenarios ranked by annualised EUR per heat death avoided (synthetic city)")
