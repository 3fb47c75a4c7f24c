"""End-to-end runs behind ``uhi risk`` and ``uhi demo``: analysis, files, maps, scenario comparison.

The command line is a thin layer over these functions; a notebook can call them too. Every file goes
through :mod:`uhi.io.write` (atomic, refuses to overwrite unless asked, stays inside the output folder).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from uhi.errors import OutputExistsError

__all__ = ["baseline_start", "calibration_observations", "calibration_workflow", "demo_workflow", "example_scenarios", "risk_workflow", "write_maps"]

_Progress = Callable[[str], None] | None


def _say(progress: _Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def write_maps(analysis, out_dir: Path, *, overwrite: bool = False, progress: _Progress = None) -> list[Path]:
    """PNG maps of an :class:`uhi.analysis.CityAnalysis`: LST, hot spots, risk classes, district choropleth."""
    from uhi import plot

    title = analysis.title
    figures = [("lst_map.png", lambda ax: plot.lst_map(analysis.lst, ax=ax, title=f"Land surface temperature, {title}",
                                                        districts=analysis.districts))]
    if analysis.hotspots is not None:
        figures.append(("hotspots_map.png", lambda ax: plot.hotspot_map(analysis.hotspots, ax=ax,
                                                                        title=f"Getis-Ord Gi* hot spots, {title}",
                                                                        districts=analysis.districts)))
    if analysis.risk is not None and "risk_class" in analysis.risk:
        figures.append(("risk_map.png", lambda ax: plot.risk_map(analysis.risk["risk_class"], ax=ax,
                                                                  title=f"Heat risk, {title}", districts=analysis.districts)))
    if analysis.district_table is not None:
        figures.append(("districts_lst.png", lambda ax: plot.district_choropleth(
            analysis.district_table, "lst_mean", ax=ax, title=f"Mean LST per district, {title}", label="Mean LST")))
        if "residents_high_risk" in analysis.district_table:
            figures.append(("districts_risk.png", lambda ax: plot.risk_bars(
                analysis.district_table, ax=ax, column="residents_high_risk", label_column=analysis.district_column or "district",
                title=f"Residents in high and very high heat-risk cells, {title}")))
    return plot.save_figures(figures, out_dir, overwrite=overwrite, progress=progress)


def risk_workflow(
    scene=None,
    out_dir="uhi-risk",
    *,
    population=None,
    districts=None,
    district_column: str | None = None,
    landcover=None,
    lst_method: str = "auto",
    water_vapour: float | None = None,
    mask_clouds: bool | str = "auto",
    vulnerability=None,
    city: str | None = None,
    overwrite: bool = False,
    progress: _Progress = None,
):
    """LST, hazard, exposure, vulnerability, risk and class rasters (COG), district table, PNG maps.

    ``scene=None`` uses the synthetic default scene of ``city`` (default Sofia), with its own population,
    land cover and districts, so the workflow runs offline with no arguments.
    Returns ``(analysis, written_paths)``.
    """
    from uhi.analysis import analyse_city

    out_dir = Path(out_dir)
    _check_out_dir(out_dir, overwrite)
    if scene is None:
        from uhi.synthetic import default_scene

        _say(progress, f"preparing the synthetic scene of {city or 'Sofia'}")
        scene = default_scene(city or "Sofia")
    _say(progress, f"analysing {scene}")
    analysis = analyse_city(scene, population=population, districts=districts, landcover=landcover,
                            lst_method=lst_method, water_vapour=water_vapour, mask_clouds=mask_clouds,
                            district_column=district_column, vulnerability=vulnerability)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = analysis.write(out_dir, overwrite=overwrite, progress=progress)
    written += write_maps(analysis, out_dir, overwrite=overwrite, progress=progress)
    return analysis, written


def example_scenarios(city: str) -> list[Path]:
    """Scenario files shipped in ``data/scenarios/`` for ``city`` (matched by the city's slug)."""
    from uhi._paths import data_path
    from uhi.cities import get_city

    slug = get_city(city).slug
    return sorted(p for p in data_path("scenarios").glob("*.toml") if p.stem.startswith(slug))


def demo_workflow(city: str = "Sofia", out_dir="demo-output", *, overwrite: bool = False,
                  scenarios: bool = True, progress: _Progress = None) -> dict:
    """The ``uhi demo`` run: synthetic scene of ``city`` -> LST map, risk analysis, scenario comparison.

    Writes ``lst.tif`` (COG, degC), the risk rasters, ``districts.gpkg/.csv``, the PNG maps and, when the
    city has example scenarios, ``scenarios/comparison.csv`` and ``scenarios/report.html``.
    """
    from uhi.io.write import safe_output_path, write_raster
    from uhi.lst import to_celsius

    out_dir = Path(out_dir)
    analysis, written = risk_workflow(None, out_dir, city=city, overwrite=overwrite, progress=progress)
    lst_path = safe_output_path(out_dir, "lst.tif")
    lst_c = to_celsius(analysis.lst)
    if analysis.synthetic:
        from uhi.synthetic import SYNTHETIC_NOTE

        lst_c = lst_c.assign_attrs(synthetic=SYNTHETIC_NOTE)  # a GeoTIFF tag
    write_raster(lst_c, lst_path, overwrite=overwrite)
    written.append(lst_path)
    result = {"analysis": analysis, "written": written, "comparison": None}
    files = example_scenarios(city) if scenarios else []
    if files:
        from uhi.report import write_report
        from uhi.scenarios import comparison_table, run_all

        _say(progress, f"running {len(files)} scenarios: {', '.join(p.stem for p in files)}")
        results = run_all(files, progress)  # scenarios on the same inputs share one baseline
        table = comparison_table(results)
        scen_dir = out_dir / "scenarios"
        scen_dir.mkdir(exist_ok=True)
        from uhi.io.write import atomic_path

        csv_path = safe_output_path(scen_dir, "comparison.csv")
        with atomic_path(csv_path, overwrite=overwrite) as tmp:
            table.to_csv(tmp)
        _say(progress, "writing the scenario report")
        report = write_report(results, scen_dir, overwrite=overwrite)
        result.update(comparison=table, written=written + [csv_path, report])
    return result


def _check_out_dir(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExistsError(f"output folder {str(out_dir)!r} exists and is not a folder")


# ------------------------------------------------------------- calibration ----

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
        units = str(da.attrs.get("units", ""))
        if units in ("K", "kelvin") or (not units and float(da.quantile(0.5)) > 200):
            from uhi.constants import ZERO_CELSIUS_K

            da = da - ZERO_CELSIUS_K
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
                         overwrite: bool = False, progress: _Progress = None) -> dict:
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

    out_dir = Path(out_dir)
    _check_out_dir(out_dir, overwrite)
    config = None
    if baseline is not None:
        file_model, file_start, config = baseline_start(baseline)
        model = model or file_model
        start = {**file_start, **(start or {})}
        if cc_method is None and time is None and night is None:
            cc_method = start.get("cc_method")
    model = model or "invest"
    _say(progress, "reading observations")
    obs, selection = calibration_observations(observations, time=time, night=night, window=window, timezone=timezone)
    if cc_method is None and model == "invest":
        cc_method = "intensity" if night is not None else "factors"
    _say(progress, "building model parameters from the land cover")
    lc = _read_layer(landcover, "landcover")
    table = table if table is not None else data_path("landcover.csv")
    params = parameters_from_landcover(lc, table)
    _say(progress, f"calibrating {', '.join(fit)} ({selection})")
    kw = {"table": table, "config": config} if model == "literature" else {}
    result = calibrate_ucm(params, obs, model=model, cc_method=cc_method, fit=fit, objective=objective, reference=reference,
                           start=start, seed=seed, **kw)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []

    def csv(frame, name, index=False):
        path = safe_output_path(out_dir, name)
        with atomic_path(path, overwrite=overwrite) as tmp:
            frame.to_csv(tmp, index=index)
        written.append(path)

    path = safe_output_path(out_dir, "baseline.toml")
    result.to_toml(path, overwrite=overwrite)
    written.append(path)
    csv(result.history, "calibration_history.csv")
    stations = result.table.copy()
    skill_table = None
    if validate:
        _say(progress, f"cross-validating (leave one station out, {shuffles} shuffles)")
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
            written += plot.save_figures([(name, draw)], out_dir, figsize=(7, 6.5), overwrite=overwrite)
    return {"result": result, "skill": skill_table, "selection": selection, "written": written}
