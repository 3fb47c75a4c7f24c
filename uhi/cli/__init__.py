"""The ``uhi`` command line: a thin layer over the library.

One module per command; each command parses options, calls library
functions, and reports. Errors in the input print one line and exit 1;
Ctrl-C exits 130 and leaves no partial output (writes are atomic).
"""

from __future__ import annotations

import typer

from . import calibrate as _calibrate
from . import cities as _cities
from . import demo as _demo
from . import lst as _lst
from . import optimize as _optimize
from . import risk as _risk
from . import scenario as _scenario
from . import timeseries as _timeseries
from . import validate as _validate
from ._common import TYPER_SETTINGS

app = typer.Typer(
    name="uhi",
    help="Urban heat island analysis: LST from Landsat, heat risk, cooling scenarios for pilot cities.",
    **TYPER_SETTINGS,
)
app.command("cities")(_cities.cities)
app.command("lst")(_lst.lst)
app.command("demo")(_demo.demo)
app.command("risk")(_risk.risk)
app.command("optimize")(_optimize.optimize)
app.command("timeseries")(_timeseries.timeseries)
app.command("calibrate")(_calibrate.calibrate)
app.command("validate")(_validate.validate)
app.add_typer(_scenario.app, name="scenario")


def main() -> None:
    """Entry point of the ``uhi`` console script."""
    app()
