"""What readers type from other search engines, rewritten into our query language.

AND (implicit here), NOT word (= -word), lowercase or, +word (= word) work as meant;
`"a b"~N` and `a NEAR/N b` (proximity), `*` (wildcards), `word^2` (boosts) and `word~`
(fuzzy) are not supported and are searched in the nearest supported way, with a notice, so
no such query silently returns nothing.
"""

from __future__ import annotations

import re

_QUOTED_OR_NOT = re.compile(r'("[^"]*"(?:~\d+)?)|([^"]+|")')  # a lone " stays for the parser
_NEAR = re.compile(r'^"([^"]*)"~(\d+)$')
_WILDCARD = re.compile(r"(?<=\S)\*+|\*+(?=\S)")
_NEAR_OPERATOR = re.compile(r"(?<!\S)(?:NEAR|near|W|w)/(\d+)(?!\S)")
_BOOST_OR_FUZZY = re.compile(r"(?<!\S)([^\s:^~]+)[\^~]\d*(?:\.\d+)?(?!\S)")  # not year:2019~2023


def other_engines(text: str, notices: list[str]) -> tuple[str, bool]:
    """What readers type from other search engines, read as they mean it: AND (implicit
    here), NOT word (= -word), lowercase or, +word (= word); proximity, wildcards, boosts
    and fuzzy matching are not supported and are searched in the nearest supported way,
    with a notice. Returns the rewritten text and whether proximity was asked for (the
    words are then ranked closest first: ranking.ASKED_PROXIMITY)."""
    out, asked_near = [], False
    for quoted, bare in _QUOTED_OR_NOT.findall(text):
        if quoted:
            near = _NEAR.match(quoted)
            if near:
                notices.append(f"暂不支持 ~{near.group(2)} 邻近检索，已改为同时包含这些词"
                               "（彼此靠近的排在前面）。")
                quoted = f"({near.group(1)})" if near.group(1).strip() else ""
                asked_near = True
            out.append(quoted)
            continue
        bare = re.sub(r"(?<!\S)(?:AND|and|&&)(?!\S)", " ", bare)
        bare = re.sub(r"(?<!\S)(?:NOT|not)\s+(?=\S)", "-", bare)
        bare = re.sub(r"(?<!\S)(?:or|\|\|)(?!\S)", "OR", bare)
        bare = re.sub(r"(?<!\S)\+(?=\S)", "", bare)
        near = _NEAR_OPERATOR.search(bare)
        if near:
            notices.append(f"暂不支持 NEAR/{near.group(1)} 邻近检索，已改为同时包含这些词"
                           "（彼此靠近的排在前面）。")
            bare = _NEAR_OPERATOR.sub(" ", bare)
            asked_near = True
        if _BOOST_OR_FUZZY.search(bare):
            notices.append("不支持 ^ 加权和 ~ 模糊检索，已按普通文字检索。")
            bare = _BOOST_OR_FUZZY.sub(r"\1", bare)
        if _WILDCARD.search(bare):
            notices.append("不需要通配符：检索词本来就按字面包含匹配（经济 也找到 经济体制），"
                           "已去掉 *。")
            bare = _WILDCARD.sub("", bare)
        out.append(bare)
    return "".join(out), asked_near
