"""The Atom builder: valid XML whatever the report text holds, newest first, escaped."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from searchapp.model import Hit, Query, Results
from searchapp.render import feed

NS = {"a": feed.ATOM}


def make_hit(**changes: object) -> Hit:
    values: dict[str, object] = dict(
        doc="mengzhou-2023", paragraph=12, region="孟州市", year=2023, level="county",
        title="2023年政府工作报告", date="2023-03-29", parents=("河南省", "焦作市"),
        section=("一、2022年工作回顾", "（一）经济运行"), text="氢能产业",
        highlight="<mark>氢能</mark>产业", fragment="<mark>氢能</mark>产业", spans=((0, 2),),
        score=1.5)
    values.update(changes)
    return Hit(**values)  # type: ignore[arg-type]


def render(*hits: Hit) -> ET.Element:
    results = Results(query=Query(q="氢能", sort="date"), total=len(hits), hits=list(hits),
                      facets={})
    xml = feed.build(results, title="检索：氢能", self_url="http://x/feed?q=氢能",
                     alternate_url="http://x/search?q=氢能",
                     doc_url=lambda h: f"http://x/doc/{h.doc}?q=氢能#p-{h.paragraph}")
    return ET.fromstring(xml)


def test_entry_carries_paragraph_permalink_title_date_and_highlight() -> None:
    root = render(make_hit())
    entry = root.find("a:entry", NS)
    assert entry is not None
    assert {child.tag.split("}")[1]: (child.text or "") for child in entry
            if child.tag.split("}")[1] in {"id", "title", "updated", "content"}} == {
        "id": "http://x/doc/mengzhou-2023?q=氢能#p-12",
        "title": "孟州市 2023 · 一、2022年工作回顾 › （一）经济运行",
        "updated": "2023-03-29T00:00:00Z",
        "content": "<mark>氢能</mark>产业",
    }
    assert root.findtext("a:updated", namespaces=NS) == "2023-03-29T00:00:00Z"
    assert [c.get("term") for c in entry.findall("a:category", NS)] == ["孟州市", "county"]


def test_markup_in_report_text_is_escaped_in_the_xml() -> None:
    hit = make_hit(title="<script>alert(1)</script>",
                   fragment="&lt;script&gt;alert(1)&lt;/script&gt; <mark>氢能</mark>")
    raw = feed.build(Results(Query(q="x"), 1, [hit], {}), title="t", self_url="u",
                     alternate_url="a", doc_url=lambda h: "d")
    assert b"<script>" not in raw
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in raw  # the title, escaped once
    parsed = ET.fromstring(raw)
    assert parsed.findtext("a:entry/a:summary", namespaces=NS) == "<script>alert(1)</script>"


def test_characters_illegal_in_xml_are_dropped_not_fatal() -> None:
    hit = make_hit(title="坏\x00字\x0b符\ud800", region="孟\x01州市")
    root = render(hit)
    assert root.findtext("a:entry/a:summary", namespaces=NS) == "坏字符"
    assert root.find("a:entry/a:category", NS).get("term") == "孟州市"


BUILT = "2025-06-01T08:30:00Z"


@pytest.mark.parametrize(("date", "year", "updated"), [
    ("2023-03-29", 2023, "2023-03-29T00:00:00Z"),
    (None, 2021, BUILT),
    ("2021年", 2021, BUILT),
    (None, None, BUILT),
], ids=["date", "year-only", "bad-date", "nothing"])
def test_updated_is_the_date_else_the_index_build_time(date: str | None, year: int | None,
                                                       updated: str) -> None:
    """Never a made-up 1 January of the report's year: without a date, when it was indexed."""
    assert feed.hit_updated(make_hit(date=date, year=year), BUILT) == updated


def test_empty_results_still_make_a_valid_feed() -> None:
    root = render()
    assert root.findall("a:entry", NS) == []
    assert root.findtext("a:title", namespaces=NS) == "检索：氢能"
    assert root.find("a:link[@rel='self']", NS).get("href") == "http://x/feed?q=氢能"
