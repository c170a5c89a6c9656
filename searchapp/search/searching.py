"""Search: Query in, Results out — the one search function behind the CLI, the pages and the API.

The stages, one module each: querylang.py parses, matching.py finds the paragraphs with
their tiers (feedback.py adds the lowest tier for a rare topic word), scoring.py orders
them and cuts the page, hits.py turns the page into highlighted Hits and the whole result
set into facets. Here: the order of those steps, the query's parameters and the notices.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from searchapp.index.generation import EMPTY, Generation
from searchapp.index.read import Index
from searchapp.model import SORTS, Query, Results
from searchapp.search import feedback, hits, ranking, scoring, suggest
from searchapp.search import querylang as ql
from searchapp.search.highlight import find_spans, render
from searchapp.search.matching import (
    OWN,
    PIECES,
    Leaf,
    compile_leaf,
    evaluate,
    with_feedback,
)
from searchapp.text.normalize import normalize
from searchapp.text.synonyms import curated, expand

FEEDBACK_BELOW = 100  # the literal tiers found fewer paragraphs than this: add feedback
MAX_PER_PAGE = 1000
MAX_DEPTH = 10_000  # the deepest result a page may reach (Elasticsearch's max_result_window)
DEADLINE_S = 2.0  # past this, the optional proximity pass stops and the page says so


def run(index: Index, query: Query, weights: ranking.Weights = ranking.DEFAULT) -> Results:
    """Search the published generation; raises only the errors.IndexProblem kinds.
    `weights` is for tuning on judged queries (eval/tune.py); everyone else gets DEFAULT."""
    started = time.perf_counter()
    gen = index.generation()
    query = _clamped(query)
    parsed = ql.parse(query.q)
    node, notices = _with_parameters(parsed, query)
    if node is None:
        return Results(query, 0, [], hits.facet_values(gen, EMPTY), _notice(notices))
    leaves = {id(p): compile_leaf(gen, p) for p in ql.positives(node)}
    matched = evaluate(gen, node, leaves)
    if len(matched) < FEEDBACK_BELOW and _feedback_applies(node):
        leaves, matched = _add_feedback(gen, node, leaves, matched, weights)
    if query.page * query.per_page > MAX_DEPTH:
        query = replace(query, page=max(1, MAX_DEPTH // query.per_page))
        notices.append(f"只能查看前 {MAX_DEPTH} 个结果，已转到第 {query.page} 页；"
                       "请添加检索词或筛选条件缩小范围。")
    if (query.page - 1) * query.per_page >= len(matched):  # past the last page: rank nothing
        ranked = []
    else:
        deadline = time.perf_counter() + DEADLINE_S
        ranked = scoring.rank(gen, matched, list(leaves.values()), query, weights, deadline)
        if time.perf_counter() > deadline:
            notices.append("检索用时较长，部分结果未计算词语邻近程度。")
    if ranked and query.page == 1 and ranked[0][1] < OWN * len(leaves) and _all_and(node):
        words = "」「".join(p.text for p in ql.positives(node))
        notices.append(f"没有段落同时包含「{words}」，以下是含相关表述的段落。")
    if not len(matched):
        notices += _did_you_mean(gen, node)
    page = [hits.hit(gen, d, tier, score, leaves.values()) for d, tier, score in ranked]
    expanded = list(dict.fromkeys(e for leaf in leaves.values() for e in leaf.expansions))
    return Results(query, len(matched), page, hits.facet_values(gen, matched), _notice(notices),
                   expanded, round((time.perf_counter() - started) * 1000, 2))


def warm(index: Index) -> int:
    """Open the index's columns, stored fields and jieba's dictionary now, so the first
    user's query doesn't pay for them; returns the number of paragraphs."""
    gen = index.generation()
    ranking.columns_of(gen)
    gen.pieces("预热")
    if gen.size:
        gen.record(int(gen.live_docs[0]))  # opens the stored fields
    return gen.size


def mark(text: str, q: str) -> str:
    """Escaped `text` with <mark> around the query's words, phrases and curated synonyms."""
    needles = []
    for positive in ql.positives(ql.parse(q).node):
        needles.append(normalize(positive.text))
        if isinstance(positive, ql.Term) and not positive.literal:
            needles.extend(normalize(e) for e in expand(positive.text, curated()))
    return render(text, find_spans(normalize(text), needles))


# --- compiling the query ---------------------------------------------------------------------

def _clamped(query: Query) -> Query:
    page = max(1, query.page)
    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    sort = query.sort if query.sort in SORTS else SORTS[0]
    return replace(query, page=page, per_page=per_page, sort=sort)


def _with_parameters(parsed: ql.Parsed, query: Query) -> tuple[ql.Node | None, list[str]]:
    """The parsed query ANDed with the region/year/level/section parameters."""
    notices = [parsed.notice] if parsed.notice else []
    extra: list[ql.Node] = []
    for name in ("region", "year", "level", "section"):
        value = getattr(query, name)
        if value:
            try:
                extra.append(ql.parse_filter(name, value))
            except ql.QuerySyntaxError as error:
                notices.append(f"{error}，已忽略该条件。")
    parts = ([parsed.node] if parsed.node is not None else []) + extra
    node = parts[0] if len(parts) == 1 else ql.And(tuple(parts)) if parts else None
    return node, notices


def _feedback_applies(node: ql.Node) -> bool:
    """Unquoted words with expansion on, all required (中小企业 融资): the query a reader
    types for a topic. Not for phrases, `=word`, OR or NOT: those say exactly what to find."""
    if isinstance(node, ql.And):
        return all(isinstance(c, ql.Term) and not c.literal for c in node.children)
    return isinstance(node, ql.Term) and not node.literal


def _add_feedback(gen: Generation, node: ql.Node, leaves: dict[int, Leaf],
                  matched: np.ndarray, weights: ranking.Weights
                  ) -> tuple[dict[int, Leaf], np.ndarray]:
    """Leaves and matches with the FEEDBACK tier, from the words of the current top hits."""
    if not len(matched):
        return leaves, matched
    def best(g: Generation) -> list[int]:
        return [d for d, _, _ in scoring.rank(g, matched, list(leaves.values()),
                                              Query(per_page=feedback.TOP_DOCS), weights)]
    top = gen.derived(f"feedback-top:{node!r}:{weights!r}", best)
    alternatives = [a for leaf in leaves.values() for a in leaf.alternatives]
    own = {n for a in alternatives if a.tier in (OWN, PIECES) for n in a.needles}
    searched = {n for a in alternatives for n in a.needles}
    terms = gen.derived(f"feedback:{node!r}", lambda g: feedback.feedback_terms(
        g, np.asarray(top, dtype=np.int32), own, searched))
    if len(terms) < 2:
        return leaves, matched
    # every word may be stood for by the feedback words: a paragraph holding two of them
    # matches the whole query, below every paragraph that holds the query's own words
    leaves = {key: with_feedback(leaf, terms) for key, leaf in leaves.items()}
    return leaves, evaluate(gen, node, leaves)


def _did_you_mean(gen: Generation, node: ql.Node) -> list[str]:
    words = [normalize(p.text) for p in ql.positives(node) if isinstance(p, ql.Term)]
    offers = [s for w in words if not len(gen.literal(w))
              for s in gen.derived(f"suggest:{w}", lambda g, w=w: suggest.suggestions(g, w))]
    return [f"你是不是要找：{'、'.join(offers)}？"] if offers else []


def _all_and(node: ql.Node) -> bool:
    """Every word is required (no OR): then the best tier says whether all were found."""
    if isinstance(node, ql.And):
        return all(_all_and(c) for c in node.children)
    return not isinstance(node, ql.Or)


def _notice(notices: list[str]) -> str | None:
    return " ".join(notices) or None


