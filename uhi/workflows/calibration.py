"""Calibration and validation of the cooling model against observations (``uhi calibrate`` / ``uhi validate``)."""

from __future__ import annotations

from pathlib import Path

from .._progress import Progress, say
from ..io.write import output_folder, refuse_existing, written_paths

__all__ = ["baseline_start", "calibration_observations", "calibration_workflow"]

_RASTER_SUFFIXES = (".tif", ".tiff", ".vrt")


def _read_layer(path, what: str):
    """One-band raster (NaN = nodata) with its CRS, through :func:`uhi.io.load_raster` (errors name the file)."""
    from uhi.io import load_raster

    return load_raster(path, name=what.replace(" ", "_"), what=f"{what} raster")


def calibration_observations(path, *, time=None, night=None, window: str = "30min", timezone: str | None = None,
                             station_column: str | None = None, t_air_column: str | None = None):
    """Observations for :func:`uhi.calibrate.calibrate_ucm` from a file, and a label of what was selected.

    A GeoTIFF is an observed temperature raster (kelvin converted to degC by its ``units`` or, without
    units, values above 200); a station table (:func:`uhi.observations.read_stations`) gives one value per
    station: the records within ``window`` of the overpass ``time``, or the mean over the night
    (:data:`uhi.observations.NIGHT_HOURS`, local ``timezone``) that starts on the date ``night``, or, for a
    table without times, the station values as they are.
    """
    import pandas as pd

    from uhi.errors import InputValueError
    from uhi.observations import NIGHT_HOURS, daily_window_means, read_stations, select_overpass

    path = Path(path)
    if path.suffix.lower() in _RASTER_SUFFIXES:
        da = _read_layer(path, "observed temperature")
        from uhi.units import is_kelvin, kelvin_to_celsius

        units = str(da.attrs.get("units", ""))
        if is_kelvin(units) or (not units and float(da.quantile(0.5)) > 200):
            da = kelvin_to_celsius(da)
        return da.assign_attrs(units="degC"), f"raster {path.name}"
    if time is not None and night is not None:
        raise InputValueError("give either an overpass time (--time) or a night (--night), not both")
    stations = read_stations(path, timezone=timezone, station_column=station_column, t_air_column=t_air_column)
    if time is not None:
        return select_overpass(stations, time, window=window), f"overpass {time} ± {window}"
    if night is not None:
        if timezone is None:
            raise InputValueError("--night needs the local time zone of the night hours (--timezone Europe/Berlin)")
        day = pd.Timestamp(night).normalize()
        means = daily_window_means(stations, NIGHT_HOURS, timezone=timezone, days=[day]).iloc[0].dropna()
        if means.empty:
            raise InputValueError(f"no station has every hour of the night {night} ({NIGHT_HOURS} local) in {path}")
        obs = stations.locations.join(means.rename("t_air"), how="inner")
        return obs, f"night of {night} ({timezone} hours {NIGHT_HOURS})"
    if stations.records["time"].notna().any():
        raise InputValueError(f"{path} holds time series: choose the records with --time (overpass) or --night")
    obs = stations.locations.join(stations.records.set_index("station")["t_air"], how="inner")
    return obs, "station values"


def baseline_start(path) -> tuple[str, dict, object]:
    """``(cooling_model, start values, cooling configuration)`` from the ``[baseline]`` table of a scenario file:
    the configuration a calibration starts from and writes back."""
    from pydantic import ValidationError

    from uhi._toml import format_validation_error, read_toml
    from uhi.errors import ScenarioError
    from uhi.scenarios.schema import BaselineSpec

    data, text = read_toml(path)
    try:
        spec = BaselineSpec.model_validate(data.get("baseline", {}))
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, where=str(path), text=text, prefix=("baseline",))) from None
    start = {k: getattr(spec, k) for k in ("t_ref", "uhi_max", "ref_et", "cooling_distance", "mixing_radius", "cc_method")}
    config = None
    if spec.cooling_model == "literature":
        from uhi.cooling import load_cooling_config

        cfg_path = spec.cooling_config
        if cfg_path is not None and not Path(cfg_path).is_absolute():
            cfg_path = Path(path).resolve().parent / cfg_path
        config = load_cooling_config(cfg_path)
    return spec.cooling_model, start, config


def calibration_workflow(observations, out_dir, *, landcover, table=None, model: str | None = None, baseline=None,
                         time=None, night=None,
                         window: str = "30min", timezone: str | None = None, cc_method: str | None = None,
                         fit=("t_ref", "uhi_max", "mixing_radius"), objective: str = "rmse", reference: str = "fit",
                         start: dict | None = None, seed: int = 0, validate: bool = False, shuffles: int = 19,
                         overwrite: bool = False, progress: Progress = None) -> dict:
    """Calibrate (and optionally validate) the cooling model against observations; write TOML, CSV and PNG.

    ``baseline`` (a scenario file) gives the cooling model, the values of the parameters not fitted and, for the
    literature model, the cooling configuration; otherwise ``model`` (default "invest") and ``start``.
    Writes ``baseline.toml`` (the scenario ``[baseline]`` table), ``calibration_history.csv`` and
    ``stations.csv`` (observed, modelled, residual); with ``validate`` also ``skill.csv`` (model vs constant
    and shuffled baselines, in sample and leave-one-station-out), ``scatter.png`` and ``residuals.png``.
    Returns ``{"result", "skill", "selection", "written"}``.
    """
    from uhi import plot
    from uhi._paths import data_path
    from uhi.calibrate import calibrate_ucm, cross_validate
    from uhi.cooling import parameters_from_landcover
    from uhi.io.write import atomic_path, safe_output_path

    out_dir = refuse_existing(out_dir, overwrite=overwrite)
    config = None
    if baseline is not None:
        file_model, file_start, config = baseline_start(baseline)
        model = model or file_model
        start = {**file_start, **(start or {})}
        if cc_method is None and time is None and night is None:
            cc_method = start.get("cc_method")
    model = model or "invest"
    say(progress, "reading observations")
    obs, selection = calibration_observations(observations, time=time, night=night, window=window, timezone=timezone)
    if cc_method is None and model == "invest":
        cc_method = "intensity" if night is not None else "factors"
    say(progress, "building model parameters from the land cover")
    lc = _read_layer(landcover, "landcover")
    table = table if table is not None else data_path("landcover.csv")
    params = parameters_from_landcover(lc, table)
    say(progress, f"calibrating {', '.join(fit)} ({selection})")
    kw = {"table": table, "config": config} if model == "literature" else {}
    result = calibrate_ucm(params, obs, model=model, cc_method=cc_method, fit=fit, objective=objective, reference=reference,
                           start=start, seed=seed, **kw)
    with output_folder(out_dir, overwrite=overwrite) as folder:
        written = []

        def csv(frame, name, index=False):
            path = safe_output_path(folder, name)
            with atomic_path(path, overwrite=overwrite) as tmp:
                frame.to_csv(tmp, index=index)
            written.append(path)

        path = safe_output_path(folder, "baseline.toml")
        result.to_toml(path, overwrite=overwrite)
        written.append(path)
        csv(result.history, "calibration_history.csv")
        stations = result.table.copy()
        skill_table = None
        if validate:
            say(progress, f"cross-validating (leave one station out, {shuffles} shuffles)")
            skill_table = cross_validate(result, shuffles=shuffles, seed=seed)
            stations["loso"] = skill_table.attrs["loso_predictions"]
            csv(skill_table, "skill.csv")
        csv(stations, "stations.csv")
        if validate:
            for name, draw in (
                ("scatter.png", lambda ax: plot.skill_scatter(stations["observed"], stations["modelled"], others={"LOSO": stations["loso"]},
                                                              ax=ax, title=f"Calibrated {model} model, {selection}")),
                ("residuals.png", lambda ax: plot.residual_map(stations, crs=result.crs, ax=ax, title=f"Residuals, {selection}")),
            ):
                written += plot.save_figures([(name, draw)], folder, figsize=(7, 6.5), overwrite=overwrite)
    written = written_paths(written, folder, out_dir)
    return {"result": result, "skill": skill_table, "selection": selection, "written": written}
