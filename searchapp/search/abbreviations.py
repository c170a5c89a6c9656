"""Long forms of a short form, inferred from the corpus' own text (自贸区 → 自由贸易试验区).

Chinese policy abbreviations take one character (or a word) from each of several
consecutive words of the long form, mostly its first, sometimes its last: 地方债 ←
地方|政府|债券, 自贸区 ← 自由|贸易|试验区, 农网 ← 农村|电网. So for a short query that the
reports rarely write as typed, the spans of the corpus that hold its characters in order —
each gap a few CJK characters, no punctuation — and whose jieba words begin or end at each
taken character are its long-form candidates, each completed to the end of the word its
last character is in (教育改 of 教改 is 教育改革); those found in several paragraphs are
searched as synonyms. Computed per word and generation, only for short words, and only when
the corpus writes them rarely.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from searchapp.index.generation import Generation

MAX_LITERAL = 20  # the word itself is in fewer paragraphs than this: readers abbreviate it
MIN_PARAGRAPHS = 3  # a long form must occur in this many paragraphs
MAX_GAP = 4  # characters skipped between two taken characters
MAX_FORMS = 3
MAX_CANDIDATES = 5000  # paragraphs scanned
CONTEXT = 4  # characters before a candidate span cut with it (does it begin a word there?)
_CJK = re.compile(r"[\u4e00-\u9fff]{2,4}")


def long_forms(gen: Generation, word: str) -> tuple[str, ...]:
    """Up to MAX_FORMS long forms of `word` (normalised), most widespread first."""
    if not _CJK.fullmatch(word) or len(gen.literal(word)) >= MAX_LITERAL:
        return ()
    return gen.derived(f"long-forms:{word}", lambda g: _infer(g, word))  # type: ignore


def _infer(gen: Generation, word: str) -> tuple[str, ...]:
    docs = _holding_every_character(gen, word)[:MAX_CANDIDATES]
    gap = f"[\u4e00-\u9fff]{{0,{MAX_GAP}}}?"
    pattern = re.compile(gap.join(map(re.escape, word)))
    seen: Counter[str] = Counter()
    if len(docs):
        texts, starts, ends = gen.slices(docs)
        for text, start, end in zip(texts, starts, ends, strict=True):
            seen.update({_completed(gen, text, m.start(), m.end(), end)
                         for m in pattern.finditer(text, start, end)
                         if m.group() != word and _abbreviates(
                             gen, word, m.group(), text[max(start, m.start() - CONTEXT):
                                                        m.start()])})
    forms: list[str] = []
    for form, count in seen.most_common():
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


def _abbreviates(gen: Generation, word: str, span: str, before: str) -> bool:
    """The span begins a word, and each taken character of it starts one of its jieba words,
    directly follows the previous taken one, or ends a word: 区 of 试验区, 网 of 电网
    (农网改造 ← 农村电网改造), 内 of 国内 (扩内需 ← 扩大国内需求). Cut together with the
    characters `before` it: cut alone, a span always begins a word, even 强 of 加强 (强监管
    is not 加强事中事后监管)."""
    shift = len(before)
    words = gen.word_spans(before + span, subwords=True)
    starts, ends = {s - shift for s, _ in words}, {e - shift for _, e in words}
    if 0 not in starts:
        return False
    previous = -1
    for i, char in enumerate(word):
        at = span.index(char, previous + 1)
        follows = i > 0 and at == previous + 1
        if at not in starts and not follows and at + 1 not in ends:
            return False
        previous = at
    return True
