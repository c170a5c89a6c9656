"""Long forms of a short form, inferred from the corpus' own text (自贸区 → 自由贸易试验区).

Chinese policy abbreviations take one character (or a word) from each of several
consecutive words of the long form, mostly its first, sometimes its last: 地方债 ←
地方|政府|债券, 自贸区 ← 自由|贸易|试验区, 农网 ← 农村|电网. So for a short query that the
reports rarely write as typed, the spans of the corpus that hold its characters in order —
each gap a few CJK characters, no punctuation — and whose jieba words begin or end at each
taken character are its long-form candidates, each completed to the end of the word its
last character is in (教育改 of 教改 is 教育改革); those found in several paragraphs are
searched as synonyms. Computed per word and generation, only for words of two to six
characters, and only when the corpus writes them rarely.

A numbered short form counts the items of a list that share one character (三医 ← 医疗、医保、
医药, 两化融合 ← 信息化和工业化融合, 六稳 ← 稳就业、稳金融、…、稳预期, 五水 ← 治污水、防洪水、…):
its long forms are the lists the reports write with exactly that many items, each beginning or
each ending with the character, the rest of the short form (融合, 联动) in the same clause.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from searchapp.index.generation import Generation
from searchapp.search import ranking

MAX_LITERAL = 20  # the word itself is in fewer paragraphs than this: readers abbreviate it
MIN_PARAGRAPHS = 3  # a long form must occur in this many paragraphs
MAX_GAP = 4  # characters skipped between two taken characters
MAX_FORMS = 3
MAX_CANDIDATES = 5000  # paragraphs scanned
SCANNED = 300  # paragraphs whose texts are searched for a piece's characters, not postings
CONTEXT = 4  # characters before a candidate span cut with it (does it begin a word there?)
_CJK = re.compile(r"[\u4e00-\u9fff]{2,6}")  # short forms run to six characters: 供给侧改革 ←
#                                          供给侧结构性改革, 研发加计扣除 ← 研发费用加计扣除
_COUNTS = {"两": 2, "二": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10}
_NUMBERED = re.compile(f"([{''.join(_COUNTS)}])(个)?([\u4e00-\u9fff]+)")
ITEM_MAX = 8  # characters of a listed item besides the one they share (保产业链供应链稳定)
MAX_LISTS = 4  # long forms of a numbered short form: its lists in their several orders
LIST_PARAGRAPHS = 2  # a list of items sharing one character, with nothing of the short form
#                     beside it, must be found this often (新技术、新业态、新模式 is one 三新)
_JOINS = "、和与及"  # what stands between two items of a list
_SEPARATOR = f"[{_JOINS}]"
_ITEM_MARKS = "[、，,；;\\s]+"  # what separates the items of a written-out long form
_ITEM_BREAKS = f"[{_JOINS}，,；;\\s]+"  # and, failing those, 和/与/及 too
_NUMERALS = "零一二两三四五六七八九十百千万亿"
_CLAUSE_MARK = re.compile("[，。；：！？,;:]")
_CJK_CHAR = re.compile("[\u4e00-\u9fff]")
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def long_forms(gen: Generation, word: str, beside: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Up to MAX_FORMS long forms of `word` (normalised), most widespread first; with
    `beside`, only as written in paragraphs that also hold each of those strings (a piece of
    a compound, whose long form counts only beside the compound's other pieces: scanning
    only there, 量子 of 量子纠缠宇宙飞船 costs nothing, not 16 ms)."""
    if not _CJK.fullmatch(word) or _written(gen, word) >= MAX_LITERAL:
        return ()
    return gen.derived(f"long-forms:{word}:{beside}",  # type: ignore
                       lambda g: _infer(g, word, beside))


def _written(gen: Generation, word: str) -> int:
    """Paragraphs writing `word` as a word, counted up to MAX_LITERAL: 高企 inside 提高企业
    (23 paragraphs, 1 of them 通胀高企) is no 高企 the reports wrote, so its long form
    高新技术企业 is still inferred. Only two characters straddle words (ranking.whole_word_mask),
    checked a batch at a time until MAX_LITERAL stand (a word the reports write: one batch)."""
    found = gen.literal(word)
    if len(word) != 2 or len(found) < MAX_LITERAL:
        return len(found)
    standing = 0
    for start in range(0, len(found), MAX_LITERAL):
        batch = found[start:start + MAX_LITERAL]
        standing += int(gen.per_doc(word, batch, ranking.whole_word_mask).sum())
        if standing >= MAX_LITERAL:
            break
    return standing


def _infer(gen: Generation, word: str, beside: tuple[str, ...] = ()) -> tuple[str, ...]:
    listed = counted_lists(gen, word)
    if listed:
        return listed
    others = sorted(beside, key=lambda o: len(gen.literal(o)))  # the rarest first
    docs = gen.literal(others[0]) if others else _holding_every_character(gen, word)
    for other in others[1:]:
        docs = docs[gen.members(docs, gen.literal(other))]
    if beside and len(docs) <= SCANNED:  # the other pieces' few paragraphs: their texts,
        docs = gen.search_each(docs, lambda text, start, end: all(  # not each character's
            text.find(char, start, end) >= 0 for char in word))  # postings (量, 子 of 量子)
    elif beside:
        docs = docs[gen.members(docs, _holding_every_character(gen, word))]
    docs = docs[:MAX_CANDIDATES]
    gap = f"[\u4e00-\u9fff]{{0,{MAX_GAP}}}?"
    pattern = re.compile(gap.join(map(re.escape, word)))
    seen: tuple[list[set[str]], list[set[str]]] = ([], [])  # per paragraph: the forms begun
    #                                        at the span, those begun in the word before it
    if len(docs):
        texts, starts, ends = gen.slices(docs)
        for text, start, end in zip(texts, starts, ends, strict=True):
            found = {(back, _completed(gen, text, m.start() - back, m.end(), end))
                     for m in pattern.finditer(text, start, end)
                     if m.group() != word and (back := _abbreviates(
                         gen, word, m.group(), text[max(start, m.start() - CONTEXT):
                                                    m.start()])) is not None}
            for before in (False, True):
                forms = {form for back, form in found if (back > 0) == before}
                if forms:
                    seen[before].append(forms)
    return _most_widespread(word, seen[0]) or _most_widespread(word, seen[1])


def _paragraphs_per_form(paragraphs: list[set[str]]) -> Counter[str]:
    """How many paragraphs write each form, or a longer one it begins: jieba may cut the
    word after it with the form's last word (保险制度 in 农业保险制度), and the completed forms
    then split the paragraphs between them (two and two in the 2016–2025 reports, each below
    MIN_PARAGRAPHS, so 农险 had no long form there)."""
    every = {form for forms in paragraphs for form in forms}
    counts: Counter[str] = Counter()
    for forms in paragraphs:
        counts.update({form[:n] for form in forms for n in range(2, len(form) + 1)
                       if form[:n] in every})
    return counts


def _most_widespread(word: str, paragraphs: list[set[str]]) -> tuple[str, ...]:
    forms: list[str] = []
    counted = sorted(_paragraphs_per_form(paragraphs).items(),
                     key=lambda item: (-item[1], len(item[0]), item[0]))  # ties: the shorter
    for form, count in counted:
        if count < MIN_PARAGRAPHS or len(forms) == MAX_FORMS:
            break
        if word not in form and not any(taken in form for taken in forms):
            forms.append(form)  # 科技创新能力 adds nothing to 科技创新, 和建设和谐社会 to 和谐社会
    return tuple(forms)


def _completed(gen: Generation, text: str, start: int, stop: int, end: int) -> str:
    """The span text[start:stop] to the end of the jieba word its last character is in:
    教育改 → 教育改革, 国有资 → 国有资产 (a form that stops inside a word is no word)."""
    context = text[start:min(end, stop + CONTEXT)]
    last = stop - start - 1
    word_end = next((e for s, e in gen.word_spans(context) if s <= last < e), last + 1)
    return context[:max(word_end, last + 1)]


def _holding_every_character(gen: Generation, word: str) -> np.ndarray:
    found = gen.literal(word[0])
    for char in word[1:]:
        found = found[gen.members(found, gen.literal(char))]
    return found


def _abbreviates(gen: Generation, word: str, span: str, before: str) -> int | None:
    """How many characters before the span its long form begins (0: at the span), or None
    when the span is no long form of `word`. The span begins a word, or its first character
    ends one (央 of 中央: 央地 ← 中央和地方, 央行 ← 中央银行; such forms count only when no
    form begins at the span: 户改 is 户籍制度改革, not 棚户区改造), and each taken
    character of it starts one of its jieba words, directly follows the previous taken one,
    or ends a word: 区 of 试验区, 网 of 电网 (农网改造 ← 农村电网改造), 内 of 国内 (扩内需 ←
    扩大国内需求). Cut together with the characters `before` it: cut alone, a span always
    begins a word, even 强 of 加强 (强监管 is not 加强事中事后监管)."""
    shift = len(before)
    words = gen.word_spans(before + span, subwords=True)
    starts, ends = {s - shift for s, _ in words}, {e - shift for _, e in words}
    if 0 in starts:
        back = 0
    elif 1 in ends:  # the first taken character ends a word begun before the span
        back = -min(s - shift for s, e in words if e - shift == 1)
    else:
        return None
    previous = -1
    for i, char in enumerate(word):
        at = span.index(char, previous + 1)
        follows = i > 0 and at == previous + 1
        if at not in starts and not follows and at + 1 not in ends:
            return None
        previous = at
    return back


def counted_lists(gen: Generation, word: str) -> tuple[str, ...]:
    """The long forms of a numbered short form (三医联动, 两化融合, 三个一批): the lists it
    counts, as the reports write them; () for any other word."""
    if not _NUMBERED.fullmatch(word) or len(gen.literal(word)) >= MAX_LITERAL:
        return ()
    return gen.derived(f"counted-lists:{word}", lambda g: _listed(g, word))  # type: ignore


def counted_rest(word: str) -> str:
    """What a numbered short form says its items do (融合 of 三产融合, 联动 of 三医联动), or
    "" (双碳, 三个一批, a word that is no numbered short form)."""
    numbered = _NUMBERED.fullmatch(word)
    return numbered[3][1:] if numbered and not numbered[2] else ""


def counted_items(word: str, form: str) -> tuple[str, ...]:
    """The items a numbered short form counts in one of its long forms, when the form splits
    into exactly that many: 两新's 大规模设备更新和消费品以旧换新 is 大规模设备更新 +
    消费品以旧换新. Split at punctuation first, and at 和/与/及 only when that does not give
    the count, so 碳中和 of 碳达峰、碳中和 stays whole. () for a short form that names what
    its items do together (两化融合, 三医联动: one item alone is not the topic), and when no
    split gives the count."""
    numbered = _NUMBERED.fullmatch(word)
    if not numbered or not numbered[2] and len(numbered[3]) > 1:
        return ()
    for separator in (_ITEM_MARKS, _ITEM_BREAKS):
        items = tuple(item for item in re.split(separator, form) if item)
        if len(items) == _COUNTS[numbered[1]] and all(len(item) > 1 for item in items):
            return items
    return ()


def _listed(gen: Generation, word: str) -> tuple[str, ...]:
    """The lists a numbered short form counts, most widespread first (three orders of the
    same three items are three forms: the reports write 医保、医疗、医药 and 医疗、医保、医药).
    Two items sharing a character are any pair (工业化和城镇化) unless the rest of the short
    form stands beside them (两化融合), so a bare 两X or 双X infers nothing."""
    numbered = _NUMBERED.fullmatch(word)
    if not numbered:
        return ()
    count = _COUNTS[numbered[1]]
    shared, rest = (numbered[3], "") if numbered[2] else (numbered[3][0], numbered[3][1:])
    if count == 2 and not rest or not numbered[2] and shared in _NUMERALS[2:]:
        return ()  # a pair needs its rest; 二十三 is a number (but 双一流 is not)
    if rest and len(gen.literal(numbered[1] + shared)) >= MAX_LITERAL:
        return ()  # 两国 of 两国之间, 双边 of 双边关系: a word the reports write, not a count
    docs = gen.literal(shared)
    if rest:
        holding = gen.literal(rest)
        docs = holding[gen.members(holding, docs)]
    finders = [_ListFinder(shared, count, leading) for leading in (True, False)]
    seen: Counter[str] = Counter()
    if len(docs):
        texts, starts, ends = gen.slices(docs[:MAX_CANDIDATES])
        for text, start, end in zip(texts, starts, ends, strict=True):
            if text.count(shared, start, end) >= count:
                paragraph = text[start:end]
                seen.update({form for finder in finders
                             for form in finder.lists(gen, paragraph, rest)})
    least = 1 if rest or len(shared) > 1 else LIST_PARAGRAPHS  # 两不愁, 四个全面: once
    return tuple(form for form, found in seen.most_common(MAX_LISTS) if found >= least)


class _ListFinder:
    """Lists of exactly `count` items that all begin (医疗、医保、医药) or all end (信息化和工业化)
    with `shared`. Each pattern starts at the shared character, so the regular expression
    engine skips to it rather than trying an item at every character. An item ending with it
    starts where the jieba word before that character starts (推动|信息化: 信息化); the last
    item beginning with it ends where the word after that character ends (稳|预期: 稳预期)."""

    def __init__(self, shared: str, count: int, leading: bool) -> None:
        cjk, mark = "[\u4e00-\u9fff]", re.escape(shared)
        item = f"{mark}{cjk}{{1,{ITEM_MAX}}}?" if leading else f"{cjk}{{1,{ITEM_MAX}}}?{mark}"
        first = item if leading else mark
        self.shared, self.leading = shared, leading
        self.whole = re.compile(f"{first}(?:{_SEPARATOR}{item}){{{count - 1}}}")
        self.more_before = re.compile(f"{item if leading else mark}{_SEPARATOR}$")
        self.more_after = re.compile(f"{cjk}{{0,{ITEM_MAX}}}?{_SEPARATOR}{mark}" if leading
                                     else f"{_SEPARATOR}{item}")

    def _items_are_words(self, gen: Generation, text: str, start: int, stop: int,
                         shift: int) -> bool:
        """Each item's shared character begins a word (医|疗, not 各国|政府 for 国) or ends
        one (信息化), and the items are not numbers (二中、三中 of 二中全会). Strict at the
        list's outer end too, though jieba may join it to the text beside (为保|增长): a
        list missed there is usually written elsewhere again."""
        size = len(self.shared)
        at = [i for i in range(start, stop - size + 1) if text.startswith(self.shared, i)]
        if self.leading:
            at = [i for i in at if i == start or text[i - 1] in _JOINS]
        else:
            at = [i for i in at if i + size == stop or text[i + size] in _JOINS]
        words = gen.word_spans(text[shift:stop + ITEM_MAX], subwords=True)
        edges = {s + shift for s, _ in words} if self.leading else \
            {e + shift for _, e in words}
        if not all((i if self.leading else i + size) in edges for i in at):
            return False
        others = text[start:stop].replace(self.shared, "")
        return any(c not in _NUMERALS and c not in _JOINS for c in others)

    def lists(self, gen: Generation, text: str, rest: str) -> list[str]:
        """Each such list in `text` with `rest` in its clause, as written."""
        found = []
        for match in self.whole.finditer(text):
            start, stop = match.span()
            if not self.leading and (start == 0 or not _CJK_CHAR.match(text, start - 1)):
                continue  # nothing before the first shared character: no item ends with it
            if self.more_before.search(text, max(0, start - ITEM_MAX - 3), start) or \
                    self.more_after.match(text, stop):
                continue  # a list of more items: not this count
            shift = max(0, start - ITEM_MAX)
            if not self._items_are_words(gen, text, start, stop, shift):
                continue
            spans = gen.word_spans(text[shift:stop + ITEM_MAX])
            if self.leading:  # the last item: to the end of the word after the shared
                # character, and at least as long as the shortest other item (一流大学和一流学科,
                # not 一流大学和一流), as far as the characters run
                items = re.split(_SEPARATOR, match.group())
                last = stop - len(items[-1])
                run = _CJK_RUN.match(text, last)
                stop = max(next((e + shift for s, e in spans if s <= stop - 1 - shift < e), stop),
                           min(last + min(map(len, items[:-1])), run.end() if run else stop))
            else:  # the first item from the start of the word before the shared character
                start = next((s + shift for s, e in spans if s <= start - 1 - shift < e), start)
            clause_start = max((m.end() for m in _CLAUSE_MARK.finditer(text, 0, start)),
                               default=0)
            clause_end = _CLAUSE_MARK.search(text, stop)
            if rest in text[clause_start:clause_end.start() if clause_end else len(text)]:
                found.append(text[start:stop])
        return found
