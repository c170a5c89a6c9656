"""「本报告特色词」: Dunning's log-likelihood G² on counts small enough to check by hand, then
the words a report uses markedly more than the rest of a tiny corpus."""

from __future__ import annotations

import math

import pytest
from conftest import opened

from searchapp.config import Settings
from searchapp.connections import distinctive
from searchapp.connections.distinctive import g2


@pytest.mark.parametrize(("table", "expected"), [
    ((10, 10, 90, 90), 0.0),  # the same rate in both: nothing to see
    ((1, 0, 0, 1), 4 * math.log(2)),  # each cell 1 against an expected 0.5: 2·2·ln 2
    ((2, 0, 0, 2), 8 * math.log(2)),
    ((0, 0, 5, 5), 0.0),  # a word used nowhere
    # N = 1100, expected a = 10·100/1100 = 0.909, b = 9.091, c = 99.091, d = 990.909:
    # 2·(5 ln 5.5 + 5 ln 0.55 + 95 ln 0.9587 + 995 ln 1.00413) = 11.26
    ((5, 5, 95, 995), 11.2576),
], ids=["same-rate", "1-0-0-1", "2-0-0-2", "unused", "5-5-95-995"])
def test_g2_on_hand_checked_tables(table, expected) -> None:
    assert g2(*table) == pytest.approx(expected, abs=1e-3)


def test_g2_is_symmetric_in_the_two_parts() -> None:
    assert g2(7, 3, 100, 400) == pytest.approx(g2(3, 7, 400, 100))


FILLER = ["城市更新改造老旧小区{}个。", "新建学校{}所，增加学位。", "修建道路{}公里。"]


@pytest.fixture
def directory(make_index, make_report):
    filler = [t.format(i) for i in range(2, 9) for t in FILLER]
    return make_index([
        make_report("hydrogen", "发展氢能产业，建设氢能走廊。",
                    "氢能重卡示范运营，氢能加注站建成。", "新建学校3所。",
                    title="氢县报告", region="氢县", year=2023),
        make_report("other", *filler, title="他县报告", region="他县", year=2022),
    ])


def test_a_report_s_own_word_comes_first(directory) -> None:
    terms = distinctive.distinctive(opened(directory).generation(), ["hydrogen"])
    assert [(t.word, t.count, t.rest) for t in terms][:1] == [("氢能", 4, 0)]
    assert math.isinf(terms[0].ratio) and terms[0].to_json()["ratio"] is None
    assert "新建" not in [t.word for t in terms]  # used as much elsewhere


def test_the_report_view_lists_its_terms_and_the_api_twin(directory, tmp_path) -> None:
    from searchapp.web import create_app

    client = create_app(Settings(corpus=(), index_dir=directory,
                                 instance_dir=tmp_path / "instance"),
                        {"TESTING": True}).test_client()
    view = client.get("/doc/hydrogen").get_data(as_text=True)
    assert "本报告特色词" in view and "q=%E6%B0%A2%E8%83%BD" in view  # 氢能, linked
    first = client.get("/api/distinctive?doc=hydrogen").get_json()["terms"][0]
    assert {k: first[k] for k in ("word", "count", "rest", "ratio")} == \
        {"word": "氢能", "count": 4, "rest": 0, "ratio": None}
    assert first["g2"] >= distinctive.SIGNIFICANT
    assert client.get("/api/distinctive?region=氢县").get_json()["reports"] == ["hydrogen"]
    assert client.get("/api/distinctive?year=2023").get_json()["reports"] == ["hydrogen"]
    page = client.get("/distinctive?doc=hydrogen").get_data(as_text=True)
    assert 'href="/distinctive?region=%E6%B0%A2%E5%8E%BF"' in page  # 氢县's reports
    assert 'href="/distinctive?year=2023"' in page
    assert client.get("/api/distinctive").status_code == 400
    assert client.get("/api/distinctive?year=abc").status_code == 400
    assert client.get("/api/distinctive?region=无此地").status_code == 404


def test_a_part_of_too_many_reports_is_refused(make_index, make_report, tmp_path,
                                               monkeypatch) -> None:
    from searchapp.web import connection_views, create_app

    monkeypatch.setattr(connection_views, "MAX_REPORTS", 1)
    directory = make_index([make_report(f"r{i}", "氢能产业。", year=2023) for i in range(2)])
    client = create_app(Settings(corpus=(), index_dir=directory,
                                 instance_dir=tmp_path / "instance"),
                        {"TESTING": True}).test_client()
    answer = client.get("/api/distinctive?year=2023")
    assert answer.status_code == 400
    assert "2 份" in answer.get_json()["error"]["message"]
