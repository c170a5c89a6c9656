"""Query <-> URL parameters: the permalink of a search, in one canonical order.

A saved link must give the same page tomorrow and two links for the same
search must be the same string, so parameters come out in a fixed order
(q, region, year, level, section, sort, page, per_page) and defaults are left out.
Bad parameter values never raise: they fall back to the default and the
caller gets one sentence per problem to show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from searchapp.model import SORTS, Query
from searchapp.search import querylang

ORDER = ("q", "region", "year", "level", "section", "sort", "page", "per_page")
MAX_PAGE = 1000
PER_PAGE = 10  # Query's default
MAX_PER_PAGE = 100
# ASCII digits only, and few of them: str.isdigit() also accepts ² and ①, which int()
# refuses, and int() of thousands of digits is slow, then refused (a 500 either way).
_NUMBER = re.compile(r"[0-9]{1,9}")


def to_params(query: Query) -> list[tuple[str, str]]:
    """The canonical, minimal parameter list of `query`."""
    values = {"q": query.q, "region": query.region, "year": query.year, "level": query.level,
              "section": query.section,
              "sort": query.sort if query.sort != "relevance" else None,
              "page": str(query.page) if query.page != 1 else None,
              "per_page": str(query.per_page) if query.per_page != PER_PAGE else None}
    return [(name, values[name]) for name in ORDER if values[name]]


def from_params(params: Mapping[str, str]) -> tuple[Query, list[str]]:
    """A Query from URL parameters, plus a sentence for each value that was ignored."""
    errors: list[str] = []

    def text(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    year = _canonical(text, "year", errors)
    level = _canonical(text, "level", errors)
    sort = text("sort") or "relevance"
    if sort not in SORTS:
        errors.append(f"排序方式“{sort}”无效（可用 relevance、date），已按相关度排序。")
        sort = "relevance"
    page = _page(text("page"), errors)
    per_page = _per_page(text("per_page"), errors)
    return Query(q=text("q") or "", region=text("region"), year=year, level=level,
                 section=text("section"), sort=sort, page=page, per_page=per_page), errors


def _canonical(text: Callable[[str], str | None], name: str, errors: list[str]) -> str | None:
    """A valid year/level in its one canonical spelling (2023, 2020..2023, county)."""
    value = text(name)
    if value is None:
        return None
    try:
        canonical = querylang.parse_filter(name, value).value
    except querylang.QuerySyntaxError as error:
        errors.append(f"{error}，已忽略该条件。")
        return None
    lo, _, hi = canonical.partition("..")
    return lo if name == "year" and lo == hi else canonical


def parse_number(value: str, low: int, high: int) -> int | None:
    """`value` as an int in low..high if it is written in ASCII digits, else None."""
    if not _NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def shown(value: str, limit: int = 20) -> str:
    """A bad value as an error sentence quotes it: cut short, it cannot flood the page."""
    return value if len(value) <= limit else value[:limit] + "…"


def _page(value: str | None, errors: list[str]) -> int:
    if value is None:
        return 1
    page = parse_number(value, 1, MAX_PAGE)
    if page is None:
        errors.append(f"页码“{shown(value)}”无效（应为 1 到 {MAX_PAGE} 的整数），已显示第 1 页。")
        return 1
    return page


def _per_page(value: str | None, errors: list[str]) -> int:
    if value is None:
        return PER_PAGE
    per_page = parse_number(value, 1, MAX_PER_PAGE)
    if per_page is None:
        errors.append(f"每页条数“{shown(value)}”无效（应为 1 到 {MAX_PER_PAGE} 的整数），"
                      f"已按每页 {PER_PAGE} 条显示。")
        return PER_PAGE
    return per_page
