"""Collections: .jsonl and .csv files with one report per record, and their field names.

Datasets name the same thing differently (content / text / full_text / 正文, url / source_url), so
each record is mapped onto our canonical fields once, here. Records are numbered by line (.jsonl)
or row (.csv) so the number in a report id stays the same when other records break or are fixed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from searchapp.ingest import cleaning
from searchapp.model import Warn

SUFFIXES = (".jsonl", ".csv")
# canonical field -> accepted column / key names (case-insensitive), in order of preference
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "content": ("content", "text", "full_text", "fulltext", "body", "正文", "内容", "全文"),
    "title": ("title", "标题", "题目", "name"),
    "region": ("region", "地区", "area"),
    "city": ("city", "城市"),
    "county": ("county", "district", "区县"),
    "province": ("province", "省份", "省"),
    "level": ("level", "级别"),
    "year": ("year", "年份", "年度"),
    "date": ("date", "publish_date", "pub_date", "published", "发布日期", "日期"),
    "url": ("url", "source_url", "link", "链接", "网址"),
    "source": ("source", "来源", "信息来源"),
}


def read(path: Path, text: str, warn: Warn) -> list[tuple[int, dict[str, str]]]:
    """(record number, canonical fields) for every usable record; the rest in one warning each."""
    parse = _jsonl if path.suffix.lower() == ".jsonl" else _csv
    found, skipped = parse(path, text, warn)
    for reason, numbers in skipped.items():
        shown = ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")
        noun = "line" if path.suffix.lower() == ".jsonl" else "row"
        warn(f"{path}: {noun}{'s' if len(numbers) > 1 else ''} {shown}: {reason}; skipped")
    return found


def canonical(record: dict[str, Any]) -> dict[str, str]:
    """Map a record's keys onto FIELD_NAMES; values become stripped strings, empties dropped."""
    lowered = {str(k).strip().lower(): v for k, v in record.items() if k is not None}
    fields = {}
    for name, keys in FIELD_NAMES.items():
        for key in keys:
            value = lowered.get(key)
            text = cleaning.readable(str(value)) if value is not None else ""
            if text.strip():
                fields[name] = text.strip() if name != "content" else text
                break
    return fields


_NO_CONTENT = f"no report text (looked for {', '.join(FIELD_NAMES['content'])})"


def _jsonl(path: Path, text: str, warn: Warn) -> tuple[list, dict[str, list[int]]]:
    found: list[tuple[int, dict[str, str]]] = []
    skipped: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            skipped.setdefault("not valid JSON", []).append(number)
            continue
        if not isinstance(record, dict):
            skipped.setdefault("not a JSON object", []).append(number)
            continue
        fields = canonical(record)
        if "content" in fields:
            found.append((number, fields))
        else:
            skipped.setdefault(_NO_CONTENT, []).append(number)
    return found, skipped


def _csv(path: Path, text: str, warn: Warn) -> tuple[list, dict[str, list[int]]]:
    csv.field_size_limit(2**31 - 1)  # a whole report sits in one cell
    header = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=header.count)  # Excel exports use ; or tab in some locales
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    if not set(columns) & set(FIELD_NAMES["content"]):
        warn(f"{path}: no text column (found {', '.join(columns) or 'none'}; expected one of "
             f"{', '.join(FIELD_NAMES['content'])}); skipped")
        return [], {}
    found: list[tuple[int, dict[str, str]]] = []
    skipped: dict[str, list[int]] = {}
    try:
        for number, row in enumerate(reader, start=1):
            fields = canonical(row)
            if "content" in fields:
                found.append((number, fields))
            else:
                skipped.setdefault("empty text cell", []).append(number)
    except csv.Error as exc:
        warn(f"{path}: broken CSV after row {len(found)} ({exc}); the rows before it were read")
    return found, skipped
