r"""Land-surface temperature of a Landsat 8/9 scene by four methods (Avdan & Jovanovska 2016; Jiménez-Muñoz et al. 2014; Du et al. 2015; USGS LSDS-1619).

``"simple"``
    Radiative-transfer-free emissivity correction of the band-10 brightness temperature,
    :math:`T_s = T_B / (1 + (\lambda T_B/\rho)\ln\varepsilon)`, λ = 10.895 µm, ρ = hc/k_B =
    14387.77 µm K (Avdan & Jovanovska 2016, J. Sensors 2016:1480307, doi:10.1155/2016/1480307). It ignores the
    atmosphere, so it recovers the surface temperature only where τ ≈ 1 and path radiances ≈ 0.
``"single-channel"``
    Jiménez-Muñoz et al. (2014), IEEE GRSL 11(10):1840-1843, doi:10.1109/LGRS.2014.2312032:
    :math:`T_s = \gamma[(\psi_1 L + \psi_2)/\varepsilon + \psi_3] + \delta`,
    :math:`\gamma = T_B^2/(b_\gamma L)`, :math:`\delta = T_B - T_B^2/b_\gamma`, b_γ = 1324 K, with the
    ψ functions of water vapour w [g cm-2] (GAPRI fit; Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032). L is the scene's
    ``radiance_b10``, or, when only T_B is there, its Planck radiance with the scene's K1/K2.
``"split-window"``
    Band 10 + band 11. Default ``coefficients="jm2014"``:
    :math:`T_s = T_{10} + c_1\Delta T + c_2\Delta T^2 + c_0 + (c_3 + c_4 w)(1-\bar\varepsilon) + (c_5 + c_6 w)\Delta\varepsilon`
    (Jiménez-Muñoz et al. 2014; c1 = 1.378). ``coefficients="du2015"``: Du et al. (2015), Remote Sens.
    7(1):647-665, doi:10.3390/rs70100647, with the coefficients of every water-vapour window that
    contains w averaged (the equation is linear in them, so this equals averaging the LSTs of the
    overlapping windows, Jiménez-Muñoz et al. 2014; Du et al. 2015, doi:10.3390/rs70100647).
``"l2"``
    The Collection 2 Level-2 surface temperature product ST_B10 (already LST, single-channel with
    ASTER GED emissivity; USGS LSDS-1619, Collection 2 Level-2 Science Product Guide).

Plausibility (every method): LST outside :data:`LST_PLAUSIBLE_K` (-100..+80 °C) is set to NaN with a
warning giving the share (``attrs["implausible_share"]``). The bounds bracket the extremes of satellite
land surface temperature on Earth: 70.7 °C in the Lut desert on 1 km MODIS pixels (Mildrexler, Zhao & Running
2011, Bull. Am. Meteorol. Soc. 92:855, doi:10.1175/2011BAMS3067.1; 100 m pixels of dark roofs can be hotter,
hence the margin to 80 °C) and about -98 °C on the East Antarctic plateau (Scambos et al. 2018, Geophys. Res.
Lett. 45:6124, doi:10.1029/2018GL078133). Fires and volcanic vents exceed the upper bound and are masked too:
they are not urban heat. Split-window also warns where ``|T10 - T11|`` exceeds
:data:`SPLIT_WINDOW_MAX_DT_K` (5 K, ``attrs["b10_b11_exceeded_share"]``): over clear land the band difference
is a few kelvin, the algorithm multiplies it by c1 = 1.378 and squares it with c2 = 0.183 (5 K already adds
11.5 K), and band-11 stray light of early TIRS data produced calibration errors over 9 K (Montanaro, Gerace &
Rohrbach 2015, Appl. Opt. 54:3963, doi:10.1364/AO.54.003963; USGS advised against band 11 for split-window).
On the pre-collection Pensacola scene split-window gives up to 213 °C on 0.65 % of the pixels above 80 °C,
where T10 - T11 is 14-29 K.

Emissivity comes from NDVI by the NDVI-threshold method of :mod:`uhi.lst.emissivity` (band-specific
TIRS values) unless ``emissivity=`` is given. The "simple" method uses the band-10 emissivity too,
not the broadband TM6 values, so that it matches the band it corrects.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from .. import constants
from .._backend import apply_pointwise, check_same_grid, is_dask, set_cf
from ..errors import GridMismatchError, InputValueError, MetadataError, SceneFormatError
from ..indices._arrays import run_kernel
from ._kernels import (
    SPLIT_WINDOW_FORMS,
    lst_simple_from_emissivity_kernel,
    lst_simple_fused_kernel,
    lst_single_channel_from_emissivity_kernel,
    lst_single_channel_fused_kernel,
    lst_split_window_from_emissivity_kernel,
    lst_split_window_fused_kernel,
)
from .emissivity import emissivity_parameters
from .radiance import brightness_temperature, planck_radiance_array

__all__ = [
    "LST_PLAUSIBLE_K",
    "METHODS",
    "SPLIT_WINDOW_MAX_DT_K",
    "WATER_VAPOUR_RANGE",
    "du2015_coefficients",
    "explain_empty",
    "land_surface_temperature",
    "lst_simple_array",
    "lst_single_channel_array",
    "lst_split_window_array",
    "psi_functions",
    "to_celsius",
]

METHODS = ("simple", "single-channel", "split-window", "l2")
#: Physically plausible LST [K]: -100 .. +80 °C (module docstring: Mildrexler et al. 2011; Scambos et al. 2018).
LST_PLAUSIBLE_K = (173.15, 353.15)
#: Largest band-10 minus band-11 brightness-temperature difference split-window accepts without a warning [K]
#: (a choice of this library, module docstring).
SPLIT_WINDOW_MAX_DT_K = 5.0
#: Water vapour range [g cm-2] of the fits (GAPRI database of JM2014; Du et al. 2015 windows up to 6.3).
WATER_VAPOUR_RANGE = (0.0, 6.3)
_LAMBDA_OVER_RHO_B10 = constants.TIRS_WAVELENGTH_UM[10] / constants.RHO_UM_K  # [K-1]


# --- coefficients -----------------------------------------------------------------------------
def _water_vapour(value, where: str) -> float:
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise InputValueError(f"water_vapour ({where}) must be a number in g cm-2, got {value!r}") from None
    lo, hi = WATER_VAPOUR_RANGE
    if not (np.isfinite(w) and lo <= w <= hi):
        raise InputValueError(
            f"water_vapour ({where}) = {value!r} g cm-2 is outside {lo}..{hi} g cm-2, the range the "
            "single-channel and split-window coefficients were fitted on (Jiménez-Muñoz et al. 2014; Du et al. 2015)"
        )
    return w


def psi_functions(water_vapour: float) -> tuple[float, float, float]:
    """ψ1, ψ2, ψ3 of Jiménez-Muñoz et al. 2014 for TIRS B10 at water vapour w [g cm-2] (doi:10.1109/LGRS.2014.2312032).

    Examples
    --------
    >>> [round(p, 5) for p in psi_functions(1.0)]  # coefficient sums a + b + c
    [1.08458, -1.68303, 1.09476]
    """
    w = _water_vapour(water_vapour, "psi_functions")
    return tuple(a * w * w + b * w + c for a, b, c in constants.SC_PSI_COEFFICIENTS)


def du2015_coefficients(water_vapour: float) -> tuple[float, ...]:
    """b0..b7 of Du et al. 2015: the mean of the rows of every CWV window containing w (doi:10.3390/rs70100647)."""
    w = _water_vapour(water_vapour, "du2015_coefficients")
    rows = [coef for (lo, hi), (coef, _rmse) in constants.SW_DU2015.items() if (lo, hi) != (0.0, 6.3) and lo <= w <= hi]
    if not rows:  # cannot happen inside WATER_VAPOUR_RANGE; the all-range row is the documented fallback
        rows = [constants.SW_DU2015[(0.0, 6.3)][0]]
    return tuple(float(v) for v in np.mean(np.array(rows, dtype=np.float64), axis=0))


def _split_window_coefficients(coefficients: str, w: float) -> tuple[int, tuple]:
    if coefficients not in SPLIT_WINDOW_FORMS:
        raise InputValueError(f"coefficients must be one of {sorted(SPLIT_WINDOW_FORMS)}, got {coefficients!r}")
    form = SPLIT_WINDOW_FORMS[coefficients]
    coefs = tuple(constants.SW_JM2014) + (0.0,) if form == 0 else du2015_coefficients(w)
    return form, tuple(np.float32(c) for c in coefs)


# --- array layer -----------------------------------------------------------------------------
def lst_simple_array(bt, *, red=None, nir=None, emissivity=None) -> np.ndarray:
    """"Simple" LST [K] from band-10 BT [K] and either red/NIR reflectance or a given emissivity."""
    c = np.float32(_LAMBDA_OVER_RHO_B10)
    if emissivity is not None:
        return run_kernel(lst_simple_from_emissivity_kernel, bt, emissivity, args=(c,))
    return run_kernel(lst_simple_fused_kernel, red, nir, bt, args=(emissivity_parameters(10), c))


def lst_single_channel_array(bt, *, water_vapour, radiance=None, k1=None, k2=None, red=None, nir=None, emissivity=None) -> np.ndarray:
    """Single-channel LST [K] (Jiménez-Muñoz et al. 2014) from band-10 BT [K] and radiance.

    ``radiance`` [W m-2 sr-1 um-1] of band 10; without it, it is recomputed from ``bt`` with the band's
    ``k1``, ``k2`` (one temporary array).
    """
    psi = tuple(np.float32(p) for p in psi_functions(water_vapour))
    if radiance is None:
        if k1 is None or k2 is None:
            raise InputValueError("lst_single_channel_array needs radiance= or both k1= and k2= (band 10 of the MTL)")
        radiance = planck_radiance_array(bt, k1, k2)
    tail = (*psi, np.float32(constants.SC_B_GAMMA))
    if emissivity is not None:
        return run_kernel(lst_single_channel_from_emissivity_kernel, bt, radiance, emissivity, args=tail)
    return run_kernel(lst_single_channel_fused_kernel, red, nir, bt, radiance, args=(emissivity_parameters(10), *tail))


def lst_split_window_array(bt10, bt11, *, water_vapour, coefficients="jm2014", red=None, nir=None, emissivity=None) -> np.ndarray:
    """Split-window LST [K] from BT of bands 10 and 11 [K]; ``emissivity`` is a pair (ε10, ε11)."""
    w = _water_vapour(water_vapour, "split-window")
    form, coefs = _split_window_coefficients(coefficients, w)
    tail = (form, coefs, np.float32(w))
    if emissivity is not None:
        e10, e11 = emissivity
        return run_kernel(lst_split_window_from_emissivity_kernel, bt10, bt11, e10, e11, args=tail)
    return run_kernel(
        lst_split_window_fused_kernel, red, nir, bt10, bt11, args=(emissivity_parameters(10), emissivity_parameters(11), *tail)
    )


# --- xarray layer ----------------------------------------------------------------------------
def _describe(ds: xr.Dataset) -> str:
    level = ds.attrs.get("processing_level") or ds.attrs.get("level")
    sid = ds.attrs.get("scene_id") or ds.attrs.get("source") or "the scene"
    return f"{sid} ({'level ' + str(level) if level else 'unknown level'}; variables {sorted(map(str, ds.data_vars))})"


def explain_empty(ds: xr.Dataset, mask_clouds: bool = False) -> str:
    """Why no pixel of ``ds`` can have an LST, in words (for the error raised on an all-NaN result).

    Looks at the thermal variables first (all fill / all NaN), then at the cloud mask, then at the
    red/NIR reflectance used for emissivity; computes small reductions only.
    """
    thermal = [v for v in ("surface_temperature", "brightness_temperature_b10", "radiance_b10") if v in ds]
    sid = ds.attrs.get("scene_id") or "the scene"
    for name in thermal:
        if not bool(np.isfinite(ds[name]).any()):
            cause = "fill (DN 0) or NaN" if not mask_clouds else "fill, NaN or masked by the QA band"
            return f"every pixel of its thermal band ({name} of {sid}) is {cause}"
    if mask_clouds and "qa_pixel" in ds:
        return "the QA mask (--mask-clouds: cloud, shadow, cirrus, snow, fill) removes every pixel"
    for name in ("red", "nir"):
        if name in ds and not bool(np.isfinite(ds[name]).any()):
            return f"every pixel of the {name} reflectance (needed for the emissivity) is fill or NaN"
    return "the inputs leave no pixel with a finite temperature"


def _thermal_constant(ds: xr.Dataset, key: str, band: int) -> float:
    attr = f"{key}_constant_band_{band}"
    if attr in ds.attrs:
        return float(ds.attrs[attr])
    spacecraft = ds.attrs.get("spacecraft")
    if spacecraft in constants.THERMAL_CONSTANTS:  # documented fallback (USGS Landsat 8 Data Users Handbook, LSDS-1574): the published values
        return float(constants.THERMAL_CONSTANTS[spacecraft][band][key])
    raise MetadataError(
        f"{_describe(ds)} has no attribute {attr!r} (K1/K2 of the MTL's LEVEL1_THERMAL_CONSTANTS) "
        "and no known 'spacecraft' to fall back on"
    )


def _brightness_temperature(ds: xr.Dataset, band: int, method: str) -> xr.DataArray:
    name = f"brightness_temperature_b{band}"
    if name in ds.data_vars:
        return ds[name]
    rad = f"radiance_b{band}"
    if rad in ds.data_vars:
        return brightness_temperature(ds[rad], _thermal_constant(ds, "k1", band), _thermal_constant(ds, "k2", band))
    hint = " (a Level-2 scene: use method='l2')" if "surface_temperature" in ds.data_vars else ""
    if band == 11:
        hint = " (the scene has no thermal band 11, so split-window cannot run: use 'single-channel' or 'simple')"
    raise SceneFormatError(f"method {method!r} needs {name!r} or {rad!r}, which {_describe(ds)} lacks{hint}")


def _reflectance(ds: xr.Dataset, method: str) -> tuple[xr.DataArray, xr.DataArray]:
    missing = [b for b in ("red", "nir") if b not in ds.data_vars]
    if missing:
        raise SceneFormatError(
            f"method {method!r} derives emissivity from NDVI and needs band(s) {missing}, which {_describe(ds)} "
            "lacks; load them or pass emissivity="
        )
    return ds["red"], ds["nir"]


def _resolve_water_vapour(ds: xr.Dataset, water_vapour, method: str) -> float:
    if water_vapour is not None:
        return _water_vapour(water_vapour, "argument water_vapour")
    if ds.attrs.get("water_vapour") is not None:
        return _water_vapour(ds.attrs["water_vapour"], "ds.attrs['water_vapour']")
    raise InputValueError(
        f"method {method!r} needs the total column water vapour [g cm-2]: pass the argument water_vapour= "
        "(e.g. from MOD07, ERA5 TCWV), or set ds.attrs['water_vapour']"
    )


def _as_emissivity(value, what: str, like: xr.DataArray):
    if isinstance(value, xr.DataArray):
        if value.shape != like.shape:
            raise GridMismatchError(f"{what} has shape {value.shape} but the scene's thermal band has {like.shape}")
        if all(d in value.coords for d in ("x", "y")) and all(d in like.coords for d in ("x", "y")):
            check_same_grid(like, value, names=("brightness_temperature_b10", what))
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputValueError(f"{what} must be a number or an xarray.DataArray, got {type(value).__name__}") from None
    if not (0 < v <= 1):
        raise InputValueError(f"{what} must be in (0, 1], got {value!r}")
    return v


def land_surface_temperature(
    ds: xr.Dataset,
    method: str = "simple",
    *,
    water_vapour: float | None = None,
    emissivity=None,
    coefficients: str = "jm2014",
    plausible_range: tuple[float, float] | None = LST_PLAUSIBLE_K,
) -> xr.DataArray:
    """Land-surface temperature [K] of a scene dataset (:func:`uhi.load_landsat`).

    Parameters
    ----------
    ds : xarray.Dataset
        Level-1 scene (``brightness_temperature_b10``/``_b11`` or ``radiance_b10``/``_b11``, ``red``,
        ``nir``) for ``"simple"``, ``"single-channel"``, ``"split-window"``; Level-2 scene
        (``surface_temperature``) for ``"l2"``.
    method : {"simple", "single-channel", "split-window", "l2"}
        See the module docstring for equations and sources.
    water_vapour : float, optional
        Total column water vapour [g cm-2], 0..6.3, for ``"single-channel"`` and ``"split-window"``;
        defaults to ``ds.attrs["water_vapour"]``.
    emissivity : float or DataArray, or a pair of them for ``"split-window"``, optional
        Overrides the NDVI-threshold emissivity (band 10; (band 10, band 11) for split-window).
    coefficients : {"jm2014", "du2015"}
        Split-window coefficients.
    plausible_range : (float, float) or None
        LST outside this range [K] is set to NaN with a warning (default :data:`LST_PLAUSIBLE_K`,
        -100..+80 °C); None keeps every value.

    Returns
    -------
    xarray.DataArray
        ``lst`` [K], float32, NaN where an input is NaN or the LST is implausible, with CF attrs
        (``plausible_range_K``, ``implausible_share``; split-window also ``b10_b11_exceeded_share``) and the
        scene CRS.

    Notes
    -----
    Band 11 of pre-collection and early Collection 1 scenes suffers from TIRS stray light (USGS advised
    against using it before the 2017 recalibration); split-window passes any B11 error on, so on such
    scenes compare with ``"single-channel"``.
    """
    if not isinstance(ds, xr.Dataset):
        raise InputValueError(f"land_surface_temperature expects a scene xarray.Dataset, got {type(ds).__name__}")
    if method not in METHODS:
        raise InputValueError(f"method must be one of {METHODS}, got {method!r}")
    prov: dict = {"method": method}
    if method == "l2":
        if "surface_temperature" not in ds.data_vars:
            raise SceneFormatError(
                f"method 'l2' needs 'surface_temperature' (Collection 2 Level-2 ST_B10), which {_describe(ds)} lacks; "
                "for a Level-1 scene use 'simple', 'single-channel' or 'split-window'"
            )
        out = ds["surface_temperature"].astype(np.float32)
        prov["source_product"] = "Landsat Collection 2 Level-2 ST_B10"
        return _finish(out, ds, prov, plausible_range)

    bt10 = _brightness_temperature(ds, 10, method)
    bt11 = _brightness_temperature(ds, 11, method) if method == "split-window" else None
    w = _resolve_water_vapour(ds, water_vapour, method) if method in ("single-channel", "split-window") else None
    if emissivity is None:
        red, nir = _reflectance(ds, method)
        eps_inputs: tuple = ()
        prov["emissivity"] = "NDVI threshold (Sobrino et al. 2004/2008), TIRS band values of Yu et al. 2014"
    else:
        red = nir = None
        if method == "split-window":
            if not (isinstance(emissivity, (tuple, list)) and len(emissivity) == 2):
                raise InputValueError("split-window needs emissivity=(band 10, band 11), a pair of numbers or DataArrays")
            eps_inputs = tuple(_as_emissivity(e, f"emissivity of band {b}", bt10) for e, b in zip(emissivity, (10, 11)))
        else:
            eps_inputs = (_as_emissivity(emissivity, "emissivity", bt10),)
        prov["emissivity"] = "given"

    if method == "simple":
        if eps_inputs:
            out = apply_pointwise(lambda bt, e: lst_simple_array(bt, emissivity=e), bt10, *eps_inputs)
        else:
            out = apply_pointwise(lambda r, n, bt: lst_simple_array(bt, red=r, nir=n), red, nir, bt10)
        prov.update(wavelength_um=constants.TIRS_WAVELENGTH_UM[10], rho_um_k=constants.RHO_UM_K)
    elif method == "single-channel":
        kw = {"water_vapour": w}
        if "radiance_b10" in ds.data_vars:
            radiance = ds["radiance_b10"]
            prov["radiance"] = "radiance_b10"
        else:  # recompute it from BT with the scene's K1/K2 inside each block (one temporary)
            kw.update(k1=_thermal_constant(ds, "k1", 10), k2=_thermal_constant(ds, "k2", 10))
            radiance = None
            prov.update(radiance="from brightness_temperature_b10 with K1/K2", k1=kw["k1"], k2=kw["k2"])
        if eps_inputs and radiance is not None:
            out = apply_pointwise(lambda bt, rad, e: lst_single_channel_array(bt, radiance=rad, emissivity=e, **kw),
                                  bt10, radiance, *eps_inputs)
        elif eps_inputs:
            out = apply_pointwise(lambda bt, e: lst_single_channel_array(bt, emissivity=e, **kw), bt10, *eps_inputs)
        elif radiance is not None:
            out = apply_pointwise(lambda r, n, bt, rad: lst_single_channel_array(bt, radiance=rad, red=r, nir=n, **kw),
                                  red, nir, bt10, radiance)
        else:
            out = apply_pointwise(lambda r, n, bt: lst_single_channel_array(bt, red=r, nir=n, **kw), red, nir, bt10)
        prov.update(water_vapour=w, b_gamma=constants.SC_B_GAMMA)
    else:
        kw = {"water_vapour": w, "coefficients": coefficients}
        _split_window_coefficients(coefficients, w)  # validate before any work (dask would defer the error)
        if eps_inputs:
            out = apply_pointwise(
                lambda t10, t11, e10, e11: lst_split_window_array(t10, t11, emissivity=(e10, e11), **kw), bt10, bt11, *eps_inputs
            )
        else:
            out = apply_pointwise(
                lambda r, n, t10, t11: lst_split_window_array(t10, t11, red=r, nir=n, **kw), red, nir, bt10, bt11
            )
        prov.update(water_vapour=w, coefficients=coefficients)
        _check_band_difference(bt10, bt11, prov, str(ds.attrs.get("scene_id") or "the scene"))
    return _finish(out, ds, prov, plausible_range)


def _check_band_difference(bt10: xr.DataArray, bt11: xr.DataArray, prov: dict, where: str) -> None:
    """Warn when |T10 - T11| exceeds :data:`SPLIT_WINDOW_MAX_DT_K` on some pixels (eager input only: a count)."""
    prov["b10_b11_limit_K"] = SPLIT_WINDOW_MAX_DT_K
    if is_dask(bt10.data) or is_dask(bt11.data):
        return
    d = np.abs(np.asarray(bt10.values, dtype=np.float64) - np.asarray(bt11.values, dtype=np.float64))
    finite = np.isfinite(d)
    share = float((d[finite] > SPLIT_WINDOW_MAX_DT_K).mean()) if finite.any() else 0.0
    prov["b10_b11_exceeded_share"] = share
    if share > 0:
        warnings.warn(
            f"split-window on {where}: band 10 - band 11 brightness temperatures differ by more than "
            f"{SPLIT_WINDOW_MAX_DT_K:g} K on {share:.1%} of the pixels (up to {np.nanmax(d):.1f} K), beyond clear-sky "
            "differences: band-11 stray light or cloud. Compare with method='single-channel' (band 10 only)",
            UserWarning, stacklevel=3,
        )


def _mask_range(t, lo, hi):
    t = np.asarray(t, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        bad = (t < lo) | (t > hi)
    return np.where(bad, np.float32(np.nan), t).astype(np.float32)


def _finish(out: xr.DataArray, ds: xr.Dataset, prov: dict, plausible_range=LST_PLAUSIBLE_K) -> xr.DataArray:
    if plausible_range is not None:
        lo, hi = (float(v) for v in plausible_range)
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise InputValueError(f"plausible_range must be (low, high) in kelvin, got {plausible_range!r}")
        prov["plausible_range_K"] = np.array([lo, hi])
        if not is_dask(out.data):
            v = np.asarray(out.values)
            finite = np.isfinite(v)
            bad = finite & ((v < lo) | (v > hi))
            share = float(bad.sum() / max(int(finite.sum()), 1))
            prov["implausible_share"] = share
            if share > 0:
                warnings.warn(
                    f"{prov['method']} LST of {ds.attrs.get('scene_id') or 'the scene'}: {share:.2%} of the pixels lie outside the plausible "
                    f"{lo - 273.15:.0f}..{hi - 273.15:.0f} °C (range {np.nanmin(v) - 273.15:.1f}..{np.nanmax(v) - 273.15:.1f} °C) "
                    "and were set to NaN (plausible_range=None keeps them)",
                    UserWarning, stacklevel=3,
                )
        out = apply_pointwise(_mask_range, out, kwargs={"lo": lo, "hi": hi})
    out = set_cf(
        out, name="lst", units="K", long_name="land surface temperature", standard_name="surface_temperature",
        scene_id=ds.attrs.get("scene_id"), acquisition_time=ds.attrs.get("acquisition_time"),
        spacecraft=ds.attrs.get("spacecraft"), city=ds.attrs.get("city"), **prov,
    )
    if out.rio.crs is None and ds.rio.crs is not None:
        out = out.rio.write_crs(ds.rio.crs)
    return out


def to_celsius(da: xr.DataArray) -> xr.DataArray:
    """Convert a temperature DataArray from kelvin to degrees Celsius (``units`` set to ``degC``).

    Raises :class:`~uhi.errors.InputValueError` unless ``da.attrs["units"]`` is ``"K"`` (or absent).

    Examples
    --------
    >>> import xarray as xr
    >>> c = to_celsius(xr.DataArray([300.0], attrs={"units": "K"}))
    >>> round(float(c[0]), 2), c.attrs["units"]
    (26.85, 'degC')
    """
    units = da.attrs.get("units", "K")
    if units != "K":
        raise InputValueError(f"to_celsius expects kelvin (units 'K'), but {da.name!r} has units {units!r}")
    out = (da - constants.ZERO_CELSIUS_K).astype(da.dtype if da.dtype.kind == "f" else np.float32)
    out.attrs = {**da.attrs, "units": "degC"}
    if da.rio.crs is not None:
        out = out.rio.write_crs(da.rio.crs)
    return out
