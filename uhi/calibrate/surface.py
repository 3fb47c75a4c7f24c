"""A city-calibrated surface model: the city's own LST regressed on vegetation, water and built-up indices.

.. math::

    \\mathrm{LST} = \\beta_0 + \\sum_j \\beta_j x_j + \\varepsilon,\\qquad x_j \\in \\{\\mathrm{NDVI\\ or\\ FVC},
    \\mathrm{MNDWI}, \\mathrm{NDBI}\\}

fitted by ordinary least squares over the valid pixels. The sensitivities :math:`\\beta_j` [K per unit index]
are the city's measured answer to "how much cooler is a greener pixel", the quantity intervention catalogues
take from the literature. Two guards keep them honest:

* **spatial-block cross-validation** (Roberts et al. 2017, Ecography 40:913, doi:10.1111/ecog.02881): pixels
  are grouped into square blocks (default 1.2 km, ten 120 m pixels), blocks are dealt into ``folds`` at random
  (seeded), and each fold is predicted by the model fitted on the others, so neighbouring, autocorrelated
  pixels never sit on both sides of a split;
* **collinearity**: the variance inflation factor ``VIF_j = 1 / (1 - R_j^2)`` (``R_j^2`` of predictor j regressed
  on the others); above 5 (the common rule of thumb, O'Brien 2007, Qual. Quant. 41:673,
  doi:10.1007/s11135-006-9018-6) the predictor with the largest VIF is dropped (with a message) or the fit is
  refused.

FVC is the fractional vegetation cover of Carlson & Ripley 1997 (Remote Sens. Environ. 62:241,
doi:10.1016/S0034-4257(97)00104-1), ``P_v = ((NDVI - NDVI_s)/(NDVI_v - NDVI_s))^2`` clipped to [0, 1], the
definition :func:`uhi.cooling.parameters_from_scene` uses for shade. Its end members are either the
reflectance-scale constants (0.2, 0.5) or, for indices on another scale (the Sofia stacks are on a DN scale),
scene-based end members as in Gutman & Ignatov 1998 (Int. J. Remote Sens. 19:1533,
doi:10.1080/014311698215333), taken here as the 5th and 95th NDVI percentiles to resist outliers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from uhi.calibrate.skill import skill
from uhi.errors import InputValueError

__all__ = ["DISAGREEMENT_RATIO", "VIF_MAX", "SurfaceModel", "apply_to_catalogue", "catalogue_overrides", "compare_catalogue",
           "fit_surface_model", "fvc", "vif"]

#: Variance-inflation threshold (O'Brien 2007, Qual. Quant. 41:673, doi:10.1007/s11135-006-9018-6).
VIF_MAX = 5.0
#: A catalogue ΔLST differing from the fitted one by more than this factor (either way) is flagged.
DISAGREEMENT_RATIO = 2.0
#: FAO-56 crop coefficient of bare soil and of full cover, the end points of the kc <-> vegetation-cover rule of
#: :func:`uhi.cooling.parameters_from_scene` (Allen et al. 1998, FAO Irrig. Drain. Pap. 56, eq. 97 and Table 12).
_KC_BARE, _KC_FULL = 0.15, 1.0


def vif(x: np.ndarray, names) -> dict[str, float]:
    """Variance inflation factor of each column of ``x`` (n x k): ``1 / (1 - R_j^2)``; ``inf`` for a perfect fit.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=500), rng.normal(size=500)
    >>> {k: round(v, 1) for k, v in vif(np.column_stack([a, b, a + 0.5 * b]), ["a", "b", "c"]).items()}
    {'a': inf, 'b': inf, 'c': inf}
    """
    x = np.asarray(x, dtype=np.float64)
    out = {}
    for j, name in enumerate(names):
        if x.shape[1] == 1:
            out[name] = 1.0
            continue
        others = np.column_stack([np.ones(len(x)), np.delete(x, j, axis=1)])
        beta, *_ = np.linalg.lstsq(others, x[:, j], rcond=None)
        resid = x[:, j] - others @ beta
        sst = float(((x[:, j] - x[:, j].mean()) ** 2).sum())
        r2 = 1 - float(resid @ resid) / sst if sst > 0 else 1.0
        out[name] = float(1 / (1 - r2)) if r2 < 1 - 1e-12 else float("inf")
    return out


def fvc(ndvi: xr.DataArray, *, end_members="percentiles") -> xr.DataArray:
    """Fractional vegetation cover ``P_v`` [1] from NDVI (Carlson & Ripley 1997).

    ``end_members``: ``"reflectance"`` for NDVI from surface reflectance (0.2 bare soil, 0.5 full cover,
    ``uhi.constants.NDVI_SOIL``/``NDVI_VEGETATION``), ``"percentiles"`` for the scene's 5th/95th percentiles
    (any index scale, Gutman & Ignatov 1998), or a pair ``(ndvi_soil, ndvi_vegetation)``. The end members used
    are stored in ``attrs["end_members"]``.
    """
    from uhi import constants

    if isinstance(end_members, str):
        if end_members == "reflectance":
            lo, hi = constants.NDVI_SOIL, constants.NDVI_VEGETATION
        elif end_members == "percentiles":
            v = np.asarray(ndvi.values, dtype=np.float64)
            v = v[np.isfinite(v)]
            if v.size == 0:
                raise InputValueError("fvc: NDVI has no valid pixel")
            lo, hi = (float(p) for p in np.percentile(v, [5, 95]))
        else:
            raise InputValueError(f"end_members must be 'reflectance', 'percentiles' or (ndvi_soil, ndvi_vegetation), got {end_members!r}")
    else:
        lo, hi = (float(e) for e in end_members)
    if not hi > lo:
        raise InputValueError(f"fvc end members must satisfy ndvi_soil < ndvi_vegetation, got ({lo}, {hi})")
    out = (((ndvi - lo) / (hi - lo)).clip(0, 1) ** 2).astype(np.float32)
    out.attrs = {"units": "1", "long_name": "fractional vegetation cover (Carlson & Ripley 1997)", "end_members": (lo, hi)}
    return out.rename("fvc")


@dataclass
class SurfaceModel:
    """A fitted LST ~ indices regression (see :func:`fit_surface_model`).

    ``coef`` are the sensitivities [K per unit predictor]; ``cv`` the pooled spatial-block cross-validated
    R², RMSE, MAE, bias, n, plus ``fold_r2``; ``vif`` of the kept predictors; ``dropped`` the predictors removed
    for collinearity with their VIF; ``ndvi_end_members`` the (bare, full-cover) NDVI used to express a
    vegetation change in NDVI; ``data`` the pixels used (observed, fitted, cross-validated, predictors, block).
    """

    label: str
    predictors: tuple
    intercept: float
    coef: dict
    r2: float
    rmse: float
    cv: dict
    vif: dict
    dropped: list
    messages: list
    block_size_m: float
    folds: int
    seed: int
    ndvi_end_members: tuple | None = None
    data: pd.DataFrame = field(default=None, repr=False)

    def predict(self, predictors) -> xr.DataArray:
        """LST [units of the fit] from a Dataset (or mapping) holding the model's predictors."""
        missing = [p for p in self.predictors if p not in predictors]
        if missing:
            raise InputValueError(f"predictors lack {missing} needed by the surface model {self.label!r}")
        out = self.intercept + sum(self.coef[p] * predictors[p] for p in self.predictors)
        return out.rename("lst_fitted")

    def vegetation_delta_lst(self, cover: float) -> float | None:
        """Fitted ΔLST [K] of turning a bare, sealed surface (P_v = 0) into vegetation cover ``cover`` (P_v)."""
        cover = float(np.clip(cover, 0.0, 1.0))
        if "fvc" in self.coef:
            return self.coef["fvc"] * cover
        if "ndvi" in self.coef and self.ndvi_end_members is not None:
            lo, hi = self.ndvi_end_members
            return self.coef["ndvi"] * np.sqrt(cover) * (hi - lo)
        return None

    def summary(self) -> pd.DataFrame:
        """One row per predictor: sensitivity [K/unit], VIF; plus the fit's R² and block-CV R² in attrs."""
        t = pd.DataFrame({"sensitivity_K_per_unit": self.coef, "vif": self.vif})
        t.attrs.update(r2=self.r2, cv_r2=self.cv["r2"], label=self.label)
        return t


def _block_ids(shape, cell: float, block_size_m: float):
    b = max(1, round(block_size_m / cell))
    rows, cols = np.indices(shape)
    nbx = -(-shape[1] // b)
    return (rows // b) * nbx + (cols // b), b


def _ols(x: np.ndarray, y: np.ndarray):
    a = np.column_stack([np.ones(len(x)), x])
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    return beta


def fit_surface_model(
    lst: xr.DataArray,
    predictors,
    *,
    block_size_m: float = 1200.0,
    folds: int = 5,
    vif_max: float = VIF_MAX,
    collinearity: str = "drop",
    seed: int = 0,
    label: str = "",
) -> SurfaceModel:
    """Regress LST on indices with spatial-block cross-validation and a collinearity guard.

    Parameters
    ----------
    lst : xarray.DataArray
        Land surface temperature [K or degC; sensitivities come out in K per unit either way].
    predictors : xarray.Dataset or mapping of name -> DataArray
        On the LST grid: any of ``ndvi`` or ``fvc`` (:func:`fvc`), ``mndwi``, ``ndbi`` (or other indices).
    block_size_m : float
        Side of the square cross-validation blocks [m].
    folds : int
        Number of folds the blocks are dealt into (seeded).
    vif_max : float
        Largest accepted variance inflation factor.
    collinearity : {"drop", "refuse"}
        Above ``vif_max``: drop the predictor with the largest VIF and refit (repeat), noting it in
        ``messages``; or raise :class:`InputValueError`.

    Returns
    -------
    SurfaceModel
    """
    from uhi._backend import check_same_grid, pixel_size_m

    if collinearity not in ("drop", "refuse"):
        raise InputValueError(f"collinearity must be 'drop' or 'refuse', got {collinearity!r}")
    if int(folds) < 2:
        raise InputValueError(f"folds must be >= 2, got {folds}")
    names = list(predictors.data_vars) if isinstance(predictors, xr.Dataset) else list(predictors)
    if not names:
        raise InputValueError("fit_surface_model needs at least one predictor")
    cell = pixel_size_m(lst, "spatial-block cross-validation")
    for n in names:
        check_same_grid(lst, predictors[n], names=("lst", n))
    y2 = np.asarray(lst.values, dtype=np.float64)
    cols = {n: np.asarray(predictors[n].values, dtype=np.float64) for n in names}
    ok = np.isfinite(y2)
    for v in cols.values():
        ok &= np.isfinite(v)
    n_ok = int(ok.sum())
    if n_ok < 10 * (len(names) + 1):
        raise InputValueError(f"fit_surface_model: only {n_ok} pixels have LST and every predictor {names}")
    y = y2[ok]
    x = np.column_stack([cols[n][ok] for n in names])
    const = [n for j, n in enumerate(names) if np.ptp(x[:, j]) == 0]
    if const:
        raise InputValueError(f"predictor(s) {const} are constant over the valid pixels")

    messages, dropped = [], []
    keep = list(names)
    while True:
        v = vif(x[:, [names.index(k) for k in keep]], keep)
        worst = max(v, key=v.get)
        if v[worst] <= vif_max:
            break
        detail = ", ".join(f"{k} {val:.1f}" for k, val in v.items())
        if collinearity == "refuse":
            raise InputValueError(f"predictors are collinear (VIF {detail}; limit {vif_max:g}): drop {worst!r} or pass collinearity='drop'")
        dropped.append((worst, v[worst]))
        messages.append(f"dropped {worst!r}: VIF {v[worst]:.1f} > {vif_max:g} (VIF {detail})")
        keep.remove(worst)
    xk = x[:, [names.index(k) for k in keep]]
    beta = _ols(xk, y)
    fitted = beta[0] + xk @ beta[1:]
    blocks, b_px = _block_ids(y2.shape, cell, block_size_m)
    blocks = blocks[ok]
    uniq = np.unique(blocks)
    if uniq.size < folds:
        raise InputValueError(f"only {uniq.size} blocks of {block_size_m:g} m hold data; use smaller blocks or fewer folds than {folds}")
    fold_of_block = np.random.default_rng(seed).permutation(uniq.size) % folds
    fold = fold_of_block[np.searchsorted(uniq, blocks)]
    cvp = np.empty_like(y)
    fold_r2 = []
    for k in range(folds):
        test = fold == k
        bk = _ols(xk[~test], y[~test])
        cvp[test] = bk[0] + xk[test] @ bk[1:]
        fold_r2.append(skill(y[test], cvp[test])["r2"])
    s_in = skill(y, fitted)
    cv = {**skill(y, cvp), "fold_r2": fold_r2}
    ndvi_em = None
    if "ndvi" in keep:
        ndvi_em = tuple(float(p) for p in np.percentile(cols["ndvi"][ok], [5, 95]))
    data = pd.DataFrame({"observed": y, "fitted": fitted, "cv": cvp, "block": blocks, "fold": fold, **{n: x[:, j] for j, n in enumerate(names)}})
    return SurfaceModel(label=label, predictors=tuple(keep), intercept=float(beta[0]), coef={k: float(c) for k, c in zip(keep, beta[1:])},
                        r2=s_in["r2"], rmse=s_in["rmse"], cv=cv, vif=vif(xk, keep), dropped=dropped, messages=messages,
                        block_size_m=b_px * cell, folds=int(folds), seed=int(seed), ndvi_end_members=ndvi_em, data=data)


# ------------------------------------------------------------------- catalogue ----

def _cover_after(changes: Mapping) -> float | None:
    """Vegetation cover P_v of a fully treated surface from an intervention's parameter changes, or None.

    ``shade`` is canopy cover (InVEST), a lower bound of P_v; ``kc`` maps to cover by the FAO-56 rule of
    :func:`uhi.cooling.parameters_from_scene`, ``kc = 0.15 + 0.85 P_v``. Open water (kc > 1) is not vegetation.
    """
    covers = []
    if "shade" in changes and changes["shade"][0] in ("set", "max", "add"):
        covers.append(float(changes["shade"][1]))
    if "kc" in changes and changes["kc"][0] in ("set", "max"):
        kc = float(changes["kc"][1])
        if kc > _KC_FULL:
            return None
        covers.append((kc - _KC_BARE) / (_KC_FULL - _KC_BARE))
    return float(np.clip(max(covers), 0, 1)) if covers else None


def compare_catalogue(model: SurfaceModel, catalogue: Mapping, *, ratio: float = DISAGREEMENT_RATIO) -> pd.DataFrame:
    """Catalogue ΔLST of each intervention beside the city-fitted one, with a flag where they differ > ``ratio``x.

    Covered are vegetation measures (those that raise ``shade`` or ``kc`` to at most full cover): their fitted
    ΔLST is :meth:`SurfaceModel.vegetation_delta_lst` of the cover the treated surface reaches, against a bare
    sealed surface -- the reference the catalogue values are stated for. Albedo-only and water measures
    have no fitted counterpart among NDVI/MNDWI/NDBI sensitivities (``covered`` False, no flag).
    """
    rows = []
    for key, it in catalogue.items():
        cover = _cover_after(getattr(it, "parameter_changes", {}) or {}) if getattr(it, "scale", "") != "local" else None
        fitted = model.vegetation_delta_lst(cover) if cover is not None else None
        cat = float(it.lst_change_k)
        r = np.nan
        flag = False
        if fitted is not None and cat != 0 and fitted != 0:
            r = cat / fitted
            flag = bool(r > ratio or r < 1 / ratio or r < 0)
        rows.append({"intervention": key, "catalogue_dlst_K": cat, "cover_after": cover, "fitted_dlst_K": fitted,
                     "ratio": r, "covered": fitted is not None, "flag": flag})
    return pd.DataFrame(rows).set_index("intervention")


def apply_to_catalogue(catalogue: Mapping, model: SurfaceModel, *, ratio: float = DISAGREEMENT_RATIO) -> tuple[dict, pd.DataFrame]:
    """A copy of ``catalogue`` whose covered interventions use the city-fitted ΔLST, and the comparison table.

    This is the hook for scenarios: pass the returned catalogue wherever a catalogue is taken
    (``uhi.scenarios`` runs, :func:`uhi.interventions.surface_cooling`); entries not covered by the fit keep
    their catalogue value. Flagged entries (catalogue and fit differ by more than ``ratio``x) are listed in
    the table.
    """
    table = compare_catalogue(model, catalogue, ratio=ratio)
    out = {}
    for key, it in catalogue.items():
        fitted = table.loc[key, "fitted_dlst_K"]
        if table.loc[key, "covered"]:
            src = (f"city-fitted LST sensitivity ({model.label or 'surface model'}: "
                   f"{', '.join(f'{k} {v:+.2f} K/unit' for k, v in model.coef.items())}; block-CV R2 {model.cv['r2']:.2f}) "
                   f"at vegetation cover {table.loc[key, 'cover_after']:.2f}; catalogue value {it.lst_change_k:g} K")
            out[key] = dataclasses.replace(it, lst_change_k=float(fitted), lst_source=src)
        else:
            out[key] = it
    return out, table


def catalogue_overrides(model: SurfaceModel, catalogue: Mapping, *, ratio: float = DISAGREEMENT_RATIO) -> tuple[dict, str]:
    """The city-fitted ΔLST as scenario ``[catalogue]`` overrides: ``({key: {"lst_change_k", "lst_source"}}, TOML text)``.

    Paste the text into a scenario file (or merge the mapping with :func:`uhi.interventions.merge_catalogue`) to
    run the scenario's surface chain on the city's own sensitivities; only covered interventions are listed,
    and a comment marks those whose catalogue value differs from the fitted one by more than ``ratio``x.
    """
    new, table = apply_to_catalogue(catalogue, model, ratio=ratio)
    head = (f"# city-fitted LST sensitivities ({model.label or 'surface model'}, block-CV R2 {model.cv['r2']:.2f}), "
            "uhi.calibrate.surface.catalogue_overrides")
    out, lines = {}, [head]
    for key, row in table.iterrows():
        if not row["covered"]:
            continue
        it = new[key]
        out[key] = {"lst_change_k": round(float(it.lst_change_k), 3), "lst_source": it.lst_source}
        if row["flag"]:
            lines.append(f"# {key}: catalogue {row['catalogue_dlst_K']:g} K differs from the fitted {row['fitted_dlst_K']:.2f} K "
                         f"by more than {ratio:g}x")
        src = it.lst_source.replace("\\", "/").replace('"', "'")
        lines += [f"[catalogue.{key}]", f"lst_change_k = {out[key]['lst_change_k']!r}", f'lst_source = "{src}"']
    return out, "\n".join(lines) + "\n"
