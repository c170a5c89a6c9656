"""What readers type from other search engines, rewritten into our query language.

AND (implicit here), NOT word (= -word), lowercase or, +word (= word) work as meant;
`"a b"~N` (proximity) and `*` (wildcards) are not supported and are searched in the nearest
supported way, with a notice, so no such query silently returns nothing.
"""

from __future__ import annotations

import re

_QUOTED_OR_NOT = re.compile(r'("[^"]*"(?:~\d+)?)|([^"]+|")')  # a lone " stays for the parser
_NEAR = re.compile(r'^"([^"]*)"~(\d+)$')
_WILDCARD = re.compile(r"(?<=\S)\*+|\*+(?=\S)")


def other_engines(text: str, notices: list[str]) -> str:
    """What readers type from other search engines, read as they mean it: AND (implicit
    here), NOT word (= -word), lowercase or, +word (= word); `"a b"~N` and wildcards are
    not supported and are searched in the nearest supported way, with a notice."""
    out = []
    for quoted, bare in _QUOTED_OR_NOT.findall(text):
        if quoted:
            near = _NEAR.match(quoted)
            if near:
                notices.append(f"暂不支持 ~{near.group(2)} 邻近检索，已改为同时包含这些词"
                               "（彼此靠近的排在前面）。")
                quoted = f"({near.group(1)})" if near.group(1).strip() else ""
            out.append(quoted)
            continue
        bare = re.sub(r"(?<!\S)(?:AND|and|&&)(?!\S)", " ", bare)
        bare = re.sub(r"(?<!\S)(?:NOT|not)\s+(?=\S)", "-", bare)
        bare = re.sub(r"(?<!\S)(?:or|\|\|)(?!\S)", "OR", bare)
        bare = re.sub(r"(?<!\S)\+(?=\S)", "", bare)
        if _WILDCARD.search(bare):
            notices.append("不需要通配符：检索词本来就按字面包含匹配（经济 也找到 经济体制），"
                           "已去掉 *。")
            bare = _WILDCARD.sub("", bare)
        out.append(bare)
    return "".join(out)
