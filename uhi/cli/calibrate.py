"""``uhi calibrate``: fit the cooling model to station air temperatures (or an LST raster); write the scenario [baseline]."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

import typer

from ._common import handle_errors, say, steps

FIT_HELP = "Comma-separated parameters to fit: t_ref, uhi_max, mixing_radius, cooling_distance, weights (invest), albedo_sensitivity (literature)."


def run(observations, landcover, table, model, baseline, time, night, window, timezone, cc_method, fit, objective, reference, seed,
        out, overwrite, *, validate: bool, shuffles: int = 19):
    from ..errors import InputValueError
    from ..workflows import calibration_workflow

    names = tuple(f.strip() for f in fit.split(",") if f.strip())
    if not names:
        raise InputValueError("--fit needs at least one parameter name")
    with steps(5 if validate else 4) as advance:
        res = calibration_workflow(observations, out, landcover=landcover, table=table, model=model, baseline=baseline,
                                   time=time, night=night,
                                   window=window, timezone=timezone, cc_method=cc_method, fit=names, objective=objective,
                                   reference=reference, seed=seed, validate=validate, shuffles=shuffles, overwrite=overwrite,
                                   progress=advance)
    r = res["result"]
    p, s = r.params, r.skill
    say(f"{res['selection']}: t_ref {p['t_ref']:.2f} °C, uhi_max {p['uhi_max']:.2f} K, mixing radius {p['mixing_radius']:.0f} m; "
        f"in-sample R² {s['r2']:.2f}, RMSE {s['rmse']:.2f} K (n={s['n']})")
    if res["skill"] is not None:
        t = res["skill"].set_index(["predictor", "validation"])
        loso = t.xs("LOSO", level="validation")
        say("leave-one-station-out RMSE [K]: " + ", ".join(f"{k} {loso.loc[k, 'rmse']:.2f}" for k in ("model", "constant", "shuffled"))
            + f"; permutation p = {t.loc[('model', 'LOSO'), 'p_value']:.3f}")
    say(f"wrote {len(res['written'])} files to {out}/")
    return res


# Arguments and options shared by ``uhi calibrate`` and ``uhi validate`` (one definition, typer ``Annotated`` aliases).
Observations = Annotated[Path, typer.Argument(help="Station table (CSV, GeoPackage, Parquet) or an observed temperature GeoTIFF.")]
Landcover = Annotated[Path, typer.Option("--landcover", "-l", help="Land-cover raster (codes of the biophysical table), projected CRS.")]
Table = Annotated[Path | None, typer.Option("--table", help="Biophysical table CSV. Default: the shipped land-cover table.")]
Model = Annotated[str | None, typer.Option("--model", help="Cooling model: invest (InVEST UCM, default) or literature (scenario configuration).")]
Baseline = Annotated[Path | None, typer.Option("--baseline", help="Scenario file whose [baseline] (cooling model, fixed values) to start from.")]
Time = Annotated[str | None, typer.Option("--time", "-t", help="Overpass time with zone, e.g. 2019-06-26T10:00Z (day).")]
Night = Annotated[str | None, typer.Option("--night", help="Date whose night (22-02 local) to use, e.g. 2019-06-26.")]
Window = Annotated[str, typer.Option("--window", help="Half-width of the overpass window (pandas duration).")]
Timezone = Annotated[str | None, typer.Option("--timezone", help="IANA zone of zone-less times and of night hours.")]
CcMethod = Annotated[str | None, typer.Option("--cc-method", help="factors (day) or intensity (night); default from --time/--night.")]
Fit = Annotated[str, typer.Option("--fit", help=FIT_HELP)]
Objective = Annotated[str, typer.Option("--objective", help="rmse, mae or r2.")]
Reference = Annotated[str, typer.Option("--reference", help="fit, or derive (t_ref = rural minimum, uhi_max = max - min).")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace existing outputs.")]


def _shared(
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
) -> None:
    """The parameters both commands take first (only its signature is used, by :func:`shared_options`)."""


def shared_options(command):
    """Give ``command`` the parameters of :func:`_shared` before its own keyword-only ones (it gets them in ``**options``)."""
    shared = list(inspect.signature(_shared, eval_str=True).parameters.values())
    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.kind is not p.VAR_KEYWORD]
    command.__signature__ = inspect.Signature(shared + own, return_annotation=None)
    return command


@handle_errors
@shared_options
def calibrate(
    *,
    seed: int = typer.Option(0, "--seed", help="Seed of the optimiser."),
    out: Path = typer.Option(Path("uhi-calibration"), "--out", "-o", help="Output folder."),
    overwrite: Overwrite = False,
    **options,
) -> None:
    """Calibrate t_ref, uhi_max and distances to observations: baseline.toml, calibration_history.csv, stations.csv."""
    run(**options, seed=seed, out=out, overwrite=overwrite, validate=False)
