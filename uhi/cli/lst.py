"""``uhi lst``: land-surface temperature of a scene to a Cloud-Optimized GeoTIFF."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import console, handle_errors, steps

METHODS = ("simple", "single-channel", "split-window", "l2")


@handle_errors
def lst(
    scene: Path = typer.Argument(..., help="Scene folder, .tar/.tar.gz archive or MTL file (.txt/.json/.xml)."),
    method: str = typer.Option("simple", "--method", "-m", help=f"One of: {', '.join(METHODS)}."),
    out: Path = typer.Option(Path("lst.tif"), "--out", "-o", help="Output GeoTIFF (COG)."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Total column water vapour [g cm-2] (single-channel, split-window)."),
    celsius: bool = typer.Option(False, "--celsius", help="Write degrees Celsius instead of kelvin."),
    mask_clouds: bool = typer.Option(False, "--mask-clouds", help="Set cloud/shadow/cirrus/snow/fill pixels (QA band) to NaN."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace OUT if it exists."),
) -> None:
    """Compute land-surface temperature of SCENE and write it as a Cloud-Optimized GeoTIFF."""
    from ..io import load_landsat, write_raster
    from ..lst import land_surface_temperature, to_celsius

    if out.exists() and not overwrite:  # fail before the work, not after
        from ..errors import OutputExistsError

        raise OutputExistsError(f"{out} already exists; pass --overwrite to replace it")
    with steps(3) as advance:
        advance(f"loading {scene}")
        ds = load_landsat(scene, mask_clouds=mask_clouds)
        advance(f"computing LST ({method})")
        kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
        result = land_surface_temperature(ds, method=method, **kwargs)
        if celsius:
            result = to_celsius(result)
        advance(f"writing {out}")
        write_raster(result, out, overwrite=overwrite)
    values = result.values
    unit = "°C" if celsius else "K"
    import numpy as np

    console.print(
        f"wrote {out}: {method} LST, {np.nanmin(values):.2f}..{np.nanmax(values):.2f} {unit}, "
        f"mean {np.nanmean(values):.2f} {unit}", highlight=False,
    )
