"""Which paragraphs a query matches: leaves with tiered alternatives, boolean set algebra.

A positive word becomes a Leaf whose alternatives are tried in tier order:
  OWN        the user's own word or phrase, as a literal substring (exact by construction),
             and an unquoted word also as the reports write it with quotation marks
             between two of its words (“十四五”规划 for 十四五规划)
  EXPANSION  its synonyms/abbreviations, literally (curated table + pairs mined from the corpus
             + long forms of a short word inferred from the corpus: abbreviations.py), and
             a compound respelled with a piece's long form (民营企业融资 for 民企融资)
  PIECES     its jieba pieces, all present and close together (乡村全面振兴 for 乡村振兴),
             or with one piece respelled (民营企业…融资 for 民企融资), or, where they never
             stand close, cut finer (农民工…子女…教育 for 农民工子女教育); and, when the word
             and its long forms fill less than a page, a long form's pieces close together
             (电力、油气等体制改革 for 电力体制改革, for 电改)
  SECTION    the word itself in a heading above the paragraph, not in the paragraph: the
             paragraphs under （二）着力优化营商环境 treat the topic without repeating it
             (以简审批优服务便利投资兴业…), and a run-in heading split from its paragraph
             (（二）持续优化营商环境。深化…) leaves the paragraph without it; so does a heading
             naming it by an expansion (扎实有效去产能… under 深入推进供给侧结构性改革 for
             供给侧改革: Recall@100 0.620 → 0.817 there, +0.0006 on the judged set); below the
             word's own pieces, since a heading may name two topics (稳外贸稳外资): its parts
             and pieces ride along as scoring needles, so the paragraphs under it that say
             外资 come before those about 外贸
  PART       one part of it, for when reports use other words: each part of a multi-part
             expansion (碳达峰 or 碳中和 for 双碳), and each of the word's pieces specific
             enough to stand alone (民营 of 民营经济 finds 民营企业; 节水 of 节水农业 finds
             节水灌溉; 养老金 and 上调 of 养老金上调), chosen by rarity in this index, not
             from a list, the pieces' long forms (个人所得税 of 个税改革), and runs of a long
             compound's pieces (国土空间 of 国土空间规划); the other pieces ride along as
             needles that score but do not have to be there
  FEEDBACK   at least two of the words the best hits share (feedback.py), added by search
             only when the tiers above find few paragraphs
When all of that finds less than a page, search compiles the word relaxed (its pieces in up
to RELAXED_MAX_SHARE as parts) and the parts only relaxing takes score below the usual ones.
A lower tier never pushes a higher one down (search.py orders by tier first), so each
tier only adds recall below what the reader literally asked for.
`=word` and "quoted phrases" have OWN only, and so do excluded words: `-乡村振兴`
must not throw out every paragraph that merely mentions 乡村.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import permutations

import numpy as np

from searchapp.index.generation import Facet, Generation, mask
from searchapp.search import querylang as ql
from searchapp.search import ranking
from searchapp.search.abbreviations import counted_items, counted_lists, counted_rest, long_forms
from searchapp.text.normalize import normalize
from searchapp.text.synonyms import expand

OWN, EXPANSION, PIECES, SECTION, PART, FEEDBACK = 5, 4, 3, 2, 1, 0
PART_MAX_SHARE = 0.02  # a piece in more paragraphs than this is not specific enough alone
FEW_PARAGRAPHS = 50  # an expansion's part in no more paragraphs is specific in any corpus
ALONE_MAX_SHARE = 0.05  # the same for the one word beside single characters (外资 of 稳外资)
RELAXED_MAX_SHARE = 0.1  # a piece in more paragraphs says nothing even as a last resort (建设,
#                          发展, 企业: 14–25 % of the seeds' paragraphs; 管理, 就业: 4 %)
_PART_SPLIT = re.compile(r"[、，,；;\s]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9&.+-]*")
_COUNTING = re.compile(r"[一二两三四五六七八九十百千万][\u4e00-\u9fff]")  # 三大 (三大工程): a count
RESPELLED_FORMS = 3  # long forms tried per piece of a compound (医保: 医疗保险, 医疗保障, …)
PIECES_MAX_GAP = 6  # characters allowed between consecutive pieces (乡村全面振兴: 2)
A_PAGE = 10  # paragraphs: a word and its long forms filling fewer leave the first page open
QUOTES_BETWEEN = ("”", "“", "”“", '"', '""', "」", "「", "」「", "’", "‘")  # how quotation
#                 marks stand between two words of a term as the normalised text keeps them:
#                 “十四五”规划, 实施“十四五”, 「十四五」规划, ‘放管服’改革 inside a quotation


@dataclass(frozen=True)
class Alternative:
    needles: tuple[str, ...]  # normalised strings that must all occur in the body
    tier: int
    respelled: bool = False  # the word's pieces with a long form for one of them
    covers: int = 1  # of a part: how many of the word's units it holds (国土空间 of
    #                  国土|空间|规划: 2), which scales its score (scoring.py)
    riders: tuple[str, ...] = ()  # of feedback words: the word's own pieces, scored where a
    #                               paragraph holds them, never required (with_feedback)
    wider: bool = False  # a part only relaxed matching takes (searching._widened): it
    #                      scores below the word's usual parts, whose paragraphs come first


@dataclass(frozen=True)
class Respelling:
    """One piece of a compound replaced by one of its long forms (民营企业 for 民企)."""

    piece: int  # its index in the word's pieces
    form: str
    whole: str | None  # the whole word so respelled, when the reports write it
    standing: bool = True  # the form alone is a part (matching._parts)

    def pieces(self, pieces: tuple[str, ...]) -> tuple[str, ...]:
        return (*pieces[:self.piece], self.form, *pieces[self.piece + 1:])


@dataclass(frozen=True)
class Leaf:
    alternatives: tuple[Alternative, ...]
    expansions: tuple[str, ...]  # as written in the synonym table, for Results.expanded
    word: str = ""  # as the reader typed it (AI, not the needle ai), for the hit's note


def compile_leaf(gen: Generation, positive: ql.Term | ql.Phrase, relaxed: bool = False) -> Leaf:
    """`relaxed`: the last resort for a word that no tier finds (search.py): each of its
    pieces in up to RELAXED_MAX_SHARE of the paragraphs is a part (就业 of 灵活就业 beats
    nothing at all), and a piece no report writes stands for its inferred long forms
    (_respelled, as for a word written less than a page). Not the one word beside single
    characters (经济 of 夜经济 is not the topic, 夜 is)."""
    own = normalize(positive.text)
    alternatives = [Alternative((own,), OWN)]
    if isinstance(positive, ql.Phrase) or positive.literal:
        return Leaf(tuple(alternatives), (), positive.text)
    alternatives += [Alternative((form,), OWN) for form in _quoted_inside(gen, own)]
    expansions = tuple(expand(positive.text, gen.synonyms))
    listed = [normalize(e) for e in expansions]
    inferred = tuple(f for f in long_forms(gen, own) if f not in listed
                     and _agrees(f, listed, own))
    expansions += inferred
    alternatives += [Alternative((normalize(e),), EXPANSION) for e in expansions]
    pieces = word_pieces(gen, own)
    inner = () if pieces else _inner(gen, own)
    few = len(gen.literal(own)) + sum(len(gen.literal(normalize(e))) for e in expansions) < A_PAGE
    # not the inner word: 社保卡 is about the card, and its 社保 spelled 社会保障 would find
    # every paragraph on welfare
    respelled = _respelled(gen, own, pieces, expansions, relaxed or few)
    wholes = tuple(r.whole for r in respelled if r.whole)
    alternatives += [Alternative((whole,), EXPANSION) for whole in wholes]
    units = _finer(gen, pieces)
    if pieces:
        alternatives.append(Alternative(pieces, PIECES))
        if units != pieces and (few or not len(alternative_set(gen, alternatives[-1]))):
            alternatives.append(Alternative(units, PIECES))
        alternatives += [Alternative(r.pieces(pieces), PIECES, respelled=True)
                         for r in respelled]
    if few:
        alternatives += [Alternative(p, PIECES) for p in _reworded(gen, expansions, pieces)]
    share = ALONE_MAX_SHARE if inner else RELAXED_MAX_SHARE if relaxed else PART_MAX_SHARE
    parts = _parts(gen, own, [normalize(e) for e in expansions], pieces or inner, share,
                   respelled, units)
    if inferred and counted_lists(gen, own):  # 两化融合 is its lists: 融合 alone says nothing
        parts = {part: rest for part, rest in parts.items() if part not in own}
    riders = tuple(dict.fromkeys(p for p in (*parts, *pieces) if p != own))
    alternatives.append(Alternative((own, *riders), SECTION))
    alternatives += [Alternative((form, *riders), SECTION)
                     for form in dict.fromkeys(map(normalize, (*expansions, *wholes)))
                     if form != own and not _PART_SPLIT.search(form)]
    alternatives += [Alternative((part, *rest), PART, covers=max(1, sum(u in part for u in units)))
                     for part, rest in parts.items()]
    return Leaf(tuple(alternatives), expansions + wholes + tuple(parts), positive.text)


def _quoted_inside(gen: Generation, own: str) -> tuple[str, ...]:
    """The word as the reports write it with quotation marks between two of its words:
    “十四五”规划 is 十四五规划, “放管服”改革 is 放管服改革, “两重”“两新” is 两重两新. The
    marks are typography, not other words, so these are the word itself (OWN): a reader
    typing 十四五规划 must not be told that no report writes it. Only the forms some
    paragraph holds (a lookup each, where a jieba word of it ends: 三公|经费 inside the one
    word 三公经费)."""
    bounds = sorted({end for _, end in gen.word_spans(own, subwords=True)} - {0, len(own)})
    written = gen.columns.doc_freq  # both character pairs a mark makes must be written
    return tuple(form for at, mark, form in quotation_forms(own, bounds)
                 if written(own[at - 1] + mark[0]) and written(mark[-1] + own[at])
                 and len(gen.literal(form)))


def quotation_forms(word: str, bounds: Iterable[int]) -> Iterator[tuple[int, str, str]]:
    """(bound, mark, form): `word` with each of QUOTES_BETWEEN inserted at each bound."""
    return ((at, mark, word[:at] + mark + word[at:]) for at in bounds for mark in QUOTES_BETWEEN)


def _reworded(gen: Generation, expansions: tuple[str, ...], pieces: tuple[str, ...]
              ) -> list[tuple[str, ...]]:
    """The pieces of each long form (of two or three pieces, no list in it), to be found close
    together like the word's own: the reports reword a long form as freely as the reader's
    word (电力体制改革 of 电改 as 加快电力、油气等体制改革; 老龄产业 of 银发经济 as 推动老龄事业和
    产业高质量发展). Only when the word and its long forms fill less than a page: of a word they
    often write, the reworded hits crowd out the parts and feedback words that find the rest
    (nDCG@10 +0.0022 and Recall@100 +0.003 on the judged set, both halves, against +0.0018
    and ±0 for every word)."""
    found: list[tuple[str, ...]] = []
    for form in map(normalize, expansions):
        if len(form) < 4 or _PART_SPLIT.search(form):
            continue
        cut = word_pieces(gen, form)
        if 2 <= len(cut) <= 3 and cut != pieces and cut not in found:
            found.append(cut)
    return found


def _finer(gen: Generation, pieces: tuple[str, ...]) -> tuple[str, ...]:
    """The pieces with each piece of four or more characters cut into the dictionary words
    it is made of (子女教育 → 子女 + 教育), where they make it up exactly. For a word whose
    pieces never stand close together (the reports write 农民工随迁子女…接受义务教育, never
    农民工…子女教育), and for a word written less than a page, whose words the reports may
    order otherwise (公共就业服务 for 就业公共服务: 0.383 → 0.706; 服务业扩大开放 +0.142,
    金融风险防范 +0.096). Not for every word: 承包…经营…责任制 paragraphs then outrank
    承包经营责任制's 经营责任制…承包 ones (nDCG@10 −0.05; −0.054 even now that it is written
    less than a page)."""
    finer: list[str] = []
    for piece in pieces:
        inner = [w for w in gen.subwords(piece) if len(w) > 1] if len(piece) >= 4 else []
        inner = [w for w in inner if not any(w != q and w in q for q in inner)]
        finer += inner if len(inner) > 1 and "".join(inner) == piece else [piece]
    return tuple(finer)


def _agrees(form: str, listed: list[str], word: str) -> bool:
    """An inferred long form of a word the synonym table knows must share two characters in a
    row with one of the table's forms: the table says what the short form means, and a form
    sharing none of its words means something else (两新 is 设备更新和消费品以旧换新, not
    两年新增; 电改 is 电力体制改革, not 电网改造). 自由贸易区 agrees with 自由贸易试验区. Only
    the table's longer forms count: another short form (三医协同 for 三医联动) says nothing of
    how the long one is written."""
    longer = [known for known in listed if len(known) > len(word)]
    return not longer or any(form[i:i + 2] in known for i in range(len(form) - 1)
                             for known in longer)


def _respelled(gen: Generation, own: str, pieces: tuple[str, ...],
               expansions: tuple[str, ...], inferred: bool = False) -> list[Respelling]:
    """A compound the reader built around a short form (民企融资, 社保基金, 新农合补助) as the
    reports spell it: each piece in turn replaced by its long forms from the synonym table.
    The whole word so respelled is searched literally like an expansion, when the reports
    write it; the pieces so respelled close together like the word's own pieces.

    `inferred` (a word the reports write less than a page, and the last resort): a piece the
    reports rarely write is also spelled by its inferred long forms, 固废 of 固废治理 as
    固体废物, 改薄 of 全面改薄 as 改善薄弱 (for every word it cost a scan of the corpus per rare
    piece on a query's first run: 量子纠缠宇宙飞船 took 5–8 ms more). Such a form stands alone
    as a part only for a piece no report writes (慢性病 of 慢病管理); of a written one, the
    word's other pieces must stand close to it, or 银行发行 of 银发 would be a part of
    银发经济. Never for a count (两化: 两岸经济文化交流)."""
    found = []
    taken = {own, *map(normalize, expansions)}
    for i, piece in enumerate(pieces):
        forms = [normalize(form) for form in expand(piece, gen.synonyms)][:RESPELLED_FORMS]
        listed, written = len(forms), len(gen.literal(piece))
        if inferred and not _COUNTING.fullmatch(piece) and (written or len(piece) <= 3):
            beside = _others(pieces, i) if written else ()  # a written piece's form: only
            forms += [form for form in long_forms(gen, piece, beside)  # close to the others
                      if form not in forms and _agrees(form, forms, piece)]
        for k, form in enumerate(forms[:RESPELLED_FORMS]):
            whole = own.replace(piece, form, 1)
            found.append(Respelling(i, form, whole if whole not in taken and len(
                gen.literal(whole)) else None, standing=k < listed or not written))
    return found


def _parts(gen: Generation, own: str, expansions: list[str], pieces: tuple[str, ...],
           max_share: float, respelled: list[Respelling], units: tuple[str, ...] = ()
           ) -> dict[str, tuple[str, ...]]:
    """PART needles, each with the word's other pieces riding along (they do not decide
    which paragraphs match, the part does, but they score: of the paragraphs holding 更新,
    for 城市更新, those that also say 城市 come first, not 设备更新): the parts of multi-part
    expansions and each piece, if rare enough to stand for the topic alone (医疗 of 医疗、医保、
    医药 is not; checking its 1,630 paragraphs at 10× for whole words was most of a 300 ms
    first run) — never a count (三大 of 三大工程, 一带 of 一带一路: a number and one character
    say nothing about the topic), nor what a numbered short form says its items do (融合 of
    三产融合 finds 城乡融合 and 军民融合). A piece stands for itself and by its long forms from the
    synonym table (个税 and 个人所得税 of 个税改革, 民营企业 of 民企融资, 碳达峰 and 碳中和 of
    双碳目标), each searched alone if rare enough: a long form in up to FEW_PARAGRAPHS
    paragraphs whatever the corpus' size, as an expansion's part. Not only the rarest piece:
    上调 of 养老金上调 is rarer than 养老金 and says nothing of pensions (Recall@100 +0.007 on
    the judged set, both halves)."""
    found = {part: () for e in expansions for part in _items(own, e)
             if len(part) >= 2 and part != e
             and len(gen.literal(part)) <= max(max_share * gen.size, FEW_PARAGRAPHS)}
    standing = {p: i for i, p in enumerate(pieces)
                if not _COUNTING.fullmatch(p) and p != counted_rest(own)}
    spelled: dict[str, int] = {}  # long forms: specific in any corpus, like an expansion's parts
    for r in respelled:
        if not r.standing:
            continue
        for part in _items(pieces[r.piece], r.form):
            if len(part) >= 2 and part not in standing:
                spelled.setdefault(part, r.piece)
    for part, piece in standing.items():
        if 0 < len(gen.literal(part)) <= max_share * max(gen.size, 1):
            found[part] = _others(pieces, piece) if pieces else ()
    for part, piece in spelled.items():
        if 0 < len(gen.literal(part)) <= max(max_share * gen.size, FEW_PARAGRAPHS):
            found.setdefault(part, _others(pieces, piece))
    for span, rest in _spans(own, units) if not len(gen.literal(own)) else ():
        if 0 < len(gen.literal(span)) <= max_share * max(gen.size, 1):
            found.setdefault(span, rest)
    taken = {own, *expansions}
    return {p: rest for p, rest in found.items() if p not in taken and own not in p}


def _spans(own: str, units: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """The runs of two or more of the word's units (its pieces cut finer) short of the whole,
    each with the units left over: what the reports write of a reader's long compound that
    they never write whole (国土空间 of 国土|空间|规划 in 优化国土空间开发格局, 农民工子女 of
    农民工子女教育). A run is more specific than any one piece (国土 alone finds 国土绿化); but
    of a compound the reports do write, a run is mostly a set phrase of its own (全省前列 of
    六个走在全省前列, 承包经营 of 承包经营责任制), so then none is searched."""
    if len(units) < 3:
        return []
    bounds, at = [], 0
    for unit in units:
        at = own.find(unit, at)
        if at < 0:
            return []
        bounds.append((at, at + len(unit)))
        at += len(unit)
    return [(own[bounds[i][0]:bounds[j - 1][1]], (*units[:i], *units[j:]))
            for i in range(len(units)) for j in range(i + 2, len(units) + 1)
            if j - i < len(units)]


def _items(word: str, form: str) -> tuple[str, ...]:
    """The parts of a long form: the items a numbered short form counts (两新: 大规模设备更新
    + 消费品以旧换新, joined by 和), or else what punctuation separates (碳达峰、碳中和)."""
    return counted_items(word, form) or tuple(_PART_SPLIT.split(form))


def _others(pieces: tuple[str, ...], i: int) -> tuple[str, ...]:
    return (*pieces[:i], *pieces[i + 1:])


def _inner(gen: Generation, word: str) -> tuple[str, ...]:
    """For a word that is one longer word beside single characters (反内卷: 内卷, 稳外资:
    外资, 首台套: 首台), that word: it names the topic (the characters are a verb or an
    affix), so it is a candidate for a part, held to ALONE_MAX_SHARE."""
    inner = [p for p in gen.subwords(word) if len(p) > 1]
    return tuple(inner) if len(inner) == 1 else ()


def word_pieces(gen: Generation, word: str) -> tuple[str, ...]:
    """_pieces, kept for the generation: a query asks for its word's pieces when it is
    compiled and again for the word and each long form on every ranking pass (scoring's
    echoes), ~36 µs each."""
    return gen.derived(f"word-pieces:{word}", lambda g: _pieces(g, word))  # type: ignore


def _pieces(gen: Generation, word: str) -> tuple[str, ...]:
    """The word's jieba words (or, for a single dictionary word, the words inside it),
    without single characters, which would match almost anything. A short form of the
    synonym table inside the word is one piece, whatever jieba makes of it: 新农合补助 is
    新农合 + 补助 (jieba: 新农 合 补助), 公租房建设 is 公租房 + 建设 (jieba: 公 租房 建设)."""
    spans = gen.word_spans(word)
    pieces = [word[start:end] for start, end in spans]  # gen.pieces, from the same cut
    known = _cut_apart(word, spans, gen.synonyms)
    if known:
        head, _, tail = word.partition(known)
        pieces = [*gen.pieces(head), known, *gen.pieces(tail)]
    if len(pieces) < 2:
        inner = gen.subwords(word)
        pieces = _cover(word, [p for p in inner if not any(p != q and p in q for q in inner)])
    pieces = list(dict.fromkeys(p for p in pieces if len(p) > 1 and p != word))
    return tuple(pieces) if len(pieces) > 1 else ()


def _cut_apart(word: str, spans: list[tuple[int, int]],
               table: Mapping[str, object]) -> str | None:
    """The longest word of the synonym table inside `word`, if jieba's words (`spans`) cut
    it apart: one begins or ends inside it, or splits a single character off inside it. One
    that jieba keeps whole, or splits into words (农民工 工资 of 农民工工资), is left to the
    pieces."""
    inside = (word[start:start + size] for size in range(len(word) - 1, 1, -1)
              for start in range(len(word) - size + 1))
    known = next((part for part in inside if part in table), None)
    if known is None:
        return None
    start = word.find(known)
    end = start + len(known)
    bounds = {0, len(word)} | {s for s, _ in spans} | {e for _, e in spans}
    within = [e - s for s, e in spans if start <= s and e <= end]
    kept = {start, end} <= bounds and within and min(within) > 1
    return None if kept else known


def _cover(word: str, inner: list[str]) -> list[str]:
    """The inner words without those straddling two others: 市场 and 主体 of 市场主体, not
    场主, which begins inside one and ends inside the next (and, being rare, was taken for a
    part). 小企业 of 中小企业 overlaps only 中小 and stays."""
    spans = [(word.find(p), word.find(p) + len(p)) for p in inner]
    return [p for p, (start, end) in zip(inner, spans, strict=True)
            if not (any(a < start < b for a, b in spans) and any(a < end < b for a, b in spans))]


def evaluate(gen: Generation, node: ql.Node, leaves: dict[int, Leaf]) -> np.ndarray:
    """The live paragraphs the boolean query matches, as sorted docnums (leaves keyed by
    id() of their AST node)."""
    return np.flatnonzero(_evaluate(gen, node, leaves)).astype(np.int32)


def _evaluate(gen: Generation, node: ql.Node, leaves: dict[int, Leaf]) -> np.ndarray:
    """As a bool mask over docnums (bitwise set algebra costs microseconds per node)."""
    if isinstance(node, ql.Term | ql.Phrase):
        leaf = leaves.get(id(node)) or Leaf((Alternative((normalize(node.text),), OWN),), ())
        found = [alternative_set(gen, a) for a in leaf.alternatives]
        return mask(gen, np.concatenate(found) if len(found) > 1 else found[0])
    if isinstance(node, ql.Filter):
        return mask(gen, filter_set(gen, node))
    if isinstance(node, ql.Not):
        return gen.live & ~_evaluate(gen, node.child, leaves)
    if isinstance(node, ql.Or):
        result = np.zeros(len(gen.live), dtype=bool)
        for child in node.children:
            result |= _evaluate(gen, child, leaves)
        return result
    result = gen.live.copy()
    for child in node.children:
        if not isinstance(child, ql.Not):
            result &= _evaluate(gen, child, leaves)
    for child in node.children:
        if isinstance(child, ql.Not):
            result &= ~_evaluate(gen, child.child, leaves)
    return result


def alternative_set(gen: Generation, alternative: Alternative) -> np.ndarray:
    """Paragraphs holding the alternative (for pieces: all of them, close together)."""
    needle = alternative.needles[0]
    if alternative.tier == OWN:
        return gen.literal(needle)
    if alternative.tier == PART:
        return gen.cached(("part", needle), lambda: _standing(gen, needle))
    if alternative.tier == SECTION:
        return gen.cached(("under", needle), lambda: np.flatnonzero(
            gen.live & _having(gen.section, lambda path: needle in path)).astype(np.int32))
    if alternative.tier == FEEDBACK:
        return gen.cached(("feedback", alternative.needles),
                          lambda: _at_least_two(gen, alternative.needles))
    if alternative.tier == EXPANSION and _LATIN_WORD.fullmatch(needle):
        return gen.cached(("word", needle), lambda: _whole_word(gen, needle))
    return gen.cached(("pieces", alternative.needles), lambda: _close_pieces(gen, alternative))


def _standing(gen: Generation, needle: str) -> np.ndarray:
    """A part found alone must be a word there, not straddle two (民营 of 民营经济 is not in
    国民营养, 营商 of 营商环境 not in 国营商业): the reader typed neither. Checked up to
    ranking.WHOLE_WORD_MAX paragraphs (segmenting costs ~80 µs each); a part more common
    than that is kept as found."""
    found = gen.literal(needle)
    if len(found) > ranking.WHOLE_WORD_MAX:
        return found
    return found[gen.per_doc(needle, found, ranking.whole_word_mask)]  # kept per paragraph:
    #                                     the ranking's whole-word check reads it back


def _at_least_two(gen: Generation, needles: tuple[str, ...]) -> np.ndarray:
    found = np.concatenate([gen.literal(n) for n in needles])
    counts = np.bincount(found, minlength=len(gen.live))
    return np.flatnonzero(counts >= min(2, len(needles))).astype(np.int32)


def profile_exclusions(leaves: list[Leaf]) -> tuple[set[str], set[str]]:
    """What the best hits' vocabulary (feedback.profile) must leave out: the query's own
    words (its own and pieces' needles: no word containing one or inside one) and every
    needle searched. A respelled piece is neither: the long forms the reports use for the
    reader's short form (外商投资 for 外资 of 外资准入) are just what the best hits share,
    and paragraphs holding one without the other pieces are the feedback tier's to find."""
    alternatives = [a for leaf in leaves for a in leaf.alternatives
                    if a.tier != FEEDBACK and not a.respelled]
    return ({n for a in alternatives if a.tier in (OWN, PIECES) for n in a.needles},
            {n for a in alternatives for n in a.needles})


def with_feedback(leaf: Leaf, terms: tuple[str, ...]) -> Leaf:
    """The leaf with a FEEDBACK alternative of `terms` (feedback.py) as its lowest tier, and
    the word's pieces (or its long form's: 养老, 托育 for 一老一小) riding along: of the
    paragraphs holding the topic's words, those that also say 能源 (for 能源转型) or 消费 (for
    消费新场景) are more likely about it (nDCG@10 +0.0024 and +0.0023, Recall@100 +0.007 and
    +0.006 on the two halves of the judged set)."""
    pieces = next((a.needles for a in leaf.alternatives if a.tier == PIECES and not a.respelled),
                  ())
    return Leaf((*leaf.alternatives, Alternative(terms, FEEDBACK, riders=pieces)),
                (*leaf.expansions, *terms), leaf.word)


def _whole_word(gen: Generation, needle: str) -> np.ndarray:
    """A Latin-letter expansion the user did not type (AI for 人工智能) must stand as a word,
    not inside one (tAIwan). (Bodies are NUL-separated, so a lookbehind at a body's start
    sees NUL.)"""
    word = re.compile(rf"(?<![a-z0-9]){re.escape(needle)}(?![a-z0-9])")
    return gen.search_each(gen.literal(needle), word.search)


def _close_pieces(gen: Generation, alternative: Alternative) -> np.ndarray:
    """Candidates from the rarest piece only (the common ones, 发展 or 社会, would cost a
    scan each), confirmed by one regular expression on the text."""
    rarest = min(alternative.needles, key=gen.doc_freq_estimate)
    return gen.search_each(gen.literal(rarest), near_pattern(alternative.needles).search)


def near_pattern(pieces: tuple[str, ...]) -> re.Pattern[str]:
    """Pieces at most PIECES_MAX_GAP characters apart: in any order for up to three pieces
    (振兴乡村 for 乡村振兴), in the word's own order beyond that."""
    orders = permutations(pieces) if len(pieces) <= 3 else [pieces]
    gap = f".{{0,{PIECES_MAX_GAP}}}"
    return re.compile("|".join(gap.join(map(re.escape, order)) for order in orders), re.S)


def filter_set(gen: Generation, node: ql.Filter) -> np.ndarray:
    """Live paragraphs passing a metadata filter, as sorted docnums."""
    return gen.cached(("filter", node.field, node.value), lambda: np.flatnonzero(
        gen.live & _filter(gen, node)).astype(np.int32))


def _filter(gen: Generation, node: ql.Filter) -> np.ndarray:
    value = normalize(node.value)
    if node.field == "region":  # 孟州 finds 孟州市; 焦作 finds everything under 焦作市
        return _having(gen.place, lambda names: value in names)
    if node.field == "section":  # the path above the paragraph, or the heading itself
        return _having(gen.section, lambda path: value in path) | (
            gen.heading & mask(gen, gen.literal(value)))
    if node.field == "level":
        return _having(gen.level, lambda level: level == node.value)
    if node.field == "title":  # 政府工作报告 finds every report titled so, 决议 the resolutions
        return _having(gen.title, lambda title: value in title)
    lo, hi = (int(v) if v else None for v in node.value.split(".."))
    year = gen.year
    return (year > 0) & (year >= (lo or 0)) & (year <= (hi or np.iinfo(np.int32).max))


def _having(facet: Facet, test: Callable[[str], bool]) -> np.ndarray:
    """Bool per docnum: does its value pass `test`? (tested once per distinct value)"""
    passing = np.asarray([bool(test(v)) for v in facet.values] + [False], dtype=bool)
    return passing[facet.ids]
