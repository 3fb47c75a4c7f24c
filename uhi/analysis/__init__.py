"""One call from a Landsat scene to a city's heat analysis: LST, indices, SUHII, hot spots, risk, districts.

:func:`analyse_city` chains the library's layers in the order a heat plan needs them::

    load_landsat -> land_surface_temperature, spectral indices
                 -> SUHII (urban mask from NDBI/NDVI or land cover), Gi* hot spots
                 -> heat risk (hazard x exposure x vulnerability) on the scene grid
                 -> per-district table (zonal statistics, population-weighted LST, people at high risk)

It is the baseline of :mod:`uhi.scenarios` and what ``uhi risk`` / ``uhi demo`` run. Ancillary layers of a
synthetic scene folder (``truth/population.tif``, ``truth/districts.gpkg``, ``truth/land_cover.tif``, see
docs/ARCHITECTURE.md) are picked up automatically when not given; for a real scene pass them explicitly.

LST already computed (a GeoTIFF from ``uhi lst`` or another tool, or an index/LST stack such as Sofia's)
goes through :func:`analyse_raster`; layers in memory through :func:`analyse_layers`.
"""

from uhi.analysis.districts import HOT_HAZARD_CLASSES, district_table
from uhi.analysis.layers import URBAN_LANDCOVER, WATER_LANDCOVER, analyse_layers
from uhi.analysis.raster import analyse_raster, is_lst_raster
from uhi.analysis.result import CityAnalysis
from uhi.analysis.scene import analyse_city, choose_lst_method

__all__ = ["HOT_HAZARD_CLASSES", "URBAN_LANDCOVER", "WATER_LANDCOVER", "CityAnalysis", "analyse_city", "analyse_layers",
           "analyse_raster", "choose_lst_method", "district_table", "is_lst_raster"]
