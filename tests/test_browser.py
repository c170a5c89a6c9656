"""End to end in headless Chromium against `searchapp serve` (gunicorn) on 127.0.0.1.

A researcher's path through the product: type a query, see highlighted hits with
region and section, narrow by a facet, open 「查看原文」 and land on the paragraph,
save the search, reopen its short link and get the same hits. Every step leaves a
screenshot in test-output/browser/ (git-ignored). With SEARCHAPP_UPDATE_SCREENSHOT=1
the results page is also written to docs/screenshot.png for the README.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import browsing
import pytest

playwright_sync = browsing.playwright_sync

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output" / "browser"

pytestmark = browsing.MARKS


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    yield from browsing.session(OUT)


@pytest.fixture(scope="module")
def page(browser: playwright_sync.Browser, live_server: str) -> Iterator[playwright_sync.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert problems == [], "console errors (e.g. CSP violations)"


def shot(page: playwright_sync.Page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)


def hit_summary(page: playwright_sync.Page) -> list[tuple[str, str, str]]:
    """(region, section breadcrumb, highlighted text) of every hit card on the page."""
    return [(card.locator(".region").inner_text(), card.locator(".crumb").inner_text(),
             card.locator(".text").inner_html()) for card in page.locator(".hit").all()]


def test_search_facet_read_save_reopen(page: playwright_sync.Page, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.evaluate("document.activeElement.id") == "q"  # focused on load
    page.fill("#q", "营商环境")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    shot(page, "1-results")
    if os.environ.get("SEARCHAPP_UPDATE_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
    hits = hit_summary(page)
    assert hits and all("<mark>" in text for _, _, text in hits)
    assert {region for region, _, _ in hits} <= {"孟州市", "沁阳市"}
    assert all(crumb for _, crumb, _ in hits)

    page.locator(".facet a", has_text="孟州市").first.click()
    page.wait_for_selector(".chip")
    shot(page, "2-facet")
    assert parse_qs(urlsplit(page.url).query)["region"] == ["孟州市"]
    narrowed = hit_summary(page)
    assert narrowed and {region for region, _, _ in narrowed} == {"孟州市"}

    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"  # "/" jumps to the box

    page.locator("[data-copy-button]").click()
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    results_url = page.url

    link = page.locator(".hit .open a").first
    anchor = urlsplit(link.get_attribute("href") or "").fragment
    link.click()
    page.wait_for_load_state()
    assert page.evaluate("location.hash") == f"#{anchor}"
    target = page.locator(":target")
    assert target.get_attribute("id") == anchor
    assert target.locator("mark").count() > 0
    top = page.evaluate("document.querySelector(':target').getBoundingClientRect().top")
    assert 0 <= top < 900  # scrolled into view
    shot(page, "3-paragraph", full_page=False)  # the viewport shows where we landed

    page.goto(results_url)
    page.locator("details.save summary").click()
    page.fill("#save-name", "孟州 营商环境")
    page.locator("details.save button[type=submit]").click()
    page.wait_for_selector("tr.just-saved")
    shot(page, "4-saved")
    row = page.locator("tr.just-saved")
    assert row.locator("th").inner_text().startswith("孟州 营商环境")
    short = row.locator("a.short").get_attribute("href") or ""

    page.goto(live_server + short)
    page.wait_for_selector(".hit")
    shot(page, "5-short-link")
    assert page.url == results_url
    assert hit_summary(page) == narrowed


def test_everything_works_with_javascript_off(browser: playwright_sync.Browser,
                                              live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.fill("#q", "万人助万企")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit mark")
    assert page.locator("[data-copy-button]").is_hidden()  # an enhancement only
    page.locator(".facet a", has_text="孟州市").first.click()
    page.wait_for_selector(".chip")
    page.locator("details.save summary").click()
    page.fill("#save-name", "无脚本")
    page.locator("details.save button[type=submit]").click()
    page.wait_for_selector("tr.just-saved")
    shot(page, "6-no-javascript")
    context.close()
