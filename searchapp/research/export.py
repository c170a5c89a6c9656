"""Export of a whole result set (not one page of it) as CSV, XLSX or JSON Lines.

The ranked docnums are the only thing held for the whole set (4 bytes a row); the rows are
read from the stored fields and written as the writer reaches them, so 100,000 rows cost
what a few hundred do. CSV starts with a BOM so that Excel reads it as UTF-8; its cells that
a spreadsheet would run as a formula get a leading ' (OWASP's CSV-injection advice). XLSX is
written by XlsxWriter in constant_memory mode into a temporary file, then streamed from it:
a zip's directory comes last, so no XLSX byte can be sent before the last row is written.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

import numpy as np

from searchapp.errors import UsageError
from searchapp.index.generation import Generation, Record
from searchapp.index.read import Index
from searchapp.model import Query
from searchapp.research import anchors
from searchapp.research.citation import Cited, citation
from searchapp.search.searching import ranked, select

COLUMNS = ("region", "parents", "level", "year", "date", "title", "section", "paragraph",
           "text", "permalink", "citation")  # the header of every format: one vocabulary
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BATCH = 500  # rows per chunk handed to the writer (and to an HTTP response)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_MAX = 32_767  # Excel's limit on the characters of one cell


@dataclass(frozen=True)
class Export:
    """A result set ready to be written: its size, and its rows on demand."""

    total: int
    notice: str | None
    rows: Iterator[dict]


def export(index: Index, query: Query, base_url: str = "", accessed: date | None = None,
           limit: int | None = None) -> Export:
    """Every row of `query`'s results (or the first `limit`), in result order; `base_url`
    (https://host) makes the permalinks absolute."""
    selection = select(index, query)
    order = ranked(selection, query.sort)[:limit]
    rows = _rows(selection.gen, order, base_url, accessed or date.today())
    return Export(len(order), selection.notice, rows)


def _rows(gen: Generation, order: np.ndarray, base_url: str, accessed: date
          ) -> Iterator[dict]:
    """Read BATCH records at a time (their anchors are hashed together)."""
    for start in range(0, len(order), BATCH):
        records = [gen.record(d) for d in order[start:start + BATCH].tolist()]
        hashes = anchors.text_hashes([r.text for r in records])
        for record, text_hash in zip(records, hashes, strict=True):
            yield row(record, base_url, accessed, text_hash)


def row(record: Record, base_url: str, accessed: date, text_hash: str | None = None) -> dict:
    """One exported row (keys: COLUMNS)."""
    link = base_url.rstrip("/") + anchors.link(
        record.doc, record.n, text_hash or anchors.text_hash(record.text))
    cited = Cited(record.region, record.level, record.title, record.date, record.section,
                  record.n, link)
    return {"region": record.region, "parents": " › ".join(record.parents),
            "level": record.level, "year": record.year, "date": record.date,
            "title": record.title, "section": " › ".join(record.section), "paragraph": record.n,
            "text": record.text, "permalink": link, "citation": citation(cited, accessed)}


def dump(index: Index, query: Query, fmt: str, out: BinaryIO, limit: int | None = None) -> int:
    """`searchapp search --format`: the results written to `out`; returns the row count."""
    data = export(index, query, limit=limit)
    for chunk in write(data.rows, fmt):
        out.write(chunk)
    out.flush()
    return data.total


def check_format(name: str) -> str:
    if name not in FORMATS:
        raise UsageError(f"未知的导出格式“{name[:20]}”：可用 csv、xlsx、jsonl。")
    return name


def write(rows: Iterator[dict], fmt: str) -> Iterator[bytes]:
    """The file's bytes, chunk by chunk."""
    return {"csv": write_csv, "jsonl": write_jsonl, "xlsx": write_xlsx}[check_format(fmt)](rows)


def write_csv(rows: Iterator[dict]) -> Iterator[bytes]:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    buffer.write("\ufeff")
    out.writerow(COLUMNS)
    for i, r in enumerate(rows, 1):
        out.writerow([_safe_cell(r[c]) for c in COLUMNS])
        if i % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def write_jsonl(rows: Iterator[dict]) -> Iterator[bytes]:
    chunk: list[str] = []
    for r in rows:
        chunk.append(json.dumps(r, ensure_ascii=False) + "\n")
        if len(chunk) == BATCH:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    yield "".join(chunk).encode("utf-8")


def write_xlsx(rows: Iterator[dict]) -> Iterator[bytes]:
    import xlsxwriter  # only an XLSX export pays for importing it

    with tempfile.TemporaryFile() as file:
        book = xlsxwriter.Workbook(file, {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False,
                                          "strings_to_urls": False})
        sheet = book.add_worksheet("检索结果")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, COLUMNS, bold)
        for i, r in enumerate(rows, 1):
            for j, name in enumerate(COLUMNS):
                _xlsx_cell(sheet, i, j, r[name])
        book.close()
        file.seek(0)
        while chunk := file.read(1 << 16):
            yield chunk


def _xlsx_cell(sheet: object, i: int, j: int, value: object) -> None:
    if isinstance(value, int):
        sheet.write_number(i, j, value)  # type: ignore[attr-defined]
    elif value:
        sheet.write_string(i, j, str(value)[:XLSX_CELL_MAX])  # type: ignore[attr-defined]


def _safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data
