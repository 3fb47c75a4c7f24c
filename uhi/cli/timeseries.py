"""``uhi timeseries``: many scenes of one city -> mean / max LST and hot-day counts."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, say, steps


@handle_errors
def timeseries(
    scenes: list[Path] = typer.Argument(..., help="Scene folders/archives of one path/row (same grid)."),
    method: str = typer.Option("auto", "--method", "-m", help="LST method: auto (best each scene supports), simple, single-channel, split-window, l2."),
    mask_clouds: bool | None = typer.Option(None, "--mask-clouds/--no-mask-clouds",
                                            help="Cloud masking from the QA band. Default: on where the scene has a QA band."),
    water_vapour: float | None = typer.Option(None, "--water-vapour", "-w", help="Water vapour [g cm-2] for single-channel/split-window."),
    hot_celsius: float = typer.Option(35.0, "--hot", help="A scene is a hot day at a pixel when LST exceeds this [°C]."),
    chunks: int = typer.Option(1024, "--chunks", help="Dask chunk size [px] (>= 1; the scenes are processed lazily)."),
    out: Path = typer.Option(Path("uhi-timeseries"), "--out", "-o", help="Output folder."),
    allow_empty: bool = typer.Option(False, "--allow-empty", help="Write the rasters even if no pixel of any scene has an LST."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Per-pixel mean and maximum LST and number of hot scenes over many scenes, computed lazily."""
    from ..constants import ZERO_CELSIUS_K
    from ..errors import InputValueError, OutputExistsError
    from ..io import write_raster
    from ..io.write import check_output_path
    from ..timeseries import lst_statistics, lst_time_series

    names = ("valid_scenes", "mean_lst", "max_lst", "hot_days")
    check_output_path(out, folder=True)  # before the work
    existing = [f"{n}.tif" for n in names if (out / f"{n}.tif").exists()]
    if existing and not overwrite:
        raise OutputExistsError(f"{out}/ already holds {', '.join(existing)}; add --overwrite to replace them")
    if chunks < 1:
        raise InputValueError(f"--chunks {chunks} is not a chunk size; give a whole number of pixels >= 1 (e.g. 1024)")
    kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
    with steps(2 + 4) as advance:
        advance(f"opening {len(scenes)} scenes lazily")
        stack = lst_time_series(scenes, method=method, chunks={"x": chunks, "y": chunks},
                                mask_clouds="auto" if mask_clouds is None else mask_clouds, **kwargs)
        stats = lst_statistics(stack, hot_threshold=ZERO_CELSIUS_K + hot_celsius)
        advance("counting clear scenes per pixel")
        # computed once, in memory (a small integer raster), and written from there: an all-empty result stops here
        counts = stats["valid_scenes"].compute()
        if not allow_empty and not bool((counts > 0).any()):
            raise InputValueError(
                f"no pixel of the {len(scenes)} scene(s) has a valid LST (every pixel is fill in the thermal band or "
                "flagged cloud, shadow, snow or fill by the QA band); nothing was written (pass --allow-empty to write "
                "the empty rasters anyway, or --no-mask-clouds)")
        out.mkdir(parents=True, exist_ok=True)
        for name in names:
            advance(f"writing {name}.tif")
            write_raster(counts if name == "valid_scenes" else stats[name], out / f"{name}.tif", overwrite=overwrite)
    say(f"wrote mean/max LST, hot days and clear-scene counts for {len(scenes)} scenes to {out}/")
