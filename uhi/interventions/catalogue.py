"""The intervention catalogue: schema, loading, user overrides, placement shares, a table for reports.

``data/interventions.toml`` lists each measure with what it changes in the InVEST Urban Cooling Model
parameters, its surface (LST) change and its source, footprint, unit cost (defaults flagged
``cost_is_default``), lifetime and placement; ``[placement_shares]`` gives the share of each land-cover
class available to each placement. Entries are validated with pydantic; errors name the file, the key
and its line.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._paths import data_path
from .._toml import format_validation_error, read_toml, toml_key_line
from ..cooling.biophysical import PARAMETERS
from ..errors import ScenarioError
from .costs import cost_eur

__all__ = [
    "CATEGORIES",
    "MODES",
    "PLACEMENTS",
    "UNITS",
    "UNIT_INTERVAL",
    "Intervention",
    "catalogue_table",
    "load_catalogue",
    "merge_catalogue",
    "placement_shares",
]

CATEGORIES = ("green", "white", "blue")
PLACEMENTS = ("roof", "street", "open_space", "water")
UNITS = ("tree", "m2", "device")
MODES = ("set", "add", "max")
#: Parameters bounded to [0, 1] (InVEST UCM biophysical table, InVEST Urban Cooling Model user guide).
UNIT_INTERVAL = ("shade", "albedo", "building_intensity", "green_area")


@dataclass(frozen=True, eq=False)
class Intervention:
    """One catalogue entry (see ``data/interventions.toml`` for the meaning and sources of each field)."""

    key: str
    name: str
    category: str
    unit: str
    footprint_m2: float
    unit_cost_eur: float
    cost_source: str
    cost_is_default: bool
    lifetime_years: float
    placement: tuple[str, ...]
    parameter_changes: dict
    lst_change_k: float
    scale: str
    local_radius_m: float
    local_air_cooling_k: float
    sources: tuple[str, ...]
    description: str = ""
    lst_source: str = ""
    om_eur_per_unit_year: float = 0.0
    om_source: str = ""
    om_is_default: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        """True for hyper-local measures that bypass the cooling model."""
        return self.scale == "local"

    def annual_cost_eur(self, amount_units: float) -> float:
        """Annualised cost [EUR / year] of ``amount_units``: capital straight-line over the lifetime plus yearly
        operation and maintenance (``om_eur_per_unit_year`` per unit)."""
        return cost_eur(self, amount_units) / self.lifetime_years + float(amount_units) * self.om_eur_per_unit_year


# ------------------------------------------------------------------ schema ----

class _EntrySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    category: Literal["green", "white", "blue"]
    description: str = ""
    unit: Literal["tree", "m2", "device"]
    footprint_m2: float = Field(gt=0)
    unit_cost_eur: float = Field(ge=0)
    cost_source: str = Field(min_length=1)
    cost_is_default: bool
    lifetime_years: float = Field(gt=0)
    placement: list[Literal["roof", "street", "open_space", "water"]] = Field(min_length=1)
    scale: Literal["neighbourhood", "local"]
    local_radius_m: float = Field(ge=0)
    local_air_cooling_k: float = Field(ge=0)
    lst_change_k: float = Field(le=0)
    lst_source: str = ""
    om_eur_per_unit_year: float = Field(0.0, ge=0)
    om_source: str = ""
    om_is_default: bool = False
    sources: list[str] = Field(default_factory=list)
    parameter_changes: dict[str, tuple[Literal["set", "add", "max"], float]] = Field(default_factory=dict)

    @field_validator("parameter_changes")
    @classmethod
    def _known_parameters(cls, v):
        for name, (mode, value) in v.items():
            if name not in PARAMETERS:
                raise ValueError(f"unknown cooling-model parameter {name!r}; expected one of {list(PARAMETERS)}")
            if not math.isfinite(value):
                raise ValueError(f"{name} value must be finite, got {value!r}")
            if name in UNIT_INTERVAL and mode in ("set", "max") and not 0 <= value <= 1:
                raise ValueError(f"{name} target must be within [0, 1], got {value!r}")
            if name == "kc" and mode in ("set", "max") and value < 0:
                raise ValueError(f"kc target must be >= 0, got {value!r}")
        return v

    @model_validator(mode="after")
    def _scale_consistent(self):
        if self.scale == "local":
            if self.parameter_changes:
                raise ValueError("a 'local' measure does not enter the cooling model: leave parameter_changes empty")
            if self.local_radius_m <= 0 or self.local_air_cooling_k <= 0:
                raise ValueError("a 'local' measure needs local_radius_m > 0 and local_air_cooling_k > 0")
        elif not self.parameter_changes:
            raise ValueError("a 'neighbourhood' measure needs parameter_changes (it acts through the cooling model)")
        return self


class _ShareSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roof: float = Field(0.0, ge=0, le=1)
    street: float = Field(0.0, ge=0, le=1)
    open_space: float = Field(0.0, ge=0, le=1)
    water: float = Field(0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _sum(self):
        total = self.roof + self.street + self.open_space + self.water
        if total > 1 + 1e-9:
            raise ValueError(f"placement shares sum to {total:.3g} > 1")
        return self


# ----------------------------------------------------------------- loading ----

def _entry(key: str, raw: Mapping, *, where: str, text: str | None, prefix: tuple = ("intervention",)) -> Intervention:
    try:
        spec = _EntrySpec.model_validate(dict(raw))
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, where=where, text=text, prefix=prefix + (key,))) from None
    d = spec.model_dump()
    return Intervention(
        key=key,
        name=d["name"],
        category=d["category"],
        unit=d["unit"],
        footprint_m2=d["footprint_m2"],
        unit_cost_eur=d["unit_cost_eur"],
        cost_source=d["cost_source"],
        cost_is_default=d["cost_is_default"],
        lifetime_years=d["lifetime_years"],
        placement=tuple(d["placement"]),
        parameter_changes={k: (m, float(v)) for k, (m, v) in d["parameter_changes"].items()},
        lst_change_k=d["lst_change_k"],
        scale=d["scale"],
        local_radius_m=d["local_radius_m"],
        local_air_cooling_k=d["local_air_cooling_k"],
        sources=tuple(d["sources"]),
        description=d["description"],
        lst_source=d["lst_source"],
        om_eur_per_unit_year=d["om_eur_per_unit_year"],
        om_source=d["om_source"],
        om_is_default=d["om_is_default"],
    )


def _load_extra(extra) -> tuple[dict, dict, str, str | None]:
    """-> (intervention tables, placement_shares table, where, text)."""
    if extra is None:
        return {}, {}, "", None
    if isinstance(extra, (str, os.PathLike)):
        data, text = read_toml(extra)
        where = str(extra)
    elif isinstance(extra, Mapping):
        data, text, where = dict(extra), None, "catalogue overrides"
    else:
        raise ScenarioError(f"catalogue overrides must be a TOML path or a mapping, got {type(extra).__name__}")
    if "intervention" in data or "placement_shares" in data:
        unknown = sorted(set(data) - {"intervention", "placement_shares", "schema_version"})
        if unknown:
            line = toml_key_line(text, (unknown[0],)) if text else None
            at = f", line {line}" if line else ""
            raise ScenarioError(f"{where}{at}: unknown key {unknown[0]!r}; expected 'intervention' or 'placement_shares' tables")
        return dict(data.get("intervention", {})), dict(data.get("placement_shares", {})), where, text
    return data, {}, where, text  # a bare {key: {fields}} mapping


def _base_catalogue(path) -> tuple[dict, dict, str, str]:
    path = Path(path) if path is not None else data_path("interventions.toml")
    data, text = read_toml(path)
    return dict(data.get("intervention", {})), dict(data.get("placement_shares", {})), str(path), text


def load_catalogue(path=None, *, extra=None) -> dict[str, Intervention]:
    """Load the intervention catalogue, with optional user additions / overrides.

    Parameters
    ----------
    path : str or Path, optional
        Catalogue TOML (default: the shipped ``data/interventions.toml``).
    extra : str, Path or mapping, optional
        User entries: a TOML with ``[intervention.<key>]`` tables, or a mapping ``{key: {field: value}}``.
        Fields given for an existing key override it (e.g. a local ``unit_cost_eur``); a new key must
        give every field.

    Returns
    -------
    dict of str to Intervention

    Raises
    ------
    ScenarioError
        A malformed entry, naming the file, the key (``intervention.<key>.<field>``) and its line.
    """
    user, _, uwhere, utext = _load_extra(extra)
    return merge_catalogue(path, user, where=uwhere, text=utext)


def merge_catalogue(path, user: Mapping, *, where: str = "catalogue overrides", text: str | None = None,
                    prefix: tuple = ("intervention",)) -> dict[str, Intervention]:
    """The catalogue at ``path`` (default shipped) with ``user`` entries ``{key: {field: value}}`` merged in.

    ``where``/``text``/``prefix`` locate errors: the message names ``<prefix>.<key>.<field>`` and its line
    in ``text`` (e.g. prefix ``("catalogue",)`` for a scenario's ``[catalogue.<key>]`` tables).
    """
    base, _, bwhere, btext = _base_catalogue(path)
    out: dict[str, Intervention] = {}
    for key, raw in base.items():
        if not isinstance(raw, Mapping):
            raise ScenarioError(f"{bwhere}: intervention.{key} must be a table")
        out[key] = _entry(key, raw, where=bwhere, text=btext)
    for key, raw in user.items():
        if not isinstance(raw, Mapping):
            line = toml_key_line(text, prefix + (key,)) if text else None
            at = f", line {line}" if line else ""
            raise ScenarioError(f"{where}{at}: key {'.'.join(prefix + (key,))!r} must be a table of fields, got {raw!r}")
        merged = {**base.get(key, {}), **raw}
        if key in base and "parameter_changes" in raw:
            merged["parameter_changes"] = raw["parameter_changes"]
        out[key] = _entry(key, merged, where=where, text=text, prefix=prefix)
    return out


def placement_shares(path=None, *, extra=None) -> pd.DataFrame:
    """Share of each land-cover class available to each placement (``roof, street, open_space, water``).

    From the catalogue's ``[placement_shares]`` table (defaults, assumption -- see the TOML), with
    user rows from ``extra`` (same forms as :func:`load_catalogue`) replacing whole classes.
    Returns a DataFrame indexed by integer ``lucode``.
    """
    _, base, where, text = _base_catalogue(path)
    _, user, uwhere, utext = _load_extra(extra)
    rows = {}
    for source, table, w, t in ((base, base, where, text), (user, user, uwhere, utext)):
        for code, raw in table.items():
            try:
                lucode = int(code)
            except (TypeError, ValueError):
                raise ScenarioError(f"{w}: placement_shares key {code!r} must be an integer land-cover code") from None
            try:
                spec = _ShareSpec.model_validate(raw)
            except ValidationError as exc:
                raise ScenarioError(format_validation_error(exc, where=w, text=t, prefix=("placement_shares", str(code)))) from None
            rows[lucode] = spec.model_dump()
    df = pd.DataFrame.from_dict(rows, orient="index")[list(PLACEMENTS)].sort_index()
    df.index.name = "lucode"
    return df


def catalogue_table(catalogue: Mapping[str, Intervention]) -> pd.DataFrame:
    """The catalogue as a table (one row per measure) for reports and docs."""
    rows = []
    for it in catalogue.values():
        changes = ", ".join(f"{k} {m} {v:g}" for k, (m, v) in it.parameter_changes.items())
        rows.append({
            "key": it.key, "name": it.name, "category": it.category, "scale": it.scale, "unit": it.unit,
            "footprint_m2": it.footprint_m2, "unit_cost_eur": it.unit_cost_eur, "cost_is_default": it.cost_is_default,
            "lifetime_years": it.lifetime_years, "placement": " ".join(it.placement),
            "model_changes": changes or f"local: -{it.local_air_cooling_k:g} K air within {it.local_radius_m:g} m",
            "lst_change_k": it.lst_change_k, "lst_source": it.lst_source, "cost_source": it.cost_source,
            "om_eur_per_unit_year": it.om_eur_per_unit_year, "om_is_default": it.om_is_default,
        })
    return pd.DataFrame(rows).set_index("key")
