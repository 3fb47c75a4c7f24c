"""``uhi risk``: heat-risk rasters, per-district table and maps of a scene (default: a synthetic pilot city)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import console, handle_errors, print_analysis_summary, steps


@handle_errors
def risk(
    scene: Path | None = typer.Argument(None, help="Scene folder/archive/MTL. Default: the synthetic scene of --city."),
    population: Path | None = typer.Option(None, "--population", "-p", help="Population raster (residents per cell, any CRS)."),
    districts: Path | None = typer.Option(None, "--districts", "-d", help="District polygons (GeoPackage, GeoJSON, shapefile)."),
    landcover: Path | None = typer.Option(None, "--landcover", help="Land-cover raster (codes of data/landcover.csv) for the urban mask."),
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city of the synthetic default scene."),
    method: str = typer.Option("auto", "--method", "-m", help="LST method: auto (best the scene supports), simple, single-channel, split-window, l2."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Water vapour [g cm-2]."),
    out: Path = typer.Option(Path("uhi-risk"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """LST, hazard, exposure, vulnerability, risk and class rasters (COG), district table and PNG maps."""
    from ..workflows import risk_workflow

    with steps(14) as advance:
        analysis, written = risk_workflow(
            scene, out, population=population, districts=districts, landcover=landcover, lst_method=method,
            water_vapour=water_vapour, city=city, overwrite=overwrite, progress=advance,
        )
    print_analysis_summary(analysis)
    console.print(f"wrote {len(written)} files to {out}/", highlight=False)
