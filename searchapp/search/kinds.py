"""Section kinds: what a top-level part of a report is for, the same across years.

The index keeps each report's top-level headings as written (`一、2018年工作回顾`,
`二、2019年经济社会发展总体要求和政策取向`): 219 values over the national reports, one or
two per year, useless for comparing years. A kind names the part's job instead, so a
reader can ask for 工作回顾 of every year at once. The rule reads the heading's words; it
runs once per distinct heading of a generation, and the kind of each paragraph is a table
lookup on the generation's top-section ids (the index format is not involved).
"""

from __future__ import annotations

import re

import numpy as np

from searchapp.index.generation import Facet, Generation

REVIEW, PLAN, GOALS, GOVERNMENT, APPENDIX, GLOSSARY, OTHER = (
    "工作回顾", "工作安排", "目标任务", "政府自身建设", "附件", "名词解释", "其他")
KINDS = (REVIEW, PLAN, GOALS, GOVERNMENT, APPENDIX, GLOSSARY, OTHER)

# The words that name each kind. A heading naming two kinds ("1998年工作回顾和1999年工作的
# 总体要求") is filed under the one it names first: the part opens with it.
_WORDS = {
    REVIEW: r"回顾|过去[一五]?年|一年来|总结|执行情况|取得.{0,6}成就|发展成就|伟大成就"
            r"|首先报告",
    GOALS: r"总体要求|目标|政策取向|总体思路|总体部署|指导方针|基本方针",
    PLAN: r"工作安排|主要任务|重点工作|工作任务|政府工作的建议|今年.{0,4}任务|基本任务"
          r"|\d{4}年的工作",
    GOVERNMENT: r"政府自身|政府机构改革|行政能力建设|政风建设|从严治政|廉洁.{0,10}政府",
}
_PATTERN = re.compile("|".join(f"(?P<k{i}>{words})" for i, words in enumerate(_WORDS.values())))
_GLOSSARY = re.compile(r"词语解释|名词解释|名词注释|词语注释|注释$")
_CN_NUMBER = "[一二三四五六七八九十]+"
_NUMBERED = re.compile(rf"^\s*(?:{_CN_NUMBER}\s*[、.．]|[（(]{_CN_NUMBER}[)）])")
_APPENDIX = re.compile(r"^附件|^附表|^附录|(?:实事|工程|清单|项目)$")


def kind_of(heading: str) -> str:
    """The kind of a top-level heading. A glossary or appendix is recognised first (an
    appendix is an unnumbered part after the numbered ones: 2023年三十工程, 十件民生实事);
    then the kind whose words come first in the heading; else 其他 (the topic parts of
    older reports, 外交, 结束语)."""
    text = heading.strip()
    if _GLOSSARY.search(text):
        return GLOSSARY
    if _APPENDIX.search(text) and not _NUMBERED.match(text):
        return APPENDIX
    match = _PATTERN.search(text)
    if match is None:
        return OTHER
    return list(_WORDS)[int(match.lastgroup[1:])]  # type: ignore[index]


def kind_facet(gen: Generation) -> Facet:
    """The kind of every paragraph, as a facet over KINDS (text before the first heading:
    其他), computed once per generation from its top-section facet."""
    def compute(g: Generation) -> Facet:
        top = g.facets["section"]
        table = np.asarray([KINDS.index(kind_of(v)) for v in top.values]
                           + [KINDS.index(OTHER)], dtype=np.int8)  # id -1: no top section
        return Facet(table[top.ids], list(KINDS))
    return gen.derived("section-kinds", compute)  # type: ignore[return-value]
