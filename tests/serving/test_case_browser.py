"""An inspector's path in headless Chromium, in Chinese and in English: the list of new cases → a case →
assign to oneself → the inbox → check → verdict → rectification → close (销号). Screenshots of the inbox
and of the closed case are kept in tests/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import ARGS, ARTIFACTS, CHROMIUM, needs_chromium
from tests.serving.server import running_server
from yunshao.serving.keys import KeyStore

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]
#: lang → the case it follows (a different warning of the hand-made store each) and the words on screen
PATHS = {
    "zh": ("W1", "已销号", "我的待办"),
    "en": ("W2", "closed", "My inbox"),
}


def test_inbox_to_close_in_chromium(store_path: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    keys_db = tmp_path / "keys.sqlite"
    token = KeyStore(keys_db).create("inspector", "browser")[1]
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"YUNSHAO_MODEL__USE_CHAMPION": "false"}
    with (
        running_server(store_path, keys_db, tmp_path / "state.sqlite", tmp_path, **env) as (base, _),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1600})
        page.goto(f"{base}/pages/inbox")
        page.fill("#key", token)
        page.click("#login")
        page.wait_for_url(f"{base}/pages/inbox")
        for lang, (warning_id, closed_word, inbox_word) in PATHS.items():
            _follow_to_close(page, expect, base, lang, warning_id, closed_word, inbox_word)
        browser.close()
    for lang in PATHS:
        assert (ARTIFACTS / f"case_inbox_{lang}.png").stat().st_size > 10_000
        assert (ARTIFACTS / f"case_closed_{lang}.png").stat().st_size > 10_000


def _follow_to_close(page, expect, base: str, lang: str, warning_id: str, closed_word: str, inbox_word: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/pages/cases?view=new&lang={lang}")
    page.click(f"#cases tr[data-warning={warning_id}] td a >> nth=0")
    page.click("#do-assign")  # to oneself (the default inspector), unit and deadline proposed
    expect(page.locator("#done")).to_be_visible()
    page.click("#nav-inbox")
    expect(page.locator("h1")).to_have_text(inbox_word)
    expect(page.locator("#cases tr")).to_have_count(2)  # the header and this case
    page.screenshot(path=str(ARTIFACTS / f"case_inbox_{lang}.png"), full_page=True)
    page.click("#cases td a >> nth=0")
    page.click("#do-check")
    page.select_option("#verdict-verdict", "confirmed")
    page.fill("#verdict-note", "verified in the browser")
    page.click("#do-verdict")
    page.fill("#rectify-measures", "重新招标 / tender again")
    page.click("#do-rectify")
    page.click("#do-close")  # no evidence yet: the browser itself refuses (required field)
    expect(page.locator("#form-close")).to_be_visible()
    page.fill("#close-evidence", "整改报告 / rectification report 2026-12")
    page.click("#do-close")
    expect(page.locator("#case-state")).to_have_text(closed_word)
    expect(page.locator("#history li")).to_have_count(6)
    page.screenshot(path=str(ARTIFACTS / f"case_closed_{lang}.png"), full_page=True)
    page.click("#nav-inbox")
    expect(page.locator("#no-cases")).to_be_visible()
