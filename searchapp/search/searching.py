"""Search: Query in, Results out — the one search function behind the CLI, the pages and the API.

Matching (which paragraphs, with which tier) is matching.py; here they are
ordered — by the sum of their words' tiers (own word > synonym > pieces),
then BM25F + proximity (ranking.py), then (doc, n), so the same query on the
same index always returns the same pages — and turned into highlighted hits
and facets over the whole result set.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from searchapp.index.generation import EMPTY, Generation
from searchapp.index.read import Index
from searchapp.model import SORTS, FacetValue, Hit, Query, Results
from searchapp.search import feedback, ranking, suggest
from searchapp.search import querylang as ql
from searchapp.search.highlight import find_spans, fragment, render
from searchapp.search.matching import (
    EXPANSION,
    FEEDBACK,
    OWN,
    PART,
    PIECES,
    Alternative,
    Leaf,
    alternative_set,
    compile_leaf,
    evaluate,
    with_feedback,
)
from searchapp.text.normalize import normalize
from searchapp.text.synonyms import curated, expand

WEIGHTS = {OWN: 1.0, EXPANSION: 0.6, PIECES: 0.4, PART: 0.3, FEEDBACK: 0.2}  # by tier
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
        return Results(query, 0, [], _facet_values(gen, EMPTY), _notice(notices))
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
        ranked = _rank(gen, matched, list(leaves.values()), query, weights, deadline)
        if time.perf_counter() > deadline:
            notices.append("检索用时较长，部分结果未计算词语邻近程度。")
    if ranked and query.page == 1 and ranked[0][1] < OWN * len(leaves) and _all_and(node):
        words = "」「".join(p.text for p in ql.positives(node))
        notices.append(f"没有段落同时包含「{words}」，以下是含相关表述的段落。")
    if not len(matched):
        notices += _did_you_mean(gen, node)
    hits = [_hit(gen, d, tier, score, leaves.values()) for d, tier, score in ranked]
    expanded = list(dict.fromkeys(e for leaf in leaves.values() for e in leaf.expansions))
    return Results(query, len(matched), hits, _facet_values(gen, matched), _notice(notices),
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
    """One unquoted word with expansion on: the query a reader types for a topic."""
    return isinstance(node, ql.Term) and not node.literal


def _add_feedback(gen: Generation, node: ql.Node, leaves: dict[int, Leaf],
                  matched: np.ndarray, weights: ranking.Weights
                  ) -> tuple[dict[int, Leaf], np.ndarray]:
    """Leaves and matches with the FEEDBACK tier, from the words of the current top hits."""
    if not len(matched):
        return leaves, matched
    top = [d for d, _, _ in _rank(gen, matched, list(leaves.values()),
                                  Query(per_page=feedback.TOP_DOCS), weights)]
    [(key, leaf)] = leaves.items()
    own = {n for a in leaf.alternatives if a.tier in (OWN, PIECES) for n in a.needles}
    searched = {n for a in leaf.alternatives for n in a.needles}
    terms = feedback.feedback_terms(gen, np.asarray(top, dtype=np.int32), own, searched)
    if len(terms) < 2:
        return leaves, matched
    leaves = {key: with_feedback(leaf, terms)}
    return leaves, evaluate(gen, node, leaves)


def _did_you_mean(gen: Generation, node: ql.Node) -> list[str]:
    words = [normalize(p.text) for p in ql.positives(node) if isinstance(p, ql.Term)]
    offers = [s for w in words if not len(gen.literal(w)) for s in suggest.suggestions(gen, w)]
    return [f"你是不是要找：{'、'.join(offers)}？"] if offers else []


def _all_and(node: ql.Node) -> bool:
    """Every word is required (no OR): then the best tier says whether all were found."""
    if isinstance(node, ql.And):
        return all(_all_and(c) for c in node.children)
    return not isinstance(node, ql.Or)


def _notice(notices: list[str]) -> str | None:
    return " ".join(notices) or None


# --- ranking ---------------------------------------------------------------------------------

@dataclass
class Scored:
    """Per matched paragraph (aligned with the sorted docnums): summed tiers and scores, and
    which alternative of each leaf it matched best (-1: none), for proximity and marks."""

    docs: np.ndarray
    tier: np.ndarray
    score: np.ndarray
    best: list[np.ndarray]  # per leaf


def _rank(gen: Generation, matched: np.ndarray, leaves: list[Leaf], query: Query,
          weights: ranking.Weights, deadline: float = float("inf")
          ) -> list[tuple[int, int, float]]:
    """(docnum, tier, score) of the requested page, in result order."""
    wanted = query.page * query.per_page
    if query.sort == "date":  # newest first, then report order; scores only for display
        order = np.lexsort((gen.columns.tie[matched], -gen.date[matched],
                            -gen.year[matched]))
        page = matched[order[wanted - query.per_page:wanted]]
        scored = _base_scores(gen, page, leaves, weights)
        return list(zip(page.tolist(), scored.tier.tolist(), scored.score.tolist(),
                        strict=True))
    scored = _base_scores(gen, matched, leaves, weights)
    if weights.proximity and _proximity_matters(leaves):
        _add_proximity(gen, scored, leaves, wanted, deadline, weights.proximity)
    order = _top(scored.tier, scored.score, gen.columns.tie[matched], wanted)
    page = order[wanted - query.per_page:wanted]
    return [(int(matched[i]), int(scored.tier[i]), float(scored.score[i])) for i in page]


def _top(tier: np.ndarray, score: np.ndarray, tie: np.ndarray, wanted: int) -> np.ndarray:
    """Positions of the `wanted` best paragraphs, best first: (tier, score) down, tie up.
    A partial selection first, so a common word's 30,000 hits are not all sorted."""
    candidates = np.arange(len(tie))
    if len(tie) > 4 * wanted:
        key = tier * 4.0 + score / (score + 1.0)  # sorts like (tier, score): score >= 0
        threshold = np.partition(key, len(key) - wanted)[len(key) - wanted]
        candidates = np.flatnonzero(key >= threshold - 1e-9)  # margin for rounding
    order = np.lexsort((tie[candidates], -score[candidates], -tier[candidates]))
    return candidates[order][:wanted]


def _base_scores(gen: Generation, matched: np.ndarray, leaves: list[Leaf],
                 weights: ranking.Weights) -> Scored:
    """Summed over leaves: each leaf's best alternative (highest tier, then BM25F)."""
    scored = Scored(matched, np.zeros(len(matched), np.int64),
                    np.zeros(len(matched), np.float64), [])
    for leaf in leaves:
        tier, score, best = _leaf_scores(gen, leaf, matched, weights)
        present = best >= 0
        scored.tier += np.where(present, tier, 0)
        scored.score += np.where(present, score, 0.0)
        scored.best.append(best)
    return scored


def _leaf_scores(gen: Generation, leaf: Leaf, matched: np.ndarray,
                 weights: ranking.Weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per matched paragraph: tier, score and index of the leaf's best alternative there.
    Tiers never increase along leaf.alternatives: a later one wins only within its tier."""
    tier = np.full(len(matched), -1, dtype=np.int64)
    score = np.zeros(len(matched), dtype=np.float64)
    best = np.full(len(matched), -1, dtype=np.int64)
    for i, alternative in enumerate(leaf.alternatives):
        found = alternative_set(gen, alternative)
        at = np.flatnonzero(gen.members(matched, found))
        values = _alternative_scores(gen, alternative, matched[at], weights)
        wins = (tier[at] < 0) | ((tier[at] == alternative.tier) & (values > score[at]))
        at, values = at[wins], values[wins]
        tier[at], score[at], best[at] = alternative.tier, values, i
    return tier, score, best


def _alternative_scores(gen: Generation, alternative: Alternative, docs: np.ndarray,
                        weights: ranking.Weights) -> np.ndarray:
    """Weighted BM25F of the alternative in each of `docs` (all holding it); computed for
    these paragraphs only, so the cost follows the result set, not the word."""
    total = np.zeros(len(docs), dtype=np.float64)
    columns = ranking.columns_of(gen, weights)
    for needle in alternative.needles:
        if alternative.tier in (PIECES, FEEDBACK):  # may be common: estimate, don't look up
            counts = gen.body_counts(needle, docs)
            doc_freq = gen.doc_freq_estimate(needle)
        else:
            holding = gen.literal(needle)
            counts, doc_freq = gen.body_counts(needle, docs, holding), len(holding)
            if weights.passing or weights.topic:
                passing, topic = gen.mention_counts(
                    needle, docs, holding,
                    (ranking.passing_pattern(needle), ranking.topic_pattern(needle)))
                counts = ranking.effective_counts(counts, passing, topic, weights)
        score = ranking.bm25f(needle, docs, counts, columns, doc_freq, gen.size, weights.k1)
        if weights.boundary != 1.0 and alternative.tier not in (PIECES, FEEDBACK):
            whole = ranking.whole_word_mask(gen, needle, holding)[gen.positions(docs, holding)]
            score *= np.where(whole, 1.0, weights.boundary)
        total += score
    if weights.heading != 1.0:
        total *= np.where(gen.heading[docs], weights.heading, 1.0)
    return WEIGHTS[alternative.tier] * total


def _proximity_matters(leaves: list[Leaf]) -> bool:
    """Several words, or a word that may be found by its pieces."""
    return len(leaves) > 1 or any(len(a.needles) > 1 for leaf in leaves
                                  for a in leaf.alternatives)


def _add_proximity(gen: Generation, scored: Scored, leaves: list[Leaf], wanted: int,
                   deadline: float, scale: float) -> None:
    """Add the proximity bonus where it can change the page. Paragraphs are visited by the
    best score they could reach (score + the largest bonus), and the visit stops when that
    falls below the current last place: exact, and it touches about a page, not every hit.
    It also stops at `deadline` (a bonus, not a match: the page stays valid without it)."""
    bound = scored.score + scale * ranking.PROXIMITY_BONUS
    order = np.lexsort((-bound, -scored.tier))
    units: dict[tuple[int, ...], tuple] = {}  # which alternative of each leaf -> units
    done, batch = 0, max(wanted, 64)
    while done < len(order):
        visit = order[done:done + batch]
        done += len(visit)
        texts, starts, ends = gen.slices(scored.docs[visit])
        combos = zip(*(best[visit].tolist() for best in scored.best), strict=True)
        for i, text, start, end, combo in zip(visit.tolist(), texts, starts, ends, combos,
                                              strict=True):
            if combo not in units:
                units[combo] = _units(leaves, combo)
            if units[combo]:
                scored.score[i] += scale * ranking.proximity(text, units[combo], start, end)
        if time.perf_counter() > deadline:
            return
        if wanted <= done < len(order):
            seen = order[:done]
            last = seen[_top(scored.tier[seen], scored.score[seen], seen, wanted)[-1]]
            after = order[done]
            if (scored.tier[after], bound[after]) < (scored.tier[last], scored.score[last]):
                return


def _units(leaves: list[Leaf], best: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
    """What proximity looks for, given the alternative each leaf matched (-1: none): the
    matched words close together, or one word's pieces; () when there is nothing to bring
    close."""
    groups = [leaf.alternatives[i].needles for leaf, i in zip(leaves, best, strict=True)
              if i >= 0]
    if len(groups) == 1:
        groups = [(n,) for n in groups[0]]
    return tuple(groups) if len(groups) > 1 else ()


# --- results ---------------------------------------------------------------------------------

def _hit(gen: Generation, docnum: int, tier: int, score: float, leaves: Iterable[Leaf]) -> Hit:
    record, body = gen.record(docnum), gen.body(docnum)
    needles, notes = [], []
    at = np.asarray([docnum])
    for leaf in leaves:
        for tiers in ((OWN, EXPANSION), (PIECES,), (PART,), (FEEDBACK,)):  # best it holds
            chosen = [a for a in leaf.alternatives if a.tier in tiers]
            needles += [n for a in chosen for n in a.needles]
            held = [a for a in chosen if gen.members(at, alternative_set(gen, a))[0]]
            if held:
                notes += _note(leaf, held, body)
                break
    spans = find_spans(body, needles)
    return Hit(doc=record.doc, paragraph=record.n, region=record.region, year=record.year,
               level=record.level, title=record.title, date=record.date,
               parents=record.parents, section=record.section, text=record.text,
               highlight=render(record.text, spans), fragment=fragment(record.text, spans),
               spans=tuple(spans), score=ranking.display_score(tier, score),
               note="；".join(notes) or None)


def _note(leaf: Leaf, held: list[Alternative], body: str) -> list[str]:
    """不含「X」，含「Y」 when the paragraph lacks the word the reader typed."""
    own = leaf.alternatives[0]
    if own in held:
        return []
    found = list(dict.fromkeys(n for a in held for n in a.needles if n in body))
    return [f"不含「{own.needles[0]}」，含「{'」「'.join(found)}」"] if found else []


def _facet_values(gen: Generation, matched: np.ndarray) -> dict[str, list[FacetValue]]:
    """Facets over the whole result set; years newest first, the rest by count."""
    counts = gen.facet_counts(matched)
    facets = {name: [FacetValue(v, c) for v, c in sorted(counter.items(),
                                                          key=lambda vc: (-vc[1], vc[0]))]
              for name, counter in counts.items()}
    facets["year"] = sorted(facets["year"], key=lambda f: f.value, reverse=True)
    return facets
