"""Heat–health outcomes: city exposure–response curves, heat deaths avoided, person-degree-hours.

Curves: Masselot et al. 2023, Lancet Planet. Health 7:e271, doi:10.1016/S2542-5196(23)00023-2, read from a
user-given table (the package ships none). Method for deaths avoided: Iungman et al. 2023, Lancet 401:577,
doi:10.1016/S0140-6736(22)02585-5. See :mod:`uhi.health.burden` for the equations.

Typical use::

    model = load_health_folder("health/", "Sofia")           # city_erf.csv, city_erf_vcov.csv, era5_daily_<code>.csv.gz
    out = model.assess(delta_t_air, population, zones)      # per summer, per zone
    out.total()["deaths_avoided_central"]
"""

from .burden import (
    HEALTH_DATA_ENV,
    SUMMER_MONTHS,
    HealthModel,
    HealthOutcome,
    curves_for_city,
    load_city_health,
    load_health_folder,
    loglinear_curves,
    read_temperature_series,
)
from .erf import ERF_COLUMNS, VCOV_COLUMNS, AgeCurve, CityCurves, read_erf_table, spline_basis

__all__ = [
    "ERF_COLUMNS",
    "HEALTH_DATA_ENV",
    "SUMMER_MONTHS",
    "VCOV_COLUMNS",
    "AgeCurve",
    "CityCurves",
    "HealthModel",
    "HealthOutcome",
    "curves_for_city",
    "load_city_health",
    "load_health_folder",
    "loglinear_curves",
    "read_erf_table",
    "read_temperature_series",
    "spline_basis",
]
