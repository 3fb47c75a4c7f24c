"""``uhi risk`` and ``uhi demo``: a city's heat analysis written to a folder, and the demo around it."""

from __future__ import annotations

from pathlib import Path

from .._progress import Progress, say
from ..errors import InputValueError
from ..io.write import output_folder, refuse_existing, written_paths

__all__ = ["demo_workflow", "example_scenarios", "risk_workflow", "write_maps"]


def write_maps(analysis, out_dir: Path, *, overwrite: bool = False, progress: Progress = None) -> list[Path]:
    """PNG maps of an :class:`uhi.analysis.CityAnalysis`: LST, hot spots, risk classes, district choropleth."""
    from .. import plot

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
                analysis.district_table, ax=ax, column="residents_high_risk",
                label_column=analysis.district_column or "district",
                title=f"Residents in high and very high heat-risk cells, {title}")))
    return plot.save_figures(figures, out_dir, overwrite=overwrite, progress=progress)


#: Options of :func:`uhi.analysis.analyse_city` that only a Landsat scene has (its LST is computed here), with
#: their command-line spelling.
_SCENE_OPTIONS = {"lst_method": "--method", "water_vapour": "--water-vapour", "mask_clouds": "--mask-clouds"}


def _analyse(scene, city, progress, *, raster=None, **kwargs):
    from ..analysis import analyse_city, analyse_raster, is_lst_raster

    if is_lst_raster(scene):
        given = [f"{k} ({flag})" for k, flag in _SCENE_OPTIONS.items() if kwargs.pop(k, None) not in (None, "auto")]
        if given:
            raise InputValueError(f"{', '.join(given)} apply to a Landsat scene, whose LST is computed here; "
                                  f"{scene} is an LST raster: leave them out")
        say(progress, f"analysing the LST raster {scene}")
        return analyse_raster(scene, city=city or "", **(raster or {}), **kwargs)
    if raster:
        raise InputValueError(f"{', '.join(raster)} apply to an LST raster (.tif), not to "
                              f"{'the synthetic default scene' if scene is None else f'the scene {scene}'}")
    if scene is None:
        from ..synthetic import default_scene

        say(progress, f"preparing the synthetic scene of {city or 'Sofia'}")
        scene = default_scene(city or "Sofia")
    say(progress, f"analysing {scene}")
    return analyse_city(scene, **kwargs)


def _write_analysis(analysis, folder: Path, *, overwrite: bool, progress: Progress) -> list[Path]:
    written = analysis.write(folder, overwrite=overwrite, progress=progress)
    return written + write_maps(analysis, folder, overwrite=overwrite, progress=progress)


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
    raster: dict | None = None,
    overwrite: bool = False,
    progress: Progress = None,
):
    """LST, hazard, exposure, vulnerability, risk and class rasters (COG), district table, PNG maps.

    ``scene=None`` uses the synthetic default scene of ``city`` (default Sofia), with its own population,
    land cover and districts, so the workflow runs offline with no arguments. A GeoTIFF ``scene`` is an LST
    raster or stack, analysed by :func:`uhi.analysis.analyse_raster` with the options in ``raster``
    (``bands``, ``lst_units``, ``index_scale``). The folder is written as a
    unit (:func:`uhi.io.write.output_folder`); a folder holding files is refused unless ``overwrite``.
    Returns ``(analysis, written_paths)``.
    """
    out_dir = refuse_existing(out_dir, overwrite=overwrite)
    analysis = _analyse(scene, city, progress, population=population, districts=districts, landcover=landcover,
                        lst_method=lst_method, water_vapour=water_vapour, mask_clouds=mask_clouds,
                        district_column=district_column, vulnerability=vulnerability, raster=raster)
    with output_folder(out_dir, overwrite=overwrite) as folder:
        written = _write_analysis(analysis, folder, overwrite=overwrite, progress=progress)
    return analysis, written_paths(written, folder, out_dir)


def example_scenarios(city: str) -> list[Path]:
    """Scenario files shipped for ``city`` (:func:`uhi.scenarios.list_examples` whose name starts with its slug)."""
    from ..cities import get_city
    from ..scenarios import example_path, list_examples

    slug = get_city(city).slug
    return [example_path(name) for name in list_examples() if name.startswith(slug)]


def demo_workflow(city: str = "Sofia", out_dir="demo-output", *, overwrite: bool = False,
                  scenarios: bool = True, progress: Progress = None) -> dict:
    """The ``uhi demo`` run: synthetic scene of ``city`` -> LST map, risk analysis, scenario comparison.

    Writes ``lst.tif`` (COG, degC), the risk rasters, ``districts.gpkg/.csv``, the PNG maps and, when the
    city has example scenarios, ``scenarios/comparison.csv`` and ``scenarios/report.html``; all as one unit.
    """
    from ..io.write import safe_output_path, write_raster
    from ..lst import to_celsius
    from .scenario import write_comparison

    out_dir = refuse_existing(out_dir, overwrite=overwrite)
    analysis = _analyse(None, city, progress)
    files = example_scenarios(city) if scenarios else []
    results = None
    if files:
        from ..scenarios import run_all

        say(progress, f"running {len(files)} scenarios: {', '.join(p.stem for p in files)}")
        # scenarios on the same inputs share one baseline; on this city's default scene, the analysis just made
        from ..cities import get_city

        results = run_all(files, progress, city_analyses={get_city(city or "Sofia").name: analysis})
    result = {"analysis": analysis, "comparison": None}
    with output_folder(out_dir, overwrite=overwrite) as folder:
        written = _write_analysis(analysis, folder, overwrite=overwrite, progress=progress)
        lst_path = safe_output_path(folder, "lst.tif")
        lst_c = to_celsius(analysis.lst)
        if analysis.synthetic:
            from ..synthetic import SYNTHETIC_NOTE

            lst_c = lst_c.assign_attrs(synthetic=SYNTHETIC_NOTE)  # a GeoTIFF tag
        written.append(write_raster(lst_c, lst_path, overwrite=overwrite))
        if results:
            say(progress, "writing the scenario comparison and report")
            table, paths = write_comparison(results, folder / "scenarios", overwrite=overwrite)
            result["comparison"] = table
            written += paths
    result["written"] = written_paths(written, folder, out_dir)
    return result
