"""Shared CLI plumbing: error reporting, progress display, output folders."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..errors import UhiError

console = Console(stderr=True)

#: Exit codes: 1 = bad input (a UhiError), 130 = interrupted (Ctrl-C), as shells expect.
EXIT_BAD_INPUT = 1
EXIT_INTERRUPTED = 130


def handle_errors(func: Callable) -> Callable:
    """Turn a UhiError into one red line and exit code 1, Ctrl-C into exit code 130.

    Outputs are written atomically by the library, so an interrupted run leaves
    no half-written file behind.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except UhiError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted: no partial output was left behind[/]")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return wrapper


@contextlib.contextmanager
def steps(total: int, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """Progress bar over ``total`` named steps; yields ``advance(description)``."""
    if quiet or not sys.stderr.isatty():
        def advance(description: str) -> None:
            if not quiet:
                console.print(f"[dim]-[/] {description}", highlight=False)

        yield advance
        return
    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console, transient=False,
    )
    with progress:
        task = progress.add_task("starting", total=total)
        started = [False]

        def advance(description: str) -> None:
            if started[0]:
                progress.advance(task)
            started[0] = True
            progress.update(task, description=description)

        yield advance
        progress.update(task, completed=total, description="done")


def out_dir_option(default: str) -> Path:
    return typer.Option(Path(default), "--out", "-o", help="Output folder (created if missing).")


def print_analysis_summary(analysis) -> None:
    """Headline of a :class:`uhi.analysis.CityAnalysis`: LST range, SUHII, residents at high risk."""
    summary = analysis.summary()
    suhii = "not computed" if summary["suhii_K"] is None else f"{summary['suhii_K']:.2f} K"
    console.print(f"[bold]{analysis.title}[/]: LST {summary['lst_min_degC']:.1f}..{summary['lst_max_degC']:.1f} °C "
                  f"(mean {summary['lst_mean_degC']:.1f} °C, {summary['lst_method']}), SUHII {suhii}",
                  highlight=False)
    for note in summary.get("notes", ()):
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    if "residents_high_risk" in summary:
        console.print(f"{summary['residents_high_risk']:,.0f} of {summary['residents']:,.0f} residents live in high or "
                      "very high heat-risk cells", highlight=False)
