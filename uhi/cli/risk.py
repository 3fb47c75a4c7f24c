"""``uhi risk``: heat-risk rasters, per-district table and maps of a scene (default: a synthetic pilot city)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, print_analysis_summary, say, steps


@handle_errors
def risk(
    scene: Path | None = typer.Argument(None, help="Scene folder/archive/MTL. Default: the synthetic scene of --city."),
    population: Path | None = typer.Option(None, "--population", "-p", help="Population raster (residents per cell, any CRS)."),
    districts: Path | None = typer.Option(None, "--districts", "-d", help="District polygons (GeoPackage, GeoJSON, shapefile)."),
    district_id: str | None = typer.Option(None, "--district-id", help="Column naming the districts (default: the one unique name/id column)."),
    vulnerability: Path | None = typer.Option(None, "--vulnerability", "-v", help="Per-district table of residents' attributes "
                                              "(CSV or GeoPackage; columns such as elderly, living_alone, low_income; joined on --district-id)."),
    mask_clouds: bool | None = typer.Option(None, "--mask-clouds/--no-mask-clouds",
                                            help="Cloud masking from the QA band. Default: on where the scene has a QA band."),
    landcover: Path | None = typer.Option(None, "--landcover", help="Land-cover raster (codes of data/landcover.csv) for the urban mask."),
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city of the synthetic default scene."),
    method: str = typer.Option("auto", "--method", "-m", help="LST method: auto (best the scene supports), simple, single-channel, split-window, l2."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Water vapour [g cm-2]."),
    out: Path = typer.Option(Path("uhi-risk"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """LST, absolute hazard classes, exposure, vulnerability, risk and class rasters (COG), district table, PNG maps.

    Without --population only the hazard outputs are written (and the summary says so).
    """
    from ..workflows import risk_workflow

    with steps(14) as advance:
        analysis, written = risk_workflow(
            scene, out, population=population, districts=districts, district_column=district_id, landcover=landcover,
            lst_method=method, mask_clouds="auto" if mask_clouds is None else mask_clouds, vulnerability=vulnerability,
            water_vapour=water_vapour, city=city, overwrite=overwrite, progress=advance,
        )
    print_analysis_summary(analysis)
    say(f"wrote {len(written)} files to {out}/")
