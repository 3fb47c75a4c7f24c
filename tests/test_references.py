"""Sources a user can follow: no pointer to a document or machine the user does not have, and every source key
used by the shipped data resolves to a full reference with a DOI or URL (uhi.references)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import tomllib

from uhi import references
from uhi.errors import UhiError

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".toml", ".csv", ".md", ".ipynb", ".txt", ".json", ".yml", ".yaml", ".cfg", ".rst", ".html"}
#: The project's internal science notes and absolute paths of a development machine.
FORBIDDEN = re.compile(r"SCIENCE\.md|(?<![\w.])/(?:work|root)/")
#: Source tags of those notes ("[S41]", "[S9, S10]", "[S21b]"): meaningless without them; cite the paper or a uhi.references key.
NOTE_SOURCE_TAG = re.compile(r"\[S\d{1,2}[a-z]?(?:\s*[,;]\s*S\d{1,2}[a-z]?)*\]")
#: Everything a user or contributor reads: the package, its data, notebooks, tests, benchmarks, docs and the README.
SCANNED_FOLDERS = ("uhi", "data", "notebooks", "tests", "benchmarks", "docs")
THIS_FILE = Path(__file__).resolve()  # holds the forbidden strings as samples for the pattern tests


def _text_files():
    yield ROOT / "README.md"
    for folder in SCANNED_FOLDERS:
        for p in sorted((ROOT / folder).rglob("*")):
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts and p.resolve() != THIS_FILE:
                yield p


def test_forbidden_pattern_catches_what_it_should():
    # the grep below must be able to fail: a hand-written positive and negative for each pattern
    assert FORBIDDEN.search("see SCIENCE.md 4.7") and FORBIDDEN.search("path /work/shared/x") and FORBIDDEN.search("'/root/.cache'")
    assert not FORBIDDEN.search("docs/ARCHITECTURE.md; a network/work/flow; https://example.org/work/page")
    assert all(NOTE_SOURCE_TAG.search(s) for s in ("EUR 2,000 [S41]", "(agree [S9, S10])", "UG [S21b]"))
    assert not any(NOTE_SOURCE_TAG.search(s) for s in ("[invest-ucm]", "units [S]", "a[S1:3]", "Table S1"))


def test_no_internal_notes_or_machine_paths_in_package_tests_docs_or_notebooks():
    files = list(_text_files())
    assert any(p.suffix == ".ipynb" for p in files) and any(p.name == "interventions.toml" for p in files)
    assert any(p.name == "conftest.py" for p in files) and any(p.parent.name == "benchmarks" for p in files)
    assert any(p.parent.name == "docs" for p in files) and THIS_FILE not in files
    hits = [f"{p.relative_to(ROOT)}:{i}: {line.strip()[:100]}"
            for p in files for i, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
            if FORBIDDEN.search(line) or NOTE_SOURCE_TAG.search(line)]
    assert not hits, "cite the paper (uhi.references), not internal notes or machine paths:\n" + "\n".join(hits)


def _catalogue_keys() -> set[str]:
    data = tomllib.loads((ROOT / "data" / "interventions.toml").read_text(encoding="utf-8"))
    keys = set()
    for entry in data["intervention"].values():
        keys.update(entry["sources"])
        keys.update(references.keys_in_text(entry.get("lst_source", "") + " " + entry.get("cost_source", "")))
    return keys


def _landcover_keys() -> set[str]:
    table = pd.read_csv(ROOT / "data" / "landcover.csv")
    return {k for text in table["source"] for k in references.keys_in_text(str(text))}


@pytest.mark.parametrize("where, keys", [("interventions.toml", _catalogue_keys), ("landcover.csv", _landcover_keys)])
def test_every_source_key_of_the_shipped_data_resolves_to_a_reference_with_doi_or_url(where, keys):
    keys = keys()
    assert len(keys) >= 5, where  # the data carry keys at all (a grep that finds none would pass vacuously)
    missing = sorted(k for k in keys if k not in references.REFERENCES)
    assert not missing, f"{where}: keys without an entry in uhi.references: {missing}"
    no_link = sorted(k for k in keys if not references.REFERENCES[k].link)
    assert not no_link, f"{where}: references without DOI or URL: {no_link}"


def test_every_catalogue_entry_has_at_least_one_peer_reviewed_or_official_source_with_a_link():
    data = tomllib.loads((ROOT / "data" / "interventions.toml").read_text(encoding="utf-8"))
    for key, entry in data["intervention"].items():
        assert any(references.REFERENCES[k].link for k in entry["sources"]), key


def test_reference_table_is_well_formed():
    for key, ref in references.REFERENCES.items():
        assert ref.key == key and ref.authors and ref.year and ref.title and ref.journal, key
        if ref.doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", ref.doi), (key, ref.doi)
            assert not ref.doi.startswith("http"), key
        if ref.url:
            assert ref.url.startswith(("http://", "https://")), key


def test_cite_format_from_the_table():
    # expected strings written by hand from the paper's record (IEEE GRSL 11(10):1840-1843)
    assert references.cite("jimenez-munoz2014") == (
        "Jiménez-Muñoz et al. (2014), IEEE Geosci. Remote Sens. Lett. 11(10):1840-1843, doi:10.1109/LGRS.2014.2312032")
    assert references.cite("avdan2016").startswith("Avdan & Jovanovska (2016), J. Sensors")
    assert references.REFERENCES["oke1987"].short == "Oke (1987)"
    assert references.REFERENCES["invest-ucm"].cite().startswith("Natural Capital Project")  # organisation verbatim
    assert "https://doi.org/10.1038/s41467-020-15218-8" in references.REFERENCES["estoque2020"].full()


def test_unknown_key_is_a_clear_error():
    with pytest.raises(UhiError, match="no-such-paper"):
        references.cite("no-such-paper")


def test_bibliography_dedups_sorts_and_links():
    refs = references.bibliography(["oke1987", "bowler2010", "oke1987"])
    assert len(refs) == 2 and refs[0].startswith("Bowler") and refs[1].startswith("Oke")
    html = references.bibliography_html(["bowler2010"])
    assert "https://doi.org/10.1016/j.landurbplan.2010.05.006" in html and html.count("<li") == 1 and "href" not in html
    assert "<a href='https://doi.org/10.1016/j.landurbplan.2010.05.006'>" in references.bibliography_html(["bowler2010"], links=True)
    assert references.bibliography_html([]) == ""


def test_keys_in_text():
    assert references.keys_in_text("albedo (Oke 1987) [oke1987; lbnl-pavements] and [du2015]") == ["oke1987", "lbnl-pavements", "du2015"]
    assert references.keys_in_text("units [K] and [degC]") == []


def test_report_sources_section_lists_full_references_of_the_keys_used():
    # A duck-typed result carrying only what _sources reads; the keys are those of data/interventions.toml.
    from types import SimpleNamespace

    from uhi.report import REPORT_BASE_SOURCES, _sources

    trees = {"sources": ["schwaab2021", "marando2022"], "lst_source": "1 degC per 16 % canopy [marando2022]",
             "cost_source": "Lisbon [thred-lisbon-trees], units [m]"}
    local = {"sources": ["my-local-quote"], "lst_source": "", "cost_source": ""}
    text = _sources([SimpleNamespace(totals={"interventions": [trees]}), SimpleNamespace(totals={"interventions": [local]})])
    # full references (authors, journal, DOI) of the measures used and of the model/risk framing
    assert "Schwaab J., Meier R." in text and "https://doi.org/10.1038/s41467-021-26768-w" in text
    assert "https://doi.org/10.1016/j.scs.2021.103564" in text and "https://thred.com" in text
    for key in REPORT_BASE_SOURCES:
        assert f"id='ref-{key}'" in text
    assert text.count("<li") == len(REPORT_BASE_SOURCES) + 3  # schwaab, marando, thred; each once
    assert "my-local-quote" in text  # a user key without an entry is named, not dropped
    assert "href" not in text and not FORBIDDEN.search(text)  # self-contained, no machine path
    # a measure not used is not listed
    assert "Amani" not in text
