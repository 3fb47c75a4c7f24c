"""Scenario files: schema validation with key + line in every error, paths, variants, shipped examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from uhi.errors import ScenarioError
from uhi.scenarios import Scenario, example_path, list_examples, parse_scenario

HEAD = 'city = "Niš"\n\n[baseline]\nt_ref = 28.0\n\n'  # 5 lines: the interventions below start on line 6


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "s.toml"
    p.write_text(HEAD + body, encoding="utf-8")
    return p


def error_of(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        Scenario.from_toml(path)
    return str(info.value)


@pytest.mark.parametrize(
    "body, key, line",
    [
        # line numbers counted by hand in HEAD + body
        ('[[intervention]]\ntype = "street_trees"\namount = -4\ntop_risk = { share = 0.05 }\n', "intervention[0].amount", 8),
        ('[[intervention]]\ntype = "street_trees"\namout = 4\ntop_risk = { share = 0.05 }\n', "intervention[0].amout", 8),
        ('[[intervention]]\ntype = "misting"\namount = 4\ntop_risk = { share = 0.05 }\n\n[[intervention]]\ntype = "misting"\namount = 4\n',
         "intervention[1]", 11),
        ('[[intervention]]\ntype = "street_trees"\namount = 4\ntop_risk = { share = 1.5 }\n', "intervention[0].top_risk.share", 9),
        ('[[intervention]]\ntype = "street_trees"\namount = 4\ndistricts = []\n', "intervention[0].districts", 9),
        ('[[intervention]]\ntype = "street_trees"\namount = 4\ncoverage = 0.2\ntop_risk = { share = 0.1 }\n', "intervention[0]", 6),
        ('[[intervention]]\ntype = "teleporter"\namount = 4\ntop_risk = { share = 0.1 }\n', "intervention[0].type", 7),
        ('[catalogue.street_trees]\nunit_cost_eur = "cheap"\n\n[[intervention]]\ntype = "street_trees"\namount = 4\ntop_risk = { share = 0.1 }\n',
         "catalogue.street_trees.unit_cost_eur", 7),
    ],
)
def test_schema_errors_name_key_and_line(tmp_path, body, key, line):
    msg = error_of(write(tmp_path, body))
    assert f"line {line}" in msg and key in msg and "s.toml" in msg
    assert "\n" not in msg  # one line for the CLI


def test_baseline_errors(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('city = "Niš"\n[baseline]\nuhi_max = -1\n[[intervention]]\ntype = "misting"\namount = 1\ntop_risk = { share = 0.1 }\n')
    assert "line 3" in error_of(p) and "baseline.uhi_max" in error_of(p)
    p.write_text('city = "Niš"\nscene = "x"\n[[intervention]]\ntype = "misting"\namount = 1\ntop_risk = { share = 0.1 }\n')
    assert "exactly one of 'city', 'scene' or 'lst'" in error_of(p)
    p.write_text('city = "Niš"\n')
    assert "nothing to compute" in error_of(p)


def test_syntax_error_has_line(tmp_path):
    p = write(tmp_path, '[[intervention]\ntype = "misting"\n')
    assert "TOML syntax error" in error_of(p) and "line 6" in error_of(p)  # tomllib reports the header's line


def test_missing_file_and_example_names(tmp_path):
    assert "not found" in error_of(tmp_path / "nope.toml")
    assert Scenario.from_toml("nis-green").source == example_path("nis-green")  # shipped example by name


def test_relative_paths_resolve_against_the_file(tmp_path, monkeypatch):
    sub = tmp_path / "project"
    sub.mkdir()
    p = sub / "s.toml"
    p.write_text('lst = "layers/lst.tif"\nndvi = "n.tif"\nndbi = "b.tif"\nlandcover = "/abs/lc.tif"\npopulation = "p.tif"\n'
                 '[[intervention]]\ntype = "cool_roof"\ncoverage = 0.5\npolygons = "roofs.gpkg"\n')
    monkeypatch.chdir(tmp_path)
    spec, _ = parse_scenario(p)
    assert Path(spec.lst) == sub / "layers" / "lst.tif"
    assert Path(spec.landcover) == Path("/abs/lc.tif")
    assert Path(spec.intervention[0].polygons) == sub / "roofs.gpkg"
    assert spec.name == "s"  # default name: the file stem


def test_from_dict_builds_the_same_scenario():
    s = Scenario.from_dict({"city": "Sofia", "intervention": [{"type": "cool_roof", "coverage": 0.3, "districts": ["A"]}]})
    assert s.interventions[0].location_kind == "districts" and s.catalogue["cool_roof"].category == "white"
    short = Scenario.from_dict({"city": "Sofia", "intervention": [{"type": "misting", "amount": 2, "top_risk": 0.05}]})
    assert short.interventions[0].top_risk.share == 0.05  # top_risk = 0.05 is short for { share = 0.05 }
    with pytest.raises(ScenarioError, match=r"intervention\[0\]\.coverage"):
        Scenario.from_dict({"city": "Sofia", "intervention": [{"type": "cool_roof", "coverage": 3, "districts": ["A"]}]})


def test_variant_overrides_and_selection(tmp_path):
    p = write(tmp_path, '[[intervention]]\ntype = "misting"\namount = 2\ntop_risk = { share = 0.01 }\n\n'
                        '[[variant]]\nname = "a"\n[variant.catalogue.misting]\nunit_cost_eur = 1.0\n'
                        '[[variant.intervention]]\ntype = "fountain"\namount = 1\ntop_risk = { share = 0.01 }\n\n'
                        '[[variant]]\nname = "b"\n')
    a, b = Scenario.load_all(p)
    # shared top-level measures + the variant's own; catalogue override only in variant "a"
    assert [i.type for i in a.interventions] == ["misting", "fountain"] and [i.type for i in b.interventions] == ["misting"]
    assert a.catalogue["misting"].unit_cost_eur == 1.0 and b.catalogue["misting"].unit_cost_eur == 15000.0
    assert Scenario.from_toml(p, variant="b").name == "s / b"
    with pytest.raises(ScenarioError, match="no variant 'c'"):
        Scenario.from_toml(p, variant="c")


def test_shipped_examples_cover_three_cities_and_three_colours():
    names = list_examples()
    for city in ("nis", "sofia", "podgorica"):
        for colour in ("green", "white", "blue"):
            assert f"{city}-{colour}" in names
    for name in names:
        scenarios = Scenario.load_all(name)  # every example validates against the schema and the catalogue
        assert all(s.spec.city for s in scenarios)
    lead = {Scenario.from_toml(f"nis-{c}").catalogue[Scenario.from_toml(f"nis-{c}").interventions[0].type].category
            for c in ("green", "white", "blue")}
    assert lead == {"green", "white", "blue"}
