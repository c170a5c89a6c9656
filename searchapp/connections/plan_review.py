"""A year's plan and the next year's review: 「次年回顾」 and 「上年安排」.

For a region with reports of years N and N+1, each body paragraph of year N's plan part
(a top-level section such as 三、2024年政府工作任务, 2023年工作安排, 对今年政府工作的建议)
is linked to the paragraph of year N+1's review part (一、2024年工作回顾) whose words are
most like its own: cosine of their tf × idf vectors over the jieba words of the index
(idf from the word index's paragraph counts), kept from THRESHOLD on. The threshold was
chosen on a judged sample (eval/plan_review.jsonl; README: Connections).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from searchapp.connections import locate
from searchapp.connections.locate import report_docnums
from searchapp.connections.words import content_counts
from searchapp.index.generation import Generation

THRESHOLD = 0.12
MIN_WORDS = 4  # fewer content words (各位代表！) is a salutation, not a task or a result
PLAN = re.compile(r"任务|工作安排|重点工作|建议|主要工作")
REVIEW = re.compile(r"回顾")


@dataclass(frozen=True)
class Link:
    plan_doc: str
    plan_n: int
    review_doc: str
    review_n: int
    score: float

    def to_json(self) -> dict:
        return {"plan": {"doc": self.plan_doc, "paragraph": self.plan_n},
                "review": {"doc": self.review_doc, "paragraph": self.review_n},
                "score": round(self.score, 3)}


def next_report(gen: Generation, report_id: str, step: int = 1) -> str | None:
    """The report of the same region `step` years later (earlier when negative): a work
    report, not a congress's resolution on it; the first by id when there are several."""
    meta = gen.reports.get(report_id) or {}
    if not meta.get("year"):
        return None
    found = sorted(rid for rid, other in gen.reports.items()
                   if other.get("region") == meta.get("region")
                   and other.get("year") == meta["year"] + step
                   and other.get("doctype", "report") == "report" and _has_part(gen, rid))
    return found[0] if found else None


def _has_part(gen: Generation, report_id: str) -> bool:
    docs = report_docnums(gen, report_id).tolist()
    return any(section and section[0] for _, section in locate.outline(gen, docs))


def part(gen: Generation, report_id: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(paragraph number, docnum) of the body paragraphs under a top-level section whose
    title matches `pattern`."""
    docs = report_docnums(gen, report_id).tolist()
    numbers = locate.located(gen).n
    return [(int(numbers[d]), d) for d, (heading, section) in
            zip(docs, locate.outline(gen, docs), strict=True)
            if not heading and section and pattern.search(section[0])]


def links(gen: Generation, plan_doc: str, threshold: float = THRESHOLD) -> list[Link]:
    """Each plan paragraph of `plan_doc` with its best review paragraph of the next year's
    report (score from `threshold` on), in plan order."""
    review_doc = next_report(gen, plan_doc)
    plan_part = part(gen, plan_doc, PLAN)
    if review_doc is None or not plan_part:  # a resolution has no plan: the review is not read
        return []
    review_part = part(gen, review_doc, REVIEW)
    reviews = [(n, v, _norm(v)) for (n, _), v in zip(review_part, _vectors(gen, review_part),
                                                      strict=True) if len(v) >= MIN_WORDS]
    found = []
    for (n, _), vector in zip(plan_part, _vectors(gen, plan_part), strict=True):
        if len(vector) < MIN_WORDS:
            continue
        norm = _norm(vector)
        scored = [(_cosine(vector, norm, other, other_norm), -m)
                  for m, other, other_norm in reviews]
        if scored:
            score, m = max(scored)
            if score >= threshold:
                found.append(Link(plan_doc, n, review_doc, -m, score))
    return found


def _vectors(gen: Generation, paragraphs: list[tuple[int, int]]) -> list[dict[str, float]]:
    """The tf × idf vector of each (n, docnum) paragraph, over its content words."""
    size = max(gen.size, 1)
    return [{w: tf * math.log(1 + size / max(gen.word_doc_frequency(w), 1))
             for w, tf in words.items()}
            for words in content_counts(gen, [gen.body(d) for _, d in paragraphs])]


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two sparse vectors (0 when either is empty)."""
    return _cosine(a, _norm(a), b, _norm(b))


def _cosine(a: dict[str, float], a_norm: float, b: dict[str, float], b_norm: float) -> float:
    """cosine() with the norms given: links() compares every plan paragraph with every
    review paragraph, and worked each norm out again for each pair."""
    dot = sum(v * b[w] for w, v in a.items() if w in b)
    norm = a_norm * b_norm
    return dot / norm if norm else 0.0


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


@dataclass(frozen=True)
class Figures:
    judged: int
    relevant: int
    linked: int  # judged pairs the method links (score from the threshold on)
    correct: int  # of those, judged relevant

    @property
    def precision(self) -> float:
        return self.correct / self.linked if self.linked else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.relevant if self.relevant else 0.0


def evaluate(gen: Generation, judged: list[dict], threshold: float = THRESHOLD) -> Figures:
    """Precision and recall of the links on judged (plan, review, relevant) pairs: a pair
    counts as linked when the method links that plan paragraph to that review paragraph."""
    made: dict[str, set[tuple[int, str, int]]] = {}
    linked = correct = 0
    for row in judged:
        plan = row["plan"]["doc"]
        if plan not in made:
            made[plan] = {(x.plan_n, x.review_doc, x.review_n)
                          for x in links(gen, plan, threshold)}
        hit = (row["plan"]["paragraph"], row["review"]["doc"], row["review"]["paragraph"]) \
            in made[plan]
        linked += hit
        correct += hit and bool(row["relevant"])
    return Figures(len(judged), sum(bool(r["relevant"]) for r in judged), linked, correct)


@dataclass(frozen=True)
class PlanRow:
    """A plan paragraph and what the next year's review says about it (None: nothing)."""

    n: int
    text: str
    link: Link | None
    review_text: str | None


def plan_paragraphs(gen: Generation, plan_doc: str) -> list[PlanRow]:
    """Every plan paragraph of the report with its review, if any: the page that says
    「未找到次年回顾」 too."""
    made = {x.plan_n: x for x in links(gen, plan_doc)}
    rows = []
    plan_part = part(gen, plan_doc, PLAN)
    for (n, d), vector in zip(plan_part, _vectors(gen, plan_part), strict=True):
        if len(vector) < MIN_WORDS:
            continue
        link = made.get(n)
        review = locate.docnum(gen, link.review_doc, link.review_n) if link else None
        rows.append(PlanRow(n, gen.record(d).text, link,
                            gen.record(review).text if review is not None else None))
    return rows


def reviewed_by(gen: Generation, review_doc: str,
                links_of: Callable[[Generation, str], list[Link]] = links
                ) -> dict[int, list[Link]]:
    """Review paragraph number -> the previous year's plan paragraphs linked to it.
    `links_of`: how the previous report's links are had (the web app's are memoised, and
    shared with that report's own view)."""
    previous = next_report(gen, review_doc, step=-1)
    found: dict[int, list[Link]] = {}
    if previous is None or next_report(gen, previous) != review_doc:
        return found  # e.g. a resolution: the previous plan is reviewed by the report
    for link in links_of(gen, previous):
        found.setdefault(link.review_n, []).append(link)
    return found
