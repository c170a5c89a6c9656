"""Search: Query in, Results out — the one search function behind the CLI, the pages and the API.

The stages, one module each: querylang.py parses, matching.py finds the paragraphs with
their tiers (feedback.py adds the lowest tier for a rare topic word), scoring.py orders
them and cuts the page, hits.py turns the page into highlighted Hits and the whole result
set into facets. Here: the order of those steps, the query's parameters and the notices.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from searchapp.connections.copies import original_only
from searchapp.index.columns import FEW_BODIES
from searchapp.index.generation import EMPTY, FACETS_REMEMBERED, Generation
from searchapp.index.read import Index
from searchapp.model import GROUPS, SORTS, FacetValue, Query, ReportGroup, Results
from searchapp.search import feedback, hits, kinds, ranking, reports, scoring, suggest
from searchapp.search import querylang as ql
from searchapp.search.highlight import find_spans, render
from searchapp.search.matching import (
    OWN,
    PIECES,
    Leaf,
    compile_leaf,
    evaluate,
    profile_exclusions,
    quotation_forms,
    with_feedback,
)
from searchapp.text.normalize import normalize
from searchapp.text.synonyms import curated, expand

FEEDBACK_BELOW = 100  # the literal tiers found fewer paragraphs than this: add feedback
FEW_FOUND = 10  # paragraphs: fewer than a page, and the words are relaxed too (_widened)
MAX_PER_PAGE = 1000
MAX_DEPTH = 10_000  # the deepest result a page may reach (Elasticsearch's max_result_window)
DEADLINE_S = 2.0  # past this, the optional proximity pass stops and the page says so
SHOWN_CHARS = 20  # of a word a notice names (a query may be 200 characters of one word)


def run(index: Index, query: Query, weights: ranking.Weights = ranking.DEFAULT) -> Results:
    """Search the published generation; raises only the errors.IndexProblem kinds.
    `weights` is for tuning on judged queries (eval/tune.py); everyone else gets DEFAULT."""
    started = time.perf_counter()
    gen = index.generation()
    query = _clamped(query)
    parsed = ql.parse(query.q)
    weights = _asked(weights, parsed)
    node, leaves, matched, notices = _match(gen, parsed, query, weights)
    if _asks_nothing(node, query):
        return Results(query, 0, [], _facets(gen, EMPTY), _notice(notices))
    required = _all_and(parsed.node)  # a hit of the last resort then says what it lacks
    if query.group == "report":
        facets = _facets(gen, matched, parsed, query, leaves)
        return _grouped(gen, node, leaves, matched, query, weights, notices, started, facets,
                        required)
    if query.page * query.per_page > MAX_DEPTH:
        query = replace(query, page=max(1, MAX_DEPTH // query.per_page))
        notices.append(f"只能查看前 {MAX_DEPTH} 个结果，已转到第 {query.page} 页；"
                       "请添加检索词或筛选条件缩小范围。")
    if (query.page - 1) * query.per_page >= len(matched):  # past the last page: rank nothing
        ranked = []
    elif query.sort == "oldest":
        ranked = _oldest_first(gen, matched, list(leaves.values()), query, weights)
    else:
        deadline = time.perf_counter() + DEADLINE_S
        ranked = scoring.rank(gen, matched, list(leaves.values()), query, weights, deadline)
        if time.perf_counter() > deadline:
            notices.append("检索用时较长，部分结果未计算词语邻近程度。")
    notices += _found_notices(gen, node, leaves, matched, [t for _, t, _ in ranked[:1]], query)
    page = [hits.hit(gen, d, tier, score, leaves.values(), required)
            for d, tier, score in ranked]
    return Results(query, len(matched), page, _facets(gen, matched, parsed, query, leaves),
                   _notice(notices), _expanded(leaves), _ms(started))


def _grouped(gen: Generation, node: ql.Node | None, leaves: dict[int, Leaf],
             matched: np.ndarray, query: Query, weights: ranking.Weights,
             notices: list[str], started: float,
             facets: dict[str, list[FacetValue]], required: bool) -> Results:
    """The page by report: the matched paragraphs ranked (memoised per generation, so
    paging is cheap), grouped, and this page's reports turned into cards. Ranking stops at
    MAX_DEPTH paragraphs, as paging does; paragraphs past it follow in report order, so
    every report is still counted and reachable."""
    def rank_all(g: Generation) -> np.ndarray:
        head = replace(query, sort="relevance", page=1,
                       per_page=max(1, min(len(matched), MAX_DEPTH)))
        ranked = np.asarray([d for d, _, _ in scoring.rank(g, matched, list(leaves.values()),
                                                           head, weights)], np.int32)
        rest = np.setdiff1d(matched, ranked, assume_unique=True)
        return np.concatenate([ranked, rest[np.argsort(g.columns.tie[rest], kind="stable")]])
    key = f"grouped:{node!r}:{query.kind}:{query.doctype}:{query.original}:{weights!r}"
    ranked = gen.derived(key, rank_all) if len(matched) else EMPTY
    oldest = {"relevance": None, "date": False, "oldest": True}[query.sort]
    grouped = reports.group(gen, ranked, oldest)  # type: ignore[arg-type]
    start = (query.page - 1) * query.per_page
    page = grouped.reports[start:start + query.per_page]
    shown = [docs[:1 + reports.GROUP_SHOWN] for docs in page]
    every = np.sort(np.concatenate(shown)) if shown else EMPTY
    scored = scoring.rank(gen, every, list(leaves.values()),  # one call: scores for display
                          replace(query, sort="date", page=1, per_page=max(1, len(every))),
                          weights)
    by_doc = {d: (tier, score) for d, tier, score in scored}
    cards = []
    for docs, some in zip(page, shown, strict=True):
        card = [hits.hit(gen, d, *by_doc[d], leaves.values(), required)
                for d in some.tolist()]
        cards.append(ReportGroup(card[0], card[1:], len(docs)))
    tiers = [int(c.best.score) for c in cards[:1]]  # display_score: the tier + a fraction
    notices += _found_notices(gen, node, leaves, matched, tiers, query)
    return Results(query, len(matched), [c.best for c in cards], facets, _notice(notices),
                   _expanded(leaves), _ms(started), grouped.total, cards)


def _oldest_first(gen: Generation, matched: np.ndarray, leaves: list[Leaf], query: Query,
                  weights: ranking.Weights) -> list[tuple[int, int, float]]:
    """The page oldest report first (undated last), then in report order; scores only for
    display, as for newest first."""
    year = np.where(gen.year[matched] > 0, gen.year[matched], np.iinfo(np.int32).max)
    order = np.lexsort((gen.columns.tie[matched], gen.date[matched], year))
    wanted = query.page * query.per_page
    page = matched[order[wanted - query.per_page:wanted]]
    scored = scoring.rank(gen, page, leaves, replace(query, sort="date", page=1,
                                                     per_page=len(page)), weights)
    by_doc = {d: (tier, score) for d, tier, score in scored}
    return [(d, *by_doc[d]) for d in page.tolist()]


def _found_notices(gen: Generation, node: ql.Node | None, leaves: dict[int, Leaf],
                   matched: np.ndarray, best_tier: list[int], query: Query) -> list[str]:
    """没有段落同时包含… when the best hit lacks a word; 你是不是要找… when nothing matched."""
    notices = []
    if best_tier and query.page == 1 and query.sort == "relevance" \
            and best_tier[0] < OWN * len(leaves) and _all_and(node):
        words = "」「".join(p.text for p in ql.positives(node))
        notices.append(f"没有段落同时包含「{words}」，以下是含相关表述的段落。")
    if not len(matched) and node is not None:
        notices += _nothing_found(gen, node, leaves)
    return notices


def _match(gen: Generation, parsed: ql.Parsed, query: Query, weights: ranking.Weights,
           literal: bool = False
           ) -> tuple[ql.Node | None, dict[int, Leaf], np.ndarray, list[str]]:
    """(node, leaves, matched docnums, notices) of the query with its parameters; nothing
    matched when it asks for nothing. `literal`: every word as if written =word (no
    synonyms, pieces or feedback: what the timeline counts)."""
    node, notices = _with_parameters(parsed, query)
    if _asks_nothing(node, query):
        return node, {}, EMPTY, notices
    leaves = {id(p): compile_leaf(gen, replace(p, literal=True)
                                  if literal and isinstance(p, ql.Term) else p)
              for p in ql.positives(node)} if node else {}
    matched = _restricted(gen, evaluate(gen, node, leaves) if node else gen.live_docs, query)
    if not len(matched) and node is not None:
        node, leaves, missing = _without_missing_words(gen, node, leaves)
        if missing:
            matched = _restricted(gen, evaluate(gen, node, leaves), query)
            them = "它" if len(missing) == 1 else "它们"
            notices.append(_unwritten_notice(missing)
                           + (f"，以下是不含{them}的段落。" if len(matched) else "。"))
    if not len(matched) and node is not None and not literal:
        node, leaves, matched = _last_resort(gen, node, leaves, query, notices)
    without_feedback = len(matched)
    if len(matched) < FEEDBACK_BELOW and _feedback_applies(node) and not literal:
        leaves, matched = _add_feedback(gen, node, leaves, matched, weights)
        matched = _restricted(gen, matched, query)
    if 0 < len(matched) == without_feedback < FEW_FOUND and len(leaves) == 1 and not literal \
            and node is not None and not _narrowed(node, query):
        leaves, matched = _widened(gen, node, leaves, matched, query)
    return node, leaves, _original(gen, matched, query), notices


def _without_missing_words(gen: Generation, node: ql.Node, leaves: dict[int, Leaf]
                           ) -> tuple[ql.Node, dict[int, Leaf], list[str]]:
    """A query of several words, one of which no report writes in any form (新质生产力 REITs),
    finds nothing; a search engine says which word is missing and shows what the others
    find (Google's "Missing: REITs"). Only unquoted words ANDed at the top are dropped, never
    all of them, never a quoted phrase (asked for exactly), a filter or an excluded word."""
    parts = _conjuncts(node)
    words = [p for p in parts if isinstance(p, ql.Term | ql.Phrase)]
    missing = [p for p in words if isinstance(p, ql.Term) and not len(evaluate(gen, p, leaves))]
    if not missing or len(missing) == len(words):
        return node, leaves, []
    gone = {id(p) for p in missing}
    kept = [p for p in parts if id(p) not in gone]
    relaxed = kept[0] if len(kept) == 1 else ql.And(tuple(kept))
    return relaxed, {k: v for k, v in leaves.items() if k not in gone}, [p.text for p in missing]


def _last_resort(gen: Generation, node: ql.Node, leaves: dict[int, Leaf], query: Query,
                 notices: list[str]) -> tuple[ql.Node, dict[int, Leaf], np.ndarray]:
    """(node, leaves, matched) for a query no tier finds, since zero results are a last
    resort: first its words relaxed (_relaxed), then, for words each written somewhere but
    never together, any of them (_any_word); each says so in `notices`. Nothing matched when
    neither finds anything."""
    widened = _relaxed(gen, node, leaves)
    found = _restricted(gen, evaluate(gen, node, widened), query) if widened else EMPTY
    if len(found):
        notices += _suggestions(gen, node)
        return node, widened, found
    anyword, words = _any_word(node)
    found = _restricted(gen, evaluate(gen, anyword, leaves), query) if words else EMPTY
    if len(found):
        notices.append(f"没有段落同时包含「{'」「'.join(words)}」，以下是只含其中部分词语的段落。")
        return anyword, leaves, found
    return node, leaves, EMPTY


def _widened(gen: Generation, node: ql.Node, leaves: dict[int, Leaf], matched: np.ndarray,
             query: Query) -> tuple[dict[int, Leaf], np.ndarray]:
    """Leaves and matches for a one-word query that finds less than a page, feedback words
    included: the word relaxed too (_relaxed), if that finds more, the parts only relaxing
    takes scored below the usual ones. Less than a page is nearly as bad as nothing:
    央地财政关系 is written nowhere and its pieces stand together in 3 paragraphs, while 26
    about it say 中央和地方财政事权 or 收入划分 without 关系 (nDCG@10 0.12 → 0.52). On the
    2016–2025 slice (1,228 paragraphs) 10 judged queries gain and none loses (+0.010), on the
    seeds alone 7 and none (+0.014). Not when feedback words found more: their paragraphs
    share the topic's vocabulary, a relaxed part's may share a word (粮食收购 for 粮食安全).
    Not for several words: that they rarely stand together is the answer (乡村振兴 营商环境
    gained 23 paragraphs of 乡村振兴 beside 人居环境), and every judged query it helped is one
    word."""
    widened = {key: _marked(leaf, leaves[key])
               for key, leaf in _relaxed(gen, node, leaves).items()}
    found = _restricted(gen, evaluate(gen, node, widened), query) if widened else EMPTY
    return (widened, found) if len(found) > len(matched) else (leaves, matched)


def _marked(leaf: Leaf, before: Leaf) -> Leaf:
    """`leaf` with the alternatives `before` lacked marked wider (scored below the rest)."""
    usual = set(before.alternatives)
    return replace(leaf, alternatives=tuple(
        a if a in usual else replace(a, wider=True) for a in leaf.alternatives))


def _narrowed(node: ql.Node, query: Query) -> bool:
    """A region, year, level, section, kind or document type asked for: few results then
    say the reader narrowed the search (营商环境 in one report, a column of the comparison),
    not that the reports word it otherwise."""
    if query.kind or query.doctype:
        return True
    if isinstance(node, ql.Filter):
        return True
    children = node.children if isinstance(node, ql.And | ql.Or) else \
        (node.child,) if isinstance(node, ql.Not) else ()
    return any(_narrowed(child, query) for child in children)


def _relaxed(gen: Generation, node: ql.Node, leaves: dict[int, Leaf]) -> dict[int, Leaf]:
    """The leaves compiled relaxed (matching.compile_leaf: pieces in up to a tenth of the
    paragraphs as parts, an unwritten piece by its inferred long forms), or {} when that
    changes no word. A small corpus (the two seed reports: 191 paragraphs) holds no piece
    rare enough for the usual part, so 应急管理 found nothing though two paragraphs are
    about 应急演练 and 应急处置."""
    widened = {id(p): compile_leaf(gen, p, relaxed=True) for p in ql.positives(node)
               if isinstance(p, ql.Term) and not p.literal and id(p) in leaves}
    changed = {k: leaf for k, leaf in widened.items() if leaf != leaves[k]}
    return {**leaves, **changed} if changed else {}


def _any_word(node: ql.Node) -> tuple[ql.Node, list[str]]:
    """The query with its words ORed (filters and excluded words kept), and the words; no
    words when it has fewer than two. For words each written somewhere but never together
    (耕地 保护 in the two seed reports): a paragraph with some of them beats an empty page,
    and the tiers rank those with more of them first."""
    parts = _conjuncts(node)
    words = [p for p in parts if isinstance(p, ql.Term | ql.Phrase)]
    if len(words) < 2:
        return node, []
    rest = [p for p in parts if not isinstance(p, ql.Term | ql.Phrase)]
    anyword = ql.Or(tuple(words))
    return (ql.And((anyword, *rest)) if rest else anyword), [w.text for w in words]


def _asked(weights: ranking.Weights, parsed: ql.Parsed) -> ranking.Weights:
    """The weights, with the proximity bonus when the reader asked for the words close
    together ("乡村 振兴"~5): on the judged set it helps no query that did not ask."""
    if parsed.near and not weights.proximity:
        return replace(weights, proximity=ranking.ASKED_PROXIMITY)
    return weights


def _asks_nothing(node: ql.Node | None, query: Query) -> bool:
    """No words, no filters: every filter alone lists its paragraphs, but nothing lists none."""
    return node is None and not (query.kind or query.doctype)


def _restricted(gen: Generation, matched: np.ndarray, query: Query) -> np.ndarray:
    """Only the paragraphs of the section kind and document type asked for."""
    for facet, wanted in ((kinds.kind_facet(gen), query.kind),
                          (reports.doctype_facet(gen), query.doctype)):
        if wanted:
            matched = matched[facet.ids[matched] == facet.values.index(wanted)]
    return matched


def _original(gen: Generation, matched: np.ndarray, query: Query) -> np.ndarray:
    """只看本地原创表述: without the paragraphs mostly copied from a higher level. Applied
    after feedback, so the filter hides paragraphs but does not change what the words mean."""
    return original_only(gen, matched) if query.original else matched


def _facets(gen: Generation, matched: np.ndarray, parsed: ql.Parsed | None = None,
            query: Query | None = None, leaves: dict[int, Leaf] | None = None
            ) -> dict[str, list[FacetValue]]:
    """Region, year, level and top section (hits.py), then section kind and document type
    in their fixed order. Region and level are multi-select: each is counted as if its own
    choice were not made, so the sidebar keeps offering the others to add."""
    facets = dict(_counted(gen, matched))  # a copy: a large set's counts are kept
    for name in ("region", "level"):
        if query is not None and parsed is not None and getattr(query, name):
            node, _ = _with_parameters(parsed, replace(query, **{name: ()}))
            docs = evaluate(gen, node, leaves or {}) if node else gen.live_docs
            docs = _original(gen, _restricted(gen, docs, query), query)
            facets[name] = hits.facet_values(gen, docs)[name]
    return facets


def _counted(gen: Generation, matched: np.ndarray) -> dict[str, list[FacetValue]]:
    """Every facet of a result set; those of a large set are kept for this generation
    (paging, sorting and the grouped view count the same set again: 8–18 ms for 发展 at
    200×)."""
    if len(matched) < FACETS_REMEMBERED:
        return _count_facets(gen, matched)
    key = f"facets-all:{len(matched)}:{hash(np.asarray(matched, np.int32).tobytes())}"
    return gen.derived(key, lambda g: _count_facets(g, matched))  # type: ignore[return-value]


def _count_facets(gen: Generation, matched: np.ndarray) -> dict[str, list[FacetValue]]:
    facets = hits.facet_values(gen, matched)
    for name, facet in (("kind", kinds.kind_facet(gen)), ("type", reports.doctype_facet(gen))):
        counts = np.bincount(facet.ids[matched] + 1, minlength=len(facet.values) + 1)[1:]
        facets[name] = [FacetValue(v, int(c)) for v, c in zip(facet.values, counts.tolist(),
                                                               strict=True) if c]
    return facets


def _expanded(leaves: dict[int, Leaf]) -> list[str]:
    return list(dict.fromkeys(e for leaf in leaves.values() for e in leaf.expansions))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@dataclass(frozen=True)
class Selection:
    """Every paragraph a query matches, before any page is cut: what the research tools
    (export, timeline, compare) walk, found by the same steps as run(), so their totals
    are the page's."""

    gen: Generation
    matched: np.ndarray  # sorted docnums
    leaves: list[Leaf]
    expanded: list[str]  # synonyms also searched
    notice: str | None


def select(index: Index, query: Query, literal: bool = False,
           weights: ranking.Weights = ranking.DEFAULT) -> Selection:
    """The whole result set of `query` (its page and per_page are ignored); `literal`: every
    word as if written =word (no synonyms, pieces or feedback: what the timeline counts)."""
    gen = index.generation()
    parsed = ql.parse(query.q)
    _, leaves, matched, notices = _match(gen, parsed, query, _asked(weights, parsed), literal)
    return Selection(gen, matched, list(leaves.values()), _expanded(leaves), _notice(notices))


def ranked(selection: Selection, sort: str = "relevance",
           weights: ranking.Weights = ranking.DEFAULT) -> np.ndarray:
    """All of the selection's docnums in result order (the order run() pages through)."""
    gen, matched = selection.gen, selection.matched
    if not len(matched):
        return EMPTY
    if sort == "oldest":  # as _oldest_first: oldest report first (undated last), report order
        year = np.where(gen.year[matched] > 0, gen.year[matched], np.iinfo(np.int32).max)
        return matched[np.lexsort((gen.columns.tie[matched], gen.date[matched], year))]
    everything = Query(sort=sort if sort in SORTS else SORTS[0], page=1,
                       per_page=len(matched))
    order = scoring.rank(selection.gen, selection.matched, selection.leaves, everything,
                         weights)
    return np.fromiter((d for d, _, _ in order), dtype=np.int32, count=len(order))


def warm(index: Index) -> int:
    """Open the index's columns, stored fields and jieba's dictionary now, so the first
    user's query doesn't pay for them; returns the number of paragraphs. Also reads the
    word index's table of contents (a worker reopens Whoosh's reader from it: 0.3 ms, not
    1.5; the server closes the reader itself before forking)."""
    gen = index.generation()
    ranking.columns_of(gen)
    gen.pieces("预热")
    gen.word_doc_frequency("预热")
    feedback.warm(gen)  # the common words' statistics, for every query's profile
    if gen.size:
        gen.record(int(gen.live_docs[0]))  # reads a first record (columns, reports.json)
        # numpy.ma and the UTF-16 codec load on first use: ~30 ms of a worker's first query
        # otherwise (more bodies than texts() reads one at a time, so its numpy path runs)
        texts, _, _ = gen.slices(gen.live_docs[:FEW_BODIES + 1])
        list(texts)
    return gen.size


def mark(text: str, q: str) -> str:
    """Escaped `text` with <mark> around the query's words (also with quotation marks
    between their words, as the search finds them: “十四五”规划), phrases and curated
    synonyms."""
    body, needles = normalize(text), []
    for positive in ql.positives(ql.parse(q).node):
        word = normalize(positive.text)
        needles.append(word)
        if isinstance(positive, ql.Term) and not positive.literal:
            needles.extend(normalize(e) for e in expand(positive.text, curated()))
            needles.extend(form for _, _, form in quotation_forms(word, range(1, len(word)))
                           if form in body)
    return render(text, find_spans(body, needles))


# --- compiling the query ---------------------------------------------------------------------

def _clamped(query: Query) -> Query:
    page = max(1, query.page)
    per_page = min(max(1, query.per_page), MAX_PER_PAGE)
    sort = query.sort if query.sort in SORTS else SORTS[0]
    group = query.group if query.group in GROUPS else GROUPS[0]
    return replace(query, page=page, per_page=per_page, sort=sort, group=group)


def _with_parameters(parsed: ql.Parsed, query: Query) -> tuple[ql.Node | None, list[str]]:
    """The parsed query ANDed with the region/year/level/section parameters."""
    notices = [parsed.notice] if parsed.notice else []
    extra: list[ql.Node] = []
    for name in ("region", "year", "level", "section"):
        value = getattr(query, name)
        either: list[ql.Node] = []  # region and level may name several: any of them
        for one in value if isinstance(value, tuple) else (value,) if value else ():
            try:
                either.append(ql.parse_filter(name, one))
            except ql.QuerySyntaxError as error:
                notices.append(f"{error}，已忽略该条件。")
        if either:
            extra.append(either[0] if len(either) == 1 else ql.Or(tuple(either)))
    parts = ([parsed.node] if parsed.node is not None else []) + extra
    node = parts[0] if len(parts) == 1 else ql.And(tuple(parts)) if parts else None
    return node, notices


def _feedback_applies(node: ql.Node | None) -> bool:
    """Unquoted words with expansion on, all required (中小企业 融资), perhaps narrowed by
    region, year or other filters: the query a reader types for a topic. Not for phrases,
    `=word`, OR or NOT: those say exactly what to find."""
    parts = _conjuncts(node) if node is not None else []
    words = [p for p in parts if not isinstance(p, ql.Filter)]
    return bool(words) and all(isinstance(w, ql.Term) and not w.literal for w in words)


def _conjuncts(node: ql.Node) -> list[ql.Node]:
    """The nodes ANDed together at the top (a query's words and the page's filters)."""
    if isinstance(node, ql.And):
        return [part for child in node.children for part in _conjuncts(child)]
    return [node]


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
    own, searched = profile_exclusions(list(leaves.values()))
    terms = gen.derived(f"feedback:{node!r}", lambda g: feedback.feedback_terms(
        g, np.asarray(top, dtype=np.int32), own, searched))
    if len(terms) < 2:
        return leaves, matched
    # every word may be stood for by the feedback words: a paragraph holding two of them
    # matches the whole query, below every paragraph that holds the query's own words
    leaves = {key: with_feedback(leaf, terms) for key, leaf in leaves.items()}
    return leaves, evaluate(gen, node, leaves)


def _nothing_found(gen: Generation, node: ql.Node, leaves: dict[int, Leaf]) -> list[str]:
    """你是不是要找… with the index's words one character away; without any, which unquoted
    words (or pieces of a word: REITs of REITs试点) no report writes."""
    offers = _suggestions(gen, node)
    if offers:
        return offers
    absent = [word for p in ql.positives(node) if isinstance(p, ql.Term) and id(p) in leaves
              for word in _unwritten(gen, p.text, leaves[id(p)])]  # a phrase is as asked
    return [_unwritten_notice(absent) + "。"] if absent else []


def _suggestions(gen: Generation, node: ql.Node) -> list[str]:
    """你是不是要找… with the index's words one character away from an unwritten word, and the
    spellings with other punctuation of an unwritten quoted phrase; [] when there are none."""
    words = [normalize(p.text) for p in ql.positives(node) if isinstance(p, ql.Term)]
    offers = [s for w in words if not len(gen.literal(w))
              for s in gen.derived(f"suggest:{w}", lambda g, w=w: suggest.suggestions(g, w))]
    phrases = [normalize(p.text) for p in ql.positives(node) if isinstance(p, ql.Phrase)]
    offers += [f'"{s}"' for p in phrases if not len(gen.literal(p))
               for s in gen.derived(f"punctuated:{p}", lambda g, p=p: suggest.punctuated(g, p))]
    return [f"你是不是要找：{'、'.join(offers)}？"] if offers else []


def _unwritten_notice(words: list[str]) -> str:
    shown = (w if len(w) <= SHOWN_CHARS else w[:SHOWN_CHARS] + "…" for w in words)
    return f"报告中没有「{'」「'.join(shown)}」"


def _unwritten(gen: Generation, typed: str, leaf: Leaf) -> list[str]:
    """The word as typed if no report writes it, or its pieces no report writes (as typed:
    the normalised text maps character for character onto it)."""
    own = leaf.alternatives[0].needles[0]
    if len(gen.literal(own)):
        return []
    pieces = [a.needles for a in leaf.alternatives if a.tier == PIECES and not a.respelled]
    folded = normalize(typed)
    unwritten = [typed[at:at + len(n)] for n in (pieces[0] if pieces else ())
                 if not len(gen.literal(n)) for at in [folded.find(n)] if at >= 0]
    return unwritten if unwritten and len(unwritten) < len(pieces[0]) else [typed]


def _all_and(node: ql.Node | None) -> bool:
    """Every word is required (no OR): then the best tier says whether all were found."""
    if isinstance(node, ql.And):
        return all(_all_and(c) for c in node.children)
    return not isinstance(node, ql.Or)


def _notice(notices: list[str]) -> str | None:
    return " ".join(notices) or None


