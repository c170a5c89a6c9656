"""The query language: user text -> a small syntax tree, never an exception.

Kept free of Whoosh and of normalisation so the grammar can be tested on its
own and the tree can be evaluated by whatever engine search.py uses.

    words AND      乡村振兴 营商环境
    OR             氢能 OR 储能
    exclude        -疫情   -(a OR b)
    exact phrase   "万人助万企"  “万人助万企”
    literal only   =托育           (no synonym expansion)
    grouping       (氢能 OR 储能) 产业
    filters        region:孟州 year:2023 year:2020..2023 level:county section:工作安排
                   title:政府工作报告 (in the report's title)
    filter OR      营商环境 region:孟州 OR region:沁阳   (= 营商环境 (region:孟州 OR region:沁阳))

A malformed query (unbalanced quote or parenthesis, a bare OR, an unknown
field, a bad year or level) is searched as plain words and `Parsed.notice`
says why in one Chinese sentence.

OR binds looser than the space between words (`氢能 OR 储能 产业` is 氢能 OR (储能 产业)),
except between two filters of the same field: `A region:X OR region:Y` is read as the
reader means it, A AND (region:X OR region:Y), not (A region:X) OR region:Y.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from searchapp.model import LEVELS
from searchapp.search.other_engines import other_engines

MAX_QUERY_CHARS = 200

FIELD_ALIASES = {
    "region": "region", "地区": "region", "地域": "region",
    "year": "year", "年份": "year", "年度": "year",
    "level": "level", "级别": "level", "层级": "level",
    "section": "section", "章节": "section",
    "title": "title", "标题": "title",
}
LEVEL_ALIASES = {
    **{level: level for level in LEVELS},
    "全国": "national", "国家": "national", "中央": "national",
    "省": "province", "省级": "province",
    "市": "prefecture", "地市": "prefecture", "地级": "prefecture", "地级市": "prefecture",
    "县": "county", "县级": "county", "区县": "county", "县市": "county",
    "unknown": "unknown", "未知": "unknown", "级别未知": "unknown",  # the facet offers it
}
# Chinese input methods produce full-width syntax characters; read them as ASCII.
_SYNTAX_FOLD = str.maketrans({"：": ":", "（": "(", "）": ")", "－": "-", "＝": "=",
                              "＂": '"', "“": '"', "”": '"'})
_YEAR = re.compile(r"(\d{4})?(\.\.)?(\d{4})?")
_LOOKS_LIKE_FIELD = re.compile(r"^[A-Za-z_]+$")
# Control characters and lone surrogates (argv bytes that are not UTF-8 arrive as \udcXX)
# cannot be in any indexed text and cannot even be encoded for the index: they separate words.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Term:
    """A bare word: matched as a literal substring, then by its jieba pieces, plus synonyms."""

    text: str
    literal: bool = False  # written as =word: no synonym expansion


@dataclass(frozen=True)
class Phrase:
    """A quoted string: exactly this (normalised) substring, nothing else."""

    text: str


@dataclass(frozen=True)
class Filter:
    """A metadata restriction; `value` is already validated (year as 'lo..hi', level canonical)."""

    field: str
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Filter | Not | And | Or


@dataclass(frozen=True)
class Parsed:
    node: Node | None  # None: nothing to search for
    notice: str | None = None
    near: bool = False  # proximity asked for ("a b"~5, a NEAR/5 b): rank the closest first


class QuerySyntaxError(ValueError):
    """Internal: carries the one-sentence notice shown to the user."""


def parse(text: str) -> Parsed:
    """Parse user text; on any syntax problem fall back to plain words plus a notice."""
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符。")
    text = _UNREADABLE.sub(" ", text).translate(_SYNTAX_FOLD)
    text, near = other_engines(text, notices)
    try:
        node = _Parser(_lex(text)).parse()
    except QuerySyntaxError as error:
        notices.append(f"{error}，已按普通文字检索。")
        node = plain(text)
    return Parsed(node, " ".join(notices) or None, near)


def plain(text: str) -> Node | None:
    """The words of `text` without operators or field names, ANDed together."""
    field_names = "|".join(FIELD_ALIASES)
    text = re.sub(rf"(?<!\S)-*({field_names}|[A-Za-z_]+):", " ", text.translate(_SYNTAX_FOLD))
    stripped = re.sub(r'[()"“”=]|(?<!\S)-+', " ", text)
    words = [w for w in stripped.split() if w != "OR"]
    return _conjunction([Term(w) for w in words])


def positives(node: Node | None) -> list[Term | Phrase]:
    """The words and phrases the user wants to see (not under a Not), in query order."""
    if isinstance(node, Term | Phrase):
        return [node]
    if isinstance(node, And | Or):
        return [leaf for child in node.children for leaf in positives(child)]
    return []


def parse_filter(name: str, value: str) -> Filter:
    """Validate one field filter (also used for the Query.region/year/... parameters)."""
    field = FIELD_ALIASES.get(name) or FIELD_ALIASES.get(name.lower())
    if field is None:
        raise QuerySyntaxError(
            f"不认识的字段“{name}”（可用 region、year、level、section、title）")
    value = unicodedata.normalize("NFKC", _UNREADABLE.sub(" ", value)).strip()
    if not value:
        raise QuerySyntaxError(f"字段“{name}”后面缺少取值")
    if field == "year":
        value = _year_range(value)
    elif field == "level":
        value = _level(value)
    return Filter(field, value)


def _year_range(value: str) -> str:
    """'2023' -> '2023..2023'; '2020..2023', '2020-2023', '2020..' and '..2023' are ranges."""
    match = _YEAR.fullmatch(re.sub(r"[-—~～]+|\.{2,}", "..", value))
    if not match or not (match[1] or match[3]) or (match[1] and match[3] and not match[2]):
        raise QuerySyntaxError(f"年份“{value}”格式不对（应为 2023 或 2020..2023）")
    lo, hi = match[1] or "", match[3] or ""
    if not match[2]:
        hi = lo
    if lo and hi and int(lo) > int(hi):
        raise QuerySyntaxError(f"年份范围“{value}”起止颠倒")
    return f"{lo}..{hi}"


def _level(value: str) -> str:
    level = LEVEL_ALIASES.get(value.lower())
    if level is None:
        raise QuerySyntaxError(f"级别“{value}”无效（可用 national、province、prefecture、county）")
    return level


# --- lexer -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str  # "leaf" | "(" | ")" | "OR"
    node: Node | None = None
    negated: bool = False


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-"
        i += negated
        if negated and (i == len(text) or text[i].isspace()):
            continue  # a lone dash is punctuation, not an operator
        token, i = _lex_one(text, i, negated)
        tokens.append(token)
    return tokens


def _lex_one(text: str, i: int, negated: bool) -> tuple[_Token, int]:
    char = text[i]
    if char in "()":
        return _Token(char, negated=negated), i + 1
    if char == '"':
        value, i = _quoted(text, i)
        return _leaf(Phrase(value) if value else None, negated), i
    end = _word_end(text, i)
    word = text[i:end]
    if word == "OR" and not negated:
        return _Token("OR"), end
    name, colon, value = word.partition(":")
    if colon and (name in FIELD_ALIASES or _LOOKS_LIKE_FIELD.match(name)):
        if not value and end < len(text) and text[end] == '"':
            value, end = _quoted(text, end)
        return _leaf(parse_filter(name, value), negated), end
    if word.startswith("=") and len(word) > 1:
        return _leaf(Term(word[1:], literal=True), negated), end
    if word.startswith("=") and end < len(text) and text[end] == '"':
        value, end = _quoted(text, end)
        return _leaf(Phrase(value) if value else None, negated), end
    return _leaf(Term(word), negated), end


def _leaf(node: Node | None, negated: bool) -> _Token:
    if node is None:
        raise QuerySyntaxError("引号里没有内容")
    return _Token("leaf", node, negated)


def _quoted(text: str, i: int) -> tuple[str, int]:
    """Read a quoted string starting at the quote at text[i]."""
    close = text.find('"', i + 1)
    if close < 0:
        raise QuerySyntaxError("引号没有配对")
    return text[i + 1:close].strip(), close + 1


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace() and text[i] not in '()"':
        i += 1
    return i


# --- parser ----------------------------------------------------------------------------------

class _Parser:
    """Recursive descent: or := and (OR and)* ; and := unary+ ; unary := [-] leaf | [-] ( or )."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = _group_filter_ors(tokens)
        self.pos = 0
        self.depth = 0

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self._or()
        if self.pos < len(self.tokens):
            raise QuerySyntaxError("右括号没有配对")
        return node

    def _peek(self) -> str | None:
        return self.tokens[self.pos].kind if self.pos < len(self.tokens) else None

    def _or(self) -> Node:
        parts = [self._and()]
        while self._peek() == "OR":
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def _and(self) -> Node:
        items = []
        while self._peek() not in (None, ")", "OR"):
            items.append(self._unary())
        if not items and self._peek() == ")":
            raise QuerySyntaxError("括号里没有内容" if self.depth else "右括号没有配对")
        if not items and self._peek() is None and self.depth:
            raise QuerySyntaxError("左括号没有配对")
        if not items:
            raise QuerySyntaxError("OR 两边都要有检索词")
        return _conjunction(items)

    def _unary(self) -> Node:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "(":
            self.depth += 1
            node = self._or()
            if self._peek() != ")":
                raise QuerySyntaxError("左括号没有配对")
            self.pos += 1
            self.depth -= 1
        else:
            node = token.node
        return Not(node) if token.negated else node


def _field_of(token: _Token) -> str | None:
    """The field of a plain (not negated) filter token, else None."""
    if token.kind == "leaf" and not token.negated and isinstance(token.node, Filter):
        return token.node.field
    return None


def _group_filter_ors(tokens: list[_Token]) -> list[_Token]:
    """`f:X OR f:Y [OR f:Z…]` (same field) becomes one leaf Or(filters), so the OR binds
    tighter than the words around it; every other OR keeps its usual precedence."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        field = _field_of(tokens[i])
        j = i
        while (field and j + 2 < len(tokens) and tokens[j + 1].kind == "OR"
               and _field_of(tokens[j + 2]) == field):
            j += 2
        if j > i:
            out.append(_Token("leaf", Or(tuple(t.node for t in tokens[i:j + 1:2]
                                               if t.node is not None))))
        else:
            out.append(tokens[i])
        i = j + 1
    return out


def _conjunction(items: list[Node]) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else And(tuple(items))


# --- writing a query: the advanced form ------------------------------------------------------

_NEEDS_QUOTES = re.compile(r'[\s():"“”：（）]|^[-=－＝]|^OR$')


def compose(all_of: str = "", any_of: str = "", none_of: str = "", phrase: str = "",
            field: str | None = None) -> str:
    """The query text the advanced form's boxes mean, in this language, so the reader sees
    (and may learn) the syntax: all words, (a OR b), -c, "a phrase". Each box holds words
    separated by spaces; a word holding syntax is quoted. With `field` (仅标题: "title")
    every word and the phrase are that field's filters: title:a (title:b OR title:c)."""
    prefix = f"{field}:" if field else ""

    def words(text: str) -> list[str]:
        return [prefix + _quoted_word(w) for w in _UNREADABLE.sub(" ", text).split()]

    parts = words(all_of)
    either = words(any_of)
    if either:
        parts.append(either[0] if len(either) == 1 else f"({' OR '.join(either)})")
    parts += [f"-{w}" for w in words(none_of)]
    exact = " ".join(_UNREADABLE.sub(" ", phrase).replace('"', " ").split())
    if exact:
        parts.append(f'{prefix}"{exact}"')
    return " ".join(parts)


def _quoted_word(word: str) -> str:
    word = word.replace('"', "").replace("“", "").replace("”", "")
    return f'"{word}"' if _NEEDS_QUOTES.search(word) else word
