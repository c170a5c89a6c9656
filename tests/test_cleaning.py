"""Cleaning rules: web chrome, photo captions and trailers go; report text stays verbatim."""

import re

import pytest

from searchapp.ingest import cleaning, corpus

RULES = cleaning.load_rules()
BODY = "今年，全市生产总值增长7%，***同志带队调研。"


@pytest.mark.parametrize("line", [
    "下载", "打印", "全屏", "收藏", "下载 打印 全屏 收藏", "【字号：大 中 小】", "【字号：", "加大",
    "还原", "减小", "】", "加大 | 还原 | 减小", "相关报道：孟州召开经济工作会议",
    "图为孟州市新建的产业园区。本报记者 张三摄", "（新华社记者 李四 摄）", "浏览次数：1024",
], ids=lambda s: s[:12])
def test_chrome_and_captions_are_dropped(line):
    assert cleaning.split_trailer([BODY, line, BODY], RULES) == ([BODY, BODY], [])


@pytest.mark.parametrize("line", [
    BODY,
    "下载中心建设取得新进展，打印机产业链初步形成。",  # chrome words inside a sentence
    "收藏品市场繁荣。",
    "（一）坚持以“产”为基，让发展更具优势。",
    "我们要用好“摄影之乡”这块招牌。",
], ids=["redaction", "words-in-sentence", "sentence", "heading", "摄-in-text"])
def test_report_text_is_kept_verbatim(line):
    assert cleaning.split_trailer([line], RULES) == ([line], [])


def test_everything_from_the_trailer_marker_on_is_cut():
    paragraphs = ["围绕上述目标,我们将重点抓", "............试读结束............",
                  "查阅全文加微信3231169", "如来写作网gw.rulaixiezuo.com(可搜索其他更多资料)"]
    assert cleaning.split_trailer(paragraphs, RULES) == (paragraphs[:1], paragraphs[1:])


def test_license_boilerplate_of_transcriptions_is_cut():
    trailer = ["本作品是中华人民共和国的法律、法规", "Public domain"]
    assert cleaning.split_trailer([BODY, *trailer], RULES) == ([BODY], trailer)


@pytest.mark.parametrize("raw, expected", [
    ("\u3000\u3000现在，我代表市人民政府。  ", "现在，我代表市人民政府。"),
    ("政 府 工 作 报 告", "政府工作报告"),
    ("政\u2002府\u2002工\u2002作\u2002报\u2002告", "政府工作报告"),
    ("各位代表：\u200d", "各位代表："),
    ("孟州市人民政府市长  李明霖", "孟州市人民政府市长  李明霖"),  # inner spaces are text
])
def test_lines_are_trimmed_but_inner_text_kept(raw, expected):
    assert cleaning.normalize_line(raw) == expected


def test_corpus_root_rules_file_extends_the_built_in_rules(tmp_path):
    (tmp_path / "cleaning.toml").write_text(
        'chrome_words = ["返回首页"]\n'
        'drop_patterns = ["^编辑：\\\\S+$"]\n'
        'cut_from = ["^附：相关附件"]\n', encoding="utf-8")
    (tmp_path / "r.txt").write_text(
        "\n".join(["各位代表：", BODY, "返回首页 打印", "编辑：王五", BODY, "附：相关附件",
                   "附件正文。"]), encoding="utf-8")
    (report,) = corpus.read_corpus([tmp_path])
    assert [p.text for p in report.paragraphs] == ["各位代表：", BODY, BODY]


def test_broken_rules_file_is_reported_and_built_in_rules_still_apply(tmp_path):
    (tmp_path / "cleaning.toml").write_text('cut_from = ["(unclosed"]\n', encoding="utf-8")
    (tmp_path / "r.txt").write_text(f"各位代表：\n{BODY}\n下载 打印", encoding="utf-8")
    warnings: list[str] = []
    (report,) = corpus.read_corpus([tmp_path], warnings.append)
    assert [p.text for p in report.paragraphs] == ["各位代表：", BODY]
    assert warnings[0].startswith(f"{tmp_path / 'cleaning.toml'}: extra cleaning rules ignored "
                                  "(cleaning rules: bad regular expression in cut_from")


@pytest.mark.parametrize("text, message", [
    ("nonsense = [1]", "unknown key(s) nonsense"),
    ('drop_prefixes = "x"', "drop_prefixes must be a list of strings"),
    ("= broken", "not valid TOML"),
])
def test_rules_files_are_validated(tmp_path, text, message):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        cleaning.load_rules((path,))


def test_rules_fingerprint_changes_with_the_rules(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('chrome_words = ["返回首页"]', encoding="utf-8")
    assert cleaning.load_rules((path,)).fingerprint != RULES.fingerprint
    assert cleaning.load_rules().fingerprint == RULES.fingerprint
