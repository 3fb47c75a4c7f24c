"""Benchmark: land-surface temperature by every method, Numba vs the numpy reference vs pylandtemp.

Subject ``numba``: the array layer of :func:`uhi.lst.land_surface_temperature`, i.e. the fused Numba
kernels (red, NIR, BT -> NDVI -> emissivity -> LST in one pass, float32, parallel over rows, no
temporaries). ``numpy``: the plain references of :mod:`uhi.lst._reference` chained the same way
(NDVI in float32, the rest float64, several full-size temporaries). ``xarray``: the public function on
a numpy-backed Dataset (adapter overhead). ``pylandtemp``: the peer library on DN inputs (its own DN ->
BT, NDVI and emissivity; its formulas differ, see tests/test_lst.py), when installed.
The ``l2`` method is a float32 pass-through of ST_B10 (no kernel) and has no case.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from common import Case, case, synthetic_fields

from uhi import constants
from uhi.lst import _reference as ref
from uhi.lst import land_surface_temperature, lst_simple_array, lst_single_channel_array, lst_split_window_array
from uhi.lst.emissivity import emissivity_parameters

try:
    import pylandtemp
except ImportError:  # optional peer
    pylandtemp = None

L8 = constants.THERMAL_CONSTANTS["LANDSAT_8"]
W = 1.5  # water vapour [g cm-2]
#: pylandtemp works on float64 DNs with masked copies: 5.5 GiB peak at 8000^2, so it runs up to 4000^2.
PYLANDTEMP_MAX_N = 4000


def _inputs(n: int):
    f = synthetic_fields(n)
    f["red"][::97, ::89] = np.nan  # a sprinkle of NaN (fill, clouds)
    return f


def _dataset(f) -> xr.Dataset:
    ds = xr.Dataset({
        "red": (("y", "x"), f["red"]), "nir": (("y", "x"), f["nir"]),
        "brightness_temperature_b10": (("y", "x"), f["bt10"]), "brightness_temperature_b11": (("y", "x"), f["bt11"]),
    })
    ds.attrs.update(k1_constant_band_10=L8[10]["k1"], k2_constant_band_10=L8[10]["k2"], water_vapour=W)
    return ds


def _dn(bt, band):
    """Quantised DN that pylandtemp maps back to ``bt`` (its rounded L8 constants)."""
    k1, k2 = (774.89, 1321.08) if band == 10 else (480.89, 1201.14)
    radiance = k1 / (np.exp(k2 / bt.astype(np.float64)) - 1)
    return np.round((radiance - 0.1) / 0.0003342)


def _pylandtemp_reflectance_dn(rho):
    return (rho.astype(np.float64) - 0.1) / 2e-5  # pylandtemp rescales red/NIR as 2e-5 DN + 0.1


def _eps(f, band):
    return ref.emissivity_reference(ref.ndvi_float32_reference(f["red"], f["nir"]), f["red"], emissivity_parameters(band))


def _input_mib(*arrays) -> float:
    return sum(a.nbytes for a in arrays) / 2**20


@case("lst_simple")
def setup_simple(n: int) -> Case:
    f = _inputs(n)
    ds = _dataset(f)
    impls = {
        "numba": lambda: lst_simple_array(f["bt10"], red=f["red"], nir=f["nir"]),
        "numpy": lambda: ref.lst_simple_reference(f["bt10"], _eps(f, 10)),
        "xarray": lambda: land_surface_temperature(ds, "simple").values,
    }
    if pylandtemp is not None and n <= PYLANDTEMP_MAX_N:
        b10, b4, b5 = _dn(f["bt10"], 10), _pylandtemp_reflectance_dn(f["red"]), _pylandtemp_reflectance_dn(f["nir"])
        impls["pylandtemp"] = lambda: pylandtemp.single_window(b10, b4, b5, lst_method="mono-window", emissivity_method="xiaolei")
    return Case(impls, pixels=n * n, input_mib=_input_mib(f["red"], f["nir"], f["bt10"]),
                notes="red, nir, BT10 float32 -> LST; pylandtemp on float64 DNs (mono-window, xiaolei)")


@case("lst_single_channel")
def setup_single_channel(n: int) -> Case:
    f = _inputs(n)
    ds = _dataset(f)
    k1, k2 = L8[10]["k1"], L8[10]["k2"]
    rad = ref.planck_radiance_reference(f["bt10"], k1, k2).astype(np.float32)
    ds["radiance_b10"] = (("y", "x"), rad)
    return Case(
        {
            "numba": lambda: lst_single_channel_array(f["bt10"], radiance=rad, red=f["red"], nir=f["nir"], water_vapour=W),
            "numpy": lambda: ref.lst_single_channel_reference(f["bt10"], _eps(f, 10), k1, k2, W, radiance=rad),
            "xarray": lambda: land_surface_temperature(ds, "single-channel").values,
        },
        pixels=n * n, input_mib=_input_mib(f["red"], f["nir"], f["bt10"], rad),
        notes=f"JM2014 psi functions, w = {W} g cm-2; red, nir, BT10, radiance B10 float32",
    )


@case("lst_split_window")
def setup_split_window(n: int) -> Case:
    f = _inputs(n)
    ds = _dataset(f)

    def numpy_reference():
        return ref.lst_split_window_reference(f["bt10"], f["bt11"], _eps(f, 10), _eps(f, 11), water_vapour=W)

    impls = {
        "numba": lambda: lst_split_window_array(f["bt10"], f["bt11"], red=f["red"], nir=f["nir"], water_vapour=W),
        "numpy": numpy_reference,
        "xarray": lambda: land_surface_temperature(ds, "split-window").values,
    }
    if pylandtemp is not None and n <= PYLANDTEMP_MAX_N:
        b10, b11 = _dn(f["bt10"], 10), _dn(f["bt11"], 11)
        b4, b5 = _pylandtemp_reflectance_dn(f["red"]), _pylandtemp_reflectance_dn(f["nir"])
        impls["pylandtemp"] = lambda: pylandtemp.split_window(b10, b11, b4, b5, lst_method="jiminez-munoz", emissivity_method="xiaolei")
    return Case(impls, pixels=n * n, input_mib=_input_mib(f["red"], f["nir"], f["bt10"], f["bt11"]),
                notes=f"JM2014 coefficients, w = {W}; two band emissivities per pixel in the kernel")


@case("lst_split_window_du2015")
def setup_split_window_du(n: int) -> Case:
    f = _inputs(n)
    from uhi.lst import du2015_coefficients

    coefs = du2015_coefficients(W)
    return Case(
        {
            "numba": lambda: lst_split_window_array(f["bt10"], f["bt11"], red=f["red"], nir=f["nir"], water_vapour=W, coefficients="du2015"),
            "numpy": lambda: ref.lst_split_window_reference(f["bt10"], f["bt11"], _eps(f, 10), _eps(f, 11), form="du2015", coefficients=coefs),
        },
        pixels=n * n, input_mib=_input_mib(f["red"], f["nir"], f["bt10"], f["bt11"]),
        notes=f"Du et al. 2015 coefficients for w = {W}",
    )
