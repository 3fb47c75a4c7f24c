"""The HTML reports in a real browser: headless Chromium loads each report at 1280 and 390 px width.

For every report (one scenario; a comparison of two) and width the test takes a full-page
screenshot, kept as a test artefact (folder ``$UHI_TEST_ARTEFACTS/browser`` or the pytest
temporary folder; its path is printed), and asserts that every image decodes and that no
element reaches past the right edge of the page: wide tables scroll inside their own box
(``div.scroll``), so the page itself never scrolls sideways. The scenario names carry Cyrillic,
Latin Extended and square brackets, which must come through as typed.

Chromium comes from the system packages (``apt-get install chromium`` or
``chromium-headless-shell``) and is driven with ``playwright`` (pip; its own browser download is
not used); the test skips with the reason when either is absent.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-headless-shell", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")

#: Flags of a quiet, reproducible headless run (no network, no updates, no sync, no first-run UI).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
WIDTHS = (1280, 390)
NAMES = ("Улични дървета [север] — Timișoara", "Cool roofs, Győr (Niš) [50 %]")

TREES = '\n[[intervention]]\ntype = "street_trees"\namount = 300\ndistricts = ["North-East"]\n'
ROOFS = '\n[[intervention]]\ntype = "cool_roof"\ncoverage = 0.5\ntop_risk = { share = 0.2 }\n'

#: Runs in the page: image decoding, page width and every element past the right edge (outside scroll boxes).
CHECK = """() => Promise.all([...document.images].map(i => i.decode().then(() => i.naturalWidth > 0, () => false)))
  .then(decoded => {
    const width = document.documentElement.clientWidth, over = [];
    for (const e of document.body.querySelectorAll('*')) {
      if (e.parentElement && e.parentElement.closest('.scroll')) continue;  // clipped by its scroll box
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1) over.push(`${e.tagName.toLowerCase()}.${e.className} right=${Math.round(r.right)}`);
    }
    return {images: decoded.length, decoded: decoded.filter(Boolean).length, width,
            scrollWidth: document.documentElement.scrollWidth, overflow: over.slice(0, 10), text: document.body.innerText};
  })"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory, make_city, write_scenario) -> dict[str, Path]:
    from uhi.report import write_report
    from uhi.scenarios import Scenario, run_all

    folder = tmp_path_factory.mktemp("city")
    make_city(folder)
    files = []
    for name, body, fname in zip(NAMES, (TREES, ROOFS), ("trees.toml", "roofs.toml")):
        path = write_scenario(folder, body, fname)
        path.write_text(f'name = "{name}"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(Scenario.from_toml(path))
    results = run_all(files)
    out = tmp_path_factory.mktemp("reports")
    return {"single": write_report(results[0], out / "single"), "comparison": write_report(results, out / "comparison")}


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    root = os.environ.get("UHI_TEST_ARTEFACTS")
    folder = (Path(root) if root else tmp_path_factory.getbasetemp()) / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"browser screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        # a fresh profile folder: nothing from another run leaks in
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=FLAGS[1:])
        yield context
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["single", "comparison"])
def test_report_renders_in_chromium(reports, browser, artefacts, which, width):
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reports[which].as_uri(), wait_until="load")
        result = page.evaluate(CHECK)
        shot = artefacts / f"{which}_{width}px.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    assert shot.stat().st_size > 10_000
    # every map is an embedded PNG that the browser decodes (a single report has its maps; a comparison both sets)
    assert result["images"] >= 4 and result["decoded"] == result["images"], result
    assert result["width"] == width and result["scrollWidth"] <= width, result  # no sideways page scroll
    assert not result["overflow"], result["overflow"]
    for name in NAMES[: 1 if which == "single" else 2]:
        assert name in result["text"]  # Cyrillic, Latin Extended and [brackets] shown as typed
