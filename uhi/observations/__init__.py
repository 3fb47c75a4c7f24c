"""Air-temperature observations: station tables in, records selected for an overpass or a night, rasters sampled.

::

    stations = uhi.observations.read_stations("berlin.csv.gz")            # lon/lat, UTC stamps
    obs = uhi.observations.select_overpass(stations, "2019-06-26T10:00Z")  # one value per station
    lst_at = uhi.observations.sample_raster(lst, obs, buffer_m=100)        # raster at the stations

Station tables, their columns and the errors on bad input: :func:`read_stations`.
"""

from uhi.observations.sample import sample_raster, station_pixels
from uhi.observations.stations import (
    NIGHT_HOURS,
    Stations,
    daily_window_means,
    hot_days,
    read_stations,
    select_overpass,
    select_window,
    urban_rural_contrast,
)

__all__ = [
    "NIGHT_HOURS",
    "Stations",
    "daily_window_means",
    "hot_days",
    "read_stations",
    "sample_raster",
    "select_overpass",
    "select_window",
    "station_pixels",
    "urban_rural_contrast",
]
