"""Reading reports: seeds, the national collection, JSONL/CSV mapping, ids and every bad input."""

import json
import os
from pathlib import Path

import pytest

from searchapp.ingest import corpus
from searchapp.model import UNKNOWN

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NATIONAL = Path("/work/shared/corpus/national/government_work_reports.jsonl")
needs_national = pytest.mark.skipif(not NATIONAL.exists(), reason="shared national corpus absent")

REPORT = "\n".join([
    "2023年温县政府工作报告",
    "信息来源：温县人民政府 发布日期：2023-02-01",
    "各位代表：",
    "一、2022年工作回顾",
    "过去一年，我们坚持稳中求进工作总基调，经济运行保持平稳。",
    "二、2023年工作安排",
    "今年我们将全力推进项目建设，持续优化营商环境。",
])


BODY = "各位代表：\n\n我们坚持稳中求进\n工作总基调。\n\n一、2023年工作回顾\n\n经济运行保持平稳。"


def read(path: Path, **kwargs) -> tuple[list, list[str]]:
    warnings: list[str] = []
    return corpus.read_file(path, warnings.append, **kwargs), warnings


def meta(report) -> tuple:
    return (report.title, report.region, report.level, report.year, report.date, report.source,
            report.parents)


# --- the seeds: everything from the text, no help -------------------------------------------

def test_seed_corpus_reads_both_reports_with_metadata_from_their_text():
    warnings: list[str] = []
    reports = list(corpus.read_corpus([SEEDS], warnings.append))
    assert [(r.id, *meta(r)) for r in reports] == [
        ("000_1d81e7ffc4b419a3", "孟州市2023年政府工作报告", "孟州市", "county", 2023,
         "2023-03-29", "孟州市人民政府", ("河南省", "焦作市")),
        ("003_2d80b49f8694d6dd", "2023年沁阳市政府工作报告", "沁阳市", "county", 2023,
         "2023-02-08", "https://www.xiezuomuban.com/12779.html", ("河南省", "焦作市")),
    ]
    assert warnings == []


def test_qinyang_seed_keeps_redactions_and_drops_the_advert_trailer():
    (report,) = corpus.read_file(SEEDS / "003_2d80b49f8694d6dd.txt")
    texts = [p.text for p in report.paragraphs]
    assert any("以***新时代中国特色社会主义思想为指导" in t for t in texts)
    assert texts[-1] == "围绕上述目标,我们将重点抓"
    assert not any("试读结束" in t or "3231169" in t or "如来写作网" in t for t in texts)


def test_content_hash_is_stable_and_follows_the_bytes(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    first = corpus.read_file(path)[0].content_hash
    assert corpus.read_file(path)[0].content_hash == first
    path.write_text(REPORT + "\n新增一段。", encoding="utf-8")
    assert corpus.read_file(path)[0].content_hash != first


# --- the national collection -----------------------------------------------------------------

NATIONAL_EXPECTED = [
    (1, 2025, None, "2025年中华人民共和国国务院政府工作报告"),
    (2, 2025, None, "第十四届全国人民代表大会第三次会议关于政府工作报告的决议"),
    (3, 2024, "2024-03-05", "2024年中华人民共和国国务院政府工作报告"),
    (4, 2024, None, "第十四届全国人民代表大会第二次会议关于政府工作报告的决议"),
    (5, 2023, "2023-03-05", "2023年中华人民共和国国务院政府工作报告"),
    (6, 2023, "2023-03-13", "第十四届全国人民代表大会第一次会议关于政府工作报告的决议"),
    (7, 2022, "2022-03-05", "2022年中华人民共和国国务院政府工作报告"),
    (8, 2022, "2022-03-11", "第十三届全国人民代表大会第五次会议关于政府工作报告的决议"),
    (9, 2021, "2021-03-05", "2021年中华人民共和国国务院政府工作报告"),
    (10, 2021, "2021-03-11", "第十三届全国人民代表大会第四次会议关于政府工作报告的决议"),
    (11, 2020, "2020-05-28", "第十三届全国人民代表大会第三次会议关于政府工作报告的决议"),
    (12, 2019, None, "2019年中华人民共和国国务院政府工作报告"),
    (13, 2019, None, "第十三届全国人民代表大会第二次会议关于政府工作报告的决议"),
    (14, 2018, None, "2018年中华人民共和国国务院政府工作报告"),
    (15, 2018, None, "第十三届全国人民代表大会第一次会议关于政府工作报告的决议"),
    (16, 2017, "2017-03-05", "2017年中华人民共和国国务院政府工作报告"),
    (17, 2017, None, "第十二届全国人民代表大会第五次会议关于政府工作报告的决议"),
    (18, 2016, None, "2016年中华人民共和国国务院政府工作报告"),
    (19, 2016, None, "第十二届全国人民代表大会第四次会议关于政府工作报告的决议"),
    (20, 2015, None, "2015年中华人民共和国国务院政府工作报告"),
    (21, 2015, None, "第十二届全国人民代表大会第三次会议关于政府工作报告的决议"),
    (22, 2014, None, "2014年中华人民共和国国务院政府工作报告"),
    (23, 2014, None, "第十二届全国人民代表大会第二次会议关于政府工作报告的决议"),
    (24, 2013, None, "2013年中华人民共和国国务院政府工作报告"),
    (25, 2013, None, "第十二届全国人民代表大会第一次会议关于政府工作报告的决议"),
    (26, 2012, None, "2012年中华人民共和国国务院政府工作报告"),
    (27, 2012, None, "第十一届全国人民代表大会第五次会议关于政府工作报告的决议"),
    (28, 2011, None, "2011年中华人民共和国国务院政府工作报告"),
    (29, 2011, None, "第十一届全国人民代表大会第四次会议关于政府工作报告的决议"),
    (30, 2010, None, "2010年中华人民共和国国务院政府工作报告"),
    (31, 2010, None, "第十一届全国人民代表大会第三次会议关于政府工作报告的决议"),
    (32, 2009, None, "2009年中华人民共和国国务院政府工作报告"),
    (33, 2009, None, "第十一届全国人民代表大会第二次会议关于政府工作报告的决议"),
    (34, 2008, None, "2008年中华人民共和国国务院政府工作报告"),
    (35, 2008, None, "第十一届全国人民代表大会第一次会议关于政府工作报告的决议"),
    (36, 2007, None, "2007年中华人民共和国国务院政府工作报告"),
    (37, 2007, None, "第十届全国人民代表大会第五次会议关于政府工作报告的决议"),
    (38, 2006, None, "2006年中华人民共和国国务院政府工作报告"),
    (39, 2005, None, "2005年中华人民共和国国务院政府工作报告"),
    (40, 2004, None, "2004年中华人民共和国国务院政府工作报告"),
    (41, 2003, None, "2003年中华人民共和国国务院政府工作报告"),
    (42, 2002, None, "2002年中华人民共和国国务院政府工作报告"),
    (43, 2001, None, "2001年中华人民共和国国务院政府工作报告"),
    (44, 2000, None, "2000年中华人民共和国国务院政府工作报告"),
    (45, 1999, None, "1999年中华人民共和国国务院政府工作报告"),
    (46, 1998, None, "1998年中华人民共和国国务院政府工作报告"),
    (47, 1997, None, "1997年中华人民共和国国务院政府工作报告"),
    (48, 1995, None, "1995年中华人民共和国国务院政府工作报告"),
    (49, 1994, None, "1994年中华人民共和国国务院政府工作报告"),
    (50, 1993, None, "1993年中华人民共和国国务院政府工作报告"),
    (51, 1992, None, "1992年中华人民共和国国务院政府工作报告"),
    (52, 1988, None, "1988年中华人民共和国国务院政府工作报告"),
    (53, 1987, None, "1987年中华人民共和国国务院政府工作报告"),
    (54, 1986, None, "1986年中华人民共和国国务院政府工作报告"),
    (55, 1985, None, "1985年中华人民共和国国务院政府工作报告"),
    (56, 1984, None, "1984年中华人民共和国国务院政府工作报告"),
    (57, 1983, None, "1983年中华人民共和国国务院政府工作报告"),
    (58, 1982, None, "1982年中华人民共和国国务院政府工作报告"),
    (59, 1981, None, "1981年中华人民共和国国务院政府工作报告"),
    (60, 1980, None, "1980年中华人民共和国国务院政府工作报告"),
    (61, 1979, None, "1979年中华人民共和国国务院政府工作报告"),
    (62, 1978, None, "1978年中华人民共和国国务院政府工作报告"),
    (63, 1975, None, "1975年中华人民共和国国务院政府工作报告"),
    (64, 1964, None, "1964年中华人民共和国国务院政府工作报告（摘要）"),
    (65, None, None, "第二届全国人民代表大会第三次会议关于政府工作报告的决议"),  # 1962: no evidence
    (66, 1960, None, "1960年中华人民共和国国务院政府工作报告"),
    (67, 1959, None, "1959年中华人民共和国国务院政府工作报告"),
    (68, 1958, None, "1958年中华人民共和国国务院政府工作报告"),
    (69, 1957, "1957-06-26", "1957年中华人民共和国国务院政府工作报告"),
    (70, 1956, None, "1956年中华人民共和国国务院政府工作报告"),
    (71, 1955, None, "1955年中华人民共和国国务院政府工作报告"),
    (72, 1954, None, "1954年中华人民共和国国务院政府工作报告"),
]


@pytest.fixture(scope="module")
def national():
    warnings: list[str] = []
    return corpus.read_file(NATIONAL, warnings.append), warnings


@needs_national
def test_national_collection_ingests_72_reports_with_metadata(national):
    reports, _ = national
    assert [(int(r.id.rsplit("-", 1)[1]), r.year, r.date, r.title) for r in reports] == \
        NATIONAL_EXPECTED
    assert {(r.region, r.level, r.parents) for r in reports} == {("全国", "national", ())}
    assert [r.id for r in reports[:2]] == ["government_work_reports-001",
                                           "government_work_reports-002"]
    assert all(r.source and r.source.startswith("https://zh.wikisource.org/") for r in reports)


@needs_national
def test_national_collection_warns_once_for_all_unknown_fields(national):
    _, warnings = national
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{NATIONAL}: not found in the text, stored as unknown: date in")
    assert "year in record 65 (1)" in warnings[0]


@needs_national
def test_national_wrapped_lines_are_joined_and_license_trailer_dropped(national):
    reports, _ = national
    resolution = reports[1]
    assert resolution.paragraphs[0].text.startswith(
        "第十四届全国人民代表大会第三次会议听取和审议了国务院总理李强所作的政府工作报告。会议")
    assert [p.text for p in reports[8].paragraphs[:3]] == [
        "政府工作报告", "——2021年3月5日在第十三届全国人民代表大会第四次会议上", "国务院总理李克强"]
    assert not any("Public domain" in p.text or "本作品" in p.text
                   for r in reports for p in r.paragraphs)


@needs_national
def test_traditional_script_report_keeps_its_text_and_gets_metadata(national):
    reports, _ = national
    report = reports[71]
    assert (report.title, report.year, report.region) == ("1954年中华人民共和国国务院政府工作报告",
                                                         1954, "全国")
    assert report.paragraphs[1].text.startswith("我們第一届全國人民代表大會第一次會議")


# --- collections: field mapping ----------------------------------------------------------------

def test_jsonl_fields_are_mapped_and_ids_carry_line_numbers(tmp_path):
    path = tmp_path / "local reports.jsonl"
    records = [
        {"title": "孟州市2024年政府工作报告", "full_text": BODY, "city": "孟州市", "year": "2024",
         "publish_date": "2024/2/20", "source_url": "https://example.gov.cn/a"},
        {"标题": "某县报告", "正文": REPORT, "province": "河南省", "region": "温县",
         "date": "20240105"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    reports, warnings = read(path)
    assert [(r.id, *meta(r), r.url) for r in reports] == [
        ("local-reports-001", "孟州市2024年政府工作报告", "孟州市", "county", 2024, "2024-02-20",
         "https://example.gov.cn/a", ("河南省", "焦作市"), "https://example.gov.cn/a"),
        ("local-reports-002", "某县报告", "温县", "county", 2023, "2024-01-05", "温县人民政府",
         ("河南省", "焦作市"), None),
    ]
    assert [p.text for p in reports[0].paragraphs] == [
        "各位代表：", "我们坚持稳中求进工作总基调。", "一、2023年工作回顾", "经济运行保持平稳。"]
    assert warnings == []


def test_csv_fields_are_mapped(tmp_path):
    path = tmp_path / "reports.csv"
    path.write_text('Title,Text,Province,Year,URL\n'
                    f'"河南省政府工作报告","{REPORT}",河南省,2023,https://www.henan.gov.cn/r\n',
                    encoding="utf-8")
    (report,), warnings = read(path)
    assert (report.id, *meta(report)) == (
        "reports-001", "河南省政府工作报告", "河南省", "province", 2023, "2023-02-01",
        "温县人民政府", ())
    assert report.url == "https://www.henan.gov.cn/r"
    assert report.paragraphs[3].text == "一、2022年工作回顾"
    assert warnings == []


def test_csv_without_text_column_is_skipped_with_one_warning(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text("title,year\n某报告,2023\n", encoding="utf-8")
    assert read(path) == ([], [
        f"{path}: no text column (found title, year; expected one of "
        "content, text, full_text, fulltext, body, 正文, 内容, 全文); skipped"])


def test_csv_rows_missing_cells_are_read_as_far_as_possible(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(f'title,content,year\n"只有标题"\n"完整","{REPORT}"\n', encoding="utf-8")
    reports, warnings = read(path)
    assert [(r.id, r.title) for r in reports] == [("short-002", "完整")]
    assert warnings[0] == f"{path}: row 1: empty text cell; skipped"


def test_jsonl_bad_lines_are_reported_once_per_reason(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"title": "好", "content": REPORT}, ensure_ascii=False)
    path.write_text("\n".join(["{broken", good, "[1, 2]", '{"title": "无正文"}', "{also broken"]),
                    encoding="utf-8")
    reports, warnings = read(path)
    assert [r.id for r in reports] == ["mixed-002"]
    assert warnings[:3] == [
        f"{path}: lines 1, 5: not valid JSON; skipped",
        f"{path}: line 3: not a JSON object; skipped",
        f"{path}: line 4: no report text (looked for content, text, full_text, fulltext, body, "
        "正文, 内容, 全文); skipped",
    ]


# --- ids and directory trees -------------------------------------------------------------------

def test_ids_come_from_the_path_below_the_corpus_root(tmp_path):
    (tmp_path / "河南" / "2023 年").mkdir(parents=True)
    (tmp_path / "河南" / "2023 年" / "孟州(最终版).txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    assert [r.id for r in corpus.read_corpus([tmp_path])] == ["河南-2023-年-孟州-最终版-"]


def test_same_file_name_under_two_roots_keeps_both_with_distinct_ids(tmp_path):
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "report.txt").write_text(REPORT, encoding="utf-8")
    warnings: list[str] = []
    reports = list(corpus.read_corpus([tmp_path / "a", tmp_path / "b"], warnings.append))
    assert [r.id for r in reports] == ["report", "report-2"]
    assert warnings[-1].endswith("id report already used by another file; using report-2")


def test_missing_path_is_a_warning(tmp_path):
    warnings: list[str] = []
    assert list(corpus.read_corpus([tmp_path / "nope"], warnings.append)) == []
    assert warnings == [f"{tmp_path / 'nope'}: no such file or directory; skipped"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read anything")
def test_unreadable_entries_are_reported_and_the_rest_is_read(tmp_path):
    (tmp_path / "ok.txt").write_text(REPORT, encoding="utf-8")
    locked_file = tmp_path / "locked.txt"
    locked_file.write_text(REPORT, encoding="utf-8")
    locked_dir = tmp_path / "private"
    locked_dir.mkdir()
    (locked_dir / "x.txt").write_text(REPORT, encoding="utf-8")
    locked_file.chmod(0)
    locked_dir.chmod(0)
    try:
        warnings: list[str] = []
        assert [r.id for r in corpus.read_corpus([tmp_path], warnings.append)] == ["ok"]
    finally:
        locked_dir.chmod(0o755)
        locked_file.chmod(0o644)
    assert sorted(warnings) == sorted([
        f"{locked_file}: cannot read (Permission denied); skipped",
        f"{locked_dir}: cannot read directory (Permission denied); skipped",
    ])


def test_unreadable_file_as_root_is_simulated_by_a_broken_symlink(tmp_path):
    """Root can read every file, so the always-run variant uses a dangling symlink."""
    (tmp_path / "ok.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    warnings: list[str] = []
    assert [r.id for r in corpus.read_corpus([tmp_path], warnings.append)] == ["ok"]
    gone = tmp_path / "gone.txt"
    assert warnings == [f"{gone}: cannot read (No such file or directory); skipped"]


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"  \n\n \t\n", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
     "binary file (contains NUL bytes), not text"),
    ("下载 打印 全屏 收藏\n【字号：大 中 小】".encode(), "no report text (empty after cleaning)"),
], ids=["empty", "blank", "binary", "only-chrome"])
def test_unusable_files_are_skipped_with_one_warning(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert read(path) == ([], [f"{path}: {reason}; skipped"])


TRADITIONAL = "2023年溫縣政府工作報告\n各位代表：\n今年我們將全力推進項目建設，持續優化營商環境。"


@pytest.mark.parametrize("encoding, text", [
    ("utf-8", REPORT), ("utf-8-sig", REPORT), ("gb18030", REPORT), ("gbk", REPORT),
    ("big5", TRADITIONAL), ("utf-16", REPORT),
], ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "big5", "utf-16-bom"])
def test_encodings_are_detected(tmp_path, encoding, text):
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    (report,), warnings = read(path)
    assert [p.text for p in report.paragraphs] == text.split("\n")
    assert not any("undecodable" in w for w in warnings)


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path):
    path = tmp_path / "damaged.txt"
    path.write_bytes(REPORT.encode("utf-8").replace("全力".encode(), b"\xff\xfe"))
    (report,), warnings = read(path)
    assert report.paragraphs[-1].text == "今年我们将��推进项目建设，持续优化营商环境。"
    assert warnings[0] == f"{path}: 2 undecodable byte(s) replaced by � (read as utf-8)"


def test_huge_file_is_read_up_to_the_limit_with_a_warning(tmp_path):
    path = tmp_path / "huge.txt"
    line = ("我们坚持稳中求进工作总基调，经济运行保持平稳。" * 4 + "\n").encode()
    with path.open("wb") as handle:
        handle.write(REPORT.encode() + b"\n")
        handle.write(line * (100 * 2**20 // len(line)))  # 100 MB
    (report,), warnings = read(path, max_bytes=2**20)
    assert report.paragraphs[0].text == "2023年温县政府工作报告"
    assert warnings[0].startswith(f"{path}: 100 MB is larger than the 1 MB limit; "
                                  "only the first 1.0 MB were read")
    assert {p.text for p in report.paragraphs[7:]} == {line.decode().strip()}


def test_unknown_fields_give_one_warning_naming_the_file(tmp_path):
    path = tmp_path / "bare.txt"
    path.write_text("各位代表：\n我们坚持稳中求进工作总基调，经济运行保持平稳。", encoding="utf-8")
    (report,), warnings = read(path)
    assert meta(report) == (UNKNOWN, UNKNOWN, UNKNOWN, None, None, None, ())
    assert warnings == [f"{path}: title, region, level, year, date, source not found in the text; "
                        "stored as unknown (set them in bare.meta.toml)"]
    assert report.warnings == warnings


def test_not_a_report_suffix_is_refused_by_read_file(tmp_path):
    path = tmp_path / "report.doc"  # Word 97: save it as .docx
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert read(path) == ([], [f"{path}: not a report file (expected .txt, .md, .pdf, .docx, "
                                ".html, .htm, .jsonl, .csv); skipped"])


def test_unreadable_directory_is_reported_and_the_rest_is_read(tmp_path, monkeypatch):
    """Runs as root too: the directory listing itself is made to fail as it would without rights."""
    (tmp_path / "ok.txt").write_text(REPORT, encoding="utf-8")
    locked = tmp_path / "private"
    locked.mkdir()
    (locked / "x.txt").write_text(REPORT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    warnings: list[str] = []
    assert [r.id for r in corpus.read_corpus([tmp_path], warnings.append)] == ["ok"]
    assert warnings == [f"{locked}: cannot read directory (Permission denied); skipped"]


def test_markdown_heading_marks_and_bold_lines_are_layout(tmp_path):
    path = tmp_path / "r.md"
    path.write_text("# 2023年温县政府工作报告\n\n各位代表：\n\n## 一、2022年工作回顾\n\n"
                    "**（一）经济运行平稳。**\n\n全年生产总值增长**7%**。\r\n", encoding="utf-8")
    (report,), _ = read(path)
    assert [(p.heading_level, p.text) for p in report.paragraphs] == [
        (0, "2023年温县政府工作报告"), (0, "各位代表："), (1, "一、2022年工作回顾"),
        (2, "（一）经济运行平稳。"), (0, "全年生产总值增长**7%**。")]
    assert report.region == "温县"


def test_a_file_named_twice_is_read_once(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    assert [r.id for r in corpus.read_corpus([tmp_path, tmp_path / "r.txt"])] == ["r"]


def test_huge_single_line_is_cut_on_a_character_boundary(tmp_path):
    path = tmp_path / "line.txt"
    path.write_bytes(("各位代表：" * 100).encode())  # 1500 bytes, no newline
    (report,), warnings = read(path, max_bytes=1000)
    assert report.paragraphs[0].text == "各位代表：" * 66 + "各位代"  # 999 of 1000 bytes
    assert len(warnings) == 2 and "undecodable" not in " ".join(warnings)


def test_editing_one_record_changes_only_its_hash(tmp_path):
    path = tmp_path / "c.jsonl"
    records = [{"title": t, "content": REPORT} for t in ("甲", "乙")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    before = [r.content_hash for r in corpus.read_file(path)]
    records[1]["content"] += "\n新增一段。"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    after = [r.content_hash for r in corpus.read_file(path)]
    assert (after[0] == before[0], after[1] == before[1]) == (True, False)


def test_tab_separated_export_with_bom_is_read(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(f"\ufeff标题\t正文\t地区\n沁阳报告\t\"{REPORT}\"\t沁阳市\n".encode())
    (report,), warnings = read(path)
    assert (report.title, report.region, report.paragraphs[0].text) == (
        "沁阳报告", "沁阳市", "2023年温县政府工作报告")
