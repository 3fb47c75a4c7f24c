"""Scenario files: the TOML schema (validated with pydantic) and its error messages.

A scenario file names the city, the baseline inputs and a list of interventions::

    name = "Nis - street trees in the core"
    city = "Niš"                      # a pilot city (synthetic default scene), or:
    # scene = "LC08_.../"             # a Landsat scene folder (+ landcover / population / districts)
    # lst = "lst.tif"                 # or ready layers: lst (units tag, else K) + ndvi + ndbi + landcover + population

    [baseline]                        # cooling model and its scalars
    t_ref = 22.0                      # rural reference air temperature [degC]
    uhi_max = 4.0                     # UHI magnitude [degC]
    # cooling_model = "invest"        # default "literature" (data/cooling_literature.toml); "invest" = the InVEST UCM
    # cc_weights = [0.6, 0.2, 0.2]    # invest only: cooling-capacity weights (shade, albedo, ETI), e.g. from uhi calibrate

    [health]                          # optional: heat deaths avoided and person-degree-hours
    data = "masselot2023/"            # folder with city_erf.csv (+ city_erf_vcov.csv) and era5_daily_<URAU>.csv.gz
    # city = "BG001C"                 # curve to use (code or name); default: the scenario city, else the nearest

    [catalogue.street_trees]          # optional: override or add catalogue entries
    unit_cost_eur = 1500

    [[intervention]]
    type = "street_trees"             # a catalogue key
    amount = 400                      # in the entry's unit (trees, m2, devices), or coverage = 0.3
    districts = ["Centar"]            # or polygons = "blocks.geojson", or top_risk = { share = 0.05 } (or top_risk = 0.05)

Several variants in one file: ``[[variant]]`` tables with a ``name`` and their own
``[[variant.intervention]]`` lists; top-level ``[[intervention]]`` entries are shared by every variant
(measures common to all options), and a variant's ``[variant.catalogue]`` overrides are applied on
top of the file's ``[catalogue]``.

Errors name the key and the line: ``nis.toml, line 14: key 'intervention[1].amount': ...``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._toml import format_validation_error, read_toml
from ..constants import UCM_DEFAULTS
from ..errors import ScenarioError

__all__ = ["BaselineSpec", "HealthSpec", "InterventionSpec", "ScenarioSpec", "TopRiskSpec", "VariantSpec", "parse_scenario", "validate_scenario"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopRiskSpec(_Strict):
    """Cells chosen from the baseline risk map: the ``share`` of valid pixels with the highest risk."""

    share: float = Field(gt=0, le=1)


class InterventionSpec(_Strict):
    """One ``[[intervention]]`` entry."""

    type: str = Field(min_length=1)
    amount: float | None = Field(None, ge=0)
    coverage: float | None = Field(None, ge=0, le=1)
    polygons: str | None = None
    districts: list[str] | None = None
    top_risk: TopRiskSpec | None = None
    label: str = ""

    @field_validator("top_risk", mode="before")
    @classmethod
    def _share_shorthand(cls, v):
        """``top_risk = 0.05`` is short for ``top_risk = { share = 0.05 }``."""
        return {"share": v} if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("districts")
    @classmethod
    def _nonempty(cls, v):
        if v is not None and not v:
            raise ValueError("give at least one district name")
        return v

    @model_validator(mode="after")
    def _one_of(self):
        if (self.amount is None) == (self.coverage is None):
            raise ValueError("give exactly one of 'amount' (trees, m2, devices) or 'coverage' (0..1 share of the available area)")
        where = [k for k in ("polygons", "districts", "top_risk") if getattr(self, k) is not None]
        if len(where) != 1:
            raise ValueError(f"give exactly one location: 'polygons', 'districts' or 'top_risk' (got {where or 'none'})")
        return self

    @property
    def location_kind(self) -> str:
        return next(k for k in ("polygons", "districts", "top_risk") if getattr(self, k) is not None)


class BaselineSpec(_Strict):
    """InVEST UCM scalars and the LST method of the baseline (InVEST Urban Cooling Model user guide)."""

    t_ref: float = UCM_DEFAULTS["t_ref"]  # rural reference air temperature [degC]; summer-afternoon assumption, set your own
    uhi_max: float = Field(UCM_DEFAULTS["uhi_max"], ge=0)  # UHI magnitude [degC]; assumption, within the 0.5-3.0 (+) range of Iungman 2023 [iungman2023]
    ref_et: float = Field(UCM_DEFAULTS["ref_et"], gt=0)  # reference ET [mm/day]; FAO-56 summer Mediterranean/continental value (assumption)
    cooling_distance: float = Field(UCM_DEFAULTS["cooling_distance"], gt=0)  # [m], InVEST UG recommendation [invest-ucm]
    mixing_radius: float = Field(UCM_DEFAULTS["mixing_radius"], gt=0)  # [m], InVEST UG 500-600 m [invest-ucm]
    cc_method: Literal["factors", "intensity"] = "factors"
    # cooling-capacity weights (shade, albedo, ETI) of the InVEST "factors" method (renormalised to sum 1);
    # default (0.6, 0.2, 0.2) of the InVEST user guide; uhi calibrate writes fitted ones here
    cc_weights: tuple[float, float, float] | None = None
    lst_method: str = "auto"  # uhi.analysis.choose_lst_method: l2 / split-window / single-channel / simple
    water_vapour: float | None = Field(None, gt=0)  # total column water vapour [g cm-2]; None: the scene's own or none
    mask_clouds: bool | Literal["auto"] = "auto"  # QA cloud/shadow/cirrus/snow/fill -> NaN; "auto": when the scene has QA
    # "literature": uhi.cooling.literature_cooling with data/cooling_literature.toml (sourced effect sizes);
    # "invest": the InVEST Urban Cooling Model as natcap.invest computes it (the validated reference)
    cooling_model: Literal["literature", "invest"] = "literature"
    cooling_config: str | None = None  # a cooling configuration TOML (default: the shipped literature configuration)


    @field_validator("cc_weights")
    @classmethod
    def _weights(cls, v):
        if v is not None and (min(v) < 0 or sum(v) <= 0):
            raise ValueError("cc_weights (shade, albedo, ETI) must be >= 0 with a positive sum")
        return v

    @model_validator(mode="after")
    def _weights_need_invest_factors(self):
        if self.cc_weights is not None and (self.cooling_model != "invest" or self.cc_method != "factors"):
            raise ValueError('cc_weights apply to cooling_model = "invest" with cc_method = "factors" only')
        return self


class HealthSpec(_Strict):
    """Where the city exposure-response curves and daily temperatures are (``uhi.health.load_health_folder``)."""

    data: str | None = None  # folder; default: the UHI_HEALTH_DATA environment variable
    city: str | None = None  # curve to use (URAU code or city name); default: the scenario's city (nearest as a stated proxy)
    years: tuple[int, int] | None = None  # first and last summer of the series to use; default: all
    series: str | None = None  # the city's own daily mean temperature CSV (date, tmean_C); default: the folder's
    fallback: Literal["proxy", "loglinear"] = "proxy"  # city without a curve: nearest city's curve, or log-linear

    @field_validator("years")
    @classmethod
    def _years(cls, v):
        if v is not None and v[0] > v[1]:
            raise ValueError("years must be [first, last] with first <= last")
        return v


class VariantSpec(_Strict):
    name: str = Field(min_length=1)
    description: str = ""
    intervention: list[InterventionSpec] = Field(default_factory=list)
    catalogue: dict[str, dict[str, Any]] = Field(default_factory=dict)


class ScenarioSpec(_Strict):
    """The whole file."""

    name: str = ""
    description: str = ""
    city: str | None = None
    scene: str | None = None
    shape: tuple[int, int] | None = None  # synthetic scene size (city only), pixels
    lst: str | None = None
    ndvi: str | None = None
    ndbi: str | None = None
    landcover: str | None = None
    population: str | None = None
    districts: str | None = None
    district_column: str | None = None
    vulnerability: str | None = None  # per-district residents' attributes (CSV / vector; e.g. age_65_plus share)
    biophysical_table: str | None = None
    baseline: BaselineSpec = Field(default_factory=BaselineSpec)
    health: HealthSpec = Field(default_factory=HealthSpec)
    catalogue: dict[str, dict[str, Any]] = Field(default_factory=dict)
    intervention: list[InterventionSpec] = Field(default_factory=list)
    variant: list[VariantSpec] = Field(default_factory=list)

    @field_validator("shape")
    @classmethod
    def _shape(cls, v):
        if v is not None and (min(v) < 32 or max(v) > 8000):
            raise ValueError("shape must be two integers between 32 and 8000 pixels")
        return v

    @model_validator(mode="after")
    def _inputs(self):
        sources = [k for k in ("city", "scene", "lst") if getattr(self, k) is not None]
        if len(sources) != 1:
            raise ValueError(f"give exactly one of 'city', 'scene' or 'lst' (got {sources or 'none'})")
        if self.lst is not None:
            missing = [k for k in ("ndvi", "ndbi", "landcover", "population") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"with 'lst' layers also give {missing}")
        if self.shape is not None and self.city is None:
            raise ValueError("'shape' is for the synthetic scene of a 'city' only")
        if not self.intervention and not self.variant:
            raise ValueError("no [[intervention]] (and no [[variant]]): nothing to compute")
        names = [v.name for v in self.variant]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"variant names must be unique, repeated: {dup}")
        return self


_PATH_KEYS = ("scene", "lst", "ndvi", "ndbi", "landcover", "population", "districts", "vulnerability", "biophysical_table")


def validate_scenario(data: dict, *, where: str = "scenario", text: str | None = None, base_dir: str | os.PathLike | None = None) -> ScenarioSpec:
    """Validate a parsed scenario mapping; relative paths resolve against ``base_dir``.

    Raises :class:`ScenarioError` naming the key (and the line when ``text`` is the file's text).
    """
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_validation_error(exc, where=where, text=text)) from None
    if base_dir is not None:
        base = Path(base_dir)
        updates = {}
        for key in _PATH_KEYS:
            value = getattr(spec, key)
            if value is not None:
                updates[key] = str((base / Path(value).expanduser()) if not Path(value).expanduser().is_absolute() else Path(value).expanduser())

        def fix(items):
            out = []
            for it in items:
                if it.polygons is not None and not Path(it.polygons).is_absolute():
                    it = it.model_copy(update={"polygons": str(base / it.polygons)})
                out.append(it)
            return out

        h = {k: str(base / Path(getattr(spec.health, k)).expanduser()) for k in ("data", "series")
             if getattr(spec.health, k) is not None and not Path(getattr(spec.health, k)).expanduser().is_absolute()}
        if h:
            updates["health"] = spec.health.model_copy(update=h)
        if spec.baseline.cooling_config is not None and not Path(spec.baseline.cooling_config).expanduser().is_absolute():
            updates["baseline"] = spec.baseline.model_copy(update={"cooling_config": str(base / Path(spec.baseline.cooling_config).expanduser())})
        updates["intervention"] = fix(spec.intervention)
        updates["variant"] = [v.model_copy(update={"intervention": fix(v.intervention)}) for v in spec.variant]
        spec = spec.model_copy(update=updates)
    return spec


def parse_scenario(path: str | os.PathLike) -> tuple[ScenarioSpec, str]:
    """Read and validate a scenario TOML -> (spec, file text)."""
    path = Path(path)
    data, text = read_toml(path)
    spec = validate_scenario(data, where=str(path), text=text, base_dir=path.resolve().parent)
    if not spec.name:
        spec = spec.model_copy(update={"name": path.stem})
    return spec, text
