"""Benchmark: InVEST Urban Cooling Model equations.

Subject ``uhi_fft``: :func:`uhi.cooling.urban_cooling` (eager; float32 FFTs of fast sizes with all cores,
four full-grid transforms per run on a raster without nodata, kernel spectra from the kernels' symmetry,
exact disc count for the green area in Numba). ``numpy``: the same equations with plain float64
``scipy.signal.fftconvolve`` (one FFT of the whole padded raster per convolution, single thread),
the straightforward reimplementation of the same equations.

Case ``cooling_invest``: the city land cover of ``landcover.py`` (parks, river, lakes, fields, forest,
roads; 8 classes) written as GeoTIFFs. ``uhi``: :func:`uhi.cooling.urban_cooling` on the reclassified
parameters; ``uhi_files``: land cover file -> parameters -> model -> ``t_air.tif``; ``invest``:
natcap.invest's ``urban_cooling_model.execute`` on the same files, run by ``invest_child.py`` in the
natcap.invest interpreter (:func:`invest_python`), which reports its own wall time and peak memory.
The largest differences from InVEST's CC, HM and T_air rasters are printed and kept in the notes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import xarray as xr
import rioxarray  # noqa: F401
from scipy.signal import fftconvolve

from common import Case, External, case
from landcover import CELL, TABLE, city_landcover
from uhi.constants import UCM_DEFAULTS
from uhi.cooling import invest_args, urban_cooling
from uhi.cooling.kernels import disc_kernel, exponential_kernel


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
        notes="random 16 px blocks, d_cool 450 m, r 600 m, 30 m cells",
    )


# --- natcap.invest on a city land cover -------------------------------------------------------
REPO = Path(__file__).resolve().parents[1]
T_REF, UHI_MAX, ETO = 21.5, 3.5, 5.0


def invest_python() -> Path | None:
    """The interpreter with natcap.invest: ``$UHI_INVEST_PYTHON``, else a ``venv-invest`` or ``invest-venv``
    beside the checkout (made by ``../shared/tools/install-invest.sh``); ``None`` when there is none."""
    env = os.environ.get("UHI_INVEST_PYTHON")
    candidates = [Path(env)] if env else [REPO.parent / v / "bin" / "python" for v in ("venv-invest", "invest-venv")]
    return next((p for p in candidates if p.is_file()), None)


def _write_inputs(n: int, work: Path) -> dict:
    import geopandas as gpd
    from shapely.geometry import box

    lc = city_landcover(n)
    y = 4.7e6 - (np.arange(n) + 0.5) * CELL
    x = 3.0e5 + (np.arange(n) + 0.5) * CELL
    da = xr.DataArray(lc, coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs("EPSG:32634")
    da.rio.write_nodata(-1, inplace=True)
    da.rio.to_raster(work / "lulc.tif", tiled=True)
    eto = xr.full_like(da, ETO, dtype=np.float32)
    eto.rio.write_nodata(-1.0, inplace=True)
    eto.rio.to_raster(work / "eto.tif", tiled=True)
    TABLE.drop(columns="description").to_csv(work / "biophysical.csv", index=False)
    gpd.GeoDataFrame({"id": [1]}, geometry=[box(x[0] - CELL / 2, y[-1] - CELL / 2, x[-1] + CELL / 2, y[0] + CELL / 2)],
                     crs="EPSG:32634").to_file(work / "aoi.gpkg")
    return invest_args(work / "lulc.tif", work / "eto.tif", work / "aoi.gpkg", work / "biophysical.csv",
                       t_ref=T_REF, uhi_max=UHI_MAX)


def _read_lulc(path: Path) -> xr.DataArray:
    return rioxarray.open_rasterio(path).squeeze("band", drop=True).load()


@case("cooling_invest")
def setup_invest(n: int) -> Case:
    from uhi.cooling import parameters_from_landcover
    from uhi.io.write import write_raster

    work = Path(tempfile.mkdtemp(prefix=f"uhi-bench-invest-{n}-"))
    args = _write_inputs(n, work)
    params = parameters_from_landcover(_read_lulc(work / "lulc.tif"), work / "biophysical.csv")
    kw = dict(ref_et=ETO, t_ref=T_REF, uhi_max=UHI_MAX, cooling_distance=UCM_DEFAULTS["cooling_distance"],
              mixing_radius=UCM_DEFAULTS["mixing_radius"])
    last = {}

    def model():
        ds = urban_cooling(params, **kw)
        last["ds"] = ds
        return ds["t_air"].values

    def end_to_end():  # what the InVEST run does too: read the land cover, reclassify, model, write T_air
        p = parameters_from_landcover(_read_lulc(work / "lulc.tif"), work / "biophysical.csv")
        t_air = urban_cooling(p, **kw)["t_air"]
        write_raster(t_air, work / "uhi_t_air.tif", overwrite=True)
        return t_air

    impls = {"uhi": model, "uhi_files": end_to_end}
    py = invest_python()
    runs = []
    if py is not None:
        def invest():
            ws = work / f"invest_ws{len(runs)}"
            (work / "args.json").write_text(json.dumps({**args, "workspace_dir": str(ws)}))
            out = subprocess.run([str(py), str(Path(__file__).with_name("invest_child.py")), str(work / "args.json")],
                                 capture_output=True, text=True, check=True)
            runs.append(ws)
            return External(**json.loads(out.stdout.strip().splitlines()[-1]))

        impls["invest"] = invest

    c = Case(implementations=impls, pixels=n * n, input_mib=n * n * 2 / 2**20,
             notes="city land cover (benchmarks/landcover.py, 8 classes), d_cool 450 m, r 600 m, 30 m cells, ETo 5 mm")

    def teardown():
        try:
            if runs and "ds" in last:
                diffs = {}
                for ours, stem in (("cc", "cc"), ("hm", "hm"), ("t_air", "T_air")):
                    hit = sorted(runs[0].rglob(f"{stem}*.tif"))[0]
                    theirs = rioxarray.open_rasterio(hit, masked=True).squeeze("band", drop=True).values
                    diffs[ours] = float(np.nanmax(np.abs(theirs.astype(np.float64) - last["ds"][ours].values)))
                c.extra["max_abs_diff_vs_invest"] = diffs
                c.notes += "; max |uhi - InVEST|: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
                print(f"cooling_invest n={n}: max |uhi - InVEST| {diffs}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    c.teardown = teardown
    return c
