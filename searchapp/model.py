"""The values that flow between the stages: Report/Paragraph out of ingestion,
Query in and Results out of search.

They live in one module so that every stage (corpus, sections, index, search,
web, cli) can import them without importing each other, and so that the page,
the JSON API and the CLI all render the very same Results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

UNKNOWN = "unknown"

LEVELS = ("national", "province", "prefecture", "county")
SORTS = ("relevance", "date", "oldest")  # date: newest first (URL alias: newest)
GROUPS = ("paragraph", "report")  # one hit per paragraph, or one card per report
DOCTYPES = ("report", "resolution", "other")  # 政府工作报告, 决议 (of a congress), 其他

Warn = Callable[[str], None]  # where a stage reports a problem it recovered from


@dataclass(frozen=True)
class Paragraph:
    """One searchable unit. Headings are paragraphs too (heading_level > 0)."""

    n: int  # 1-based ordinal within its report, stable while the file is unchanged
    text: str  # cleaned text exactly as shown to the user
    section: tuple[str, ...] = ()  # headings above it, outermost first
    heading_level: int = 0  # 0 = body text, 1 = part (一、…), 2 = (一)…, 3 = ——… / numbered item


@dataclass
class Report:
    """A single report, cleaned and split, with metadata found in its own text."""

    id: str  # URL-safe, stable id (derived from the source path, plus record number in collections)
    source_path: str  # file it came from (relative to the corpus root when known)
    title: str = UNKNOWN
    region: str = UNKNOWN  # e.g. 孟州市; 全国 for national reports
    level: str = UNKNOWN  # one of LEVELS or UNKNOWN
    year: int | None = None
    date: str | None = None  # ISO yyyy-mm-dd of publication / delivery
    source: str | None = None  # 信息来源 / 来源 / url
    url: str | None = None
    parents: tuple[str, ...] = ()  # outermost first: ("河南省", "焦作市")
    paragraphs: list[Paragraph] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)  # 重要词语解释: term -> explanation
    doctype: str = "report"  # one of DOCTYPES (ingest/metadata.py document_type)
    content_hash: str = ""  # hash of the raw bytes/record + overrides: drives incremental reindex
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    """A search request: everything that goes into a permalink, in canonical order."""

    q: str = ""
    region: tuple[str, ...] = ()  # any of these regions (a str is read as one region)
    year: str | None = None  # "2023" or "2020..2023"
    level: tuple[str, ...] = ()  # any of these levels (a str is read as one level)
    section: str | None = None
    kind: str | None = None  # section kind: one of search/kinds.py KINDS
    doctype: str | None = None  # document type (URL: type=): ingest/metadata.py DOCTYPES
    sort: str = "relevance"  # one of SORTS
    group: str = "paragraph"  # one of GROUPS
    page: int = 1
    per_page: int = 10
    original: bool = False  # 只看本地原创表述: leave out paragraphs mostly copied from above

    def __post_init__(self) -> None:
        for name in ("region", "level"):  # Query(region="孟州") reads as it always did
            value = getattr(self, name)
            if value is None or isinstance(value, str):
                object.__setattr__(self, name, (value,) if value else ())


@dataclass(frozen=True)
class Hit:
    doc: str  # Report.id
    paragraph: int  # Paragraph.n
    region: str
    year: int | None
    level: str
    title: str
    date: str | None
    parents: tuple[str, ...]
    section: tuple[str, ...]
    text: str  # stored original text
    highlight: str  # HTML: escaped text with <mark> around matches (the only HTML marked safe)
    fragment: str  # HTML: like highlight, cut to a window of context around the hits
    spans: tuple[tuple[int, int], ...]  # [start, end) character offsets of marks in `text`
    score: float
    note: str | None = None  # 不含「双碳」，含「碳达峰」: found by other words than the query's


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class ReportGroup:
    """The hits of one report in the grouped view: its best paragraph, then a few more."""

    best: Hit
    others: list[Hit]  # the next best paragraphs of the report, at most search's GROUP_SHOWN
    count: int  # matched paragraphs in the report (best and others included)


@dataclass
class Results:
    query: Query
    total: int
    hits: list[Hit]  # grouped: the best paragraph of each report on the page
    facets: dict[str, list[FacetValue]]  # keys: region, year, level, section, kind, type
    notice: str | None = None  # one sentence when the query was malformed/truncated
    expanded: list[str] = field(default_factory=list)  # synonyms also searched (也搜索了)
    took_ms: float = 0.0
    reports: int = 0  # distinct reports among the `total` paragraphs
    groups: list[ReportGroup] | None = None  # the page by report (query.group == "report")

    @property
    def pages(self) -> int:
        shown = self.reports if self.groups is not None else self.total
        return max(1, -(-shown // self.query.per_page))
