"""Export: every result (not one page) as CSV, XLSX or JSON Lines, in result order,
streamed; on the web (/export) and the CLI (`searchapp search --format … --all`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import opened, run_cli
from flask.testing import FlaskClient
from openpyxl import load_workbook

from searchapp.model import Query
from searchapp.research import export
from searchapp.search import searching

ACCESSED = date(2026, 12, 2)


def rows_of(index: Path, q: str, **filters: str) -> list[dict]:
    return list(export.export(opened(index), Query(q=q, **filters), accessed=ACCESSED).rows)


def test_the_export_holds_every_result_in_result_order(national_index: Path) -> None:
    results = searching.run(opened(national_index), Query(q="营商环境", per_page=50))
    rows = rows_of(national_index, "营商环境")
    assert len(rows) == results.total > 50
    assert [(r["permalink"].split("?")[0], r["paragraph"]) for r in rows[:50]] == \
        [(f"/doc/{h.doc}", h.paragraph) for h in results.hits]


def test_a_row_names_the_paragraph_fully(seeds_index: Path) -> None:
    [first] = [r for r in rows_of(seeds_index, "“最多跑一次”") if r["region"] == "孟州市"][:1]
    assert list(first) == list(export.COLUMNS)
    assert {k: first[k] for k in ("region", "parents", "level", "year", "date", "title")} == {
        "region": "孟州市", "parents": "河南省 › 焦作市", "level": "county", "year": 2023,
        "date": "2023-03-29", "title": "孟州市2023年政府工作报告"}
    assert "最多跑一次" in first["text"]
    assert first["citation"].endswith(f"第{first['paragraph']}段. {first['permalink']}")


def test_filters_narrow_the_export_as_they_narrow_the_search(seeds_index: Path) -> None:
    rows = rows_of(seeds_index, "营商环境", region="沁阳市")
    assert rows and {r["region"] for r in rows} == {"沁阳市"}
    assert len(rows) == searching.run(opened(seeds_index),
                                      Query(q="营商环境", region="沁阳市")).total


def test_csv_has_a_bom_a_header_and_defuses_formulas(make_index, make_report) -> None:
    directory = make_index([make_report("r1", "=HYPERLINK(\"http://x\")营商环境", "营商环境好",
                                        region="孟州市", title="t")])
    data = export.export(opened(directory), Query(q="营商环境"), accessed=ACCESSED)
    text = b"".join(export.write(data.rows, "csv")).decode("utf-8")
    assert text.startswith("\ufeffregion,parents,level,year,")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    texts = sorted(r[8] for r in table[1:])
    assert texts == ["'=HYPERLINK(\"http://x\")营商环境", "营商环境好"]


def test_xlsx_reads_back_in_a_spreadsheet(seeds_index: Path, tmp_path: Path) -> None:
    data = export.export(opened(seeds_index), Query(q="营商环境"), accessed=ACCESSED)
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(export.write(data.rows, "xlsx")))
    sheet = load_workbook(path, read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == export.COLUMNS
    assert len(table) == data.total + 1
    assert {r[0] for r in table[1:]} == {"孟州市", "沁阳市"}
    assert all(isinstance(r[7], int) for r in table[1:])


def test_json_lines_is_one_object_per_result(seeds_index: Path) -> None:
    data = export.export(opened(seeds_index), Query(q="营商环境"), accessed=ACCESSED)
    lines = b"".join(export.write(data.rows, "jsonl")).decode("utf-8").splitlines()
    assert len(lines) == data.total
    assert all(list(json.loads(line)) == list(export.COLUMNS) for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_rows_are_read_only_as_the_writer_reaches_them(fmt: str) -> None:
    consumed = 0

    def rows() -> Iterator[dict]:
        nonlocal consumed
        for i in range(export.BATCH * 3):
            consumed += 1
            yield dict.fromkeys(export.COLUMNS, str(i))

    chunks = export.write(rows(), fmt)
    next(chunks)
    assert consumed <= export.BATCH + 1


def test_the_web_export_streams_a_named_attachment(client: FlaskClient) -> None:
    response = client.get("/export?q=营商环境&region=孟州市&format=csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="searchapp-export.csv"; filename*=UTF-8\'\'')
    body = response.get_data(as_text=True)
    total = int(response.headers["X-Total-Count"])
    assert len(list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))) == total + 1
    assert "http://localhost/doc/" in body  # absolute permalinks


def test_exported_markup_is_text_not_html(client: FlaskClient) -> None:
    body = client.get("/export?q=试验田&format=jsonl").get_data(as_text=True)
    texts = [json.loads(line)["text"] for line in body.splitlines()]
    assert any('<script>alert("xss")</script>' in t for t in texts)


@pytest.mark.parametrize(("url", "message"), [
    ("/export?q=营商环境&format=pdf", "导出格式“pdf”无效：可用 csv、xlsx、jsonl。"),
    ("/export?format=csv", "请输入检索词（或至少一个筛选条件）。"),
])
def test_bad_export_requests_are_400s_that_say_why(client: FlaskClient, url: str,
                                                   message: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_results_page_offers_the_downloads(client: FlaskClient) -> None:
    html = client.get("/search?q=营商环境&region=孟州市").get_data(as_text=True)
    for fmt in ("csv", "xlsx", "jsonl"):
        assert (f'href="/export?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&amp;region='
                f'%E5%AD%9F%E5%B7%9E%E5%B8%82&amp;format={fmt}" download') in html


def test_cli_exports_every_result(seeds_index: Path) -> None:
    result = run_cli("search", "发展", "--index", seeds_index, "--format", "jsonl", "--all")
    assert result.exit_code == 0
    total = searching.run(opened(seeds_index), Query(q="发展")).total
    assert len(result.stdout.splitlines()) == total > 10
    limited = run_cli("search", "营商环境", "--index", seeds_index, "--format", "csv",
                      "--limit", "3")
    assert len(limited.stdout.lstrip("\ufeff").splitlines()) == 4


def test_cli_all_without_a_format_says_what_to_add(seeds_index: Path) -> None:
    result = run_cli("search", "营商环境", "--index", seeds_index, "--all")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --all needs --format csv, jsonl or xlsx"


@pytest.mark.parametrize(("sort", "first_year"), [("oldest", 2014), ("date", 2025)])
def test_the_export_follows_the_searchs_sort(national_index: Path, sort: str,
                                             first_year: int) -> None:
    rows = rows_of(national_index, "\"营商环境\"", sort=sort)
    assert rows[0]["year"] == first_year
    years = [r["year"] for r in rows]
    assert years == sorted(years, reverse=sort == "date")
