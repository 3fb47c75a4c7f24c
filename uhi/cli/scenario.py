"""``uhi scenario``: run and compare cooling scenarios (green / white / blue interventions)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import TYPER_SETTINGS, handle_errors, print_ranking, say, steps

app = typer.Typer(
    help="Cooling scenarios: a TOML of interventions -> air cooling, heat deaths avoided, person-degree-hours, "
         "annualised EUR per outcome, maps, report.",
    **TYPER_SETTINGS,
)


def _n_steps(scenarios) -> int:
    return sum(5 + len(s.interventions) for s in scenarios) + 2


def _print_ranking(df) -> None:
    print_ranking(df, "ranked by annualised EUR per heat death avoided (then per person-degree-hour, per °C·person)")


@app.command("run")
@handle_errors
def run(
    scenario: str = typer.Argument(..., help="Scenario TOML file, or the name of a shipped example (see `uhi scenario examples`)."),
    out: Path = typer.Option(Path("uhi-scenario"), "--out", "-o", help="Output folder (created if missing)."),
    variant: str | None = typer.Option(None, "--variant", help="Run only this [[variant]] of the file."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
    health: Path | None = typer.Option(None, "--health", help="Folder of city exposure-response curves and daily temperatures "
                                       "(city_erf.csv, era5_daily_<code>.csv.gz; default [health] data or UHI_HEALTH_DATA)."),
) -> None:
    """Compute baseline and scenario; write ΔT_air / ΔLST rasters, district table, totals, maps and an HTML report."""
    from ..workflows import load_scenarios, scenario_workflow

    scenarios = load_scenarios(scenario, variant, health=health)
    with steps(_n_steps(scenarios)) as advance:
        run = scenario_workflow(scenarios, out, overwrite=overwrite, progress=advance)
    if run["comparison"] is not None:
        _print_ranking(run["comparison"])
    for r in run["results"]:
        say(r.summary())
        for w in r.warnings:
            say(f"warning: {w}", "yellow")
    say(f"wrote {out}/ (report: {out / 'report.html'})")


@app.command("compare")
@handle_errors
def compare(
    scenarios: list[str] = typer.Argument(..., help="Scenario TOML files or example names; files with [[variant]] expand to every variant."),
    out: Path = typer.Option(Path("uhi-compare"), "--out", "-o", help="Output folder (created if missing)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
    health: Path | None = typer.Option(None, "--health", help="Folder of city exposure-response curves and daily temperatures "
                                       "(default [health] data or UHI_HEALTH_DATA)."),
) -> None:
    """Run several scenarios and rank them by annualised EUR per heat death avoided (comparison.csv + one HTML report)."""
    from ..workflows import compare_workflow, load_scenarios

    loaded = load_scenarios(scenarios, health=health)
    with steps(_n_steps(loaded)) as advance:
        run = compare_workflow(loaded, out, overwrite=overwrite, progress=advance)
    _print_ranking(run["comparison"])
    say(f"wrote {out / 'comparison.csv'} and {out / 'report.html'}")


@app.command("examples")
@handle_errors
def examples() -> None:
    """List the shipped example scenarios (run one with `uhi scenario run <name>`)."""
    from .._toml import tomllib
    from ..scenarios import example_path, list_examples

    for name in list_examples():
        data = tomllib.loads(example_path(name).read_text(encoding="utf-8"))
        say(f"{name}  {data.get('name', '')}: {data.get('description', '')}")
