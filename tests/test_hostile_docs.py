"""Hostile documents (issue 6): whatever is dropped into the corpus, ingestion warns and goes
on, and nothing from a report reaches a page, the report view, the feed, JSON or the terminal
unescaped: HTML/JS (`<script>`, `<img onerror>`, `<svg onload>`, `javascript:` links and URLs),
NUL bytes, lone surrogates, terminal escapes, a 100,000-character line, hundreds of repeated
headings, a file of random bytes and a PNG."""

from __future__ import annotations

import json
import random
import re
from xml.etree import ElementTree as ET

import pytest
from click.testing import Result
from conftest import run_cli
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.web import create_app

REPEATS = 150  # each a run of five nested headings
HOSTILE = ("2024年修武县政府工作报告\n信息来源:修武县人民政府 发布日期:2024-01-20\n\n各位代表:\n\n"
           "一、2023年工作回顾\n\n"
           "推进<script>alert('xss')</script>试验田建设，"
           "<img src=x onerror=alert(1)>示范区扩容。\n\n"
           '详见<a href="javascript:alert(1)">试验田链接</a>，javascript:alert(2) 也只是文字。\n\n'
           "空字符\x00夹在试验田中间，终端转义\x1b]0;pwned\x07\x1b[31m试验田\x1b[0m。\n\n"
           + "长" * 50_000 + "试验田" + "行" * 49_997 + "\n\n"
           + "".join(f"一、重复标题{i % 3}\n（一）重复小标题\n1.重复条目\n（1）重复\n①重复\n"
                     for i in range(REPEATS)))
META = 'url = "javascript:alert(3)"\ntitle = "<script>alert(4)</script>试验田报告"\n'
RECORD = {"title": "<b onmouseover=alert(6)>记录</b>报告", "year": 2022, "region": "修武县",
          "content": "试验田\ud800孤立代理\u0000空字符<svg onload=alert(5)>。\n\n第二段试验田。"}
# A live tag from report text, or an event handler / javascript: link inside any live tag.
RAW_MARKUP = re.compile(r"<(script|img|svg|b)\b|<[^>]*\son\w+\s*=|<[^>]*=\s*\"?javascript:", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Settings]:
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (corpus / "hostile.meta.toml").write_text(META, encoding="utf-8")
    (corpus / "records.jsonl").write_text(json.dumps(RECORD) + "\n{broken json\n")
    noise = random.Random(6).randbytes(4096)
    (corpus / "binary.txt").write_bytes(noise)
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)
    result = run_cli("reindex", "--corpus", corpus, "--index", root / "index")
    return result, Settings(corpus=(corpus,), index_dir=root / "index",
                            instance_dir=root / "instance")


@pytest.fixture
def client(built: tuple[Result, Settings]) -> FlaskClient:
    return create_app(built[1], {"TESTING": True}).test_client()


def test_ingestion_warns_about_each_bad_file_and_indexes_the_rest(built) -> None:
    result, settings = built
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 reports, ")
    warnings = sorted(line.replace(str(settings.corpus[0]) + "/", "")
                      for line in result.stderr.splitlines() if line.startswith("warning: "))
    assert warnings[:4] == [
        "warning: binary.txt: binary file (contains NUL bytes), not text; skipped",
        "warning: hostile.txt: 1 NUL byte(s) removed",
        "warning: image.txt: binary file (contains NUL bytes), not text; skipped",
        "warning: records.jsonl: line 2: not valid JSON; skipped",
    ]


def test_json_api_carries_text_as_data_and_escapes_highlights(client: FlaskClient) -> None:
    data = client.get("/api/search?q=试验田&per_page=50").get_json()
    assert data["total"] == 6  # 4 in hostile.txt, 2 in the record
    texts = [h["text"] for h in data["hits"]]
    assert "推进<script>alert('xss')</script>试验田建设，<img src=x onerror=alert(1)>示范区扩容。" \
        in texts
    assert "试验田\ufffd孤立代理空字符<svg onload=alert(5)>。" in texts
    assert not [t for t in texts if re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", t)]
    for hit in data["hits"]:
        assert not RAW_MARKUP.search(hit["highlight"] + hit["fragment"]), hit["highlight"][:200]
    long_hit = next(h for h in data["hits"] if len(h["text"]) == 100_000)
    assert len(long_hit["fragment"]) < 1000
    assert "<mark>试验田</mark>" in long_hit["fragment"]


@pytest.mark.parametrize("url", ["/search?q=试验田", "/search?q=试验田&page=2",
                                 "/doc/hostile?q=试验田", "/doc/records-001?q=试验田",
                                 "/search?q=alert", "/search?q=script"])
def test_pages_show_hostile_text_escaped(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    body = html.split("<main", 1)[1]
    assert not RAW_MARKUP.search(body), RAW_MARKUP.search(body)
    assert "\x00" not in html and "\x1b" not in html


def test_report_view_escapes_title_and_drops_the_javascript_url(client: FlaskClient) -> None:
    html = client.get("/doc/hostile?q=试验田").get_data(as_text=True)
    assert "&lt;script&gt;alert(4)&lt;/script&gt;试验田报告" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:alert(3)" not in html


def test_repeated_headings_keep_section_paths_short(client: FlaskClient) -> None:
    doc = client.get("/api/doc/hostile").get_json()
    assert len(doc["paragraphs"]) == 8 + 5 * REPEATS
    assert max(len(p["section"]) for p in doc["paragraphs"]) <= 4
    assert doc["paragraphs"][-1]["section"] == [
        f"一、重复标题{(REPEATS - 1) % 3}", "（一）重复小标题", "1.重复条目", "（1）重复"]


def test_feed_is_well_formed_xml_with_text_escaped(client: FlaskClient) -> None:
    response = client.get("/feed?q=试验田")
    root = ET.fromstring(response.data)  # raises on a raw tag or an XML-illegal character
    atom = "{http://www.w3.org/2005/Atom}"
    html = [e.text for e in root.iter(f"{atom}content")]  # type="html": what readers render
    assert len(html) == 6 and not [h for h in html if RAW_MARKUP.search(h)]
    titles = [e.findtext(f"{atom}title") for e in root.iter(f"{atom}entry")]
    assert "<b onmouseover=alert(6)>记录</b>报告" in " ".join(titles)  # as text, not a tag


def test_cli_prints_no_terminal_escapes_from_report_text(built) -> None:
    result = run_cli("search", "试验田", "--limit", "20", "--index", built[1].index_dir)
    assert result.exit_code == 0
    assert "终端转义]0;pwned[31m[试验田][0m。" in result.output
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", result.output)
