"""A report saved from its government web page reads as the report, without the site."""

import html
from pathlib import Path

import pytest

from searchapp.ingest import corpus, webpage

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def seed_paragraphs(path: Path) -> list[str]:
    return [p.text for r in corpus.read_file(path) for p in r.paragraphs]


def as_rendered(text: str) -> str:
    """What a browser shows of a paragraph: runs of spaces collapse into one."""
    return " ".join(text.split())


def saved_page(paragraphs: list[str]) -> str:
    """A government site's page around the report: menus, breadcrumb, share buttons, links to
    other reports and the footer; each paragraph's source wrapped at 40 characters."""
    body = "".join("<p>&nbsp;&nbsp;" + "\n".join(html.escape(p[i:i + 40])
                                                 for i in range(0, len(p), 40)) + "</p>\n"
                   for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="gb2312"><title>2023年政府工作报告_孟州市人民政府</title>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="top"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/hdjl">互动交流</a></li><li><a href="/bsfw">办事服务</a></li></ul></div>
<nav><a href="/">网站地图</a> 无障碍浏览</nav>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>
<div class="article">
{body}</div>
<div class="share">【字号：<a>大</a> <a>中</a> <a>小</a>】 <a>打印</a> <a>关闭</a></div>
<div class="related"><a href="/2022.html">2022年政府工作报告</a></div>
<div class="foot">版权所有：孟州市人民政府 主办单位：孟州市人民政府办公室<br>
豫ICP备05012345号 网站标识码：4108830001</div>
</body></html>"""


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_saved_from_its_web_page_reads_as_the_seed(seed, tmp_path):
    paragraphs = seed_paragraphs(seed)
    path = tmp_path / "report.html"
    path.write_bytes(saved_page(paragraphs).encode("gb18030"))
    (report,), _ = corpus.read_file(path), None
    assert [p.text for p in report.paragraphs] == [as_rendered(p) for p in paragraphs]
    expected = corpus.read_file(seed)[0]
    assert (report.region, report.year, report.date, report.title) == \
        (expected.region, expected.year, expected.date, expected.title)


def test_a_line_of_links_is_navigation_and_a_paragraph_with_a_link_is_text():
    page = """<div><a href="/a">上一篇：2022年政府工作报告</a>
    <a href="/b">下一篇：政府工作报告解读</a></div>
    <p>深入实施<a href="/gloss">“万人助万企”</a>活动，全年走访企业1200家。</p>"""
    assert webpage.page_text(page) == "深入实施“万人助万企”活动，全年走访企业1200家。"


def test_line_breaks_and_blocks_are_paragraphs_and_a_source_wrap_between_characters_is_none():
    page = ("<div>一、2022年工作回顾<br>经济运行保持\n    平稳，GDP\ngrowth 稳定。</div>"
            "<table><tr><td>地区生产总值</td><td>增长5.5%</td></tr></table>")
    assert webpage.page_text(page).split("\n") == [
        "一、2022年工作回顾", "经济运行保持平稳，GDP growth 稳定。", "地区生产总值", "增长5.5%"]


def test_scripts_styles_and_a_pages_own_header_and_footer_are_no_text():
    page = ("<header>孟州市人民政府门户网站</header><script>if (a < b) { x = '<p>'; }</script>"
            "<style>p { margin: 0 }</style><p>各位代表：</p><footer>联系我们</footer>")
    assert webpage.page_text(page) == "各位代表："


def test_a_page_that_leaves_out_the_optional_end_of_its_head_still_reads_its_body():
    page = "<html><head><title>政府工作报告</title><meta charset=utf-8><body><p>各位代表：</p>"
    assert webpage.page_text(page) == "各位代表："


@pytest.mark.parametrize("region", ["nav", "header", "aside"])
def test_a_page_region_never_closed_does_not_hide_the_report(region):
    page = (f"<nav><a href='/'>首页</a></nav><{region}><div>孟州市人民政府</div>"
            "<p>各位代表：</p><p>现在，我代表市人民政府作工作报告。</p><footer>联系我们</footer>")
    assert webpage.page_text(page).split("\n")[-2:] == [
        "各位代表：", "现在，我代表市人民政府作工作报告。"]


def test_a_page_without_report_text_is_skipped_saying_so(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><ul><li><a href='/'>首页</a></li></ul></body></html>",
                    encoding="utf-8")
    warnings: list[str] = []
    assert corpus.read_file(path, warnings.append) == []
    assert warnings == [f"{path}: no text in the web page; skipped"]
