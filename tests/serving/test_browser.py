"""The project page in headless Chromium (Debian's package, driven by Playwright): the warning, its guide
and the SHAP plot are on screen. The screenshot is kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import ARGS, ARTIFACTS, CHROMIUM, needs_chromium
from tests.serving.server import running_server
from yunshao.serving.keys import KeyStore

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
]


def test_project_page_in_chromium(store_path: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    keys_db = tmp_path / "keys.sqlite"
    token = KeyStore(keys_db).create("inspector", "browser")[1]
    ARTIFACTS.mkdir(exist_ok=True)
    with (
        running_server(
            store_path, keys_db, tmp_path / "state.sqlite", tmp_path, YUNSHAO_MODEL__USE_CHAMPION="false"
        ) as (base, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1800})
        page.goto(f"{base}/pages/projects/P1")
        assert "/pages/login" in page.url  # not logged in yet
        page.fill("#key", token)
        page.click("#login")
        page.wait_for_url(f"{base}/pages/projects/P1")
        expect(page.locator("#warning-W1")).to_be_visible()
        expect(page.locator("#warning-W1 .guide")).to_contain_text("核查两家投标企业是否由同一人员制作投标文件")
        svg = page.locator("#shap-waterfall")
        expect(svg).to_be_visible()
        assert svg.locator("rect").count() == 3
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80
        expect(page.locator("#trail li")).to_have_count(3)
        page.screenshot(path=str(ARTIFACTS / "project_page.png"), full_page=True)
        page.select_option("#outcome", "confirmed")
        page.fill("#note", "浏览器提交")
        page.click("#submit-feedback")
        expect(page.locator("#saved")).to_be_visible()
        expect(page.locator("#feedback-history")).to_contain_text("浏览器提交")
        browser.close()
    assert (ARTIFACTS / "project_page.png").stat().st_size > 10_000
