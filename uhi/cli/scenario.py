"""``uhi scenario``: run and compare cooling scenarios (green / white / blue interventions)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import typer

from ._common import TYPER_SETTINGS, console, esc, handle_errors, say, steps

app = typer.Typer(
    help="Cooling scenarios: a TOML of interventions -> air cooling, heat deaths avoided, person-degree-hours, "
         "annualised EUR per outcome, maps, report.",
    **TYPER_SETTINGS,
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "scenario"


def _refuse_existing(out: Path, overwrite: bool, names=None) -> None:
    """Fail before any computation when outputs exist and --overwrite was not given."""
    from ..errors import OutputExistsError
    from ..io.write import check_output_path
    from ..scenarios import OUTPUT_FILES

    check_output_path(out, folder=True)
    if overwrite:
        return
    found = [out / n for n in (names or OUTPUT_FILES) if (out / n).exists()]
    if found:
        raise OutputExistsError(f"{found[0]} already exists; pass --overwrite to replace the outputs in {out}")


def _n_steps(scenarios) -> int:
    return sum(5 + len(s.interventions) for s in scenarios) + 2


def _print_ranking(df) -> None:
    from rich.table import Table

    table = Table(title="ranked by annualised EUR per heat death avoided (then per person-degree-hour, per °C·person)")
    for col in ("rank", "scenario", "EUR / yr", "deaths avoided / summer (low-high)", "person-degree-hours", "EUR / death",
                "EUR / °C·person"):
        table.add_column(col, justify="left" if col == "scenario" else "right", no_wrap=col == "scenario")

    def f(v, pat):
        return "n/a" if v is None or (isinstance(v, float) and not math.isfinite(v)) else pat.format(v)

    def g(r, k):
        return r.get(k, None)

    for _, r in df.iterrows():
        deaths = (f"{f(g(r, 'deaths_avoided_central'), '{:.2f}')} ({f(g(r, 'deaths_avoided_low'), '{:.2f}')}-"
                  f"{f(g(r, 'deaths_avoided_high'), '{:.2f}')})")
        table.add_row(str(r["rank"]), esc(r["scenario"]), f(g(r, "annualised_cost_eur_per_year"), "{:,.0f}"), deaths,
                      f(g(r, "person_degree_hours_reduced"), "{:,.0f}"), f(g(r, "eur_per_death_avoided"), "{:,.0f}"),
                      f(r["cost_per_degc_person"], "{:,.2f}"))
    console.print(table)


def _with_health(scenarios, health: Path | None):
    """Point every scenario's [health] data at ``health`` (the --health option)."""
    if health is not None:
        for s in scenarios:
            s.spec = s.spec.model_copy(update={"health": s.spec.health.model_copy(update={"data": str(health)})})
    return scenarios


def _write_comparison(results, out: Path, overwrite: bool) -> None:
    from ..io.write import atomic_path, safe_output_path
    from ..report import write_report
    from ..scenarios import comparison_table

    df = comparison_table(results)
    with atomic_path(safe_output_path(out, "comparison.csv"), overwrite=overwrite) as tmp:
        df.to_csv(tmp, index=False, float_format="%.6g")
    write_report(results, out, overwrite=overwrite)
    _print_ranking(df)


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
    from ..scenarios import Scenario, run_all

    scenarios = [Scenario.from_toml(scenario, variant=variant)] if variant else Scenario.load_all(scenario)
    scenarios = _with_health(scenarios, health)
    _refuse_existing(out, overwrite)
    with steps(_n_steps(scenarios)) as advance:
        results = run_all(scenarios, progress=advance)
        advance(f"writing outputs to {out}")
        if len(results) == 1:
            results[0].write(out, overwrite=overwrite)
        else:
            for r in results:
                r.write(out / _slug(r.name.split(" / ")[-1]), overwrite=overwrite)
            _write_comparison(results, out, overwrite)
    for r in results:
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
    from ..scenarios import Scenario, run_all

    loaded = _with_health([s for path in scenarios for s in Scenario.load_all(path)], health)
    _refuse_existing(out, overwrite, names=("comparison.csv", "report.html"))
    with steps(_n_steps(loaded)) as advance:
        results = run_all(loaded, progress=advance)
        advance(f"writing comparison to {out}")
        out.mkdir(parents=True, exist_ok=True)
        _write_comparison(results, out, overwrite)
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
