"""The judged development set (eval/dev.jsonl) as a quality regression test.

Not a speed test: it fails when the mean nDCG@10 drops more than 0.02 below the figure
recorded in eval/recorded.json (update that file, with the README table, when ranking
improves). Needs the national reports beside the repository (national_index)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import opened

from searchapp import evaluation
from searchapp.model import Query
from searchapp.search import searching
from searchapp.text.normalize import normalize

EVAL = Path(__file__).parents[1] / "eval"
TOLERANCE = 0.02


@pytest.fixture(scope="module")
def scores(national_index: Path) -> evaluation.Scores:
    judged = evaluation.read_judgments(EVAL / "dev.jsonl")
    index = opened(national_index)

    def ranked(q: str) -> list[tuple[str, int]]:
        hits = searching.run(index, Query(q=q, per_page=evaluation.DEPTH)).hits
        return [(h.doc, h.paragraph) for h in hits]

    return evaluation.evaluate(judged, ranked)


def test_the_development_set_has_forty_judged_queries_of_every_kind():
    judged = evaluation.read_judgments(EVAL / "dev.jsonl")
    kinds = {j.kind for j in judged}
    assert len(judged) >= 40 and kinds == {"plain", "two-word", "other-wording", "phrase"}
    assert all(sum(g == 2 for g in j.grades.values()) >= 3 for j in judged)


@pytest.mark.parametrize("kind", [None, "plain", "two-word", "other-wording", "phrase"])
def test_ndcg_has_not_dropped_below_the_recorded_figure(scores, kind):
    recorded = json.loads((EVAL / "recorded.json").read_text(encoding="utf-8"))
    key = kind or "all"
    assert scores.mean(kind)["ndcg@10"] >= recorded[key]["ndcg@10"] - TOLERANCE


def test_literal_matches_rank_above_expansions_for_every_judged_query(national_index):
    """Lower tiers add recall only below what the reader typed, which the reports may write
    with quotation marks between its words (“三公”经费 for 三公经费, “十四五”规划)."""
    words = [j.query for j in evaluation.read_judgments(EVAL / "dev.jsonl")
             if " " not in j.query and '"' not in j.query]
    assert len(words) >= 20
    def unquoted(text: str) -> str:
        return re.sub(r"(?<=[\u4e00-\u9fff])[”“」「’‘\"]+(?=[\u4e00-\u9fff])", "",
                      normalize(text))
    for word in words:
        hits = searching.run(opened(national_index), Query(q=word, per_page=100)).hits
        literal = [normalize(word) in unquoted(h.text) for h in hits]
        assert literal == sorted(literal, reverse=True), word
