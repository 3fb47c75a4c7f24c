"""``uhi lst``: land-surface temperature of a scene to a Cloud-Optimized GeoTIFF."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, say, steps

METHODS = ("auto", "simple", "single-channel", "split-window", "l2")


@handle_errors
def lst(
    scene: Path = typer.Argument(..., help="Scene folder, .tar/.tar.gz archive or MTL file (.txt/.json/.xml)."),
    method: str = typer.Option(
        "auto", "--method", "-m",
        help="LST method: auto (the best the scene supports: l2 for Level-2, split-window or single-channel "
             "when --water-vapour is given, else simple), simple, single-channel, split-window, l2."),
    out: Path = typer.Option(Path("lst.tif"), "--out", "-o", help="Output GeoTIFF (COG, name ending in .tif)."),
    water_vapour: float | None = typer.Option(
        None, "--water-vapour", "-w", help="Total column water vapour [g cm-2] (single-channel, split-window)."),
    celsius: bool = typer.Option(False, "--celsius", help="Write degrees Celsius [°C] instead of kelvin [K]."),
    mask_clouds: bool | None = typer.Option(
        None, "--mask-clouds/--no-mask-clouds",
        help="Set cloud/shadow/cirrus/snow/fill pixels (QA band) to NaN. Default: on where the scene has a QA band (as uhi risk)."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Write the raster even if no pixel has a temperature (all NaN)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace OUT if it exists."),
) -> None:
    """Compute land-surface temperature of SCENE and write it as a Cloud-Optimized GeoTIFF [K or °C]."""
    import numpy as np

    from ..errors import InputValueError
    from ..io import load_landsat, write_raster
    from ..io.write import RASTER_SUFFIXES, refuse_existing
    from ..lst import land_surface_temperature, to_celsius

    if method not in METHODS:
        raise InputValueError(f"--method {method!r} is not a method; choose one of {', '.join(METHODS)}")
    refuse_existing(out, overwrite=overwrite, folder=False, suffixes=RASTER_SUFFIXES)  # before the work, not after
    with steps(3) as advance:
        advance(f"loading {scene}")
        ds = load_landsat(scene, mask_clouds="auto" if mask_clouds is None else mask_clouds)
        if method == "auto":
            from ..analysis import choose_lst_method

            method = choose_lst_method(ds, water_vapour)
        advance(f"computing LST ({method})")
        kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
        result = land_surface_temperature(ds, method=method, **kwargs)
        if celsius:
            result = to_celsius(result)
        values = np.asarray(result.values)
        if not np.isfinite(values).any() and not allow_empty:
            from ..lst import explain_empty

            masked = str(ds.attrs.get("cloud_mask", "")).startswith(("QA_PIXEL", "BQA"))
            hint = " or --no-mask-clouds" if masked else ""
            raise InputValueError(f"no pixel of {scene} has a land-surface temperature: {explain_empty(ds, masked)}; "
                                  f"nothing was written (pass --allow-empty to write the all-NaN raster anyway{hint})")
        advance(f"writing {out}")
        write_raster(result, out, overwrite=overwrite)
    unit = "°C" if celsius else "K"
    if not np.isfinite(values).any():
        say(f"wrote {out}: {method} LST, every pixel NaN (--allow-empty)", "yellow")
        return
    say(f"wrote {out}: {method} LST, {np.nanmin(values):.2f}..{np.nanmax(values):.2f} {unit}, mean {np.nanmean(values):.2f} {unit}")
