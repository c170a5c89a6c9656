"""`searchapp parse FILE [--json]`: how a person checks what ingestion extracted."""

import json
from pathlib import Path

from conftest import run_cli

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
QINYANG = SEEDS / "003_2d80b49f8694d6dd.txt"


def test_outline_of_a_seed_shows_metadata_then_headings_by_level_with_counts():
    result = run_cli("parse", str(QINYANG))
    assert result.exit_code == 0
    assert result.stdout == "\n".join([
        "2023年沁阳市政府工作报告",
        "=" * 40,
        "region      沁阳市  (河南省 › 焦作市)",
        "level       county",
        "type        report",
        "year        2023",
        "date        2023-02-08",
        "source      https://www.xiezuomuban.com/12779.html",
        "id          003_2d80b49f8694d6dd",
        "paragraphs  27 (9 headings)",
        "",
        "   ¶  outline",
        "   4  (before the first heading)",
        "   1  一、2022年工作回顾",
        "   1    (一)全力以赴抓运行、稳增长,发展质量稳步提升。",
        "   1    (二)全力以赴抓转型、提质效,产业结构不断优化。",
        "   2    (三)全力以赴抓改革、重创新,动力活力有效激发。",
        "   1    (四)全力以赴抓统筹、强均衡,城乡面貌焕然一新。",
        "   1    (五)全力以赴抓源头、守红线,生态环境明显改善。",
        "   1    (六)全力以赴抓保障、促和谐,人民生活更加幸福。",
        "   3    (七)全力以赴抓防范、化风险,社会大局和谐稳定。",
        "   3  二、2023年工作安排",
    ]) + "\n"


def test_json_has_exactly_the_documented_shape():
    result = run_cli("parse", str(SEEDS / "000_1d81e7ffc4b419a3.txt"), "--json")
    data = json.loads(result.stdout)
    assert list(data) == ["id", "title", "region", "level", "type", "year", "date", "source",
                          "url", "parents", "glossary", "paragraphs"]  # the /api/doc shape
    assert {k: v for k, v in data.items() if k not in ("paragraphs", "glossary")} == {
        "id": "000_1d81e7ffc4b419a3", "title": "孟州市2023年政府工作报告", "region": "孟州市",
        "level": "county", "type": "report", "year": 2023, "date": "2023-03-29",
        "source": "孟州市人民政府", "url": None, "parents": ["河南省", "焦作市"]}
    assert len(data["glossary"]) == 25
    assert data["paragraphs"][10] == {
        "n": 11, "section": ["2022年工作回顾", "(一)逆势奋进,综合实力迈上新台阶"],
        "text": data["paragraphs"][10]["text"], "heading_level": 0}
    assert data["paragraphs"][10]["text"].startswith("按照“疫情要防住")


def test_collection_prints_a_list_and_warnings_go_to_stderr(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([
        json.dumps({"title": "甲", "content": "各位代表：\n\n一、回顾\n\n正文。", "year": 2020}),
        "{broken",
    ]), encoding="utf-8")
    result = run_cli("parse", str(path), "--json")
    assert result.exit_code == 0
    assert [(r["title"], r["year"], r["paragraphs"][2]["section"]) for r in
            json.loads(result.stdout)] == [("甲", 2020, ["一、回顾"])]
    assert f"warning: {path}: line 2: not valid JSON; skipped" in result.stderr


def test_unreadable_file_exits_1_with_the_reason(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run_cli("parse", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"warning: {path}: empty file; skipped\n"
        f"Error: {path}: no report could be read from it (see warnings above)\n")


def test_text_is_printed_as_is_for_a_terminal_not_as_markup(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("各位代表：\n一、<script>alert(1)</script>\n正文。", encoding="utf-8")
    assert "一、<script>alert(1)</script>" in run_cli("parse", str(path)).stdout
