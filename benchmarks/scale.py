"""Scale benchmark: a synthetic N x N Landsat scene through the whole pipeline, out of core.

    python benchmarks/scale.py --size 8000              # 64 Mpix, a few minutes
    python benchmarks/scale.py --size 32000             # 1 Gpix: the issue-6 target, peak RSS <= 3 GB

Stages (each a separate, timed step; every raster output is streamed to a tiled, compressed
GeoTIFF with :func:`uhi.io.write_raster` and re-opened lazily by the next stage, so no stage
holds a full raster):

1. ``generate`` -- :func:`uhi.synthetic.make_scene` writes the Level-1 scene tile by tile
   (input preparation; reported, not part of the pipeline figures);
2. ``load_lst`` -- :func:`uhi.load_landsat` with ``chunks`` (red, nir, BT10) ->
   :func:`uhi.lst.land_surface_temperature` (``"simple"``, NDVI-threshold emissivity) -> ``lst.tif``;
3. ``risk`` -- :func:`uhi.risk.assess_risk` (LST hazard, population exposure, NDVI/NDBI
   vulnerability, quantile classes) -> ``risk.tif``, ``risk_class.tif``;
4. ``zonal`` -- :func:`uhi.zonal.zonal_stats` of LST and risk per district (population-weighted
   mean included) on the window of the district polygons (its throughput counts that window);
5. ``cooling`` -- :func:`uhi.cooling.parameters_from_landcover` (truth land cover, default
   biophysical table) -> :func:`uhi.cooling.urban_cooling` (``map_overlap`` with a halo of the
   truncated kernels' radius, exact; ``checkpoint_dir`` streams the heat mitigation index to
   disk between the two neighbourhood passes) -> ``t_air.tif``.

Dask runs the threaded scheduler with ``--workers`` threads on ``--chunk``-square chunks (default 2048:
less halo work per pixel than 1024, see benchmarks/README.md). Each stage also reports the process's CPU
time (CPU / wall is the parallelism it got) and the 1-minute load average at its end.
Peak memory is the resident set of the whole process tree (this process and any child),
sampled every 50 ms, and the kernel's exact high-water mark ``VmHWM`` of this process (reset
through ``/proc/self/clear_refs`` at the start of each stage); the larger is reported.
Results go to ``benchmarks/results/scale_<N>.json`` and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# GDAL's block cache defaults to 5 % of RAM (1.2 GB here) and would be counted as pipeline memory;
# set before GDAL is first used
os.environ.setdefault("GDAL_CACHEMAX", "256")

from common import _reset_peak, _status_kib  # noqa: E402


class TreeRSS:
    """Peak resident set [MiB] of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> float:
        import psutil

        total = 0
        for p in [self._proc, *self._proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _run(self):
        while not self._stop.is_set():
            self._peak = max(self._peak, self._sample())
            self._stop.wait(self._interval)

    def __enter__(self):
        _reset_peak()
        self._peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_mib = max(self._peak, _status_kib("VmHWM") / 1024.0)


def _open(path: Path, chunk: int):
    import rioxarray

    da = rioxarray.open_rasterio(path, chunks={"x": chunk, "y": chunk}, lock=False, cache=False)
    return da.squeeze("band", drop=True)


def _du_mib(path: Path) -> float:
    path = Path(path)
    files = [path] if path.is_file() else [f for f in path.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files) / 2**20


STAGES = ("load_lst", "risk", "zonal", "cooling")


def run_pipeline(n: int, work: Path, chunk: int, workers: int, reuse_scene: bool, stages_to_run=STAGES) -> list[dict]:
    import dask
    import xarray as xr

    import uhi
    from uhi.cooling import parameters_from_landcover, urban_cooling
    from uhi.io import load_vector, write_raster, write_rasters
    from uhi.risk import assess_risk
    from uhi.synthetic import make_scene
    from uhi.zonal import zonal_stats
    from uhi._paths import data_path

    dask.config.set(scheduler="threads", num_workers=workers)
    work.mkdir(parents=True, exist_ok=True)
    out = work / "outputs"
    out.mkdir(exist_ok=True)
    stages: list[dict] = []

    def stage(name: str, func, pixels: int):
        if name != "generate" and name not in stages_to_run:
            return None
        print(f"[{time.strftime('%H:%M:%S')}] {name} ...", flush=True)
        with TreeRSS() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            info = func() or {}
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        pixels = info.pop("pixels", pixels)  # a stage that reads a window reports its own pixel count
        row = {"stage": name, "n": n, "wall_s": wall, "cpu_s": cpu, "mpix_s": pixels / wall / 1e6, "peak_rss_mib": mem.peak_mib,
               "load_avg_1min": os.getloadavg()[0], **info}
        stages.append(row)
        print(f"    {wall:8.1f} s  {row['mpix_s']:7.2f} Mpix/s  CPU {cpu:7.1f} s  peak RSS {mem.peak_mib:7.0f} MiB  "
              f"load {row['load_avg_1min']:.1f}  {info}", flush=True)
        return row

    scene_root = work / "scene"
    existing = sorted(scene_root.glob("LC0*")) if scene_root.exists() else []
    if reuse_scene and existing:
        scene = existing[0]
        print(f"reusing {scene}")
    else:
        if scene_root.exists():
            shutil.rmtree(scene_root)
        holder = {}

        def generate():
            holder["scene"] = make_scene("Sofia", shape=(n, n), out=scene_root, tile_size=2048)
            return {"scene_mib": round(_du_mib(holder["scene"]))}

        stage("generate", generate, n * n)
        scene = holder["scene"]
    truth = scene / "truth"

    def load_lst():
        ds = uhi.load_landsat(scene, bands=["red", "nir", "brightness_temperature_b10"], chunks=chunk)
        lst = uhi.land_surface_temperature(ds, "simple")
        assert lst.chunks is not None
        write_raster(lst, out / "lst.tif", overwrite=True)
        return {"output_mib": round(_du_mib(out / "lst.tif"))}

    stage("load_lst", load_lst, n * n)

    def risk():
        lst = _open(out / "lst.tif", chunk)
        lst.attrs["units"] = "K"
        population = _open(truth / "population.tif", chunk)
        # the scene's coordinates and those read back from the GeoTIFFs are the same grid
        population = population.assign_coords(x=lst.x, y=lst.y)
        ds = assess_risk(lst, population)  # absolute hazard and exposure, uniform vulnerability default
        assert ds["risk"].chunks is not None
        # one pass for both files: risk_class is derived from risk, so writing them separately computes risk twice
        write_rasters({out / "risk.tif": ds["risk"], out / "risk_class.tif": ds["risk_class"]}, overwrite=True,
                      nodata={out / "risk_class.tif": 0})
        return {"output_mib": round(_du_mib(out / "risk.tif") + _du_mib(out / "risk_class.tif"))}

    stage("risk", risk, n * n)

    def zonal():
        districts = load_vector(truth / "districts.gpkg")
        lst = _open(out / "lst.tif", chunk)
        risk = _open(out / "risk.tif", chunk).assign_coords(x=lst.x, y=lst.y)
        population = _open(truth / "population.tif", chunk).assign_coords(x=lst.x, y=lst.y)
        left, bottom, right, top = districts.to_crs(lst.rio.crs).total_bounds
        pad = 2 * abs(float(lst.x[1] - lst.x[0]))
        window = dict(x=slice(left - pad, right + pad), y=slice(top + pad, bottom - pad))
        data = xr.Dataset({"lst": lst.sel(**window), "risk": risk.sel(**window)})
        table = zonal_stats(data, districts, ("mean", "max", "count"), weights=population.sel(**window), id_column="district")
        table.drop(columns="geometry").to_csv(out / "districts.csv", index=False)
        return {"districts": len(table), "pixels": int(data.sizes["y"] * data.sizes["x"])}

    stage("zonal", zonal, n * n)

    def cooling():
        lulc = _open(truth / "land_cover.tif", chunk)
        params = parameters_from_landcover(lulc, data_path("landcover.csv"))
        result = urban_cooling(params, ref_et=5.0, t_ref=21.0, uhi_max=3.5, cooling_distance=450.0, mixing_radius=600.0,
                               checkpoint_dir=out / "cooling")
        assert result["t_air"].chunks is not None
        write_raster(result["t_air"], out / "t_air.tif", overwrite=True)
        return {"output_mib": round(_du_mib(out / "t_air.tif"))}

    stage("cooling", cooling, n * n)
    return stages


def markdown(stages: list[dict]) -> str:
    lines = ["| n | stage | wall [s] | CPU [s] | Mpix/s | peak RSS [MiB] | load (1 min) |", "|---:|---|---:|---:|---:|---:|---:|"]
    for s in stages:
        cpu, load = s.get("cpu_s"), s.get("load_avg_1min")
        lines.append(f"| {s['n']} | {s['stage']} | {s['wall_s']:.1f} | {'' if cpu is None else f'{cpu:.1f}'} | {s['mpix_s']:.2f} "
                     f"| {s['peak_rss_mib']:.0f} | {'' if load is None else f'{load:.1f}'} |")
    pipeline = [s for s in stages if s["stage"] != "generate"]
    if pipeline:
        wall = sum(s["wall_s"] for s in pipeline)
        peak = max(s["peak_rss_mib"] for s in pipeline)
        n = pipeline[0]["n"]
        cpu = sum(s.get("cpu_s") or 0.0 for s in pipeline)
        lines.append(f"| {n} | **pipeline (load -> cooling)** | **{wall:.1f}** | {cpu:.1f} | **{n * n / wall / 1e6:.2f}** | **{peak:.0f}** | |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=32000, help="raster side N [px] (default 32000)")
    p.add_argument("--chunk", type=int, default=2048, help="dask chunk side [px]")
    p.add_argument("--stages", nargs="*", default=None, choices=STAGES, help="run only these stages (default: all)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="dask threads")
    p.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary folder, removed afterwards)")
    p.add_argument("--reuse-scene", action="store_true", help="skip 'generate' when --work already holds a scene")
    p.add_argument("--keep", action="store_true", help="keep the scene and outputs")
    p.add_argument("--limit-mib", type=float, default=3072.0, help="exit 1 if the pipeline's peak RSS exceeds this")
    p.add_argument("--out", type=Path, default=HERE / "results")
    args = p.parse_args(argv)
    import tempfile

    work = args.work or Path(tempfile.mkdtemp(prefix=f"uhi-scale-{args.size}-"))
    print(f"# {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; n={args.size}, "
          f"chunks {args.chunk}^2, {args.workers} threads, work folder {work}", flush=True)
    try:
        stages = run_pipeline(args.size, work, args.chunk, args.workers, args.reuse_scene, tuple(args.stages or STAGES))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    json_path = args.out / f"scale_{args.size}.json"
    if args.stages and json_path.exists():  # a partial re-run replaces its stages, keeps the others
        done = {s["stage"] for s in stages}
        previous = json.loads(json_path.read_text())["stages"]
        stages = [s for s in previous if s["stage"] not in done] + stages
        order = ("generate",) + STAGES
        stages.sort(key=lambda s: order.index(s["stage"]))
    result = {"n": args.size, "chunk": args.chunk, "workers": args.workers, "cpus": os.cpu_count(), "stages": stages}
    json_path.write_text(json.dumps(result, indent=1))
    table = markdown(stages)
    (args.out / f"scale_{args.size}.md").write_text(table)
    print(table)
    peak = max(s["peak_rss_mib"] for s in stages if s["stage"] != "generate")
    if peak > args.limit_mib:
        print(f"peak RSS {peak:.0f} MiB exceeds the limit of {args.limit_mib:.0f} MiB")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
