"""``uhi optimize``: where to spend a cooling budget for the most risk-weighted cooling ("urban acupuncture")."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, say, steps


@handle_errors
def optimize(
    scene: Path | None = typer.Argument(None, help="Scene folder/archive/MTL. Default: the synthetic scene of --city."),
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city of the synthetic default scene."),
    budget: float = typer.Option(1_000_000.0, "--budget", "-b", help="Budget [EUR]."),
    interventions: str | None = typer.Option(
        None, "--interventions", "-i",
        help="Comma-separated catalogue keys, e.g. street_trees,cool_roof (default: every neighbourhood-scale measure)."),
    site_size: float = typer.Option(150.0, "--site-size", help="Side of the candidate blocks [m]."),
    max_candidates: int = typer.Option(200, "--max-candidates", help="Number of highest-risk blocks considered."),
    candidates: Path | None = typer.Option(None, "--candidates", help="Parcels to choose among (GeoPackage, GeoJSON, shapefile) instead of blocks."),
    label_column: str | None = typer.Option(None, "--label-column", help="Column naming each parcel of --candidates."),
    method: str = typer.Option("lazy-greedy", "--method", "-m", help="lazy-greedy (default), greedy or milp."),
    catalogue: Path | None = typer.Option(None, "--catalogue", help="Your catalogue TOML: added or overridden measures (e.g. local costs)."),
    uhi_max: float | None = typer.Option(None, "--uhi-max", help="UHI magnitude of the cooling model [°C], > 0 and <= 15 (default: the scenario baseline's, 3.5)."),
    population: Path | None = typer.Option(None, "--population", "-p", help="Population raster (residents per cell, any CRS)."),
    landcover: Path | None = typer.Option(None, "--landcover", help="Land-cover raster (codes of data/landcover.csv)."),
    out: Path = typer.Option(Path("uhi-optimize"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Rank sites and measures that protect the most residents at heat risk within a budget.

    Writes the ranked sites (GeoPackage, CSV), a map, the benefit-vs-budget curve, ΔT_air (COG), a summary.
    """
    from ..errors import InputValueError, OutputExistsError
    from ..io.write import check_output_path
    from ..optimize import OUTPUT_FILES

    check_output_path(out, folder=True)
    if not overwrite:  # fail before the work, not after
        existing = [name for name in OUTPUT_FILES if (out / name).exists()]
        if existing:
            raise OutputExistsError(f"{out}/ already holds {', '.join(existing)}; pass --overwrite to replace them")
    if uhi_max is not None:
        from ..constants import UHI_MAX_LIMIT_K

        if not 0 < uhi_max <= UHI_MAX_LIMIT_K:
            raise InputValueError(
                f"--uhi-max {uhi_max:g} is outside (0, {UHI_MAX_LIMIT_K:g}] °C: "
                + ("with no heat island the cooling model gives no measure any effect, so there is nothing to optimise"
                   if uhi_max == 0 else "a UHI magnitude is a few degrees (Oke 1973 measured up to ~12 K)"))
    if not budget >= 0:
        raise InputValueError(f"--budget must be >= 0 EUR, got {budget:g}")
    if max_candidates < 1:
        raise InputValueError(f"--max-candidates must be >= 1, got {max_candidates}")
    if not site_size > 0:
        raise InputValueError(f"--site-size must be > 0 m, got {site_size:g}")
    keys = None if interventions is None else [k.strip() for k in interventions.split(",") if k.strip()]
    if keys is not None and not keys:
        raise InputValueError(f"--interventions {interventions!r} names no measure; give comma-separated catalogue keys")

    with steps(6) as advance:
        from .. import optimize as opt
        from .._paths import data_path
        from ..analysis import analyse_city
        from ..cooling import parameters_from_landcover
        from ..interventions import load_catalogue
        from ..scenarios.schema import BaselineSpec

        advance("loading the intervention catalogue")
        cat = load_catalogue(extra=catalogue)
        unknown = [k for k in keys or () if k not in cat]
        if unknown:  # the library checks these too; here they fail before the scene analysis
            raise InputValueError(f"unknown intervention key(s) {unknown!r}; the catalogue has {sorted(cat)}")
        if method not in opt.METHODS:
            raise InputValueError(f"method must be one of {opt.METHODS}, got {method!r}")
        if scene is None:
            from ..synthetic import default_scene

            advance(f"preparing the synthetic scene of {city}")
            scene = default_scene(city)
        else:
            advance(f"reading {scene}")
        advance(f"analysing heat risk of {scene}")
        analysis = analyse_city(scene, population=population, landcover=landcover)
        if analysis.landcover is None:
            raise InputValueError("uhi optimize needs a land-cover raster (--landcover) to know what may be placed where")
        if analysis.risk is None:
            raise InputValueError("uhi optimize needs a population raster (--population) to weight cooling by residents at risk")
        parcels = None
        if candidates is not None:
            from ..io import load_vector

            parcels = load_vector(candidates, like=analysis.lst)
        advance("building the cooling-model parameters")
        params = parameters_from_landcover(analysis.landcover, data_path("landcover.csv"))
        weights = opt.risk_weights(analysis.population, analysis.risk["vulnerability"])
        defaults = BaselineSpec()
        advance(f"optimising {budget:,.0f} EUR ({method})")
        result = opt.optimize(
            params, weights, cat, budget, landcover=analysis.landcover, candidates=parcels, site_size_m=site_size,
            interventions=keys, ref_et=defaults.ref_et, t_ref=defaults.t_ref,
            uhi_max=defaults.uhi_max if uhi_max is None else uhi_max, cooling_distance=defaults.cooling_distance,
            mixing_radius=defaults.mixing_radius, method=method, risk=analysis.risk["risk"],
            population=analysis.population, max_candidates=max_candidates, label_column=label_column,
        )
        advance(f"writing {out}/")
        written = result.write(out, overwrite=overwrite)
    s = result.sites
    if len(s) == 0:
        say(f"{analysis.title}: no measure fits a budget of {budget:,.0f} EUR (cheapest option "
                      f"{result.stats['cheapest_option_eur']:,.0f} EUR); wrote an empty plan")
    else:
        say(
            f"{analysis.title}: {len(s)} measure(s) on {s['site'].nunique()} site(s) for {s['cost_eur'].sum():,.0f} of "
            f"{budget:,.0f} EUR; risk-weighted cooling {result.objective:,.1f} person·K; "
            f"{s['residents'].sum():,.0f} residents live on the chosen sites")
        top = s.iloc[0]
        say(f"best: {top['intervention']} at {top['site']} ({top['cost_eur']:,.0f} EUR, "
                      f"site ΔT_air {top['mean_delta_t_k']:+.3f} K)")
    say(f"wrote {len(written)} files to {out}/")
