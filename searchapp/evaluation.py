"""Relevance evaluation: how good is the first page, measured on graded judgments.

A judgments file (JSON Lines) holds one query per line, in the spirit of
Elasticsearch's `_rank_eval`:

    {"id": "q1", "query": "营商环境", "kind": "plain", "intent": "…",
     "ratings": [{"doc": "000_1d81e7ffc4b419a3", "paragraph": 9, "grade": 2}, …]}

Grades: 2 = substantially about the query, 1 = mentioned in passing, 0 = not relevant.
Unjudged hits count as 0. Metrics per query, then their means (overall and per `kind`):
  nDCG@10   gains 2^grade − 1, discount log2(rank + 1), ideal = the judged grades sorted
  P@10      share of the first 10 hits with grade ≥ 1
  Recall@100  share of the grade ≥ 1 paragraphs found in the first 100 hits
  MRR       1 / rank of the first hit with grade ≥ 1 (0 when none in the first 100)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from searchapp.errors import SearchappError

DEPTH = 100  # hits fetched per query: what Recall@100 and MRR look at
METRICS = ("ndcg@10", "p@10", "recall@100", "mrr")


class JudgmentsError(SearchappError):
    """The judgments file cannot be read."""


@dataclass(frozen=True)
class Judged:
    """One query with its graded paragraphs (keyed by (report id, paragraph number))."""

    id: str
    query: str
    kind: str
    grades: dict[tuple[str, int], int]


@dataclass
class Scores:
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def mean(self, kind: str | None = None) -> dict[str, float]:
        rows = [m for q, m in self.per_query.items() if kind in (None, self.kinds[q])]
        return {name: round(sum(r[name] for r in rows) / len(rows), 4) if rows else 0.0
                for name in METRICS}


def read_judgments(path: Path) -> list[Judged]:
    """Parse a judgments file; every problem is one JudgmentsError naming the line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise JudgmentsError(f"cannot read judgments {path}: {error}") from None
    judged = [_parse_line(line, path, number) for number, line in enumerate(lines, 1)
              if line.strip()]
    if not judged:
        raise JudgmentsError(f"{path}: no judged queries in it")
    return judged


def _parse_line(line: str, path: Path, number: int) -> Judged:
    where = f"{path}:{number}"
    try:
        data = json.loads(line)
        grades = {(str(r["doc"]), int(r["paragraph"])): int(r["grade"])
                  for r in data["ratings"]}
        return Judged(str(data.get("id", number)), str(data["query"]),
                      str(data.get("kind", "all")), grades)
    except (ValueError, KeyError, TypeError) as error:
        raise JudgmentsError(f"{where}: not a judged query ({error!r}); expected "
                             '{"query": …, "ratings": [{"doc", "paragraph", "grade"}]}') from None


def dcg(gains: Sequence[int]) -> float:
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at(ranked: Sequence[int], judged: Iterable[int], k: int = 10) -> float:
    ideal = dcg(sorted(judged, reverse=True)[:k])
    return dcg(list(ranked)[:k]) / ideal if ideal > 0 else 0.0


def measure(ranked: Sequence[tuple[str, int]], judged: Judged) -> dict[str, float]:
    """The four metrics of one ranked list of (report id, paragraph) against judgments."""
    gains = [judged.grades.get(key, 0) for key in ranked]
    relevant = sum(1 for g in judged.grades.values() if g >= 1)
    first = next((rank for rank, g in enumerate(gains[:DEPTH], 1) if g >= 1), None)
    return {
        "ndcg@10": ndcg_at(gains, judged.grades.values()),
        "p@10": sum(1 for g in gains[:10] if g >= 1) / 10,
        "recall@100": (sum(1 for g in gains[:DEPTH] if g >= 1) / relevant) if relevant else 0.0,
        "mrr": 1.0 / first if first else 0.0,
    }


def evaluate(judged: Iterable[Judged],
             search: Callable[[str], list[tuple[str, int]]]) -> Scores:
    """Run each query through `search` (query text -> ranked (doc, paragraph)) and score it."""
    scores = Scores()
    for item in judged:
        scores.per_query[item.id] = measure(search(item.query)[:DEPTH], item)
        scores.kinds[item.id] = item.kind
    return scores


def report_text(scores: Scores, judged: list[Judged]) -> str:
    """The table `searchapp eval` prints: one row per query, then means per kind and overall."""
    queries = {j.id: j for j in judged}
    head = f"{'query':<28} {'kind':<14}" + "".join(f"{m:>11}" for m in METRICS)
    rows = [head]
    for qid, values in scores.per_query.items():
        label = f"{qid} {queries[qid].query}"[:26]
        rows.append(f"{label:<28} {scores.kinds[qid]:<14}"
                    + "".join(f"{values[m]:>11.3f}" for m in METRICS))
    rows.append("")
    for kind in sorted(set(scores.kinds.values())):
        count = sum(1 for k in scores.kinds.values() if k == kind)
        rows.append(f"{'mean (' + str(count) + ')':<28} {kind:<14}"
                    + "".join(f"{v:>11.3f}" for v in scores.mean(kind).values()))
    rows.append(f"{'mean (' + str(len(scores.per_query)) + ')':<28} {'all':<14}"
                + "".join(f"{v:>11.3f}" for v in scores.mean().values()))
    return "\n".join(rows)


def report_json(scores: Scores) -> dict:
    return {"mean": scores.mean(),
            "by_kind": {k: scores.mean(k) for k in sorted(set(scores.kinds.values()))},
            "queries": {q: {"kind": scores.kinds[q], **{m: round(v, 4) for m, v in ms.items()}}
                        for q, ms in scores.per_query.items()}}
