"""Ctrl-C in the middle of a CLI run: exit code 130, one short line, no half-written file.

``uhi risk`` on a small synthetic scene writes rasters, tables and maps one after the other.
The test does not race the machine: the test-only hook ``UHI_TEST_PAUSE_WRITE=N`` (read by
:mod:`uhi.io.write`) makes the N-th output of the run stop *inside* its write (temporary file
complete, final name not yet taken) and announce it on stderr. The test waits for that line,
sends SIGINT, and checks that (a) the process exits with 130 (128 + SIGINT, what shells
expect) and says it was interrupted in one line without a traceback, (b) no temporary
``.partial`` file is left and the paused file was not renamed into place, and (c) every file
that is there is complete (each GeoTIFF reads to the end, each table parses).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

UHI = Path(sys.executable).with_name("uhi")
PAUSED = "uhi-test: paused writing "


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(200, 200), out=tmp_path_factory.mktemp("scene"), tile_size=256)


def _complete(path: Path) -> None:
    """Raise if ``path`` is not a complete file of its kind."""
    if path.suffix == ".tif":
        import rasterio

        with rasterio.open(path) as src:
            src.read(1)  # every tile: a truncated file fails here
    elif path.suffix == ".json":
        json.loads(path.read_text())
    elif path.suffix == ".csv":
        import pandas as pd

        pd.read_csv(path)
    elif path.suffix == ".gpkg":
        import geopandas as gpd

        gpd.read_file(path)
    elif path.suffix == ".png":
        assert path.read_bytes().endswith(b"IEND\xaeB`\x82")  # PNG trailer


@pytest.mark.skipif(not UHI.exists(), reason=f"console script {UHI} is not installed (pip install -e .)")
@pytest.mark.parametrize("pause_at", [1, 4], ids=["first-write", "fourth-write"])
def test_sigint_exits_130_and_leaves_only_complete_files(scene, tmp_path, pause_at):
    out = tmp_path / "out"
    env = {**os.environ, "COLUMNS": "200", "UHI_TEST_PAUSE_WRITE": str(pause_at), "UHI_TEST_PAUSE_SECONDS": "300"}
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.Popen([str(UHI), "risk", str(scene), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    try:
        paused = None
        for line in proc.stderr:  # blocks until the hook announces the pause (no timing involved)
            seen.append(line)
            if line.startswith(PAUSED):
                paused = Path(line[len(PAUSED):].strip())
                proc.send_signal(signal.SIGINT)
                break
        else:
            pytest.fail("the CLI finished without reaching the paused write:\n" + "".join(seen))
        _, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    last = [line for line in stderr.splitlines() if line.strip()][-1]
    assert "interrupted" in last and len(last) < 120, last
    assert "Traceback" not in stderr
    assert not paused.exists(), f"{paused} was renamed into place although its write was interrupted"
    # the output folder is written as a unit (uhi.io.write.output_folder): nothing in place, no temporary folder left
    assert not out.exists(), "an interrupted run put (part of) its output folder in place"
    assert not [p.name for p in tmp_path.iterdir() if ".partial" in p.name], "the temporary output folder was left behind"
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.exists() else []
    assert not [p.name for p in files if "partial" in p.name or p.name.endswith(".tmp")]
    for path in files:
        _complete(path)
