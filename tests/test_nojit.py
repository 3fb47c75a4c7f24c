"""The kernel tests pass with ``NUMBA_DISABLE_JIT=1``: the Numba kernels' Python bodies are correct too.

Under ``NUMBA_DISABLE_JIT=1`` every ``@njit`` / ``@vectorize`` function runs as plain Python, so
coverage sees the kernel bodies and a bug hidden by compilation (an integer overflow Numba wraps
silently, an out-of-bounds index Numba does not check) shows up as a failing test. The subset
below covers the kernels of metrics, risk, cooling, LST, indices, zonal statistics and time
series on their small test rasters; it runs in one subprocess (the switch is read when Numba is
imported) in about a minute on two cores.

Deselected, with the reason:

* ``py_func`` tests (``*kernel_bod*``, ``kernels_equal_numpy_reference``): they call the compiled
  dispatcher's ``.py_func`` explicitly, which a plain function does not have; they already
  cover the bodies with the JIT on.
* Jenks classes (``natural``): ``mapclassify.FisherJenks`` is itself Numba code and takes
  about a minute uncompiled; the risk classes' own code is covered by the other schemes.
* Vienna rasterstats and dask zonal runs: the same kernels as the hand-checked zonal tests,
  on rasters large enough to take tens of seconds uncompiled.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SUBSET = [
    "tests/test_risk.py",
    "tests/test_metrics_hotspots.py",
    "tests/test_metrics_utfvi.py",
    "tests/test_lst.py",
    "tests/test_indices.py",
    "tests/test_zonal.py",
    "tests/test_zonal_population.py",
    "tests/test_cooling_model.py",
    "tests/test_timeseries.py",
]
DESELECT = " and ".join(
    f"not {k}"
    for k in (
        "kernel_bod",
        "kernels_equal_numpy_reference",
        "natural",
        "rasterstats",
        "dask_input_equals_numpy",
        "weights_give_weighted_mean",
    )
)


@pytest.mark.slow
def test_kernel_tests_pass_without_jit():
    files = [f for f in SUBSET if (ROOT / f).exists()]
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-k", DESELECT, *files],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    tail = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, tail
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, tail
