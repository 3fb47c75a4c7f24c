"""Output folders written as a unit, refused before any work, and one folder per scenario variant.

:func:`uhi.io.write.output_folder` writes into a temporary sibling folder and puts it in place at the end;
an error or Ctrl-C (KeyboardInterrupt) removes it. :func:`uhi.io.write.refuse_existing` is the one
"do not replace results" check. :func:`uhi.workflows.variant_folders` decides the variant folders before
anything is computed.
"""

from __future__ import annotations

import json

import pytest

from uhi.errors import OutputExistsError, OutputPathError
from uhi.io.write import output_folder, refuse_existing, written_paths
from uhi.workflows import COMPARISON_FILES, scenario_workflow, variant_folders


def _leftovers(parent):
    return sorted(p.name for p in parent.iterdir() if ".partial" in p.name or ".old-" in p.name)


def test_folder_appears_only_when_complete(tmp_path):
    out = tmp_path / "run"
    with output_folder(out) as folder:
        (folder / "a.txt").write_text("a")
        (folder / "sub").mkdir()
        (folder / "sub" / "b.txt").write_text("b")
        assert not out.exists()  # nothing in place while the run is going on
    assert (out / "a.txt").read_text() == "a" and (out / "sub" / "b.txt").read_text() == "b"
    assert _leftovers(tmp_path) == []
    assert written_paths([folder / "sub" / "b.txt"], folder, out) == [out / "sub" / "b.txt"]


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_error_or_interrupt_leaves_nothing(tmp_path, error):
    out = tmp_path / "run"
    with pytest.raises(type(error)):
        with output_folder(out) as folder:
            (folder / "a.txt").write_text("half of the outputs")
            raise error
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_existing_folder_keeps_other_files_and_refuses_a_clash(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "a.txt").write_text("old")
    with pytest.raises(OutputExistsError, match="a.txt"):
        with output_folder(out) as folder:
            (folder / "a.txt").write_text("new")
    assert (out / "a.txt").read_text() == "old" and _leftovers(tmp_path) == []
    with output_folder(out, overwrite=True) as folder:
        (folder / "a.txt").write_text("new")
    assert (out / "a.txt").read_text() == "new" and (out / "notes.txt").read_text() == "mine"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("when", [1, 2])
def test_replacing_a_folder_is_never_a_mix(tmp_path, monkeypatch, when):
    """Ctrl-C at the first rename (old folder moved aside) or the second (new folder put in place): the folder
    holds the old files, all of them (nested ones too), and nothing temporary is left."""
    import os

    from uhi.io import write

    out = tmp_path / "run"
    (out / "maps").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "maps/m.png"):
        (out / name).write_text("old")
    calls = []
    real = os.rename

    def rename(a, b):
        calls.append((a, b))
        if len(calls) == when:
            if when == 2:
                raise KeyboardInterrupt
            raise OSError("disk full")
        return real(a, b)

    monkeypatch.setattr(write.os, "rename", rename)
    with pytest.raises((KeyboardInterrupt, OSError)):
        with output_folder(out, overwrite=True) as folder:
            (folder / "a.txt").write_text("new")
            (folder / "b.txt").write_text("new")
    monkeypatch.undo()
    assert {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()} == {
        "a.txt": "old", "b.txt": "old", "maps/m.png": "old"}
    assert _leftovers(tmp_path) == []


def test_refuse_existing(tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    refuse_existing(used)  # an empty folder is fine
    (used / ".hidden").write_text("")
    refuse_existing(used)  # hidden files are not results
    (used / "lst.tif").write_text("")
    with pytest.raises(OutputExistsError, match="earlier run"):
        refuse_existing(used)
    with pytest.raises(OutputExistsError, match="lst.tif"):
        refuse_existing(used, names=("report.html", "lst.tif"))
    refuse_existing(used, names=("report.html",))
    refuse_existing(used, overwrite=True)
    with pytest.raises(OutputExistsError, match="already exists"):
        refuse_existing(used / "lst.tif", folder=False)
    with pytest.raises(OutputPathError):
        refuse_existing(used / "lst.tif")  # a file where a folder is expected


def test_variant_folders_are_unique():
    # Two Cyrillic names used to slug to the same "scenario" folder; letters of any script are kept now,
    # and names that still collide are numbered in order.
    assert variant_folders(["Зелено", "Бяло"]) == ["зелено", "бяло"]
    assert variant_folders(["Trees!", "trees", "TREES"]) == ["trees", "trees-2", "trees-3"]
    assert variant_folders(["???", "..."]) == ["scenario", "scenario-2"]
    folders = variant_folders(["comparison.csv", "report.html"])
    assert not set(folders) & set(COMPARISON_FILES)


def test_variants_with_alike_names_keep_their_own_results(city, write_scenario, tmp_path):
    body = """
[[variant]]
name = "Парк"
[[variant.intervention]]
type = "street_trees"
amount = 200
top_risk = 0.05

[[variant]]
name = "парк"
[[variant.intervention]]
type = "cool_roof"
coverage = 0.5
districts = ["North-West"]
"""
    path = write_scenario(city, body, name="alike.toml")
    out = tmp_path / "out"
    run = scenario_workflow(path, out)
    assert run["folders"] == ["парк", "парк-2"]
    names = {sub: json.loads((out / sub / "totals.json").read_text(encoding="utf-8"))["scenario"] for sub in run["folders"]}
    assert names == {"парк": "alike / Парк", "парк-2": "alike / парк"}
    assert (out / "comparison.csv").is_file() and (out / "report.html").is_file()
    with pytest.raises(OutputExistsError):
        scenario_workflow(path, out)  # refused before any computation
    scenario_workflow(path, out, overwrite=True)
    again = {sub: json.loads((out / sub / "totals.json").read_text(encoding="utf-8"))["scenario"] for sub in run["folders"]}
    assert again == names  # --overwrite replaced each variant's results with its own
    assert _leftovers(tmp_path) == []
