"""Benchmark harness: cases, timing, peak memory, ratios measured in one run.

A *case* is a function ``setup(n) -> Case`` registered with :func:`case`. It builds
inputs for an ``n x n`` raster (from one seeded generator) and returns the
implementations to compare, keyed by name; the first is the subject (the Numba
path), ``"numpy"`` the plain-numpy reference, and any other key a peer library.

Peak memory is the growth of the process's resident set (VmHWM) during the call,
reset through ``/proc/self/clear_refs`` before each measurement, so it sees
allocations from numpy, Numba's runtime and GDAL alike (tracemalloc sees only
Python's allocator).
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

CASES: dict[str, Callable[[int], "Case"]] = {}


def _fixed_mmap_threshold(threshold: int = 256 * 1024) -> None:
    """Make glibc serve every allocation above ``threshold`` bytes with its own mmap.

    By default glibc raises its mmap threshold after large frees and then keeps freed arrays in
    the heap, where the next call reuses them without growing the resident set: the peak-memory
    figure of a call would depend on what ran before it (often 0). A fixed threshold returns
    large arrays to the system when freed, so every measured call pays for its own arrays.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, threshold)  # M_MMAP_THRESHOLD; setting it also disables the dynamic adjustment
    except (OSError, AttributeError):  # not glibc: peaks may be underestimated, timings unaffected
        pass


_fixed_mmap_threshold()


@dataclass
class Case:
    """Implementations to compare on the same inputs."""

    implementations: dict[str, Callable[[], object]]
    pixels: int
    input_mib: float = 0.0
    notes: str = ""
    teardown: Callable[[], None] | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class External:
    """What an implementation run in another process returns: its own wall time [s] and peak RSS growth [MiB].

    :func:`measure` uses these figures instead of timing the call (which would include the other
    interpreter's start-up and imports) and instead of this process's memory.
    """

    wall_s: float
    peak_mib: float


def case(name: str):
    """Register a benchmark case ``setup(n) -> Case`` under ``name``."""

    def register(setup):
        CASES[name] = setup
        return setup

    return register


def _status_kib(field_name: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(func: Callable[[], object], *, repeat: int = 3, min_time: float = 0.05, budget: float = 10.0) -> dict:
    """Time ``func``: median and best wall time per call [s], first-call time [s], peak RSS growth [MiB].

    The first call (which includes Numba compilation or loading from its cache) is timed on its
    own and gives the peak memory. Then ``repeat`` samples are taken, each running ``func`` in a
    loop long enough (at least ``min_time`` seconds, like :mod:`timeit`'s autorange) that
    millisecond kernels are not drowned by timer and thread wake-up noise; ``wall_s`` is the
    median per-call time of the samples, ``best_s`` the fastest. When ``repeat`` calls would
    exceed ``budget`` seconds, fewer samples are taken; when the first call alone does, it is
    the only one.
    """
    gc.collect()
    _reset_peak()
    rss0 = _status_kib("VmRSS")
    t0 = time.perf_counter()
    result = func()
    first = time.perf_counter() - t0
    peak_mib = max(0, _status_kib("VmHWM") - rss0) / 1024.0
    if isinstance(result, External):
        return _measure_external(func, result, repeat, budget)
    del result
    if first * repeat > budget:  # a long call: the first one is the only sample (it includes any compilation)
        return {"wall_s": float(first), "best_s": float(first), "first_call_s": float(first), "peak_mib": float(peak_mib),
                "loops": 1, "samples": 1}
    t0 = time.perf_counter()
    func()
    single = time.perf_counter() - t0
    loops = max(1, int(np.ceil(min_time / max(single, 1e-9))))
    samples = [single]
    if single * repeat <= budget:
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for _ in range(loops):
                func()
            samples.append((time.perf_counter() - t0) / loops)
    return {
        "wall_s": float(np.median(samples)),
        "best_s": float(min(samples)),
        "first_call_s": float(first),
        "peak_mib": float(peak_mib),
        "loops": loops,
        "samples": len(samples),
    }


def _measure_external(func, first: External, repeat: int, budget: float) -> dict:
    samples = [first.wall_s]
    peak = first.peak_mib
    while len(samples) < repeat and sum(samples) + samples[0] <= budget:
        r = func()
        samples.append(r.wall_s)
        peak = max(peak, r.peak_mib)
    return {"wall_s": float(np.median(samples)), "best_s": float(min(samples)), "first_call_s": float(first.wall_s),
            "peak_mib": float(peak), "loops": 1, "samples": len(samples)}


def synthetic_fields(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Seeded smooth-ish fields for an n x n raster, float32 (reflectances, BT, NDVI...)."""
    rng = np.random.default_rng(seed)
    base = rng.random((n, n), dtype=np.float32)
    red = (0.03 + 0.25 * base).astype(np.float32)
    nir = (0.15 + 0.35 * rng.random((n, n), dtype=np.float32)).astype(np.float32)
    bt10 = (290.0 + 25.0 * base).astype(np.float32)
    bt11 = (bt10 - 0.5 - 1.5 * rng.random((n, n), dtype=np.float32)).astype(np.float32)
    return {"red": red, "nir": nir, "bt10": bt10, "bt11": bt11}
