"""A year's plan and the next year's review: each plan paragraph linked to the review
paragraph that reports on it, measured on the judged sample in eval/plan_review.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import opened

from searchapp.config import Settings
from searchapp.connections import plan_review
from searchapp.connections.locate import docnum
from searchapp.model import Paragraph, Report

JUDGED = Path(__file__).parents[1] / "eval" / "plan_review.jsonl"
FILLER = ["城市更新改造老旧小区{}个。", "修建道路{}公里，方便群众出行。",
          "新增就业{}人，就业形势稳定。"]


def report(rid: str, year: int, parts: dict[str, list[str]]) -> Report:
    paragraphs, n = [], 0
    for heading, texts in parts.items():
        n += 1
        paragraphs.append(Paragraph(n, heading, (), 1))
        for text in texts:
            n += 1
            paragraphs.append(Paragraph(n, text, (heading,), 0))
    return Report(id=rid, source_path=f"{rid}.txt", title=f"{year}年甲县政府工作报告",
                  region="甲县", level="county", year=year, paragraphs=paragraphs)


@pytest.fixture
def directory(make_index, make_report):
    filler = [t.format(i) for i in range(2, 9) for t in FILLER]
    return make_index([
        report("plan", 2023, {"一、2022年工作回顾": ["去年粮食丰收，农民增收。"],
                              "二、2023年工作安排": [
                                  "建设高标准农田五万亩，推进智慧农业示范园建设，提高粮食单产。",
                                  "建设智慧港口，发展临港物流产业集群，开通国际货运班列。"]}),
        report("review", 2024, {"一、2023年工作回顾": [
            "各位代表！",
            "建成高标准农田五万亩，智慧农业示范园投入使用，粮食单产提高。",
            "城市更新改造老旧小区十个。"],
            "二、2024年工作安排": ["继续抓好粮食生产。"]}),
        make_report("filler", *filler, title="乙县报告", region="乙县", year=2022),
    ])


def test_a_plan_paragraph_is_linked_to_the_review_that_reports_on_it(directory) -> None:
    gen = opened(directory).generation()
    assert plan_review.next_report(gen, "plan") == "review"
    assert plan_review.next_report(gen, "review", step=-1) == "plan"
    found = [(x.plan_n, x.review_doc, x.review_n) for x in plan_review.links(gen, "plan")]
    assert found == [(4, "review", 3)]  # the port (paragraph 5) was never reported on
    assert {n: [x.plan_n for x in links] for n, links
            in plan_review.reviewed_by(gen, "review").items()} == {3: [4]}
    assert [(row.n, row.review_text) for row in plan_review.plan_paragraphs(gen, "plan")] == [
        (4, "建成高标准农田五万亩，智慧农业示范园投入使用，粮食单产提高。"), (5, None)]


def test_a_resolution_beside_the_review_is_neither_plan_nor_review(make_index) -> None:
    """The NPC's resolution of 2024 is not the report that reviews 2023's plan, and has no
    plan part of its own: no links either way (and none worked out to be thrown away)."""
    resolution = Report(id="resolution", source_path="resolution.txt",
                        title="关于2024年甲县政府工作报告的决议", region="甲县", level="county",
                        year=2024, doctype="resolution",
                        paragraphs=[Paragraph(1, "会议批准这个报告。", (), 0)])
    directory = make_index([
        report("plan", 2023, {"二、2023年工作安排": [
            "建设高标准农田五万亩，推进智慧农业示范园建设，提高粮食单产。"]}),
        report("review", 2024, {"一、2023年工作回顾": [
            "建成高标准农田五万亩，智慧农业示范园投入使用，粮食单产提高。"]}),
        resolution])
    gen = opened(directory).generation()
    assert plan_review.next_report(gen, "plan") == "review"
    assert plan_review.reviewed_by(gen, "resolution") == {}
    assert plan_review.links(gen, "resolution") == []
    asked = []

    def links_of(g, plan_doc):
        asked.append(plan_doc)
        return plan_review.links(g, plan_doc)
    assert list(plan_review.reviewed_by(gen, "review", links_of)) == [2]
    assert asked == ["plan"]  # the web app passes its memoised links here


def test_the_plan_and_review_parts_are_read_from_the_section_paths(directory) -> None:
    gen = opened(directory).generation()
    assert plan_review.part(gen, "plan", plan_review.PLAN) == [
        (4, docnum(gen, "plan", 4)), (5, docnum(gen, "plan", 5))]
    assert [n for n, _ in plan_review.part(gen, "review", plan_review.REVIEW)] == [2, 3, 4]


def test_cosine_of_sparse_vectors() -> None:
    assert plan_review.cosine({"a": 1.0}, {"a": 2.0}) == pytest.approx(1.0)
    assert plan_review.cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert plan_review.cosine({"a": 3.0, "b": 4.0}, {"a": 1.0}) == pytest.approx(0.6)
    assert plan_review.cosine({}, {"a": 1.0}) == 0.0


def test_the_report_view_and_the_plan_review_page(directory, tmp_path) -> None:
    from searchapp.web import create_app

    client = create_app(Settings(corpus=(), index_dir=directory,
                                 instance_dir=tmp_path / "instance"),
                        {"TESTING": True}).test_client()
    plan = client.get("/doc/plan").get_data(as_text=True)
    assert '<a href="/doc/review#p-3">次年回顾：第3段</a>' in plan
    assert '<a href="/doc/plan#p-4">上年安排：第4段</a>' in \
        client.get("/doc/review").get_data(as_text=True)
    page = client.get("/plan-review?doc=plan").get_data(as_text=True)
    assert "未找到次年回顾" in page and 'href="/doc/review#p-3"' in page
    body = client.get("/api/plan-review?doc=plan").get_json()
    assert body["next"] == "review"
    assert [(row["paragraph"], row["review"]) for row in body["plan"]] == [
        (4, {"doc": "review", "paragraph": 3,
             "text": "建成高标准农田五万亩，智慧农业示范园投入使用，粮食单产提高。"}), (5, None)]
    assert client.get("/api/plan-review?doc=nowhere").status_code == 404
    assert client.get("/plan-review").status_code == 400


@pytest.mark.parametrize(("sample", "expected"), [
    ("tune", plan_review.Figures(judged=51, relevant=36, linked=34, correct=31)),
    ("held-out", plan_review.Figures(judged=55, relevant=45, linked=53, correct=45)),
], ids=["2024→2025 (threshold chosen here)", "2022→2023 (held out)"])
def test_precision_and_recall_on_the_judged_sample(national_index, sample, expected) -> None:
    """The figures README reports (precision 0.91 / 0.85, recall 0.86 / 1.00)."""
    rows = [json.loads(line) for line in JUDGED.read_text(encoding="utf-8").splitlines()]
    judged = [row for row in rows if row["set"] == sample]
    assert plan_review.evaluate(opened(national_index).generation(), judged) == expected
