"""Citations of a paragraph in the GB/T 7714-2015 style for electronic resources:

    主要责任者. 题名[EB/OL]. (发布日期)[引用日期]. 章节, 第N段. 访问路径

e.g. `孟州市人民政府. 孟州市2023年政府工作报告[EB/OL]. (2023-03-29)[2026-12-02].
2022年工作回顾 › (一)逆势奋进,综合实力迈上新台阶, 第11段. https://…`. The responsible
author of a government work report is the government that delivers it (the State Council
for 全国); an unknown one is 佚名, as the standard has it. Section headings are cut to a
readable length: the permalink, not the heading, is what finds the paragraph again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from searchapp.model import UNKNOWN

SECTION_CHARS = 20  # a heading longer than this is cut, with …
STATE_COUNCIL = "中华人民共和国国务院"


@dataclass(frozen=True)
class Cited:
    """What a citation names: any hit, export row or paragraph of a report gives these."""

    region: str
    level: str
    title: str
    date: str | None
    section: tuple[str, ...]
    n: int
    url: str


def author(region: str, level: str) -> str:
    if level == "national" or region == "全国":
        return STATE_COUNCIL
    if not region or region == UNKNOWN:
        return "佚名"
    return f"{region}人民政府"


def section_path(section: tuple[str, ...]) -> str:
    """Headings outermost first, each cut to SECTION_CHARS, joined by ›."""
    cut = [h.rstrip("。.") for h in section if h.strip()]
    return " › ".join(h if len(h) <= SECTION_CHARS else h[:SECTION_CHARS] + "…" for h in cut)


def citation(cited: Cited, accessed: date) -> str:
    """The citation string; `accessed` is the 引用日期 (today, for a reader copying it)."""
    title = cited.title if cited.title and cited.title != UNKNOWN else "政府工作报告"
    published = f"({cited.date})" if cited.date else ""
    place = section_path(cited.section)
    where = f"{place}, 第{cited.n}段" if place else f"第{cited.n}段"
    return (f"{author(cited.region, cited.level)}. {title}[EB/OL]. "
            f"{published}[{accessed.isoformat()}]. {where}. {cited.url}")
