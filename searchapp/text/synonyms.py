"""Synonyms and abbreviations: the curated table, pairs mined from reports, expansion.

Policy text abbreviates constantly (长护险 = 长期护理保险) and each report
defines its own short forms ("X（以下简称Y）", glossary entries), so a search
for one form should also find the other. Expansions are always searched
literally and ranked below the user's own word (see search.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from searchapp.model import Report
from searchapp.text.normalize import normalize

Table = dict[str, list[str]]

_SHORT_FORM = re.compile(
    r"[（(]\s*(?:以下)?(?:简称|下称|称)\s*[：:为]?\s*[“「《\"]?"
    r"(?P<short>[^（）()“”「」《》\"，,、；;。：:\s]{2,12})[”」》\"]?\s*[）)]")
_TRAILING_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{1,30}$")
_QUOTED_NAME = re.compile(r"[“「《\"](?P<name>[^“”「」《》\"]{2,30})[”」》\"]$")
_GLOSSARY_EXPLANATION = re.compile(
    r"^(?:是|为)?(?P<long>[^，,、；;。：:和及与]{2,16})的(?:简称|缩写)[。]?$"
    r"|^(?:即|全称|全称为|又称|指)[“「《]?(?P<also>[^，,、；;。：:和及与“”]{2,12})[”」》]?[。]?$")
_QUOTES = "“”「」《》\"'‘’"
_CONNECTORS = {"和": "与", "与": "和"}
_NOT_JOINING = frozenset({"中和", "共和", "温和", "缓和", "协和", "调和", "柔和", "平和", "和平",
                          "和谐", "和睦", "和美", "参与", "给与", "赋与", "与会"})


def load_curated() -> Table:
    """The versioned table searchapp/data/synonyms.tsv: each line a group of equivalents,
    each member also with its other connectors (数字技术与实体经济 and 数字技术和实体经济)."""
    text = resources.files("searchapp").joinpath("data/synonyms.tsv").read_text("utf-8")
    groups = [[variant for member in line.split("\t") for variant in connected(member.strip())]
              for line in text.splitlines() if line and not line.startswith("#")]
    return _symmetric((member, other) for group in groups for member in group for other in group)


def connected(phrase: str) -> list[str]:
    """`phrase` and, where it joins two words with 和 or 与, the same with the other one:
    the reports use either (促进数字技术和实体经济深度融合, 数字技术与实体经济深度融合). Not
    inside a word (碳中和, 和谐, 参与)."""
    variants = [phrase]
    for at, char in enumerate(phrase):
        other = _CONNECTORS.get(char)
        if other and 0 < at < len(phrase) - 1 and phrase[at - 1:at + 1] not in _NOT_JOINING \
                and phrase[at:at + 2] not in _NOT_JOINING:
            variants += [v[:at] + other + v[at + 1:] for v in variants]
    return variants


def mine(reports: Iterable[Report]) -> Table:
    """Short/long pairs each report defines itself: "X（以下简称Y）", "（简称Y）", glossary."""
    pairs = []
    for report in reports:
        for paragraph in report.paragraphs:
            pairs.extend(short_forms(paragraph.text))
        for term, explanation in report.glossary.items():
            pairs.extend(_glossary_pairs(term, explanation))
            pairs.extend(short_forms(explanation))
    return _symmetric(pair for long, short in pairs for pair in ((long, short), (short, long)))


def short_forms(text: str) -> list[tuple[str, str]]:
    """(long, short) for each "long（以下简称short）" in `text` whose long form is certain."""
    found = []
    for match in _SHORT_FORM.finditer(text):
        short = match["short"]
        long = _long_form(text[:match.start()], short)
        if long:
            found.append((long, short))
    return found


def _long_form(before: str, short: str) -> str | None:
    """The name just before the parenthesis that `short` abbreviates, or None if unsure.

    A quoted name (《…》 “…”) is taken whole; otherwise the shortest trailing run
    of characters that starts with the short form's first character and contains
    its characters in order (长期护理保险 for 长护险, not 我们设立了长期护理保险).
    """
    quoted = _QUOTED_NAME.search(before)
    if quoted:
        name = quoted["name"]
        return name if _abbreviates(short, name) else None
    run = _TRAILING_NAME.search(before)
    if not run:
        return None
    name = run.group()
    for start in range(len(name) - len(short), -1, -1):
        if name[start] == short[0] and _abbreviates(short, name[start:]):
            return name[start:]
    return None


def _abbreviates(short: str, long: str) -> bool:
    """True when `short` is shorter and its characters appear in `long` in order."""
    if len(short) >= len(long):
        return False
    chars = iter(long)
    return all(char in chars for char in short)


def _glossary_pairs(term: str, explanation: str) -> list[tuple[str, str]]:
    """A glossary entry that only spells out its term ("X：即Y。", "X：是Y的简称。")."""
    term = "".join(char for char in term.strip() if char not in _QUOTES)
    match = _GLOSSARY_EXPLANATION.match(explanation.strip())
    if not match or not term:
        return []
    other = (match["long"] or match["also"]).strip(_QUOTES)
    return [(other, term)] if other and other != term else []


def _symmetric(pairs: Iterable[tuple[str, str]]) -> Table:
    table: dict[str, set[str]] = defaultdict(set)
    for word, other in pairs:
        if word and other and normalize(word) != normalize(other):
            table[word].add(other)
    return {word: sorted(others) for word, others in sorted(table.items())}


def combine(*tables: Mapping[str, Iterable[str]]) -> Table:
    """One lookup table keyed by normalised word (so ＡＩ, ai and AI look up alike)."""
    merged: dict[str, set[str]] = defaultdict(set)
    for table in tables:
        for word, others in table.items():
            merged[normalize(word)].update(others)
    return {word: sorted(others) for word, others in merged.items()}


def expand(word: str, table: Mapping[str, list[str]]) -> list[str]:
    """What else to search for `word`; drops forms that contain it (its literal search finds
    those already)."""
    key = normalize(word)
    return [other for other in table.get(key, []) if key not in normalize(other)]


@cache
def curated() -> Table:
    """The curated table in lookup form, read once per process."""
    return combine(load_curated())
