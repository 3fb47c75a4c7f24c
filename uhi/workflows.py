"""End-to-end runs behind ``uhi risk`` and ``uhi demo``: analysis, files, maps, scenario comparison.

The command line is a thin layer over these functions; a notebook can call them too. Every file goes
through :mod:`uhi.io.write` (atomic, refuses to overwrite unless asked, stays inside the output folder).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from uhi.errors import OutputExistsError

__all__ = ["demo_workflow", "example_scenarios", "risk_workflow", "write_maps"]

_Progress = Callable[[str], None] | None


def _say(progress: _Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def write_maps(analysis, out_dir: Path, *, overwrite: bool = False, progress: _Progress = None) -> list[Path]:
    """PNG maps of an :class:`uhi.analysis.CityAnalysis`: LST, hot spots, risk classes, district choropleth."""
    import matplotlib.pyplot as plt

    from uhi import plot
    from uhi.io.write import safe_output_path

    title = analysis.title
    figures = [("lst_map.png", lambda ax: plot.lst_map(analysis.lst, ax=ax, title=f"Land surface temperature, {title}",
                                                        districts=analysis.districts))]
    if analysis.hotspots is not None:
        figures.append(("hotspots_map.png", lambda ax: plot.hotspot_map(analysis.hotspots, ax=ax,
                                                                        title=f"Getis-Ord Gi* hot spots, {title}")))
    if analysis.risk is not None:
        figures.append(("risk_map.png", lambda ax: plot.risk_map(analysis.risk["risk_class"], ax=ax,
                                                                  title=f"Heat risk, {title}")))
    if analysis.district_table is not None:
        figures.append(("districts_lst.png", lambda ax: plot.district_choropleth(
            analysis.district_table, "lst_mean", ax=ax, title=f"Mean LST per district, {title}", label="Mean LST")))
        if "residents_high_risk" in analysis.district_table:
            figures.append(("districts_risk.png", lambda ax: plot.risk_bars(
                analysis.district_table, ax=ax, column="residents_high_risk", label_column="district",
                title=f"Residents in high and very high heat-risk cells, {title}")))
    written = []
    for name, draw in figures:
        _say(progress, f"drawing {name}")
        fig, ax = plt.subplots(figsize=(8, 7))
        try:
            draw(ax)
            path = safe_output_path(out_dir, name)
            plot.save_figure(fig, path, overwrite=overwrite)
        finally:
            plt.close(fig)
        written.append(path)
    return written


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
                            district_column=district_column)
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
    write_raster(to_celsius(analysis.lst), lst_path, overwrite=overwrite)
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
