"""``uhi risk``: heat-risk rasters, per-district table and maps of a scene (default: a synthetic pilot city)."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import (
    BANDS_OPTION,
    INDEX_SCALE_OPTION,
    LST_UNITS_OPTION,
    handle_errors,
    print_analysis_summary,
    raster_options,
    say,
    steps,
)


@handle_errors
def risk(
    scene: Path | None = typer.Argument(None, help="Scene folder/archive/MTL, or an LST GeoTIFF / LST-index stack (.tif). "
                                        "Default: the synthetic scene of --city."),
    population: Path | None = typer.Option(None, "--population", "-p", help="Population raster (residents per cell, any CRS)."),
    districts: Path | None = typer.Option(None, "--districts", "-d", help="District polygons (GeoPackage, GeoJSON, shapefile)."),
    district_id: str | None = typer.Option(None, "--district-id", help="Column naming the districts (default: the one unique name/id column)."),
    vulnerability: Path | None = typer.Option(None, "--vulnerability", "-v", help="Per-district table of residents' attributes "
                                              "(CSV or GeoPackage; columns such as elderly, living_alone, low_income; joined on --district-id)."),
    mask_clouds: bool | None = typer.Option(None, "--mask-clouds/--no-mask-clouds",
                                            help="Cloud masking from the QA band. Default: on where the scene has a QA band."),
    landcover: Path | None = typer.Option(None, "--landcover", help="Land-cover raster (codes of data/landcover.csv) for the urban mask."),
    city: str | None = typer.Option(None, "--city", "-c", help="Pilot city of the synthetic default scene [default: Sofia]; "
                                    "with a .tif, the label in titles [default: the file name]."),
    method: str = typer.Option("auto", "--method", "-m", help="LST method: auto (best the scene supports), simple, single-channel, split-window, l2."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Water vapour [g cm-2]."),
    bands: str | None = BANDS_OPTION,
    lst_units: str | None = LST_UNITS_OPTION,
    index_scale: str | None = INDEX_SCALE_OPTION,
    out: Path = typer.Option(Path("uhi-risk"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """LST, absolute hazard classes, exposure, vulnerability, risk and class rasters (COG), district table, PNG maps.

    Without --population only the hazard outputs are written (and the summary says so).
    """
    from ..workflows import risk_workflow

    raster = raster_options(bands, lst_units, index_scale)
    with steps(8) as advance:  # scene, analysis, the rasters (one pass), five maps
        analysis, written = risk_workflow(
            scene, out, population=population, districts=districts, district_column=district_id, landcover=landcover,
            lst_method=method, mask_clouds="auto" if mask_clouds is None else mask_clouds, vulnerability=vulnerability,
            water_vapour=water_vapour, city=city, raster=raster, overwrite=overwrite, progress=advance,
        )
    print_analysis_summary(analysis)
    say(f"wrote {len(written)} files to {out}/")
