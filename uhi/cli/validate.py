"""``uhi validate``: calibrate, then leave-one-station-out skill against constant and shuffled baselines, with figures."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors
from .calibrate import (Baseline, CcMethod, Fit, Landcover, Model, Night, Objective, Observations, Overwrite, Reference, Table,
                        Time, Timezone, Window, run)


@handle_errors
def validate(
    observations: Observations,
    landcover: Landcover,
    table: Table = None,
    model: Model = None,
    baseline: Baseline = None,
    time: Time = None,
    night: Night = None,
    window: Window = "30min",
    timezone: Timezone = None,
    cc_method: CcMethod = None,
    fit: Fit = "t_ref,uhi_max,mixing_radius",
    objective: Objective = "rmse",
    reference: Reference = "fit",
    shuffles: int = typer.Option(19, "--shuffles", help="Permutations of the shuffled-observations baseline."),
    seed: int = typer.Option(0, "--seed", help="Seed of the optimiser and the permutations."),
    out: Path = typer.Option(Path("uhi-validation"), "--out", "-o", help="Output folder."),
    overwrite: Overwrite = False,
) -> None:
    """Skill (R², RMSE, MAE, bias) in sample and leave-one-station-out vs baselines: skill.csv, scatter.png, residuals.png."""
    run(observations, landcover, table, model, baseline, time, night, window, timezone, cc_method, fit, objective, reference, seed, out,
        overwrite, validate=True, shuffles=shuffles)
