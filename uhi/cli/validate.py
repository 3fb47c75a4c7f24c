"""``uhi validate``: calibrate, then leave-one-station-out skill against constant and shuffled baselines, with figures."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors
from .calibrate import FIT_HELP, run


@handle_errors
def validate(
    observations: Path = typer.Argument(..., help="Station table (CSV, GeoPackage, Parquet) or an observed temperature GeoTIFF."),
    landcover: Path = typer.Option(..., "--landcover", "-l", help="Land-cover raster (codes of the biophysical table), projected CRS."),
    table: Path | None = typer.Option(None, "--table", help="Biophysical table CSV. Default: the shipped land-cover table."),
    model: str | None = typer.Option(None, "--model", help="Cooling model: invest (InVEST UCM, default) or literature (scenario configuration)."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Scenario file whose [baseline] (cooling model, fixed values) to start from."),
    time: str | None = typer.Option(None, "--time", "-t", help="Overpass time with zone, e.g. 2019-06-26T10:00Z (day)."),
    night: str | None = typer.Option(None, "--night", help="Date whose night (22-02 local) to use, e.g. 2019-06-26."),
    window: str = typer.Option("30min", "--window", help="Half-width of the overpass window (pandas duration)."),
    timezone: str | None = typer.Option(None, "--timezone", help="IANA zone of zone-less times and of night hours."),
    cc_method: str | None = typer.Option(None, "--cc-method", help="factors (day) or intensity (night); default from --time/--night."),
    fit: str = typer.Option("t_ref,uhi_max,mixing_radius", "--fit", help=FIT_HELP),
    objective: str = typer.Option("rmse", "--objective", help="rmse, mae or r2."),
    reference: str = typer.Option("fit", "--reference", help="fit, or derive (t_ref = rural minimum, uhi_max = max - min)."),
    shuffles: int = typer.Option(19, "--shuffles", help="Permutations of the shuffled-observations baseline."),
    seed: int = typer.Option(0, "--seed", help="Seed of the optimiser and the permutations."),
    out: Path = typer.Option(Path("uhi-validation"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Skill (R², RMSE, MAE, bias) in sample and leave-one-station-out vs baselines: skill.csv, scatter.png, residuals.png."""
    run(observations, landcover, table, model, baseline, time, night, window, timezone, cc_method, fit, objective, reference, seed, out,
        overwrite, validate=True, shuffles=shuffles)
