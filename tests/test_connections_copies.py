"""Text copied from a higher level's report: which paragraphs, from where, how much.

Tiny corpora whose shares can be checked by hand (a copied sentence, local text that
shares nothing), then the seeds against the national reports, checked against a
brute-force scan of every 14-character window.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import opened

from searchapp.config import Settings
from searchapp.connections import copies, locate
from searchapp.index import build, generations
from searchapp.index import copies as finding

NATIONAL = "坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局。"
PROVINCE = "锚定两个确保，实施十大战略，奋力建设现代化河南，谱写中原更加出彩绚丽篇章。"
LOCAL = "我市粮食总产量再创历史新高，新建高标准农田三万亩，小浪底北岸灌区通水。"
OLD = "发展是硬道理，必须牢牢抓住经济建设这个中心不动摇，一心一意谋发展。"


def national(rid: str, year: int, *texts: str, make_report):
    return make_report(rid, *texts, title=f"{year}年国务院政府工作报告", region="全国",
                       level="national", year=year)


def county(rid: str, year: int, *texts: str, make_report, parents=("河南省", "焦作市")):
    return make_report(rid, *texts, title=f"{year}年孟州市政府工作报告", region="孟州市",
                       level="county", year=year, parents=parents)


@pytest.fixture
def corpus(make_report):
    return [
        national("n2023", 2023, "各位代表：", NATIONAL, make_report=make_report),
        national("n2019", 2019, OLD, make_report=make_report),
        make_report("henan", PROVINCE, title="2023年河南省政府工作报告", region="河南省",
                    level="province", year=2023),
        county("mengzhou", 2023, NATIONAL, NATIONAL + LOCAL, LOCAL, NATIONAL[:13] + LOCAL,
               PROVINCE, OLD, make_report=make_report),
        county("hubei-county", 2023, PROVINCE, make_report=make_report, parents=("湖北省",)),
        county("early", 2019, NATIONAL, make_report=make_report),
    ]


def notes(directory: Path, report_id: str) -> dict[int, tuple[str, int, float]]:
    found = copies.of_report(opened(directory).generation(), report_id)
    return {n: (c.doc, c.n, round(c.share, 4)) for n, c in found.items()}


def test_copied_paragraphs_name_their_source_and_share(make_index, corpus) -> None:
    directory = make_index(corpus)
    assert notes(directory, "mengzhou") == {
        1: ("n2023", 2, 1.0),  # the national sentence, whole
        2: ("n2023", 2, round(len(NATIONAL) / len(NATIONAL + LOCAL), 4)),  # and local text
        # 3: local only; 4: 13 shared characters, one fewer than a run needs
        5: ("henan", 1, 1.0),  # the province of its own branch
        # 6: the 2019 national text: more than three years older than the report
    }


def test_a_source_must_be_above_on_the_same_branch_and_not_later(make_index, corpus) -> None:
    directory = make_index(corpus)
    assert notes(directory, "hubei-county") == {}  # 河南省 is not among its parents
    assert notes(directory, "early") == {}  # the 2023 national report came later
    assert notes(directory, "n2023") == {} and notes(directory, "henan") == {}


def test_a_note_reads_as_the_reader_sees_it(make_index, corpus) -> None:
    gen = opened(make_index(corpus)).generation()
    note = copies.of_paragraph(gen, "mengzhou", 2)
    assert note.label() == f"与《2023年国务院政府工作报告》第2段重合 {note.percent}%"
    assert note.to_json() == {"doc": "n2023", "paragraph": 2, "title": "2023年国务院政府工作报告",
                              "region": "全国", "year": 2023, "share": round(note.share, 3)}
    assert copies.of_paragraph(gen, "mengzhou", 3) is None
    assert copies.of_paragraph(gen, "nowhere", 1) is None


def test_the_copied_clauses_are_named_as_written(make_index, corpus) -> None:
    gen = opened(make_index(corpus)).generation()
    national_clauses = ["坚持稳中求进工作总基调", "完整、准确、全面贯彻新发展理念",
                        "加快构建新发展格局"]
    assert copies.copied_clauses(gen, "mengzhou", 2) == national_clauses  # not LOCAL's
    assert copies.copied_clauses(gen, "mengzhou", 3) == []  # no note, nothing copied
    assert copies.shared_runs("甲" + NATIONAL + "乙", NATIONAL) == [(1, 1 + len(NATIONAL))]


def test_boilerplate_is_what_the_original_only_filter_drops(make_index, corpus) -> None:
    gen = opened(make_index(corpus)).generation()
    numbers = {locate.docnum(gen, "mengzhou", n): n for n in range(1, 7)}
    kept = copies.original_only(gen, np.sort(np.asarray(list(numbers), dtype=np.int32)))
    assert len(NATIONAL) / len(NATIONAL + LOCAL) == 38 / 73  # 52%: boilerplate too
    assert sorted(numbers[d] for d in kept.tolist()) == [3, 4, 6]


def test_an_incremental_reindex_keeps_the_copies_right(make_index, corpus, make_report) -> None:
    directory = make_index(corpus[:3])
    assert notes(directory, "mengzhou") == {}
    build.index_reports(corpus, directory)  # the county arrives: an incremental build
    assert notes(directory, "mengzhou")[1] == ("n2023", 2, 1.0)
    changed = [national("n2023", 2023, "各位代表：", "另一段文字，与县里的报告毫无共同之处。",
                        make_report=make_report), *corpus[1:]]
    build.index_reports(changed, directory)  # the national text changed: no source left
    assert notes(directory, "mengzhou") == {5: ("henan", 1, 1.0)}


def test_an_incremental_build_finds_what_a_full_search_would(make_index, corpus,
                                                             make_report) -> None:
    """Each incremental build looks again only at what it touched; what it publishes is
    what finding every copy from scratch on the same generation gives."""
    directory = make_index(corpus[:4])
    other = county("wenxian", 2023, LOCAL + NATIONAL, PROVINCE + LOCAL, make_report=make_report)
    steps = [
        [*corpus, other],  # two counties arrive
        [national("n2023", 2023, "各位代表：", "与县里毫无共同之处的另一段文字。",
                  make_report=make_report), *corpus[1:], other],  # a source changes
        [*corpus[:3], *corpus[4:], other],  # 孟州 is removed
    ]
    for reports in steps:
        build.index_reports(reports, directory)
        generation = generations.current(directory)
        saved, fresh = finding.load(generation), finding.find(generation)
        assert saved is not None and len(saved.doc)
        for name in ("doc", "source", "covered", "length"):
            assert getattr(saved, name).tolist() == getattr(fresh, name).tolist()


def test_a_generation_without_the_artifact_has_no_notes_yet(make_index, corpus) -> None:
    directory = make_index(corpus)
    gen = opened(directory).generation()
    (gen.stamp[0] / finding.FILE).unlink()
    assert copies.of_report(gen, "mengzhou") == {}
    finding.write(gen.stamp[0])  # written late (as build.py does after publishing)
    assert copies.of_report(gen, "mengzhou")[1].doc == "n2023"


# ------------------------------------------------------ the seeds and the national reports

K = finding.K


def windows(text: str) -> set[str]:
    return {text[i:i + K] for i in range(len(text) - K + 1)}


def covered(text: str, source: set[str]) -> int:
    """Characters of `text` inside its K-windows that `source` holds: the brute force."""
    inside: set[int] = set()
    for i in range(len(text) - K + 1):
        if text[i:i + K] in source:
            inside.update(range(i, i + K))
    return len(inside)


def bodies(gen, report_id: str) -> dict[int, str]:
    found = {}
    for n in range(1, 2000):
        d = locate.docnum(gen, report_id, n)
        if d is None:
            break
        found[n] = gen.body(d)
    return found


NATIONAL_2023 = "government_work_reports-005"  # 2023年中华人民共和国国务院政府工作报告
MENGZHOU = "000_1d81e7ffc4b419a3"
QINYANG = "003_2d80b49f8694d6dd"


@pytest.mark.parametrize(("report_id", "expected"), [
    (MENGZHOU, [7, 9, 11, 30, 31, 65, 79, 104]), (QINYANG, [4, 6, 25])], ids=["孟州", "沁阳"])
def test_every_overlap_with_the_2023_national_report_is_found(national_index, report_id,
                                                              expected) -> None:
    """The oracle: every paragraph sharing a 14-character run with the 2023 national report
    (brute force over all windows) has a source covering at least as much, and the share
    stored is exactly the brute-force share against the source it names."""
    gen = opened(national_index).generation()
    assert gen.reports[NATIONAL_2023]["year"] == 2023
    table = copies.copies(gen)
    sources = {n: windows(b) for n, b in bodies(gen, NATIONAL_2023).items()}
    everything = set().union(*sources.values())
    overlapping = []
    for n, text in bodies(gen, report_id).items():
        if not windows(text) & everything:
            continue
        overlapping.append(n)
        best = max(covered(text, s) for s in sources.values())
        d = locate.docnum(gen, report_id, n)
        i = int(np.searchsorted(table.doc, d))
        assert table.doc[i] == d, f"paragraph {n} shares text with the 2023 report"
        assert int(table.covered[i]) >= best
        assert int(table.covered[i]) == covered(text, windows(gen.body(int(table.source[i]))))
    assert overlapping == expected


@pytest.mark.parametrize(("report_id", "n", "expected"), [
    (MENGZHOU, 31, (NATIONAL_2023, 94, 72 / 349)),  # 今年政府工作总体要求是 … 更好统筹…
    (MENGZHOU, 65, (NATIONAL_2023, 110, 16 / 40)),  # …一体推进农业现代化和农村现代化。
    (QINYANG, 25, (NATIONAL_2023, 94, 83 / 275)),  # 今年政府工作的总体要求是 …
], ids=["孟州31", "孟州65", "沁阳25"])
def test_hand_checked_pairs(national_index, report_id, n, expected) -> None:
    note = copies.of_paragraph(opened(national_index).generation(), report_id, n)
    assert (note.doc, note.n, round(note.share, 4)) == \
        (expected[0], expected[1], round(expected[2], 4))


def test_a_search_hit_and_the_report_view_show_the_source(national_index, tmp_path) -> None:
    from searchapp.web import create_app

    app = create_app(Settings(corpus=(), index_dir=national_index,
                              instance_dir=tmp_path / "instance"), {"TESTING": True})
    client = app.test_client()
    label = "与《2023年中华人民共和国国务院政府工作报告》第94段重合 30%"
    link = f'href="/doc/{NATIONAL_2023}#p-94"'
    page = client.get("/search?q=六个走在全省前列").get_data(as_text=True)
    assert label in page and link in page
    view = client.get(f"/doc/{QINYANG}").get_data(as_text=True)
    assert label in view and link in view
    hits = client.get("/api/search?q=六个走在全省前列").get_json()["hits"]
    assert hits[0]["copied_from"] == {"doc": NATIONAL_2023, "paragraph": 94,
                                      "title": "2023年中华人民共和国国务院政府工作报告",
                                      "region": "全国", "year": 2023,
                                      "share": round(83 / 275, 3)}
    assert "重合表述：「以***新时代中国特色社会主义思想为指导」" in view
    listed = client.get(f"/api/copies/{QINYANG}").get_json()
    assert {p["paragraph"]: p["clauses"] for p in listed["paragraphs"]}[25][-2:] == [
        "更好统筹疫情防控和经济社会发展", "更好统筹发展和安全"]
    assert [p["paragraph"] for p in listed["paragraphs"]] == sorted(
        n for n in copies.of_report(opened(national_index).generation(), QINYANG))
    assert client.get("/api/copies/nowhere").status_code == 404


def test_the_write_step_works_on_a_copy_of_a_published_generation(national_index,
                                                                   tmp_path) -> None:
    """find() reads only the generation's files: the same answer from a copied folder."""
    copy = tmp_path / "gen"
    shutil.copytree(opened(national_index).generation().stamp[0], copy)
    again = finding.find(copy)
    saved = finding.load(copy)
    assert saved is not None
    assert [a.tolist() for a in (again.doc, again.source, again.covered)] == \
        [a.tolist() for a in (saved.doc, saved.source, saved.covered)]


def test_the_cli_json_carries_the_same_copied_from(national_index) -> None:
    from conftest import run_cli

    result = run_cli("search", "六个走在全省前列", "--index", national_index, "--json")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)["hits"][0]
    assert (first["doc"], first["paragraph"]) == (QINYANG, 25)
    assert first["copied_from"]["paragraph"] == 94


@pytest.mark.parametrize(("source_year", "target_year", "linked"), [
    (2020, 2023, True),  # three years back: still a source
    (2019, 2023, False),  # four: no longer
    (2023, 2023, True),
    (2024, 2023, False),  # later than the report
    (2023, None, False),  # a report of unknown year has no sources
], ids=["3-years", "4-years", "same-year", "later", "unknown-year"])
def test_which_years_count_as_sources(make_index, make_report, source_year, target_year,
                                      linked) -> None:
    directory = make_index([
        national("n", source_year, NATIONAL, make_report=make_report),
        make_report("c", NATIONAL, title="孟州市政府工作报告", region="孟州市", level="county",
                    year=target_year, parents=("河南省", "焦作市")),
    ])
    assert bool(notes(directory, "c")) is linked


def test_text_shorter_than_a_run_is_never_copied(make_index, make_report) -> None:
    short = NATIONAL[:K - 1]
    directory = make_index([
        national("n", 2023, short, make_report=make_report),
        county("c", 2023, short, make_report=make_report),
    ])
    assert notes(directory, "c") == {}


@pytest.mark.parametrize(("sources", "expected"), [
    ([("n2021", 2021), ("n2023", 2023)], "n2023"),  # the same paragraph: the latest year's
    ([("n-a", 2023), ("n-b", 2023)], "n-a"),  # of one year: the first indexed
], ids=["latest-year", "first-of-a-year"])
def test_a_paragraph_several_sources_hold_word_for_word_names_the_preferred_one(
        make_index, make_report, sources, expected) -> None:
    """Identical source paragraphs are indexed once (told apart by their fingerprints):
    the one kept is the one a copy must name."""
    directory = make_index([
        *(national(rid, year, "各位代表：", NATIONAL, make_report=make_report)
          for rid, year in sources),
        county("c", 2023, NATIONAL, make_report=make_report),
    ])
    assert notes(directory, "c") == {1: (expected, 2, 1.0)}


def test_fingerprints_tell_bodies_apart_by_their_text_only() -> None:
    from searchapp.index.columns import SEP
    from searchapp.index.columns_write import fingerprints

    bodies = ["十四五规划", "十四五规划", "十五四规划", "十四五规", "", "十四五规划纲要",
              "十四五规划"]
    points = np.frombuffer("".join(b + SEP for b in bodies).encode("utf-32-le"), np.uint32)
    offsets = np.cumsum([0, *(len(b) + 1 for b in bodies)])
    found = fingerprints(points, offsets).tolist()
    assert found[0] == found[1] == found[6]  # the same text wherever it sits
    assert len({found[i] for i in (0, 2, 3, 4, 5)}) == 5  # swapped, shorter, empty, longer
    assert found == fingerprints(points.astype(np.uint16), offsets).tolist()  # UTF-16 part
