"""The scenario object planners script with, comparisons, and the shipped example scenarios."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .._paths import data_path
from ..errors import ScenarioError
from ..interventions import Intervention, merge_catalogue, placement_shares
from .baseline import Baseline, baseline_key, prepare_baseline
from .engine import run_scenario
from .result import ScenarioResult, comparison_table
from .schema import InterventionSpec, ScenarioSpec, parse_scenario, validate_scenario

__all__ = ["Scenario", "compare", "example_path", "list_examples", "run_all"]


class Scenario:
    """A scenario: baseline inputs plus interventions (one variant).

    Build with :meth:`from_toml` or :meth:`from_dict`; a file with ``[[variant]]`` tables holds several
    scenarios -- pick one with ``variant=`` or get them all with :meth:`load_all`.

    Examples
    --------
    >>> from uhi.scenarios import Scenario
    >>> s = Scenario.from_dict({"city": "Niš", "intervention": [
    ...     {"type": "street_trees", "amount": 400, "top_risk": {"share": 0.05}}]})
    >>> s.name, [i.type for i in s.interventions]
    ('scenario', ['street_trees'])
    """

    def __init__(self, spec: ScenarioSpec, *, variant: str | None = None, source: Path | None = None, text: str | None = None):
        self.spec = spec
        self.source = source
        self._text = text
        where = str(source) if source is not None else "scenario"
        names = [v.name for v in spec.variant]
        if variant is None and len(names) > 1:
            raise ScenarioError(f"{where} has {len(names)} variants {names}; pass variant=<name> or use Scenario.load_all()")
        if variant is None and len(names) == 1:
            variant = names[0]
        if variant is not None and variant not in names:
            raise ScenarioError(f"{where} has no variant {variant!r}; it has {names or 'none'}")
        self.variant = variant
        v = next((v for v in spec.variant if v.name == variant), None)
        self.interventions: list[InterventionSpec] = list(spec.intervention) + (list(v.intervention) if v else [])
        if not self.interventions:
            raise ScenarioError(f"{where}: variant {variant!r} has no interventions")
        overrides = dict(spec.catalogue)
        if v is not None:
            for key, fields in v.catalogue.items():
                overrides[key] = {**overrides.get(key, {}), **fields}
        self._overrides = overrides
        self.catalogue: dict[str, Intervention] = merge_catalogue(None, overrides, where=where, text=text, prefix=("catalogue",))
        for i, item in enumerate(self.interventions):
            if item.type not in self.catalogue:
                raise ScenarioError(f"{where}{self._line(('intervention', i, 'type'))}: key 'intervention[{i}].type' is "
                                    f"{item.type!r}, not in the catalogue {sorted(self.catalogue)}")
        base_name = spec.name or (source.stem if source else "scenario")
        self.name = f"{base_name} / {variant}" if variant else base_name
        self.description = (v.description if v and v.description else spec.description)

    def _line(self, loc) -> str:
        from .._toml import toml_key_line

        line = toml_key_line(self._text, loc) if self._text else None
        return f", line {line}" if line else ""

    # ----------------------------------------------------------- builders --
    @classmethod
    def from_toml(cls, path: str | os.PathLike, variant: str | None = None) -> Scenario:
        """Read a scenario file (or a shipped example by name, e.g. ``"nis-green"``)."""
        path = _resolve(path)
        spec, text = parse_scenario(path)
        return cls(spec, variant=variant, source=path, text=text)

    @classmethod
    def from_dict(cls, data: dict, *, base_dir: str | os.PathLike | None = None, variant: str | None = None) -> Scenario:
        """Build from a mapping with the TOML's structure; relative paths resolve against ``base_dir`` (default: cwd)."""
        spec = validate_scenario(data, base_dir=base_dir or Path.cwd())
        if not spec.name:
            spec = spec.model_copy(update={"name": "scenario"})
        return cls(spec, variant=variant)

    @classmethod
    def load_all(cls, path: str | os.PathLike) -> list[Scenario]:
        """Every variant of a file (one Scenario when it has no ``[[variant]]``)."""
        path = _resolve(path)
        spec, text = parse_scenario(path)
        names = [v.name for v in spec.variant] or [None]
        return [cls(spec, variant=n, source=path, text=text) for n in names]

    # -------------------------------------------------------------- running --
    @property
    def baseline_key(self) -> tuple:
        return baseline_key(self.spec)

    def prepare_baseline(self, progress=None, *, analysis=None) -> Baseline:
        """Baseline analysis and cooling (reusable across scenarios with the same inputs)."""
        return prepare_baseline(self.spec, progress=progress, analysis=analysis)

    def run(self, progress=None, *, baseline: Baseline | None = None, analysis=None) -> ScenarioResult:
        """Compute the scenario -> :class:`ScenarioResult` (``.table``, ``.totals``, ``.maps``, ``.plot()``, ``.write()``).

        ``progress`` is called with a short description before each step. ``baseline`` (from
        :meth:`prepare_baseline`) or ``analysis`` (a :class:`uhi.analysis.CityAnalysis`) skip the baseline work.
        """
        if baseline is None:
            baseline = self.prepare_baseline(progress, analysis=analysis)
        return run_scenario(self.name, self.interventions, self.catalogue, baseline, shares=placement_shares(), progress=progress,
                            where=str(self.source) if self.source else "scenario")

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, {len(self.interventions)} interventions)"


def _resolve(path) -> Path:
    p = Path(path)
    if p.is_file():
        return p
    if p.suffix == "" and len(p.parts) == 1:  # a bare name: a shipped example (even if a folder has that name)
        ex = data_path("scenarios", f"{p.name}.toml")
        if ex.is_file():
            return ex
    if not p.exists():
        raise ScenarioError(f"scenario file {str(path)!r} not found (shipped examples: {', '.join(list_examples()) or 'none'})")
    raise ScenarioError(f"scenario {str(path)!r} is not a file")


def list_examples() -> list[str]:
    """Names of the shipped example scenarios (``data/scenarios/*.toml``)."""
    folder = data_path("scenarios")
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def example_path(name: str) -> Path:
    """Path of a shipped example scenario."""
    p = data_path("scenarios", f"{name}.toml")
    if not p.is_file():
        raise ScenarioError(f"no example scenario {name!r}; shipped: {', '.join(list_examples())}")
    return p


def _expand(scenarios_or_paths: Iterable) -> list[Scenario]:
    out: list[Scenario] = []
    for item in scenarios_or_paths:
        out.extend([item] if isinstance(item, Scenario) else Scenario.load_all(item))
    if not out:
        raise ScenarioError("nothing to compare: give at least one scenario")
    return out


def default_scene_city(spec) -> str | None:
    """The pilot city whose synthetic default scene, with its own layers and default LST settings, is exactly the
    baseline input of ``spec`` (so its :func:`uhi.analysis.analyse_city` can be shared); None otherwise."""
    from ..cities import get_city

    b = spec.baseline
    overrides = (spec.scene, spec.lst, spec.shape, spec.population, spec.districts, spec.landcover, spec.vulnerability,
                 spec.district_column)
    if spec.city is None or any(v is not None for v in overrides):
        return None
    if (b.lst_method, b.water_vapour, b.mask_clouds) != ("auto", None, "auto"):
        return None
    return get_city(spec.city).name


def run_all(scenarios_or_paths: Iterable, progress=None, *, city_analyses: dict | None = None) -> list[ScenarioResult]:
    """Run scenarios (files expand to all their variants), sharing baselines with identical inputs.

    ``city_analyses`` maps pilot-city names to an :func:`uhi.analysis.analyse_city` of their synthetic default
    scene (e.g. the one ``uhi demo`` has just made); scenarios whose baseline is exactly that scene
    (:func:`default_scene_city`) reuse it instead of analysing the scene again.
    """
    scenarios = _expand(scenarios_or_paths)
    cache: dict[tuple, Baseline] = {}
    results = []
    for s in scenarios:
        key = s.baseline_key
        if key not in cache:
            shared = (city_analyses or {}).get(default_scene_city(s.spec))
            cache[key] = s.prepare_baseline(progress, analysis=shared)
        results.append(s.run(progress, baseline=cache[key]))
    return results


def compare(scenarios_or_paths: Iterable, progress=None) -> pd.DataFrame:
    """Run and rank scenarios by annualised EUR per heat death avoided (lowest first; :func:`comparison_table`).

    Files with ``[[variant]]`` tables expand to every variant. Use :func:`run_all` and
    :func:`uhi.scenarios.comparison_table` to keep the results (maps, tables) as well.
    """
    return comparison_table(run_all(scenarios_or_paths, progress))
