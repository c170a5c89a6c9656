"""Fit ranking.Weights on the judged development set with two-fold cross-validation.

    .venv/bin/python eval/tune.py [--index DIR] [--judgments eval/dev.jsonl]

The index must hold seeds/ and the national reports (see eval/README.md). The queries are
split in two folds (alternate lines of the judgments file); for each fold the grid point
with the best mean nDCG@10 on the other fold is scored on this one, so the printed
held-out figure is what the chosen weights do on queries they were not fitted to. The
weights fitted on all queries are printed last: those are what ranking.DEFAULT should be.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from searchapp import evaluation
from searchapp.index.read import Index
from searchapp.model import Query
from searchapp.search import searching
from searchapp.search.ranking import Weights

GRID = {  # the points README's figures come from; defaults of ranking.Weights otherwise
    "passing": (0.5, 0.75),
    "heading": (0.5, 0.25),
    "body_b": (0.2, 0.1, 0.05),
    "topic": (0.0, 0.5, 1.0),
    "figure": (0.5, 0.0),
    "coherence": (0.75, 0.5, 1.0, 0.0),
    "proximity": (0.0,),  # fitted to 0 on both folds (1.0 and 2.0 were in the grid): applied
    #                       only when the reader asks, at ranking.ASKED_PROXIMITY
    "boundary": (0.2,),
    "echo": (0.3,),  # fitted on alternate halves of 379 queries: 0.2–0.4 alike (0.762), 0 and
    #                  1.0 lower; 0.3 gained on both halves (+0.007, +0.006) and held out +0.015
}


def scores_for(index: Index, judged: list[evaluation.Judged], weights: Weights) -> dict:
    def ranked(q: str) -> list[tuple[str, int]]:
        hits = searching.run(index, Query(q=q, per_page=evaluation.DEPTH), weights).hits
        return [(h.doc, h.paragraph) for h in hits]
    return evaluation.evaluate(judged, ranked).per_query


def mean(per_query: dict, ids: list[str]) -> float:
    return sum(per_query[i]["ndcg@10"] for i in ids) / len(ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, default=Path("/tmp/devidx"))
    parser.add_argument("--judgments", type=Path, default=Path("eval/dev.jsonl"))
    args = parser.parse_args()
    index = Index(args.index)
    judged = evaluation.read_judgments(args.judgments)
    folds = [[j.id for j in judged[k::2]] for k in (0, 1)]
    table = []
    for values in itertools.product(*GRID.values()):
        weights = Weights(**dict(zip(GRID, values, strict=True)))
        # a fresh handle per point: a generation memoises feedback words per query
        table.append((weights, scores_for(Index(args.index), judged, weights)))
    every = [j.id for j in judged]
    baseline = scores_for(index, judged, Weights())
    print(f"untuned (Weights()): nDCG@10 {mean(baseline, every):.3f}")
    for k in (0, 1):
        train, test = folds[1 - k], folds[k]
        best, per_query = max(table, key=lambda row: mean(row[1], train))
        print(f"fold {k}: fitted on {len(train)} queries {best}: "
              f"train {mean(per_query, train):.3f}, held out {mean(per_query, test):.3f} "
              f"(untuned held out {mean(baseline, test):.3f})")
    best, per_query = max(table, key=lambda row: mean(row[1], every))
    print(f"all queries: {best}: nDCG@10 {mean(per_query, every):.3f}")


if __name__ == "__main__":
    main()
