"""「相关段落」: the paragraphs of other reports that share the asked paragraph's key terms,
without its own report's paragraphs and without plain copies."""

from __future__ import annotations

import pytest
from conftest import opened

from searchapp.config import Settings
from searchapp.connections import locate, related

ASKED = "建设高标准农田，发展智慧农业，推进农业现代化，让种粮农民的腰包鼓起来。"
FILLER = ["城市更新改造老旧小区{}个。", "新建学校{}所，增加学位。", "修建道路{}公里。",
          "新增就业{}人。", "引进项目{}个。"]


@pytest.fixture
def corpus(make_report):
    filler = [t.format(i) for i in range(2, 8) for t in FILLER]  # common words stay common
    return [
        make_report("asked", ASKED, "高标准农田和智慧农业还要再抓。", title="甲县报告", year=2023),
        make_report("near", "新建高标准农田两万亩，建设智慧农业示范园。", title="乙县报告",
                    year=2023),
        make_report("far", "智慧城市建设取得进展。", title="丙县报告", year=2022),
        make_report("copy", ASKED, title="丁县报告", year=2023),
        make_report("filler", *filler, title="戊县报告", year=2021),
    ]


def found(directory, doc: str, n: int) -> list[tuple[str, int]]:
    gen = opened(directory).generation()
    return [(r.doc, r.n) for r in related.related(gen, locate.docnum(gen, doc, n))]


def test_related_paragraphs_share_key_terms_best_first(make_index, corpus) -> None:
    directory = make_index(corpus)
    # not asked#2 (same report), not copy#1 (the same text): near shares the most terms
    assert found(directory, "asked", 1) == [("near", 1), ("far", 1)]


def test_key_terms_are_the_rarer_words_of_the_paragraph(make_index, corpus) -> None:
    gen = opened(make_index(corpus)).generation()
    words = [w for w, _ in related.key_terms(gen, gen.body(locate.docnum(gen, "near", 1)))]
    assert words == ["万亩", "示范园",  # in this paragraph only: the rarest
                     "农业", "建设", "高标准农田",  # in three paragraphs (ties: by the word)
                     "智慧",  # in four
                     "新建"]  # in the filler too; never 两, 高标 (a piece) or punctuation


def test_what_is_shared_is_named(make_index, corpus) -> None:
    gen = opened(make_index(corpus)).generation()
    near = related.related(gen, locate.docnum(gen, "asked", 1))[0]
    assert near.to_json()["doc"] == "near" and near.title == "乙县报告"
    assert set(near.terms) >= {"高标准农田", "智慧", "农业"}


def app_over(directory, tmp_path):
    from searchapp.web import create_app

    return create_app(Settings(corpus=(), index_dir=directory,
                               instance_dir=tmp_path / "instance"), {"TESTING": True})


def test_the_related_page_and_its_json_twin(make_index, corpus, tmp_path) -> None:
    client = app_over(make_index(corpus), tmp_path).test_client()
    page = client.get("/related?doc=asked&n=1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/doc/near#p-1"' in html and "《乙县报告》第1段" in html
    body = client.get("/api/related?doc=asked&n=1&limit=1").get_json()
    assert [(r["doc"], r["paragraph"]) for r in body["related"]] == [("near", 1)]
    view = client.get("/doc/asked").get_data(as_text=True)
    assert 'href="/related?doc=asked&amp;n=1"' in view


@pytest.mark.parametrize(("query", "status"), [
    ("doc=asked", 400), ("doc=asked&n=x", 400), ("doc=asked&n=0", 400), ("n=1", 400),
    ("doc=asked&n=1&limit=1000", 400), ("doc=asked&n=99", 404), ("doc=nowhere&n=1", 404),
    ("doc=%3Cscript%3E&n=1", 404)])
def test_bad_requests_say_what_is_wrong(make_index, corpus, tmp_path, query, status) -> None:
    client = app_over(make_index(corpus), tmp_path).test_client()
    assert client.get(f"/related?{query}").status_code == status
    answer = client.get(f"/api/related?{query}")
    assert answer.status_code == status and answer.get_json()["error"]["message"]


def test_report_text_is_escaped_on_the_related_page(make_index, make_report, tmp_path) -> None:
    directory = make_index([
        make_report("a", "<script>alert(1)</script>推进智慧农业示范。", title="甲<b>县</b>"),
        make_report("b", "<img src=x onerror=alert(1)>智慧农业示范园建设。", title="乙县"),
        make_report("filler", *[t.format(i) for i in range(2, 8) for t in FILLER]),
    ])
    html = app_over(directory, tmp_path).test_client().get(
        "/related?doc=b&n=1").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "甲&lt;b&gt;县&lt;/b&gt;" in html
