"""``uhi scenario`` with typer's runner: run, compare, examples, one-line errors, no clobbering."""

from __future__ import annotations

from typer.testing import CliRunner

from uhi.cli import scenario as scenario_cli
from uhi.scenarios import OUTPUT_FILES

runner = CliRunner()

TREES = '\n[[intervention]]\ntype = "street_trees"\namount = 300\ndistricts = ["North-East"]\n'
MIST = '\n[[intervention]]\ntype = "misting"\namount = 4\ntop_risk = { share = 0.02 }\n'


def invoke(*args):
    return runner.invoke(scenario_cli.app, [str(a) for a in args])


def test_run_writes_everything_and_refuses_to_clobber(city, tmp_path, write_scenario):
    out = tmp_path / "out"
    res = invoke("run", write_scenario(city, TREES, "trees.toml"), "--out", out)
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert "°C·person" in res.output
    again = invoke("run", city / "trees.toml", "--out", out)
    assert again.exit_code == 1 and "already holds" in again.output and "Traceback" not in again.output


def test_malformed_toml_exits_1_with_one_line(city, tmp_path, write_scenario):
    bad = write_scenario(city, '\n[[intervention]]\ntype = "street_trees"\namount = "many"\ndistricts = ["North-East"]\n', "bad.toml")
    res = invoke("run", bad, "--out", tmp_path / "o")
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    joined = " ".join(lines)  # rich may wrap the one message at the terminal width
    assert joined.startswith("error:") and "intervention[0].amount" in joined and "line 14" in joined  # 10 input lines + 4
    assert "Traceback" not in res.output and not (tmp_path / "o").exists()
    broken = city / "broken.toml"
    broken.write_text("city = [\n", encoding="utf-8")
    res = invoke("run", broken)
    assert res.exit_code == 1 and "TOML syntax error" in res.output


def test_compare_ranks_and_writes_one_report(city, tmp_path, write_scenario):
    write_scenario(city, MIST, "mist.toml")
    res = invoke("compare", city / "trees.toml", city / "mist.toml", "--out", tmp_path / "cmp")
    assert res.exit_code == 0, res.output
    assert {p.name for p in (tmp_path / "cmp").iterdir()} == {"comparison.csv", "report.html"}
    import pandas as pd

    df = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert list(df["rank"]) == [1, 2] and set(df["scenario"]) == {"trees", "mist"}
    assert df["cost_per_degc_person"].is_monotonic_increasing


def test_examples_lists_the_shipped_scenarios():
    res = invoke("examples")
    assert res.exit_code == 0
    for name in ("nis-green", "sofia-white", "podgorica-blue"):
        assert name in res.output
    missing = invoke("run", "atlantis-green")
    assert missing.exit_code == 1 and "not found" in missing.output and "nis-green" in missing.output


def test_bracketed_and_cyrillic_names_print_as_typed(city, tmp_path, write_scenario):
    """Rich markup in user text (``[north]``, ``[/b]``) must print as typed, never be parsed or swallowed."""
    body = ('\n[[variant]]\nname = "[north] trees [/b]"\n[[variant.intervention]]\ntype = "street_trees"\namount = 300\n'
            'districts = ["North-East"]\n'
            '\n[[variant]]\nname = "Дървета [юг]"\n[[variant.intervention]]\ntype = "cool_roof"\ncoverage = 0.5\n'
            'top_risk = { share = 0.2 }\n')
    path = write_scenario(city, body, "[variants].toml")
    res = runner.invoke(scenario_cli.app, ["run", str(path), "--out", str(tmp_path / "[out]")], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert "[north] trees [/b]" in res.output and "Дървета [юг]" in res.output and "[out]" in res.output
    one = runner.invoke(scenario_cli.app, ["run", str(path), "--variant", "[north] trees [/b]", "--out", str(tmp_path / "one")],
                        env={"COLUMNS": "250"})
    assert one.exit_code == 0 and "[north] trees [/b]" in one.output, one.output


def test_uhi_max_outside_physical_range_is_one_line_and_writes_nothing(city, tmp_path, write_scenario):
    """A typo such as uhi_max = 1e9 used to report a cooling of -9,377 K; now one line naming the value and range."""
    path = write_scenario(city, TREES, "huge.toml")
    path.write_text(path.read_text(encoding="utf-8").replace("uhi_max = 4.0", "uhi_max = 1e9"), encoding="utf-8")
    res = runner.invoke(scenario_cli.app, ["run", str(path), "--out", str(tmp_path / "o")], env={"COLUMNS": "250"})
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert "uhi_max=1e+09 is outside its physical range [0, 15]" in res.output
    assert not (tmp_path / "o").exists()
