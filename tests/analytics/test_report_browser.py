"""The report as an inspector sees it: headless Chromium opens index.html with the network cut off.

The screenshot goes to tests/artifacts/ for a person to look at; the assertions check what can be
checked mechanically: every unit visible, every chart decoded, nothing requested from outside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analytics.handmade import UNITS
from tests.browser import ARGS, ARTIFACTS, CHROMIUM, needs_chromium
from yunshao.analytics import build_report
from yunshao.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # starts Chromium
    needs_chromium,
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_renders_in_chromium(
    hand_dataset: tuple[Path, Path], hand_settings: Settings, tmp_path: Path, lang: str
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    dataset, run = hand_dataset
    result = build_report(dataset, tmp_path / "report", run=run, lang=lang, settings=hand_settings)
    outside: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url),
            )
            page.goto(result.index_html.as_uri())
            page.wait_for_load_state("load")
            tiles = page.locator(".tile .n").all_inner_texts()
            decoded = page.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)")
            ranked = page.locator("#units tbody tr").count()
            heading = page.locator("#map h2").inner_text()
            page.screenshot(path=str(ARTIFACTS / f"analytics_report_{lang}.png"), full_page=True)
        finally:
            browser.close()
    assert sorted(tiles) == sorted(UNITS["name"])
    assert decoded == [True] * 4
    assert ranked == len(UNITS)
    assert heading == ("廉情地图" if lang == "zh" else "Integrity map")
    assert outside == []
