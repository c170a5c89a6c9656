"""Scoring the matched paragraphs: tiers first, then BM25F with the substance weights
(ranking.py), then proximity where it can change the page; the requested page in order.

Paragraphs are ordered by the sum of their words' tiers (own word > synonym > pieces >
part > feedback), then by score, then by (doc, n), so the same query on the same index
always returns the same pages.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

import numpy as np

from searchapp.index.generation import Generation
from searchapp.model import Query
from searchapp.search import feedback, kinds, ranking
from searchapp.search.matching import (
    EXPANSION,
    FEEDBACK,
    OWN,
    PART,
    PIECES,
    RELAXED_MAX_SHARE,
    SECTION,
    Alternative,
    Leaf,
    alternative_set,
    profile_exclusions,
    word_pieces,
)

WEIGHTS = {OWN: 1.0, EXPANSION: 0.6, PIECES: 0.4, SECTION: 0.35, PART: 0.3,
           FEEDBACK: 0.2}  # by tier
WIDER = 0.1  # score factor of a part only relaxed matching takes (Alternative.wider): a
#             part scores 1–2, so its paragraphs come after those of the usual parts
TERM_MAX = 40  # characters of a glossary entry that may hold its term, before the colon
_TERM = re.compile("[:：]")
RERANK_DEPTH = 200  # the best this many by plain BM25F are scored with every feature (500,
#                    100 and 50 judged the same on the 299 queries; 200 keeps Recall@100:
#                    100 lost 0.001, and a query's first run reads 300 texts fewer)
COHERENT_HEAD = 100  # the best this many are scaled by coherence, whatever the page's size:
#                     a page of 50 and the export of every result agree on their order
PROFILED = 10  # the best hits whose shared words are the topic's vocabulary (coherence):
#                on the 68 judged queries 10 > 15 > 20 > 5 (0.818, 0.815, 0.815, 0.805), on the
#                12 judged last 0.859 against 0.831 with 20; the halves disagreed (20 / 10)
REMEMBERED = 20_000  # matches: the first page of a result set this large is kept for this
#                      generation (发展 at 200×: ~75 ms of ranking over 600,000 matches)


@dataclass
class Scored:
    """Per matched paragraph (aligned with the sorted docnums): summed tiers and scores, and
    which alternative of each leaf it matched best (-1: none), for proximity and marks."""

    docs: np.ndarray
    tier: np.ndarray
    score: np.ndarray
    best: list[np.ndarray]  # per leaf


def rank(gen: Generation, matched: np.ndarray, leaves: list[Leaf], query: Query,
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
    if len(matched) >= REMEMBERED and wanted <= RERANK_DEPTH:
        key = (f"rank:{leaves!r}:{weights!r}:{wanted}:{len(matched)}:"
               f"{hash(np.asarray(matched, np.int32).tobytes())}")
        known = gen.derived(key, lambda g: _ranked(g, matched, leaves, query, weights,
                                                   deadline, 0))
        if time.perf_counter() > deadline:  # proximity was cut short: not for keeping
            gen.forget(key)
        return known[wanted - query.per_page:wanted]  # type: ignore[index]
    return _ranked(gen, matched, leaves, query, weights, deadline, wanted - query.per_page)


def _ranked(gen: Generation, matched: np.ndarray, leaves: list[Leaf], query: Query,
            weights: ranking.Weights, deadline: float, start: int
            ) -> list[tuple[int, int, float]]:
    """rank() by relevance, results start..wanted: the best RERANK_DEPTH by plain BM25F
    rescored with every feature, proximity where it can change the first `wanted`; then
    the rest in plain order if asked."""
    wanted = query.page * query.per_page
    plain = replace(weights, passing=0.0, topic=0.0, figure=0.0, boundary=1.0)
    scored = _base_scores(gen, matched, leaves, plain)
    tie = gen.columns.tie[matched]
    head = _top(scored.tier, scored.score, tie, RERANK_DEPTH)
    refined = _base_scores(gen, matched[head], leaves, weights, refine=True)
    if weights.coherence and len(leaves) == 1:
        refined.score *= 1.0 + weights.coherence * coherence(
            gen, refined, leaves, tie[head], COHERENT_HEAD)
    if weights.proximity and _proximity_matters(leaves):
        # exact for the first `wanted`, all the page is cut from; asked for the whole head,
        # the visit read every paragraph of it whenever the page was settled early
        _add_proximity(gen, refined, leaves, min(wanted, len(head)), deadline,
                       weights.proximity)
    scored.score[head] = refined.score
    order = head[np.lexsort((tie[head], -refined.score, -refined.tier))]
    if wanted > len(order):  # past the reranked head: the rest in plain BM25F order
        rest = np.setdiff1d(np.arange(len(matched)), head, assume_unique=True)
        more = _top(scored.tier[rest], scored.score[rest], tie[rest], wanted - len(order))
        order = np.concatenate([order, rest[more]])
    return [(int(matched[i]), int(scored.tier[i]), float(scored.score[i]))
            for i in order[start:wanted]]


def coherence(gen: Generation, scored: Scored, leaves: list[Leaf], tie: np.ndarray,
              reach: int) -> np.ndarray:
    """Per paragraph of `scored`: the share (0–1, by weight) of the best hits' vocabulary it
    holds — feedback.profile of the first PROFILED paragraphs of the best tier — for the
    first `reach` paragraphs (0 for the others: scaled up, those stay above them). Their
    texts are searched for the words (16 finds in each of a hundred paragraphs: under a
    millisecond at any corpus size; looking each word up in the index instead cost
    0.3–0.8 ms on a query's first run, more as the corpus grows).

    Of the paragraphs that say a word, one about the topic (营商环境 with 审批, 许可, 企业开办,
    政务服务) shares the words of the others about it; a passing mention (…、营商环境、… in
    a paragraph on 对外开放) sits among another topic's words. Only for one word or phrase:
    the paragraphs holding several words mix their topics, and the judged two-word queries
    lost 0.02 nDCG@10 with it."""
    if not len(scored.docs):
        return np.zeros(0)
    best = int(scored.tier.max())
    top = _top(scored.tier, scored.score, tie, PROFILED)
    top = scored.docs[top[scored.tier[top] == best]]
    own, searched = profile_exclusions(leaves)
    key = f"profile:{sorted(own)}:{sorted(searched)}:{top.tobytes().hex()}"
    words: dict[str, float] = gen.derived(  # type: ignore[assignment]
        key, lambda g: feedback.profile(g, top, own, searched))
    held = np.zeros(len(scored.docs))
    if not words:
        return held
    first = _top(scored.tier, scored.score, tie, reach)
    docs = scored.docs[first]
    held[first] = gen.derived(  # type: ignore[index]  # the next page, sort or visit: kept
        f"coherent:{key}:{docs.tobytes().hex()}", lambda g: _holding(g, docs, words))
    return held / sum(words.values())


def _holding(gen: Generation, docs: np.ndarray, words: dict[str, float]) -> np.ndarray:
    """The summed weights of the `words` each of `docs` holds."""
    texts, starts, ends = gen.slices(docs)
    return np.fromiter((sum(weight for word, weight in words.items()
                            if text.find(word, start, end) >= 0)
                        for text, start, end in zip(texts, starts, ends, strict=True)),
                       dtype=np.float64, count=len(docs))


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
                 weights: ranking.Weights, refine: bool = False) -> Scored:
    """Summed over leaves: each leaf's best alternative (highest tier, then BM25F).
    `refine`: `matched` is the reranked head (a few hundred paragraphs), scored with the
    mention features computed on these paragraphs alone."""
    scored = Scored(matched, np.zeros(len(matched), np.int64),
                    np.zeros(len(matched), np.float64), [])
    for leaf in leaves:
        tier, score, best = _leaf_scores(gen, leaf, matched, weights, refine)
        present = best >= 0
        scored.tier += np.where(present, tier, 0)
        scored.score += np.where(present, score, 0.0)
        scored.best.append(best)
    return scored


def _leaf_scores(gen: Generation, leaf: Leaf, matched: np.ndarray, weights: ranking.Weights,
                 refine: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per matched paragraph: tier, score and index of the leaf's best alternative there.
    Tiers never increase along leaf.alternatives: a later one wins only within its tier."""
    tier = np.full(len(matched), -1, dtype=np.int64)
    score = np.zeros(len(matched), dtype=np.float64)
    best = np.full(len(matched), -1, dtype=np.int64)
    for i, alternative in enumerate(leaf.alternatives):
        found = alternative_set(gen, alternative)
        at = np.flatnonzero(gen.members(matched, found))
        values = _alternative_scores(gen, alternative, matched[at], weights, refine)
        wins = (tier[at] < 0) | ((tier[at] == alternative.tier) & (values > score[at]))
        at, values = at[wins], values[wins]
        tier[at], score[at], best[at] = alternative.tier, values, i
    return tier, score, best


def _alternative_scores(gen: Generation, alternative: Alternative, docs: np.ndarray,
                        weights: ranking.Weights, refine: bool) -> np.ndarray:
    """Weighted BM25F of the alternative in each of `docs` (all holding it); computed for
    these paragraphs only, so the cost follows the result set, not the word. The mention
    features read the text of each paragraph, so they are computed only when `refine`
    (the reranked head: a bounded number of paragraphs)."""
    total = np.zeros(len(docs), dtype=np.float64)
    echoing = np.zeros(len(docs), dtype=np.float64)
    columns = ranking.columns_of(gen, weights)
    for needle in alternative.needles:
        if alternative.tier == PIECES:  # may be common: estimate, don't look up
            counts = gen.per_doc(needle, docs, _counts)  # read bodies: the same set repeats
            doc_freq = gen.doc_freq_estimate(needle)
        elif alternative.tier == FEEDBACK or (alternative.tier in (PART, SECTION) and
                                              needle != alternative.needles[0]):
            # scored as PIECES, but not in every paragraph: a feedback word, or the pieces
            # riding along with a word's part or heading (matching.compile_leaf)
            counts, doc_freq = _held_counts(gen, needle, docs), gen.doc_freq_estimate(needle)
        elif alternative.tier == SECTION:  # scored by the section path alone
            counts, doc_freq = np.zeros(len(docs)), len(gen.literal(needle))
        else:
            holding = gen.literal(needle)
            counts, doc_freq = gen.body_counts(needle, docs, holding), len(holding)
            if refine and weights.echo and alternative.tier in (OWN, EXPANSION) \
                    and len(alternative.needles) == 1:
                echoing += _echoes(gen, needle, docs, counts, columns, weights.k1)
            if refine and (weights.passing or weights.topic or weights.figure):
                passing, topic, figured = gen.per_doc(needle, docs, ranking.mentions)
                counts = ranking.effective_counts(counts, passing, topic, figured, weights)
        score = ranking.bm25f(needle, docs, counts, columns, doc_freq, gen.size, weights.k1)
        if refine and weights.boundary != 1.0 and alternative.tier in (OWN, EXPANSION, PART) \
                and doc_freq <= ranking.WHOLE_WORD_MAX:
            checked = docs[:ranking.WHOLE_WORD_HEAD]  # the best of the head: the first pages
            whole = np.ones(len(docs), dtype=bool)
            whole[:len(checked)] = gen.per_doc(needle, checked, ranking.whole_word_mask)
            score *= np.where(whole, 1.0, weights.boundary)
        total += score
    if weights.heading != 1.0:
        total *= np.where(gen.heading[docs], weights.heading, 1.0)
    if alternative.covers > 1:  # a run of the word's units says more of it than one piece:
        total *= alternative.covers  # 政务服务 of 政务服务便利化 before 便利化 (贸易便利化)
    if weights.glossary != 1.0:
        total *= np.where(_explaining_another(gen, alternative.needles[0], docs),
                          weights.glossary, 1.0)
    riding = np.zeros(len(docs), dtype=np.float64)
    for needle in alternative.riders:  # the reader's own pieces count as the reader's words
        riding += ranking.bm25f(needle, docs, _held_counts(gen, needle, docs), columns,
                                gen.doc_freq_estimate(needle), gen.size, weights.k1)
    scale = WIDER if alternative.wider else 1.0
    return scale * (WEIGHTS[alternative.tier] * total + WEIGHTS[OWN] * riding
                    + weights.echo * echoing)


def _echoes(gen: Generation, needle: str, docs: np.ndarray, said: np.ndarray,
            columns: list[ranking.Column], k1: float) -> np.ndarray:
    """BM25F of the word's pieces said again beyond the word itself, per paragraph of `docs`
    (`said`: the word's own occurrences). A paragraph about 海洋经济 goes on about 海洋
    (海洋战略, 海洋环境, 海洋权益), one about 社会信用体系 about 信用 (信用信息, 失信惩戒); a
    passing mention names the word once and moves on. Pieces in more than RELAXED_MAX_SHARE of
    the paragraphs say nothing (发展, 建设); counted in these bodies only (kept per paragraph,
    as the pieces' tier's), with the grams' document frequency, so no piece's paragraphs are
    looked up."""
    total = np.zeros(len(docs), dtype=np.float64)
    for piece in word_pieces(gen, needle):
        doc_freq = gen.doc_freq_estimate(piece)
        if not doc_freq or doc_freq > RELAXED_MAX_SHARE * gen.size:
            continue
        again = np.maximum(gen.per_doc(piece, docs, _counts) - said * needle.count(piece), 0.0)
        total += ranking.bm25f(piece, docs, again, columns, doc_freq, gen.size, k1)
    return total


def _explaining_another(gen: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
    """Per paragraph of `docs`: a glossary entry whose term (before its first colon) is not
    the word sought. Weighted like a heading: an entry defines, it reports no measures; in
    the judged set 31 of 32 entries holding a query's word were passing mentions, and the
    one that was not (“六最”营商环境：指… for 营商环境) is the word's own entry."""
    facet = kinds.kind_facet(gen)
    entries = np.flatnonzero(facet.ids[docs] == kinds.KINDS.index(kinds.GLOSSARY))
    another = np.zeros(len(docs), dtype=bool)
    if len(entries):
        texts, starts, ends = gen.slices(docs[entries])
        another[entries] = [needle not in _TERM.split(text[start:min(end, start + TERM_MAX)])[0]
                            for text, start, end in zip(texts, starts, ends, strict=True)]
    return another


def _counts(gen: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
    return gen.body_counts(needle, docs)


def _held_counts(gen: Generation, needle: str, docs: np.ndarray) -> np.ndarray:
    """Occurrences of a feedback word in each of `docs`, where most hold another of the
    words, not this one. Its paragraphs were found to match the tier (memoised), so only
    those are read, and their counts are kept for the word: the reranked head, in another
    order, reads nothing again (16 words over 80 paragraphs, both passes: 10 → 3 ms)."""
    holding = gen.literal(needle)
    inside = np.flatnonzero(gen.members(docs, holding))
    counts = np.zeros(len(docs), dtype=np.float64)
    counts[inside] = gen.body_counts(needle, docs[inside], holding)
    return counts


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
