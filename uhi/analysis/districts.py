"""Per-district table of a city's heat analysis: zonal LST, population-weighted LST, people at risk."""

from __future__ import annotations

import xarray as xr

from uhi.risk import HIGH_RISK_CLASSES

#: Hazard classes counted as "very strong or extreme heat" (uhi.risk.hazard_classes: UTCI categories 4 and 5).
HOT_HAZARD_CLASSES = (4, 5)


def district_table(lst, zones, *, population=None, risk=None, id_column=None):
    """Per-district LST statistics (degC), population-weighted LST, residents in very strong / extreme heat
    (absolute hazard classes 4-5) and in high-risk classes (absolute risk classes 4-5)."""
    from uhi.lst import to_celsius
    from uhi.zonal import rasterize_zones, zonal_stats

    layers = {"lst": to_celsius(lst)}
    if risk is not None and "risk" in risk:
        layers["risk"] = risk["risk"]
    zones = rasterize_zones(zones, lst, id_column=id_column)  # burn the polygons once for every table below
    table = zonal_stats(xr.Dataset(layers), zones, stats=("mean", "min", "max", "p90", "count"))
    if population is not None:
        from uhi.zonal import people_in_classes, population_weighted_mean

        weighted = population_weighted_mean(layers["lst"].rename("lst"), population, zones)
        table["residents"] = weighted["population"].to_numpy()
        table["lst_popweighted_mean"] = weighted["lst_population_weighted_mean"].to_numpy()
        if risk is not None:
            hot = people_in_classes(risk["hazard_class"], population, zones, classes=HOT_HAZARD_CLASSES)
            table["residents_very_strong_heat"] = hot["people_in_classes"].to_numpy()
            table["share_very_strong_heat"] = hot["share_in_classes"].to_numpy()
            if "risk_class" in risk:
                people = people_in_classes(risk["risk_class"], population, zones, classes=HIGH_RISK_CLASSES)
                table["residents_high_risk"] = people["people_in_classes"].to_numpy()
                table["share_high_risk"] = people["share_in_classes"].to_numpy()
    return table
