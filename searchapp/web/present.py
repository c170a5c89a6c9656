"""Turn a Query and its Results into what the results page shows: links, not logic.

Every link here is built from the Query through search.to_params, so facet links,
chips, sort, pagination and the permalink all share the canonical parameter
order and nothing else knows how a search is spelled in a URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from searchapp.model import LEVELS, FacetValue, Query, Report, Results
from searchapp.search import querylang
from searchapp.search.params import to_params
from searchapp.web.filters import FILTER_LABELS, SORT_LABELS, filter_value_label

FILTERS = ("region", "year", "level", "section", "kind", "doctype", "original")  # Query's
MULTI = ("region", "level")  # several values: any of them (checkboxes in the sidebar)
FLAGS = ("original",)  # on or off (a checkbox in the search form): its one value is "1"
EXPANDED_SHOWN = 20  # strings the 同时检索了 line names (synonyms and inferred forms first,
#                      then up to 16 feedback words); the JSON lists all


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int | None  # None: a parent region shown only as a group heading
    url: str | None
    active: bool
    depth: int = 0


@dataclass(frozen=True)
class Chip:
    name: str
    value: str
    remove_url: str | None
    typed: bool = False  # written in the query text (region:孟州), not a URL parameter


def query_string(query: Query, **changes: object) -> str:
    return urlencode(to_params(replace(query, **changes)))


def params(query: Query) -> list[tuple[str, str]]:
    """Canonical parameters of the first page (what a saved search names)."""
    return to_params(replace(query, page=1))


def search_url(query: Query, base: str = "/search", **changes: object) -> str:
    return f"{base}?{query_string(query, **changes)}"


def literal_q(q: str) -> str:
    """The query with expansion off for every plain word (`=word`): the 只搜原词 link."""
    return re.sub(r'(?<![^\s(])(?![-=("“]|OR(?:\s|$))([^\s():"“”]+)(?=\s|\)|$)', r"=\1", q)


def has_filters(query: Query) -> bool:
    return any(getattr(query, name) for name in FILTERS)


def values_of(query: Query, name: str) -> tuple[str, ...]:
    """A filter's values as a tuple, whether it may hold several (region) or one (year)."""
    value = getattr(query, name)
    if name in FLAGS:
        return ("1",) if value else ()
    return value if isinstance(value, tuple) else (value,) if value else ()


def without(query: Query, name: str, value: str) -> Query:
    """The query without one value of a filter (the others of a multi-select stay)."""
    rest = tuple(v for v in values_of(query, name) if v != value)
    return replace(query, **{name: rest if name in MULTI else _cleared(name)}, page=1)


def _cleared(name: str) -> object:
    """A filter's value when it is not set: () for a multi-select, False for a flag."""
    return () if name in MULTI else False if name in FLAGS else None


def hidden_params(query: Query, *leave_out: str) -> list[tuple[str, str]]:
    """The first page's parameters but `leave_out`: what a form that changes those carries
    along as hidden fields (names as in the URL)."""
    return [(name, value) for name, value in params(query) if name not in leave_out]


def chips(query: Query) -> list[Chip]:
    """URL filters (one chip per value), then the filters typed at the top level of the
    query text."""
    given = [Chip(name, value, search_url(without(query, name, value)))
             for name in FILTERS for value in values_of(query, name)]
    return given + [Chip(f.field, f.value, remove_typed_url(query, f), typed=True)
                    for f in typed_filters(query.q)]


def _shown_value(f: querylang.Filter) -> querylang.Filter:
    lo, _, hi = f.value.partition("..")
    return querylang.Filter(f.field, lo) if f.field == "year" and lo == hi else f


@lru_cache(maxsize=256)
def typed_filters(q: str) -> tuple[querylang.Filter, ...]:
    """Filters the reader typed in the query that restrict every hit (ANDed at the top)."""
    node = querylang.parse(q).node
    children = node.children if isinstance(node, querylang.And) else (node,)
    return tuple(_shown_value(c) for c in children if isinstance(c, querylang.Filter))


def _is_filter(word: str, wanted: querylang.Filter) -> bool:
    node = querylang.parse(word).node
    return isinstance(node, querylang.Filter) and _shown_value(node) == wanted


def remove_typed_url(query: Query, wanted: querylang.Filter) -> str | None:
    """The search without the word that typed `wanted` (None if it cannot be found alone)."""
    words = query.q.split()
    for i, word in enumerate(words):
        beside = words[i - 1:i] + words[i + 1:i + 2]
        if "OR" not in beside and _is_filter(word, wanted):
            return search_url(query, q=" ".join(words[:i] + words[i + 1:]) or None, page=1)
    return None


def describe(query: Query) -> str:
    """The search in words, for the page title and the feed title: query, then filters."""
    parts = [query.q] if query.q else []
    parts += [f"{FILTER_LABELS[name]}：" + "、".join(filter_value_label(name, v)
                                                     for v in values_of(query, name))
              for name in FILTERS if getattr(query, name)]
    return " · ".join(parts) or "全部报告"


def page_title(query: Query) -> str:
    """Every state of the results page has its own title: query, filters, sort, page."""
    parts = [describe(query)]
    if query.sort != "relevance":
        parts.append(f"按{SORT_LABELS[query.sort]}")
    if query.group == "report":
        parts.append("按报告分组")
    if query.page > 1:
        parts.append(f"第 {query.page} 页")
    return " · ".join(parts)


def doc_url(base: str, query: Query, paragraph: int | None = None) -> str:
    """A report link that carries the whole search, so the report's 「返回检索结果」 can
    return to it (filters, sort and page included) and its terms are marked there."""
    qs = query_string(query)
    return base + (f"?{qs}" if qs else "") + (f"#p-{paragraph}" if paragraph else "")


def without_filters_url(query: Query) -> str:
    return search_url(query, **{name: _cleared(name) for name in FILTERS}, page=1)


def _typed_match(query: Query, name: str, value: str) -> querylang.Filter | None:
    """The typed filter of the query that this facet value satisfies, if any."""
    for f in typed_filters(query.q):
        if f.field != name:
            continue
        if name == "year" and ".." in f.value and value.isdigit():
            lo, _, hi = f.value.partition("..")
            if (not lo or int(lo) <= int(value)) and (not hi or int(value) <= int(hi)):
                return f
        elif f.value == value or (name in ("region", "section") and f.value in value):
            return f  # region:孟州 finds 孟州市 (a part of the name), as search does
    return None


def _linker(query: Query, name: str) -> Callable[[str, int | None, int], FacetLink]:
    """The link of each value of one facet. Clicking an active value removes it, whether a
    parameter or typed in q; clicking another value filters by it alone (its checkbox, in a
    multi-select, adds it instead). What is the same for every value (the chosen values,
    the link template) is worked out once: the section facet has hundreds of values."""
    chosen = values_of(query, name)
    typed = any(f.field == name for f in typed_filters(query.q))
    to_url = _filter_url(query, name)

    def link(value: str, count: int | None, depth: int) -> FacetLink:
        if value in chosen:
            return FacetLink(value, count, search_url(without(query, name, value)), True,
                             depth)
        match = _typed_match(query, name, value) if typed else None
        if match is not None:
            return FacetLink(value, count, remove_typed_url(query, match), True, depth)
        return FacetLink(value, count, to_url(value), False, depth)
    return link


_SLOT = "~SEARCHAPP-FACET-VALUE~"  # quote_plus leaves it as it is


@lru_cache(maxsize=64)
def _filter_url(query: Query, name: str) -> Callable[[str], str]:
    """search_url(query, name=value, page=1) for any value: a facet lists hundreds of
    values (regions, sections), and encoding the whole query for each one cost ~0.1 ms a
    link; so the query is encoded once per facet and each value put in its slot."""
    template = search_url(query, **{name: _SLOT, "page": 1})
    if template.count(_SLOT) != 1:  # the slot's text typed in the query: encode each link
        return lambda value: search_url(query, **{name: value, "page": 1})
    head, tail = template.split(_SLOT)
    return lambda value: head + quote_plus(value) + tail


def region_parents(reports: Iterable[Report]) -> dict[str, tuple[str, ...]]:
    """Every region and parent region in the index -> its ancestors, outermost first."""
    parents: dict[str, tuple[str, ...]] = {}
    for report in reports:
        chain = (*report.parents, report.region)
        for i, name in enumerate(chain):
            parents.setdefault(name, chain[:i])
    return parents


def region_tree(query: Query, values: list[FacetValue],
                parents: Mapping[str, tuple[str, ...]]) -> list[FacetLink]:
    """Regions grouped under their parents (depth-first); a parent that is not itself a
    facet value becomes a heading without a link."""
    counts = {v.value: v.count for v in values}
    link = _linker(query, "region")
    children: dict[tuple[str, ...], set[str]] = {}
    for value in counts:
        chain = (*parents.get(value, ()), value)
        for i in range(len(chain)):
            children.setdefault(chain[:i], set()).add(chain[i])
    out: list[FacetLink] = []

    def walk(path: tuple[str, ...]) -> None:
        for name in sorted(children.get(path, ()), key=lambda n: (-counts.get(n, 0), n)):
            count = counts.get(name)
            out.append(link(name, count, len(path)) if count is not None
                       else FacetLink(name, None, None, False, len(path)))
            walk((*path, name))

    walk(())
    return out


def facet_links(query: Query, results: Results,
                parents: Mapping[str, tuple[str, ...]]) -> dict[str, list[FacetLink]]:
    facets = results.facets
    years = sorted(facets.get("year", []), key=lambda v: v.value, reverse=True)
    rank = {level: i for i, level in enumerate(LEVELS)}
    levels = sorted(facets.get("level", []), key=lambda v: (rank.get(v.value, 99), v.value))
    return {
        "region": region_tree(query, facets.get("region", []), parents),
        **{name: _links(query, name, values) for name, values in (
            ("year", years), ("level", levels), ("section", facets.get("section", [])),
            ("kind", facets.get("kind", [])), ("doctype", facets.get("type", [])))},
    }


def _links(query: Query, name: str, values: list[FacetValue]) -> list[FacetLink]:
    link = _linker(query, name)
    return [link(v.value, v.count, 0) for v in values]


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and `width` around the current; None = gap."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    out: list[int | None] = []
    for number in shown:
        if out and number - (out[-1] or 0) > 1:
            out.append(None)
        out.append(number)
    return out
