"""``uhi optimize``: where to spend a cooling budget for the most heat deaths avoided ("urban acupuncture")."""

from __future__ import annotations

from pathlib import Path

import typer

from ._common import handle_errors, say, steps


@handle_errors
def optimize(
    scene: Path | None = typer.Argument(None, help="Scene folder/archive/MTL. Default: the synthetic scene of --city."),
    city: str = typer.Option("Sofia", "--city", "-c", help="Pilot city of the synthetic default scene."),
    budget: float = typer.Option(1_000_000.0, "--budget", "-b", help="Capital budget [EUR]."),
    interventions: str | None = typer.Option(
        None, "--interventions", "-i",
        help="Comma-separated catalogue keys, e.g. street_trees,cool_roof (default: every neighbourhood-scale measure)."),
    site_size: float = typer.Option(150.0, "--site-size", help="Largest site side [m]: connected patches where a measure may go are cut into pieces of at most this square."),
    max_candidates: int = typer.Option(200, "--max-candidates", help="Candidate sites per measure (the highest-risk ones)."),
    candidates: Path | None = typer.Option(None, "--candidates", help="Parcels to choose among (GeoPackage, GeoJSON, shapefile) instead of the connected sites."),
    label_column: str | None = typer.Option(None, "--label-column", help="Column naming each parcel of --candidates."),
    method: str = typer.Option("lazy-greedy", "--method", "-m", help="lazy-greedy (default), greedy or milp."),
    catalogue: Path | None = typer.Option(None, "--catalogue", help="Your catalogue TOML: added or overridden measures (e.g. local costs)."),
    uhi_max: float | None = typer.Option(None, "--uhi-max", help="UHI magnitude of the cooling model [°C], > 0 and <= 15 (default: the scenario baseline's, 3.5)."),
    population: Path | None = typer.Option(None, "--population", "-p", help="Population raster (residents per cell, any CRS)."),
    landcover: Path | None = typer.Option(None, "--landcover", help="Land-cover raster (codes of data/landcover.csv)."),
    cooling_model: str = typer.Option("literature", "--cooling-model",
                                      help="literature (default, as scenarios) or invest (the InVEST Urban Cooling Model)."),
    objective: str | None = typer.Option(
        None, "--objective",
        help="deaths_avoided, person_degree_hours or person_k (default: deaths_avoided with --health-data, else person_k)."),
    park_area: float | None = typer.Option(
        None, "--park-area", help="Offer pocket parks and ponds as contiguous parks of this area [m2] (default: whole sites)."),
    health_data: Path | None = typer.Option(
        None, "--health-data", help="Folder of exposure-response curves and daily temperatures (default: $UHI_HEALTH_DATA)."),
    out: Path = typer.Option(Path("uhi-optimize"), "--out", "-o", help="Output folder."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing outputs."),
) -> None:
    """Choose whole sites (streets, roofs, open space of a few blocks, or your parcels) and measures that avoid the
    most heat deaths (or person-degree-hours, or risk-weighted cooling) within a budget.

    Writes the ranked sites (GeoPackage, CSV), a map, the benefit-vs-budget curve, ΔT_air (COG), a summary.
    """
    from ..errors import InputValueError
    from ..workflows import optimize_workflow

    if uhi_max is not None:
        from ..constants import UHI_MAX_LIMIT_K

        if not 0 < uhi_max <= UHI_MAX_LIMIT_K:
            raise InputValueError(
                f"--uhi-max {uhi_max:g} is outside (0, {UHI_MAX_LIMIT_K:g}] °C: "
                + ("with no heat island the cooling model gives no measure any effect, so there is nothing to optimise"
                   if uhi_max == 0 else "a UHI magnitude is a few degrees (Oke 1973 measured up to ~12 K)"))
    for flag, value, ok, bound in (("--budget", budget, budget >= 0, ">= 0"), ("--max-candidates", max_candidates,
                                   max_candidates >= 1, ">= 1"), ("--site-size", site_size, site_size > 0, "> 0")):
        if not ok:
            raise InputValueError(f"{flag} must be {bound}, got {value:g}")
    keys = None if interventions is None else [k.strip() for k in interventions.split(",") if k.strip()]
    if keys is not None and not keys:
        raise InputValueError(f"--interventions {interventions!r} names no measure; give comma-separated catalogue keys")
    with steps(6) as advance:
        run = optimize_workflow(
            scene, out, city=city, budget=budget, interventions=keys, site_size=site_size, max_candidates=max_candidates,
            candidates=candidates, label_column=label_column, method=method, catalogue=catalogue, uhi_max=uhi_max,
            population=population, landcover=landcover, cooling_model=cooling_model, objective=objective,
            health_data=health_data, park_area=park_area, overwrite=overwrite, progress=advance)
    analysis, result, written = run["analysis"], run["result"], run["written"]
    s = result.sites
    if len(s) == 0:
        say(f"{analysis.title}: no measure fits a budget of {budget:,.0f} EUR (cheapest option "
                      f"{result.stats['cheapest_option_eur']:,.0f} EUR); wrote an empty plan")
    else:
        t = result.totals
        say(
            f"{analysis.title}: {len(s)} measure(s) on {s['site'].nunique()} site(s) for {s['cost_eur'].sum():,.0f} of "
            f"{budget:,.0f} EUR ({t['annualised_cost_eur_per_year']:,.0f} EUR/yr); {t['objective_long_name']}: "
            f"{result.objective:,.4g} {t['objective_units']} ({t['cooling_model']} cooling)")
        if t.get("deaths_avoided_central") is not None:
            say(f"heat deaths avoided per summer {t['deaths_avoided_central']:.2f} (range {t['deaths_avoided_low']:.2f}-"
                f"{t['deaths_avoided_high']:.2f}); {t['person_degree_hours_reduced']:,.0f} person-degree-hours above "
                f"{t['mmt_degC']:.1f} °C avoided; {t['residents_cooled_0_5k']:,.0f} residents cooled by >= 0.5 K")
        else:
            say(f"no heat deaths estimated: {t.get('health_note', '')}")
        top = s.iloc[0]
        say(f"best: {top['intervention']} at {top['site']} ({top['cost_eur']:,.0f} EUR, "
                      f"site ΔT_air {top['delta_t_air_site_k']:+.3f} K)")
    say(f"wrote {len(written)} files to {out}/")
