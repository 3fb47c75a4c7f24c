"""The natcap.invest Urban Cooling Model arguments for the configuration :func:`uhi.cooling.urban_cooling` runs.

Used to run the same case in natcap.invest (``natcap.invest.urban_cooling_model.execute(args)``) and compare,
as ``tests/test_cooling_invest.py`` and ``benchmarks/bench_cooling.py`` do. Argument names follow natcap.invest
3.20 (Sharp et al., InVEST User Guide, Urban Cooling Model).
"""

from __future__ import annotations

from os import PathLike

from uhi.constants import UCM_DEFAULTS


def invest_args(lulc: str | PathLike, ref_eto: str | PathLike, aoi: str | PathLike, biophysical_table: str | PathLike,
                *, t_ref: float, uhi_max: float, workspace: str | PathLike | None = None,
                cooling_distance: float = UCM_DEFAULTS["cooling_distance"],
                mixing_radius: float = UCM_DEFAULTS["mixing_radius"],
                weights: tuple[float, float, float] = UCM_DEFAULTS["weights"],
                cc_method: str = UCM_DEFAULTS["cc_method"]) -> dict:
    """``args`` for natcap.invest's UCM (no valuation): paths as strings, t_ref/uhi_max [degC], distances [m],
    weights (shade, albedo, ETI)."""
    shade, albedo, eti = weights
    args = {
        "results_suffix": "",
        "t_ref": t_ref,
        "lulc_raster_path": str(lulc),
        "ref_eto_raster_path": str(ref_eto),
        "aoi_vector_path": str(aoi),
        "biophysical_table_path": str(biophysical_table),
        "green_area_cooling_distance": cooling_distance,
        "t_air_average_radius": mixing_radius,
        "uhi_max": uhi_max,
        "cc_method": cc_method,
        "cc_weight_shade": shade,
        "cc_weight_albedo": albedo,
        "cc_weight_eti": eti,
        "do_energy_valuation": False,
        "do_productivity_valuation": False,
        "n_workers": -1,
    }
    if workspace is not None:
        args["workspace_dir"] = str(workspace)
    return args
