"""Shared CLI plumbing: error reporting, progress display, output folders.

User text (paths, labels, scenario and variant names) is never parsed as Rich markup: it is
printed with :func:`say` (markup off) or escaped with :func:`esc`, so ``[brackets]`` print as typed.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..errors import UhiError

console = Console(stderr=True, highlight=False)

#: Seconds between the "still working" lines printed when stderr is not a terminal (piped, CI, logs).
HEARTBEAT_SECONDS = float(os.environ.get("UHI_PROGRESS_SECONDS", "5"))

#: Typer settings every command group shares: help texts are plain text (``[g cm-2]`` is a unit,
#: not Rich markup), no shell-completion options, no pretty tracebacks.
TYPER_SETTINGS = dict(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


def esc(value) -> str:
    """``str(value)`` with Rich markup escaped (for user text inside a markup string or a table cell)."""
    return escape(str(value))


def say(message: str, style: str | None = None) -> None:
    """Print ``message`` as typed (no markup parsing, no highlighting) on stderr."""
    console.print(Text(str(message), style=style or ""), highlight=False, soft_wrap=True)


#: Library keyword arguments and the CLI options that set them (messages use the CLI words).
_CLI_WORDS = {"overwrite=True": "--overwrite", "allow_empty=True": "--allow-empty"}


def cli_words(message: str) -> str:
    """A library message in the words of the command line (``--overwrite``, not ``overwrite=True``)."""
    message = re.sub(r"pass (\w+=True) \(CLI: (--[\w-]+)\)", r"pass \2", message)
    for api, cli in _CLI_WORDS.items():
        message = message.replace(api, cli)
    return message

#: Exit codes: 1 = bad input (a UhiError), 130 = interrupted (Ctrl-C), as shells expect.
EXIT_BAD_INPUT = 1
EXIT_INTERRUPTED = 130


def handle_errors(func: Callable) -> Callable:
    """Turn a UhiError into one red line and exit code 1, Ctrl-C into exit code 130.

    Output files and folders are put in place only when complete (:mod:`uhi.io.write`), so an
    interrupted or failed run leaves nothing behind.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UhiError as exc:
            console.print(Text.assemble(("error:", "bold red"), " ", cli_words(str(exc))), highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            say("interrupted: nothing was written (outputs are put in place only when complete)", "yellow")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper


@contextlib.contextmanager
def steps(total: int, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Progress over ``total`` named steps; yields ``advance(description)``.

    On a terminal: a Rich progress bar. Otherwise (piped, CI, a log file): one line per step and,
    while a step runs longer, a line every :data:`HEARTBEAT_SECONDS` with the step and the elapsed
    time, so a long run never looks stuck.
    """
    if quiet or not sys.stderr.isatty():
        with _plain_steps(total, quiet) as advance:
            yield advance
        return
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console, transient=False,
    )
    with progress:
        task = progress.add_task("starting", total=total)
        started = [False]

        def advance(description: str) -> None:
            if started[0]:
                progress.advance(task)
            started[0] = True
            done = progress.tasks[0].completed
            if done >= progress.tasks[0].total:  # more steps than announced: grow the bar, never overflow it
                progress.update(task, total=done + 1)
            progress.update(task, description=str(description))

        yield advance
        progress.update(task, completed=total, description="done")


@contextlib.contextmanager
def _plain_steps(total: int, quiet: bool) -> Iterator[Callable[[str], None]]:
    state = {"step": None, "n": 0, "since": time.monotonic()}
    start = time.monotonic()
    lock = threading.Lock()
    stop = threading.Event()

    def advance(description: str) -> None:
        with lock:
            state.update(step=str(description), n=state["n"] + 1, since=time.monotonic())
        if not quiet:
            say(f"- {description}")

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with lock:
                step, n, since = state["step"], state["n"], state["since"]
            if step is not None and time.monotonic() - since >= HEARTBEAT_SECONDS * 0.9:
                count = f"step {n}/{total}" if n <= total else f"step {n}"
                say(f"  ... {step} ({count}, {time.monotonic() - start:.0f} s elapsed)", "dim")

    thread = None
    if not quiet and HEARTBEAT_SECONDS > 0:
        thread = threading.Thread(target=heartbeat, name="uhi-progress", daemon=True)
        thread.start()
    try:
        yield advance
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=1)


def out_dir_option(default: str) -> Path:
    return typer.Option(Path(default), "--out", "-o", help="Output folder (created if missing).")


def print_analysis_summary(analysis) -> None:
    """Headline of a :class:`uhi.analysis.CityAnalysis`: LST range, SUHII, residents at high risk."""
    summary = analysis.summary()
    suhii = "not computed" if summary["suhii_K"] is None else f"{summary['suhii_K']:.2f} K"
    say(f"{analysis.title}: LST {summary['lst_min_degC']:.1f}..{summary['lst_max_degC']:.1f} °C "
        f"(mean {summary['lst_mean_degC']:.1f} °C, {summary['lst_method']}), SUHII {suhii}")
    for note in summary.get("notes", ()):
        say(f"note: {note}", "yellow")
    if summary.get("hotspot_flagged_share") is not None:
        say(f"hot spots: {summary['hot_spot_share']:.1%} of the cells hot, {summary['hotspot_flagged_share']:.1%} "
            f"flagged ({summary['hotspot_method']})")
    shares = summary.get("hazard_class_shares") or {}
    if shares:
        shown = ", ".join(f"{k.replace('_heat_stress', '').replace('_', ' ')} {v:.0%}" for k, v in shares.items() if v)
        say(f"heat hazard of the pixels ({summary.get('hazard_scale', '')}): {shown}")
    if "residents_high_risk" in summary:
        say(f"{summary['residents_high_risk']:,.0f} of {summary['residents']:,.0f} residents live in high or "
            f"very high heat-risk cells; {summary['residents_very_strong_heat']:,.0f} in very strong or extreme "
            "heat (absolute hazard classes)")
        rho = summary.get("risk_rank_correlation", {})
        shown = ", ".join(f"{k} {v:.2f}" for k, v in rho.items() if v is not None)
        say(f"rank correlation of risk with: {shown}; vulnerability: {summary['vulnerability']}")


def _compact(v) -> str:
    """A number in at most ~6 characters: 0.12, 35.4, 1,188, 270 k, 1.57 M, 54.4 M."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g} M"
    if a >= 1e4:
        return f"{v / 1e3:.3g} k"
    if a >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}" if a >= 1 else f"{v:.2f}"


def print_ranking(table, title: str) -> None:
    """The scenario comparison (one row per option, ranked) as a terminal table that fits 80 columns; says once
    why deaths are n/a. Every column, unrounded, is in comparison.csv."""
    import math

    from rich.table import Table

    def fmt(v, pattern=None):
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return "n/a"
        return pattern.format(v) if pattern else _compact(v)

    view = Table(title=Text(title))
    for column in ("#", "scenario", "EUR\n/year", "ΔT [K]\nsites", "deaths/summer\n(low-high)", "person\n°C·h",
                   "EUR per\ndeath"):
        if column == "scenario":
            view.add_column(Text(column), justify="left", min_width=12, ratio=1)
        else:
            view.add_column(Text(column), justify="right", no_wrap=True)
    for _, row in table.iterrows():
        deaths = fmt(row.get("deaths_avoided_central"), "{:.2f}")
        if deaths != "n/a":
            deaths += f" ({fmt(row.get('deaths_avoided_low'), '{:.2f}')}-{fmt(row.get('deaths_avoided_high'), '{:.2f}')})"
        view.add_row(str(row["rank"]), esc(row["scenario"]), fmt(row.get("annualised_cost_eur_per_year")),
                     fmt(row.get("mean_delta_t_air_treated"), "{:+.2f}"), deaths,
                     fmt(row.get("person_degree_hours_reduced")), fmt(row.get("eur_per_death_avoided")))
    console.print(view)
    notes = {n for n in table.get("health_note", []) if isinstance(n, str) and n}
    for note in sorted(notes):
        say(f"n/a: {note}")


# --- options of commands that also read LST GeoTIFFs (uhi risk, uhi timeseries) ----------------------------
BANDS_OPTION = typer.Option(None, "--bands", help="With a .tif: comma-separated names of its bands in order, one 'lst' "
                            "(ndvi, ndbi, mndwi, population used; others ignored) [default: lst].")
LST_UNITS_OPTION = typer.Option(None, "--lst-units", help="With a .tif: K or degC [default: the file's units tag].")
INDEX_SCALE_OPTION = typer.Option(None, "--index-scale", help="With a .tif: reflectance, or dn for indices computed from "
                                  "digital numbers (no reflectance thresholds) [default: reflectance].")


def raster_options(bands: str | None, lst_units: str | None, index_scale: str | None) -> dict:
    """The LST-raster options given on the command line, for :func:`uhi.io.stack.load_lst_raster`."""
    given = {"bands": bands.split(",") if bands else None, "lst_units": lst_units, "index_scale": index_scale}
    return {k: v for k, v in given.items() if v is not None}

