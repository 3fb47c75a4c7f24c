"""``uhi timeseries``: many scenes of one city -> per-pixel mean / max LST, hot scenes and clear-scene counts."""

from __future__ import annotations

from .._progress import Progress, say
from ..io.write import output_folder, refuse_existing, safe_output_path, write_raster, written_paths

__all__ = ["TIMESERIES_FILES", "timeseries_workflow"]

#: Rasters written by :func:`timeseries_workflow` (stem -> variable of :func:`uhi.timeseries.lst_statistics`).
TIMESERIES_FILES = ("valid_scenes", "mean_lst", "max_lst", "hot_days")


def timeseries_workflow(scenes, out_dir="uhi-timeseries", *, method: str = "auto", mask_clouds: bool | str = "auto",
                        water_vapour: float | None = None, hot_celsius: float = 35.0, chunks: int = 1024,
                        raster: dict | None = None, allow_empty: bool = False, overwrite: bool = False,
                        progress: Progress = None) -> list:
    """Lazily computed LST statistics of ``scenes`` written as COGs into ``out_dir`` (one unit); the paths written.

    ``hot_celsius`` [degC]: a scene is a hot day at a pixel when its LST exceeds it. A result without any clear
    pixel stops with its cause unless ``allow_empty``. GeoTIFF ``scenes`` are LST rasters or stacks, read with the
    options in ``raster`` (``bands``, ``lst_units``; :func:`uhi.io.stack.load_lst_raster`).
    """
    from ..errors import InputValueError
    from ..timeseries import lst_statistics, lst_time_series
    from ..units import celsius_to_kelvin

    out_dir = refuse_existing(out_dir, overwrite=overwrite, names=[f"{n}.tif" for n in TIMESERIES_FILES])
    if chunks < 1:
        raise InputValueError(f"chunks={chunks} is not a chunk size; give a whole number of pixels >= 1 (e.g. 1024)")
    kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
    say(progress, f"opening {len(scenes)} scenes lazily")
    stack = lst_time_series(scenes, method=method, chunks={"x": chunks, "y": chunks}, mask_clouds=mask_clouds,
                            raster=raster, **kwargs)
    stats = lst_statistics(stack, hot_threshold=celsius_to_kelvin(hot_celsius))
    say(progress, "counting clear scenes per pixel")
    # computed once, in memory (a small integer raster), and written from there: an all-empty result stops here
    counts = stats["valid_scenes"].compute()
    if not allow_empty and not bool((counts > 0).any()):
        raise InputValueError(
            f"no pixel of the {len(scenes)} scene(s) has a valid LST (every pixel is fill in the thermal band or "
            "flagged cloud, shadow, snow or fill by the QA band); nothing was written (pass allow_empty=True (CLI: "
            "--allow-empty) to write the empty rasters anyway, or --no-mask-clouds)")
    written = []
    with output_folder(out_dir, overwrite=overwrite) as folder:
        for name in TIMESERIES_FILES:
            say(progress, f"writing {name}.tif")
            da = counts if name == "valid_scenes" else stats[name]
            written.append(write_raster(da, safe_output_path(folder, f"{name}.tif"), overwrite=overwrite))
    return written_paths(written, folder, out_dir)
