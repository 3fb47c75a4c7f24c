"""Exact windowed marginal ΔT_air of the cooling models for a change on a small patch.

:class:`LiteratureState`: the scenarios' literature configuration (linear; see its docstring).
:class:`CoolingState`: the InVEST Urban Cooling Model, below.

The UCM (InVEST Urban Cooling Model user guide, [invest-ucm], [invest-code]) is a chain of per-pixel maps and three convolutions whose
*denominators do not depend on the parameters*:

.. math::

    CC_{park} = \\frac{(CC\\,g\\,v) * k_d}{v * k_d},\\qquad
    GA = \\frac{(g\\,v) * D_d}{v * D_d}\\,\\Sigma D_d,\\qquad
    T_{air} = \\frac{(T_{nomix}\\,v) * k_r}{v * k_r}

(``v`` = valid mask, ``k_d``/``k_r`` normalised exponential kernels truncated at 5·d and 5·r pixels,
``D_d`` the disc of radius d; ``ignore_nodata_and_edges`` rule of ``pygeoprocessing.convolve_2d``).
An intervention changes the parameters only on a patch P and leaves ``v`` alone, so by linearity of
convolution

* ``ΔCC_park = (Δ(CC·g)) * k_d / (v * k_d)`` is zero outside ``P ⊕ 5d`` (the patch dilated by 5d),
* ``ΔGA = (Δg) * D_d · ΣD_d / (v * D_d)`` is zero outside ``P ⊕ d``,
* ``HM`` is a per-pixel function of (CC, CC_park, GA), so ``ΔHM = 0`` outside ``W1 = P ⊕ 5d``,
* ``ΔT_air = (-ΔHM·UHI_max·v) * k_r / (v * k_r)`` is zero outside ``W2 = W1 ⊕ 5r``.

:class:`CoolingState` keeps the full-raster numerators, denominators, HM and the plan's ΔT_air, and
evaluates a patch change with two small convolutions on W1 and W2 only: the result equals the
difference of two full-raster :func:`uhi.cooling.urban_cooling` runs (checked in tests/test_optimize_window.py)
at the cost of a window of ``(p + 10d + 10r)²`` pixels instead of the whole raster.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import fftconvolve

from uhi.constants import UCM_DEFAULTS
from uhi.cooling.biophysical import PARAMETERS
from uhi.cooling.kernels import decay_pixels, disc_kernel, exponential_kernel
from uhi.cooling.model import GREEN_AREA_THRESHOLD_M2

__all__ = ["CoolingState", "LiteratureChange", "LiteratureState", "PatchChange"]


def _conv_same(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Zero-padded ``mode="same"`` convolution (float64) of a full raster."""
    if k.size == 1:
        return a * k.flat[0]
    return fftconvolve(a, k, mode="same")


def _conv_full(a: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``mode="full"`` convolution of a small patch: output grows by the kernel half-size on each side."""
    if k.size == 1:
        return a * k.flat[0]
    if a.size == 1:
        return a.flat[0] * k
    return fftconvolve(a, k, mode="full")


@dataclass
class PatchChange:
    """A candidate parameter change on the patch ``rows × cols`` and its exact effect.

    ``delta_t`` is ΔT_air [K] (negative = cooler) on the window ``w2``; ``gain`` is
    ``-Σ weights·ΔT_air`` [weight·K]. The other fields let :meth:`CoolingState.commit` apply it.
    """

    rows: slice
    cols: slice
    params: dict
    cc: np.ndarray
    green: np.ndarray
    w1: tuple[slice, slice] | None
    d_num_park: np.ndarray | None
    d_num_ga: np.ndarray | None
    hm: np.ndarray | None
    w2: tuple[slice, slice] | None
    delta_t: np.ndarray | None
    local: tuple | None
    gain: float


class _WindowState:
    """What both windowed models share: parameters, valid mask, objective, windows and the plan's ΔT_air."""

    _COPIED = ("delta_t",)

    def _init_common(self, params, eti_scale, weights, value, local_counts):
        self.params = {k: np.array(params[k], dtype=np.float64) for k in PARAMETERS}
        self.shape = shape = self.params["shade"].shape
        self.eti_scale = np.broadcast_to(np.asarray(eti_scale, dtype=np.float64), shape)
        self.weights = np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0)
        self.value = value
        self.local_counts = bool(local_counts)
        valid = np.ones(shape, dtype=bool)
        for k in PARAMETERS:
            valid &= np.isfinite(self.params[k])
        self.valid = valid
        self.delta_t = np.zeros(shape)

    def copy(self):
        """Independent copy of the plan state (the denominators, kernels and weights are shared, read-only)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.params = {k: v.copy() for k, v in self.params.items()}
        for name in self._COPIED:
            setattr(new, name, getattr(self, name).copy())
        return new

    def _gain(self, window, delta_t) -> float:
        """Objective gain of adding ``delta_t`` [K] on ``window`` to the plan (``Σ w·(g(δ + Δ) - g(δ))``)."""
        w = self.weights[window]
        if self.value is None:
            return -float(np.sum(w * delta_t))
        old = self.delta_t[window]
        return float(np.sum(w * (self.value(old + delta_t) - self.value(old))))

    def _local(self, local):
        """Masked hyper-local change and its gain (0 when local measures do not count)."""
        lr, lc, ldt = local
        ldt = np.where(self.valid[lr, lc], np.asarray(ldt, dtype=np.float64), 0.0)
        # not counted: gain 0, so the search never takes the measure and the plan's ΔT_air never holds it
        return (lr, lc, ldt), (self._gain((lr, lc), ldt) if self.local_counts else 0.0)

    def _box(self, rows: slice, cols: slice, r: int):
        """Patch dilated by ``r`` pixels, clipped to the raster: (window slices, offset into the full conv)."""
        ny, nx = self.shape
        r0, r1 = max(0, rows.start - r), min(ny, rows.stop + r)
        c0, c1 = max(0, cols.start - r), min(nx, cols.stop + r)
        return (slice(r0, r1), slice(c0, c1)), (r0 - (rows.start - r), c0 - (cols.start - r))

    def _embed(self, patch_delta, rows, cols, kernel, radius, window):
        """``mode="full"`` convolution of a patch delta, cropped to ``window`` (a box containing patch ⊕ radius)."""
        full = _conv_full(patch_delta, kernel)
        (wr, wc) = window
        out = np.zeros((wr.stop - wr.start, wc.stop - wc.start))
        # full[0, 0] sits at raster (rows.start - radius, cols.start - radius)
        fr0, fc0 = rows.start - radius, cols.start - radius
        r0, r1 = max(wr.start, fr0), min(wr.stop, fr0 + full.shape[0])
        c0, c1 = max(wc.start, fc0), min(wc.stop, fc0 + full.shape[1])
        out[r0 - wr.start:r1 - wr.start, c0 - wc.start:c1 - wc.start] = full[r0 - fr0:r1 - fr0, c0 - fc0:c1 - fc0]
        return out

    def _mixed(self, d_nomix, box, window_r):
        """ΔT_air on the window of a ΔT_nomix given on the nonzero ``box`` of a larger patch array:
        ``(ΔT_nomix·v) * k / (v * k)`` (normalised mixing, nodata and edges ignored). Returns (window, ΔT) or (None, None)."""
        nz_r = np.flatnonzero(d_nomix.any(axis=1))
        if not nz_r.size:
            return None, None
        nz_c = np.flatnonzero(d_nomix.any(axis=0))
        br = slice(box[0].start + nz_r[0], box[0].start + nz_r[-1] + 1)
        bc = slice(box[1].start + nz_c[0], box[1].start + nz_c[-1] + 1)
        w2, _ = self._box(br, bc, window_r)
        delta = self._embed(d_nomix[nz_r[0]:nz_r[-1] + 1, nz_c[0]:nz_c[-1] + 1], br, bc, self.k_mix, window_r, w2) / self.den_mix[w2]
        delta[~self.valid[w2]] = 0.0
        return w2, delta

    def _commit_plan(self, change) -> None:
        """The part of a commit both models share: the new parameters, ΔT_air on the window, hyper-local cooling."""
        if change.params is not None:
            for k in PARAMETERS:
                self.params[k][change.rows, change.cols] = change.params[k]
        if change.delta_t is not None:
            self.delta_t[change.w2] += change.delta_t
        if change.local is not None:
            lr, lc, ldt = change.local
            self.delta_t[lr, lc] += ldt

    def objective(self) -> float:
        """``F = Σ w·g(ΔT_air)`` of the plan so far (``-Σ w·ΔT_air`` [weight·K] by default)."""
        if self.value is None:
            return -float(np.sum(self.weights * self.delta_t))
        return float(np.sum(self.weights * self.value(self.delta_t)))


class CoolingState(_WindowState):
    """Full-raster UCM state of a plan, updated patch by patch.

    Parameters
    ----------
    params : dict of str -> ndarray
        ``shade, albedo, kc, green_area, building_intensity`` (2-D, NaN = nodata).
    eti_scale : float or ndarray
        ``ETo / max(ETo)`` per pixel (1 for a scalar ETo), InVEST Urban Cooling Model user guide.
    cell : float
        Pixel size [m].
    uhi_max : float
        UHI_max [degC].
    weights : ndarray
        Objective weight per pixel (residents × vulnerability); NaN counts as 0.
    value : callable, optional
        Objective value per unit weight of a pixel's ΔT_air, ``g(δ)`` with ``g(0) = 0`` (elementwise; e.g. deaths
        avoided per resident, :mod:`uhi.optimize._objective`); default ``g(δ) = -δ`` (person·K).
    local_counts : bool
        Whether hyper-local measures count in the objective (not for the health objectives: they change no
        resident's daily temperature, as in the scenario outcomes).
    cooling_distance, mixing_radius : float
        d_cool and r [m] of the UCM.
    cc_method : {"factors", "intensity"}
    cc_weights : tuple of 3 floats
        (shade, albedo, ETI) weights, renormalised as in InVEST [invest-code].
    """

    def __init__(self, params, *, eti_scale, cell, uhi_max, weights, cooling_distance=UCM_DEFAULTS["cooling_distance"],
                 mixing_radius=UCM_DEFAULTS["mixing_radius"], cc_method="factors", cc_weights=UCM_DEFAULTS["weights"],
                 value=None, local_counts=True):
        self._init_common(params, eti_scale, weights, value, local_counts)
        valid = self.valid
        w = np.asarray(cc_weights, dtype=np.float64)
        self.cc_weights = w / w.sum()
        self.cc_method = cc_method
        self.uhi_max = float(uhi_max)
        v = valid.astype(np.float64)
        self.k_park = exponential_kernel(decay_pixels(cooling_distance, cell))
        d_px = decay_pixels(cooling_distance, cell)
        self.k_disc = disc_kernel(d_px)
        self.k_mix = exponential_kernel(decay_pixels(mixing_radius, cell))
        self.r_park = self.k_park.shape[0] // 2
        self.r_disc = self.k_disc.shape[0] // 2
        self.r_mix = self.k_mix.shape[0] // 2
        self.disc_sum = float(self.k_disc.sum())
        self.threshold = GREEN_AREA_THRESHOLD_M2 / cell**2  # 2 ha in pixels [invest-code]

        self.cc = self.cooling_capacity(self.params, self.eti_scale)
        self.cc[~valid] = np.nan
        self.green = np.where(valid, self.params["green_area"], 0.0)
        self.den_park = _conv_same(v, self.k_park)
        self.den_disc = _conv_same(v, self.k_disc)
        self.den_mix = _conv_same(v, self.k_mix)
        self.num_park = _conv_same(np.where(valid, self.cc * self.green, 0.0), self.k_park)
        self.num_ga = _conv_same(self.green, self.k_disc)
        self.hm = self._hm(self.cc, self.num_park / self.den_park, self.num_ga * self.disc_sum / self.den_disc)

    _COPIED = ("cc", "green", "num_park", "num_ga", "hm", "delta_t")

    # -- per-pixel maps ---------------------------------------------------------------------------
    def cooling_capacity(self, p, eti_scale):
        """CC (InVEST Urban Cooling Model user guide): ``w_s·shade + w_a·albedo + w_e·kc·ETo/ETmax`` or ``1 - building_intensity``."""
        if self.cc_method == "intensity":
            return 1.0 - np.asarray(p["building_intensity"], dtype=np.float64)
        ws, wa, we = self.cc_weights
        return ws * p["shade"] + wa * p["albedo"] + we * p["kc"] * eti_scale

    def _hm(self, cc, cc_park, ga):
        """HM = CC where CC >= CC_park or GA < 2 ha, else CC_park; NaN where CC is NaN [invest-code]."""
        keep = (cc >= cc_park) | (ga < self.threshold)
        return np.where(np.isfinite(cc), np.where(keep, cc, cc_park), np.nan)

    # -- evaluation and commit ----------------------------------------------------------------------
    def evaluate(self, rows: slice, cols: slice, new_params: dict | None, local=None) -> PatchChange:
        """Exact effect of replacing the parameters on ``rows × cols`` by ``new_params``.

        ``local = (rows, cols, delta_t)`` adds a hyper-local air temperature change [K, <= 0] on that box
        (misting, fountains, green walls: not routed through the kernels, see :mod:`uhi.optimize`).
        """
        valid = self.valid[rows, cols]
        gain = 0.0
        w1 = d_num_park = d_num_ga = hm_new = w2 = delta_t = None
        cc_new = self.cc[rows, cols]
        green_new = self.green[rows, cols]
        if new_params is not None:
            new_params = {k: np.where(valid, np.asarray(new_params[k], dtype=np.float64), self.params[k][rows, cols])
                          for k in PARAMETERS}
            cc_new = self.cooling_capacity(new_params, self.eti_scale[rows, cols])
            cc_new = np.where(valid, cc_new, np.nan)
            green_new = np.where(valid, new_params["green_area"], 0.0)
            d_ccg = np.where(valid, cc_new * green_new - self.cc[rows, cols] * self.green[rows, cols], 0.0)
            d_g = green_new - self.green[rows, cols]
            d_cc = np.where(valid, cc_new - self.cc[rows, cols], 0.0)
            if np.any(d_ccg) or np.any(d_g) or np.any(d_cc):
                w1, _ = self._box(rows, cols, self.r_park)
                d_num_park = self._embed(d_ccg, rows, cols, self.k_park, self.r_park, w1) if np.any(d_ccg) else None
                d_num_ga = self._embed(d_g, rows, cols, self.k_disc, self.r_disc, w1) if np.any(d_g) else None
                cc_w = self.cc[w1].copy()
                cc_w[rows.start - w1[0].start:rows.stop - w1[0].start, cols.start - w1[1].start:cols.stop - w1[1].start] = cc_new
                num_park = self.num_park[w1] if d_num_park is None else self.num_park[w1] + d_num_park
                num_ga = self.num_ga[w1] if d_num_ga is None else self.num_ga[w1] + d_num_ga
                hm_new = self._hm(cc_w, num_park / self.den_park[w1], num_ga * self.disc_sum / self.den_disc[w1])
                d_hm = np.nan_to_num(hm_new - self.hm[w1], nan=0.0)
                # shrink to the box where HM changed before the mixing convolution
                w2, delta_t = self._mixed(-self.uhi_max * d_hm, w1, self.r_mix)
                if w2 is not None:
                    gain += self._gain(w2, delta_t)
        if local is not None:
            local, g = self._local(local)
            gain += g
        return PatchChange(rows, cols, new_params, cc_new, green_new, w1, d_num_park, d_num_ga, hm_new, w2, delta_t,
                           local, gain)

    def commit(self, change: PatchChange) -> None:
        """Apply an evaluated change to the state (the plan now includes it)."""
        self._commit_plan(change)
        if change.params is not None:
            self.cc[change.rows, change.cols] = change.cc
            self.green[change.rows, change.cols] = change.green
        if change.w1 is not None:
            if change.d_num_park is not None:
                self.num_park[change.w1] += change.d_num_park
            if change.d_num_ga is not None:
                self.num_ga[change.w1] += change.d_num_ga
            self.hm[change.w1] = change.hm



@dataclass
class LiteratureChange:
    """A candidate parameter change on ``rows × cols`` under the literature configuration and its exact effect.

    ``delta_t`` is ΔT_air [K] on the window ``w2`` and ``gain`` the objective gain. ``delta_albedo``, the albedo part
    of ``delta_t`` (the rest is the evaporative part, :func:`uhi.cooling.cooling_channels`), is computed when first
    read: the search evaluates many changes it never commits, and only committed ones need the split.
    """

    rows: slice
    cols: slice
    params: dict | None
    w2: tuple[slice, slice] | None
    delta_t: np.ndarray | None
    local: tuple | None
    gain: float
    albedo_part: Callable[[], np.ndarray] | None = field(default=None, repr=False)

    @functools.cached_property
    def delta_albedo(self) -> np.ndarray | None:
        return None if self.albedo_part is None else self.albedo_part()


class LiteratureState(_WindowState):
    """Full-raster state of a plan under the literature cooling configuration (:func:`uhi.cooling.literature_cooling`).

    The configuration is linear in the parameters: ``T_nomix = T_ref + P_r - P`` with
    ``P = s_α·albedo + s_c·shade + s_e·kc·ETo/max(ETo)`` and ``T_air = (T_nomix·v) * K_λ / (v * K_λ)``. A change
    on a patch therefore changes the air temperature by

    .. math::

        \\Delta T_{air} = \\frac{(-\\Delta P\\,v) * K_\\lambda}{v * K_\\lambda},

    exactly zero outside the patch dilated by the kernel's truncation radius 5λ: one small convolution per
    evaluation (checked against two full :func:`~uhi.cooling.literature_cooling` runs in
    tests/test_optimize_literature.py). ΔT_air of options on different pixels adds up exactly (the objective is
    modular in ΔT_air); only options editing the same pixel interact, through
    :func:`uhi.interventions.apply_intervention` (``p' = p + f(t - p)`` of an already edited parameter).

    Parameters
    ----------
    params, eti_scale, cell, weights, value, local_counts
        As :class:`CoolingState`.
    coefficients : dict
        ``albedo``, ``shade``, ``eti`` sensitivities [K per unit] (:func:`uhi.cooling.potential_coefficients`).
    kernel : ndarray
        Normalised mixing kernel (:func:`uhi.cooling.mixing_kernel`).
    """

    _COPIED = ("delta_t", "delta_albedo")

    def __init__(self, params, *, eti_scale, cell, weights, coefficients, kernel, value=None, local_counts=True):
        self._init_common(params, eti_scale, weights, value, local_counts)
        self.coef = {k: float(coefficients[k]) for k in ("albedo", "shade", "eti")}
        self.k_mix = np.asarray(kernel, dtype=np.float64)
        self.r_mix = self.k_mix.shape[0] // 2
        self.den_mix = _conv_same(self.valid.astype(np.float64), self.k_mix)
        self.delta_albedo = np.zeros(self.shape)

    def evaluate(self, rows: slice, cols: slice, new_params: dict | None, local=None) -> LiteratureChange:
        """Exact effect of replacing the parameters on ``rows × cols`` by ``new_params`` (see the class docstring)."""
        valid = self.valid[rows, cols]
        gain = 0.0
        w2 = delta_t = albedo_part = None
        if new_params is not None:
            old = {k: self.params[k][rows, cols] for k in PARAMETERS}
            new_params = {k: np.where(valid, np.asarray(new_params[k], dtype=np.float64), old[k]) for k in PARAMETERS}
            c = self.coef
            d_alb = np.where(valid, c["albedo"] * (new_params["albedo"] - old["albedo"]), 0.0)
            d_rest = np.where(valid, c["shade"] * (new_params["shade"] - old["shade"])
                              + c["eti"] * (new_params["kc"] - old["kc"]) * self.eti_scale[rows, cols], 0.0)
            w2, delta_t = self._mixed(-(d_alb + d_rest), (rows, cols), self.r_mix)
            if w2 is not None:
                gain += self._gain(w2, delta_t)
                if np.any(d_alb):
                    albedo_part = functools.partial(self._albedo_part, d_alb, rows, cols, w2)
        if local is not None:
            local, g = self._local(local)
            gain += g
        return LiteratureChange(rows, cols, new_params, w2, delta_t, local, gain, albedo_part)

    def _albedo_part(self, d_alb, rows, cols, w2) -> np.ndarray:
        """The albedo part of a change's ΔT_air on its window ``w2`` (depends only on the fixed kernel and mask)."""
        wa, delta_alb = self._mixed(-d_alb, (rows, cols), self.r_mix)
        if wa == w2:
            return delta_alb
        full = np.zeros((w2[0].stop - w2[0].start, w2[1].stop - w2[1].start))  # the albedo box lies inside the total's
        full[wa[0].start - w2[0].start:wa[0].stop - w2[0].start, wa[1].start - w2[1].start:wa[1].stop - w2[1].start] = delta_alb
        return full

    def commit(self, change: LiteratureChange) -> None:
        """Apply an evaluated change to the state (the plan now includes it)."""
        self._commit_plan(change)
        if change.delta_t is not None and change.delta_albedo is not None:
            self.delta_albedo[change.w2] += change.delta_albedo
