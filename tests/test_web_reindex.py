"""What a subscriber and a bookmark rely on across reindexes: the same link gives the same
hits after rebuilding the same corpus, and a feed shows a newly added report first while
earlier entries keep their ids."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from searchapp.config import Settings
from searchapp.index import build as index
from searchapp.web import create_app

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def report(region: str, year: int, date: str, *paragraphs: str) -> str:
    body = "\n\n".join(paragraphs)
    return (f"{year}年{region}政府工作报告\n信息来源:{region}人民政府 发布日期:{date}\n\n"
            f"一、工作回顾\n\n{body}\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    (directory / "mengzhou-2022.txt").write_text(report(
        "孟州市", 2022, "2022-03-01", "发展氢能产业，建设加氢站。", "推进老旧小区改造。"),
        encoding="utf-8")
    (directory / "qinyang-2022.txt").write_text(report(
        "沁阳市", 2022, "2022-02-15", "氢能重卡示范运营。"), encoding="utf-8")
    return directory


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> FlaskClient:
    index.reindex([corpus], tmp_path / "index")
    settings = Settings(corpus=(corpus,), index_dir=tmp_path / "index",
                        instance_dir=tmp_path / "instance")
    return create_app(settings, {"TESTING": True}).test_client()


def entries(client: FlaskClient) -> list[tuple[str, str]]:
    root = ET.fromstring(client.get("/feed?q=氢能").data)
    return [(e.findtext("a:id", namespaces=ATOM), e.findtext("a:updated", namespaces=ATOM))
            for e in root.findall("a:entry", ATOM)]


def test_saved_link_gives_the_same_hits_after_a_full_reindex(site: FlaskClient, corpus: Path,
                                                            tmp_path: Path) -> None:
    html = site.get("/search?q=氢能").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    saved = site.post("/saved", data={"csrf_token": token, "name": "氢能", "q": "氢能"})
    slug = saved.location.rsplit("=", 1)[1]
    before = site.get("/api/search?q=氢能").get_json()["hits"]
    index.reindex([corpus], tmp_path / "index", full=True)
    target = site.get(f"/s/{slug}").location
    after = site.get("/api/" + target.removeprefix("/")).get_json()["hits"]
    assert [(h["doc"], h["paragraph"], h["highlight"]) for h in after] == [
        (h["doc"], h["paragraph"], h["highlight"]) for h in before]
    assert len(before) == 2


def test_feed_shows_a_new_report_first_and_keeps_old_entry_ids(site: FlaskClient,
                                                               corpus: Path,
                                                               tmp_path: Path) -> None:
    old = entries(site)
    assert [updated for _, updated in old] == ["2022-03-01T00:00:00Z", "2022-02-15T00:00:00Z"]
    (corpus / "mengzhou-2023.txt").write_text(report(
        "孟州市", 2023, "2023-03-29", "氢能产业园开工。"), encoding="utf-8")
    index.reindex([corpus], tmp_path / "index")
    new = entries(site)
    assert new[0][1] == "2023-03-29T00:00:00Z"
    assert "/doc/mengzhou-2023?q=" in new[0][0]
    assert new[1:] == old


def test_a_request_reads_one_generation_and_the_next_request_the_new_one(
        site: FlaskClient, corpus: Path, tmp_path: Path) -> None:
    """Everything a page shows (hits, their notes, facets) comes from the generation the
    request first opened, even if a reindex publishes another meanwhile."""
    from searchapp.web.context import generation

    app = site.application
    with app.test_request_context("/search?q=氢能"):
        first = generation()
        index.reindex([corpus], tmp_path / "index", full=True)
        assert generation() is first
    with app.test_request_context("/search?q=氢能"):
        assert generation() is not first
        assert generation().stamp != first.stamp
    assert site.get("/api/search?q=氢能").get_json()["total"] == 2
