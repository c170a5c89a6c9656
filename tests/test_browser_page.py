"""The search page's defects that live in the browser, in headless Chromium against
`searchapp serve`: Back from a report keeps the reader's place (with and without
JavaScript), phones get folded filters and outline with finger-sized links and a saved
list with its column headers, report labels stay on one line, the copy is announced."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import browsing
import pytest

playwright_sync = browsing.playwright_sync

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test-output" / "browser"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}

pytestmark = browsing.MARKS


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    yield from browsing.session(OUT, fresh=False)


@pytest.fixture
def open_page(browser: playwright_sync.Browser) -> Iterator:
    """open_page(**context options) -> a Page that fails the test on console errors."""
    contexts, problems = [], []

    def open_(**options: object) -> playwright_sync.Page:
        context = browser.new_context(**{"locale": "zh-CN", **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert problems == [], "console errors (e.g. CSP violations)"


def shot(page: playwright_sync.Page, name: str) -> None:
    page.screenshot(path=str(OUT / f"page-{name}.png"), full_page=True)


def box(page: playwright_sync.Page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box() or {}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_from_a_report_restores_the_scroll(open_page, live_server: str,
                                                javascript: bool) -> None:
    page = open_page(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page.goto(live_server + "/search?q=发展")
    link = page.locator(".hit .open a").nth(6)
    link.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    place = page.evaluate("scrollY")
    assert place > 300
    link.click()
    page.wait_for_url(re.compile(r"/doc/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/search\?"))
    page.wait_for_timeout(500)
    shot(page, f"back-{'js' if javascript else 'nojs'}")
    assert abs(page.evaluate("scrollY") - place) < 5
    assert page.evaluate("document.activeElement.id") != "q"


def test_phone_folds_filters_above_the_hits_with_finger_sized_links(open_page,
                                                                    live_server: str) -> None:
    page = open_page(**PHONE)
    page.goto(live_server + "/search?q=发展")
    filters = page.locator("#filters details")
    assert filters.evaluate("d => d.open") is False
    assert box(page, "#filters")["y"] < box(page, ".hit")["y"]  # before the first hit
    assert box(page, "#filters")["height"] < 80  # folded: one summary line
    shot(page, "phone-results")
    page.locator("#filters summary").click()
    assert filters.evaluate("d => d.open") is True
    heights = page.locator(".facet-list a:visible, .pages a, .pages strong").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44


def test_phone_folds_the_outline_and_keeps_labels_on_one_line(open_page,
                                                              live_server: str) -> None:
    page = open_page(**PHONE)
    page.goto(live_server + "/search?q=营商环境")
    page.locator(".hit .open a").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    assert page.locator(".outline details").evaluate("d => d.open") is False
    assert box(page, ".outline")["height"] < 80
    for dt in page.locator(".report-meta dt").all():
        height, line = dt.evaluate("e => [e.getBoundingClientRect().height, "
                                   "parseFloat(getComputedStyle(e).lineHeight)]")
        assert height < 1.5 * line, dt.inner_text()
    shot(page, "phone-report")


def test_phone_saved_list_keeps_its_column_headers(open_page, live_server: str) -> None:
    page = open_page(**PHONE)
    page.goto(live_server + "/search?q=营商环境")
    page.locator("details.save summary").click()
    page.fill("#save-name", "手机上保存")
    page.locator("details.save button[type=submit]").click()
    page.wait_for_selector("tr.just-saved")
    shot(page, "phone-saved")
    assert page.locator(".saved thead").is_visible()
    assert page.locator(".saved thead th", has_text="名称").is_visible()


def test_desktop_filters_stand_beside_the_hits(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/search?q=发展 year:2023")
    assert page.locator("#filters details").evaluate("d => d.open") is True
    assert box(page, "#filters")["x"] > box(page, ".hit")["x"] + 400
    assert page.locator(".chip.typed").inner_text().startswith("年份：2023年")
    assert page.locator(".facet a.active", has_text="2023").is_visible()


def test_copy_is_announced_to_screen_readers(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(live_server + "/search?q=营商环境")
    page.locator("[data-copy-button]").click()
    status = page.locator("[data-copy-status]")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function("document.querySelector('[data-copy-status]').textContent !== ''")
    assert status.inner_text() == "已复制"


def test_subscribe_page_shows_the_feed_address(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/search?q=营商环境&region=孟州市")
    page.locator("a", has_text="订阅").click()
    page.wait_for_url(re.compile(r"/subscribe\?"))
    assert page.locator("h1").inner_text() == "订阅检索：营商环境 · 地区：孟州市"
    assert page.locator("#feed-url").input_value().startswith(live_server + "/feed?q=")


# --- issue 15's features in the browser: grouping, multi-select, 上一处/下一处, axe-core -----

def test_a_search_from_the_box_groups_hits_by_report(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/")
    page.fill("#q", "营商环境")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"group=report"))
    assert re.fullmatch(r"共 \d+ 段，来自 2 份报告 （用时 \d+ 毫秒）",
                        page.locator(".count").inner_text().strip())
    assert page.locator("article.hit.group").count() == 2
    others = page.locator("details.others").first
    assert others.locator("ol").is_visible() is False
    others.locator("summary").click()
    assert others.locator("ol li").first.is_visible()
    shot(page, "grouped")
    page.locator(".group-switch a", has_text="逐段列出").click()
    page.wait_for_url(lambda url: "group=" not in url)
    assert page.locator("article.hit").count() == 10


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_two_regions_ticked_in_the_sidebar_are_searched_together(
        open_page, live_server: str, javascript: bool) -> None:
    page = open_page(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page.goto(live_server + "/search?q=营商环境&region=孟州市")
    assert set(page.locator(".hit .region").all_inner_texts()) == {"孟州市"}
    page.locator('input.pick[value="沁阳市"]').check()
    if not javascript:
        page.locator(".facet-form button.apply").first.click()
    page.wait_for_url(re.compile(r"region=%E5%AD%9F%E5%B7%9E%E5%B8%82&region=%E6%B2%81"))
    assert page.locator('input.pick[name="region"]:checked').count() == 2
    assert [c.strip() for c in page.locator(".chip").all_inner_texts()] == [
        "地区：孟州市 ×", "地区：沁阳市 ×"]
    page.goto(page.url + "&per_page=50")
    assert set(page.locator(".hit .region").all_inner_texts()) == {"孟州市", "沁阳市"}


def test_next_and_previous_match_step_through_a_report(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/search?q=营商环境&region=孟州市")
    page.locator(".hit .open a").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    first = page.locator(".match-nav").first
    total = int(first.locator(".at").inner_text().split("/")[1])
    assert total > 3 and first.locator("a[rel=prev]").count() == 0
    first.locator("a[rel=next]").click()
    second = page.locator(".match-nav").nth(1)
    assert page.evaluate("location.hash") == "#p-" + second.get_attribute("data-of")
    assert second.locator(".at").inner_text() == f"2 / {total}"
    target = page.locator("#p-" + second.get_attribute("data-of"))
    assert target.is_visible() and "<mark>" in target.inner_html()
    second.locator("a[rel=prev]").click()
    assert page.evaluate("location.hash") == "#p-" + first.get_attribute("data-of")


@pytest.mark.parametrize("path", [
    "/search?q=营商环境&group=report", "/search?q=营商环境&region=孟州市&region=沁阳市",
    "/doc/000_1d81e7ffc4b419a3?q=营商环境", "/advanced",
], ids=["grouped results", "multi-select", "report", "advanced form"])
def test_pages_have_no_serious_accessibility_violations(open_page, live_server: str,
                                                        path: str) -> None:
    """axe-core (bundled by axe-playwright-python) on the page as served: no serious or
    critical violation."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + path)
    results = axe.Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_box_offers_completions_from_the_index(open_page, live_server: str) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/")
    page.locator("#q").press_sequentially("乡村 营商", delay=50)
    page.locator("#q-suggestions option").first.wait_for(state="attached")
    values = page.locator("#q-suggestions option").evaluate_all("os => os.map(o => o.value)")
    assert "乡村 营商环境" in values  # the last word completed, the rest kept
    assert page.locator("#q").get_attribute("list") == "q-suggestions"
