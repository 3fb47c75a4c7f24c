"""``uhi validate``: calibrate, then leave-one-station-out skill against constant and shuffled baselines, with figures."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors
from .calibrate import Overwrite, run, shared_options


@handle_errors
@shared_options
def validate(
    *,
    shuffles: int = typer.Option(19, "--shuffles", help="Permutations of the shuffled-observations baseline."),
    seed: int = typer.Option(0, "--seed", help="Seed of the optimiser and the permutations."),
    out: Path = typer.Option(Path("uhi-validation"), "--out", "-o", help="Output folder."),
    overwrite: Overwrite = False,
    **options,
) -> None:
    """Skill (R², RMSE, MAE, bias) in sample and leave-one-station-out vs baselines: skill.csv, scatter.png, residuals.png."""
    run(**options, seed=seed, out=out, overwrite=overwrite, validate=True, shuffles=shuffles)
