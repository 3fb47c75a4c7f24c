"""Figures of model skill: observed vs modelled scatter with a 1:1 line, a residual map, an LST regression."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import TwoSlopeNorm

from ..errors import InputValueError
from ._decor import _axes, finish_map
from .maps import _colorbar

__all__ = ["regression_plot", "residual_map", "skill_scatter"]


def _metrics_label(name: str, observed, modelled) -> str:
    from uhi.calibrate.skill import skill

    s = skill(observed, modelled)
    return f"{name}: R² {s['r2']:.2f}, RMSE {s['rmse']:.2f} K, MAE {s['mae']:.2f} K, bias {s['bias']:+.2f} K (n={s['n']})"


def skill_scatter(observed, modelled, *, others: dict | None = None, ax: Axes | None = None, label: str = "model",
                  units: str = "°C", title: str | None = None) -> Axes:
    """Observed vs modelled temperature with the 1:1 line; each series' R², RMSE, MAE and bias in the legend.

    Parameters
    ----------
    observed, modelled : array-like
        Temperatures [``units``] at the same stations.
    others : dict, optional
        More ``{label: modelled}`` series against the same observations (e.g. ``{"LOSO": cv_predictions}``).
    """
    o = np.asarray(observed, dtype=np.float64)
    series = {label: modelled, **(others or {})}
    ax = _axes(ax, figsize=(6.0, 6.0))
    lo, hi = np.inf, -np.inf
    for i, (name, m) in enumerate(series.items()):
        m = np.asarray(m, dtype=np.float64)
        if m.shape != o.shape:
            raise InputValueError(f"series {name!r} has {m.size} values for {o.size} observations")
        ax.scatter(o, m, s=28, alpha=0.85, marker="os^D"[i % 4], label=_metrics_label(name, o, m), zorder=3)
        ok = np.isfinite(o) & np.isfinite(m)
        if ok.any():
            lo, hi = min(lo, o[ok].min(), m[ok].min()), max(hi, o[ok].max(), m[ok].max())
    if np.isfinite(lo):
        pad = 0.05 * (hi - lo or 1.0)
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="0.3", lw=1, ls="--", label="1:1", zorder=2)
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_aspect("equal")
    ax.set_xlabel(f"observed [{units}]")
    ax.set_ylabel(f"modelled [{units}]")
    ax.legend(loc="upper left", fontsize="small", frameon=True)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    return ax


def residual_map(table, *, background=None, crs=None, ax: Axes | None = None, residual: str = "residual",
                 title: str | None = None) -> Axes:
    """Station residuals (model − observed) [K] on a map: diverging colours centred on 0, optional raster behind.

    ``table`` has columns ``x``, ``y`` (in ``crs``, or the background's CRS) and ``residual``
    (e.g. :attr:`uhi.calibrate.CalibrationResult.table`).
    """
    for col in ("x", "y", residual):
        if col not in table.columns:
            raise InputValueError(f"residual_map needs a column {col!r}; the table has {list(table.columns)}")
    ax = _axes(ax)
    if background is not None:
        from ._decor import raster_extent

        extent, origin = raster_extent(background)
        im = ax.imshow(np.asarray(background.values, dtype=np.float64), extent=extent, origin=origin, cmap="Greys", alpha=0.6)
        _colorbar(ax, im, f"{background.attrs.get('long_name', background.name or '')} [{background.attrs.get('units', '')}]")
        crs = crs or background.rio.crs
    r = table[residual].to_numpy(dtype=np.float64)
    vmax = float(np.nanmax(np.abs(r))) if np.isfinite(r).any() else 1.0
    sc = ax.scatter(table["x"], table["y"], c=r, cmap="RdBu_r", norm=TwoSlopeNorm(vcenter=0.0, vmin=-vmax or -1, vmax=vmax or 1),
                    s=60, edgecolors="k", linewidths=0.6, zorder=3)
    _colorbar(ax, sc, "residual, model − observed [K]")
    finish_map(ax, crs)
    ax.set_title(title or "Station residuals")
    return ax


def regression_plot(model, predictor: str | None = None, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """LST against one predictor of a :class:`uhi.calibrate.surface.SurfaceModel`: pixel density, the fitted
    line (other predictors at their means), and in-sample and block-CV R² in the legend."""
    predictor = predictor or model.predictors[0]
    if predictor not in model.predictors:
        raise InputValueError(f"{predictor!r} is not a predictor of the model; it has {list(model.predictors)}")
    d = model.data
    ax = _axes(ax, figsize=(6.5, 5.0))
    hb = ax.hexbin(d[predictor], d["observed"], gridsize=60, cmap="viridis", mincnt=1, bins="log")
    _colorbar(ax, hb, "pixels")
    xs = np.linspace(d[predictor].quantile(0.005), d[predictor].quantile(0.995), 50)
    rest = sum(model.coef[p] * d[p].mean() for p in model.predictors if p != predictor)
    ax.plot(xs, model.intercept + rest + model.coef[predictor] * xs, color="tab:red", lw=2,
            label=f"slope {model.coef[predictor]:+.1f} K per unit; R² {model.r2:.2f}, block-CV R² {model.cv['r2']:.2f}")
    ax.set_xlabel(predictor.upper() if predictor in ("ndvi", "mndwi", "ndbi", "fvc") else predictor)
    ax.set_ylabel("LST")
    ax.legend(loc="upper right", fontsize="small")
    ax.set_title(title or f"LST vs {predictor} {model.label}".strip())
    return ax
