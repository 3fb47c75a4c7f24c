"""The orchestration layer: end-to-end runs behind the ``uhi`` commands, callable from a notebook too.

* :func:`risk_workflow`, :func:`demo_workflow` -- a city's heat analysis (``uhi risk``, ``uhi demo``);
* :func:`scenario_workflow`, :func:`compare_workflow`, :func:`write_comparison` -- cooling scenarios
  (``uhi scenario run`` / ``compare``);
* :func:`optimize_workflow` -- where to spend a budget (``uhi optimize``);
* :func:`timeseries_workflow` -- LST statistics over many scenes (``uhi timeseries``);
* :func:`calibration_workflow` -- the cooling model against observations (``uhi calibrate`` / ``validate``).

Each refuses an existing output before any work (:func:`uhi.io.write.refuse_existing`) and writes its
folder as a unit (:func:`uhi.io.write.output_folder`): an error or Ctrl-C leaves nothing behind.
"""

from __future__ import annotations

from .analysis import demo_workflow, example_scenarios, risk_workflow, write_maps
from .calibration import baseline_start, calibration_observations, calibration_workflow
from .optimize import optimize_workflow
from .scenario import (
    COMPARISON_FILES,
    compare_workflow,
    load_scenarios,
    scenario_workflow,
    variant_folders,
    write_comparison,
)
from .timeseries import TIMESERIES_FILES, timeseries_workflow

__all__ = [
    "baseline_start",
    "COMPARISON_FILES",
    "TIMESERIES_FILES",
    "calibration_observations",
    "calibration_workflow",
    "compare_workflow",
    "demo_workflow",
    "example_scenarios",
    "load_scenarios",
    "optimize_workflow",
    "risk_workflow",
    "scenario_workflow",
    "timeseries_workflow",
    "variant_folders",
    "write_comparison",
    "write_maps",
]
