"""Maps and charts of LST, heat risk, hot spots, district tables and scenario results.

Each function takes ``ax=None`` (draws a new figure) or an axes to draw into and
returns the axes. Maps use the raster's own x/y coordinates, label units on the
colour bar or legend, carry a scale bar and north arrow, and title themselves
with the city and date found in the data's attrs::

    ax = uhi.plot.lst_map(lst, districts=districts)
    uhi.plot.save_figure(ax.figure, "out/lst.png")
"""

from __future__ import annotations

from ._decor import add_north_arrow, add_scale_bar, label_points, save_figure, use_font
from .charts import benefit_curve, district_choropleth, risk_bars
from .maps import HOTSPOT_COLOURS, HOTSPOT_LABELS, RISK_COLOURS, delta_map, hotspot_map, lst_map, risk_map
from .skill import regression_plot, residual_map, skill_scatter

__all__ = [
    "HOTSPOT_COLOURS",
    "HOTSPOT_LABELS",
    "RISK_COLOURS",
    "add_north_arrow",
    "add_scale_bar",
    "benefit_curve",
    "delta_map",
    "district_choropleth",
    "hotspot_map",
    "label_points",
    "lst_map",
    "regression_plot",
    "residual_map",
    "risk_bars",
    "risk_map",
    "save_figure",
    "skill_scatter",
    "use_font",
]
