"""``uhi timeseries``: many scenes of one city -> mean / max LST and hot-day counts."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import BANDS_OPTION, LST_UNITS_OPTION, handle_errors, raster_options, say, steps


@handle_errors
def timeseries(
    scenes: list[Path] = typer.Argument(..., help="Scene folders/archives of one path/row, or LST GeoTIFFs/stacks (.tif), "
                                        "all on one grid."),
    method: str = typer.Option("auto", "--method", "-m", help="LST method: auto (best each scene supports), simple, single-channel, split-window, l2."),
    mask_clouds: bool | None = typer.Option(None, "--mask-clouds/--no-mask-clouds",
                                            help="Cloud masking from the QA band. Default: on where the scene has a QA band."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Water vapour [g cm-2] for single-channel/split-window."),
    hot_celsius: float = typer.Option(35.0, "--hot", help="A scene is a hot day at a pixel when LST exceeds this [°C]."),
    chunks: int = typer.Option(1024, "--chunks", help="Dask chunk size [px] (>= 1; the scenes are processed lazily)."),
    bands: str | None = BANDS_OPTION,
    lst_units: str | None = LST_UNITS_OPTION,
    out: Path = typer.Option(Path("uhi-timeseries"), "--out", "-o", help="Output folder."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Write the rasters even if no pixel of any scene has an LST."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Per-pixel mean and maximum LST and number of hot scenes over many scenes, computed lazily."""
    from ..errors import InputValueError
    from ..workflows import timeseries_workflow

    if chunks < 1:
        raise InputValueError(f"--chunks {chunks} is not a chunk size; give a whole number of pixels >= 1 (e.g. 1024)")
    with steps(2 + 4) as advance:
        timeseries_workflow(scenes, out, method=method, mask_clouds="auto" if mask_clouds is None else mask_clouds,
                            water_vapour=water_vapour, hot_celsius=hot_celsius, chunks=chunks,
                            raster=raster_options(bands, lst_units, None), allow_empty=allow_empty,
                            overwrite=overwrite, progress=advance)
    say(f"wrote mean/max LST, hot days and clear-scene counts for {len(scenes)} scenes to {out}/")
