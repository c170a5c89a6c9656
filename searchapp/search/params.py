"""Query <-> URL parameters: the permalink of a search, in one canonical order.

A saved link must give the same page tomorrow and two links for the same
search must be the same string, so parameters come out in a fixed order
(q, region…, year, level…, section, kind, type, original, sort, group, page, per_page) and
defaults are left out. Regions and levels may repeat (region=孟州市&region=沁阳市: either one);
they come out in the order given, once each. The year-range control sends year_from and
year_to, which become one `year=A..B`. Bad parameter values never raise: they fall back to
the default and the caller gets one sentence per problem to show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from searchapp.model import DOCTYPES, GROUPS, SORTS, Query
from searchapp.search import querylang
from searchapp.search.kinds import KINDS

ORDER = ("q", "region", "year", "level", "section", "kind", "type", "original", "sort", "group",
         "page", "per_page")
FLAG_ON, FLAG_OFF = ("1", "true", "on"), ("0", "false", "off")  # original=; 1: the checkbox
SORT_ALIASES = {"newest": "date"}  # the reader's word for newest first
MAX_PAGE = 1000
MAX_VALUES = 20  # regions or levels in one search: more is a pasted list, not a choice
PER_PAGE = 10  # Query's default
MAX_PER_PAGE = 100
# ASCII digits only, and few of them: str.isdigit() also accepts ² and ①, which int()
# refuses, and int() of thousands of digits is slow, then refused (a 500 either way).
_NUMBER = re.compile(r"[0-9]{1,9}")
_YEAR = re.compile(r"[0-9]{4}")


def to_params(query: Query) -> list[tuple[str, str]]:
    """The canonical, minimal parameter list of `query`."""
    values = {"q": query.q, "region": query.region, "year": query.year, "level": query.level,
              "section": query.section, "kind": query.kind, "type": query.doctype,
              "original": "1" if query.original else None,
              "sort": query.sort if query.sort != "relevance" else None,
              "group": query.group if query.group != "paragraph" else None,
              "page": str(query.page) if query.page != 1 else None,
              "per_page": str(query.per_page) if query.per_page != PER_PAGE else None}
    out: list[tuple[str, str]] = []
    for name in ORDER:
        value = values[name]
        out += [(name, v) for v in value] if isinstance(value, tuple) else \
            [(name, value)] if value else []
    return out


def from_params(params: Mapping[str, str]) -> tuple[Query, list[str]]:
    """A Query from URL parameters (a plain mapping, or a MultiDict whose region and level
    may repeat), plus a sentence for each value that was ignored."""
    errors: list[str] = []

    def text(name: str) -> str | None:
        value = (params.get(name) or "").strip()
        return value or None

    year = _year(text, errors)
    regions = [v for v in _all(params, "region") if v.strip()]
    levels = [_canonical(v.strip() or None, "level", errors) for v in _all(params, "level")]
    sort = SORT_ALIASES.get(text("sort") or "", text("sort") or "relevance")
    if sort not in SORTS:
        errors.append(f"排序方式“{shown(sort)}”无效（可用 relevance、newest、oldest），"
                      "已按相关度排序。")
        sort = "relevance"
    group = _choice(text("group"), GROUPS, "分组方式", errors) or "paragraph"
    page = _page(text("page"), errors)
    per_page = _per_page(text("per_page"), errors)
    original = _flag(text("original"), "只看本地原创表述", errors)
    return Query(q=text("q") or "", region=_distinct(regions, "地区", errors), year=year,
                 level=_distinct([v for v in levels if v], "级别", errors),
                 section=text("section"), kind=_choice(text("kind"), KINDS, "章节类型", errors),
                 doctype=_choice(text("type"), DOCTYPES, "文件类型", errors), sort=sort,
                 group=group, page=page, per_page=per_page, original=original), errors


def _all(params: Mapping[str, str], name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return list(params.getlist(name))  # type: ignore[attr-defined]
    value = params.get(name)
    return [value] if value else []


def _distinct(values: list[str], label: str, errors: list[str]) -> tuple[str, ...]:
    values = list(dict.fromkeys(v.strip() for v in values))
    if len(values) > MAX_VALUES:
        errors.append(f"{label}最多选 {MAX_VALUES} 个，已只用前 {MAX_VALUES} 个。")
    return tuple(values[:MAX_VALUES])


def _choice(value: str | None, allowed: tuple[str, ...], label: str,
            errors: list[str]) -> str | None:
    if value is None or value in allowed:
        return value
    errors.append(f"{label}“{shown(value)}”无效（可用 {'、'.join(allowed)}），已忽略该条件。")
    return None


def _flag(value: str | None, label: str, errors: list[str]) -> bool:
    """A checkbox's value: 1 (what the form sends), true or on; 0, false or off."""
    if value is None or value in FLAG_OFF:
        return False
    if value in FLAG_ON:
        return True
    errors.append(f"“{label}”的取值“{shown(value)}”无效（应为 1 或 0），已忽略该条件。")
    return False


def _year(text: Callable[[str], str | None], errors: list[str]) -> str | None:
    """year=, or the range control's year_from/year_to (either may be left empty), which
    win: the control shows the current year filter and sends the reader's change of it."""
    low, high = text("year_from"), text("year_to")
    for name, value in (("起始", low), ("截止", high)):
        if value is not None and not _YEAR.fullmatch(value):
            errors.append(f"{name}年份“{shown(value)}”应为四位数字（如 2020），已忽略年份范围。")
            return None
    if low or high:
        return _canonical(f"{low or ''}..{high or ''}", "year", errors)
    return _canonical(text("year"), "year", errors)


def _canonical(value: str | None, name: str, errors: list[str]) -> str | None:
    """A valid year/level in its one canonical spelling (2023, 2020..2023, county)."""
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
