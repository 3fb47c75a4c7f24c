"""``uhi optimize``: where to spend a cooling budget, from a scene (default: a pilot city's synthetic scene)."""

from __future__ import annotations

from .._progress import Progress, say
from ..errors import InputValueError
from ..io.write import refuse_existing

__all__ = ["optimize_workflow"]


def optimize_workflow(scene=None, out_dir="uhi-optimize", *, city: str = "Sofia", budget: float = 1_000_000.0,
                      interventions=None, site_size: float = 150.0, max_candidates: int = 200, candidates=None,
                      label_column: str | None = None, method: str = "lazy-greedy", catalogue=None,
                      uhi_max: float | None = None, population=None, landcover=None, cooling_model: str = "literature",
                      objective: str | None = None, health_data=None, park_area: float | None = None, overwrite: bool = False,
                      progress: Progress = None) -> dict:
    """Analyse the scene, optimise ``budget`` [EUR] over the catalogue and write the plan (:meth:`OptimizationResult.write`).

    The cooling model and its scalars are the scenario baseline's defaults (:class:`uhi.scenarios.schema.BaselineSpec`:
    the literature configuration, or ``cooling_model="invest"``); ``uhi_max`` overrides the UHI magnitude [K].
    ``park_area`` [m²] offers open-space measures as contiguous parks of that area. ``health_data`` (default ``UHI_HEALTH_DATA``) is a folder of exposure-response curves (:func:`uhi.health.load_health_folder`):
    with it the default objective is heat deaths avoided, without it residents x vulnerability x cooling.
    Returns ``{"analysis", "result", "written"}``.
    """
    from .. import optimize as opt
    from .._paths import data_path
    from ..analysis import analyse_city
    from ..constants import UHI_MAX_LIMIT_K
    from ..cooling import parameters_from_landcover
    from ..health import load_city_health
    from ..interventions import load_catalogue
    from ..scenarios.schema import BaselineSpec

    out_dir = refuse_existing(out_dir, overwrite=overwrite, names=opt.OUTPUT_FILES)
    if uhi_max is not None and not 0 < uhi_max <= UHI_MAX_LIMIT_K:
        raise InputValueError(
            f"uhi_max={uhi_max:g} is outside (0, {UHI_MAX_LIMIT_K:g}] °C: "
            + ("with no heat island the cooling model gives no measure any effect, so there is nothing to optimise"
               if uhi_max == 0 else "a UHI magnitude is a few degrees (Oke 1973 measured up to ~12 K)"))
    if not budget >= 0:
        raise InputValueError(f"budget must be >= 0 EUR, got {budget:g}")
    if max_candidates < 1:
        raise InputValueError(f"max_candidates must be >= 1, got {max_candidates}")
    if not site_size > 0:
        raise InputValueError(f"site_size must be > 0 m, got {site_size:g}")
    if method not in opt.METHODS:
        raise InputValueError(f"method must be one of {opt.METHODS}, got {method!r}")
    if cooling_model not in opt.COOLING_MODELS:
        raise InputValueError(f"cooling model must be one of {opt.COOLING_MODELS}, got {cooling_model!r}")
    if objective is not None and objective not in opt.OBJECTIVES:
        raise InputValueError(f"objective must be one of {opt.OBJECTIVES}, got {objective!r}")
    say(progress, "loading the intervention catalogue")
    cat = load_catalogue(extra=catalogue)
    unknown = [k for k in interventions or () if k not in cat]
    if unknown:  # the library checks these too; here they fail before the scene analysis
        raise InputValueError(f"unknown intervention key(s) {unknown!r}; the catalogue has {sorted(cat)}")
    if scene is None:
        from ..synthetic import default_scene

        say(progress, f"preparing the synthetic scene of {city}")
        scene = default_scene(city)
    say(progress, f"analysing heat risk of {scene}")
    analysis = analyse_city(scene, population=population, landcover=landcover)
    if analysis.landcover is None:
        raise InputValueError("optimising needs a land-cover raster (--landcover) to know what may be placed where")
    if analysis.risk is None:
        raise InputValueError("optimising needs a population raster (--population) to weight cooling by residents at risk")
    health = load_city_health(health_data, analysis.city or city, progress=progress)
    if objective in ("deaths_avoided", "person_degree_hours") and health is None:
        raise InputValueError(f"objective {objective!r} needs exposure-response curves: give --health-data FOLDER "
                              "(or set UHI_HEALTH_DATA), or use --objective person_k")
    parcels = None
    if candidates is not None:
        from ..io import load_vector

        parcels = load_vector(candidates, like=analysis.lst)
    say(progress, "building the cooling-model parameters")
    table = data_path("landcover.csv")
    params = parameters_from_landcover(analysis.landcover, table)
    weights = opt.risk_weights(analysis.population, analysis.risk["vulnerability"])
    b = BaselineSpec(cooling_model=cooling_model)
    say(progress, f"optimising {budget:,.0f} EUR ({method}, {cooling_model} cooling)")
    result = opt.optimize(
        params, weights, cat, budget, landcover=analysis.landcover, candidates=parcels, site_size_m=site_size,
        interventions=interventions, ref_et=b.ref_et, t_ref=b.t_ref, uhi_max=b.uhi_max if uhi_max is None else uhi_max,
        cooling_model=cooling_model, cooling_config=b.cooling_config, table=table, objective=objective, health=health,
        cooling_distance=b.cooling_distance, mixing_radius=b.mixing_radius, method=method, risk=analysis.risk["risk"],
        population=analysis.population, max_candidates=max_candidates, label_column=label_column,
        park_area_m2=park_area, synthetic=analysis.synthetic,
    )
    say(progress, f"writing {out_dir}/")
    written = result.write(out_dir, overwrite=overwrite)
    return {"analysis": analysis, "result": result, "written": written}
