"""searchapp eval: the metrics against hand-computed examples, the file format, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from conftest import run_cli

from searchapp import evaluation
from searchapp.evaluation import Judged, JudgmentsError

JUDGED = Judged("q", "营商环境", "plain", {("a", 1): 2, ("a", 2): 1, ("b", 1): 0, ("b", 2): 2})


def test_metrics_of_a_ranked_list_by_hand():
    ranked = [("b", 1), ("a", 2), ("x", 9), ("a", 1)]  # gains 0, 1, 0, 3 (2^2-1)
    dcg = 1 / math.log2(3) + 3 / math.log2(5)
    ideal = 3 + 3 / math.log2(3) + 1 / math.log2(4)  # grades 2, 2, 1, 0 sorted
    assert evaluation.measure(ranked, JUDGED) == pytest.approx({
        "ndcg@10": dcg / ideal, "p@10": 2 / 10, "recall@100": 2 / 3, "mrr": 1 / 2})


def test_perfect_and_empty_rankings():
    perfect = [("a", 1), ("b", 2), ("a", 2)]
    assert evaluation.measure(perfect, JUDGED)["ndcg@10"] == pytest.approx(1.0)
    assert evaluation.measure([], JUDGED) == {"ndcg@10": 0.0, "p@10": 0.0,
                                              "recall@100": 0.0, "mrr": 0.0}


def test_means_per_kind_and_overall():
    scores = evaluation.evaluate(
        [JUDGED, Judged("r", "x", "phrase", {("a", 1): 1})],
        lambda q: [("a", 1)])
    assert scores.mean("phrase")["ndcg@10"] == 1.0
    assert scores.mean()["mrr"] == 1.0
    assert scores.mean()["p@10"] == pytest.approx(0.1)


def test_a_broken_judgments_line_is_named(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"query": "a", "ratings": []}\n{"query": "b"}\n', encoding="utf-8")
    with pytest.raises(JudgmentsError, match=r"j.jsonl:2: not a judged query"):
        evaluation.read_judgments(path)


def test_eval_command_prints_per_query_and_mean_figures(seeds_index: Path, tmp_path: Path):
    path = tmp_path / "j.jsonl"
    ratings = [{"doc": "000_1d81e7ffc4b419a3", "paragraph": n, "grade": 2} for n in (1, 2)]
    path.write_text(json.dumps({"id": "t1", "query": "万人助万企", "kind": "plain",
                                "ratings": ratings}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    result = run_cli("eval", path, "--index", seeds_index, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["mean", "by_kind", "queries"]
    assert list(data["queries"]["t1"]) == ["kind", "ndcg@10", "p@10", "recall@100", "mrr"]
    text = run_cli("eval", path, "--index", seeds_index)
    assert "t1 万人助万企" in text.output and "mean (1)" in text.output


def test_eval_of_a_missing_index_is_one_line(tmp_path: Path):
    path = tmp_path / "j.jsonl"
    path.write_text('{"query": "a", "ratings": []}\n', encoding="utf-8")
    result = run_cli("eval", path, "--index", tmp_path / "none")
    assert result.exit_code == 1
    assert "run `searchapp reindex`" in result.output and "Traceback" not in result.output
