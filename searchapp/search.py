"""Search: Query in, Results out — the one search function behind the CLI, the pages and the API.

Matching (which paragraphs, with which tier) is matching.py; here they are
ordered — by the sum of their words' tiers (own word > synonym > pieces),
then BM25F + proximity (ranking.py), then (doc, n), so the same query on the
same index always returns the same pages — and turned into highlighted hits
and facets over the whole result set.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from searchapp import querylang as ql
from searchapp import ranking
from searchapp.analysis import normalize
from searchapp.docstore import DocStore, store_for
from searchapp.highlight import find_spans, fragment, render
from searchapp.matching import PIECES, Alternative, Leaf, alternative_set, compile_leaf, evaluate
from searchapp.model import FacetValue, Hit, Query, Results
from searchapp.params import from_params, to_params  # noqa: F401 - part of this module's API
from searchapp.serialize import results_to_json  # noqa: F401 - part of this module's API
from searchapp.synonyms import curated, expand

WEIGHTS = {2: 1.0, 1: 0.6, 0: 0.4}  # by tier (matching.OWN, EXPANSION, PIECES)
MAX_PER_PAGE = 1000

Scored = dict[int, tuple[int, float]]  # docnum -> (tier, score)


def run(index_dir: Path, query: Query) -> Results:
    """Search the published index; raises only index.IndexMissing/IndexIncompatible."""
    started = time.perf_counter()
    store = store_for(Path(index_dir))
    query = _clamped(query)
    parsed = ql.parse(query.q)
    node, notices = _with_parameters(parsed, query)
    if node is None:
        return Results(query, 0, [], _facet_values(store, frozenset()), _notice(notices))
    leaves = {id(p): compile_leaf(store, p) for p in ql.positives(node)}
    matched = evaluate(store, node, leaves)
    ranked = _rank(store, matched, list(leaves.values()), query)
    hits = [_hit(store, d, tier, score, leaves.values()) for d, tier, score in ranked]
    expanded = list(dict.fromkeys(e for leaf in leaves.values() for e in leaf.expansions))
    return Results(query, len(matched), hits, _facet_values(store, matched), _notice(notices),
                   expanded, round((time.perf_counter() - started) * 1000, 2))


def warm(index_dir: Path) -> int:
    """Load the index into memory and jieba's dictionary now, so the first user's query
    doesn't pay for it (seconds on a large corpus); returns the number of paragraphs."""
    store = store_for(Path(index_dir))
    store.pieces("预热")
    return len(store.live)


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
    sort = query.sort if query.sort in ("relevance", "date") else "relevance"
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


def _notice(notices: list[str]) -> str | None:
    return " ".join(notices) or None


# --- ranking ---------------------------------------------------------------------------------

def _rank(store: DocStore, matched: frozenset[int], leaves: list[Leaf],
          query: Query) -> list[tuple[int, int, float]]:
    """(docnum, tier, score) of the requested page, in result order."""
    wanted = query.page * query.per_page
    scored, groups = _base_scores(store, matched, leaves)
    tie = store.tie
    if query.sort == "date":
        records = store.records
        ordered = sorted(matched, key=tie.__getitem__)
        ordered.sort(key=lambda d: (records[d].year or 0, records[d].date or ""), reverse=True)
        page = ordered[wanted - query.per_page:wanted]
    else:
        if groups:
            _add_proximity(store, scored, groups, wanted)
        keys = [(-t, -s, tie[d], d) for d, (t, s) in scored.items()]
        keys += [(0, 0.0, tie[d], d) for d in matched - scored.keys()]
        page = [key[3] for key in heapq.nsmallest(wanted, keys)][wanted - query.per_page:]
    return [(d, *scored.get(d, (0, 0.0))) for d in page]


def _base_scores(store: DocStore, matched: frozenset[int],
                 leaves: list[Leaf]) -> tuple[Scored, dict[int, list]]:
    """Summed over leaves: each leaf's best alternative (highest tier, then BM25F).

    Also the needles each paragraph matched, when proximity can matter (several
    words, or a word found by its pieces); empty otherwise.
    """
    per_leaf = [_leaf_scores(store, leaf, matched) for leaf in leaves]
    if len(per_leaf) == 1 and not any(len(a.needles) > 1 for a in leaves[0].alternatives):
        return {d: (tier, value) for d, (tier, value, _) in per_leaf[0].items()}, {}
    scored: Scored = {}
    groups: dict[int, list] = {}
    for best in per_leaf:
        for d, (tier, value, needles) in best.items():
            old_tier, old_score = scored.get(d, (0, 0.0))
            scored[d] = (old_tier + tier, old_score + value)
            groups.setdefault(d, []).append(needles)
    return scored, groups


def _leaf_scores(store: DocStore, leaf: Leaf,
                 matched: frozenset[int]) -> dict[int, tuple[int, float, tuple[str, ...]]]:
    """docnum -> (tier, score, needles) of the leaf's best alternative in that paragraph."""
    own, *others = leaf.alternatives  # tiers never increase along the tuple
    best = {d: (own.tier, value, own.needles)
            for d, value in _alternative_scores(store, own, matched).items()}
    for alternative in others:
        tier, needles = alternative.tier, alternative.needles
        for d, value in _alternative_scores(store, alternative, matched).items():
            current = best.get(d)
            if current is None or (current[0] == tier and value > current[1]):
                best[d] = (tier, value, needles)
    return best


def _alternative_scores(store: DocStore, alternative: Alternative,
                        matched: frozenset[int]) -> dict[int, float]:
    """Weighted BM25F of the alternative in each matched paragraph holding it; computed
    for these paragraphs only, so the cost follows the result set, not the word."""
    docs = sorted(alternative_set(store, alternative) & matched)
    totals = [0.0] * len(docs)
    for needle in alternative.needles:
        doc_freq = len(store.literal(needle)) if alternative.tier != PIECES else \
            store.doc_freq_estimate(needle)
        values = ranking.bm25f(needle, docs, store.columns, doc_freq, len(store.live))
        totals = [total + value for total, value in zip(totals, values, strict=True)]
    weight = WEIGHTS[alternative.tier]
    return {d: weight * total for d, total in zip(docs, totals, strict=True)}


def _add_proximity(store: DocStore, scored: Scored, groups: dict[int, list],
                   wanted: int) -> None:
    """Add the proximity bonus where it can change the page: only paragraphs whose score
    plus the largest bonus reaches the current last place (exact, and much cheaper)."""
    if not scored:
        return
    last = heapq.nsmallest(wanted, ((-t, -s) for t, s in scored.values()))[-1]
    for d, (tier, score) in scored.items():
        if (-tier, -(score + ranking.PROXIMITY_BONUS)) <= last:
            scored[d] = (tier, score + _proximity(store.fields[d].body, groups[d]))


def _proximity(body: str, groups: list[tuple[str, ...]]) -> float:
    """Bonus when the matched words (or one word's pieces) sit close together."""
    if len(groups) == 1:
        groups = [(n,) for n in groups[0]]
    return ranking.proximity(body, tuple(groups)) if len(groups) > 1 else 0.0


# --- results ---------------------------------------------------------------------------------

def _hit(store: DocStore, docnum: int, tier: int, score: float, leaves: Iterable[Leaf]) -> Hit:
    record, fields = store.records[docnum], store.fields[docnum]
    needles = []
    for leaf in leaves:
        literal = [a for a in leaf.alternatives if a.tier > PIECES]
        needles += [n for a in literal for n in a.needles]
        if not any(docnum in alternative_set(store, a) for a in literal):
            needles += [n for a in leaf.alternatives if a.tier == PIECES for n in a.needles]
    spans = find_spans(fields.body, needles)
    return Hit(doc=record.doc, paragraph=record.n, region=record.region, year=record.year,
               level=record.level, title=record.title, date=record.date,
               parents=record.parents, section=record.section, text=record.text,
               highlight=render(record.text, spans), fragment=fragment(record.text, spans),
               spans=tuple(spans), score=ranking.display_score(tier, score))


def _facet_values(store: DocStore, matched: frozenset[int]) -> dict[str, list[FacetValue]]:
    """Facets over the whole result set; years newest first, the rest by count."""
    counts = store.facets(matched)
    facets = {name: [FacetValue(v, c) for v, c in sorted(counter.items(),
                                                          key=lambda vc: (-vc[1], vc[0]))]
              for name, counter in counts.items()}
    facets["year"] = sorted(facets["year"], key=lambda f: f.value, reverse=True)
    return facets
