"""Metadata found in a report's own text: title, region, level, year, date, source, parents.

File names carry no metadata in practice (scraped copies are named by hashes), so everything is
read from the evidence a report carries near its top: the title line, "信息来源:", a date like
(20230208) or "——2024年3月5日在…", "——在孟州市第六届人民代表大会…", "我代表市人民政府".
Collection fields (JSONL/CSV) come first when present; sidecar overrides are applied later.
Patterns run on text folded by text/normalize.py (full-width digits, Traditional script), which
keeps every offset, so values are cut from the text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date

from searchapp.ingest.cleaning import BYLINE
from searchapp.model import LEVELS
from searchapp.text import regions
from searchapp.text.normalize import normalize

HEAD = 15  # paragraphs searched for title/date/source evidence: the front of the report
DATE_LINE_MAX = 80
SIGNED_DATE_MAX = 20  # a date line under the signature at the end: "2023年3月29日"
_TITLE = re.compile(r"工作报告")
_RESOLUTION = re.compile(r"关于.{0,20}报告的决议|决议$")
_TRAILING_DATE = re.compile(r"\s*[（(][\d\s年月日.\-—－/]{4,}[)）]\s*$")
_SOURCE = re.compile(r"(?:信息来源|来源|稿源|出处|原文链接|原文地址)\s*:\s*([^\s|]+)")
# Where a source value ends when a byline runs on: "河南日报时间：2026-02-03", "…发布日期:…"
_SOURCE_END = re.compile(r"(?:发布|發布)?(?:日期|时间|時間)[:：]|(?:责任)?编辑[:：]|作者[:：]"
                         r"|发布(?:日期|时间)|發布(?:日期|時間)")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
_PACKED_DATE = re.compile(r"[（(](\d{4})(\d{2})(\d{2})[)）]")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_CONGRESS = re.compile(r"在(.{2,20}?)第[一二三四五六七八九十\d]+届人民代表大会")
_ON_BEHALF = re.compile(r"代表(.{0,12}?)人民政府")
_NATIONAL_TITLE = re.compile(r"国务院|全国人民代表大会|中华人民共和国政府工作报告")
_NATIONAL_HEAD = re.compile(r"代表国务院|国务院总理|^——.*全国人民代表大会第.+次会议")
_NPC_SESSION = re.compile(r"第([一二三四五六七八九十]+)届全国人民代表大会"
                          r"第([一二三四五六七八九十]+)次会议")
_PLAN_YEAR = re.compile(r"报告提出的(\d{4})年")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月"
                      r"([一二三四五六七八九十]{1,3})日")


@dataclass
class Meta:
    title: str | None = None
    region: str | None = None
    level: str | None = None
    year: int | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    parents: tuple[str, ...] = ()


def extract(paragraphs: list[str], fields: dict[str, str] | None = None,
            trailer: list[str] | None = None) -> Meta:
    """Metadata from collection fields first, then from the text's own evidence.

    `trailer` is what cleaning removed but may name the origin: a reprint's byline
    ("来源：河南日报", "时间：2026-02-03") and what was cut off the end ("如若转载,请注明出处:
    https://…"). A byline's date is when the copy was posted, so any date of the report's own
    comes first; its source ranks like a 来源 line of the text.
    """
    fields = fields or {}
    head = [_fold(p) for p in paragraphs[:HEAD]]
    bylines = [p for p in trailer or [] if BYLINE.match(p)]
    meta = Meta(url=fields.get("url") or None)
    meta.date = (normalize_date(fields.get("date", "")) or _find_date(head)
                 or _find_date([_fold(p) for p in paragraphs[-3:] if len(p) <= SIGNED_DATE_MAX])
                 or _find_date([_fold(p) for p in bylines]))
    meta.year = parse_year(fields.get("year")) or _find_year(fields.get("title", ""), head, meta)
    meta.source = (fields.get("source") or _find_source(paragraphs[:HEAD])
                   or _find_source(bylines) or meta.url or _find_source(trailer or []))
    _set_region(meta, fields, head, _title_index(head), "\n".join(paragraphs))
    meta.title = fields.get("title") or title_line(paragraphs, meta)
    return meta


def _fold(text: str) -> str:
    """One set of simplified, half-width patterns fits every transcription; same length."""
    return normalize(text)


def document_type(title: str, head: list[str]) -> str:
    """What kind of document a record is (model.DOCTYPES): a congress's 决议 on the
    government work report is filed in collections beside the reports, and a reader
    comparing what governments planned wants it kept apart. Read from the title, else from
    the first paragraphs (a title line not recognised as one)."""
    for text in [title, *head[:HEAD]]:
        folded = re.sub(r"\s+", "", _fold(text or ""))
        if _RESOLUTION.search(folded):
            return "resolution"
        if _TITLE.search(folded):
            return "report"
    return "other"


def normalize_date(value: str) -> str | None:
    """Any common date spelling -> ISO yyyy-mm-dd, or None when it is not a real date."""
    value = _fold(str(value or ""))
    match = _ISO_DATE.search(value) or re.search(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", value)
    return _iso(*match.groups()) if match else None


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return Date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_year(value: object) -> int | None:
    """A plausible report year from a field value (int, "2023", "２０２３年")."""
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", _fold(str(value))) if value is not None else None
    year = int(match.group(1)) if match else None
    return year if year and 1949 <= year <= 2100 else None


def _find_date(head: list[str]) -> str | None:
    """A date on a short line (title, 发布日期, subtitle); dates in body sentences are events."""
    for text in (t for t in head if len(t) <= DATE_LINE_MAX):
        for pattern in (_ISO_DATE, _PACKED_DATE):
            for match in pattern.finditer(text):
                if found := _iso(*match.groups()):
                    return found
        for match in _CN_DATE.finditer(text):
            year = "".join(str(_CN_DIGITS[c]) for c in match.group(1))
            if found := _iso(year, *(str(_cn_number(g)) for g in match.groups()[1:])):
                return found
    return None


def _find_year(title: str, head: list[str], meta: Meta) -> int | None:
    """Title year, then the date's year, then what a resolution says about its report."""
    index = _title_index(head)
    for text in ([_fold(title)] if title else []) + ([head[index]] if index is not None else []):
        if match := _YEAR.search(text):
            return parse_year(match.group(1))
    if meta.date:
        return int(meta.date[:4])
    joined = "\n".join(head)
    if match := _PLAN_YEAR.search(joined):
        return parse_year(match.group(1))
    return _npc_year(_fold(title) + "\n" + joined)


def _npc_year(text: str) -> int | None:
    """Since the 5th NPC (1978) congresses meet yearly and are elected every five years."""
    match = _NPC_SESSION.search(text)
    if not match:
        return None
    term, session = (_cn_number(g) for g in match.groups())
    return 1978 + 5 * (term - 5) + session - 1 if term >= 5 and 1 <= session <= 5 else None


def _cn_number(text: str) -> int:
    """一..九十九 as an int (enough for congress terms and sessions)."""
    if "十" not in text:
        return _CN_DIGITS.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _find_source(texts: list[str]) -> str | None:
    for text in texts:
        if match := _SOURCE.search(_fold(text)):
            value = text[match.start(1) : match.end(1)]  # as written: URLs keep their case
            return _SOURCE_END.split(value)[0] or None
    return None


def _title_index(head: list[str]) -> int | None:
    for i, text in enumerate(head):
        if _TITLE.search(text) and len(text) <= 60 and not text.endswith("。"):
            return i
    return None


def _set_region(meta: Meta, fields: dict[str, str], head: list[str], title_index: int | None,
                full_text: str) -> None:
    title = fields.get("title", "") or (head[title_index] if title_index is not None else "")
    national = _NATIONAL_TITLE.search(_fold(title)) or any(map(_NATIONAL_HEAD.search, head[:5]))
    if not fields.get("region") and national:
        meta.region, meta.level = regions.NATIONAL, "national"
        return
    context = full_text + fields.get("province", "")
    for names in _region_candidates(fields, head, title):
        places = [p for p in (regions.resolve(n, context) for n in names) if p]
        if places:  # "河南省孟州市…": the most specific name of one piece of evidence wins
            place = max(places, key=lambda p: len(p.parents))
            meta.region, meta.level, meta.parents = place.name, place.level, place.parents
            return
    if fields.get("region"):  # a region the dataset does not know is still the user's word
        meta.region = fields["region"]
        meta.level = fields.get("level") if fields.get("level") in LEVELS else None


def _region_candidates(fields: dict[str, str], head: list[str], title: str) -> list[list[str]]:
    """Names per piece of evidence, in the order we trust it: fields, 来源, congress, title…"""
    evidence = [fields.get(k, "") for k in ("region", "city", "county", "province")]
    evidence += [m.group(1) for t in head for m in _SOURCE.finditer(t)]
    evidence += [m.group(1) for t in head for m in _CONGRESS.finditer(t)]
    evidence += [_fold(title)]
    evidence += [m.group(1) for t in head for m in _ON_BEHALF.finditer(t)]
    return [regions.find_names(text) for text in evidence if text]


def title_line(paragraphs: list[str], meta: Meta) -> str | None:
    """The title line as written (minus a trailing date), prefixed with the region if absent.

    Public because a sidecar that changes the region changes the prefix too.
    """
    index = _title_index([_fold(p) for p in paragraphs[:HEAD]])
    if index is None:
        return None
    title = _TRAILING_DATE.sub("", paragraphs[index]).strip()
    if meta.region and meta.region != regions.NATIONAL and meta.region not in _fold(title):
        year = f"{meta.year}年" if meta.year and not _YEAR.search(_fold(title)) else ""
        title = f"{meta.region}{year}{title}"
    return title
