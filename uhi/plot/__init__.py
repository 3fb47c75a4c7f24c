"""Maps and charts of LST, heat risk, hot spots, district tables and scenario results.

Each function takes ``ax=None`` (draws a new figure) or an axes to draw into and
returns the axes. Maps use the raster's own x/y coordinates, label units on the
colour bar or legend, carry a scale bar and north arrow, and title themselves
with the city and date found in the data's attrs::

    ax = uhi.plot.lst_map(lst, districts=districts)
    uhi.plot.save_figure(ax.figure, "out/lst.png")
"""

from __future__ import annotations

from ._decor import add_north_arrow, add_scale_bar, label_points, save_figure, save_figures, use_font
from .charts import benefit_curve, district_choropleth, risk_bars
from .maps import HOTSPOT_COLOURS, HOTSPOT_LABELS, RISK_COLOURS, delta_map, hotspot_map, lst_map, risk_map
from .optimize import CATEGORY_COLOURS, budget_curve, optimize_pngs, sites_map
from .scenario import figure_png, figure_pngs, scenario_figures, scenario_map
from .skill import regression_plot, residual_map, skill_scatter

__all__ = [
    "CATEGORY_COLOURS",
    "HOTSPOT_COLOURS",
    "HOTSPOT_LABELS",
    "RISK_COLOURS",
    "add_north_arrow",
    "add_scale_bar",
    "benefit_curve",
    "budget_curve",
    "delta_map",
    "district_choropleth",
    "figure_png",
    "figure_pngs",
    "hotspot_map",
    "label_points",
    "lst_map",
    "optimize_pngs",
    "regression_plot",
    "residual_map",
    "risk_bars",
    "risk_map",
    "save_figure",
    "save_figures",
    "scenario_figures",
    "scenario_map",
    "sites_map",
    "skill_scatter",
    "use_font",
]
