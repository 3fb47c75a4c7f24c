"""Cooling scenarios for planners: a TOML of interventions -> cooling, residents protected, cost per °C·person.

Typical use::

    from uhi.scenarios import Scenario, compare
    result = Scenario.from_toml("nis-green").run()      # a shipped example, or a path
    result.table          # per district: ΔT_air, ΔLST, residents moved out of high risk, class changes
    result.totals         # cost, °C·person reduced, cost per °C·person, EUR per resident protected
    result.plot()         # map of the air temperature change
    result.write("out/")  # COG rasters, GeoPackage + CSV, totals JSON, PNG maps, HTML report
    compare(["nis-green", "nis-white", "nis-blue"])   # ranked by cost per °C·person

The file format is documented in :mod:`uhi.scenarios.schema`; the baseline in :mod:`uhi.scenarios.baseline`,
placement in :mod:`uhi.scenarios.placement`, the computation in :mod:`uhi.scenarios.engine`, the numbers in
:mod:`uhi.scenarios.accounting` and :mod:`uhi.scenarios.checks`.
"""

from .baseline import Baseline, prepare_baseline
from .engine import risk_after
from .result import CAVEATS, OUTPUT_FILES, ScenarioResult, comparison_table
from .scenario import Scenario, compare, example_path, list_examples, run_all
from .schema import ScenarioSpec, parse_scenario, validate_scenario

__all__ = [
    "CAVEATS",
    "OUTPUT_FILES",
    "Baseline",
    "Scenario",
    "ScenarioResult",
    "ScenarioSpec",
    "compare",
    "comparison_table",
    "example_path",
    "list_examples",
    "parse_scenario",
    "prepare_baseline",
    "risk_after",
    "run_all",
    "validate_scenario",
]
