"""Links of the results page: facets grouped by parent region, chips, page numbers —
all spelled through the canonical parameters."""

from __future__ import annotations

import pytest

from searchapp.model import FacetValue, Query, Report
from searchapp.web import present

PARENTS = present.region_parents([
    Report(id="a", source_path="a", region="孟州市", parents=("河南省", "焦作市")),
    Report(id="b", source_path="b", region="沁阳市", parents=("河南省", "焦作市")),
    Report(id="c", source_path="c", region="河南省"),
    Report(id="d", source_path="d", region="全国"),
])


def test_region_parents_maps_every_level_to_its_ancestors() -> None:
    assert PARENTS == {"河南省": (), "焦作市": ("河南省",), "孟州市": ("河南省", "焦作市"),
                       "沁阳市": ("河南省", "焦作市"), "全国": ()}


def test_regions_nest_under_parents_and_missing_parents_are_headings() -> None:
    query = Query(q="氢能", region="沁阳市")
    values = [FacetValue("孟州市", 3), FacetValue("全国", 1), FacetValue("沁阳市", 5),
              FacetValue("河南省", 8)]
    tree = present.region_tree(query, values, PARENTS)
    assert [(link.depth, link.value, link.count, link.active, link.url) for link in tree] == [
        (0, "河南省", 8, False, "/search?q=%E6%B0%A2%E8%83%BD&region=%E6%B2%B3%E5%8D%97%E7%9C%81"),
        (1, "焦作市", None, False, None),
        (2, "沁阳市", 5, True, "/search?q=%E6%B0%A2%E8%83%BD"),
        (2, "孟州市", 3, False, "/search?q=%E6%B0%A2%E8%83%BD&region=%E5%AD%9F%E5%B7%9E%E5%B8%82"),
        (0, "全国", 1, False, "/search?q=%E6%B0%A2%E8%83%BD&region=%E5%85%A8%E5%9B%BD"),
    ]


def test_unknown_regions_stand_at_the_top_level() -> None:
    tree = present.region_tree(Query(), [FacetValue("某县", 2)], PARENTS)
    assert [(link.depth, link.value) for link in tree] == [(0, "某县")]


def test_chips_remove_one_filter_and_reset_the_page() -> None:
    query = Query(q="x", region="孟州市", year="2023", page=3)
    assert [(c.name, c.value, c.remove_url) for c in present.chips(query)] == [
        ("region", "孟州市", "/search?q=x&year=2023"),
        ("year", "2023", "/search?q=x&region=%E5%AD%9F%E5%B7%9E%E5%B8%82"),
    ]
    assert present.without_filters_url(query) == "/search?q=x"


@pytest.mark.parametrize(("page", "pages", "window"), [
    (1, 1, [1]),
    (1, 4, [1, 2, 3, 4]),
    (1, 20, [1, 2, 3, None, 20]),
    (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
    (20, 20, [1, None, 18, 19, 20]),
    (4, 20, [1, 2, 3, 4, 5, 6, None, 20]),
], ids=["single", "few", "start", "middle", "end", "no-gap-of-one"])
def test_page_window(page: int, pages: int, window: list[int | None]) -> None:
    assert present.page_window(page, pages) == window
