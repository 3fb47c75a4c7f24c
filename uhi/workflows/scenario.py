"""``uhi scenario run`` / ``compare``: scenarios computed, then written as one folder with one comparison writer."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .._progress import Progress, say
from ..errors import ScenarioError
from ..io.write import atomic_path, output_folder, refuse_existing, safe_output_path, written_paths

__all__ = ["COMPARISON_FILES", "compare_workflow", "load_scenarios", "scenario_workflow", "variant_folders", "write_comparison"]

#: Files of a comparison: the ranked table and one HTML report of every result.
COMPARISON_FILES = ("comparison.csv", "report.html")


def _slug(text: str) -> str:
    """A folder name for a variant: letters of any script and digits kept, the rest -> ``-``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "scenario"


def variant_folders(names) -> list[str]:
    """One folder name per variant name, all different: equal slugs get ``-2``, ``-3``... in order.

    Decided before anything is computed, so two variants never write into one folder and ``--overwrite``
    never replaces one variant's results with another's.
    """
    out, used = [], set()
    for name in names:
        base = _slug(name)
        slug, k = base, 1
        while slug in used or slug in COMPARISON_FILES:
            k += 1
            slug = f"{base}-{k}"
        used.add(slug)
        out.append(slug)
    return out


def load_scenarios(paths, variant: str | None = None, *, health=None) -> list:
    """Scenarios of files or shipped example names (every ``[[variant]]``, or only ``variant``); Scenario objects pass.

    ``health`` (a folder of exposure-response curves and daily temperatures) replaces every scenario's
    ``[health] data``.
    """
    from ..scenarios import Scenario

    paths = [paths] if isinstance(paths, (str, Path, Scenario)) else list(paths)
    if variant is not None:
        scenarios = [p if isinstance(p, Scenario) else Scenario.from_toml(p, variant=variant) for p in paths]
    else:
        scenarios = [s for p in paths for s in ([p] if isinstance(p, Scenario) else Scenario.load_all(p))]
    if not scenarios:
        raise ScenarioError("nothing to run: give at least one scenario")
    if health is not None:
        for s in scenarios:
            s.spec = s.spec.model_copy(update={"health": s.spec.health.model_copy(update={"data": str(health)})})
    return scenarios


def write_comparison(results, out_dir, *, overwrite: bool = False) -> tuple:
    """The one comparison writer: ``comparison.csv`` (ranked, :func:`uhi.scenarios.comparison_table`) and
    ``report.html`` of every result in ``out_dir``. Returns ``(table, paths)``."""
    from ..report import write_report
    from ..scenarios import comparison_table

    table = comparison_table(results)
    csv = safe_output_path(out_dir, "comparison.csv")
    with atomic_path(csv, overwrite=overwrite) as tmp:
        table.to_csv(tmp, index=False, float_format="%.6g")
    report = write_report(results, out_dir, overwrite=overwrite, comparison=table)
    return table, [csv, report]


def scenario_workflow(scenario, out_dir="uhi-scenario", *, variant: str | None = None, overwrite: bool = False,
                      progress: Progress = None) -> dict:
    """Run a scenario file (every variant, or ``variant``) and write its results as one folder.

    One result: its files (:data:`uhi.scenarios.OUTPUT_FILES`) in ``out_dir``. Several variants: one
    sub-folder per variant (:func:`variant_folders`) plus ``comparison.csv`` and ``report.html``.
    Returns ``{"results", "comparison", "folders", "written"}``.
    """
    from ..scenarios import OUTPUT_FILES, run_all

    scenarios = load_scenarios(scenario, variant)
    folders = variant_folders(s.name.split(" / ")[-1] for s in scenarios) if len(scenarios) > 1 else ["."]
    names = OUTPUT_FILES if len(scenarios) == 1 else (*COMPARISON_FILES, *folders)
    out_dir = refuse_existing(out_dir, overwrite=overwrite, names=names)
    results = run_all(scenarios, progress=progress)
    say(progress, f"writing outputs to {out_dir}")
    table = None
    with output_folder(out_dir, overwrite=overwrite) as folder:
        if len(results) == 1:
            written = results[0].write(folder, overwrite=overwrite)
        else:
            written = []
            for r, sub in zip(results, folders):
                written += r.write(folder / sub, overwrite=overwrite)
            table, paths = write_comparison(results, folder, overwrite=overwrite)
            written += paths
    return {"results": results, "comparison": table, "folders": folders, "written": written_paths(written, folder, out_dir)}


def compare_workflow(scenarios, out_dir="uhi-compare", *, overwrite: bool = False, progress: Progress = None) -> dict:
    """Run several scenarios (files expand to every variant) and write ``comparison.csv`` + ``report.html``.

    Returns ``{"results", "comparison", "written"}``.
    """
    from ..scenarios import run_all

    loaded = load_scenarios(scenarios)
    out_dir = refuse_existing(out_dir, overwrite=overwrite, names=COMPARISON_FILES)
    results = run_all(loaded, progress=progress)
    say(progress, f"writing comparison to {out_dir}")
    with output_folder(out_dir, overwrite=overwrite) as folder:
        table, written = write_comparison(results, folder, overwrite=overwrite)
    return {"results": results, "comparison": table, "written": written_paths(written, folder, out_dir)}
