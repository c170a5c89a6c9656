"""Hard-wrapped text files read as the paragraphs their author wrote."""

import unicodedata
from pathlib import Path

import pytest
from conftest import opened

from searchapp.ingest import cleaning, corpus, unwrap
from searchapp.model import Query
from searchapp.search import searching

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_by_characters(paragraph: str, width: int) -> list[str]:
    return [paragraph[i:i + width] for i in range(0, len(paragraph), width)]


def wrap_by_columns(paragraph: str, width: int) -> list[str]:
    """As a word processor does: a wide character that does not fit goes to the next line."""
    lines, line = [], ""
    for char in paragraph:
        if columns(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line]


def seed_paragraphs(path: Path) -> list[str]:
    return [p.text for r in corpus.read_file(path) for p in r.paragraphs]


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_wrapped_at_36_characters_with_indented_paragraphs_reads_as_the_seed(
        seed, tmp_path):
    paragraphs = seed_paragraphs(seed)
    wrapped = [line for p in paragraphs
               for i, line in enumerate(wrap_by_characters(p, 36))
               for line in [("\u3000\u3000" if i == 0 else "") + line]]
    reports = corpus.read_file(write(tmp_path, "report.txt", wrapped))
    assert [p.text for r in reports for p in r.paragraphs] == paragraphs


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_wrapped_at_70_columns_with_blank_lines_between_paragraphs_reads_as_the_seed(
        seed, tmp_path):
    paragraphs = seed_paragraphs(seed)
    wrapped = [line for p in paragraphs for line in [*wrap_by_columns(p, 70), ""]]
    reports = corpus.read_file(write(tmp_path, "report.txt", wrapped))
    assert [p.text for r in reports for p in r.paragraphs] == paragraphs
    assert reports[0].region == corpus.read_file(seed)[0].region


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_seed_wrapped_without_indentation_or_blank_lines_splits_no_paragraph(seed, tmp_path):
    """Nothing marks where a paragraph ends but its short last line: one that happens to
    fill the page runs on into the next paragraph, which is all that is lost."""
    paragraphs = seed_paragraphs(seed)
    wrapped = [line for p in paragraphs for line in wrap_by_characters(p, 36)]
    read = [p.text for r in corpus.read_file(write(tmp_path, "report.txt", wrapped))
            for p in r.paragraphs]
    assert "".join(read) == "".join(paragraphs)
    assert all(any(p in whole for whole in read) for p in paragraphs)
    assert len(read) > 0.9 * len(paragraphs)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_report_with_one_paragraph_per_line_is_read_line_by_line(seed):
    lines = seed.read_text(encoding="utf-8").split("\n")
    expected = [text for line in lines if (text := cleaning.normalize_line(line))]
    assert unwrap.paragraphs(lines) == expected


WRAPPED_WITHOUT_MARKS = [  # 20 characters a line, paragraphs neither indented nor spaced
    "一、2022年工作回顾",
    "过去一年，我们坚持稳中求进工作总基调，经",
    "济运行保持平稳，营商环境评价连续两年位居",
    "全省第一方阵。",
    "二、2023年工作安排",
    "今年我们将全力推进项目建设，持续优化营商",
    "环境，加快建设现代化产业体系，推动新能源",
    "汽车产业集群发展，力争全年新增规上工业企业",
    "30家以上。",
]


def test_short_lines_end_paragraphs_so_headings_stay_apart():
    assert unwrap.paragraphs(WRAPPED_WITHOUT_MARKS) == [
        "一、2022年工作回顾",
        "过去一年，我们坚持稳中求进工作总基调，经济运行保持平稳，营商环境评价连续两年位居全省第一方阵。",
        "二、2023年工作安排",
        "今年我们将全力推进项目建设，持续优化营商环境，加快建设现代化产业体系，推动新能源汽车产业集群发展，力争全年新增规上工业企业30家以上。",
    ]


def test_lines_of_one_length_that_end_their_sentences_are_paragraphs_not_a_wrap():
    lines = ["经济运行保持平稳，营商环境持续优化。", "全年新增市场主体七千户，增长约两成。"] * 5
    assert len({len(line) for line in lines}) == 1
    assert unwrap.paragraphs(lines) == lines


def test_a_margin_every_line_has_is_not_taken_for_paragraph_starts():
    assert unwrap.paragraphs(["  " + line for line in WRAPPED_WITHOUT_MARKS]) == \
        unwrap.paragraphs(WRAPPED_WITHOUT_MARKS)


def test_a_wrap_inside_a_latin_word_or_a_number_leaves_no_space():
    paragraph = "城镇调查失业率、节能减排、居民消费价CPI涨幅等完成市控目标，投放消费券18030张。"
    lines = [*wrap_by_characters(paragraph, 20), *WRAPPED_WITHOUT_MARKS]
    assert lines[:2] == ["城镇调查失业率、节能减排、居民消费价CP",
                         "I涨幅等完成市控目标，投放消费券1803"]
    assert unwrap.paragraphs(lines)[0] == paragraph


def test_a_collection_wrapped_at_its_words_gets_the_space_back_between_latin_words():
    assert unwrap.join(["力争实现GDP", "growth of 6%", "以上，", "消费券1803", "0张"]) == \
        "力争实现GDP growth of 6%以上，消费券18030张"


def test_a_phrase_cut_by_the_wrap_is_found_by_a_quoted_search(tmp_path, make_index):
    path = write(tmp_path, "report.txt", ["2023年温县政府工作报告", *WRAPPED_WITHOUT_MARKS])
    found = searching.run(opened(make_index(corpus.read_file(path))), Query(q='"现代化产业体系"'))
    assert [h.text for h in found.hits] == [
        "今年我们将全力推进项目建设，持续优化营商环境，加快建设现代化产业体系，推动新能源汽车产业集群发展，"
        "力争全年新增规上工业企业30家以上。"]
