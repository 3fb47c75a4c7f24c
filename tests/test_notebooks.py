"""Execute every notebook in notebooks/ (they must run top to bottom on a fresh kernel)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the [test] extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the [test] extra")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, shared_data, tmp_path, monkeypatch):
    # The notebooks read ../shared/data (real scenes of Sofia, Vienna, Liverpool...): the shared_data fixture
    # skips with a reason when it is absent. They write their outputs into the working directory.
    monkeypatch.setenv("UHI_SHARED_DATA", str(shared_data))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


def test_there_are_notebooks():
    # The README promises three walkthrough notebooks.
    assert {p.name[:2] for p in NOTEBOOKS} >= {"01", "02", "03"}
