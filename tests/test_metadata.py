"""Metadata found in the text, region resolution with the dataset, and sidecar overrides."""

import json

import pytest

from searchapp.ingest import corpus, metadata
from searchapp.ingest.metadata import Meta
from searchapp.text import regions

BODY = "我们坚持稳中求进工作总基调，经济运行保持平稳，各项事业取得新进展。"


def extract(*lines: str, **fields: str) -> Meta:
    return metadata.extract(list(lines), fields)


@pytest.mark.parametrize("lines, expected", [
    (["2023年政府工作报告", "信息来源:孟州市人民政府 发布日期:2023-03-29", "各位代表:", BODY],
     Meta("孟州市2023年政府工作报告", "孟州市", "county", 2023, "2023-03-29", "孟州市人民政府",
          None, ("河南省", "焦作市"))),
    (["2023年沁阳市政府工作报告(20230208)", "各位代表:", BODY],
     Meta("2023年沁阳市政府工作报告", "沁阳市", "county", 2023, "2023-02-08", None, None,
          ("河南省", "焦作市"))),
    (["政府工作报告", "——在焦作市第十五届人民代表大会第二次会议上", "各位代表:", BODY],
     Meta("焦作市政府工作报告", "焦作市", "prefecture", None, None, None, None, ("河南省",))),
    (["河南省2024年政府工作报告", "来源：河南日报",
      "——2024年1月21日在河南省第十四届人民代表大会第二次会议上"],
     Meta("河南省2024年政府工作报告", "河南省", "province", 2024, "2024-01-21", "河南日报",
          None, ())),
    (["各位代表：", "现在，我代表温县人民政府，向大会报告工作。"],
     Meta(None, "温县", "county", None, None, None, None, ("河南省", "焦作市"))),
    (["政府工作報告", "——２０１９年３月５日在第十三屆全國人民代表大會第二次會議上",
      "國務院總理", "各位代表："],
     Meta("政府工作報告", "全国", "national", 2019, "2019-03-05", None, None, ())),
], ids=["source-line", "packed-date", "congress-line", "province", "on-behalf", "traditional"])
def test_evidence_in_the_text(lines, expected):
    assert metadata.extract(lines) == expected


def test_fields_of_a_collection_come_before_the_text():
    meta = extract("2023年沁阳市政府工作报告", BODY, title="沁阳报告", region="孟州市", year="2022",
                   date="2022年2月3日", url="https://a.example/r")
    assert meta == Meta("沁阳报告", "孟州市", "county", 2022, "2022-02-03", "https://a.example/r",
                        "https://a.example/r", ("河南省", "焦作市"))


def test_unknown_region_name_from_a_field_is_kept_as_given():
    assert extract(BODY, region="雄安新区").region == "雄安新区"


def test_namesakes_are_told_apart_by_parents_mentioned_in_the_text():
    beijing = extract("2023年朝阳区政府工作报告", "各位代表：", "首都北京发展取得新成效。")
    changchun = extract("2023年朝阳区政府工作报告", "各位代表：", "长春市委、吉林省委部署。")
    assert (beijing.parents, changchun.parents) == (("北京市",), ("吉林省", "长春市"))


def test_region_names_are_found_leftmost_longest_and_generic_words_ignored():
    assert regions.find_names("信息来源:孟州市人民政府") == ["孟州市"]
    assert regions.find_names("城区改造和郊区道路") == []
    assert regions.resolve("焦作市") == regions.Place("焦作市", "prefecture", ("河南省",))
    assert regions.resolve("济源市").level == "county"  # county-level city directly under 河南省


@pytest.mark.parametrize("text, year", [
    ("（2023年3月13日第十四届全国人民代表大会第一次会议通过）", 2023),
    ("同意报告提出的2025年经济社会发展的总体要求", 2025),
    ("第十二届全国人民代表大会第一次会议关于政府工作报告的决议", 2013),
    ("第十届全国人民代表大会第五次会议关于政府工作报告的决议", 2007),
    ("第二届全国人民代表大会第三次会议关于政府工作报告的决议", None),  # before yearly sessions
], ids=["passed-date", "plan-year", "npc-12-1", "npc-10-5", "npc-2-3"])
def test_resolution_year_is_inferred_from_the_text(text, year):
    assert extract(text, BODY).year == year


@pytest.mark.parametrize("value, iso", [
    ("2023-03-29", "2023-03-29"), ("2023/3/9", "2023-03-09"), ("2023年3月9日", "2023-03-09"),
    ("20230208", "2023-02-08"), ("２０２３年３月５日", "2023-03-05"), ("2023-02-30", None),
    ("昨天", None),
])
def test_dates_are_normalised_to_iso(value, iso):
    assert metadata.normalize_date(value) == iso


# --- sidecar overrides -------------------------------------------------------------------------

REPORT = "2023年政府工作报告\n各位代表：\n" + BODY


def read(path):
    warnings: list[str] = []
    return corpus.read_file(path, warnings.append), warnings


def test_toml_sidecar_overrides_fields_and_brings_the_parents_of_a_new_region(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r.meta.toml").write_text(
        'region = "沁阳市"\ndate = "2023-02-08"\nsource = "沁阳市人民政府"\n'
        'title = "沁阳市2023年政府工作报告"\n', encoding="utf-8")
    (report,), warnings = read(tmp_path / "r.txt")
    assert (report.title, report.region, report.level, report.year, report.date, report.source,
            report.parents) == ("沁阳市2023年政府工作报告", "沁阳市", "county", 2023, "2023-02-08",
                                "沁阳市人民政府", ("河南省", "焦作市"))
    assert warnings == []


def test_json_sidecar_and_explicit_parents(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r.meta.json").write_text(json.dumps(
        {"region": "雄安新区", "level": "county", "parents": ["河北省", "保定市"], "year": 2024,
         "date": "2024-01-10", "source": "雄安新区管委会"}, ensure_ascii=False), encoding="utf-8")
    (report,), warnings = read(tmp_path / "r.txt")
    assert (report.region, report.level, report.parents, report.year) == (
        "雄安新区", "county", ("河北省", "保定市"), 2024)
    assert report.title == "雄安新区2023年政府工作报告"  # title kept from the text's own line
    assert warnings == []


def test_sidecar_changes_the_content_hash(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    before = corpus.read_file(tmp_path / "r.txt")[0].content_hash
    (tmp_path / "r.meta.toml").write_text('region = "孟州市"\n', encoding="utf-8")
    assert corpus.read_file(tmp_path / "r.txt")[0].content_hash != before


def test_bad_sidecar_values_are_named_and_the_rest_applied(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r.meta.toml").write_text(
        'region = "孟州市"\nlevel = "city"\nyear = "去年"\ncolour = "red"\n'
        'date = "2023-03-29"\nsource = "孟州市人民政府"\n', encoding="utf-8")
    (report,), warnings = read(tmp_path / "r.txt")
    assert (report.region, report.level, report.year) == ("孟州市", "county", 2023)
    label = tmp_path / "r.txt"
    assert warnings == [
        f"{label}: sidecar field 'level' = 'city' ignored (expected one of national, province, "
        "prefecture, county)",
        f"{label}: sidecar field 'year' = '去年' ignored (expected a year such as 2023)",
        f"{label}: sidecar field 'colour' = 'red' ignored (unknown field; known fields: title, "
        "region, level, year, date, source, url, parents)",
    ]


def test_broken_sidecar_is_ignored_with_a_warning(tmp_path):
    (tmp_path / "r.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "r.meta.toml").write_text('region = "孟州市\n', encoding="utf-8")
    (report,), warnings = read(tmp_path / "r.txt")
    assert report.region == "unknown"
    assert warnings[0].startswith(f"{tmp_path / 'r.meta.toml'}: sidecar ignored, cannot read it")


def test_collection_sidecar_has_shared_keys_and_per_record_tables(tmp_path):
    lines = [json.dumps({"title": t, "content": REPORT}, ensure_ascii=False) for t in ("甲", "乙")]
    (tmp_path / "c.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "c.meta.toml").write_text(
        'source = "整理者"\ndate = "2023-01-01"\nregion = "河南省"\n'
        '[records.2]\nregion = "孟州市"\ndate = "2023-03-29"\n', encoding="utf-8")
    reports, warnings = read(tmp_path / "c.jsonl")
    assert [(r.title, r.region, r.level, r.date, r.source, r.parents) for r in reports] == [
        ("甲", "河南省", "province", "2023-01-01", "整理者", ()),
        ("乙", "孟州市", "county", "2023-03-29", "整理者", ("河南省", "焦作市")),
    ]
    assert warnings == []


def test_traditional_script_report_is_resolved_but_title_kept_as_written():
    meta = extract("2023年溫縣政府工作報告", "各位代表：", BODY)
    assert (meta.title, meta.region, meta.parents, meta.year) == (
        "2023年溫縣政府工作報告", "温县", ("河南省", "焦作市"), 2023)


def test_local_report_mentioning_the_national_congress_stays_local():
    meta = extract("2023年孟州市政府工作报告", "各位代表：",
                   "我们认真贯彻十四届全国人民代表大会一次会议和国务院部署。")
    assert (meta.region, meta.level) == ("孟州市", "county")


def test_most_specific_name_of_one_evidence_line_wins():
    meta = extract("河南省孟州市2023年政府工作报告", "各位代表：", BODY)
    assert (meta.region, meta.parents) == ("孟州市", ("河南省", "焦作市"))


def test_date_in_chinese_numerals():
    meta = extract("政府工作报告", "——二〇二三年一月十日在温县第十六届人民代表大会第二次会议上",
                   "各位代表：", BODY)
    assert (meta.region, meta.date, meta.year) == ("温县", "2023-01-10", 2023)


def test_signature_date_at_the_end_and_original_link_as_source():
    meta = extract("温县2023年政府工作报告", "原文链接：https://www.wenxian.gov.cn/a/1.html",
                   "各位代表：", BODY, "温县人民政府", "2023年1月12日")
    assert (meta.date, meta.source) == ("2023-01-12", "https://www.wenxian.gov.cn/a/1.html")
