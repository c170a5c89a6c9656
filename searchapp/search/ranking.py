"""Relevance: BM25F over body, section path and title, plus tiers and proximity.

Term statistics are counted on substrings of the normalised text, not on
jieba tokens: a Chinese reader searching 发展 means every 发展, including the
one inside 高质量发展, and segmentation must never decide whether a paragraph
counts. The ordering a reader trusts is tiered (see search.py): a paragraph
containing the user's own word literally always ranks above one that only
contains an expansion, which ranks above one that only has the word's pieces;
BM25F and proximity order paragraphs within a tier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

import numpy as np

from searchapp.index.generation import Generation

K1 = 1.2
FIELDS = (  # (name, weight, length normalisation b); the body's b is Weights.body_b
    ("body", 1.0, 0.75),
    ("section", 0.6, 0.3),  # a heading above the paragraph that names the topic
    ("title", 0.2, 0.0),  # report titles are near-identical; they mostly carry the region
)


@dataclass(frozen=True)
class Weights:
    """How a mention counts toward BM25's term frequency, and the length normalisation.

    Reports name a topic in passing far more often than they treat it: in a list
    (`培育A、B、X、C等新兴产业`), or in a heading line. A paragraph *about* X says X at the
    start of a clause, with the measures after it. So each occurrence counts 1, minus
    `passing` when it stands in an enumeration (、 beside it, or 等 after it), plus `topic`
    once when the paragraph names it at its start, plus `figure` once when a clause
    naming it holds a figure (新增高标准农田8000万亩: a target or a result, what makes a
    paragraph substantive rather than a passing 加强高标准农田建设); a heading
    paragraph's score is scaled by `heading`; a one-word query's paragraph is scaled up by
    `coherence` × the share of the best hits' vocabulary it holds (a paragraph about the topic
    shares it, a passing mention sits among another topic's words); BM25's length
    normalisation `body_b` is milder than the usual 0.75, which favoured short, shallow
    paragraphs. Fitted on the judged development set (eval/dev.jsonl) with two-fold
    cross-validation (eval/tune.py; figures in README "Relevance"). A bonus for a mention
    opening a clause was tried and fitted to zero on both folds, so it is not here.
    `boundary` (a match that is not a jieba word of the paragraph, 营商 inside 国营商业, counts
    a fifth) changes no judged top 10; it is set for what the reader means, not fitted.
    """

    passing: float = 0.0
    heading: float = 1.0
    body_b: float = 0.75
    section: float = 0.6  # BM25F weight of the section path (a heading above naming the topic)
    topic: float = 0.0  # added to the term frequency when the paragraph names the word in
    #                     its first OPENING_CHARS: a paragraph of a report opens by stating
    #                     what it is about (三是深化改革扩大开放，持续改善营商环境。)
    figure: float = 0.0  # added once when a clause naming the word holds a figure (a target,
    #                      a result: 新建1亿亩高标准农田), the mark of concrete measures
    coherence: float = 0.0  # a one-word query's scores are scaled by 1 + coherence × the
    #                         share of the best hits' vocabulary the paragraph holds
    #                         (scoring.coherence)
    proximity: float = 1.0  # scale of the bonus for the query's words standing close (NEAR)
    boundary: float = 1.0  # score factor where the word only occurs across jieba word
    #                        boundaries (营商 inside 国营商业), not as a word of its own
    k1: float = K1  # term-frequency saturation
    glossary: float = 1.0  # score factor of a glossary entry (名词解释) that explains another
    #                        term: 十大战略：指…数字化转型战略… names the word in passing
    echo: float = 0.0  # weight of the word's pieces said again beyond the word itself
    #                    (海洋 in 海洋战略 for 海洋经济: scoring._echoes), as the reader's words


DEFAULT = Weights(passing=0.75, heading=0.5, body_b=0.05, topic=0.5, figure=0.5, coherence=0.75,
                  proximity=0.0, boundary=0.2, glossary=0.5, echo=0.3)
ASKED_PROXIMITY = 1.0  # the proximity weight when the reader asks for it ("a b"~5, NEAR/5):
#                        fitted to 0 otherwise (both halves of the judged set chose 0)
@lru_cache(maxsize=4096)
def passing_pattern(needle: str) -> re.Pattern[str]:
    """Occurrences of `needle` inside an enumeration: after 、, or before 、 or 等."""
    word = re.escape(needle)
    after_comma = "|".join(f"(?<=、{q})" for q in ("", "“", "「", "‘", '"'))
    return re.compile(rf"(?:{after_comma}){word}|{word}(?=[”」’\"]?[、等])")


_WINDOW = 6  # characters of context segmented on each side of an occurrence
_OPENING, _CLOSING = "“「‘\"", "”」’\""  # quote marks skipped around a list item
_SENTENCE_END = re.compile("[。！？]")
_CLAUSE_MARKS = "，。；：！？,;:"  # what ends a clause (： too: 目标：新增8000万亩)
_CLAUSE_END = re.compile(f"[{_CLAUSE_MARKS}]")
_CLAUSE_START = re.compile(f"[{_CLAUSE_MARKS}][^{_CLAUSE_MARKS}]*\\Z")  # the last mark before
#                                                                       endpos (one scan)
OPENING_CHARS = 30  # a mention this near the start states the paragraph's topic: of the
#                    judged mentions in a long opening sentence but past it, 3 were of grade
#                    2 and 10 of grade 1 (60 and 16 within it)
CLAUSE_MAX = 60  # characters looked at on each side of a mention for its clause's figure
_UNITS = ("%|‰|万|亿|千|百|个|项|家|人|户|所|座|倍|条|套|张|亩|元|公里|千米|米|吨|千瓦|"
          "辆|台|次|批|年|月|天|日|小时|公顷|斤|名|位|处|栋|间|床")
_NUMERAL = "一二两三四五六七八九十百千"
# A figure: 8000万亩, 5.6%, 2025年, 两万亩, 五年; not (1), 一批, 一个 (打造一批). Written to begin
# with one character class, so the regular expression engine skips ahead to a digit or a
# numeral instead of trying three branches at every character (4× faster on long paragraphs).
_FIGURE = re.compile(rf"[0-9{_NUMERAL}]"
                     rf"(?:(?<=[0-9])[0-9]*(?:\.[0-9]+)?(?:{_UNITS})"
                     rf"|(?<=一)[十百千万亿][{_NUMERAL}]*[万亿]?(?:{_UNITS[2:]})"
                     rf"|(?<=[{_NUMERAL[1:]}])[{_NUMERAL}]*[万亿]?(?:{_UNITS[2:]}))")
WHOLE_WORD_MAX = 5000  # paragraphs: a word this common is a word (发展), not worth the check
WHOLE_WORD_HEAD = 30  # paragraphs of the reranked head checked (segmenting costs ~80 µs each:
#                      100 judged the same on the 299 queries, and cost a 2-character word's
#                      first run 5 ms more)
WHOLE_WORD_TRIES = 3  # occurrences of a paragraph looked at before it counts as straddling


def whole_word_mask(generation: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
    """Per paragraph of `docs` (all holding `needle`): does it stand as a word or at one
    edge of a word there (营商 in 营商环境, 发展 in 高质量发展), rather than straddling words
    (营商 in 国营商业)? Segments a small window around each occurrence until one stands
    (at most WHOLE_WORD_TRIES). Only two-character words are checked: a longer one that
    straddles jieba's cut is nearly always the same term cut differently (社会养老|服务体系
    for 养老服务 — checking those lost nDCG on three judged queries)."""
    result = np.ones(len(docs), dtype=bool)
    if len(needle) != 2:
        return result
    texts, starts, ends = generation.slices(docs)
    for i, (text, start, end) in enumerate(zip(texts, starts, ends, strict=True)):
        at, tries, alone = text.find(needle, start, end), 0, False
        while at >= 0 and tries < WHOLE_WORD_TRIES and not alone:
            left = max(start, at - _WINDOW)
            window = text[left:min(end, at + len(needle) + _WINDOW)]
            alone = _stands_alone(generation.word_spans(window), at - left,
                                  at - left + len(needle))
            at, tries = text.find(needle, at + len(needle), end), tries + 1
        result[i] = alone
    return result


def _stands_alone(words: list[tuple[int, int]], start: int, end: int) -> bool:
    """No word crosses one edge of [start, end) (合作社|营|商业 for 营商) or holds it strictly
    inside (国营商业); being a word's head or tail is fine (营商环境, 高质量发展)."""
    return not any(s < start < e < end or start < s < end < e or (s < start and end < e)
                   for s, e in words)


def mentions(generation: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
    """(in an enumeration, at the opening, in a clause with a figure) counts of `needle` in
    each of `docs`, shape (3, docs); the last two are 0 or 1. A figure is a digit or a Chinese
    number with a unit (两万亩). The opening is the first OPENING_CHARS characters, and only
    when another sentence follows the first: a paragraph of one sentence (a glossary entry,
    `十大战略：指创新驱动、…、乡村振兴战略…`) names everything it holds in its "opening".
    An occurrence is in an enumeration when 、 stands before it or 、/等 after it (a quote
    mark between is skipped: 、“互联网+”、). One str.find loop per paragraph: a look-behind
    regular expression cost 27 µs a paragraph; the first sentence's end is one search for
    any of 。！？, not a find for each."""
    texts, starts, ends = generation.slices(docs)
    size = len(needle)
    listed_in, opening, figured = [], [], []
    sentence_end, clause_end, figure = _SENTENCE_END.search, _CLAUSE_END.search, _FIGURE.search
    clause_start = _CLAUSE_START.search
    for text, start, end in zip(texts, starts, ends, strict=True):
        at = text.find(needle, start, end)
        if 0 <= at < start + OPENING_CHARS:
            first_end = sentence_end(text, start, end)
            opening.append(first_end is not None and first_end.start() < end - 1)
        else:
            opening.append(False)
        # Many paragraphs hold no list or no figure at all: then no occurrence needs that
        # look (a figure in a clause is a figure in the paragraph). With the one-class start
        # of _FIGURE and one search for a clause's start, 发展's 2,959 paragraphs at 1× took
        # 41 ms, not 80.
        may_list = text.find("、", start, end) >= 0 or text.find("等", start, end) >= 0
        may_figure = figure(text, start, end) is not None
        listed, with_figure = 0, False
        while at >= 0 and (may_list or (may_figure and not with_figure)):
            if may_figure and not with_figure:  # its clause, at most CLAUSE_MAX on each side
                floor, ceiling = max(start, at - CLAUSE_MAX), min(end, at + size + CLAUSE_MAX)
                after_end = clause_end(text, at + size, ceiling)
                before_start = clause_start(text, floor, at)
                with_figure = figure(text, before_start.start() + 1 if before_start else floor,
                                     after_end.start() if after_end else ceiling) is not None
            if may_list:
                before = text[at - 1] if at > start else ""
                if before in _OPENING and at - 1 > start:
                    before = text[at - 2]
                after = text[at + size] if at + size < end else ""
                if after in _CLOSING and at + size + 1 < end:
                    after = text[at + size + 1]
                listed += before == "、" or after in ("、", "等")  # "" (the end) is no list
            at = text.find(needle, at + size, end)
        listed_in.append(listed)
        figured.append(with_figure)
    return np.asarray([listed_in, opening, figured], dtype=np.int32).reshape(3, len(docs))


def effective_counts(counts: np.ndarray, passing: np.ndarray, topic: np.ndarray,
                     figured: np.ndarray, weights: Weights) -> np.ndarray:
    """Term frequency as it should count: a mention in a list counts `1 - passing`; one in
    the opening adds `topic`, one in a clause with a figure `figure`."""
    return counts - weights.passing * passing + weights.topic * topic + \
        weights.figure * figured
NEAR = ((0, 1.5), (3, 1.0), (12, 0.5))  # (max characters between the words, bonus)
PROXIMITY_BONUS = NEAR[0][1]  # the largest bonus
FOUND_REMEMBERED = 4096  # needles whose heading counts a column keeps, then reset


@dataclass(frozen=True)
class Column:
    """One scored field across the whole generation, as numpy arrays."""

    weight: float
    norms: np.ndarray  # BM25 length normalisation 1 - b + b * len / avg_len: by docnum for
    #                    the body, by distinct text otherwise (plus 1.0 for id -1)
    ids: np.ndarray | None = None  # docnum -> distinct text (-1: none); None for the body,
    #                                whose counts come from the caller
    joined: str = ""  # section paths and titles repeat: the distinct texts joined by NUL,
    starts: np.ndarray | None = None  # and where each starts, so one scan counts them all
    found: dict[str, tuple[np.ndarray, np.ndarray] | None] = field(
        default_factory=dict, compare=False, repr=False)  # per needle: which distinct texts
    #   hold it and how often (None: none), as _distinct_counts found them


def distinct_column(weight: float, b: float, texts: list[str], ids: np.ndarray,
                    average: float) -> Column:
    """A column of repeated texts (`texts` distinct, `ids` per docnum)."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    norms = np.append(1.0 - b + b * lengths / average, 1.0)
    return Column(weight, norms, ids, "\x00".join(texts), starts)


def idf(doc_freq: int, docs: int) -> float:
    """Robertson–Spärck Jones idf, kept positive for very common strings."""
    return math.log(1.0 + (docs - doc_freq + 0.5) / (doc_freq + 0.5))


def bm25f(needle: str, docs: np.ndarray, body_counts: np.ndarray, columns: Sequence[Column],
          doc_freq: int, total_docs: int, k1: float = K1) -> np.ndarray:
    """BM25F of one string in each of `docs`: field-weighted, length-normalised counts,
    saturated once. `body_counts`: the string's occurrences in each doc's body."""
    pseudo_tf = np.zeros(len(docs), dtype=np.float64)
    for column in columns:
        if column.ids is None:
            pseudo_tf += column.weight * body_counts / column.norms[docs]
            continue
        counts = _distinct_counts(needle, column)
        if counts is not None:
            ids = column.ids[docs]
            pseudo_tf += column.weight * _at(counts, ids) / column.norms[ids]
    scale = idf(doc_freq, total_docs) * (k1 + 1.0)
    return scale * pseudo_tf / (k1 + pseudo_tf)


def _distinct_counts(needle: str, column: Column) -> tuple[np.ndarray, np.ndarray] | None:
    """(distinct texts holding needle, sorted; its occurrences in each) or None when none.
    One scan of the joined texts (headings are short and rarely hold the needle), kept
    with the column: a query scores each needle up to four times (the feedback's ranking
    and the page's, each plain and refined), ~20 µs a scan at 1×, more with the corpus.
    Kept sparse, since most needles are in no heading and a column may have 10⁵ texts."""
    try:
        return column.found[needle]
    except KeyError:  # not scanned yet (a get() could not tell None from unscanned)
        pass
    at, size, joined = [], len(needle), column.joined  # str.find: a regular expression
    found = joined.find(needle)  # would be compiled for each new needle (~70 µs)
    while found >= 0:
        at.append(found)
        found = joined.find(needle, found + size)
    result = None
    if at:
        owners, counts = np.unique(np.searchsorted(column.starts, np.asarray(at),
                                                   side="right") - 1, return_counts=True)
        result = owners, counts.astype(np.float64)
    if len(column.found) >= FOUND_REMEMBERED:
        column.found.clear()
    column.found[needle] = result
    return result


def _at(found: tuple[np.ndarray, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """The counts of _distinct_counts at each of `ids` (0 where the text lacks the needle,
    and for id -1, no text)."""
    owners, counts = found
    where = np.minimum(np.searchsorted(owners, ids), len(owners) - 1)
    return np.where(owners[where] == ids, counts[where], 0.0)


def proximity(body: str, units: tuple[tuple[str, ...], ...], start: int = 0,
              end: int | None = None) -> float:
    """Bonus when the query's words stand close together in the paragraph (body[start:end]):
    side by side (an exact phrase of the query words) earns most. Each unit is one word's
    needles (any of them may stand for the word)."""
    for pattern, bonus in _near_patterns(units):
        if pattern.search(body, start, len(body) if end is None else end):
            return bonus
    return 0.0


@lru_cache(maxsize=2048)
def _near_patterns(units: tuple[tuple[str, ...], ...]) -> list[tuple[re.Pattern[str], float]]:
    """One regular expression per NEAR level: the units in any order (in query order beyond
    three), consecutive ones at most `gap` characters apart."""
    alternatives = ["(?:" + "|".join(map(re.escape, needles)) + ")" for needles in units]
    orders = list(permutations(alternatives)) if len(units) <= 3 else [alternatives]
    return [(re.compile("|".join(f".{{0,{gap}}}".join(o) for o in orders), re.S), bonus)
            for gap, bonus in NEAR]


def display_score(tier: int, score: float) -> float:
    """One number that sorts exactly like (tier, score): the tier plus a fraction below 1."""
    return round(tier + score / (score + 1.0), 6)


def columns_of(generation: Generation, weights: Weights = DEFAULT) -> list[Column]:
    """The generation's BM25F columns for these weights, built on first use."""
    return generation.derived(  # type: ignore[return-value]
        f"bm25f-{weights.body_b}-{weights.section}", lambda g: scored_columns(g, weights))


def scored_columns(generation: Generation, weights: Weights = DEFAULT) -> list[Column]:
    """The BM25F columns with their length norms (averages over live paragraphs)."""
    live, result = generation.live, []
    for name, weight, b in FIELDS:
        if name == "body":
            lengths = generation.columns.body_lengths().astype(np.float64)
            b = weights.body_b
            result.append(Column(weight, 1.0 - b + b * lengths / _average(lengths, live)))
            continue
        if name == "section":
            weight = weights.section
        facet = generation.section if name == "section" else generation.title
        sizes = np.asarray([len(v) for v in facet.values] + [0], dtype=np.float64)
        result.append(distinct_column(weight, b, facet.values, facet.ids,
                                      _average(sizes[facet.ids], live)))
    return result


def _average(lengths: np.ndarray, live: np.ndarray) -> float:
    return max(float(lengths[live].mean()) if live.any() else 0.0, 1.0)
