"""Turn a Query and its Results into what the results page shows: links, not logic.

Every link here is built from the Query through search.to_params, so facet links,
chips, sort, pagination and the permalink all share the canonical parameter
order and nothing else knows how a search is spelled in a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from searchapp.model import LEVELS, FacetValue, Query, Report, Results
from searchapp.search.params import to_params

FILTERS = ("region", "year", "level", "section")


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
    remove_url: str


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


def chips(query: Query) -> list[Chip]:
    return [Chip(name, getattr(query, name), search_url(query, **{name: None, "page": 1}))
            for name in FILTERS if getattr(query, name)]


def without_filters_url(query: Query) -> str:
    return search_url(query, **dict.fromkeys(FILTERS), page=1)


def _link(query: Query, name: str, value: str, count: int | None, depth: int = 0) -> FacetLink:
    active = getattr(query, name) == value
    url = search_url(query, **{name: None if active else value, "page": 1})
    return FacetLink(value, count, url, active, depth)


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
    children: dict[tuple[str, ...], set[str]] = {}
    for value in counts:
        chain = (*parents.get(value, ()), value)
        for i in range(len(chain)):
            children.setdefault(chain[:i], set()).add(chain[i])
    out: list[FacetLink] = []

    def walk(path: tuple[str, ...]) -> None:
        for name in sorted(children.get(path, ()), key=lambda n: (-counts.get(n, 0), n)):
            count = counts.get(name)
            out.append(_link(query, "region", name, count, len(path)) if count is not None
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
        "year": [_link(query, "year", v.value, v.count) for v in years],
        "level": [_link(query, "level", v.value, v.count) for v in levels],
        "section": [_link(query, "section", v.value, v.count) for v in facets.get("section", [])],
    }


def page_window(page: int, pages: int, width: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and `width` around the current; None = gap."""
    shown = sorted({1, pages, *range(max(1, page - width), min(pages, page + width) + 1)})
    out: list[int | None] = []
    for number in shown:
        if out and number - (out[-1] or 0) > 1:
            out.append(None)
        out.append(number)
    return out
