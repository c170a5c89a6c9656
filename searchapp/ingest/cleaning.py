"""Cleaning: remove what is not report text (web chrome, photo captions, ad trailers).

The rules live in data/cleaning.toml so a user can extend them for a new source without touching
code: a `cleaning.toml` at a corpus root adds to the built-in lists. Everything else a paragraph
contains is kept verbatim, including `***` redactions. Two repairs of scraped copies are code:
a reprint's byline ("来源：河南日报", "时间：…") is handed to metadata instead of kept as text,
and a figure split off its sentence ("PM" / "2.5" / "）浓度…") is glued back.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

RULE_KEYS = ("chrome_words", "drop_prefixes", "drop_patterns", "cut_from")
# Zero-width and BOM characters that scraped pages leave inside text; never meaningful.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# NUL, terminal escapes and other controls cannot be shown; a lone surrogate (JSON "\ud800")
# cannot even be stored as UTF-8 or indexed. Tab and newlines are kept: they split paragraphs.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
CHROME_MAX = 60  # chrome lines are short; longer paragraphs are never made of chrome words only
_CHROME_SPLIT = re.compile(r"[\s|/·\[\]【】]+")
# "政 府 工 作 报 告": a letter-spaced display line (single CJK characters separated by spaces).
_LETTER_SPACED = re.compile(r"^(?:[\u4e00-\u9fff]\s+)+[\u4e00-\u9fff]$")
# The byline a newspaper or portal puts above a reprint: "来源：河南日报", "时间：2026-02-03".
BYLINE = re.compile(r"^(?:来源|稿源|时间|发布时间|发布日期|日期|作者|编辑|责任编辑)\s*[:：]")
BYLINE_HEAD = 15  # bylines stand above the report's own text, among its first lines
# A line of figures only, split off its sentence by a scrape: "2.5" (of "PM2.5"), "5%", "12.3".
_FIGURES = re.compile(r"^[+\-−]?\d+(?:[.．]\d+)?\s*[%％‰]?$")
# The rest of a sentence broken around such a fragment starts with what cannot start a line.
_CONTINUES = re.compile(r"^[）)\]】」』”’，,。、；;：:！!？?%％]")
CHROME_WORD_MAX = 8  # longest chrome word looked for inside glued button labels


@dataclass(frozen=True)
class Rules:
    chrome_words: frozenset[str]
    drop_prefixes: tuple[str, ...]
    drop_patterns: tuple[re.Pattern[str], ...]
    cut_from: tuple[re.Pattern[str], ...]
    fingerprint: str  # changes when any rule changes, so reindexing notices new rules


def load_rules(extra_files: tuple[Path, ...] = ()) -> Rules:
    """Built-in rules plus the lists of each extra TOML file (appended, never replacing).

    Raises ValueError naming the file when an extra file is malformed: a broken rules file
    should stop the user early rather than silently index dirty text.
    """
    builtin = resources.files("searchapp").joinpath("data/cleaning.toml").read_text("utf-8")
    merged: dict[str, list[str]] = {k: [] for k in RULE_KEYS}
    sources = [("built-in cleaning.toml", builtin)]
    sources += [(str(p), p.read_text(encoding="utf-8-sig")) for p in extra_files]
    for name, text in sources:
        for key, values in _parse_rules(name, text).items():
            merged[key].extend(values)
    return _compile(merged, "\n".join(t for _, t in sources))


def _parse_rules(name: str, text: str) -> dict[str, list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML ({exc})") from exc
    unknown = sorted(set(data) - set(RULE_KEYS))
    if unknown:
        raise ValueError(f"{name}: unknown key(s) {', '.join(unknown)}; use {', '.join(RULE_KEYS)}")
    for key, values in data.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{name}: {key} must be a list of strings")
    return data


def _compile(merged: dict[str, list[str]], source_text: str) -> Rules:
    def regexes(key: str) -> tuple[re.Pattern[str], ...]:
        try:
            return tuple(re.compile(p) for p in merged[key])
        except re.error as exc:
            raise ValueError(f"cleaning rules: bad regular expression in {key}: {exc}") from exc

    return Rules(
        chrome_words=frozenset(merged["chrome_words"]),
        drop_prefixes=tuple(merged["drop_prefixes"]),
        drop_patterns=regexes("drop_patterns"),
        cut_from=regexes("cut_from"),
        fingerprint=hashlib.sha256(source_text.encode()).hexdigest()[:16],
    )


def readable(text: str) -> str:
    """`text` without control characters, lone surrogates shown as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def normalize_line(line: str) -> str:
    """Trim indentation and invisible characters; undo letter-spacing of display lines.

    Only the edges and zero-width characters change: inner text stays as written, because
    users quote it and highlighting maps back to it.
    """
    line = _INVISIBLE.sub("", readable(line))
    line = line.strip()  # every Unicode space, \u3000 indentation included
    if _LETTER_SPACED.match(line):
        line = re.sub(r"\s+", "", line)
    return line


def split_trailer(paragraphs: list[str], rules: Rules) -> tuple[list[str], list[str]]:
    """(report text without chrome and captions, what was removed that may still name the
    origin: the reprint's byline lines from the top, then the trailer cut off from the first
    `cut_from` marker on). Metadata reads both; neither is report text."""
    kept: list[str] = []
    bylines: list[str] = []
    for i, text in enumerate(paragraphs):
        if any(p.search(text) for p in rules.cut_from):
            return _rejoin_figures(kept), bylines + paragraphs[i:]
        if i < BYLINE_HEAD and BYLINE.match(text):
            bylines.append(text)
        elif not _is_noise(text, rules):
            kept.append(text)
    return _rejoin_figures(kept), bylines


def _rejoin_figures(paragraphs: list[str]) -> list[str]:
    """Glue "细颗粒物（PM" + "2.5" + "）平均浓度下降" back into one paragraph.

    Only when the line before ends in a Latin letter is the seam certain (PM2.5, CO2); other
    figure lines stay as they are, as body text (sections never makes them headings).
    """
    out: list[str] = []
    glued = False
    for text in paragraphs:
        if out and _FIGURES.match(text) and out[-1][-1:].isascii() and out[-1][-1:].isalpha():
            out[-1] += text
            glued = True
        elif glued and _CONTINUES.match(text):
            out[-1] += text
            glued = False
        else:
            out.append(text)
            glued = False
    return out


def _is_noise(text: str, rules: Rules) -> bool:
    if text.startswith(rules.drop_prefixes):
        return True
    if any(p.search(text) for p in rules.drop_patterns):
        return True
    if len(text) > CHROME_MAX:
        return False
    words = [w for w in _CHROME_SPLIT.split(unicodedata.normalize("NFKC", text)) if w]
    # no words at all: a line of bare brackets or separators ("】", "|") left by the page layout
    return all(w in rules.chrome_words or _bracketed(w, rules) or _glued(w, rules.chrome_words)
               for w in words)


def _glued(word: str, chrome_words: frozenset[str]) -> bool:
    """"加大减小全屏打印": button labels, one per line on the page, joined into one paragraph
    when a collection's line wraps are undone. True if `word` is chrome words end to end."""
    ends = {0}  # positions where a split into chrome words can stop
    for i in range(1, len(word) + 1):
        if any(word[j:i] in chrome_words for j in ends if i - j <= CHROME_WORD_MAX):
            ends.add(i)
    return len(word) in ends


def _bracketed(word: str, rules: Rules) -> bool:
    """"字号:大" style fragments: a chrome word glued to a size word by a colon."""
    head, sep, tail = word.partition(":")
    return bool(sep) and head in rules.chrome_words and (not tail or tail in rules.chrome_words)
