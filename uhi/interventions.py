"""Green, white and blue heat-mitigation measures and how they edit the cooling model.

The catalogue (``data/interventions.toml``) lists each measure with what it changes in the InVEST
Urban Cooling Model parameters (``shade, albedo, kc, green_area, building_intensity``; SCIENCE.md 5.5
"scenario hooks"), its surface (LST) change with a SCIENCE.md section-4 source, footprint, unit cost
(SCIENCE.md 4.7; defaults flagged ``cost_is_default``), lifetime and placement.

Two scales (SCIENCE.md 4.3, 4.6):

* ``"neighbourhood"`` measures (trees, parks, roofs, pavements, water bodies, permeable paving)
  edit the per-pixel parameters in proportion to the treated share ``f`` of each pixel and then
  act through the cooling model's kernels (:func:`apply_intervention`):

  .. math::

      p' = p + f\\,(t - p) \\;\\; (\\text{set}), \\qquad p' = p + f\\,v \\;\\; (\\text{add}), \\qquad
      p' = p + f\\,\\max(0, v - p) \\;\\; (\\text{max});

* ``"local"`` (hyper-local) measures -- misting, fountains, green walls -- never enter the
  district-scale model: each unit cools the air by ``local_air_cooling_k`` over its footprint (a disc
  of ``local_radius_m`` around a device, a strip along a wall), averaged over the pixels it covers
  (:func:`local_air_cooling`). Misting does not cool a district.

Typical use::

    catalogue = load_catalogue()
    share = placement_fraction(landcover, catalogue["street_trees"].placement)
    params2 = apply_intervention(params, catalogue["street_trees"], 0.5 * share)
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import rioxarray  # noqa: F401  (registers the .rio accessor)
import xarray as xr
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._backend import apply_pointwise, pixel_size_m, set_cf
from ._paths import data_path
from ._toml import tomllib
from .cooling.biophysical import PARAMETERS
from .errors import InputValueError, ScenarioError

__all__ = [
    "CATEGORIES",
    "PLACEMENTS",
    "UNITS",
    "Intervention",
    "apply_intervention",
    "catalogue_table",
    "cost_eur",
    "footprint_kernel",
    "format_validation_error",
    "load_catalogue",
    "local_air_cooling",
    "merge_catalogue",
    "placement_fraction",
    "placement_shares",
    "read_toml",
    "surface_cooling",
    "toml_key_line",
]

CATEGORIES = ("green", "white", "blue")
PLACEMENTS = ("roof", "street", "open_space", "water")
UNITS = ("tree", "m2", "device")
MODES = ("set", "add", "max")
#: Parameters bounded to [0, 1] (InVEST UCM biophysical table, SCIENCE.md 5.5).
_UNIT_INTERVAL = ("shade", "albedo", "building_intensity", "green_area")


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
    extra: dict = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        """True for hyper-local measures that bypass the cooling model."""
        return self.scale == "local"

    def annual_cost_eur(self, amount_units: float) -> float:
        """Straight-line annualised cost [EUR / year] of ``amount_units`` over the lifetime."""
        return cost_eur(self, amount_units) / self.lifetime_years


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
            if name in _UNIT_INTERVAL and mode in ("set", "max") and not 0 <= value <= 1:
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


# ------------------------------------------------------- TOML error lines ----

def _strip_comment(line: str) -> str:
    out, quote = [], None
    for ch in line:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out).strip()


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in key.split("."))


def toml_key_line(text: str, loc: tuple) -> int | None:
    """1-based line of the deepest part of ``loc`` (e.g. ``("intervention", 1, "amount")``) in TOML ``text``.

    Array-of-tables headers (``[[intervention]]``) are counted so integer indices resolve; a key
    that is missing from the text resolves to the line of its table header. Returns None if not even
    the first key is found.
    """
    loc = tuple(loc)
    best_len, best_line = 0, None
    current: tuple = ()
    array_index: dict[tuple, int] = {}

    def resolve(names: tuple[str, ...]) -> tuple:
        out: list = []
        for i in range(len(names)):
            out.append(names[i])
            if names[: i + 1] in array_index:
                out.append(array_index[names[: i + 1]])
        return tuple(out)

    def consider(path: tuple, lineno: int):
        nonlocal best_len, best_line
        n = len(path)
        if n > best_len and loc[:n] == path:
            best_len, best_line = n, lineno

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not line:
            continue
        if line.startswith("[["):
            names = _split_key(line.strip("[] "))
            array_index[names] = array_index.get(names, -1) + 1
            for k in [k for k in array_index if len(k) > len(names) and k[: len(names)] == names]:
                del array_index[k]
            current = resolve(names)
            consider(current, lineno)
        elif line.startswith("["):
            current = resolve(_split_key(line.strip("[] ")))
            consider(current, lineno)
        elif "=" in line:
            key = line.split("=", 1)[0].strip()
            consider(current + _split_key(key), lineno)
    return best_line


def format_validation_error(exc: ValidationError, *, where: str, text: str | None, prefix: tuple = ()) -> str:
    """One-line message naming the first failing key (dotted) and its line in ``text``."""
    err = exc.errors()[0]
    loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
    dotted = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    line = toml_key_line(text, loc) if text else None
    at = f", line {line}" if line else ""
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "this required key is missing"
    elif err["type"] == "extra_forbidden":
        msg = "unknown key (misspelt?)"
    value = err.get("input")
    shown = "" if err["type"] in ("missing",) or isinstance(value, dict) else f" (got {value!r})"
    return f"{where}{at}: key {dotted!r}: {msg}{shown}"


def read_toml(path: str | os.PathLike) -> tuple[dict, str]:
    """Read a TOML file; syntax errors become :class:`ScenarioError` with the file and line."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (TOML files must be UTF-8): byte {exc.object[exc.start]:#04x} "
                            f"at offset {exc.start}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: TOML syntax error: {exc}") from None


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


# ----------------------------------------------------------- array layers ----

def _lookup(codes, lut_codes, lut_values):
    c = np.asarray(codes, dtype=np.float64)
    out = np.full(c.shape, np.nan, dtype=np.float32)
    ok = np.isfinite(c)
    idx = np.searchsorted(lut_codes, c[ok])
    idx = np.clip(idx, 0, len(lut_codes) - 1)
    hit = lut_codes[idx] == c[ok]
    vals = np.where(hit, lut_values[idx], np.float32(0.0))
    out[ok] = vals
    return out


def placement_fraction(landcover: xr.DataArray, placement, table=None) -> xr.DataArray:
    """Share (0..1) of each pixel available to a placement or several (summed, capped at 1).

    Parameters
    ----------
    landcover : xarray.DataArray
        Land-cover codes (``data/landcover.csv`` legend unless ``table`` says otherwise).
    placement : str or sequence of str
        ``"roof"``, ``"street"``, ``"open_space"``, ``"water"``.
    table : DataFrame, optional
        Shares per ``lucode`` (:func:`placement_shares`; default the shipped catalogue's).

    Raises
    ------
    InputValueError
        Unknown placement, or land-cover codes absent from the table (listed).
    """
    places = (placement,) if isinstance(placement, str) else tuple(placement)
    bad = [p for p in places if p not in PLACEMENTS]
    if bad or not places:
        raise InputValueError(f"placement must be among {PLACEMENTS}, got {placement!r}")
    tab = placement_shares() if table is None else table
    values = np.asarray(landcover.values, dtype=np.float64)
    nodata = landcover.rio.nodata if hasattr(landcover, "rio") else None
    valid = np.isfinite(values)
    if nodata is not None and np.isfinite(nodata):
        valid &= values != nodata
    codes = np.unique(values[valid])
    missing = sorted(int(c) for c in codes if int(c) not in tab.index)
    if missing:
        raise InputValueError(
            f"land-cover code(s) {missing} have no placement shares (table has {sorted(tab.index.tolist())}); "
            "add them under [placement_shares] in your catalogue"
        )
    share = tab[list(places)].sum(axis=1).clip(upper=1.0)
    lut_codes = share.index.to_numpy(dtype=np.float64)
    lut_values = share.to_numpy(dtype=np.float32)
    masked = landcover.where(xr.DataArray(valid, dims=landcover.dims, coords={d: landcover[d] for d in landcover.dims}))
    out = apply_pointwise(_lookup, masked, kwargs={"lut_codes": lut_codes, "lut_values": lut_values})
    return set_cf(out, name="placement_fraction", units="1", long_name=f"share of pixel available for {'+'.join(places)}",
                  placement=" ".join(places))


def _change(p, f, *, mode, value, lo, hi):
    p = np.asarray(p, dtype=np.float32)
    f = np.nan_to_num(np.asarray(f, dtype=np.float32), nan=0.0)
    v = np.float32(value)
    if mode == "set":
        out = p + f * (v - p)
    elif mode == "add":
        out = p + f * v
    else:  # "max"
        out = p + f * np.maximum(v - p, np.float32(0.0))
    return np.clip(out, lo, hi).astype(np.float32)


def apply_intervention(params: xr.Dataset, intervention: Intervention, treated_fraction) -> xr.Dataset:
    """Edit cooling-model parameters on the treated share of each pixel.

    Parameters
    ----------
    params : xarray.Dataset
        ``shade, albedo, kc, green_area, building_intensity`` (:func:`uhi.cooling.parameters_from_landcover`).
    intervention : Intervention
        A ``"neighbourhood"`` catalogue entry (``"local"`` ones do not touch the model: ValueError).
    treated_fraction : xarray.DataArray or float
        Treated share ``f`` of each pixel in [0, 1] (NaN counts as 0).

    Returns
    -------
    xarray.Dataset
        New parameters: ``p + f·(t - p)`` for ``set``, ``p + f·v`` for ``add``, ``p + f·max(0, v - p)``
        for ``max``; shade, albedo, building intensity and green area clipped to [0, 1], kc to >= 0.
        Pixels with ``f = 0`` are unchanged.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> cat = load_catalogue()
    >>> p = xr.Dataset({k: xr.DataArray(np.full((1, 3), 0.1, np.float32), dims=("y", "x"))
    ...                 for k in ("shade", "albedo", "kc", "green_area", "building_intensity")})
    >>> f = xr.DataArray(np.array([[0.0, 0.5, 1.0]]), dims=("y", "x"))
    >>> apply_intervention(p, cat["cool_roof"], f)["albedo"].values.astype(float).round(3).tolist()  # 0.1 -> 0.6
    [[0.1, 0.35, 0.6]]
    """
    if intervention.is_local:
        raise InputValueError(
            f"{intervention.key!r} is a hyper-local measure (scale 'local'); it does not enter the cooling model -- "
            "use local_air_cooling()"
        )
    missing = [p for p in PARAMETERS if p not in params]
    if missing:
        raise InputValueError(f"params lacks variable(s) {missing}; build it with uhi.cooling.parameters_from_landcover()")
    if not isinstance(treated_fraction, xr.DataArray):
        treated_fraction = xr.full_like(params["shade"], float(treated_fraction))
    fmax = float(np.nanmax(np.asarray(treated_fraction.values))) if treated_fraction.size else 0.0
    fmin = float(np.nanmin(np.asarray(treated_fraction.values))) if treated_fraction.size else 0.0
    if fmin < -1e-6 or fmax > 1 + 1e-6:
        raise InputValueError(f"treated_fraction must be within [0, 1], got [{fmin:.4g}, {fmax:.4g}]")
    out = params.copy()
    for name, (mode, value) in intervention.parameter_changes.items():
        lo, hi = (0.0, 1.0) if name in _UNIT_INTERVAL else (0.0, np.inf)
        new = apply_pointwise(_change, params[name], treated_fraction,
                              kwargs={"mode": mode, "value": value, "lo": lo, "hi": hi})
        new = new.where(params[name].notnull())
        new.attrs = dict(params[name].attrs, intervention=intervention.key)
        out[name] = new
    return out


def surface_cooling(intervention: Intervention, treated_fraction) -> xr.DataArray:
    """Surface temperature change ΔLST = ``lst_change_k`` · f [K] (<= 0) of the treated share f.

    Local measures have ``lst_change_k = 0`` in the shipped catalogue (their surfaces are below a
    30 m Landsat pixel or vertical), so they return zeros.
    """
    f = treated_fraction if isinstance(treated_fraction, xr.DataArray) else xr.DataArray(np.float32(treated_fraction))
    out = (np.float32(intervention.lst_change_k) * f.fillna(0.0)).astype(np.float32)
    if isinstance(treated_fraction, xr.DataArray):
        out = out.where(treated_fraction.notnull())
    return set_cf(out, name="delta_lst", units="K", long_name=f"land surface temperature change ({intervention.key})",
                  source=intervention.lst_source)


def footprint_kernel(intervention: Intervention, cell_m: float, *, subsamples: int = 16) -> np.ndarray:
    """Cooled area [m²] per unit in each pixel around the unit's host pixel (odd square array).

    A disc of ``local_radius_m`` centred on the host pixel centre, its overlap with each pixel
    measured on a ``subsamples``² grid of points, scaled so the kernel sums to ``footprint_m2``.
    """
    r_px = intervention.local_radius_m / cell_m
    half = math.ceil(r_px - 0.5) if r_px > 0.5 else 0
    n = 2 * half + 1
    offsets = (np.arange(subsamples) + 0.5) / subsamples - 0.5
    sy, sx = np.meshgrid(offsets, offsets, indexing="ij")
    k = np.zeros((n, n), dtype=np.float64)
    for i in range(n):
        for j in range(n):
            d2 = (i - half + sy) ** 2 + (j - half + sx) ** 2
            k[i, j] = np.mean(d2 <= r_px**2)
    if k.sum() == 0:  # radius far below the sampling step: everything in the host pixel
        k[half, half] = 1.0
    return (k / k.sum() * intervention.footprint_m2).astype(np.float64)


def local_air_cooling(intervention: Intervention, units_per_pixel: xr.DataArray) -> xr.DataArray:
    """Pixel-mean air temperature change [K] (<= 0) of a hyper-local measure.

    Each unit cools the air by ``local_air_cooling_k`` over its footprint (``footprint_m2``, a disc of
    ``local_radius_m`` around the host pixel centre, :func:`footprint_kernel`). A pixel's change is
    ``-k · min(1, cooled_area / pixel_area)``: the area-weighted mean over the pixel, never more than
    the at-device cooling, zero outside the discs.

    Parameters
    ----------
    units_per_pixel : xarray.DataArray
        Units (devices, m² of wall) placed in each pixel, on a projected grid.
    """
    if not intervention.is_local:
        raise InputValueError(f"{intervention.key!r} is a neighbourhood measure; use apply_intervention()")
    from scipy.ndimage import convolve

    cell = pixel_size_m(units_per_pixel, "local_air_cooling")
    kernel = footprint_kernel(intervention, cell)
    units = np.nan_to_num(np.asarray(units_per_pixel.values, dtype=np.float64), nan=0.0)
    cooled = convolve(units, kernel, mode="constant", cval=0.0)
    delta = -intervention.local_air_cooling_k * np.minimum(1.0, cooled / cell**2)
    delta[np.abs(delta) < 1e-12] = 0.0
    out = xr.DataArray(delta.astype(np.float32), coords=units_per_pixel.coords, dims=units_per_pixel.dims)
    if units_per_pixel.rio.crs is not None:
        out = out.rio.write_crs(units_per_pixel.rio.crs)
    return set_cf(out, name="delta_t_air_local", units="K",
                  long_name=f"pixel-mean air temperature change, hyper-local {intervention.key}",
                  local_radius_m=intervention.local_radius_m, local_air_cooling_k=intervention.local_air_cooling_k)


def cost_eur(intervention: Intervention, amount_units: float) -> float:
    """Capital cost [EUR] of ``amount_units`` units (trees, m², devices) at ``unit_cost_eur``."""
    amount = float(amount_units)
    if not math.isfinite(amount) or amount < 0:
        raise InputValueError(f"amount of {intervention.key!r} must be a finite number >= 0, got {amount_units!r}")
    return amount * intervention.unit_cost_eur


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
        })
    return pd.DataFrame(rows).set_index("key")
